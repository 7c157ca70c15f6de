from odoo import fields, models
from odoo.addons.lot_traceability.tools.server_write import server_write
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, formatLang


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

    def _get_open_returns(self):
        """This recall's returns not validated nor cancelled yet."""
        return self.return_picking_ids.filtered(lambda picking: picking.state not in ("done", "cancel"))

    def action_close(
        self,
        justification=None,
        lot_outcome="reject",
        destroy_remaining=False,
        meaning=None,
        password=None,
        open_returns=None,
    ):
        """Close the case: every shipped unit accounted for or a written justification; optionally scrap
        the stock left. The held lots end rejected, a decision the recall manager signs (``meaning`` and
        ``password``, in each lot's signature chain), or stay on hold until a QA Manager signs their release.
        Returns still open are cancelled (``open_returns="cancel"``) or kept open (``"keep"``): the recall
        manager says which, or the closing is refused naming them.
        """
        self._check_recall_manager()
        self._check_open_real_recall("close")
        if lot_outcome not in ("reject", "release"):
            raise UserError(self.env._("Choose what becomes of the lots: rejected or awaiting QA release."))
        if open_returns not in (None, False, "cancel", "keep"):
            raise UserError(self.env._("Choose what becomes of the open returns: cancel them or keep them open."))
        still_open = self._get_open_returns()
        if still_open and not open_returns:
            raise UserError(
                self.env._(
                    "Return %(returns)s is still open: cancel it or keep it open (choose in the Close dialog).",
                    returns=", ".join(still_open.mapped("name")),
                )
                if len(still_open) == 1
                else self.env._(
                    "Returns %(returns)s are still open: cancel them or keep them open (choose in the Close dialog).",
                    returns=", ".join(still_open.mapped("name")),
                )
            )
        justification = (justification or "").strip()
        if still_open and open_returns == "cancel":
            still_open.action_cancel()
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
        to_reject = {
            recall: lots.filtered(lambda lot: lot.qc_state == "on_hold")
            for recall, lots in self._get_lots_held_only_by_self().items()
        }
        if lot_outcome == "reject" and any(to_reject.values()) and not (password and (meaning or "").strip()):
            raise UserError(
                self.env._(
                    "Rejecting the lots is a signed decision: enter your password and the meaning of your "
                    "signature, or keep the lots on hold for a QA release."
                )
            )
        if destroy_remaining:
            self.filtered(lambda recall: recall._get_held_quants()).action_destroy()
        for recall in self:
            if lot_outcome == "reject" and to_reject[recall]:
                # The recall manager signs the rejection in each lot's chain, as a QA Manager would.
                with server_write("stock.lot.recall.close"):
                    to_reject[recall].qc_sign(
                        "reject",
                        meaning,
                        password,
                        note=self.env._("Recall %(recall)s closed", recall=recall.name),
                    )
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
                "write_off": formatLang(self.env, recall.write_off_value, currency_obj=recall.currency_id),
                "cost": formatLang(self.env, recall.total_cost, currency_obj=recall.currency_id),
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
            recall_open = still_open & recall.return_picking_ids
            if recall_open and open_returns == "cancel":
                body += " " + self.env._(
                    "Open returns cancelled: %(returns)s.", returns=", ".join(recall_open.mapped("name"))
                )
            elif recall_open:
                body += " " + self.env._(
                    "Returns kept open: %(returns)s.", returns=", ".join(recall_open.mapped("name"))
                )
            recall._log_event(body)
        return True
