from odoo import api, fields, models

from ..models.stock_lot_qc_check import LIMIT_FIELDS


class StockLotQcCheckLimitsWizard(models.TransientModel):
    """Collects other limits for one lot's check and the reason; ``stock.lot.qc.check.change_limits`` does
    the rest (QA Managers only, the result starts again, the lot's History keeps it)."""

    _name = "stock.lot.qc.check.limits.wizard"
    _description = "Change the Limits of a QC Check"

    check_id = fields.Many2one("stock.lot.qc.check", required=True, readonly=True, ondelete="cascade")
    lot_id = fields.Many2one(related="check_id.lot_id")
    value_type = fields.Selection(related="check_id.value_type")
    unit = fields.Char(related="check_id.unit")
    is_measured = fields.Boolean(related="check_id.is_measured")
    current_min_value = fields.Float("Current Minimum", related="check_id.min_value")
    current_max_value = fields.Float("Current Maximum", related="check_id.max_value")
    current_expected_text = fields.Char("Current Expected Result", related="check_id.expected_text")
    min_value = fields.Float("New Minimum")
    max_value = fields.Float("New Maximum")
    expected_text = fields.Char("New Expected Result")
    reason = fields.Char(required=True, help="Why this lot is judged against other limits; kept in its History.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        check = self.env["stock.lot.qc.check"].browse(values.get("check_id"))
        if check:
            values.update(min_value=check.min_value, max_value=check.max_value, expected_text=check.expected_text)
        return values

    def action_apply(self):
        self.ensure_one()
        self.check_id.change_limits(
            {name: self[name] for name in LIMIT_FIELDS[self.check_id.value_type] if self[name] != self.check_id[name]},
            self.reason,
        )
        return {"type": "ir.actions.act_window_close"}
