from odoo import fields, models, tools
from odoo.tools import SQL

LOT_CONTROL_KPIS = [
    ("inventory_accuracy", "Inventory Accuracy by Lot"),
    ("fefo", "FEFO Compliance"),
    ("mock_recall", "Mock Recall"),
    ("recall_response", "Recall Response"),
    ("release", "Lot Release"),
]


class StockLotControlKpi(models.Model):
    """Lot control KPIs: one row per event behind a KPI, with the measures of that KPI.

    - Inventory Accuracy by Lot: one row per done inventory adjustment line of a lot (a move line of an
      ``is_inventory`` move: Odoo 18 records a counted quant applied without difference as a done line of
      quantity 0). Rate = lines counted without difference / lines counted. A count of 0 on a quant with 0
      on hand creates no line and is not measured.
    - FEFO Compliance: one row per line of the FEFO compliance analysis; Rate = in FEFO order quantity /
      outgoing quantity.
    - Mock Recall: one row per mock recall whose scope was computed; Rate = its completeness; Scope Time
      and Median Scope Time = the time to trace its lots.
    - Recall Response: one row per confirmed (real) recall; Hours to Notify = confirmation to the last
      notification sent, Hours to Acknowledge = confirmation to the last acknowledgement, each only once all
      notifications are sent, resp. acknowledged; Rate = acknowledged notifications / notifications.
    - Lot Release: one row per lot pending release now, or released by signature: Pending Lots counts the
      first; Days to Release = first release signature minus the lot's creation. Dated by the release, else
      by the lot's creation.

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
        "stock.lot": ["qc_state", "company_id", "product_id", "create_date", "removal_date"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["uom_id"],
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
        "Rate Numerator", readonly=True, help="Lines without difference, quantity in FEFO order, completeness..."
    )
    denominator = fields.Float("Rate Denominator", readonly=True, help="Lines counted, outgoing quantity, 100...")
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

    def _get_query(self):
        return SQL(
            """
            WITH events AS (
                SELECT line.id * 5 AS id, 'inventory_accuracy' AS kpi, line.date, line.company_id,
                       CASE WHEN source.usage = 'internal' THEN source.warehouse_id
                            ELSE destination.warehouse_id END AS warehouse_id,
                       line.product_id, line.lot_id, NULL::integer AS recall_id,
                       'stock.move.line' AS res_model, line.id AS res_id,
                       CASE WHEN line.quantity = 0 THEN 1.0 ELSE 0.0 END AS numerator, 1.0 AS denominator,
                       NULL::float AS scope_duration_ms, NULL::float AS hours_to_notify,
                       NULL::float AS hours_to_acknowledge, 0 AS pending_count, NULL::float AS days_to_release
                  FROM stock_move_line line
                  JOIN stock_move move ON move.id = line.move_id AND move.is_inventory
                  JOIN stock_location source ON source.id = line.location_id
                  JOIN stock_location destination ON destination.id = line.location_dest_id
                 WHERE line.state = 'done' AND line.lot_id IS NOT NULL
                UNION ALL
                SELECT fefo.id * 5 + 1, 'fefo', fefo.date, fefo.company_id, source.warehouse_id, fefo.product_id,
                       fefo.lot_id, NULL, 'stock.move.line', fefo.id, fefo.in_order_qty, fefo.outgoing_qty,
                       NULL, NULL, NULL, 0, NULL
                  FROM stock_lot_fefo_report fefo
                  JOIN stock_location source ON source.id = fefo.location_id
                UNION ALL
                SELECT recall.id * 5 + 2, 'mock_recall', recall.scope_date, recall.company_id, NULL, NULL, NULL,
                       recall.id, 'stock.lot.recall', recall.id, COALESCE(recall.completeness, 0), 100.0,
                       recall.scope_duration_ms, NULL, NULL, 0, NULL
                  FROM stock_lot_recall recall
                 WHERE recall.is_mock AND recall.scope_date IS NOT NULL
                UNION ALL
                SELECT recall.id * 5 + 3, 'recall_response', recall.date_confirmed, recall.company_id, NULL, NULL,
                       NULL, recall.id, 'stock.lot.recall', recall.id,
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
                 WHERE NOT COALESCE(recall.is_mock, FALSE) AND recall.date_confirmed IS NOT NULL
                 GROUP BY recall.id
                UNION ALL
                SELECT lot.id * 5 + 4, 'release', COALESCE(release.signed_at, lot.create_date),
                       COALESCE(lot.company_id, release.company_id), NULL, lot.product_id, lot.id, NULL,
                       'stock.lot', lot.id, 0, 0, NULL, NULL, NULL,
                       CASE WHEN lot.qc_state = 'pending' THEN 1 ELSE 0 END,
                       EXTRACT(EPOCH FROM release.signed_at - lot.create_date) / 86400.0
                  FROM stock_lot lot
                  LEFT JOIN LATERAL (
                       SELECT signature.signed_at, signature.company_id
                         FROM stock_lot_qc_signature signature
                        WHERE signature.lot_id = lot.id AND signature.decision = 'release'
                        ORDER BY signature.signed_at, signature.id
                        LIMIT 1
                  ) release ON TRUE
                 WHERE lot.qc_state = 'pending' OR release.signed_at IS NOT NULL
            )
            SELECT events.*, events.numerator * 100.0 / NULLIF(events.denominator, 0) AS rate,
                   events.scope_duration_ms AS scope_duration_median_ms
              FROM events
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._get_query()))

    def action_open_source(self):
        """Open the record behind this row: the count or outgoing line, the recall, or the lot."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
            "target": "current",
        }
