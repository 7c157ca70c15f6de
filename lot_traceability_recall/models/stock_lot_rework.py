from odoo import models
from odoo.addons.lot_traceability.tools.server_write import server_write

from .stock_lot_recall import OPEN_RECALL_STATES


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _get_rework_hold_vals(self):
        """A lot an open recall holds is reworked for that recall (the latest confirmed, if several hold it): its
        rework counts in that recall's mass balance."""
        vals = super()._get_rework_hold_vals()
        holds = (
            self.env["stock.lot.recall.hold"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", self.id),
                    ("recall_id.is_mock", "=", False),
                    ("recall_id.state", "in", OPEN_RECALL_STATES),
                ]
            )
        )
        if holds:
            recall = holds.recall_id.sorted(lambda recall: recall.date_confirmed or recall.create_date)[-1]
            vals["lot_recall_id"] = recall.id
        return vals

    def _create_rework_production(
        self, quantity, location=None, product=None, bom=None, product_qty=None, origin_vals=None
    ):
        # The link to the recall is the recall's own (stock.lot.recall.document.mixin), set here by the server.
        with server_write("stock.lot.recall"):
            return super()._create_rework_production(
                quantity, location=location, product=product, bom=bom, product_qty=product_qty, origin_vals=origin_vals
            )
