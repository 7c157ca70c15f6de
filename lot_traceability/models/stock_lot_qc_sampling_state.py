from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import iso2859
from ..tools.server_write import is_server_write, server_write

STATE_SEVERITIES = [
    ("normal", "Normal"),
    ("tightened", "Tightened"),
    ("reduced", "Reduced"),
    ("discontinued", "Discontinued"),
]
EVENTS = [("accept", "Lot Accepted"), ("reject", "Lot Rejected"), ("skip", "Lot Skipped"), ("resume", "Resumed by QA")]


class StockLotQcSamplingState(models.Model):
    """The inspection in force for a supplier's product (ISO 2859-1 switching rules, skip-lot).

    Recomputed from the outcomes of the supplier's lots in the order they were signed (and QA's resumptions of a
    discontinued inspection), never set by hand: ``line_ids`` is the history, one line per lot.
    """

    _name = "stock.lot.qc.sampling.state"
    _description = "Sampling State of a Supplier's Product"
    _order = "company_id, partner_id, product_id"
    _rec_name = "product_id"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Supplier", index=True, readonly=True)
    product_id = fields.Many2one("product.product", required=True, index=True, readonly=True)
    severity = fields.Selection(STATE_SEVERITIES, "Inspection", default="normal", required=True, readonly=True)
    accepted_in_row = fields.Integer("Consecutive Accepted", readonly=True)
    rejected_on_tightened = fields.Integer("Rejected on Tightened", readonly=True)
    recent_outcomes = fields.Char("Last Lots on Normal", readonly=True)
    skip_active = fields.Boolean("Skip-Lot in Force", readonly=True)
    skip_position = fields.Integer(readonly=True)
    event_count = fields.Integer(readonly=True)
    line_ids = fields.One2many("stock.lot.qc.sampling.state.line", "state_id", "History", readonly=True)
    sampling_ids = fields.One2many("stock.lot.qc.sampling", "state_id", "Lots", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_server_write()
        return super().create(vals_list)

    def write(self, vals):
        self._check_server_write()
        return super().write(vals)

    def unlink(self):
        self._check_server_write()
        return super().unlink()

    def _check_server_write(self):
        if not is_server_write("stock.lot.qc.sampling.state"):
            raise UserError(
                self.env._("A sampling state follows from the supplier's signed lots: Odoo keeps it, never by hand.")
            )

    @api.model
    def _get_state(self, company, partner, product):
        state = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", partner.id or False),
                ("product_id", "=", product.id),
            ],
            limit=1,
        )
        if not state:
            with server_write("stock.lot.qc.sampling.state"):
                state = self.sudo().create(
                    {"company_id": company.id, "partner_id": partner.id or False, "product_id": product.id}
                )
        return state

    def _get_switching_state(self):
        self.ensure_one()
        return iso2859.SwitchingState(
            severity=self.severity,
            recent=tuple(filter(None, (self.recent_outcomes or "").split(","))),
            accepted_in_row=self.accepted_in_row,
            rejected_on_tightened=self.rejected_on_tightened,
            skip_active=self.skip_active,
            skip_position=self.skip_position,
        )

    def _get_spec(self):
        self.ensure_one()
        return self.env["stock.lot.qc.spec"].sudo()._get_for_products(self.product_id)[self.product_id.id]

    def _add_event(self, sampling=None, event=None):
        """Number the next event (a lot's outcome, or a resumption) and recompute the state."""
        self.ensure_one()
        sequence = self.event_count + 1
        with server_write("stock.lot.qc.sampling.state", "stock.lot.qc.sampling"):
            self.sudo().write({"event_count": sequence})
            if sampling:
                sampling.sudo().write({"event_sequence": sequence})
            else:
                self.env["stock.lot.qc.sampling.state.line"].sudo().create(
                    {"state_id": self.id, "sequence": sequence, "event": event, "user_id": self.env.uid}
                )
        self._recompute()

    def _recompute(self):
        """Replay the outcomes of the supplier's lots and QA's resumptions, in order, from normal inspection."""
        for state in self.sudo():
            spec = state._get_spec()
            events = [
                (sampling.event_sequence, sampling.outcome, sampling)
                for sampling in state.sampling_ids.filtered(lambda sampling: sampling.outcome)
            ]
            resumes = state.line_ids.filtered(lambda line: line.event == "resume")
            events += [(line.sequence, "resume", line) for line in resumes]
            switching = iso2859.SwitchingState()
            rows = []
            for sequence, event, record in sorted(events, key=lambda item: item[0]):
                before = switching.severity
                switching = iso2859.next_state(
                    switching,
                    event,
                    reduced_allowed=spec.sampling_reduced_allowed,
                    skip_after=spec.sampling_skip_after,
                )
                if record._name == "stock.lot.qc.sampling":
                    rows.append(
                        {
                            "state_id": state.id,
                            "sequence": sequence,
                            "event": event,
                            "sampling_id": record.id,
                            "lot_id": record.lot_id.id,
                            "severity_before": before,
                            "severity_after": switching.severity,
                            "skip_active": switching.skip_active,
                            "note": switching.note,
                        }
                    )
                else:
                    rows.append(
                        {
                            "id": record.id,
                            "severity_before": before,
                            "severity_after": switching.severity,
                            "skip_active": switching.skip_active,
                            "note": switching.note,
                        }
                    )
            with server_write("stock.lot.qc.sampling.state", "stock.lot.qc.sampling.state.line"):
                (state.line_ids - resumes).unlink()
                for row in rows:
                    if "id" in row:
                        line = state.env["stock.lot.qc.sampling.state.line"].browse(row.pop("id"))
                        line.write(row)
                state.env["stock.lot.qc.sampling.state.line"].create([row for row in rows if "state_id" in row])
                state.write(
                    {
                        "severity": switching.severity,
                        "accepted_in_row": switching.accepted_in_row,
                        "rejected_on_tightened": switching.rejected_on_tightened,
                        "recent_outcomes": ",".join(switching.recent),
                        "skip_active": switching.skip_active,
                        "skip_position": switching.skip_position,
                    }
                )

    def action_resume(self):
        """A QA Manager resumes a discontinued inspection once the supplier has acted: tightened inspection, and
        the lots held meanwhile get their tightened sampling."""
        if not self.env.user.has_group("lot_traceability.group_qa_manager"):
            raise AccessError(self.env._("Only QA Managers resume a discontinued inspection."))
        for state in self:
            if state.severity != "discontinued":
                raise UserError(
                    self.env._(
                        "Inspection of %(product)s from %(supplier)s is not discontinued: nothing to resume.",
                        product=state.product_id.display_name,
                        supplier=state.partner_id.display_name or "-",
                    )
                )
            state._add_event(event="resume")
            held = state.sudo().sampling_ids.filtered(
                lambda sampling: sampling.severity == "discontinued" and sampling.lot_id.qc_state == "pending"
            )
            spec = state._get_spec()
            for sampling in held:
                sampling._apply_plan(spec._get_sampling_plan(sampling.lot_size, state.severity))
        return True


class StockLotQcSamplingStateLine(models.Model):
    _name = "stock.lot.qc.sampling.state.line"
    _description = "Sampling State History"
    _order = "state_id, sequence desc"

    state_id = fields.Many2one("stock.lot.qc.sampling.state", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="state_id.company_id", store=True)
    sequence = fields.Integer(required=True)
    event = fields.Selection(EVENTS, required=True)
    sampling_id = fields.Many2one("stock.lot.qc.sampling", ondelete="cascade")
    lot_id = fields.Many2one("stock.lot")
    user_id = fields.Many2one("res.users", "Resumed By")
    severity_before = fields.Selection(STATE_SEVERITIES, "From")
    severity_after = fields.Selection(STATE_SEVERITIES, "To")
    skip_active = fields.Boolean("Skip-Lot")
    note = fields.Char("Switching")

    @api.model_create_multi
    def create(self, vals_list):
        if not is_server_write("stock.lot.qc.sampling.state") and not is_server_write(
            "stock.lot.qc.sampling.state.line"
        ):
            raise UserError(self.env._("The history of a sampling state is written by Odoo only."))
        return super().create(vals_list)

    def write(self, vals):
        if not is_server_write("stock.lot.qc.sampling.state.line"):
            raise UserError(self.env._("The history of a sampling state is written by Odoo only."))
        return super().write(vals)

    def unlink(self):
        if not is_server_write("stock.lot.qc.sampling.state.line"):
            raise UserError(self.env._("The history of a sampling state is written by Odoo only."))
        return super().unlink()
