from odoo import fields, models


class StockLotReworkWizard(models.TransientModel):
    _inherit = "stock.lot.rework.wizard"

    recall_id = fields.Many2one("stock.lot.recall", readonly=True)
    recall_lot_ids = fields.Many2many("stock.lot", compute="_compute_recall_lot_ids", string="Lots of the Recall")

    def _compute_recall_lot_ids(self):
        for wizard in self:
            wizard.recall_lot_ids = wizard.recall_id._get_reworkable_lots() if wizard.recall_id else False

    def _create_production(self):
        if not self.recall_id:
            return super()._create_production()
        return self.recall_id._create_rework_production(
            self.lot_id,
            self.quantity,
            location=self.location_id,
            product=self.product_id,
            bom=self.bom_id or None,
            product_qty=self.product_qty,
        )
