import math
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import iso2859
from ..tools.server_write import is_server_write, server_write

SAMPLING_SEVERITIES = [
    ("normal", "Normal"),
    ("tightened", "Tightened"),
    ("reduced", "Reduced"),
    ("skipped", "Skipped (Skip-Lot)"),
    ("discontinued", "Discontinued"),
]
SAMPLING_DECISIONS = [("pending", "To Count"), ("accept", "Accept"), ("reject", "Reject"), ("skipped", "Skipped")]


class StockLotQcSampling(models.Model):
    """What to sample from a received lot (ISO 2859-1 single sampling), and the decision the count gives.

    Made by the server when a lot of a product whose specification has a sampling plan is received from a
    supplier. The count is a mandatory numeric check of the lot (0 to Ac nonconforming units passes): it is
    measured by a QA user like every check and frozen in the signature that releases or rejects the lot.
    """

    _name = "stock.lot.qc.sampling"
    _description = "QC Sampling of a Lot"
    _order = "id desc"
    _rec_name = "lot_id"

    lot_id = fields.Many2one("stock.lot", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="lot_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    partner_id = fields.Many2one("res.partner", "Supplier", readonly=True, index=True)
    state_id = fields.Many2one("stock.lot.qc.sampling.state", "Sampling State", readonly=True, index=True)
    spec_id = fields.Many2one("stock.lot.qc.spec", "Specification", readonly=True)
    picking_id = fields.Many2one("stock.picking", "Receipt", readonly=True)
    lot_size = fields.Integer(readonly=True, help="The received quantity, in units of the product's unit of measure.")
    level = fields.Char("Inspection Level", readonly=True)
    aql = fields.Char("AQL", readonly=True)
    severity = fields.Selection(SAMPLING_SEVERITIES, readonly=True, help="The inspection in force when received.")
    code_letter = fields.Char(readonly=True, help="ISO 2859-1 Table 1's sample size code letter.")
    plan_letter = fields.Char(
        readonly=True, help="The code letter whose plan applies once the table's arrows are followed."
    )
    sample_size = fields.Integer("Units to Sample (n)", readonly=True)
    accept_number = fields.Integer("Ac", readonly=True, help="Accept with this many nonconforming units or fewer.")
    reject_number = fields.Integer("Re", readonly=True, help="Reject with this many nonconforming units or more.")
    full_inspection = fields.Boolean("100 % Inspection", readonly=True)
    check_id = fields.Many2one("stock.lot.qc.check", "Sampling Check", readonly=True, ondelete="restrict")
    nonconforming_count = fields.Integer(
        "Nonconforming Units (d)",
        compute="_compute_decision",
        inverse="_inverse_nonconforming_count",
        help="Nonconforming units found in the sample; recorded on the lot's sampling check.",
    )
    decision = fields.Selection(
        SAMPLING_DECISIONS, compute="_compute_decision", help="Accept if d <= Ac, reject if d >= Re."
    )
    outcome = fields.Selection(
        [("accept", "Accepted"), ("reject", "Rejected"), ("skip", "Skipped")],
        readonly=True,
        help="The decision counted for switching, fixed when the lot's release or rejection is signed.",
    )
    event_sequence = fields.Integer(readonly=True, help="Order of this lot's outcome among the supplier's lots.")
    rule_note = fields.Char("Skip-Lot Rule", readonly=True)

    @api.depends("check_id.is_measured", "check_id.measured_value", "check_id.result", "severity")
    def _compute_decision(self):
        for sampling in self:
            check = sampling.check_id
            sampling.nonconforming_count = int(check.measured_value) if check.is_measured else 0
            if sampling.severity == "skipped":
                sampling.decision = "skipped"
            elif not check.is_measured:
                sampling.decision = "pending"
            else:
                sampling.decision = "accept" if check.result == "pass" else "reject"

    def _inverse_nonconforming_count(self):
        for sampling in self:
            if not sampling.check_id:
                raise UserError(
                    self.env._(
                        "Lot %(lot)s has no sample to count (%(severity)s).",
                        lot=sampling.lot_id.name,
                        severity=sampling.severity,
                    )
                )
            # As the user: the check's rights and locks apply (a QA user measures, a signed lot is fixed).
            sampling.check_id.write({"measured_value": sampling.nonconforming_count})

    @api.model_create_multi
    def create(self, vals_list):
        if not is_server_write("stock.lot.qc.sampling"):
            raise UserError(self.env._("A lot's sampling is made by Odoo when the lot is received, never by hand."))
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - {"nonconforming_count"} and not is_server_write("stock.lot.qc.sampling"):
            raise UserError(
                self.env._("Only the number of nonconforming units is entered in a lot's sampling; Odoo sets the rest.")
            )
        return super().write(vals)

    def unlink(self):
        if not is_server_write("stock.lot.qc.sampling"):
            raise UserError(self.env._("A lot's sampling is evidence: it is never deleted."))
        return super().unlink()

    # ------------------------------------------------------------------
    # Received lots
    # ------------------------------------------------------------------

    @api.model
    def _create_for_receipts(self, move_lines):
        """The sampling of each lot first received from a supplier by ``move_lines`` (done), for products whose
        specification has a sampling plan. The lot size is the received quantity, whole units rounded up."""
        lines = move_lines.filtered(
            lambda line: (
                line.lot_id
                and line.state == "done"
                and line.location_id.usage == "supplier"
                and line.lot_id.qc_state == "pending"
            )
        )
        if not lines:
            return self.browse()
        specs = self.env["stock.lot.qc.spec"]._get_for_products(lines.product_id)
        quantities = defaultdict(float)
        first_line = {}
        for line in lines:
            if specs[line.product_id.id].sampling_plan:
                quantities[line.lot_id] += line.quantity_product_uom
                first_line.setdefault(line.lot_id, line)
        sampled = self.sudo().search([("lot_id", "in", [lot.id for lot in quantities])]).lot_id
        samplings = self.browse()
        for lot, quantity in quantities.items():
            if lot in sampled:
                continue  # a lot received again is not sampled again
            line = first_line[lot]
            partner = line.picking_id.partner_id.commercial_partner_id
            company = lot.company_id or line.company_id
            state = self.env["stock.lot.qc.sampling.state"]._get_state(company, partner, lot.product_id)
            samplings |= self._create_one(
                lot, specs[lot.product_id.id], state, math.ceil(quantity - 1e-9), line.picking_id
            )
        return samplings

    @api.model
    def _create_one(self, lot, spec, state, lot_size, picking):
        vals = {
            "lot_id": lot.id,
            "partner_id": state.partner_id.id,
            "state_id": state.id,
            "spec_id": spec.id,
            "picking_id": picking.id,
            "lot_size": lot_size,
            "level": spec.sampling_level,
            "aql": iso2859.aql_label(spec.sampling_aql),
        }
        if state.severity == "discontinued":
            with server_write("stock.lot.qc.sampling"):
                return self.sudo().create(dict(vals, severity="discontinued"))
        if iso2859.is_skipped(state._get_switching_state(), spec.sampling_skip_every):
            return self._create_skipped(lot, spec, state, vals)
        plan = spec._get_sampling_plan(lot_size, state.severity)
        with server_write("stock.lot.qc.sampling"):
            sampling = self.sudo().create(dict(vals, severity=state.severity))
        sampling._apply_plan(plan)
        return sampling

    def _apply_plan(self, plan):
        """Give the sampling its plan and the lot its sampling check (0 to Ac nonconforming units passes)."""
        self.ensure_one()
        severity = dict(SAMPLING_SEVERITIES)[plan.severity]
        check_vals = {
            "lot_id": self.lot_id.id,
            "sequence": 1,
            "name": self.env._(
                "Sampling: nonconforming units (code %(letter)s, n = %(n)s, Ac %(ac)s / Re %(re)s, %(severity)s)",
                letter=plan.plan_letter,
                n=plan.sample_size,
                ac=plan.accept,
                re=plan.reject,
                severity=severity.lower(),
            ),
            "method": self.env._(
                "ISO 2859-1 single sampling, level %(level)s, AQL %(aql)s%(full)s",
                level=plan.level,
                aql=iso2859.aql_label(plan.aql),
                full=self.env._(", 100 % inspection") if plan.full_inspection else "",
            ),
            "unit": self.env._("units"),
            "value_type": "numeric",
            "min_value": 0,
            "max_value": plan.accept,
            "mandatory": True,
        }
        with server_write("stock.lot.qc.check.spec"):
            check = self.env["stock.lot.qc.check"].sudo().create([check_vals])
        with server_write("stock.lot.qc.sampling"):
            self.sudo().write(
                {
                    "severity": plan.severity,
                    "code_letter": plan.code_letter,
                    "plan_letter": plan.plan_letter,
                    "sample_size": plan.sample_size,
                    "accept_number": plan.accept,
                    "reject_number": plan.reject,
                    "full_inspection": plan.full_inspection,
                    "check_id": check.id,
                }
            )

    @api.model
    def _create_skipped(self, lot, spec, state, vals):
        """A lot the skip-lot rule releases: a signature of the rule, never a silent release."""
        switching = state._get_switching_state()
        note = self.env._(
            "Released by the skip-lot rule of specification %(spec)s: lot %(position)s of every %(every)s skipped "
            "after %(after)s consecutive accepted lots of %(product)s from %(supplier)s (%(severity)s inspection).",
            spec=spec.name,
            position=switching.skip_position % spec.sampling_skip_every + 1,
            every=spec.sampling_skip_every,
            after=spec.sampling_skip_after,
            product=lot.product_id.display_name,
            supplier=state.partner_id.display_name or "-",
            severity=dict(SAMPLING_SEVERITIES).get(state.severity, state.severity).lower(),
        )
        with server_write("stock.lot.qc.sampling"):
            sampling = self.sudo().create(dict(vals, severity="skipped", outcome="skip", rule_note=note))
        self.env["stock.lot.qc.signature"]._sign_by_rule(lot, self.env._("Released by skip-lot rule"), note)
        state._add_event(sampling)
        return sampling

    def _record_outcome(self):
        """Fix the outcome of these inspected samplings once their lot is signed, and switch their states."""
        decided = self.filtered(lambda sampling: not sampling.outcome and sampling.check_id.is_measured)
        for sampling in decided:
            with server_write("stock.lot.qc.sampling"):
                sampling.sudo().write({"outcome": "accept" if sampling.check_id.result == "pass" else "reject"})
            sampling.state_id._add_event(sampling)

    def _check_count(self, value):
        self.ensure_one()
        try:
            iso2859.check_count(value, self.sample_size)
        except iso2859.SamplingError:
            raise ValidationError(
                self.env._(
                    "Lot %(lot)s: the number of nonconforming units is a whole number from 0 to the %(n)s units "
                    "sampled; %(value)s is not.",
                    lot=self.lot_id.name,
                    n=self.sample_size,
                    value=value,
                )
            ) from None


class StockLotQcCheck(models.Model):
    _inherit = "stock.lot.qc.check"

    def write(self, vals):
        if "measured_value" in vals:
            samplings = self.env["stock.lot.qc.sampling"].sudo().search([("check_id", "in", self.ids)])
            for sampling in samplings:
                sampling._check_count(vals["measured_value"])
        return super().write(vals)


class StockLot(models.Model):
    _inherit = "stock.lot"

    qc_sampling_ids = fields.One2many("stock.lot.qc.sampling", "lot_id", "Sampling", readonly=True)

    def qc_sign(self, decision, meaning, password, note=None, override_reason=None):
        if decision == "release":
            held = self.sudo().qc_sampling_ids.filtered(lambda sampling: sampling.severity == "discontinued")
            if held:
                raise UserError(
                    self.env._(
                        "Lot %(lot)s is held: inspection of %(product)s from %(supplier)s is discontinued after 5 lots "
                        "not accepted on tightened inspection. A QA Manager resumes it from Inventory > Quality > "
                        "Sampling State once the supplier has acted; the lot is then sampled on tightened inspection.",
                        lot=held[0].lot_id.name,
                        product=held[0].product_id.display_name,
                        supplier=held[0].partner_id.display_name or "-",
                    )
                )
        result = super().qc_sign(decision, meaning, password, note=note, override_reason=override_reason)
        if decision in ("release", "reject"):
            self.sudo().qc_sampling_ids._record_outcome()
        return result


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        self.env["stock.lot.qc.sampling"]._create_for_receipts(moves.move_line_ids)
        return moves


class StockLotQcSignature(models.Model):
    _inherit = "stock.lot.qc.signature"

    @api.model
    def _sign_by_rule(self, lot, meaning, note):
        """Release ``lot`` by a rule (skip-lot), signed as the user whose act applied it: a signature in the lot's
        chain that says which rule released it, with the checks as they are (none measured)."""
        lot._lock_for_signature()
        last = lot.sudo().qc_signature_ids.sorted("sequence")[-1:]
        with server_write("stock.lot.qc.signature"):
            self.sudo().create(
                [
                    {
                        "lot_id": lot.id,
                        "company_id": lot.company_id.id or self.env.company.id,
                        "sequence": last.sequence + 1 if last else 1,
                        "decision": "release",
                        "meaning": meaning,
                        "signer_id": self.env.uid,
                        "signer_name": self.env.user.name,
                        "signed_at": fields.Datetime.now(),
                        "note": note,
                        "override_reason": note,
                        "check_snapshot": lot._get_qc_snapshot(),
                        "previous_hash": last.hash if last else False,
                    }
                ]
            )
        lot._write_qc_state("released", reason=meaning)
        lot._message_log_batch({lot.id: note}, author_id=self.env.user.partner_id.id)
