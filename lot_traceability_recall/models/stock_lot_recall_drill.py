import hashlib
import json

from odoo import Command, api, fields, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write, server_write
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, float_round

# Fields a user may still write on a concluded drill: what mail.thread and activities write on any record.
DRILL_MAIL_FIELD_PREFIXES = ("message_", "activity_")


class StockLotRecall(models.Model):
    """A recall drill: a mock recall of a raw or finished lot, timed from its start to a signed conclusion.

    Each step (scope computed, trace reviewed both ways, reconciliation computed, customers listed, concluded)
    is recorded with its time and user. The reconciliation per lot is the recall's mass balance
    (stock.lot.recall.balance) as a percentage: shipped + consumed + scrapped + on hand out of received or
    produced + returned. The conclusion is an electronic signature (password re-entered, never stored) over the
    evidence frozen at that moment: the evidence pack prints what was signed, whatever moves later.
    """

    _inherit = "stock.lot.recall"

    is_drill = fields.Boolean(
        "Recall Drill", readonly=True, copy=False, help="A mock recall timed from its start to a signed conclusion."
    )
    drill_state = fields.Selection(
        [("running", "Running"), ("concluded", "Concluded")], "Drill Status", readonly=True, copy=False
    )
    drill_warehouse_id = fields.Many2one(
        "stock.warehouse",
        "Site",
        check_company=True,
        copy=False,
        help="The site whose yearly drill this is: concluding it sets the site's next drill date.",
    )
    drill_started_at = fields.Datetime("Drill Started On", readonly=True, copy=False)
    drill_started_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    drill_step_ids = fields.One2many("stock.lot.recall.drill.step", "recall_id", "Drill Steps", readonly=True)
    drill_line_ids = fields.One2many("stock.lot.recall.drill.line", "recall_id", "Reconciliation", readonly=True)
    drill_upstream_lot_ids = fields.Many2many(
        "stock.lot",
        "stock_lot_recall_drill_upstream_lot_rel",
        "recall_id",
        "lot_id",
        string="Traced Backward",
        readonly=True,
        copy=False,
        help="The lots the drill's lots were made from or came from (supplier lots, components).",
    )
    drill_downstream_lot_ids = fields.Many2many(
        "stock.lot",
        "stock_lot_recall_drill_downstream_lot_rel",
        "recall_id",
        "lot_id",
        string="Traced Forward",
        readonly=True,
        copy=False,
        help="The lots made from the drill's lots.",
    )
    drill_trace_reviewed = fields.Boolean(readonly=True, copy=False)
    drill_customer_ids = fields.Many2many(
        "res.partner",
        "stock_lot_recall_drill_customer_rel",
        "recall_id",
        "partner_id",
        string="Customers to Reach",
        readonly=True,
        copy=False,
        help="The customers a real recall would have to notify (no notice is sent by a drill).",
    )
    drill_customers_listed = fields.Boolean(readonly=True, copy=False)
    drill_produced_qty = fields.Float(
        "Received or Produced", readonly=True, copy=False, digits="Product Unit of Measure"
    )
    drill_accounted_qty = fields.Float("Accounted For", readonly=True, copy=False, digits="Product Unit of Measure")
    drill_reconciliation_pct = fields.Float(
        "Reconciliation (%)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Shipped + consumed + scrapped + on hand, out of received or produced + returned, of every lot in "
        "scope, as computed by the drill's last reconciliation.",
    )
    drill_target_minutes = fields.Integer(
        "Target (Minutes)", readonly=True, copy=False, help="The company's drill target when the drill started."
    )
    drill_tolerance_min = fields.Float("Reconciliation From (%)", readonly=True, copy=False, digits=(16, 1))
    drill_tolerance_max = fields.Float("Reconciliation To (%)", readonly=True, copy=False, digits=(16, 1))
    drill_concluded_at = fields.Datetime("Concluded On", readonly=True, copy=False)
    drill_elapsed_minutes = fields.Float(
        "Time (Minutes)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="From the drill's start to its signed conclusion.",
    )
    drill_elapsed_display = fields.Char("Time", compute="_compute_drill_elapsed_display")
    drill_time_ok = fields.Boolean("Within Target Time", readonly=True, copy=False)
    drill_reconciliation_ok = fields.Boolean("Reconciliation Within Tolerance", readonly=True, copy=False)
    drill_result = fields.Selection([("pass", "Pass"), ("fail", "Fail")], readonly=True, copy=False, tracking=True)
    drill_signer_id = fields.Many2one("res.users", "Signed By", readonly=True, copy=False)
    drill_signer_name = fields.Char("Signer's Printed Name", readonly=True, copy=False)
    drill_signature_meaning = fields.Char("Meaning of the Signature", readonly=True, copy=False)
    drill_conclusion_note = fields.Text("Conclusion", readonly=True, copy=False)
    drill_signature_hash = fields.Char(
        "Signature Hash",
        readonly=True,
        copy=False,
        help="SHA-256 over the evidence as signed: steps, trace, customers, reconciliation, time and signer.",
    )

    @api.depends("drill_started_at", "drill_elapsed_minutes", "drill_state")
    def _compute_drill_elapsed_display(self):
        now = fields.Datetime.now()
        for recall in self:
            if not recall.is_drill:
                recall.drill_elapsed_display = False
                continue
            minutes = (
                recall.drill_elapsed_minutes
                if recall.drill_state == "concluded"
                else (now - recall.drill_started_at).total_seconds() / 60.0
            )
            recall.drill_elapsed_display = self._format_drill_minutes(minutes)

    @api.model
    def _format_drill_minutes(self, minutes):
        hours, rest = divmod(round(minutes or 0.0), 60)
        return self.env._("%(hours)s h %(minutes)02d min", hours=hours, minutes=rest)

    # ------------------------------------------------------------------
    # Guards: a concluded drill is evidence
    # ------------------------------------------------------------------

    def write(self, vals):
        if not is_server_write("stock.lot.recall") and any(
            not name.startswith(DRILL_MAIL_FIELD_PREFIXES) for name in vals
        ):
            concluded = self.filtered(lambda recall: recall.drill_state == "concluded")
            if concluded:
                raise UserError(
                    self.env._(
                        "Recall drill %(recall)s is concluded and signed: its record no longer changes. Start a "
                        "new drill to measure again.",
                        recall=concluded[0].name,
                    )
                )
            if {"lot_ids", "supplier_lot_ids", "company_id"} & set(vals) and any(self.mapped("is_drill")):
                raise UserError(
                    self.env._(
                        "A recall drill's lots and company are set when it starts, the clock with them: start a new "
                        "drill for other lots."
                    )
                )
        return super().write(vals)

    def unlink(self):
        concluded = self.filtered(lambda recall: recall.drill_state == "concluded")
        if concluded:
            raise UserError(
                self.env._(
                    "Recall drill %(recall)s is concluded and signed: it is kept as evidence.",
                    recall=concluded[0].name,
                )
            )
        return super().unlink()

    def _check_drill_running(self):
        for recall in self:
            if not recall.is_drill:
                raise UserError(self.env._("%(recall)s is not a recall drill.", recall=recall.name))
            if recall.drill_state == "concluded":
                raise UserError(
                    self.env._(
                        "Recall drill %(recall)s is concluded and signed: its figures are the ones signed and are "
                        "not computed again.",
                        recall=recall.name,
                    )
                )

    def _check_drill_rights(self, conclude=False):
        user = self.env.user
        if conclude:
            if not (
                user.has_group("lot_traceability.group_qa_manager")
                or user.has_group("lot_traceability_recall.group_recall_manager")
            ):
                raise AccessError(
                    self.env._("Only QA Managers and Recall Managers sign the conclusion of a recall drill.")
                )
        elif not user.has_group("lot_traceability.group_qa_user"):
            raise AccessError(self.env._("Only QA users run recall drills."))

    def _add_drill_step(self, step):
        self.ensure_one()
        now = fields.Datetime.now()
        with server_write("stock.lot.recall.drill"):
            self.env["stock.lot.recall.drill.step"].sudo().create(
                {
                    "recall_id": self.id,
                    "step": step,
                    "date": now,
                    "user_id": self.env.uid,
                    "elapsed_minutes": (now - self.drill_started_at).total_seconds() / 60.0,
                }
            )

    # ------------------------------------------------------------------
    # The drill's steps
    # ------------------------------------------------------------------

    @api.model
    def _start_drill(self, lots, warehouse=None, reason=None):
        """Start a recall drill of ``lots`` (raw or finished lots of the current company): a mock recall whose
        clock starts now, against the company's target and reconciliation tolerance."""
        self._check_drill_rights()
        if not lots:
            raise UserError(self.env._("Select the lot to run a recall drill on."))
        company = self.env.company
        foreign = lots.filtered(lambda lot: lot.company_id and lot.company_id != company)
        if foreign:
            raise UserError(
                self.env._(
                    "Lot %(lot)s belongs to %(lot_company)s, not to %(company)s: switch to that company to run "
                    "its recall drill.",
                    lot=foreign[0].name,
                    lot_company=foreign[0].company_id.name,
                    company=company.name,
                )
            )
        if warehouse and warehouse.company_id != company:
            raise UserError(
                self.env._("Site %(site)s is not a site of %(company)s.", site=warehouse.name, company=company.name)
            )
        warehouse = warehouse or self._get_drill_default_warehouse(lots)
        recall = self.create(
            {
                "is_mock": True,
                "company_id": company.id,
                "lot_ids": [Command.set(lots.ids)],
                "reason": reason or self.env._("Recall drill of %(lots)s", lots=", ".join(lots.mapped("name"))),
                "drill_warehouse_id": warehouse.id,
            }
        )
        recall._write_server(
            {
                "is_drill": True,
                "drill_state": "running",
                "drill_started_at": fields.Datetime.now(),
                "drill_started_by_id": self.env.uid,
                "drill_target_minutes": company.recall_drill_target_minutes,
                "drill_tolerance_min": company.recall_drill_tolerance_min,
                "drill_tolerance_max": company.recall_drill_tolerance_max,
            }
        )
        recall._add_drill_step("start")
        recall._log_event(self.env._("Recall drill started by %(user)s.", user=self.env.user.name))
        return recall

    @api.model
    def _get_drill_default_warehouse(self, lots):
        """The site holding the lots' stock, else the company's first site."""
        quant = self.env["stock.quant"].search(
            [
                ("lot_id", "in", lots.ids),
                ("location_id.usage", "=", "internal"),
                ("location_id.warehouse_id", "!=", False),
            ],
            limit=1,
        )
        return quant.location_id.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )

    def action_compute_scope(self):
        self.filtered("is_drill")._check_drill_running()
        result = super().action_compute_scope()
        for recall in self.filtered("is_drill"):
            # A new scope makes the steps that rest on it out of date: they are done again on the new scope.
            recall.sudo()._write_server(
                {
                    "drill_line_ids": [Command.clear()],
                    "drill_upstream_lot_ids": [Command.clear()],
                    "drill_downstream_lot_ids": [Command.clear()],
                    "drill_trace_reviewed": False,
                    "drill_customer_ids": [Command.clear()],
                    "drill_customers_listed": False,
                    "drill_produced_qty": 0.0,
                    "drill_accounted_qty": 0.0,
                    "drill_reconciliation_pct": 0.0,
                }
            )
            recall._add_drill_step("scope")
        return result

    def action_compute_balance(self):
        self.filtered("is_drill")._check_drill_running()
        return super().action_compute_balance()

    def _check_drill_scope(self):
        for recall in self:
            if not recall.scope_date:
                raise UserError(self.env._("Compute the scope of recall drill %(recall)s first.", recall=recall.name))

    def action_drill_review_trace(self):
        """Trace the drill's lots both ways and keep the lots reached: forward (made from them, the scope) and
        backward (what they were made from or received as)."""
        self._check_drill_rights()
        self._check_drill_running()
        self._check_drill_scope()
        for recall in self:
            seeds = recall._get_seed_lots()
            companies = recall._get_scope_companies()
            upstream = seeds.with_context(allowed_company_ids=companies.ids).trace("upstream")["lot_ids"]
            recall._write_server(
                {
                    "drill_upstream_lot_ids": [Command.set(sorted(set(upstream) - set(seeds.ids)))],
                    "drill_downstream_lot_ids": [Command.set((recall.affected_lot_ids - seeds).ids)],
                    "drill_trace_reviewed": True,
                }
            )
            recall._add_drill_step("trace")
        return True

    def action_drill_compute_reconciliation(self):
        """The quantity reconciliation of every lot in scope, from the recall's mass balance computed now:
        accounted (shipped + consumed + scrapped + on hand) out of received or produced + returned, in %."""
        self._check_drill_rights()
        self._check_drill_running()
        self._check_drill_scope()
        for recall in self:
            balances = recall._get_mass_balance(recall.affected_lot_ids.ids)
            recall._insert_scope_rows("stock.lot.recall.balance", balances)
            recall.invalidate_recordset()
            lines = [
                Command.create(self.env["stock.lot.recall.drill.line"]._prepare_drill_line_vals(balance, recall))
                for balance in recall.balance_ids
            ]
            produced = sum(line[2]["produced_qty"] for line in lines)
            accounted = sum(line[2]["accounted_qty"] for line in lines)
            # sudo: the lines are the drill's own record, written only here (QA users read them).
            recall.sudo()._write_server(
                {
                    "drill_line_ids": [Command.clear(), *lines],
                    "drill_produced_qty": produced,
                    "drill_accounted_qty": accounted,
                    "drill_reconciliation_pct": self.env["stock.lot.recall.drill.line"]._get_percent(
                        produced, accounted
                    ),
                }
            )
            recall._add_drill_step("reconciliation")
        return True

    def action_drill_list_customers(self):
        """The customers the drill's lots reached (the scope's shipments): listed, no notice sent."""
        self._check_drill_rights()
        self._check_drill_running()
        self._check_drill_scope()
        for recall in self:
            recall._write_server(
                {"drill_customer_ids": [Command.set(recall.customer_ids.ids)], "drill_customers_listed": True}
            )
            recall._add_drill_step("customers")
        return True

    def action_open_drill_conclude_wizard(self):
        self.ensure_one()
        self._check_drill_rights(conclude=True)
        self._check_drill_ready()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sign the Conclusion of %(recall)s", recall=self.name),
            "res_model": "stock.lot.recall.drill.conclude.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id},
        }

    def _check_drill_ready(self):
        self._check_drill_running()
        for recall in self:
            recall._check_drill_scope()
            if not recall.drill_line_ids:
                raise UserError(
                    self.env._(
                        "Recall drill %(recall)s has no computed reconciliation: compute it before concluding.",
                        recall=recall.name,
                    )
                )
            if not recall.drill_trace_reviewed:
                raise UserError(
                    self.env._(
                        "Review the trace forward and backward of recall drill %(recall)s before concluding.",
                        recall=recall.name,
                    )
                )
            if not recall.drill_customers_listed:
                raise UserError(
                    self.env._("List the customers of recall drill %(recall)s before concluding.", recall=recall.name)
                )

    def action_drill_conclude(self, password, meaning=None, note=None):
        """Sign the drill's conclusion as the current user: the password is checked and forgotten, the time from
        the start to now is measured against the target, and the evidence is frozen and hashed with the
        signature. Concluding sets the next drill date of the drill's site and closes its reminder."""
        self.ensure_one()
        self._check_drill_rights(conclude=True)
        meaning = (meaning or "").strip() or self.env._("I confirm the result of this recall drill")
        # Lock the drill: a second signature waits, then finds it concluded.
        self.env.cr.execute(SQL("SELECT id FROM stock_lot_recall WHERE id = %s FOR NO KEY UPDATE", self.id))
        self.invalidate_recordset()
        self._check_drill_ready()
        self.env.user._check_signing_password(password)  # throttled like a login (res.users)
        self._conclude_drill(meaning, note)
        return True

    def _conclude_drill(self, meaning, note=None):
        """Conclude the drill as the current user, whose password ``action_drill_conclude`` has checked: measure
        the time, freeze and hash the evidence, set the site's next drill date."""
        self.ensure_one()
        now = fields.Datetime.now()
        # Rounded as stored (one decimal), so that the stored evidence hashes as signed.
        elapsed = float_round((now - self.drill_started_at).total_seconds() / 60.0, precision_digits=1)
        time_ok = float_compare(elapsed, self.drill_target_minutes, precision_digits=6) <= 0
        reconciliation_ok = all(self.drill_line_ids.mapped("within_tolerance"))
        self._add_drill_step("conclusion")
        vals = {
            "drill_state": "concluded",
            "drill_concluded_at": now,
            "drill_elapsed_minutes": elapsed,
            "drill_time_ok": time_ok,
            "drill_reconciliation_ok": reconciliation_ok,
            "drill_result": "pass" if time_ok and reconciliation_ok else "fail",
            "drill_signer_id": self.env.uid,
            "drill_signer_name": self.env.user.name,
            "drill_signature_meaning": meaning,
            "drill_conclusion_note": (note or "").strip() or False,
        }
        vals["drill_signature_hash"] = self._get_drill_evidence_hash(vals)
        self._write_server(vals)
        if self.drill_warehouse_id:
            self.drill_warehouse_id.sudo()._set_recall_drill_done(now.date())
        percent = (
            f"{self.drill_reconciliation_pct:.1f}"  # outside the message: Babel's extractor evaluates its arguments
        )
        self._log_event(
            self.env._(
                "Recall drill concluded and signed by %(signer)s, meaning: %(meaning)s. Time %(time)s (target "
                "%(target)s min), reconciliation %(percent)s %%: %(result)s.",
                signer=self.env.user.name,
                meaning=meaning,
                time=self._format_drill_minutes(elapsed),
                target=self.drill_target_minutes,
                percent=percent,
                result=dict(self._fields["drill_result"]._description_selection(self.env))[vals["drill_result"]],
            )
        )

    def _get_drill_evidence(self, vals=None):
        """The drill's evidence as signed: a canonical dict of what the evidence pack prints."""
        self.ensure_one()
        vals = dict(vals or {})
        evidence = {
            "recall": self.name,
            "company": self.company_id.id,
            "seed_lots": sorted(self._get_seed_lots().mapped("name")),
            "started_at": fields.Datetime.to_string(self.drill_started_at),
            "steps": [
                [step.step, fields.Datetime.to_string(step.date), step.user_id.id]
                for step in self.drill_step_ids.sorted(lambda step: (step.date, step.id))
            ],
            "forward": sorted(self.drill_downstream_lot_ids.mapped("name")),
            "backward": sorted(self.drill_upstream_lot_ids.mapped("name")),
            "customers": sorted(self.drill_customer_ids.ids),
            "lines": [
                [line.lot_id.id, *(round(line[name], 6) for name in line._get_figure_fields())]
                for line in self.drill_line_ids.sorted("lot_id")
            ],
            "target_minutes": self.drill_target_minutes,
            "tolerance": [self.drill_tolerance_min, self.drill_tolerance_max],
        }
        for name in ("drill_concluded_at",):
            if name in vals:
                vals[name] = fields.Datetime.to_string(vals[name])
        evidence.update(vals)
        return evidence

    def _get_drill_evidence_hash(self, vals=None):
        evidence = self._get_drill_evidence(vals)
        evidence.pop("drill_signature_hash", None)
        canonical = json.dumps(evidence, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def _check_drill_signature(self):
        """Whether the stored evidence still hashes to the signed hash."""
        self.ensure_one()
        names = [
            "drill_state",
            "drill_concluded_at",
            "drill_elapsed_minutes",
            "drill_time_ok",
            "drill_reconciliation_ok",
            "drill_result",
            "drill_signer_id",
            "drill_signer_name",
            "drill_signature_meaning",
            "drill_conclusion_note",
        ]
        vals = {name: self[name].id if name == "drill_signer_id" else self[name] for name in names}
        return self._get_drill_evidence_hash(vals) == self.drill_signature_hash
