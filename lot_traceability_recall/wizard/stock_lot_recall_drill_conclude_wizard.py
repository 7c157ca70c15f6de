from odoo import fields, models
from odoo.exceptions import AccessDenied, UserError


class StockLotRecallDrillConcludeWizard(models.TransientModel):
    """Collects the e-signature of a recall drill's conclusion; ``stock.lot.recall.action_drill_conclude`` does
    the rest. Like the QC sign wizard, the password is not stored: it travels in the Sign button's call context
    only (``lot_recall_drill_password``)."""

    _name = "stock.lot.recall.drill.conclude.wizard"
    _description = "Sign the Conclusion of a Recall Drill"

    recall_id = fields.Many2one("stock.lot.recall", required=True, readonly=True)
    drill_reconciliation_pct = fields.Float(related="recall_id.drill_reconciliation_pct")
    drill_elapsed_display = fields.Char(related="recall_id.drill_elapsed_display")
    drill_target_minutes = fields.Integer(related="recall_id.drill_target_minutes")
    meaning = fields.Char(
        required=True,
        default=lambda self: self.env._("I confirm the result of this recall drill"),
        help="What you mean by signing, stored with your printed name and the time.",
    )
    note = fields.Text("Conclusion", help="What the drill showed and what will be improved.")
    password = fields.Char(
        store=False, help="Your Odoo password: concluding is an electronic signature. Checked, never stored."
    )
    sign_error = fields.Char(readonly=True, help="Why the last attempt to sign was refused.")

    def action_conclude(self):
        self.ensure_one()
        password = self.env.context.get("lot_recall_drill_password") or self.password
        if not password:
            raise UserError(self.env._("Enter your password to sign the conclusion of the drill."))
        wizard = self.with_context(lot_recall_drill_password=None)
        try:
            wizard.recall_id.action_drill_conclude(password, meaning=wizard.meaning, note=wizard.note)
        except AccessDenied:
            wizard.sign_error = self.env.user._get_signing_lockout_message() or self.env._(
                "Wrong password: nothing was signed; enter your Odoo password again."
            )
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Sign the Conclusion of %(recall)s", recall=wizard.recall_id.name),
                "res_model": self._name,
                "res_id": wizard.id,
                "view_mode": "form",
                "target": "new",
            }
        return {"type": "ir.actions.act_window_close"}
