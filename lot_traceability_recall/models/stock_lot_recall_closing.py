from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero


class StockLotRecall(models.Model):
    """Closing: every shipped unit accounted for (or a written justification), the lots' outcome."""

    _inherit = "stock.lot.recall"  # pylint: disable=consider-merging-classes-inherited

    def action_open_close_wizard(self):
        self.ensure_one()
        self._check_recall_manager()
        self._check_open_real_recall("close")
        self.action_compute_balance()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close %(recall)s", recall=self.name),
            "res_model": "stock.lot.recall.close.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id},
        }

    def action_close(self, justification=None, lot_outcome="reject", destroy_remaining=False):
        """Close the case: every shipped unit accounted for or a written justification; optionally scrap
        the stock left; the held lots end rejected, or stay on hold until a QA Manager signs their release."""
        self._check_recall_manager()
        self._check_open_real_recall("close")
        if lot_outcome not in ("reject", "release"):
            raise UserError(self.env._("Choose what becomes of the lots: rejected or awaiting QA release."))
        justification = (justification or "").strip()
        if destroy_remaining:
            self.filtered(lambda recall: recall._get_held_quants()).action_destroy()
        self.action_compute_balance()
        for recall in self:
            if not float_is_zero(recall.unaccounted_qty, precision_digits=4) and not justification:
                raise UserError(
                    self.env._(
                        "%(quantity)s shipped units of %(recall)s are not accounted for (%(effectiveness)s%% "
                        "effective): recover them, or write why the recall can close anyway.",
                        quantity=recall.unaccounted_qty,
                        recall=recall.name,
                        effectiveness=round(recall.effectiveness, 1),
                    )
                )
            held = recall._get_lots_held_only_by_self().filtered(lambda lot: lot.qc_state == "on_hold")
            if lot_outcome == "reject":
                held._write_qc_state("rejected", reason=self.env._("Recall %(recall)s closed", recall=recall.name))
            recall._write_server(
                {
                    "state": "closed",
                    "date_closed": fields.Datetime.now(),
                    "close_justification": justification or False,
                    "lot_outcome": lot_outcome,
                }
            )
            figures = {
                "effectiveness": round(recall.effectiveness, 1),
                "unaccounted": recall.unaccounted_qty,
                "write_off": recall.write_off_value,
                "cost": recall.total_cost,
            }
            if lot_outcome == "reject":
                body = self.env._(
                    "Recall closed: %(effectiveness)s%% effective, %(unaccounted)s units unaccounted, "
                    "%(write_off)s written off, %(cost)s of recall costs. The lots are rejected.",
                    **figures,
                )
            else:
                body = self.env._(
                    "Recall closed: %(effectiveness)s%% effective, %(unaccounted)s units unaccounted, "
                    "%(write_off)s written off, %(cost)s of recall costs. The lots stay on hold until a QA "
                    "Manager signs their release.",
                    **figures,
                )
            recall.message_post(body=body)
        return True
