import hashlib
import json

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.server_write import is_server_write, server_write
from .stock_lot_qc_check import format_number, format_range

QC_STATES = [("pending", "Pending Release"), ("released", "Released"), ("rejected", "Rejected"), ("on_hold", "On Hold")]
# Lots in these states are never reserved, shipped or consumed.
UNRELEASED_STATES = ("pending", "rejected", "on_hold")
QC_DECISIONS = [("release", "Release"), ("reject", "Reject"), ("hold", "Hold")]
# decision -> (lot states it may be signed from, state it leads to)
QC_TRANSITIONS = {
    "release": (("pending", "on_hold"), "released"),
    "reject": (("pending", "on_hold", "released"), "rejected"),
    "hold": (("pending", "released"), "on_hold"),
}
# Fields covered by the hash, in this order; the previous signature's hash chains them per lot.
HASHED_FIELDS = (
    "lot_id",
    "sequence",
    "decision",
    "meaning",
    "signer_id",
    "signer_name",
    "signed_at",
    "note",
    "override_reason",
    "check_snapshot",
    "previous_hash",
)


class StockLotQcSignature(models.Model):
    """An electronic signature of a QC decision on a lot (21 CFR Part 11 style).

    Each signature stores the signer's printed name as it was, the UTC time, the meaning and a
    snapshot of the checks, and a SHA-256 hash over all of it and over the previous signature's
    hash of the same lot. Signatures are created by ``stock.lot.qc_sign`` only and are never
    written or deleted through the ORM, not even by the superuser.
    """

    _name = "stock.lot.qc.signature"
    _description = "QC Signature"
    _order = "lot_id, sequence"
    _rec_name = "meaning"

    lot_id = fields.Many2one("stock.lot", required=True, ondelete="restrict", index=True, readonly=True)
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    sequence = fields.Integer(required=True, readonly=True)
    decision = fields.Selection(QC_DECISIONS, required=True, readonly=True)
    meaning = fields.Char(required=True, readonly=True, help="What the signer means by signing.")
    signer_id = fields.Many2one("res.users", required=True, readonly=True)
    signer_name = fields.Char("Printed Name", required=True, readonly=True)
    signed_at = fields.Datetime("Signed At (UTC)", required=True, readonly=True)
    note = fields.Text(readonly=True)
    override_reason = fields.Text(
        readonly=True, help="Why the lot was released although a mandatory check had not passed."
    )
    check_snapshot = fields.Text("Check Results", readonly=True)
    check_snapshot_display = fields.Html(
        "Checks Signed",
        compute="_compute_check_snapshot_display",
        sanitize=False,  # built from escaped values only (Markup)
        help="The checks as they were when signed: the limits that applied, the results and who measured them.",
    )
    previous_hash = fields.Char(readonly=True)
    hash = fields.Char(readonly=True, required=True)

    _sql_constraints = [
        ("lot_sequence_unique", "unique(lot_id, sequence)", "A lot's signatures form a single chain."),
        ("lot_previous_hash_unique", "unique(lot_id, previous_hash)", "A lot's signatures form a single chain."),
    ]

    @api.model
    def _compute_hash(self, values):
        """SHA-256 over the canonical JSON of the signed values (ids, text, ISO UTC time)."""
        canonical = {
            name: (fields.Datetime.to_string(values[name]) if name == "signed_at" else values[name] or "")
            for name in HASHED_FIELDS
        }
        return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def _get_hashed_values(self):
        self.ensure_one()
        return {name: (self[name].id if name in ("lot_id", "signer_id") else self[name]) for name in HASHED_FIELDS}

    @api.model_create_multi
    def create(self, vals_list):
        if not is_server_write("stock.lot.qc.signature"):
            raise UserError(self.env._("Signatures are made with the Sign wizard of a lot, never created directly."))
        for vals in vals_list:
            vals["hash"] = self._compute_hash(vals)
        return super().create(vals_list)

    # Signatures are immutable: write and unlink never reach the ORM.
    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("A signature can never be changed: sign again to record a new decision."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(self.env._("A signature can never be deleted."))

    @api.depends("decision", "signer_name", "signed_at")
    def _compute_display_name(self):
        decisions = dict(self._fields["decision"]._description_selection(self.env))
        for signature in self:
            signature.display_name = self.env._(
                "%(decision)s by %(signer)s on %(time)s UTC",
                decision=decisions.get(signature.decision, ""),
                signer=signature.signer_name,
                time=fields.Datetime.to_string(signature.signed_at),
            )

    @api.model
    def _sign(self, lots, decision, meaning, password, note=None, override_reason=None):
        """Sign ``decision`` on ``lots`` as the current user (``stock.lot.qc_sign``).

        The password is checked and forgotten: it is never stored. The chain of each lot is read
        whole, whichever company signed its earlier links, under a lock on the lots so that two
        signers never fork it. The chatter note is a log, so that a signer without an e-mail
        address signs too.
        """
        if decision not in QC_TRANSITIONS:
            raise UserError(self.env._("Unknown QC decision '%(decision)s'.", decision=decision))
        if not (meaning or "").strip():
            raise UserError(self.env._("State the meaning of your signature, e.g. 'Approved for release'."))
        if not lots:
            raise UserError(self.env._("Select the lots to sign."))
        self._check_signing_right(decision)
        self.env.user._check_signing_password(password)  # throttled like a login (res.users)
        lots._lock_for_signature()
        lots.invalidate_recordset(["qc_state"])
        allowed_from, new_state = QC_TRANSITIONS[decision]
        wrong_state = lots.filtered(lambda lot: lot.qc_state not in allowed_from)
        if wrong_state:
            lot = wrong_state[0]
            state = dict(lots._fields["qc_state"]._description_selection(self.env))[lot.qc_state]
            messages = {
                "release": self.env._("Lot %(lot)s is %(state)s: it cannot be released.", lot=lot.name, state=state),
                "reject": self.env._("Lot %(lot)s is %(state)s: it cannot be rejected.", lot=lot.name, state=state),
                "hold": self.env._("Lot %(lot)s is %(state)s: it cannot be put on hold.", lot=lot.name, state=state),
            }
            raise UserError(messages[decision])
        if decision == "release" and not (override_reason or "").strip():
            failing = lots.qc_check_ids.filtered(lambda check: check.mandatory and check.result != "pass")
            if failing:
                raise UserError(
                    self.env._(
                        "Mandatory checks have not passed: %(checks)s. Record passing results, or give an "
                        "override reason to release anyway.",
                        checks=", ".join(f"{check.lot_id.name}: {check.name}" for check in failing),
                    )
                )
        # sudo: the earlier links of a chain may belong to a company the signer has not selected.
        last = {signature.lot_id.id: signature for signature in lots.sudo().qc_signature_ids.sorted("sequence")}
        now = fields.Datetime.now()
        signer_name = self.env.user.name
        with server_write("stock.lot.qc.signature"):
            self.sudo().create(
                [
                    {
                        "lot_id": lot.id,
                        "company_id": lot.company_id.id or self.env.company.id,
                        "sequence": last[lot.id].sequence + 1 if lot.id in last else 1,
                        "decision": decision,
                        "meaning": meaning.strip(),
                        "signer_id": self.env.uid,
                        "signer_name": signer_name,
                        "signed_at": now,
                        "note": note or False,
                        "override_reason": (override_reason or "").strip() or False,
                        "check_snapshot": lot._get_qc_snapshot(),
                        "previous_hash": last[lot.id].hash if lot.id in last else False,
                    }
                    for lot in lots
                ]
            )
        decision_label = dict(self._fields["decision"]._description_selection(self.env))[decision]
        lots._write_qc_state(
            new_state,
            reason=self.env._("%(decision)s signed by %(signer)s", decision=decision_label, signer=signer_name),
        )
        body = self.env._(
            "%(decision)s signed by %(signer)s on %(time)s UTC, meaning: %(meaning)s",
            decision=decision_label,
            signer=signer_name,
            time=fields.Datetime.to_string(now),
            meaning=meaning.strip(),
        )
        # A log, not a message_post: posting needs the author's e-mail address, a signature must not.
        lots._message_log_batch(dict.fromkeys(lots.ids, body), author_id=self.env.user.partner_id.id)
        return True

    @api.depends("check_snapshot")
    def _compute_check_snapshot_display(self):
        for signature in self:
            signature.check_snapshot_display = signature._render_check_snapshot()

    def _render_check_snapshot(self):
        """The snapshot of the checks as a table; snapshots of every format read (the earlier one gave a range
        and an expected text to every test, whatever its type)."""
        self.ensure_one()
        try:
            checks = json.loads(self.check_snapshot or "[]")
        except ValueError:
            return Markup("<pre>%s</pre>") % self.check_snapshot
        if not checks:
            return Markup("<p>%s</p>") % self.env._("No check was recorded on the lot when this was signed.")
        results = dict(self.env["stock.lot.qc.check"]._fields["result"]._description_selection(self.env))
        header = Markup("").join(
            Markup("<th>%s</th>") % label
            for label in (
                self.env._("Test"),
                self.env._("Limits"),
                self.env._("Measured"),
                self.env._("Result"),
                self.env._("Mandatory"),
                self.env._("Measured By"),
                self.env._("Measured On (UTC)"),
            )
        )
        rows = []
        for check in checks:
            rows.append(
                Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
                % (
                    check.get("test") or "",
                    self._get_snapshot_limits_display(check),
                    self._get_snapshot_measured_display(check),
                    results.get(check.get("result"), check.get("result") or ""),
                    self.env._("Yes") if check.get("mandatory") else self.env._("No"),
                    check.get("by") or "",
                    check.get("at") or "",
                )
            )
            changed = check.get("limits_changed")
            if changed:
                rows.append(
                    Markup('<tr><td></td><td colspan="6" class="text-muted">%s</td></tr>')
                    % self.env._(
                        "Limits set for this lot by %(by)s on %(at)s UTC: %(reason)s",
                        by=changed.get("by") or "",
                        at=changed.get("at") or "",
                        reason=changed.get("reason") or "",
                    )
                )
        return Markup(
            '<table class="table table-sm o_lot_qc_snapshot"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>'
        ) % (
            header,
            Markup("").join(rows),
        )

    @api.model
    def _get_snapshot_limits_display(self, check):
        kind = check.get("type")
        if kind == "boolean":
            return self.env._("pass / fail")
        if kind == "text" or (not kind and check.get("expected")):
            return check.get("expected") or ""
        return format_range(check.get("min") or 0, check.get("max") or 0, check.get("unit"))

    @api.model
    def _get_snapshot_measured_display(self, check):
        measured = check.get("measured")
        if measured is None:
            return self.env._("Not measured")
        if isinstance(measured, bool):
            return self.env._("Passed") if measured else self.env._("Failed")
        if isinstance(measured, int | float):
            return f"{format_number(measured)}{' ' + check['unit'] if check.get('unit') else ''}"
        return str(measured)

    @api.model
    def _check_signing_right(self, decision):
        """Raise AccessError unless the current user may sign ``decision``: QA Managers sign them all."""
        if not self.env.user.has_group("lot_traceability.group_qa_manager"):
            raise AccessError(self.env._("Only QA Managers may sign the release, rejection or hold of a lot."))

    def _get_first_broken_link(self):
        """The first signature (by lot, then sequence) whose hash or chain does not verify, or None."""
        previous_by_lot = {}
        for signature in self.sorted(lambda sig: (sig.lot_id.id, sig.sequence)):
            expected_previous = previous_by_lot.get(signature.lot_id.id, "")
            if (signature.previous_hash or "") != expected_previous or signature.hash != self._compute_hash(
                signature._get_hashed_values()
            ):
                return signature
            previous_by_lot[signature.lot_id.id] = signature.hash
        return None
