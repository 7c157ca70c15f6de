from odoo import api, models
from odoo.tools import float_round

from ..tools.server_write import server_write


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _is_rework_consumption(self, lot):
        """Whether this line consumes ``lot`` on hold as the rework order made for it does: the one exception of the
        release gate into production. Only a rework order (made by a lot's Rework action), only the lot it was made
        for while it is on hold, and only for a stock manager or a QA manager; anything else of a lot that is not
        released stays refused."""
        self.ensure_one()
        production = self.move_id.raw_material_production_id
        return bool(
            lot
            and production.is_rework
            and production.rework_lot_id == lot
            and lot.qc_state == "on_hold"
            and self.location_dest_id.usage == "production"
            and self.env["stock.lot"]._may_rework()
        )

    @api.constrains("lot_id", "location_dest_id")
    def _check_lot_released(self):
        # stock.move.line._check_lot_released, but for the held lot a rework order is made for.
        rework = self.filtered(lambda line: line._is_rework_consumption(line.lot_id))
        return super(StockMoveLine, self - rework)._check_lot_released()

    def _get_release_gate_warning(self, lot):
        if self._is_rework_consumption(lot):
            return None
        return super()._get_release_gate_warning(lot)

    def _check_release_gate(self, flows):
        """The release gate, but a rework order consumes the lot on hold it was made for; each such consumption is
        kept in the lot's History."""
        candidates = [flow for flow in flows if flow.line.move_id.raw_material_production_id.is_rework]
        if candidates:
            self.env["stock.lot"].union(*(flow.lot for flow in candidates))._lock_for_shipping()
        rework = [flow for flow in candidates if flow.line._is_rework_consumption(flow.lot)]
        result = super()._check_release_gate([flow for flow in flows if flow not in rework])
        if rework:
            self._log_rework_consumptions(rework)
        return result

    @api.model
    def _log_rework_consumptions(self, flows):
        rows = [
            {
                "lot_id": flow.lot.id,
                "field_name": "stock",
                "field_description": self.env._("Rework"),
                "old_value": flow.source.display_name,
                "new_value": flow.destination.display_name,
                "reason": self.env._(
                    "%(quantity)s %(unit)s consumed on hold by rework order %(order)s",
                    quantity=float_round(flow.quantity, precision_rounding=flow.lot.product_id.uom_id.rounding),
                    unit=flow.lot.product_id.uom_id.name,
                    order=flow.line.move_id.raw_material_production_id.name,
                ),
            }
            for flow in flows
        ]
        with server_write("stock.lot.audit"):
            self.env["stock.lot.audit"].sudo().create(rows)
