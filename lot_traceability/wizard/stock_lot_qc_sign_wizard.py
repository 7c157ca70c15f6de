from odoo import api, fields, models
from odoo.exceptions import AccessDenied, UserError

from ..models.stock_lot_qc_signature import QC_DECISIONS


class StockLotQcSignWizard(models.TransientModel):
    """Collects the e-signature of a QC decision; ``stock.lot.qc_sign`` does the rest.

    The password is never written to the database: the field is not stored, and the Sign button
    hands its value to ``action_sign`` in the call's context (``lot_qc_password``), for that one
    call. Each user sees only the wizards they opened (record rule).
    """

    _name = "stock.lot.qc.sign.wizard"
    _description = "Sign a QC Decision"

    lot_ids = fields.Many2many("stock.lot", string="Lots", required=True)
    decision = fields.Selection(QC_DECISIONS, required=True, default="release")
    meaning = fields.Char(required=True, help="What you mean by signing, stored with your printed name and the time.")
    password = fields.Char(
        store=False, help="Your Odoo password: signing is an electronic signature. It is checked, never stored."
    )
    note = fields.Text()
    sign_error = fields.Char(readonly=True, help="Why the last attempt to sign was refused.")
    override_reason = fields.Text(
        help="Release although a mandatory check did not pass: say why. Stored with the signature."
    )

    def action_sign(self):
        self.ensure_one()
        password = self.env.context.get("lot_qc_password") or self.password
        if not password:
            raise UserError(self.env._("Enter your password to sign."))
        # Nothing called from here needs the password in its context.
        wizard = self.with_context(lot_qc_password=None)
        try:
            # The password is checked before anything is written (stock.lot.qc.signature._sign).
            wizard.lot_ids.qc_sign(
                wizard.decision, wizard.meaning, password, note=wizard.note, override_reason=wizard.override_reason
            )
        except AccessDenied:
            # Say it in the wizard and open it again: the password field (never stored) comes back empty.
            wizard.sign_error = self.env.user._get_signing_lockout_message() or self.env._(
                "Wrong password: nothing was signed; enter your Odoo password again."
            )
            return wizard._get_reopen_action()
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _get_decision_title(self, decision):
        """The title of the wizard that signs ``decision``."""
        return {
            "release": self.env._("Sign the QC Release"),
            "reject": self.env._("Sign the QC Rejection"),
            "hold": self.env._("Sign the QC Hold"),
        }.get(decision, self.env._("Sign a QC Decision"))

    def _get_reopen_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self._get_decision_title(self.decision),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
