from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.server_write import is_server_write, server_write
from .stock_lot_qc_spec import QC_VALUE_TYPES

MEASUREMENT_FIELDS = {"measured_value", "measured_text", "measured_ok"}
# The test of a check as the specification gives it (or as a QA user adds it by hand): fixed once the check
# exists, since the result and every signature rest on it. A QA Manager applies other limits to one lot's
# check only through change_limits, an act of its own with a reason, kept in the lot's History.
SPECIFICATION_FIELDS = {
    "name",
    "method",
    "unit",
    "value_type",
    "min_value",
    "max_value",
    "expected_text",
    "mandatory",
    "lot_id",
    "spec_line_id",
}
# The limits change_limits may set, per type of test.
LIMIT_FIELDS = {"numeric": ("min_value", "max_value"), "text": ("expected_text",), "boolean": ()}
# Written by the server only: who measured, when, the result computed from the measurement, where the check
# comes from and the last change of its limits.
SERVER_FIELDS = {
    "is_measured",
    "performed_by_id",
    "performed_at",
    "result",
    "origin",
    "limits_changed_by_id",
    "limits_changed_at",
    "limits_change_reason",
}


def format_number(value):
    """A limit or measured value as people write it: 6.8, 7, 0.05."""
    text = repr(float(value))
    return text.removesuffix(".0")


def format_range(minimum, maximum, unit=None):
    """A numeric test's limits as people write them, with an en dash: 6.4 to 6.8 pH."""
    return f"{format_number(minimum)} \N{EN DASH} {format_number(maximum)}" + (f" {unit}" if unit else "")


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
    spec_line_id = fields.Many2one("stock.lot.qc.spec.line", "Specification Test", ondelete="set null", copy=False)
    origin = fields.Selection(
        [("specification", "Specification"), ("manual", "Added by Hand")],
        default="specification",
        required=True,
        readonly=True,
        copy=False,
        help="Checks of the specification come with the lot and are never removed; QA users may add checks "
        "by hand, each kept in the lot's History.",
    )
    sequence = fields.Integer(default=10)
    name = fields.Char("Test", required=True)
    method = fields.Char()
    unit = fields.Char()
    value_type = fields.Selection(QC_VALUE_TYPES, default="numeric", required=True)
    min_value = fields.Float("Minimum")
    max_value = fields.Float("Maximum")
    expected_text = fields.Char("Expected Result")
    mandatory = fields.Boolean(default=True)
    measured_value = fields.Float(copy=False)
    measured_text = fields.Char("Measured Result", copy=False)
    measured_ok = fields.Boolean("Passed (visual)", copy=False)
    is_measured = fields.Boolean("Measured", readonly=True, copy=False)
    result = fields.Selection(
        [("pending", "To Do"), ("pass", "Passed"), ("fail", "Failed")],
        compute="_compute_result",
        store=True,
        help="Computed from the measured value and the specification.",
    )
    note = fields.Text()
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")
    performed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    performed_at = fields.Datetime(readonly=True, copy=False)
    limits_changed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    limits_changed_at = fields.Datetime("Limits Changed On", readonly=True, copy=False)
    limits_change_reason = fields.Char(
        "Why the Limits Changed",
        readonly=True,
        copy=False,
        help="Set when a QA Manager applied other limits to this lot's check than its specification's.",
    )

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
        from_specification = is_server_write("stock.lot.qc.check.spec")
        if not from_specification:
            self._check_can_add(vals_list)
            lots._lock_for_signature()
        self._check_not_signed(lots)
        for vals in vals_list:
            vals["origin"] = "specification" if from_specification else "manual"
            # A new line of the Quality tab sends every column, the empty measurements too: only a value
            # given for the check's own type is a measurement.
            value_type = vals.get("value_type") or self.default_get(["value_type"]).get("value_type")
            if vals.get({"numeric": "measured_value", "text": "measured_text"}.get(value_type, "measured_ok")):
                vals.update(self._get_performer_vals())
            else:
                for name in MEASUREMENT_FIELDS:
                    vals.pop(name, None)
        with server_write("stock.lot.qc.check"):
            checks = super().create(vals_list)
        if not from_specification:
            checks._log_history(
                [
                    {
                        "lot_id": check.lot_id.id,
                        "field_name": "qc_check_ids",
                        "field_description": self.env._("QC Check"),
                        "old_value": False,
                        "new_value": check._get_test_display(),
                        "reason": self.env._("Added by hand"),
                    }
                    for check in checks
                ]
            )
        return checks

    def write(self, vals):
        self._check_server_fields([vals])
        if not vals:
            return super().write(vals)
        lots = self.lot_id
        lots._lock_for_signature()  # the lock a signature takes: a result never slips in beside one
        self._check_not_signed(lots)
        self._check_specification_unchanged(vals)
        remeasured = self.filtered("is_measured") if MEASUREMENT_FIELDS & set(vals) else self.browse()
        before = {check.id: check._get_measurement_display(with_performer=True) for check in remeasured}
        if MEASUREMENT_FIELDS & set(vals):
            vals = dict(vals, **self._get_performer_vals())
        with server_write("stock.lot.qc.check"):
            result = super().write(vals)
        remeasured._log_history(
            [
                {
                    "lot_id": check.lot_id.id,
                    "field_name": "qc_check_ids.measured",
                    "field_description": self.env._("%(test)s: Measurement", test=check.name),
                    "old_value": before[check.id],
                    "new_value": check._get_measurement_display(),
                    "reason": self.env._("Measured again"),
                }
                for check in remeasured
                if check._get_measurement_display(with_performer=True) != before[check.id]
            ]
        )
        return result

    def unlink(self):
        self.lot_id._lock_for_signature()
        signed = self.lot_id.filtered("qc_signature_ids")
        if signed:
            raise UserError(
                self.env._(
                    "The checks of lots %(lots)s are covered by a signature: they can never be deleted.",
                    lots=", ".join(signed.mapped("name")),
                )
            )
        from_specification = self.filtered(lambda check: check.origin == "specification")
        if from_specification:
            raise UserError(
                self.env._(
                    "%(test)s is a check of lot %(lot)s's specification: it is never deleted. Record its result, "
                    "or, if it must not hold the lot back, release with an override reason.",
                    test=from_specification[0].name,
                    lot=from_specification[0].lot_id.name,
                )
            )
        measured = self.filtered("is_measured")
        if measured:
            raise UserError(
                self.env._(
                    "Check %(test)s of lot %(lot)s has a result: a recorded result is evidence and is never deleted.",
                    test=measured[0].name,
                    lot=measured[0].lot_id.name,
                )
            )
        self._log_history(
            [
                {
                    "lot_id": check.lot_id.id,
                    "field_name": "qc_check_ids",
                    "field_description": self.env._("QC Check"),
                    "old_value": check._get_test_display(),
                    "new_value": False,
                    "reason": self.env._("Removed by hand"),
                }
                for check in self
            ]
        )
        return super().unlink()

    @api.model
    def _check_server_fields(self, vals_list):
        """Who measured, when, the result, where a check comes from and the change of its limits are the
        server's to write, never the caller's."""
        forged = set().union(*[SERVER_FIELDS & set(vals) for vals in vals_list])
        if forged and not is_server_write("stock.lot.qc.check"):
            raise UserError(
                self.env._(
                    "Who performed a check, when, and its result are recorded by Odoo when the measured value is "
                    "entered (and where the check comes from and why its limits changed, when it is added or its "
                    "limits change); they cannot be set by hand."
                )
            )

    @api.model
    def _check_can_add(self, vals_list):
        """A check added by hand is a QA user's act, and never passes for a check of the specification."""
        if not (self.env.su or self.env.user.has_group("lot_traceability.group_qa_user")):
            raise AccessError(self.env._("Only QA users add checks to a lot."))
        if any(vals.get("spec_line_id") for vals in vals_list):
            raise UserError(
                self.env._(
                    "The checks of a lot's specification are created with the lot; a check added by hand is "
                    "the lot's own, not a test of its specification."
                )
            )

    def _check_specification_unchanged(self, vals):
        for name in SPECIFICATION_FIELDS & set(vals):
            field = self._fields[name]
            for check in self:
                if field.convert_to_record(field.convert_to_cache(vals[name], check), check) != check[name]:
                    raise UserError(
                        self.env._(
                            "Check %(test)s of lot %(lot)s: its test, limits, expected result, mandatory flag and "
                            "lot come from the specification and are fixed once the check exists. To apply other "
                            "limits to this lot, a QA Manager uses Change Limits on the check, with a reason "
                            "kept in the lot's History.",
                            test=check.name,
                            lot=check.lot_id.name,
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

    # ------------------------------------------------------------------
    # Other limits for one lot
    # ------------------------------------------------------------------

    def action_change_limits(self):
        """Open the wizard in which a QA Manager gives this check other limits, with a reason."""
        self.ensure_one()
        self._check_limit_right()
        self._check_not_signed(self.lot_id)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change the Limits of %(test)s", test=self.name),
            "res_model": "stock.lot.qc.check.limits.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_check_id": self.id},
        }

    def change_limits(self, values, reason):
        """Apply other limits to this check of one lot, as a QA Manager, for ``reason``.

        The measured result was judged against the old limits: it is cleared and the check is to do again.
        The old and new limits, the cleared result and the reason go to the lot's History; the check keeps who
        changed its limits, when and why (shown in signatures taken later).

        :param values: the new ``min_value``/``max_value`` (numeric test) or ``expected_text`` (text test)
        :param reason: why this lot is judged against other limits than its specification's
        :raise AccessError: the user is not a QA Manager
        :raise UserError: no reason, a field that is not a limit of this test, nothing to change, a signed lot
        """
        self.ensure_one()
        self._check_limit_right()
        self.check_access("write")
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            raise UserError(
                self.env._("Give the reason why this lot is judged against other limits than its specification's.")
            )
        changes = self._prepare_limit_changes(values)
        self.lot_id._lock_for_signature()
        self._check_not_signed(self.lot_id)
        labels = {name: self._fields[name]._description_string(self.env) for name in changes}
        rows = [
            {
                "lot_id": self.lot_id.id,
                "field_name": f"qc_check_ids.{name}",
                "field_description": self.env._("%(test)s: %(field)s", test=self.name, field=labels[name]),
                "old_value": self._get_limit_display(name, self[name]),
                "new_value": self._get_limit_display(name, value),
                "reason": reason,
            }
            for name, value in changes.items()
        ]
        if self.is_measured:
            result_label = self._fields["result"]._description_string(self.env)
            rows.append(
                {
                    "lot_id": self.lot_id.id,
                    "field_name": "qc_check_ids.result",
                    "field_description": self.env._("%(test)s: %(field)s", test=self.name, field=result_label),
                    "old_value": self._get_measurement_display(with_performer=True),
                    "new_value": dict(self._fields["result"]._description_selection(self.env))["pending"],
                    "reason": reason,
                }
            )
        vals = dict(
            changes,
            measured_value=0.0,
            measured_text=False,
            measured_ok=False,
            is_measured=False,
            performed_by_id=False,
            performed_at=False,
            limits_changed_by_id=self.env.uid,
            limits_changed_at=fields.Datetime.now(),
            limits_change_reason=reason,
        )
        # super(): the limits are fixed for write(), and clearing the measurement credits nobody with it.
        with server_write("stock.lot.qc.check"):
            super().write(vals)
        self._log_history(rows)
        return True

    @api.model
    def _check_limit_right(self):
        if not self.env.user.has_group("lot_traceability.group_qa_manager"):
            raise AccessError(self.env._("Only QA Managers change the limits of a lot's check."))

    def _prepare_limit_changes(self, values):
        """The limits ``values`` change on this check, checked: numbers for a numeric test (minimum not above
        maximum), a text for a text test."""
        self.ensure_one()
        allowed = LIMIT_FIELDS[self.value_type]
        if not allowed:
            raise UserError(
                self.env._("Check %(test)s is a pass / fail test: it has no limits to change.", test=self.name)
            )
        if not isinstance(values, dict) or set(values) - set(allowed):
            raise UserError(
                self.env._(
                    "Only these limits of check %(test)s can change: %(fields)s.",
                    test=self.name,
                    fields=", ".join(self._fields[name]._description_string(self.env) for name in allowed),
                )
            )
        changes = {}
        for name, value in values.items():
            label = self._fields[name]._description_string(self.env)
            if self._fields[name].type == "float":
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise UserError(
                        self.env._("%(field)s of check %(test)s must be a number.", field=label, test=self.name)
                    )
                value = float(value)
            else:
                value = value.strip() if isinstance(value, str) else ""
                if not value:
                    raise UserError(self.env._("Give the %(field)s of check %(test)s.", field=label, test=self.name))
            if value != self[name]:
                changes[name] = value
        if not changes:
            raise UserError(
                self.env._("These are the limits of check %(test)s already: nothing to change.", test=self.name)
            )
        if self.value_type == "numeric" and changes.get("min_value", self.min_value) > changes.get(
            "max_value", self.max_value
        ):
            raise ValidationError(self.env._("Test %(test)s: the minimum is above the maximum.", test=self.name))
        return changes

    # ------------------------------------------------------------------
    # What a check says, for the lot's History and the signatures
    # ------------------------------------------------------------------

    def _log_history(self, rows):
        if rows:
            with server_write("stock.lot.audit"):
                self.env["stock.lot.audit"].sudo().create(rows)

    def _get_limit_display(self, name, value):
        if self._fields[name].type == "float":
            return format_number(value)
        return value or False

    def _get_limits_display(self):
        """The limits of the test as people read them: a range with its unit, the expected text, "pass / fail"."""
        self.ensure_one()
        if self.value_type == "numeric":
            return format_range(self.min_value, self.max_value, self.unit)
        if self.value_type == "text":
            return self.expected_text or ""
        return self.env._("pass / fail")

    def _get_test_display(self):
        """The test and its limits, e.g. "Aflatoxin M1 (0 to 0.05 µg/kg, mandatory)"."""
        self.ensure_one()
        if self.mandatory:
            return self.env._("%(test)s (%(limits)s, mandatory)", test=self.name, limits=self._get_limits_display())
        return self.env._("%(test)s (%(limits)s, optional)", test=self.name, limits=self._get_limits_display())

    def _get_measured(self):
        """The measured value in the terms of the test (number, text, passed or not), None when not measured."""
        self.ensure_one()
        if not self.is_measured:
            return None
        if self.value_type == "numeric":
            return self.measured_value
        if self.value_type == "text":
            return self.measured_text or ""
        return self.measured_ok

    def _get_measurement_display(self, with_performer=False):
        """E.g. "7.4: Failed (Lab Lea, 2026-03-10 09:00:00)"; False when not measured."""
        self.ensure_one()
        measured = self._get_measured()
        if measured is None:
            return False
        if self.value_type == "numeric":
            measured = format_number(measured)
        elif self.value_type == "boolean":
            measured = self.env._("passed") if measured else self.env._("failed")
        result = dict(self._fields["result"]._description_selection(self.env))[self.result]
        if not with_performer:
            return f"{measured}: {result}"
        return self.env._(
            "%(measured)s: %(result)s (%(by)s, %(at)s)",
            measured=measured,
            result=result,
            by=self.performed_by_id.name or "",
            at=fields.Datetime.to_string(self.performed_at) if self.performed_at else "",
        )

    def _get_snapshot_values(self):
        """What a signature keeps of this check: the test, the limits that applied in the terms of its type (a
        range, an expected text, none for pass / fail), the measurement, who measured it and when, and the
        change of limits made for this lot, if any."""
        self.ensure_one()
        numeric, text = self.value_type == "numeric", self.value_type == "text"
        return {
            "test": self.name,
            "method": self.method or "",
            "unit": self.unit or "",
            "type": self.value_type,
            "min": self.min_value if numeric else None,
            "max": self.max_value if numeric else None,
            "expected": (self.expected_text or "") if text else None,
            "measured": self._get_measured(),
            "result": self.result,
            "mandatory": self.mandatory,
            "origin": self.origin,
            "by": self.performed_by_id.name or "",
            "at": fields.Datetime.to_string(self.performed_at) if self.performed_at else "",
            "limits_changed": {
                "by": self.limits_changed_by_id.name or "",
                "at": fields.Datetime.to_string(self.limits_changed_at) if self.limits_changed_at else "",
                "reason": self.limits_change_reason,
            }
            if self.limits_change_reason
            else None,
        }
