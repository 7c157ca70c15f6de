from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.server_write import is_server_write, server_write
from .stock_lot_qc_spec import QC_VALUE_TYPES

MEASUREMENT_FIELDS = {"measured_value", "measured_text", "measured_ok"}
SPECIFICATION_FIELDS = {"name", "method", "unit", "value_type", "min_value", "max_value", "expected_text", "mandatory"}
# Written by the server only: who measured, when, and the result computed from the measurement.
SERVER_FIELDS = {"is_measured", "performed_by_id", "performed_at", "result"}


class StockLotQcCheck(models.Model):
    """One test of a lot's specification, with the value QA measured."""

    _name = "stock.lot.qc.check"
    _inherit = ["stock.lot.copy.mixin"]
    _description = "QC Check"
    _check_company_auto = True
    _order = "lot_id, sequence, id"
    _lot_copy_fields = ("company_id",)

    lot_id = fields.Many2one("stock.lot", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="lot_id.company_id", store=True, index=True)
    spec_line_id = fields.Many2one("stock.lot.qc.spec.line", "Specification Test", ondelete="set null")
    sequence = fields.Integer(default=10)
    name = fields.Char("Test", required=True)
    method = fields.Char()
    unit = fields.Char()
    value_type = fields.Selection(QC_VALUE_TYPES, default="numeric", required=True)
    min_value = fields.Float("Minimum")
    max_value = fields.Float("Maximum")
    expected_text = fields.Char("Expected Result")
    mandatory = fields.Boolean(default=True)
    measured_value = fields.Float()
    measured_text = fields.Char("Measured Result")
    measured_ok = fields.Boolean("Passed (visual)")
    is_measured = fields.Boolean("Measured", readonly=True)
    result = fields.Selection(
        [("pending", "To Do"), ("pass", "Passed"), ("fail", "Failed")],
        compute="_compute_result",
        store=True,
        help="Computed from the measured value and the specification.",
    )
    note = fields.Text()
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")
    performed_by_id = fields.Many2one("res.users", readonly=True)
    performed_at = fields.Datetime(readonly=True)

    @api.depends(
        "is_measured",
        "value_type",
        "measured_value",
        "measured_text",
        "measured_ok",
        "min_value",
        "max_value",
        "expected_text",
    )
    def _compute_result(self):
        for check in self:
            if not check.is_measured:
                check.result = "pending"
            elif check.value_type == "numeric":
                check.result = "pass" if check.min_value <= check.measured_value <= check.max_value else "fail"
            elif check.value_type == "text":
                expected = (check.expected_text or "").strip().lower()
                check.result = "pass" if (check.measured_text or "").strip().lower() == expected else "fail"
            else:
                check.result = "pass" if check.measured_ok else "fail"

    @api.model_create_multi
    def create(self, vals_list):
        self._check_server_fields(vals_list)
        lots = self.env["stock.lot"].browse([vals.get("lot_id") for vals in vals_list if vals.get("lot_id")])
        self._check_not_signed(lots)
        measured = [vals for vals in vals_list if MEASUREMENT_FIELDS & set(vals)]
        for vals in measured:
            vals.update(self._get_performer_vals())
        with server_write("stock.lot.qc.check"):
            return super().create(vals_list)

    def write(self, vals):
        self._check_server_fields([vals])
        if (MEASUREMENT_FIELDS | SPECIFICATION_FIELDS | {"lot_id"}) & set(vals):
            self._check_not_signed(self.lot_id | self.env["stock.lot"].browse(vals.get("lot_id")))
        if MEASUREMENT_FIELDS & set(vals):
            vals = dict(vals, **self._get_performer_vals())
        with server_write("stock.lot.qc.check"):
            return super().write(vals)

    def unlink(self):
        signed = self.lot_id.filtered("qc_signature_ids")
        if signed:
            raise UserError(
                self.env._(
                    "The checks of lots %(lots)s are covered by a signature: they can never be deleted.",
                    lots=", ".join(signed.mapped("name")),
                )
            )
        return super().unlink()

    @api.model
    def _check_server_fields(self, vals_list):
        """Who measured, when, and the result are the server's to write, never the caller's."""
        forged = set().union(*[SERVER_FIELDS & set(vals) for vals in vals_list])
        if forged and not is_server_write("stock.lot.qc.check"):
            raise UserError(
                self.env._(
                    "Who performed a check, when, and its result are recorded by Odoo when the measured value is "
                    "entered; they cannot be set by hand."
                )
            )

    @api.model
    def _check_not_signed(self, lots):
        signed = lots.filtered(lambda lot: lot.qc_state in ("released", "rejected") and lot.qc_signature_ids)
        if signed:
            raise UserError(
                self.env._(
                    "Lots %(lots)s are signed off: their checks can no longer change. Put the lot on hold "
                    "to re-test it.",
                    lots=", ".join(signed.mapped("name")),
                )
            )

    def _get_performer_vals(self):
        return {"is_measured": True, "performed_by_id": self.env.uid, "performed_at": fields.Datetime.now()}

    @api.model
    def _prepare_from_spec_line(self, lot, line):
        return {
            "lot_id": lot.id,
            "spec_line_id": line.id,
            "sequence": line.sequence,
            "name": line.name,
            "method": line.method,
            "unit": line.unit,
            "value_type": line.value_type,
            "min_value": line.min_value,
            "max_value": line.max_value,
            "expected_text": line.expected_text,
            "mandatory": line.mandatory,
        }
