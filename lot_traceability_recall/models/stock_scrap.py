from odoo import fields, models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    lot_recall_id = fields.Many2one(
        "stock.lot.recall", "Recall", index="btree_not_null", readonly=True, copy=False, check_company=True
    )
