from odoo import models

from .stock_lot_recall import OPEN_RECALL_STATES


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._update_recall_balances()
        return moves

    def _update_recall_balances(self):
        """The mass balance of the open recalls whose lots these moves moved follows them: a validated
        return or scrap shows at once as recovered or destroyed, with no one to press a button."""
        lots = self.move_line_ids.lot_id
        if not lots:
            return
        # sudo: the warehouse user who validates a return may not read recalls; the balance is the recall's.
        recalls = (
            self.env["stock.lot.recall"]
            .sudo()
            .search(
                [("is_mock", "=", False), ("state", "in", OPEN_RECALL_STATES), ("affected_lot_ids", "in", lots.ids)]
            )
        )
        recalls.action_compute_balance()
