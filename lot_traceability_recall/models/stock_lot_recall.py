from collections import defaultdict
from datetime import timedelta

from psycopg2.errors import DeadlockDetected, LockNotAvailable, SerializationFailure

from odoo import Command, api, fields, models
from odoo.addons.lot_traceability.tools.locks import lock_timeout
from odoo.addons.lot_traceability.tools.server_write import is_server_write, server_write
from odoo.exceptions import AccessError, UserError
from odoo.tools import formatLang

# States of a real recall that holds its lots and can still be notified, recovered or closed.
OPEN_RECALL_STATES = ("confirmed", "notified", "recovering")
# How long releasing reservations waits for quants another user is reserving before leaving it to the job.
RESERVATION_LOCK_TIMEOUT_MS = 1000

# What the recall's own actions write, never a user: its state, the mock flag and reference once created,
# its scope.
RECALL_SERVER_FIELDS = {
    "state",
    "is_mock",
    "name",
    "affected_lot_ids",
    "shipment_ids",
    "stock_ids",
    "hold_ids",
    "balance_ids",
    "completeness",
    "scope_duration_ms",
    "scope_date",
    "date_confirmed",
    "date_closed",
    "close_justification",
    "lot_outcome",
    "return_picking_ids",
    "scrap_ids",
    "notification_ids",
    # Stored computes (the seed lots' products, the mock's progress): copies the server keeps, never edited.
    "product_ids",
    "mock_state",
    # Recall drills (stock_lot_recall_drill.py): their timing, steps, frozen reconciliation and signature.
    "is_drill",
    "drill_state",
    "drill_started_at",
    "drill_started_by_id",
    "drill_step_ids",
    "drill_line_ids",
    "drill_upstream_lot_ids",
    "drill_downstream_lot_ids",
    "drill_trace_reviewed",
    "drill_customer_ids",
    "drill_customers_listed",
    "drill_produced_qty",
    "drill_accounted_qty",
    "drill_reconciliation_pct",
    "drill_target_minutes",
    "drill_tolerance_min",
    "drill_tolerance_max",
    "drill_concluded_at",
    "drill_elapsed_minutes",
    "drill_time_ok",
    "drill_reconciliation_ok",
    "drill_result",
    "drill_signer_id",
    "drill_signer_name",
    "drill_signature_meaning",
    "drill_conclusion_note",
    "drill_signature_hash",
}

# What the recall's evidence rests on besides its scope: written by Recall Managers while the recall is a draft;
# after confirmation the seeds only grow, through action_extend_scope.
RECALL_EVIDENCE_FIELDS = {"lot_ids", "supplier_lot_ids", "reason", "fda_class", "company_id"}

FDA_CLASSES = [
    ("class_1", "Class I: serious health consequences or death"),
    ("class_2", "Class II: temporary or reversible health consequences"),
    ("class_3", "Class III: unlikely to cause adverse health consequences"),
]


class StockLotRecall(models.Model):
    """A recall case: seed lots, their scope from the trace engine, the hold of every affected lot.

    A mock recall computes the same scope with no side effect and records how long it took.

    This file holds the case, its life cycle and holds; its scope and mass balance are in
    stock_lot_recall_scope.py, notification, returns and destruction in stock_lot_recall_recovery.py,
    closing in stock_lot_recall_closing.py.
    """

    _name = "stock.lot.recall"
    _description = "Lot Recall"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True
    _order = "create_date desc, id desc"

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default=lambda self: self.env._("New"))
    is_mock = fields.Boolean(
        "Mock Recall", tracking=True, help="A drill: the scope is computed and timed, nothing is put on hold."
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("notified", "Notified"),
            ("recovering", "Recovering"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    lot_ids = fields.Many2many(
        "stock.lot",
        "stock_lot_recall_seed_lot_rel",
        "recall_id",
        "lot_id",
        string="Seed Lots",
        help="The lots the recall starts from; everything made from them or shipped with them is in scope.",
    )
    supplier_lot_ids = fields.Many2many(
        "stock.supplier.lot",
        "stock_lot_recall_seed_supplier_lot_rel",
        "recall_id",
        "supplier_lot_id",
        string="Seed Supplier Lots",
        help="Supplier lots the recall starts from: their internal lots become seed lots.",
    )
    reason = fields.Text(tracking=True)
    fda_class = fields.Selection(FDA_CLASSES, "FDA Class", tracking=True)
    responsible_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True, check_company=True)
    evidence_editable = fields.Boolean(
        compute="_compute_evidence_editable",
        help="Whether you may change the seed lots, reason, class and company: a Recall Manager, on a draft.",
    )
    date_confirmed = fields.Datetime("Confirmed On", readonly=True, copy=False)
    date_closed = fields.Datetime("Closed On", readonly=True, copy=False)
    affected_lot_ids = fields.Many2many(
        "stock.lot",
        "stock_lot_recall_affected_lot_rel",
        "recall_id",
        "lot_id",
        string="Affected Lots",
        readonly=True,
        copy=False,
    )
    customer_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        compute="_compute_customer_ids",
        search="_search_customer_ids",
        help="Customers of the shipments in scope.",
    )
    shipment_ids = fields.One2many("stock.lot.recall.shipment", "recall_id", "Shipments", readonly=True)
    stock_ids = fields.One2many("stock.lot.recall.stock", "recall_id", "Stock on Hand", readonly=True)
    hold_ids = fields.One2many("stock.lot.recall.hold", "recall_id", "Holds", readonly=True)
    affected_lot_count = fields.Integer(compute="_compute_counts")
    customer_count = fields.Integer(compute="_compute_counts")
    shipped_qty = fields.Float(compute="_compute_quantities", digits="Product Unit of Measure")
    on_hand_qty = fields.Float(compute="_compute_quantities", digits="Product Unit of Measure")
    value_at_risk = fields.Monetary(
        compute="_compute_quantities",
        help="Cost of the affected quantity, shipped and on hand: lot cost when the product is valued "
        "per lot, else the product cost.",
    )
    scope_duration_ms = fields.Float(
        "Scope Time (ms)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        aggregator="avg",
        help="How long computing the scope took: tracing every affected lot, its shipments, stock and mass "
        "balance, and storing them.",
    )
    mock_state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")],
        "Mock Status",
        compute="_compute_mock_state",
        store=True,
        help="A mock recall is done once its scope has been computed and timed.",
    )
    quantity_uom_id = fields.Many2one(
        "uom.uom",
        "Unit",
        compute="_compute_quantities",
        help="The unit of the quantities shown: set when every affected product counts in the same unit.",
    )
    quantity_summary = fields.Char(
        "Quantities per Unit",
        compute="_compute_quantities",
        help="Shipped and on-hand quantities per unit of measure, when the affected products count in several.",
    )
    scope_date = fields.Datetime("Scope Computed On", readonly=True, copy=False)
    overlapping_recall_ids = fields.Many2many(
        "stock.lot.recall", compute="_compute_overlapping_recall_ids", string="Overlapping Recalls"
    )
    open_move_line_ids = fields.Many2many(
        "stock.move.line",
        compute="_compute_open_move_line_ids",
        string="Open Operations",
        help="Reservations of affected lots on deliveries, manufacturing orders and transfers not done yet: "
        "confirming releases them and flags their documents.",
    )
    product_ids = fields.Many2many(
        "product.product",
        "stock_lot_recall_product_rel",
        "recall_id",
        "product_id",
        string="Products",
        compute="_compute_product_ids",
        store=True,
        help="Products of the seed lots, to follow mock recalls per product.",
    )
    customer_instructions = fields.Html(
        "What Customers Must Do",
        default=lambda self: self.env._(
            "<p>Stop selling and using the products listed below at once, keep them apart, and tell us the "
            "quantity you still hold. We will collect them.</p>"
        ),
        help="Printed in every customer's notification.",
    )
    notification_ids = fields.One2many("stock.lot.recall.notification", "recall_id", "Notifications", readonly=True)
    reminder_days = fields.Integer(
        "Reminder After (Days)",
        default=3,
        help="A to-do is planned for the responsible on every notice still unanswered this many days after it "
        "was sent.",
    )
    notification_count = fields.Integer(compute="_compute_notification_counts")
    acknowledged_count = fields.Integer(compute="_compute_notification_counts")
    recall_location_id = fields.Many2one(
        "stock.location",
        check_company=True,
        domain="[('usage', '=', 'internal')]",
        help="Where returned units are received; by default the warehouse's recall location.",
    )
    return_picking_ids = fields.One2many("stock.picking", "lot_recall_id", "Returns", readonly=True)
    return_count = fields.Integer(compute="_compute_return_count")
    scrap_ids = fields.One2many("stock.scrap", "lot_recall_id", "Destructions", readonly=True)
    balance_ids = fields.One2many("stock.lot.recall.balance", "recall_id", "Mass Balance", readonly=True)
    recovered_qty = fields.Float(compute="_compute_effectiveness", digits="Product Unit of Measure")
    destroyed_qty = fields.Float(compute="_compute_effectiveness", digits="Product Unit of Measure")
    reworked_qty = fields.Float(compute="_compute_effectiveness", digits="Product Unit of Measure")
    unaccounted_qty = fields.Float(compute="_compute_effectiveness", digits="Product Unit of Measure")
    effectiveness = fields.Float(
        "Effectiveness (%)",
        compute="_compute_effectiveness",
        digits=(16, 1),
        help="Share of the quantity shipped to customers that is accounted for (recovered).",
    )
    discrepancy_count = fields.Integer(
        compute="_compute_effectiveness", help="Affected lots whose mass balance does not add up."
    )
    completeness = fields.Float(
        "Completeness (%)",
        readonly=True,
        copy=False,
        aggregator="avg",
        digits=(16, 1),
        help="Share of the affected lots' quantity that the mass balance accounts for (shipped, consumed, "
        "scrapped or on hand) when the scope was computed.",
    )
    cost_ids = fields.One2many("stock.lot.recall.cost", "recall_id", "Recall Costs")
    total_cost = fields.Monetary(compute="_compute_total_cost", help="Costs recorded on the case.")
    write_off_value = fields.Monetary(
        compute="_compute_write_off_value", help="Stock value written off by the recall's destructions."
    )
    close_justification = fields.Text(
        readonly=True, copy=False, help="Why the recall was closed with units unaccounted for."
    )
    lot_outcome = fields.Selection(
        [("reject", "Rejected"), ("release", "Awaiting QA release")],
        "Lots After Closing",
        readonly=True,
        copy=False,
        help="Rejected: the lots can never be used again. Awaiting QA release: they stay on hold until a QA "
        "Manager signs their release.",
    )

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_evidence_editable(self):
        manager = self.env.user.has_group("lot_traceability_recall.group_recall_manager")
        for recall in self:
            # A new recall is written by whoever launches it; a saved one by Recall Managers while it is a draft.
            recall.evidence_editable = not recall._origin.id or (manager and recall.state == "draft")

    @api.depends("affected_lot_ids", "customer_ids")
    def _compute_counts(self):
        for recall in self:
            recall.affected_lot_count = len(recall.affected_lot_ids)
            recall.customer_count = len(recall.customer_ids)

    @api.depends("shipment_ids.partner_id")
    def _compute_customer_ids(self):
        for recall in self:
            recall.customer_ids = recall.shipment_ids.partner_id

    def _search_customer_ids(self, operator, value):
        return [("shipment_ids.partner_id", operator, value)]

    @api.depends("shipment_ids.quantity", "stock_ids.quantity", "balance_ids.on_hand_qty", "affected_lot_ids")
    def _compute_quantities(self):
        for recall in self:
            recall.shipped_qty = sum(recall.shipment_ids.mapped("quantity"))
            # On hand as of the last balance (it follows returns and destructions), else as of the scope.
            if recall.balance_ids:
                recall.on_hand_qty = sum(recall.balance_ids.mapped("on_hand_qty"))
            else:
                recall.on_hand_qty = sum(recall.stock_ids.mapped("quantity"))
            # One unit cost of a lot wherever stock is valued (stock.lot._get_unit_cost), the recall company's,
            # whichever company the user has selected first.
            costs = recall.affected_lot_ids._get_unit_cost(company=recall.company_id)
            recall.value_at_risk = sum(
                line.quantity * costs.get(line.lot_id.id, 0.0) for line in [*recall.shipment_ids, *recall.stock_ids]
            )
            # Quantities of products counted in different units are never added together.
            units = recall.affected_lot_ids.product_id.uom_id
            recall.quantity_uom_id = units if len(units) == 1 else False
            recall.quantity_summary = len(units) > 1 and recall._get_quantity_summary()

    def _get_quantity_summary(self):
        """Shipped and on-hand quantities per unit of measure, e.g. "shipped 12 kg, 30 Units; on hand 5 kg"."""
        self.ensure_one()
        shipped, on_hand = defaultdict(float), defaultdict(float)
        for shipment in self.shipment_ids:
            shipped[shipment.product_uom_id] += shipment.quantity
        for line in self.balance_ids or self.stock_ids:
            on_hand[line.product_id.uom_id] += line.on_hand_qty if self.balance_ids else line.quantity
        return self.env._(
            "Shipped: %(shipped)s. On hand: %(on_hand)s.",
            shipped=", ".join(f"{formatLang(self.env, qty)} {uom.name}" for uom, qty in shipped.items()) or "0",
            on_hand=", ".join(f"{formatLang(self.env, qty)} {uom.name}" for uom, qty in on_hand.items()) or "0",
        )

    @api.depends("is_mock", "scope_date")
    def _compute_mock_state(self):
        for recall in self:
            recall.mock_state = recall.is_mock and ("done" if recall.scope_date else "draft")

    @api.depends("affected_lot_ids")
    def _compute_overlapping_recall_ids(self):
        for recall in self:
            recall.overlapping_recall_ids = (
                self.search(
                    [
                        ("id", "!=", recall._origin.id or 0),
                        ("is_mock", "=", False),
                        ("state", "not in", ("closed", "cancelled")),
                        ("affected_lot_ids", "in", recall.affected_lot_ids.ids),
                    ]
                )
                if recall.affected_lot_ids
                else self.browse()
            )

    @api.depends("affected_lot_ids")
    def _compute_open_move_line_ids(self):
        lines = self.env["stock.move.line"].search(
            [("lot_id", "in", self.affected_lot_ids.ids), ("state", "not in", ("done", "cancel"))]
        )
        for recall in self:
            recall.open_move_line_ids = lines.filtered(lambda line, lots=recall.affected_lot_ids: line.lot_id in lots)

    @api.depends("lot_ids", "supplier_lot_ids.lot_ids")
    def _compute_product_ids(self):
        for recall in self:
            recall.product_ids = recall._get_seed_lots().product_id

    @api.depends("notification_ids.state")
    def _compute_notification_counts(self):
        for recall in self:
            recall.notification_count = len(recall.notification_ids)
            recall.acknowledged_count = len(recall.notification_ids.filtered(lambda n: n.state == "acknowledged"))

    @api.depends("return_picking_ids")
    def _compute_return_count(self):
        for recall in self:
            recall.return_count = len(recall.return_picking_ids)

    @api.depends("balance_ids")
    def _compute_effectiveness(self):
        for recall in self:
            balances = recall.balance_ids
            shipped = sum(balances.mapped("recall_shipped_qty"))
            recall.recovered_qty = sum(balances.mapped("recovered_qty"))
            recall.destroyed_qty = sum(balances.mapped("destroyed_qty"))
            recall.reworked_qty = sum(balances.mapped("reworked_qty"))
            recall.unaccounted_qty = sum(balances.mapped("unaccounted_qty"))
            recall.effectiveness = 100.0 * (shipped - recall.unaccounted_qty) / shipped if shipped else 100.0
            recall.discrepancy_count = len(balances.filtered("has_discrepancy"))

    @api.depends("cost_ids.amount")
    def _compute_total_cost(self):
        for recall in self:
            recall.total_cost = sum(recall.cost_ids.mapped("amount"))

    @api.depends("scrap_ids.state", "scrap_ids.scrap_qty", "scrap_ids.lot_id")
    def _compute_write_off_value(self):
        """The stock destroyed by the recall, as Odoo's valuation booked it: the value its scrap moves' layers
        took out of stock, i.e. each lot at its unit cost in the valuation (stock.lot._get_unit_cost), the
        cost its value at risk was counted at."""
        scraps = self.scrap_ids.filtered(lambda scrap: scrap.state == "done")
        for recall in self:
            recall_scraps = scraps.filtered(lambda scrap, recall=recall: scrap.lot_recall_id == recall)
            # Valuation layers of scrap moves are negative: the value that left the stock.
            value = -sum(recall_scraps.move_ids.sudo().stock_valuation_layer_ids.mapped("value"))
            recall.write_off_value = recall.currency_id.round(value)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (RECALL_SERVER_FIELDS - {"is_mock", "name"}) & set(vals) and not is_server_write("stock.lot.recall"):
                raise UserError(
                    self.env._(
                        "A recall starts as a draft; its scope, state and outcome are written by its actions only."
                    )
                )
            if vals.get("name", self.env._("New")) == self.env._("New"):
                code = "stock.lot.recall.mock" if vals.get("is_mock") else "stock.lot.recall"
                vals["name"] = self.env["ir.sequence"].next_by_code(code) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        if not is_server_write("stock.lot.recall"):
            if RECALL_SERVER_FIELDS & set(vals):
                raise UserError(
                    self.env._(
                        "A recall's reference, state, mock flag, scope and outcome are written by its actions "
                        "(Compute Scope, Confirm, Notify, Close...), never edited by hand."
                    )
                )
            if RECALL_EVIDENCE_FIELDS & set(vals):
                self._check_evidence_write(vals)
        return super().write(vals)

    def _check_evidence_write(self, vals):
        """What a recall starts from (seed lots and supplier lots), why, its class and its company are its
        record: only Recall Managers change them, only on a draft, and never towards a company that the
        recall's author or the user does not belong to."""
        if not self.env.user.has_group("lot_traceability_recall.group_recall_manager"):
            raise AccessError(
                self.env._(
                    "Only Recall Managers change what a recall starts from, its reason, class or company; ask one "
                    "of them."
                )
            )
        for recall in self:
            if recall.state != "draft":
                raise UserError(
                    self.env._(
                        "Recall %(recall)s is confirmed: its seed lots, reason, class and company are its record "
                        "and no longer change. To add lots to it, use Extend Scope.",
                        recall=recall.name,
                    )
                )
        company = "company_id" in vals and self.env["res.company"].browse(vals["company_id"])
        if company:
            if company not in self.env.user.company_ids:
                raise UserError(
                    self.env._(
                        "You do not belong to company %(company)s: you cannot move a recall there.",
                        company=company.name,
                    )
                )
            for recall in self:
                if company not in recall.create_uid.company_ids:
                    raise UserError(
                        self.env._(
                            "Recall %(recall)s cannot move to company %(company)s: %(author)s, who drafted it, "
                            "does not belong to that company.",
                            recall=recall.name,
                            company=company.name,
                            author=recall.create_uid.name,
                        )
                    )

    def unlink(self):
        # A recall that once held stock is evidence: it stays, cancelled or closed.
        if any(not recall.is_mock and (recall.state != "draft" or recall.date_confirmed) for recall in self):
            raise UserError(self.env._("Only draft recalls can be deleted; a confirmed recall is kept for the record."))
        return super().unlink()

    def _write_server(self, vals):
        """Write what only the recall's actions may (RECALL_SERVER_FIELDS)."""
        with server_write("stock.lot.recall"):
            return self.write(vals)

    # ------------------------------------------------------------------
    # Confirm: hold everything in one transaction
    # ------------------------------------------------------------------

    def _check_recall_manager(self):
        if not self.env.user.has_group("lot_traceability_recall.group_recall_manager"):
            raise AccessError(
                self.env._("Only Recall Managers can confirm, extend, notify, recover, balance or close a recall.")
            )

    def action_confirm(self):
        """Put every affected lot on hold, release their reservations, flag open operations."""
        self._check_recall_manager()
        for recall in self:
            if recall.is_mock:
                raise UserError(
                    self.env._("%(recall)s is a mock recall: it never puts stock on hold.", recall=recall.name)
                )
            if recall.state != "draft":
                raise UserError(self.env._("Recall %(recall)s is already confirmed.", recall=recall.name))
        self.action_compute_scope()
        for recall in self:
            recall._get_recall_location()  # where returns will go, shown on the case from now on
            lots = recall.affected_lot_ids
            released = recall._hold_lots(
                lots,
                {"state": "confirmed", "date_confirmed": fields.Datetime.now()},
                reason=self.env._("Recall %(recall)s confirmed", recall=recall.name),
            )
            recall._log_event(
                self.env._(
                    "Recall confirmed: %(count)s lots on hold, %(customers)s customers to notify.",
                    count=len(lots),
                    customers=len(recall.customer_ids),
                )
            )
            if not released:
                recall._log_event(
                    self.env._(
                        "Other users were reserving the same stock: the reservations of the held lots are released "
                        "by the recall job in a moment. Until then no one can ship or consume them."
                    )
                )
        return True

    def _hold_lots(self, lots, vals, reason):
        """Put ``lots`` on hold for this recall, in the same transaction as ``vals`` (written on the recall):
        lock them, record their previous QC state, hold them, release their reservations and flag the
        operations that held them. Nothing here depends on mail: the hold never waits for an e-mail.

        :return: whether the reservations were released now (else the recall job releases them in a moment)"""
        self.ensure_one()
        # Lock the lots first: a delivery validated at the same moment waits or fails, and
        # then finds them on hold (it re-checks the hold in _action_done).
        self.env["stock.lot"]._lock_for_recall(lots)
        lots.invalidate_recordset(["qc_state"])
        # A signed rejection stands: a rejected lot is never turned into a held one.
        to_hold = lots.filtered(lambda lot: lot.qc_state != "rejected")
        already_held = self.hold_ids.lot_id
        self.sudo()._write_server(
            dict(
                vals,
                hold_ids=[
                    Command.create({"lot_id": lot.id, "previous_qc_state": lot.qc_state})
                    for lot in to_hold - already_held
                ],
            )
        )
        to_hold.filtered(lambda lot: lot.qc_state != "on_hold")._write_qc_state("on_hold", reason=reason)
        return self._release_reservations(to_hold)

    def _log_event(self, body):
        """Note ``body`` in the recall's chatter, authored by the user. A log, not a message_post: posting
        needs the author's e-mail address, and no step of a recall may depend on it."""
        for recall in self:
            recall._message_log(body=body, author_id=self.env.user.partner_id.id)

    def _get_activity_context(self):
        """Activities planned by a recall for someone else are announced by e-mail from the user; a user without
        an e-mail address plans them all the same, without the announcement (they show in the assignee's
        activities)."""
        return {"mail_activity_quick_update": True} if not self.env.user.email else {}

    def _release_reservations(self, lots):
        """Release the reservations of ``lots`` on operations not done yet and flag their documents.

        Releasing writes the lots' quants, which other users' reservations and validations write all the time:
        when one of them got there first, this leaves the reservations to the recall job (triggered now) instead
        of failing: the hold stands either way, and a validation of a held lot is refused.

        :return: whether the reservations were released now
        """
        self.ensure_one()
        open_lines = (
            self.env["stock.move.line"]
            .with_context(allowed_company_ids=self._get_scope_companies().ids)
            .search([("lot_id", "in", lots.ids), ("state", "not in", ("done", "cancel"))])
        )
        if not open_lines:
            return True
        moves = open_lines.move_id
        try:
            with lock_timeout(self.env.cr, RESERVATION_LOCK_TIMEOUT_MS), self.env.cr.savepoint():
                open_lines.unlink()
                moves._recompute_state()
        except (SerializationFailure, DeadlockDetected, LockNotAvailable):
            self.env.ref("lot_traceability_recall.ir_cron_release_held_reservations")._trigger()
            return False
        self._flag_open_operations(moves)
        return True

    @api.model
    def _cron_release_held_reservations(self):
        """Release the reservations of lots held by open recalls that their confirmation left to this job."""
        holds = self.env["stock.lot.recall.hold"].search(
            [("recall_id.state", "in", OPEN_RECALL_STATES), ("lot_id.qc_state", "=", "on_hold")]
        )
        pending = False
        for recall in holds.recall_id:
            lots = holds.filtered(lambda hold, recall=recall: hold.recall_id == recall).lot_id
            pending = not recall._release_reservations(lots) or pending
        if pending:  # still busy: try again in a minute
            self.env.ref("lot_traceability_recall.ir_cron_release_held_reservations")._trigger(
                fields.Datetime.now() + timedelta(minutes=1)
            )

    def _flag_open_operations(self, moves):
        """Tell the people in charge of transfers and manufacturing orders that held stock left them."""
        self.ensure_one()
        for document in [*moves.picking_id, *moves.raw_material_production_id, *moves.production_id]:
            document.with_context(**self._get_activity_context()).activity_schedule(
                "mail.mail_activity_data_warning",
                summary=self.env._("Recall %(recall)s", recall=self.name),
                note=self.env._(
                    "Lots of this operation are on hold for recall %(recall)s; their reservation was released.",
                    recall=self.name,
                ),
                user_id=document.user_id.id or self.responsible_id.id or self.env.uid,
            )

    def action_cancel(self):
        self._check_recall_manager()
        for recall in self:
            if recall.state == "closed":
                raise UserError(self.env._("Recall %(recall)s is closed; it cannot be cancelled.", recall=recall.name))
            recall._release_holds()
            recall._write_server({"state": "cancelled"})
        return True

    def _check_open_real_recall(self, action):
        """Refuse ``action`` (``notify``, ``return``, ``destroy``, ``close`` or ``extend``) on a mock recall or
        on one that is not confirmed and open."""
        for recall in self:
            if recall.is_mock or recall.state not in OPEN_RECALL_STATES:
                messages = {
                    "notify": self.env._(
                        "Recall %(recall)s is not confirmed and open: its customers cannot be notified.",
                        recall=recall.name,
                    ),
                    "return": self.env._(
                        "Recall %(recall)s is not confirmed and open: no return can be created for it.",
                        recall=recall.name,
                    ),
                    "destroy": self.env._(
                        "Recall %(recall)s is not confirmed and open: its stock cannot be destroyed.",
                        recall=recall.name,
                    ),
                    "close": self.env._(
                        "Recall %(recall)s is not confirmed and open: it cannot be closed.", recall=recall.name
                    ),
                    "extend": self.env._(
                        "Recall %(recall)s is not confirmed and open: its scope cannot be extended (a draft's seed "
                        "lots are edited on the recall itself).",
                        recall=recall.name,
                    ),
                }
                raise UserError(messages[action])

    def _get_lots_held_only_by_self(self):
        """{recall: the lots it holds that no other open recall holds}, in one search for all the recalls."""
        holds = (
            self.env["stock.lot.recall.hold"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", self.hold_ids.lot_id.ids),
                    ("recall_id.state", "not in", ("closed", "cancelled")),
                ]
            )
        )
        return {
            recall: recall.hold_ids.lot_id - holds.filtered(lambda hold, recall=recall: hold.recall_id != recall).lot_id
            for recall in self
        }

    def _release_holds(self):
        """Give the lots held by this recall their previous QC state back, unless another open recall holds them."""
        self.ensure_one()
        # Only lots still on hold by this recall alone: a decision signed since (a rejection) stands.
        only_self = self._get_lots_held_only_by_self()[self].filtered(lambda lot: lot.qc_state == "on_hold")
        holds = self.hold_ids.filtered(lambda hold: hold.lot_id in only_self)
        reason = self.env._("Recall %(recall)s cancelled", recall=self.name)
        for state in set(holds.mapped("previous_qc_state")):
            holds.filtered(lambda hold, state=state: hold.previous_qc_state == state).lot_id._write_qc_state(
                state, reason=reason
            )

    # ------------------------------------------------------------------
    # Mock recalls
    # ------------------------------------------------------------------

    @api.model
    def _run_mock_recall(self, lots, reason=None):
        """Create and scope a mock recall of ``lots``; the scope time is recorded on it."""
        recall = self.create({"is_mock": True, "lot_ids": [Command.set(lots.ids)], "reason": reason})
        recall.action_compute_scope()
        return recall

    def action_view_affected_lots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_production_lot_form")
        action.update(domain=[("id", "in", self.affected_lot_ids.ids)], context={"display_complete": True})
        return action
