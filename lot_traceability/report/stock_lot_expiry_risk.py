from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, formatLang

from ..models.stock_lot_qc_signature import QC_STATES

DEFAULT_DEMAND_DAYS = 90
DEFAULT_VALUE_THRESHOLD = 500.0
# Suggested action rule: see the class docstring.
MARKDOWN_SHARE = 0.5
MARKDOWN_DAYS = 14
# Suggested markdown percentage: see the class docstring.
MARKDOWN_URGENT_DAYS = 7
MARKDOWN_URGENT_POINTS = 10
MARKDOWN_STEP = 5
MARKDOWN_MAX_PERCENT = 50

SUGGESTED_ACTIONS = [
    ("none", "None"),
    ("markdown", "Markdown"),
    ("transfer", "Move to Another Warehouse"),
    ("production", "Use in Production"),
    ("await_qa", "Await QA Decision"),
    ("dispose", "Dispose / Return to Supplier"),
]


class StockLotExpiryRisk(models.Model):
    """Expiry-risk forecast: per lot on hand and company, the quantity that will not leave before
    the lot's removal date at the product's recent demand.

    - Daily demand of a product: its done outgoing quantity (from an internal location to a customer
      or to production) over the last N days (setting, default 90), divided by N.
    - The lots of a product are used in FEFO order (removal date, then lot): lot i will see
      ``max(0, daily demand x days until its removal - on hand of the lots removed before it)``
      go out before its removal date; the rest of it is at risk. Lots without a removal date
      (products without expiry) are never at risk.
    - Value at risk: quantity at risk x unit cost (``stock.lot._get_unit_cost_sql``: the lot's cost for
      products valued per lot, otherwise the product's cost, both of the company of the stock).
    - Lots that may not be sold or used (QC state other than released) are never suggested a sale action.
      A rejected lot never leaves: all of it is at risk, to dispose of or return to the supplier. A lot
      pending release or on hold (e.g. held by a recall) is forecast as if it were released now and awaits
      the QA decision; so does a released lot due for retest (its retest date has come: stock.lot._get_unreleased).
      Neither counts among the lots the demand goes to before the released ones. Their
      value at risk is shown apart: the list groups the lots by QC state, and the daily activities are
      raised for released lots only.
    - Suggested action: none when nothing is at risk; a markdown when more than half of the lot is
      at risk and it must be removed within 14 days; use in production when the product is a
      component of a bill of materials; otherwise a move to another warehouse, where it may sell.
    - Suggested markdown (%), for a markdown only: half the share of the lot at risk (so 25 to 50 %,
      since a markdown is suggested only when more than half of it is at risk), 10 points more when
      the removal date is 7 days away or less (or passed), rounded to the nearest 5 %, at most 50 %.
      E.g. 67 % at risk, removal in 10 days: 33.5 -> 35 %; 70 % at risk in 3 days: 35 + 10 = 45 %.
    """

    _name = "stock.lot.expiry.risk"
    _description = "Expiry Risk Forecast"
    _auto = False
    _order = "value_at_risk desc, removal_date, id"
    _rec_name = "lot_id"
    _depends = {
        "stock.quant": ["lot_id", "company_id", "location_id", "quantity"],
        "stock.move.line": [
            "state",
            "date",
            "company_id",
            "product_id",
            "location_id",
            "location_dest_id",
            "quantity_product_uom",
        ],
        "stock.lot": ["product_id", "removal_date", "standard_price", "qc_state", "retest_date"],
        "stock.location": ["usage"],
        "product.product": ["product_tmpl_id", "standard_price"],
        "product.template": ["uom_id", "lot_valuated"],
        "mrp.bom": ["active", "company_id"],
        "mrp.bom.line": ["bom_id", "product_id"],
    }

    lot_id = fields.Many2one("stock.lot", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_uom_id = fields.Many2one("uom.uom", "Unit", readonly=True)
    qc_state = fields.Selection(
        QC_STATES,
        "QC State",
        readonly=True,
        help="Only released lots may be sold or used: the others are not offered a sale action.",
    )
    removal_date = fields.Datetime(readonly=True)
    retest_date = fields.Date(readonly=True)
    is_retest_due = fields.Boolean(
        "Retest Due",
        readonly=True,
        help="The lot's retest date has come: treated as pending release, it awaits the QA decision.",
    )
    days_until_removal = fields.Float(readonly=True, digits=(16, 1), help="Negative once the removal date has passed.")
    quantity_on_hand = fields.Float("On Hand", digits="Product Unit of Measure", readonly=True)
    daily_demand = fields.Float(
        digits="Product Unit of Measure",
        readonly=True,
        help="Outgoing quantity of the product (to customers and to production) over the demand window, per day.",
    )
    demand_status = fields.Selection(
        [("demand", "Recent Demand"), ("no_sales", "No sales in window")],
        "Demand",
        readonly=True,
        help="No sales in window: the product did not leave stock in the demand window; at that demand nothing of "
        "the lot leaves before its removal date.",
    )
    forecast_quantity_at_risk = fields.Float(
        "Quantity at Risk",
        digits="Product Unit of Measure",
        readonly=True,
        help="What will not be sold or consumed before the removal date at the recent demand, "
        "the lots of the product being used in FEFO order.",
    )
    at_risk_share = fields.Float("At-Risk Share", readonly=True, digits=(16, 4))
    unit_cost = fields.Monetary(readonly=True)
    value_at_risk = fields.Monetary(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    suggested_action = fields.Selection(SUGGESTED_ACTIONS, readonly=True)
    markdown_percent = fields.Integer(
        "Suggested Markdown (%)",
        readonly=True,
        aggregator="max",
        help="For a markdown only: half the share of the lot at risk, 10 points more when the removal date is "
        "7 days away or less, rounded to the nearest 5 %, at most 50 %. E.g. two thirds of the lot at risk, "
        "removal in 10 days: 35 %.",
    )

    @api.model
    def _get_demand_days(self):
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("lot_traceability.expiry_risk_demand_days", DEFAULT_DEMAND_DAYS)
            or DEFAULT_DEMAND_DAYS
        )
        return max(days, 1)

    @api.model
    def _get_value_threshold(self):
        return float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("lot_traceability.expiry_risk_value_threshold", DEFAULT_VALUE_THRESHOLD)
            or DEFAULT_VALUE_THRESHOLD
        )

    @property
    def _table_query(self):
        # Built at each read: the reference time comes from Python (fields.Datetime.now()), not from
        # PostgreSQL's clock, so the forecast is reproducible (and testable with freeze_time).
        return self._get_query(fields.Datetime.now(), self._get_demand_days())

    @api.model
    def _get_query(self, now, demand_days):
        return SQL(
            """
            WITH on_hand AS (
                SELECT quant.lot_id, quant.company_id, SUM(quant.quantity) AS quantity
                  FROM stock_quant quant
                  JOIN stock_location location ON location.id = quant.location_id AND location.usage = 'internal'
                 WHERE quant.lot_id IS NOT NULL
                 GROUP BY quant.lot_id, quant.company_id
                HAVING SUM(quant.quantity) > 0
            ),
            demand AS (
                SELECT line.product_id, line.company_id,
                       SUM(line.quantity_product_uom) / %(demand_days)s AS daily_demand
                  FROM stock_move_line line
                  JOIN stock_location source ON source.id = line.location_id AND source.usage = 'internal'
                  JOIN stock_location destination ON destination.id = line.location_dest_id
                       AND destination.usage IN ('customer', 'production')
                 WHERE line.state = 'done'
                   AND line.date > %(window_start)s AND line.date <= %(now)s
                 GROUP BY line.product_id, line.company_id
            ),
            lots AS (
                SELECT on_hand.lot_id, on_hand.company_id, lot.product_id, template.uom_id AS product_uom_id,
                       lot.removal_date, lot.qc_state, on_hand.quantity, lot.retest_date,
                       -- Due for retest: treated as pending release (stock.lot._get_unreleased).
                       COALESCE(lot.retest_date <= %(today)s, FALSE) AS is_retest_due,
                       COALESCE(demand.daily_demand, 0) AS daily_demand,
                       EXTRACT(EPOCH FROM lot.removal_date - %(now)s) / 86400.0 AS days_until_removal,
                       -- Only released lots can take the demand before this one.
                       COALESCE(SUM(CASE WHEN lot.qc_state = 'released' AND COALESCE(lot.retest_date > %(today)s, TRUE)
                                         THEN on_hand.quantity ELSE 0 END) OVER (
                           PARTITION BY on_hand.company_id, lot.product_id
                           ORDER BY lot.removal_date, lot.id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                       ), 0) AS earlier_quantity,
                       %(unit_cost)s AS unit_cost,
                       EXISTS (
                           SELECT 1
                             FROM mrp_bom_line bom_line
                             JOIN mrp_bom bom ON bom.id = bom_line.bom_id AND bom.active
                            WHERE bom_line.product_id = lot.product_id
                              AND (bom.company_id IS NULL OR bom.company_id = on_hand.company_id)
                       ) AS is_component
                  FROM on_hand
                  JOIN stock_lot lot ON lot.id = on_hand.lot_id
                  JOIN product_product product ON product.id = lot.product_id
                  JOIN product_template template ON template.id = product.product_tmpl_id
                  LEFT JOIN demand ON demand.product_id = lot.product_id AND demand.company_id = on_hand.company_id
            ),
            risk AS (
                SELECT lots.*,
                       CASE WHEN lots.qc_state = 'rejected' THEN lots.quantity
                            WHEN lots.removal_date IS NULL THEN 0
                            ELSE GREATEST(0, lots.quantity - GREATEST(0,
                                lots.daily_demand * GREATEST(lots.days_until_removal, 0) - lots.earlier_quantity))
                       END AS at_risk
                  FROM lots
            ),
            action AS (
                SELECT risk.*,
                       CASE WHEN risk.qc_state = 'rejected' THEN 'dispose'
                            WHEN risk.at_risk <= 0 THEN 'none'
                            WHEN risk.qc_state != 'released' OR risk.is_retest_due THEN 'await_qa'
                            WHEN risk.at_risk / risk.quantity > %(markdown_share)s
                                 AND risk.days_until_removal <= %(markdown_days)s THEN 'markdown'
                            WHEN risk.is_component THEN 'production'
                            ELSE 'transfer'
                       END AS suggested_action
                  FROM risk
            )
            -- A stable id per lot and company (a lot without company may be on hand in several).
            SELECT action.lot_id::bigint * 100000 + action.company_id AS id,
                   action.lot_id, action.company_id, action.product_id, action.product_uom_id, action.qc_state,
                   action.removal_date, action.retest_date, action.is_retest_due,
                   action.days_until_removal, action.quantity AS quantity_on_hand, action.daily_demand,
                   CASE WHEN action.daily_demand > 0 THEN 'demand' ELSE 'no_sales' END AS demand_status,
                   action.at_risk AS forecast_quantity_at_risk,
                   action.at_risk / action.quantity AS at_risk_share,
                   COALESCE(action.unit_cost, 0) AS unit_cost,
                   action.at_risk * COALESCE(action.unit_cost, 0) AS value_at_risk,
                   company.currency_id,
                   action.suggested_action,
                   CASE WHEN action.suggested_action = 'markdown'
                        -- numeric: ROUND of a numeric breaks ties away from zero (27.5 gives 30)
                        THEN LEAST(%(markdown_max)s, ROUND((
                                 50.0 * action.at_risk / action.quantity
                                 + CASE WHEN action.days_until_removal <= %(urgent_days)s
                                        THEN %(urgent_points)s ELSE 0 END
                             )::numeric / %(markdown_step)s) * %(markdown_step)s)
                        ELSE 0
                   END::integer AS markdown_percent
              FROM action
              JOIN res_company company ON company.id = action.company_id
            """,
            demand_days=demand_days,
            now=now,
            today=fields.Date.context_today(self, timestamp=now),
            window_start=now - timedelta(days=demand_days),
            markdown_share=MARKDOWN_SHARE,
            markdown_days=MARKDOWN_DAYS,
            markdown_max=MARKDOWN_MAX_PERCENT,
            urgent_days=MARKDOWN_URGENT_DAYS,
            urgent_points=MARKDOWN_URGENT_POINTS,
            markdown_step=MARKDOWN_STEP,
            unit_cost=self.env["stock.lot"]._get_unit_cost_sql(SQL("on_hand.company_id")),
        )

    # ------------------------------------------------------------------
    # Scheduled activities
    # ------------------------------------------------------------------

    @api.model
    def _cron_schedule_expiry_risk_activities(self):
        """Schedule a warning activity on every released lot whose value at risk reaches the threshold
        (setting, default 500), for the product's responsible or else a stock manager of the
        company; a lot that already has such an open activity is left alone. Lots not released are
        QA's to decide (their signature or a recall), not a sale to plan."""
        threshold = self._get_value_threshold()
        risks = self.sudo().search(
            [("value_at_risk", ">=", threshold), ("qc_state", "=", "released"), ("is_retest_due", "=", False)]
        )
        if not risks:
            return self.env["mail.activity"]
        activity_type = self.env.ref("mail.mail_activity_data_warning")
        lots = risks.lot_id
        existing = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "stock.lot"),
                    ("res_id", "in", lots.ids),
                    ("activity_type_id", "=", activity_type.id),
                    ("summary", "=", self._get_activity_summary()),
                ]
            )
        )
        already = set(existing.mapped("res_id"))
        managers = self._get_stock_managers(risks.company_id)
        lot_model = self.env["ir.model"]._get_id("stock.lot")
        vals_list = []
        for risk in risks:
            if risk.lot_id.id in already:
                continue
            already.add(risk.lot_id.id)
            user = risk.product_id.product_tmpl_id.with_company(risk.company_id).responsible_id or managers.get(
                risk.company_id.id
            )
            vals_list.append(
                {
                    "res_model_id": lot_model,
                    "res_id": risk.lot_id.id,
                    "activity_type_id": activity_type.id,
                    "summary": self._get_activity_summary(),
                    "note": risk._get_activity_note(),
                    "user_id": (user or self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user).id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        return self.env["mail.activity"].sudo().create(vals_list)

    def _get_activity_note(self):
        """What the activity says: the quantity and value at risk, and the suggested action (with the markdown
        percentage for a markdown), each sentence whole for its translation."""
        self.ensure_one()
        values = {
            "quantity": self.forecast_quantity_at_risk,
            "unit": self.product_uom_id.name,
            "lot": self.lot_id.display_name,
            "date": fields.Datetime.to_string(self.removal_date),
            "value": formatLang(self.env, self.value_at_risk, currency_obj=self.currency_id),
        }
        if self.suggested_action == "markdown":
            return self.env._(
                "%(quantity)s %(unit)s of lot %(lot)s will not leave before its removal date on %(date)s at the "
                "recent demand: %(value)s at risk. Suggested action: mark it down by %(markdown)s%%.",
                markdown=self.markdown_percent,
                **values,
            )
        if self.suggested_action == "production":
            return self.env._(
                "%(quantity)s %(unit)s of lot %(lot)s will not leave before its removal date on %(date)s at the "
                "recent demand: %(value)s at risk. Suggested action: use it in production.",
                **values,
            )
        if self.suggested_action == "transfer":
            return self.env._(
                "%(quantity)s %(unit)s of lot %(lot)s will not leave before its removal date on %(date)s at the "
                "recent demand: %(value)s at risk. Suggested action: move it to another warehouse, where it may "
                "sell.",
                **values,
            )
        return self.env._(
            "%(quantity)s %(unit)s of lot %(lot)s will not leave before its removal date on %(date)s "
            "at the recent demand: %(value)s at risk.",
            **values,
        )

    @api.model
    def _get_activity_summary(self):
        return self.env._("Expiry risk")

    @api.model
    def _get_stock_managers(self, companies):
        """{company id: a stock manager of that company}, for lots of products without a responsible."""
        group = self.env.ref("stock.group_stock_manager")
        users = group.sudo().users.filtered(lambda user: not user.share).sorted("id")
        return {
            company.id: next((user for user in users if company in user.company_ids), self.env["res.users"])
            for company in companies
        }
