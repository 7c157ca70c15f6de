from odoo import fields, models, tools
from odoo.tools import SQL
from odoo.tools.sql import create_index

LOT_CONTROL_KPIS = [
    ("inventory_accuracy", "Inventory Accuracy by Lot"),
    ("fefo", "FEFO Compliance"),
    ("mock_recall", "Mock Recall"),
    ("recall_response", "Recall Response"),
    ("release", "Lot Release"),
    ("near_date_recovery", "Near-Date Recovery"),
    ("shrinkage", "Shrinkage"),
]

# The columns of every KPI's rows, in the order of their SELECTs.
EVENT_COLUMNS = SQL(
    "id, kpi, date, company_id, warehouse_id, product_id, lot_id, recall_id, res_model, res_id, numerator, "
    "denominator, scope_duration_ms, hours_to_notify, hours_to_acknowledge, pending_count, days_to_release"
)

# A branch of no row that gives every column its type, whichever KPIs follow it in a UNION.
EVENT_TYPES = SQL(
    "SELECT NULL::integer, NULL::varchar, NULL::timestamp, NULL::integer, NULL::integer, NULL::integer, "
    "NULL::integer, NULL::integer, NULL::varchar, NULL::integer, NULL::numeric, NULL::numeric, NULL::float, "
    "NULL::float, NULL::float, NULL::integer, NULL::float WHERE FALSE"
)

# Row ids are <source id> * 8 + <slot>: unique across the branches of the view, stable between queries.
ID_SLOTS = 8


def date_bounds(column, date_from=None, date_to=None):
    """``AND column >= date_from AND column < date_to`` for the bounds given (UTC datetimes), else nothing."""
    conditions = []
    if date_from:
        conditions.append(SQL("AND %s >= %s", column, date_from))
    if date_to:
        conditions.append(SQL("AND %s < %s", column, date_to))
    return SQL(" ").join(conditions)


class StockLotControlKpi(models.Model):
    """Lot control KPIs: one row per event behind a KPI, with the measures of that KPI.

    - Inventory Accuracy by Lot: one row per done inventory adjustment line of a lot (a move line of an
      ``is_inventory`` move: Odoo 18 records a counted quant applied without difference as a done line of
      quantity 0). Rate = lines counted without difference / lines counted. A count of 0 on a quant with 0
      on hand creates no line and is not measured; nor is a lot's opening balance (a count line before which
      the lot has no done line: its first stock, with no record to compare with).
    - FEFO Compliance: one row per line of the FEFO compliance analysis; Rate = in FEFO order quantity /
      outgoing quantity.
    - Mock Recall: one row per mock recall whose scope was computed; Rate = its completeness; Scope Time
      and Median Scope Time = the time to trace its lots (the time to locate a lot).
    - Recall Response: one row per confirmed (real) recall; Hours to Notify = confirmation to the last
      notification sent, Hours to Acknowledge = confirmation to the last acknowledgement, each only once all
      notifications are sent, resp. acknowledged; Rate = acknowledged notifications / notifications.
    - Lot Release: one row per lot pending release now, or released by signature: Pending Lots counts the
      first; Days to Release = first release signature minus the lot's creation. Dated by the release, else
      by the lot's creation; its warehouse is the one of the receipt or manufacturing order that made it.
    - Near-Date Recovery: one row per lot and warehouse whose alert date (product_expiry) has passed and
      that had stock in the warehouse's internal locations then. Value at risk (denominator) = that quantity
      (the lot's done move lines up to the alert date) x unit cost; recovered value (numerator) = the quantity
      that left those locations for a customer or production after the alert date and up to the lot's
      expiration date, less what customers returned in that time, capped at the quantity at risk, x unit
      cost. Dated at the alert date. Rate = recovered value / value at risk. A lot whose alert date passed
      but that has not expired yet can still be recovered: its figure grows until it expires.
    - Shrinkage: one row per done line of a lot from an internal location of a warehouse to an
      ``inventory``-usage location (Odoo 18's scrap locations, ``scrap_location``, and inventory adjustment
      losses both have that usage): numerator = its value written off; and one row per warehouse and
      calendar month (UTC, dated on the 15th) whose denominator is the month's average inventory value of
      lots, (value at the month's start + value at its end) / 2, reconstructed from the done move lines of
      lots into and out of the warehouse's internal locations. Grouped by month, Rate = value written off /
      average inventory value: the figure of the dashboard for that month. Over several months the pivot
      divides by the sum of the monthly averages (the average monthly shrinkage), whereas the dashboard
      divides a period's write-offs by the average of the values at its start and end.

    Values (near-date recovery, shrinkage) are at today's unit cost in the warehouse's company: the lot's
    cost for products valued per lot, else the product's cost (0 when none is set), so that what is
    recovered or written off and what it is compared with are valued alike. Quantities in the product's
    unit.

    Rates aggregate as the sum of the numerators over the sum of the denominators of the rows grouped,
    never as an average of rates; they only make sense grouped by KPI (as the default views do).
    """

    _name = "stock.lot.control.kpi"
    _description = "Lot Control KPIs"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "kpi"
    _depends = {
        # With those of stock.lot.fefo.report, which this view reads: flushed before any search.
        "stock.move.line": [
            "state",
            "date",
            "company_id",
            "lot_id",
            "product_id",
            "quantity",
            "quantity_product_uom",
            "move_id",
            "location_id",
            "location_dest_id",
            "picking_id",
        ],
        "stock.move": ["is_inventory", "raw_material_production_id"],
        "stock.location": ["usage", "warehouse_id"],
        "stock.warehouse": ["company_id"],
        "stock.lot": [
            "qc_state",
            "company_id",
            "product_id",
            "create_date",
            "removal_date",
            "alert_date",
            "expiration_date",
            "standard_price",
            "origin_picking_id",
            "origin_production_id",
        ],
        "stock.picking": ["picking_type_id"],
        "stock.picking.type": ["warehouse_id"],
        "mrp.production": ["picking_type_id"],
        "product.product": ["product_tmpl_id", "standard_price"],
        "product.template": ["uom_id", "lot_valuated"],
        "stock.lot.qc.signature": ["lot_id", "decision", "signed_at"],
        "stock.lot.recall": ["is_mock", "scope_date", "completeness", "scope_duration_ms", "date_confirmed"],
        "stock.lot.recall.notification": ["recall_id", "date_sent", "date_acknowledged"],
    }

    kpi = fields.Selection(LOT_CONTROL_KPIS, "KPI", readonly=True)
    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    recall_id = fields.Many2one("stock.lot.recall", readonly=True)
    res_model = fields.Char("Source Model", readonly=True)
    res_id = fields.Many2oneReference("Source Record", model_field="res_model", readonly=True)
    numerator = fields.Float(
        "Rate Numerator",
        readonly=True,
        help="Lines without difference, quantity in FEFO order, completeness, value recovered, value written off...",
    )
    denominator = fields.Float(
        "Rate Denominator",
        readonly=True,
        help="Lines counted, outgoing quantity, 100, value at risk, average inventory value...",
    )
    rate = fields.Float(
        "Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Sum of the numerators over the sum of the denominators of the rows grouped, in percent.",
    )
    scope_duration_ms = fields.Float("Scope Time (ms)", readonly=True, aggregator="avg", digits=(16, 1))
    scope_duration_median_ms = fields.Float("Median Scope Time (ms)", readonly=True, aggregator="avg", digits=(16, 1))
    hours_to_notify = fields.Float("Hours to Notify All", readonly=True, aggregator="avg", digits=(16, 2))
    hours_to_acknowledge = fields.Float("Hours to All Acknowledged", readonly=True, aggregator="avg", digits=(16, 2))
    pending_count = fields.Integer("Lots Pending Release", readonly=True)
    days_to_release = fields.Float(readonly=True, aggregator="avg", digits=(16, 2))

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "rate:avg":
            return SQL(
                "SUM(%s) * 100.0 / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, "numerator", query),
                self._field_to_sql(self._table, "denominator", query),
            )
        if aggregate_spec == "scope_duration_median_ms:avg":
            return SQL(
                "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %s)",
                self._field_to_sql(self._table, "scope_duration_median_ms", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------
    # The events of each KPI (shared with the dashboard, which bounds them by date)
    # ------------------------------------------------------------------

    def _get_event_queries(self, date_from=None, date_to=None, now=None, inventory_location_ids=None):
        """The SQL of each KPI's rows, by KPI, all with the columns of the view but ``rate`` (see the class).

        ``date_from``/``date_to`` (UTC) keep the rows dated in [date_from, date_to) and let each query read
        only what it needs for them; ``now`` (UTC, default: the database's clock) is when near-date lots must
        have passed their alert date; ``inventory_location_ids`` (default: read in the query) are the ids of
        the ``inventory``-usage locations, which the planner can then look up in its statistics of the moves'
        destinations. The shrinkage rows are the write-offs only (the inventory values that
        divide them in the view are monthly rows, see ``_get_inventory_value_query``).
        """
        now = now or SQL("(NOW() AT TIME ZONE 'UTC')")
        return {
            "inventory_accuracy": self._get_inventory_accuracy_query(date_from, date_to),
            "fefo": self._get_fefo_query(date_from, date_to),
            "mock_recall": self._get_mock_recall_query(date_from, date_to),
            "recall_response": self._get_recall_response_query(date_from, date_to),
            "release": self._get_release_query(date_from, date_to),
            "near_date_recovery": self._get_near_date_recovery_query(date_from, date_to, now),
            "shrinkage": self._get_write_off_query(date_from, date_to, inventory_location_ids),
        }

    def _get_inventory_accuracy_query(self, date_from, date_to):
        return SQL(
            """
            SELECT line.id * %(slots)s AS id, 'inventory_accuracy'::varchar AS kpi, line.date, line.company_id,
                   CASE WHEN source.usage = 'internal' THEN source.warehouse_id
                        ELSE destination.warehouse_id END AS warehouse_id,
                   line.product_id, line.lot_id, NULL::integer AS recall_id,
                   'stock.move.line'::varchar AS res_model, line.id AS res_id,
                   CASE WHEN line.quantity = 0 THEN 1.0 ELSE 0.0 END AS numerator, 1.0 AS denominator,
                   NULL::float AS scope_duration_ms, NULL::float AS hours_to_notify,
                   NULL::float AS hours_to_acknowledge, 0 AS pending_count, NULL::float AS days_to_release
              FROM stock_move_line line
              JOIN stock_move move ON move.id = line.move_id AND move.is_inventory
              JOIN stock_location source ON source.id = line.location_id
              JOIN stock_location destination ON destination.id = line.location_dest_id
             WHERE line.state = 'done' AND line.lot_id IS NOT NULL %(bounds)s
               -- a lot's opening balance (its first stock, entered by a count) is not compared with anything
               AND EXISTS (
                    SELECT 1 FROM stock_move_line earlier
                     WHERE earlier.lot_id = line.lot_id AND earlier.state = 'done'
                       AND (earlier.date, earlier.id) < (line.date, line.id))
            """,
            slots=ID_SLOTS,
            bounds=date_bounds(SQL("line.date"), date_from, date_to),
        )

    def _get_fefo_query(self, date_from, date_to):
        if not date_from:
            source = SQL("stock_lot_fefo_report")
        else:
            # The rule of stock.lot.fefo.report, on the lines from date_from only: whether a line left in FEFO
            # order depends on the lines after it, so the result is the same for those lines, and the window
            # does not sort the whole history.
            source = SQL(
                """(
                SELECT outgoing.*, (outgoing.earliest_removal_after IS NULL
                                    OR outgoing.earliest_removal_after >= outgoing.removal_date) AS in_order
                  FROM (
                        SELECT line.id, line.date, line.company_id, line.product_id, line.lot_id, line.location_id,
                               line.quantity_product_uom AS outgoing_qty, lot.removal_date,
                               MIN(lot.removal_date) OVER (
                                   PARTITION BY line.company_id, line.product_id
                                   ORDER BY line.date DESC, line.id DESC
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                               ) AS earliest_removal_after
                          FROM stock_move_line line
                          JOIN stock_lot lot ON lot.id = line.lot_id AND lot.removal_date IS NOT NULL
                          JOIN stock_location source ON source.id = line.location_id AND source.usage = 'internal'
                          JOIN stock_location destination ON destination.id = line.location_dest_id
                               AND destination.usage IN ('customer', 'production')
                         WHERE line.state = 'done' AND line.date >= %(date_from)s
                  ) outgoing
                )""",
                date_from=date_from,
            )
        return SQL(
            """
            SELECT fefo.id * %(slots)s + 1, 'fefo', fefo.date, fefo.company_id, source.warehouse_id,
                   fefo.product_id, fefo.lot_id, NULL, 'stock.move.line', fefo.id,
                   CASE WHEN fefo.in_order THEN fefo.outgoing_qty ELSE 0 END, fefo.outgoing_qty,
                   NULL, NULL, NULL, 0, NULL
              FROM %(source)s fefo
              JOIN stock_location source ON source.id = fefo.location_id
             WHERE TRUE %(bounds)s
            """,
            slots=ID_SLOTS,
            source=source,
            bounds=date_bounds(SQL("fefo.date"), date_from, date_to),
        )

    def _get_mock_recall_query(self, date_from, date_to):
        return SQL(
            """
            SELECT recall.id * %(slots)s + 2, 'mock_recall', recall.scope_date, recall.company_id, NULL, NULL,
                   NULL, recall.id, 'stock.lot.recall', recall.id, COALESCE(recall.completeness, 0), 100.0,
                   recall.scope_duration_ms, NULL, NULL, 0, NULL
              FROM stock_lot_recall recall
             WHERE recall.is_mock AND recall.scope_date IS NOT NULL %(bounds)s
            """,
            slots=ID_SLOTS,
            bounds=date_bounds(SQL("recall.scope_date"), date_from, date_to),
        )

    def _get_recall_response_query(self, date_from, date_to):
        return SQL(
            """
            SELECT recall.id * %(slots)s + 3, 'recall_response', recall.date_confirmed, recall.company_id, NULL,
                   NULL, NULL, recall.id, 'stock.lot.recall', recall.id,
                   COUNT(notification.date_acknowledged), COUNT(notification.id), NULL,
                   CASE WHEN COUNT(notification.id) > 0 AND COUNT(notification.date_sent) = COUNT(notification.id)
                        THEN EXTRACT(EPOCH FROM MAX(notification.date_sent) - recall.date_confirmed) / 3600.0
                   END,
                   CASE WHEN COUNT(notification.id) > 0
                         AND COUNT(notification.date_acknowledged) = COUNT(notification.id)
                        THEN EXTRACT(EPOCH FROM MAX(notification.date_acknowledged) - recall.date_confirmed)
                             / 3600.0
                   END,
                   0, NULL
              FROM stock_lot_recall recall
              LEFT JOIN stock_lot_recall_notification notification ON notification.recall_id = recall.id
             WHERE NOT COALESCE(recall.is_mock, FALSE) AND recall.date_confirmed IS NOT NULL %(bounds)s
             GROUP BY recall.id
            """,
            slots=ID_SLOTS,
            bounds=date_bounds(SQL("recall.date_confirmed"), date_from, date_to),
        )

    def _get_release_query(self, date_from, date_to):
        return SQL(
            """
            SELECT release_event.lot_id * %(slots)s + 4, 'release', release_event.date, release_event.company_id,
                   release_event.warehouse_id, release_event.product_id, release_event.lot_id, NULL, 'stock.lot',
                   release_event.lot_id, 0, 0, NULL, NULL, NULL, release_event.pending_count,
                   release_event.days_to_release
              FROM (
                    SELECT lot.id AS lot_id, COALESCE(release.signed_at, lot.create_date) AS date,
                           COALESCE(lot.company_id, release.company_id) AS company_id,
                           COALESCE(receipt_type.warehouse_id, production_type.warehouse_id) AS warehouse_id,
                           lot.product_id, CASE WHEN lot.qc_state = 'pending' THEN 1 ELSE 0 END AS pending_count,
                           EXTRACT(EPOCH FROM release.signed_at - lot.create_date) / 86400.0 AS days_to_release
                      FROM stock_lot lot
                      LEFT JOIN (
                           SELECT DISTINCT ON (signature.lot_id) signature.lot_id, signature.signed_at,
                                  signature.company_id
                             FROM stock_lot_qc_signature signature
                            WHERE signature.decision = 'release'
                            ORDER BY signature.lot_id, signature.signed_at, signature.id
                      ) release ON release.lot_id = lot.id
                      LEFT JOIN stock_picking receipt ON receipt.id = lot.origin_picking_id
                      LEFT JOIN stock_picking_type receipt_type ON receipt_type.id = receipt.picking_type_id
                      LEFT JOIN mrp_production production ON production.id = lot.origin_production_id
                      LEFT JOIN stock_picking_type production_type ON production_type.id = production.picking_type_id
                     WHERE lot.qc_state = 'pending' OR release.lot_id IS NOT NULL
              ) release_event
             WHERE TRUE %(bounds)s
            """,
            slots=ID_SLOTS,
            bounds=date_bounds(SQL("release_event.date"), date_from, date_to),
        )

    def _get_near_date_recovery_query(self, date_from, date_to, now):
        # Each line of a lot counts in the warehouse it leaves (sign -1) and in the one it enters (+1); a move
        # inside one warehouse adds nothing and is left out. The signs depend on the locations only, so the
        # lateral join is computed once per pair of locations. The row's id comes from the first line into
        # the warehouse, which no other (lot, warehouse) shares.
        return SQL(
            """
            SELECT near_date.first_line_id * %(slots)s + 5, 'near_date_recovery', lot.alert_date,
                   warehouse.company_id, near_date.warehouse_id, lot.product_id, lot.id, NULL, 'stock.lot', lot.id,
                   LEAST(GREATEST(COALESCE(near_date.recovered_qty, 0), 0), near_date.at_risk_qty) * %(cost)s,
                   near_date.at_risk_qty * %(cost)s, NULL, NULL, NULL, 0, NULL
              FROM (
                    SELECT lot.id AS lot_id, side.warehouse_id,
                           MIN(line.id) FILTER (WHERE side.sign > 0) AS first_line_id,
                           SUM(side.sign * line.quantity_product_uom) FILTER (WHERE line.date <= lot.alert_date)
                               AS at_risk_qty,
                           -SUM(side.sign * line.quantity_product_uom)
                               FILTER (WHERE line.date > lot.alert_date AND side.is_recovery) AS recovered_qty
                      FROM stock_lot lot
                      JOIN stock_move_line line ON line.lot_id = lot.id AND line.state = 'done'
                           AND line.date <= COALESCE(lot.expiration_date, 'infinity'::timestamp)
                      JOIN stock_location source ON source.id = line.location_id
                      JOIN stock_location destination ON destination.id = line.location_dest_id
                      CROSS JOIN LATERAL (
                            VALUES (CASE WHEN source.usage = 'internal' THEN source.warehouse_id END, -1,
                                    destination.usage IN ('customer', 'production')),
                                   (CASE WHEN destination.usage = 'internal' THEN destination.warehouse_id END, 1,
                                    source.usage = 'customer')
                      ) AS side(warehouse_id, sign, is_recovery)
                     WHERE lot.alert_date <= %(now)s AND side.warehouse_id IS NOT NULL %(bounds)s
                       AND (source.usage != 'internal' OR destination.usage != 'internal'
                            OR source.warehouse_id IS DISTINCT FROM destination.warehouse_id)
                     GROUP BY lot.id, side.warehouse_id
                    HAVING SUM(side.sign * line.quantity_product_uom) FILTER (WHERE line.date <= lot.alert_date) > 0
              ) near_date
              JOIN stock_warehouse warehouse ON warehouse.id = near_date.warehouse_id
              JOIN stock_lot lot ON lot.id = near_date.lot_id
              JOIN product_product product ON product.id = lot.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
            """,
            slots=ID_SLOTS,
            now=now,
            cost=self.env["stock.lot"]._get_unit_cost_sql(SQL("warehouse.company_id")),
            bounds=date_bounds(SQL("lot.alert_date"), date_from, date_to),
        )

    def _get_write_off_query(self, date_from, date_to, inventory_location_ids=None):
        return SQL(
            """
            SELECT line.id * %(slots)s + 6, 'shrinkage', line.date, line.company_id, source.warehouse_id,
                   line.product_id, line.lot_id, NULL, 'stock.move.line', line.id,
                   line.quantity_product_uom * %(cost)s, 0, NULL, NULL, NULL, 0, NULL
              FROM stock_move_line line
              -- Odoo keeps a line's destination under its move's: the index on the moves' destination finds
              -- the few lines written off without reading every line.
              JOIN stock_move move ON move.id = line.move_id AND move.location_dest_id IN %(inventory_locations)s
              JOIN stock_location source ON source.id = line.location_id AND source.usage = 'internal'
                   AND source.warehouse_id IS NOT NULL
              JOIN stock_location destination ON destination.id = line.location_dest_id
                   AND destination.usage = 'inventory'
              JOIN stock_lot lot ON lot.id = line.lot_id
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE line.state = 'done' %(bounds)s
            """,
            slots=ID_SLOTS,
            cost=self.env["stock.lot"]._get_unit_cost_sql(SQL("line.company_id")),
            inventory_locations=tuple(inventory_location_ids)
            if inventory_location_ids
            else SQL("(SELECT inventory.id FROM stock_location inventory WHERE inventory.usage = 'inventory')"),
            bounds=date_bounds(SQL("line.date"), date_from, date_to),
        )

    def _get_inventory_flow_query(self, period, where=None):
        """Value of the lots entering (> 0) and leaving (< 0) the internal locations of each warehouse, per
        warehouse and ``period`` (the SQL of the period of ``line.date``), from the done move lines; columns
        ``company_id`` (the warehouse's), ``warehouse_id``, ``period``, ``value``.

        The lines are first summed per product (and lot, for products valued per lot), pair of locations and
        period, so that the locations, lots and costs are joined to a few rows. ``where`` adds conditions on
        the lines (alias ``line``).
        """
        return SQL(
            """
            SELECT warehouse.company_id, side.warehouse_id, flow.period, SUM(side.quantity * %(cost)s) AS value
              FROM (
                    SELECT CASE WHEN line.product_id IN (
                                    SELECT valued.id
                                      FROM product_product valued
                                      JOIN product_template valued_template
                                           ON valued_template.id = valued.product_tmpl_id
                                     WHERE valued_template.lot_valuated
                                ) THEN line.lot_id END AS lot_id,
                           line.product_id, line.location_id, line.location_dest_id, %(period)s AS period,
                           SUM(line.quantity_product_uom) AS quantity
                      FROM stock_move_line line
                     WHERE line.state = 'done' AND line.lot_id IS NOT NULL %(where)s
                     GROUP BY 1, 2, 3, 4, 5
              ) flow
              JOIN stock_location source ON source.id = flow.location_id
              JOIN stock_location destination ON destination.id = flow.location_dest_id
              CROSS JOIN LATERAL (
                    VALUES (CASE WHEN source.usage = 'internal' THEN source.warehouse_id END, -flow.quantity),
                           (CASE WHEN destination.usage = 'internal' THEN destination.warehouse_id END, flow.quantity)
              ) AS side(warehouse_id, quantity)
              JOIN stock_warehouse warehouse ON warehouse.id = side.warehouse_id
              LEFT JOIN stock_lot lot ON lot.id = flow.lot_id
              JOIN product_product product ON product.id = flow.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             GROUP BY 1, 2, 3
            """,
            cost=self.env["stock.lot"]._get_unit_cost_sql(SQL("warehouse.company_id")),
            period=period,
            where=where or SQL(),
        )

    def _get_inventory_value_query(self):
        """The shrinkage rows that divide the write-offs: one per warehouse and month (UTC) from its first
        move of a lot to the current month, with the month's average inventory value of lots."""
        return SQL(
            """
            SELECT (inventory.warehouse_id * 12000
                    + (EXTRACT(YEAR FROM inventory.month)::integer - 1970) * 12
                    + EXTRACT(MONTH FROM inventory.month)::integer - 1) * %(slots)s + 7,
                   'shrinkage', inventory.month + INTERVAL '14 days', warehouse.company_id,
                   inventory.warehouse_id, NULL, NULL, NULL, 'stock.warehouse', inventory.warehouse_id,
                   0, (2 * inventory.end_value - inventory.flow) / 2.0, NULL, NULL, NULL, 0, NULL
              FROM (
                    SELECT calendar.warehouse_id, calendar.month, COALESCE(flow.value, 0) AS flow,
                           SUM(COALESCE(flow.value, 0)) OVER (
                               PARTITION BY calendar.warehouse_id ORDER BY calendar.month
                           ) AS end_value
                      FROM (
                            SELECT span.warehouse_id, generate_series(
                                       span.first_month,
                                       GREATEST(span.last_month, date_trunc('month', NOW() AT TIME ZONE 'UTC')),
                                       INTERVAL '1 month'
                                   ) AS month
                              FROM (
                                    SELECT warehouse_id, MIN(period) AS first_month, MAX(period) AS last_month
                                      FROM warehouse_flow
                                     GROUP BY warehouse_id
                              ) span
                      ) calendar
                      LEFT JOIN warehouse_flow flow
                             ON flow.warehouse_id = calendar.warehouse_id AND flow.period = calendar.month
              ) inventory
              JOIN stock_warehouse warehouse ON warehouse.id = inventory.warehouse_id
            """,
            slots=ID_SLOTS,
        )

    def _get_query(self):
        events = SQL(" UNION ALL ").join(SQL("(%s)", query) for query in self._get_event_queries().values())
        return SQL(
            """
            WITH warehouse_flow AS (%(inventory_flow)s),
            events(%(columns)s) AS (
                %(events)s
                UNION ALL
                (%(inventory_value)s)
            )
            SELECT events.*, events.numerator * 100.0 / NULLIF(events.denominator, 0) AS rate,
                   events.scope_duration_ms AS scope_duration_median_ms
              FROM events
            """,
            columns=EVENT_COLUMNS,
            inventory_flow=self._get_inventory_flow_query(SQL("date_trunc('month', line.date)")),
            events=events,
            inventory_value=self._get_inventory_value_query(),
        )

    def init(self):
        # Inventory adjustments are a tiny share of the moves: a partial index finds them without reading all.
        create_index(self.env.cr, "stock_move_is_inventory_index", "stock_move", ["id"], where="is_inventory")
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._get_query()))

    def action_open_source(self):
        """Open the record behind this row: the count, outgoing or write-off line, the recall, the lot, or
        (monthly inventory value of the shrinkage) the warehouse."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
            "target": "current",
        }
