from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    def action_start_recall_drill(self):
        """Start a recall drill of this lot and open it."""
        recall = self.env["stock.lot.recall"]._start_drill(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.lot.recall",
            "res_id": recall.id,
            "view_mode": "form",
            "target": "current",
        }
