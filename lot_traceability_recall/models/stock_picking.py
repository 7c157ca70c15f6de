from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    lot_recall_id = fields.Many2one(
        "stock.lot.recall", "Recall", index="btree_not_null", readonly=True, copy=False, check_company=True
    )
