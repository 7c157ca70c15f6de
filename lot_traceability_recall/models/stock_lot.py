from psycopg2.errors import LockNotAvailable

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _get_recall_unit_cost(self):
        """Unit cost per lot id: Odoo's lot valuation when the product is valued per lot, else its cost."""
        return {
            lot.id: (lot.avg_cost if lot.product_id.lot_valuated and lot.avg_cost else lot.product_id.standard_price)
            for lot in self
        }

    def _lock_for_recall(self, lots):
        if not lots:
            return
        try:
            # In a savepoint, so that the transaction stays usable to report the error.
            with self.env.cr.savepoint(flush=False):
                self.env.execute_query(SQL("SELECT id FROM stock_lot WHERE id = ANY(%s) FOR UPDATE NOWAIT", lots.ids))
        except LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "Some of the lots are being changed by another user right now (a delivery, a signature or "
                    "another recall). Try again in a moment."
                )
            ) from error

    def qc_sign(self, decision, meaning, password, note=None, override_reason=None):
        if decision == "release":
            holds = (
                self.env["stock.lot.recall.hold"]
                .sudo()
                .search(
                    [
                        ("lot_id", "in", self.ids),
                        ("recall_id.state", "in", ("confirmed", "notified", "recovering")),
                    ]
                )
            )
            if holds:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s are held by open recall %(recalls)s: close or cancel the recall before "
                        "releasing them.",
                        lots=", ".join(holds.lot_id.mapped("name")),
                        recalls=", ".join(holds.recall_id.mapped("name")),
                    )
                )
        return super().qc_sign(decision, meaning, password, note=note, override_reason=override_reason)

    def action_open_recall_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.lot.recall.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "stock.lot", "active_ids": self.ids},
        }
