from odoo import api, fields, models
from odoo.exceptions import UserError

from ..report.report_gs1_logistics import MAX_CASE_LABELS


class StockLotPtiLabelWizard(models.TransientModel):
    """Print the PTI case labels of a produce lot: as many as cases, with their pack date."""

    _name = "stock.lot.pti.label.wizard"
    _description = "Print PTI Case Labels"

    lot_id = fields.Many2one("stock.lot", required=True, ondelete="cascade")
    case_count = fields.Integer(
        "Cases",
        compute="_compute_case_count",
        store=True,
        readonly=False,
        help="One label per case: by default the cases of this lot on hand.",
    )
    pack_date = fields.Date(
        default=fields.Date.context_today,
        help="Printed as AI (13) and in the voice pick code; clear it to print labels without a pack date.",
    )

    @api.depends("lot_id")
    def _compute_case_count(self):
        for wizard in self:
            wizard.case_count = max(int(wizard.lot_id.product_qty), 1) if wizard.lot_id else 1

    def action_print(self):
        self.ensure_one()
        if not 1 <= self.case_count <= MAX_CASE_LABELS:
            raise UserError(
                self.env._(
                    "Print 1 to %(maximum)s case labels at a time, not %(cases)s.",
                    maximum=MAX_CASE_LABELS,
                    cases=self.case_count,
                )
            )
        return self.env.ref("lot_traceability_reports.action_report_lot_pti_case_label").report_action(
            self.lot_id,
            data={
                "cases": self.case_count,
                "pack_date": fields.Date.to_string(self.pack_date) if self.pack_date else False,
            },
            config=False,
        )
