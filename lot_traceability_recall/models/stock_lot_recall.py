import time
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write, server_write
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_is_zero

# States of a real recall that holds its lots and can still be notified, recovered or closed.
OPEN_RECALL_STATES = ("confirmed", "notified", "recovering")

# What the recall's own actions write, never a user: its state, the mock flag once created, its scope.
RECALL_SERVER_FIELDS = {
    "state",
    "is_mock",
    "affected_lot_ids",
    "customer_ids",
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
}
# Bulk inserts of the scope (stock.lot.recall._insert_scope_rows): column -> PostgreSQL array type.
SCOPE_COLUMNS = {
    "stock.lot.recall.shipment": {
        "partner_id": "int4",
        "picking_id": "int4",
        "move_line_id": "int4",
        "lot_id": "int4",
        "product_id": "int4",
        "quantity": "float8",
        "date": "timestamp",
    },
    "stock.lot.recall.stock": {"lot_id": "int4", "location_id": "int4", "quantity": "float8"},
    "stock.lot.recall.balance": {
        "lot_id": "int4",
        "in_qty": "float8",
        "returned_qty": "float8",
        "shipped_qty": "float8",
        "consumed_qty": "float8",
        "scrapped_qty": "float8",
        "on_hand_qty": "float8",
        "discrepancy_qty": "float8",
        "recall_shipped_qty": "float8",
        "recovered_qty": "float8",
        "destroyed_qty": "float8",
        "unaccounted_qty": "float8",
    },
}

FDA_CLASSES = [
    ("class_1", "Class I: serious health consequences or death"),
    ("class_2", "Class II: temporary or reversible health consequences"),
    ("class_3", "Class III: unlikely to cause adverse health consequences"),
]


class StockLotRecall(models.Model):
    """A recall case: seed lots, their scope from the trace engine, the hold of every affected lot.

    A mock recall computes the same scope with no side effect and records how long it took.
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
        "stock_lot_recall_customer_rel",
        "recall_id",
        "partner_id",
        string="Customers",
        readonly=True,
        copy=False,
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
        "Scope Time (ms)", readonly=True, copy=False, digits=(16, 1), help="How long computing the scope took."
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

    @api.depends("affected_lot_ids", "customer_ids")
    def _compute_counts(self):
        for recall in self:
            recall.affected_lot_count = len(recall.affected_lot_ids)
            recall.customer_count = len(recall.customer_ids)

    @api.depends("shipment_ids.quantity", "stock_ids.quantity", "affected_lot_ids")
    def _compute_quantities(self):
        for recall in self:
            recall.shipped_qty = sum(recall.shipment_ids.mapped("quantity"))
            recall.on_hand_qty = sum(recall.stock_ids.mapped("quantity"))
            # Costs are per company: the recall's, whichever company the user has selected first.
            costs = recall.affected_lot_ids.with_company(recall.company_id)._get_recall_unit_cost()
            recall.value_at_risk = sum(
                line.quantity * costs.get(line.lot_id.id, 0.0) for line in [*recall.shipment_ids, *recall.stock_ids]
            )

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
            recall.unaccounted_qty = sum(balances.mapped("unaccounted_qty"))
            recall.effectiveness = 100.0 * (shipped - recall.unaccounted_qty) / shipped if shipped else 100.0
            recall.discrepancy_count = len(balances.filtered("has_discrepancy"))

    @api.depends("cost_ids.amount")
    def _compute_total_cost(self):
        for recall in self:
            recall.total_cost = sum(recall.cost_ids.mapped("amount"))

    @api.depends("scrap_ids.state")
    def _compute_write_off_value(self):
        for recall in self:
            # Valuation layers of scrap moves are negative: the value that left the stock.
            layers = recall.scrap_ids.move_ids.sudo().stock_valuation_layer_ids
            recall.write_off_value = -sum(layers.mapped("value"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (RECALL_SERVER_FIELDS - {"is_mock"}) & set(vals) and not is_server_write("stock.lot.recall"):
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
        if RECALL_SERVER_FIELDS & set(vals) and not is_server_write("stock.lot.recall"):
            raise UserError(
                self.env._(
                    "A recall's state, mock flag, scope and outcome are written by its actions (Compute Scope, "
                    "Confirm, Notify, Close...), never edited by hand."
                )
            )
        return super().write(vals)

    def unlink(self):
        # A recall that once held stock is evidence: it stays, cancelled or closed.
        if any(not recall.is_mock and (recall.state != "draft" or recall.date_confirmed) for recall in self):
            raise UserError(self.env._("Only draft recalls can be deleted; a confirmed recall is kept for the record."))
        return super().unlink()

    def _write_server(self, vals):
        """Write what only the recall's actions may (RECALL_SERVER_FIELDS)."""
        with server_write("stock.lot.recall"):
            return self.write(vals)

    def _get_scope_companies(self):
        """The companies a recall reaches: every company the user may see, the recall's first, whichever
        companies are selected in the switcher."""
        self.ensure_one()
        return self.company_id | self.env.user.company_ids

    # ------------------------------------------------------------------
    # Scope
    # ------------------------------------------------------------------

    def _get_seed_lots(self):
        self.ensure_one()
        return self.lot_ids | self.supplier_lot_ids.lot_ids

    def _check_seed_lots(self):
        for recall in self:
            seeds = recall._get_seed_lots()
            if not seeds:
                raise UserError(
                    self.env._("Recall %(recall)s has no lot to start from: add seed lots.", recall=recall.name)
                )
            foreign = seeds.filtered(lambda lot: lot.company_id and lot.company_id not in self.env.user.company_ids)
            if foreign:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s belong to a company you have no access to: they cannot be recalled by you.",
                        lots=", ".join(foreign.mapped("name")),
                    )
                )
            moved = {
                lot.id
                for [lot] in self.env["stock.move.line"]._read_group(
                    [("lot_id", "in", seeds.ids), ("state", "=", "done")], ["lot_id"]
                )
            }
            unmoved = seeds.filtered(lambda lot, moved=moved: lot.id not in moved)
            if unmoved:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s never moved: there is nothing to recall. Remove them from the seed lots.",
                        lots=", ".join(unmoved.mapped("name")),
                    )
                )

    def action_compute_scope(self):
        """Trace every seed lot downstream and store the affected lots, shipments and stock.

        The trace spans every company the user may see. The scope is stored with set-based inserts:
        a recall of a lot shipped to 10,000 customers writes 10,000 shipment lines in one statement.
        """
        self._check_seed_lots()
        for recall in self:
            started = time.perf_counter()
            companies = recall._get_scope_companies()
            seeds = recall._get_seed_lots().with_context(allowed_company_ids=companies.ids)
            trace = seeds.trace("downstream")
            shipments = recall._get_scope_shipments(trace["move_line_ids"])
            balances = recall._get_mass_balance(trace["lot_ids"], shipments)
            recall._store_scope(trace, shipments, balances)
            duration = (time.perf_counter() - started) * 1000
            recall._write_server(
                {
                    "completeness": self._get_completeness(balances),
                    "scope_duration_ms": duration,
                    "scope_date": fields.Datetime.now(),
                }
            )
        return True

    def _store_scope(self, trace, shipments, balances):
        """Replace the stored scope of this recall: affected lots, customers, shipments, stock, balance."""
        self.ensure_one()
        self.flush_recordset()
        for table, column, ids in (
            ("stock_lot_recall_affected_lot_rel", "lot_id", trace["lot_ids"]),
            ("stock_lot_recall_customer_rel", "partner_id", trace["customer_ids"]),
        ):
            self.env.cr.execute(
                SQL(
                    "DELETE FROM %(table)s WHERE recall_id = %(recall)s; "
                    "INSERT INTO %(table)s (recall_id, %(column)s) SELECT %(recall)s, unnest(%(ids)s::int[])",
                    table=SQL.identifier(table),
                    column=SQL.identifier(column),
                    recall=self.id,
                    ids=list(ids),
                )
            )
        self._insert_scope_rows("stock.lot.recall.shipment", shipments)
        self._insert_scope_rows(
            "stock.lot.recall.stock",
            trace["on_hand"],
            extra_columns={
                "company_id": SQL("(SELECT company_id FROM stock_location WHERE id = scope_row.location_id)")
            },
        )
        self._insert_scope_rows("stock.lot.recall.balance", balances)
        self.invalidate_recordset(["affected_lot_ids", "customer_ids", "shipment_ids", "stock_ids", "balance_ids"])

    def _insert_scope_rows(self, model, rows, extra_columns=None):
        """Replace this recall's lines of ``model`` with ``rows`` (dicts of SCOPE_COLUMNS) in one INSERT."""
        self.ensure_one()
        table = self.env[model]._table
        columns = SCOPE_COLUMNS[model]
        extra_columns = {"company_id": SQL("%s", self.company_id.id), **(extra_columns or {})}
        self.env.cr.execute(SQL("DELETE FROM %s WHERE recall_id = %s", SQL.identifier(table), self.id))
        if rows:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO %(table)s (recall_id, %(columns)s, %(extra)s,
                                           create_uid, create_date, write_uid, write_date)
                    SELECT %(recall)s, %(row_columns)s, %(extra_values)s,
                           %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                      FROM unnest(%(arrays)s) AS scope_row(%(columns)s)
                    """,
                    table=SQL.identifier(table),
                    columns=SQL(", ").join(SQL.identifier(column) for column in columns),
                    extra=SQL(", ").join(SQL.identifier(column) for column in extra_columns),
                    recall=self.id,
                    row_columns=SQL(", ").join(SQL.identifier("scope_row", column) for column in columns),
                    extra_values=SQL(", ").join(extra_columns.values()),
                    uid=self.env.uid,
                    arrays=SQL(", ").join(
                        SQL("%s::%s[]", [None if row[column] is False else row[column] for row in rows], SQL(sql_type))
                        for column, sql_type in columns.items()
                    ),
                )
            )
        self.env[model].invalidate_model()

    @api.model
    def _get_completeness(self, balances):
        """Share of the lots' inflow that the mass balance accounts for, in %."""
        inflow = sum(vals["in_qty"] + vals["returned_qty"] for vals in balances)
        missing = sum(abs(vals["discrepancy_qty"]) for vals in balances)
        return 100.0 * max(inflow - missing, 0.0) / inflow if inflow else 100.0

    def _get_mass_balance(self, lot_ids, shipments):
        """Values of one balance line per lot: every done flow of the lot by kind, its stock, and what
        this recall shipped, recovered and destroyed. One query for the flows, one for the stock."""
        self.ensure_one()
        if not lot_ids:
            return []
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                WITH flows AS (
                    SELECT line.lot_id,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE source.usage NOT IN ('internal', 'transit', 'customer')
                                 AND destination.usage IN ('internal', 'transit')) AS in_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE source.usage = 'customer'
                                 AND destination.usage IN ('internal', 'transit')) AS returned_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE source.usage IN ('internal', 'transit')
                                 AND destination.usage IN ('customer', 'supplier')) AS shipped_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE source.usage IN ('internal', 'transit')
                                 AND destination.usage = 'production') AS consumed_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE source.usage IN ('internal', 'transit')
                                 AND destination.usage = 'inventory') AS scrapped_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE picking.lot_recall_id = %(recall)s
                                 AND destination.usage IN ('internal', 'transit')) AS recovered_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE scrap.lot_recall_id = %(recall)s) AS destroyed_qty
                      FROM stock_move_line line
                      JOIN stock_location source ON source.id = line.location_id
                      JOIN stock_location destination ON destination.id = line.location_dest_id
                      LEFT JOIN stock_picking picking ON picking.id = line.picking_id
                      LEFT JOIN stock_move move ON move.id = line.move_id
                      LEFT JOIN stock_scrap scrap ON scrap.id = move.scrap_id
                     WHERE line.lot_id = ANY(%(lots)s) AND line.state = 'done'
                     GROUP BY line.lot_id
                ), stock AS (
                    SELECT quant.lot_id, SUM(quant.quantity) AS on_hand_qty
                      FROM stock_quant quant
                      JOIN stock_location location ON location.id = quant.location_id
                     WHERE quant.lot_id = ANY(%(lots)s) AND location.usage IN ('internal', 'transit')
                     GROUP BY quant.lot_id
                )
                SELECT lot.id, COALESCE(in_qty, 0), COALESCE(returned_qty, 0), COALESCE(shipped_qty, 0),
                       COALESCE(consumed_qty, 0), COALESCE(scrapped_qty, 0), COALESCE(on_hand_qty, 0),
                       COALESCE(recovered_qty, 0), COALESCE(destroyed_qty, 0)
                  FROM unnest(%(lots)s) AS lot(id)
                  LEFT JOIN flows ON flows.lot_id = lot.id
                  LEFT JOIN stock ON stock.lot_id = lot.id
                 ORDER BY lot.id
                """,
                recall=self.id or 0,
                lots=list(lot_ids),
            )
        )
        shipped_in_scope = dict.fromkeys(lot_ids, 0.0)
        for shipment in shipments:
            shipped_in_scope[shipment["lot_id"]] += shipment["quantity"]
        balances = []
        for lot_id, in_qty, returned, shipped, consumed, scrapped, on_hand, recovered, destroyed in rows:
            balances.append(
                {
                    "lot_id": lot_id,
                    "in_qty": in_qty,
                    "returned_qty": returned,
                    "shipped_qty": shipped,
                    "consumed_qty": consumed,
                    "scrapped_qty": scrapped,
                    "on_hand_qty": on_hand,
                    "discrepancy_qty": in_qty + returned - shipped - consumed - scrapped - on_hand,
                    "recall_shipped_qty": shipped_in_scope[lot_id],
                    "recovered_qty": recovered,
                    "destroyed_qty": destroyed,
                    "unaccounted_qty": max(shipped_in_scope[lot_id] - recovered, 0.0),
                }
            )
        return balances

    def action_compute_balance(self):
        """Recompute the mass balance and recovery of every affected lot, as of now."""
        for recall in self:
            shipments = [
                {"lot_id": shipment.lot_id.id, "quantity": shipment.quantity} for shipment in recall.shipment_ids
            ]
            balances = recall._get_mass_balance(recall.affected_lot_ids.ids, shipments)
            recall._insert_scope_rows("stock.lot.recall.balance", balances)
            recall.invalidate_recordset(["balance_ids"])
        return True

    def _get_scope_shipments(self, move_line_ids):
        """Done deliveries to customers among the traced lines: partner, lot, quantity, document."""
        if not move_line_ids:
            return []
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.id, line.lot_id, line.product_id, line.quantity_product_uom, line.date, line.picking_id,
                       COALESCE(picking.partner_id, move.partner_id)
                  FROM stock_move_line line
                  JOIN stock_location destination ON destination.id = line.location_dest_id
                  LEFT JOIN stock_picking picking ON picking.id = line.picking_id
                  LEFT JOIN stock_move move ON move.id = line.move_id
                 WHERE line.id = ANY(%s) AND destination.usage = 'customer'
                 ORDER BY line.date, line.id
                """,
                move_line_ids,
            )
        )
        return [
            {
                "move_line_id": line_id,
                "lot_id": lot_id,
                "product_id": product_id,
                "quantity": quantity,
                "date": date,
                "picking_id": picking_id,
                "partner_id": partner_id,
            }
            for line_id, lot_id, product_id, quantity, date, picking_id, partner_id in rows
        ]

    # ------------------------------------------------------------------
    # Confirm: hold everything in one transaction
    # ------------------------------------------------------------------

    def _check_recall_manager(self):
        if not self.env.user.has_group("lot_traceability_recall.group_recall_manager"):
            raise AccessError(self.env._("Only Recall Managers can confirm, notify or close a recall."))

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
            lots = recall.affected_lot_ids
            # Lock the lots first: a delivery validated at the same moment waits or fails, and
            # then finds them on hold (it re-checks the hold in _action_done).
            self.env["stock.lot"]._lock_for_recall(lots)
            lots.invalidate_recordset(["qc_state"])
            # A signed rejection stands: a rejected lot is never turned into a held one.
            to_hold = lots.filtered(lambda lot: lot.qc_state != "rejected")
            already_held = recall.hold_ids.lot_id
            recall.sudo()._write_server(
                {
                    "hold_ids": [
                        Command.create({"lot_id": lot.id, "previous_qc_state": lot.qc_state})
                        for lot in to_hold - already_held
                    ],
                    "state": "confirmed",
                    "date_confirmed": fields.Datetime.now(),
                }
            )
            to_hold.filtered(lambda lot: lot.qc_state != "on_hold")._write_qc_state(
                "on_hold", reason=self.env._("Recall %(recall)s confirmed", recall=recall.name)
            )
            open_lines = (
                self.env["stock.move.line"]
                .with_context(allowed_company_ids=recall._get_scope_companies().ids)
                .search([("lot_id", "in", to_hold.ids), ("state", "not in", ("done", "cancel"))])
            )
            moves = open_lines.move_id
            open_lines.unlink()
            moves._recompute_state()
            recall._flag_open_operations(moves)
            recall.message_post(
                body=self.env._(
                    "Recall confirmed: %(count)s lots on hold, %(customers)s customers to notify.",
                    count=len(lots),
                    customers=len(recall.customer_ids),
                )
            )
        return True

    def _flag_open_operations(self, moves):
        """Tell the people in charge of transfers and manufacturing orders that held stock left them."""
        self.ensure_one()
        for document in [*moves.picking_id, *moves.raw_material_production_id, *moves.production_id]:
            document.activity_schedule(
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
        for recall in self:
            if recall.is_mock or recall.state not in OPEN_RECALL_STATES:
                raise UserError(
                    self.env._(
                        "Recall %(recall)s is not confirmed and open: it cannot be %(action)s.",
                        recall=recall.name,
                        action=action,
                    )
                )

    # ------------------------------------------------------------------
    # Notify
    # ------------------------------------------------------------------

    def _check_shipments_have_customers(self):
        self.ensure_one()
        unnamed = self.shipment_ids.filtered(lambda shipment: not shipment.partner_id)
        if unnamed:
            raise UserError(
                self.env._(
                    "Deliveries %(pickings)s name no customer: set their customer so that the recall can "
                    "notify it and take the goods back.",
                    pickings=", ".join(unnamed.mapped(lambda shipment: shipment.picking_id.name or "?")),
                )
            )

    def action_notify(self):
        """Send every customer not notified yet one notice listing their lots, with an acknowledgement link."""
        self._check_recall_manager()
        self._check_open_real_recall(self.env._("notified"))
        template = self.env.ref("lot_traceability_recall.mail_template_recall_notification")
        for recall in self:
            recall._check_shipments_have_customers()
            customers = recall.shipment_ids.partner_id.commercial_partner_id - recall.notification_ids.partner_id
            without_email = customers.filtered(lambda partner: not partner.email)
            if without_email:
                raise UserError(
                    self.env._(
                        "Customers %(customers)s have no e-mail address: add one to each, then notify again. "
                        "Nothing was sent.",
                        customers=", ".join(without_email.mapped("display_name")),
                    )
                )
            if not customers:
                raise UserError(
                    self.env._("Every customer of recall %(recall)s has already been notified.", recall=recall.name)
                )
            notifications = self.env["stock.lot.recall.notification"].create(
                [
                    {"recall_id": recall.id, "partner_id": partner.id, "date_sent": fields.Datetime.now()}
                    for partner in customers
                ]
            )
            template.send_mail_batch(notifications.ids)
            recall.message_post(
                body=self.env._(
                    "Recall notice sent to %(count)s customers: %(customers)s.",
                    count=len(customers),
                    customers=", ".join(customers.mapped("display_name")),
                )
            )
            if recall.state == "confirmed":
                recall._write_server({"state": "notified"})
        return True

    def action_view_notifications(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Notifications"),
            "res_model": "stock.lot.recall.notification",
            "view_mode": "list,form",
            "domain": [("recall_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Recover: returns from customers, destruction
    # ------------------------------------------------------------------

    def _get_recall_location(self):
        self.ensure_one()
        if not self.recall_location_id:
            warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)], limit=1)
            if not warehouse:
                raise UserError(
                    self.env._("Company %(company)s has no warehouse to receive returns.", company=self.company_id.name)
                )
            self.recall_location_id = warehouse._get_recall_location()
        return self.recall_location_id

    def _get_quantities_to_return(self):
        """{(delivery move, lot): quantity} shipped in scope and not yet in one of this recall's returns."""
        self.ensure_one()
        to_return = defaultdict(float)
        for shipment in self.shipment_ids:
            to_return[shipment.move_line_id.move_id, shipment.lot_id] += shipment.quantity
        returning = self.return_picking_ids.filtered(lambda picking: picking.state != "cancel").move_line_ids
        for line in returning:
            key = line.move_id.origin_returned_move_id, line.lot_id
            if key in to_return:
                to_return[key] -= line.quantity_product_uom
        return {
            key: quantity
            for key, quantity in to_return.items()
            if not float_is_zero(quantity, precision_rounding=key[1].product_id.uom_id.rounding) and quantity > 0
        }

    def action_create_returns(self):
        """One return per customer, from the customer to the recall location, for the shipped quantities
        not returned yet, with the lots already set: the warehouse only has to validate it."""
        self._check_recall_manager()
        self._check_open_real_recall(self.env._("recovered"))
        for recall in self:
            # The returns belong to the recall's company, whichever companies the user has selected.
            recall.with_company(recall.company_id)._create_returns()
        return self.action_view_returns() if len(self) == 1 else True

    def _create_returns(self):
        """The returns of one recall, in the environment's company (the recall's)."""
        self.ensure_one()
        self._check_shipments_have_customers()
        to_return = self._get_quantities_to_return()
        if not to_return:
            raise UserError(self.env._("Every shipped quantity of %(recall)s already has a return.", recall=self.name))
        destination = self._get_recall_location()
        picking_type = destination.warehouse_id.in_type_id
        # One return per delivery, linked to it as Odoo's own returns are (return_id on the transfer,
        # origin_returned_move_id on each move), so that Odoo's reports count what came back.
        per_delivery = defaultdict(lambda: defaultdict(list))
        for (move, lot), quantity in to_return.items():
            per_delivery[move.picking_id][move].append((lot, quantity))
        pickings_vals = []
        for delivery, moves in per_delivery.items():
            partner = delivery.partner_id or next(iter(moves)).partner_id
            source = partner.property_stock_customer
            pickings_vals.append(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": partner.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "origin": self.name,
                    "return_id": delivery.id,
                    "lot_recall_id": self.id,
                    "company_id": self.company_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.name,
                                "product_id": move.product_id.id,
                                "product_uom": move.product_id.uom_id.id,
                                "product_uom_qty": sum(quantity for _lot, quantity in lot_lines),
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                                "origin_returned_move_id": move.id,
                                "procure_method": "make_to_stock",
                            }
                        )
                        for move, lot_lines in moves.items()
                    ],
                }
            )
        pickings = self.env["stock.picking"].create(pickings_vals)
        # The lines carry the lots shipped, so the warehouse only validates what comes back.
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": move.picking_id.id,
                    "product_id": move.product_id.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
                for move in pickings.move_ids
                for lot, quantity in per_delivery[move.origin_returned_move_id.picking_id][move.origin_returned_move_id]
            ]
        )
        pickings.action_confirm()
        self._write_server({"state": "recovering"})
        self.message_post(
            body=self.env._(
                "Returns created for %(count)s customers: %(pickings)s.",
                count=len(pickings.partner_id.commercial_partner_id),
                pickings=", ".join(pickings.mapped("name")),
            )
        )

    def action_view_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action.update(domain=[("lot_recall_id", "=", self.id)], context={"create": False})
        return action

    def _get_held_quants(self):
        """Stock of the affected lots in this company's internal locations: what destruction scraps."""
        self.ensure_one()
        return self.env["stock.quant"].search(
            [
                ("lot_id", "in", self.affected_lot_ids.ids),
                ("location_id.usage", "=", "internal"),
                ("company_id", "=", self.company_id.id),
                ("quantity", ">", 0),
            ]
        )

    def action_destroy(self):
        """Scrap every unit of the affected lots still in stock (held or recovered), through Odoo's scrap
        orders: the stock valuation books the loss."""
        self._check_recall_manager()
        self._check_open_real_recall(self.env._("destroyed"))
        for recall in self:
            quants = recall._get_held_quants()
            if not quants:
                raise UserError(self.env._("No unit of the affected lots is left in stock to destroy."))
            reserved = quants.filtered(lambda quant: quant.reserved_quantity > 0)
            if reserved:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s are reserved by an operation: cancel its reservation first.",
                        lots=", ".join(reserved.lot_id.mapped("name")),
                    )
                )
            scraps = self.env["stock.scrap"].create(
                [
                    {
                        "product_id": quant.product_id.id,
                        "product_uom_id": quant.product_id.uom_id.id,
                        "lot_id": quant.lot_id.id,
                        "location_id": quant.location_id.id,
                        "package_id": quant.package_id.id,
                        "owner_id": quant.owner_id.id,
                        "scrap_qty": quant.quantity,
                        "company_id": quant.company_id.id,
                        "origin": recall.name,
                        "lot_recall_id": recall.id,
                    }
                    for quant in quants
                ]
            )
            scraps.do_scrap()
            recall.message_post(
                body=self.env._(
                    "%(count)s scrap orders destroyed the remaining stock: %(scraps)s.",
                    count=len(scraps),
                    scraps=", ".join(scraps.mapped("name")),
                )
            )
        self.action_compute_balance()
        return True

    # ------------------------------------------------------------------
    # Close
    # ------------------------------------------------------------------

    def action_open_close_wizard(self):
        self.ensure_one()
        self._check_recall_manager()
        self._check_open_real_recall(self.env._("closed"))
        self.action_compute_balance()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close %(recall)s", recall=self.name),
            "res_model": "stock.lot.recall.close.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id},
        }

    def action_close(self, justification=None, lot_outcome="reject", destroy_remaining=False):
        """Close the case: every shipped unit accounted for or a written justification; optionally scrap
        the stock left; the held lots end rejected, or stay on hold until a QA Manager signs their release."""
        self._check_recall_manager()
        self._check_open_real_recall(self.env._("closed"))
        if lot_outcome not in ("reject", "release"):
            raise UserError(self.env._("Choose what becomes of the lots: rejected or awaiting QA release."))
        justification = (justification or "").strip()
        if destroy_remaining:
            self.filtered(lambda recall: recall._get_held_quants()).action_destroy()
        self.action_compute_balance()
        for recall in self:
            if not float_is_zero(recall.unaccounted_qty, precision_digits=4) and not justification:
                raise UserError(
                    self.env._(
                        "%(quantity)s shipped units of %(recall)s are not accounted for (%(effectiveness)s%% "
                        "effective): recover them, or write why the recall can close anyway.",
                        quantity=recall.unaccounted_qty,
                        recall=recall.name,
                        effectiveness=round(recall.effectiveness, 1),
                    )
                )
            held = recall._get_lots_held_only_by_self().filtered(lambda lot: lot.qc_state == "on_hold")
            if lot_outcome == "reject":
                held._write_qc_state("rejected", reason=self.env._("Recall %(recall)s closed", recall=recall.name))
            recall._write_server(
                {
                    "state": "closed",
                    "date_closed": fields.Datetime.now(),
                    "close_justification": justification or False,
                    "lot_outcome": lot_outcome,
                }
            )
            recall.message_post(
                body=self.env._(
                    "Recall closed: %(effectiveness)s%% effective, %(unaccounted)s units unaccounted, "
                    "%(write_off)s written off, %(cost)s of recall costs. Lots %(outcome)s.",
                    effectiveness=round(recall.effectiveness, 1),
                    unaccounted=recall.unaccounted_qty,
                    write_off=recall.write_off_value,
                    cost=recall.total_cost,
                    outcome=dict(self._fields["lot_outcome"]._description_selection(self.env))[lot_outcome].lower(),
                )
            )
        return True

    def _get_lots_held_only_by_self(self):
        """Lots this recall holds that no other open recall holds."""
        self.ensure_one()
        other_holds = (
            self.env["stock.lot.recall.hold"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", self.hold_ids.lot_id.ids),
                    ("recall_id", "!=", self.id),
                    ("recall_id.state", "not in", ("closed", "cancelled")),
                ]
            )
        )
        return self.hold_ids.lot_id - other_holds.lot_id

    def _release_holds(self):
        """Give the lots held by this recall their previous QC state back, unless another open recall holds them."""
        self.ensure_one()
        # Only lots still on hold by this recall alone: a decision signed since (a rejection) stands.
        only_self = self._get_lots_held_only_by_self().filtered(lambda lot: lot.qc_state == "on_hold")
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


class StockLotRecallScopeLine(models.AbstractModel):
    """What a recall's actions compute and store (its shipments, stock, holds and mass balance): read by
    everyone who sees the recall, written by its actions only, never by hand."""

    _name = "stock.lot.recall.scope.line"
    _description = "Recall Scope Line"

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

    @api.model
    def _check_server_write(self):
        if not is_server_write("stock.lot.recall"):
            raise UserError(
                self.env._("A recall's scope is computed by the recall (Compute Scope, Update Balance), never edited.")
            )


class StockLotRecallShipment(models.Model):
    _name = "stock.lot.recall.shipment"
    _inherit = ["stock.lot.recall.scope.line"]
    _description = "Recall Shipment"
    _order = "partner_id, date, id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", "Customer", index=True)
    picking_id = fields.Many2one("stock.picking", "Delivery")
    move_line_id = fields.Many2one("stock.move.line")
    lot_id = fields.Many2one("stock.lot", required=True)
    product_id = fields.Many2one("product.product", required=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id")
    quantity = fields.Float(digits="Product Unit of Measure")
    date = fields.Datetime()


class StockLotRecallStock(models.Model):
    _name = "stock.lot.recall.stock"
    _inherit = ["stock.lot.recall.scope.line"]
    _description = "Recall Stock on Hand"
    _order = "lot_id, location_id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="location_id.company_id", store=True, index=True)
    lot_id = fields.Many2one("stock.lot", required=True)
    product_id = fields.Many2one(related="lot_id.product_id")
    location_id = fields.Many2one("stock.location", required=True)
    quantity = fields.Float(digits="Product Unit of Measure")


class StockLotRecallHold(models.Model):
    """The QC state a lot had before a recall put it on hold, to give it back on cancel."""

    _name = "stock.lot.recall.hold"
    _inherit = ["stock.lot.recall.scope.line"]
    _description = "Recall Hold"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True)
    lot_id = fields.Many2one("stock.lot", required=True, index=True)
    previous_qc_state = fields.Char("Previous QC State")
