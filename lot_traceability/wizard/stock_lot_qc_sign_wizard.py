from odoo import fields, models

from ..models.stock_lot_qc_signature import QC_DECISIONS


class StockLotQcSignWizard(models.TransientModel):
    """Collects the e-signature of a QC decision; ``stock.lot.qc_sign`` does the rest."""

    _name = "stock.lot.qc.sign.wizard"
    _description = "Sign a QC Decision"

    lot_ids = fields.Many2many("stock.lot", string="Lots", required=True)
    decision = fields.Selection(QC_DECISIONS, required=True, default="release")
    meaning = fields.Char(required=True, help="What you mean by signing, stored with your printed name and the time.")
    password = fields.Char(required=True, help="Your Odoo password: signing is an electronic signature.")
    note = fields.Text()
    override_reason = fields.Text(
        help="Release although a mandatory check did not pass: say why. Stored with the signature."
    )

    def action_sign(self):
        self.ensure_one()
        self.lot_ids.qc_sign(
            self.decision, self.meaning, self.password, note=self.note, override_reason=self.override_reason
        )
        return {"type": "ir.actions.act_window_close"}
