from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date, formatLang

from .stock_lot_control_kpi import EVENT_COLUMNS, EVENT_TYPES, LOT_CONTROL_KPIS

PERIODS = ("this_month", "last_30_days", "last_quarter", "this_year", "custom")
TREND_MONTHS = 12
# KPIs whose rows carry values: summed per company, then converted to the currency of the current company.
VALUED_KPIS = ("near_date_recovery", "shrinkage")
# KPIs measured per company only: a warehouse filter leaves them as they are.
COMPANY_KPIS = ("mock_recall", "recall_response")
# A figure with nothing to measure is shown so, beside the card's sentence saying why: never as a 0.
NO_FIGURE = "-"


# ----------------------------------------------------------------------
# Period maths (dates are local calendar days, both ends included)
# ----------------------------------------------------------------------


def period_dates(period, today, date_from=None, date_to=None):
    """First and last day of a period preset seen on ``today``; ``custom`` returns the dates given."""
    if period == "this_month":
        start = today.replace(day=1)
        return start, start + relativedelta(months=1, days=-1)
    if period == "last_30_days":
        return today - timedelta(days=29), today
    if period == "last_quarter":
        quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return quarter_start - relativedelta(months=3), quarter_start - timedelta(days=1)
    if period == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return date_from, date_to


def previous_period(date_from, date_to):
    """The period just before, as long: the same number of calendar months when the period is whole months
    (a month, a quarter, a year), else the same number of days."""
    if date_from.day == 1 and (date_to + timedelta(days=1)).day == 1:
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        return date_from - relativedelta(months=months), date_from - timedelta(days=1)
    days = (date_to - date_from).days + 1
    return date_from - timedelta(days=days), date_from - timedelta(days=1)


def trend_months(date_to, count=TREND_MONTHS):
    """The first day of each of the ``count`` months up to the month of ``date_to``, oldest first."""
    last = date_to.replace(day=1)
    return [last - relativedelta(months=count - 1 - index) for index in range(count)]


def local_midnight_utc(day, tz):
    """The UTC instant (naive, as Odoo stores datetimes) at which ``day`` starts in the time zone ``tz``."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def ratio(numerator, denominator):
    return numerator * 100.0 / denominator if denominator else None


class StockLotControlKpi(models.Model):
    _inherit = "stock.lot.control.kpi"

    # ------------------------------------------------------------------
    # Public API of the dashboard (Inventory > Reporting > Lot Control)
    # ------------------------------------------------------------------

    @api.model
    @api.readonly
    def get_lot_control_dashboard(
        self, date_from=None, date_to=None, warehouse_id=False, period="this_month", kpis=None
    ):
        """The Lot Control dashboard as one JSON-able dict, for the companies selected by the user. Read-only
        (over RPC it runs on a replica when there is one).

        :param period: one of ``PERIODS``; ``custom`` uses ``date_from``/``date_to`` (dates or ISO strings,
            both days included, in the company's time zone).
        :param warehouse_id: a warehouse of those companies, or False for all.
        :param kpis: the KPIs to measure (keys of ``LOT_CONTROL_KPIS``), all by default: the web client asks
            for each apart, in parallel requests, and shows each card as soon as its figures arrive.
        :return: ``period`` (the dates of the period, the previous period and the trend), ``periods`` and
            ``warehouses`` (the filters offered), ``warehouse_id``, ``currency_id`` and ``cards``: one dict
            per KPI the user may read with ``key``, ``title``, ``help``, ``value`` (None when there is nothing
            to measure), ``display`` (with its unit), ``previous`` / ``previous_display`` (the previous period),
            ``better`` (``higher`` or ``lower``), ``details`` (sentences), ``empty`` (the sentence shown instead
            of a figure), ``trend`` (12 months: ``label``, ``value``, ``display``), ``per_warehouse``, ``links``
            (secondary lists: ``key``, ``label``) and for some a ``secondary`` figure (``label``, ``value``,
            ``display``). A card opens its records through ``action_open_lot_control_card(key, ...)``.
        :raise UserError: on a reversed or incomplete period, an unknown period or a warehouse outside the
            selected companies.
        """
        self.check_access("read")
        scope = self._get_dashboard_scope(period, date_from, date_to, warehouse_id)
        if kpis is not None:
            if not isinstance(kpis, list | tuple) or not all(isinstance(kpi, str) for kpi in kpis):
                raise UserError(
                    self.env._("Give the lot control KPIs to measure as a list of their keys, such as fefo.")
                )
            unknown = set(kpis) - set(dict(LOT_CONTROL_KPIS))
            if unknown:
                raise UserError(
                    self.env._("Unknown lot control KPI: %(kpis)s.", kpis=", ".join(sorted(map(str, unknown))))
                )
            scope["kpis"] = [kpi for kpi in scope["kpis"] if kpi in kpis]
        figures = self._get_dashboard_figures(scope) if scope["kpis"] else {}
        inventory_values = self._get_dashboard_inventory_values(scope) if "shrinkage" in scope["kpis"] else {}
        pending_count = (
            self.env["stock.lot"].search_count(self._get_pending_lot_domain(scope)) if "release" in scope["kpis"] else 0
        )
        cards = self._get_dashboard_cards(scope, figures, inventory_values, pending_count)
        warehouses = self.env["stock.warehouse"].search([("company_id", "in", self.env.companies.ids)])
        return {
            "period": {
                "key": scope["period"],
                "date_from": fields.Date.to_string(scope["date_from"]),
                "date_to": fields.Date.to_string(scope["date_to"]),
                "previous_from": fields.Date.to_string(scope["previous_from"]),
                "previous_to": fields.Date.to_string(scope["previous_to"]),
                "label": self._format_period(scope["date_from"], scope["date_to"]),
                "previous_label": self._format_period(scope["previous_from"], scope["previous_to"]),
                "tz": scope["tz"],
            },
            "periods": [{"key": key, "label": label} for key, label in self._get_dashboard_periods()],
            "warehouses": [
                {"id": warehouse.id, "name": warehouse.display_name, "company": warehouse.company_id.name}
                for warehouse in warehouses
            ],
            "warehouse_id": scope["warehouse"].id or False,
            "currency_id": self.env.company.currency_id.id,
            "cards": cards,
        }

    @api.model
    @api.readonly
    def action_open_lot_control_card(self, card, date_from=None, date_to=None, warehouse_id=False, period="custom"):
        """The records behind a card (or a link of a card) of the dashboard, for the same period and
        warehouse, as a window action."""
        self.check_access("read")
        scope = self._get_dashboard_scope(period, date_from, date_to, warehouse_id)
        actions = {
            "inventory_accuracy": self._action_open_inventory_counts,
            "fefo": self._action_open_fefo_lines,
            "locate_time": self._action_open_mock_recalls,
            "mock_recall": self._action_open_mock_recalls,
            "recall_response": self._action_open_recalls,
            "near_date_recovery": self._action_open_near_date_lots,
            "shrinkage": self._action_open_write_offs,
            "release": self._action_open_pending_lots,
            "release_released": self._action_open_released_lots,
            "release_retest": self._action_open_retest_due_lots,
        }
        if not isinstance(card, str) or card not in actions:
            raise UserError(self.env._("The Lot Control dashboard has no card %(card)s.", card=card))
        return actions[card](scope)

    # ------------------------------------------------------------------
    # Period, companies, warehouse
    # ------------------------------------------------------------------

    def _get_dashboard_periods(self):
        return [
            ("this_month", self.env._("This Month")),
            ("last_30_days", self.env._("Last 30 Days")),
            ("last_quarter", self.env._("Last Quarter")),
            ("this_year", self.env._("This Year")),
            ("custom", self.env._("Custom")),
        ]

    def _get_dashboard_tz(self):
        return self.env.company.partner_id.tz or self.env.user.tz or "UTC"

    def _format_period(self, date_from, date_to):
        return self.env._(
            "%(date_from)s to %(date_to)s",
            date_from=format_date(self.env, date_from),
            date_to=format_date(self.env, date_to),
        )

    def _get_dashboard_scope(self, period, date_from, date_to, warehouse_id):
        """What the dashboard measures: the period and the one before (local days and UTC bounds), the trend
        months, the companies selected, the warehouse, the KPIs the user may read."""
        if period not in PERIODS:
            raise UserError(
                self.env._(
                    "Unknown period %(period)s: choose this month, the last 30 days, the last quarter, this year "
                    "or custom dates.",
                    period=period,
                )
            )
        tz = self._get_dashboard_tz()
        now = fields.Datetime.now()
        today = now.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date()
        try:
            given_from = fields.Date.to_date(date_from) if date_from else None
            given_to = fields.Date.to_date(date_to) if date_to else None
        except (TypeError, ValueError) as error:
            raise UserError(
                self.env._("The dates of the period must be days (YYYY-MM-DD): %(error)s", error=error)
            ) from error
        date_from, date_to = period_dates(period, today, given_from, given_to)
        if not date_from or not date_to:
            raise UserError(self.env._("Give both the first and the last day of the period."))
        if date_from > date_to:
            raise UserError(
                self.env._(
                    "The period starts on %(date_from)s, after it ends on %(date_to)s: swap the two dates.",
                    date_from=format_date(self.env, date_from),
                    date_to=format_date(self.env, date_to),
                )
            )

        def bounds(first_day, last_day):
            return local_midnight_utc(first_day, tz), local_midnight_utc(last_day + timedelta(days=1), tz)

        # The previous period and the trend reach back before the period, its end a day after it.
        try:
            previous_from, previous_to = previous_period(date_from, date_to)
            months = trend_months(date_to)
            buckets = {"period": bounds(date_from, date_to), "previous": bounds(previous_from, previous_to)}
            for month in months:
                buckets[month.isoformat()] = bounds(month, month + relativedelta(months=1, days=-1))
        except (OverflowError, ValueError) as error:
            raise UserError(
                self.env._(
                    "The period %(date_from)s to %(date_to)s, or the one before it, falls outside the calendar: "
                    "choose dates closer to today.",
                    date_from=fields.Date.to_string(date_from),
                    date_to=fields.Date.to_string(date_to),
                )
            ) from error

        warehouse = self.env["stock.warehouse"]
        if warehouse_id:
            try:
                warehouse_id = int(warehouse_id)
            except (TypeError, ValueError) as error:
                raise UserError(
                    self.env._("Choose the warehouse by its id, not %(warehouse)s.", warehouse=warehouse_id)
                ) from error
            # Searched (archived ones too), so that a warehouse of another company is refused as one that does
            # not exist; ids beyond PostgreSQL's integers exist nowhere.
            if 0 < warehouse_id < 2**31:
                warehouse = warehouse.with_context(active_test=False).search(
                    [("id", "=", warehouse_id), ("company_id", "in", self.env.companies.ids)]
                )
            if not warehouse:
                raise UserError(
                    self.env._("This warehouse is not one of the companies you selected: choose another one.")
                )
        readable = {
            "inventory_accuracy": "stock.move.line",
            "fefo": "stock.lot.fefo.report",
            "mock_recall": "stock.lot.recall",
            # (its figures are those of the customer notifications)
            "recall_response": "stock.lot.recall.notification",
            "release": "stock.lot",
            "near_date_recovery": "stock.lot",
            "shrinkage": "stock.move.line",
        }
        return {
            "period": period,
            "tz": tz,
            "now": now,
            "today": today,
            "date_from": date_from,
            "date_to": date_to,
            "previous_from": previous_from,
            "previous_to": previous_to,
            "months": months,
            "buckets": buckets,
            "companies": self.env.companies,
            "warehouse": warehouse,
            # Values of stock (near-date recovery, shrinkage) are for stock managers, as Odoo's valuation is.
            "kpis": [
                kpi
                for kpi, model in readable.items()
                if self.env[model].has_access("read")
                and (kpi not in VALUED_KPIS or self.env.user.has_group("stock.group_stock_manager"))
            ],
        }

    # ------------------------------------------------------------------
    # Figures: three queries whatever the period
    # ------------------------------------------------------------------

    def _get_dashboard_event_sql(self, scope, kpis, date_from, date_to):
        """The rows of ``kpis`` dated in [date_from, date_to), of the companies and warehouse of ``scope``
        (mock recalls and recalls have no warehouse: they stay), as a subquery aliased ``events``."""
        inventory_locations = self.env["stock.location"].sudo().with_context(active_test=False)
        queries = self._get_event_queries(
            date_from,
            date_to,
            now=scope["now"],
            inventory_location_ids=inventory_locations.search([("usage", "=", "inventory")]).ids or [0],
        )
        events = SQL(" UNION ALL ").join([EVENT_TYPES, *(SQL("(%s)", queries[kpi]) for kpi in queries if kpi in kpis)])
        warehouse = scope["warehouse"]
        return SQL(
            """(
            SELECT events.*
              FROM (%(events)s) AS events(%(columns)s)
             WHERE events.company_id IN %(companies)s %(warehouse)s
            ) events""",
            events=events,
            columns=EVENT_COLUMNS,
            companies=tuple(scope["companies"].ids),
            warehouse=SQL("AND (events.warehouse_id = %s OR events.kpi IN %s)", warehouse.id, COMPANY_KPIS)
            if warehouse
            else SQL(),
        )

    def _get_dashboard_daily_sql(self, scope, date_from, date_to):
        """The rows of every KPI of ``scope`` summed per KPI, company (for values) and local day: each KPI
        apart, so that each sum reads only its own narrow rows."""
        local_day = SQL("(events.date AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", scope["tz"])
        return SQL(" UNION ALL ").join(
            SQL(
                """(
                SELECT events.kpi, CASE WHEN events.kpi IN %(valued)s THEN events.company_id END AS company_id,
                       %(local_day)s AS day,
                       COUNT(*) AS count,
                       COUNT(*) FILTER (WHERE events.denominator > 0 AND events.numerator >= events.denominator)
                           AS full_count,
                       SUM(events.numerator) AS numerator, SUM(events.denominator) AS denominator,
                       SUM(events.scope_duration_ms) AS scope_ms, COUNT(events.scope_duration_ms) AS scope_count,
                       SUM(events.hours_to_notify) AS notify_hours, COUNT(events.hours_to_notify) AS notified,
                       SUM(events.hours_to_acknowledge) AS acknowledge_hours,
                       COUNT(events.hours_to_acknowledge) AS acknowledged,
                       SUM(events.days_to_release) AS release_days, COUNT(events.days_to_release) AS released
                  FROM %(events)s
                 GROUP BY 1, 2, 3
                )""",
                valued=VALUED_KPIS,
                local_day=local_day,
                events=self._get_dashboard_event_sql(scope, [kpi], date_from, date_to),
            )
            for kpi in scope["kpis"]
        )

    def _get_bucket_join(self, scope, day):
        """A lateral join giving each row the buckets its local day (the SQL ``day``) falls in: the period,
        the previous period, its month of the trend."""
        months = scope["months"]
        return SQL(
            """
            CROSS JOIN LATERAL (
                VALUES (CASE WHEN %(day)s BETWEEN %(period_from)s AND %(period_to)s THEN 'period' END),
                       (CASE WHEN %(day)s BETWEEN %(previous_from)s AND %(previous_to)s THEN 'previous' END),
                       (CASE WHEN %(day)s BETWEEN %(trend_from)s AND %(trend_to)s
                             THEN to_char(date_trunc('month', %(day)s), 'YYYY-MM-DD') END)
            ) AS bucket(key)
            """,
            day=day,
            period_from=scope["date_from"],
            period_to=scope["date_to"],
            previous_from=scope["previous_from"],
            previous_to=scope["previous_to"],
            trend_from=months[0],
            trend_to=months[-1] + relativedelta(months=1, days=-1),
        )

    def _get_dashboard_figures(self, scope):
        """Figures per KPI and bucket (the period, the previous one, each trend month): one query for the
        sums and averages (the rows summed per local day first, then per bucket), one for the median scope
        time of the mock recalls.

        :return: ``{kpi: {bucket: {count, full_count, numerator, denominator, scope_mean_ms,
            scope_median_ms, hours_to_notify, notified_count, hours_to_acknowledge, acknowledged_count,
            days_to_release, released_count}}}``, values in the current company's currency.
        """
        buckets = scope["buckets"]
        first = min(start for start, _stop in buckets.values())
        last = max(stop for _start, stop in buckets.values())
        local_day = SQL("(events.date AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", scope["tz"])
        self.env.flush_all()
        rows = self.env.execute_query_dict(
            SQL(
                """
                WITH daily AS (%(daily)s)
                SELECT daily.kpi, bucket.key AS bucket, daily.company_id,
                       SUM(daily.count) AS count, SUM(daily.full_count) AS full_count,
                       COALESCE(SUM(daily.numerator), 0) AS numerator,
                       COALESCE(SUM(daily.denominator), 0) AS denominator,
                       SUM(daily.scope_ms) / NULLIF(SUM(daily.scope_count), 0) AS scope_mean_ms,
                       SUM(daily.notify_hours) / NULLIF(SUM(daily.notified), 0) AS hours_to_notify,
                       SUM(daily.notified) AS notified_count,
                       SUM(daily.acknowledge_hours) / NULLIF(SUM(daily.acknowledged), 0) AS hours_to_acknowledge,
                       SUM(daily.acknowledged) AS acknowledged_count,
                       SUM(daily.release_days) / NULLIF(SUM(daily.released), 0) AS days_to_release,
                       SUM(daily.released) AS released_count
                  FROM daily
                  %(bucket_join)s
                 WHERE bucket.key IS NOT NULL
                 GROUP BY 1, 2, 3
                """,
                daily=self._get_dashboard_daily_sql(scope, first, last),
                bucket_join=self._get_bucket_join(scope, SQL("daily.day")),
            )
        )
        figures = defaultdict(dict)
        for row in rows:
            kpi, bucket, company_id = row.pop("kpi"), row.pop("bucket"), row.pop("company_id")
            row = {key: float(value) if value is not None else None for key, value in row.items()}
            if company_id:
                row["numerator"] = self._to_company_currency(company_id, row["numerator"], scope)
                row["denominator"] = self._to_company_currency(company_id, row["denominator"], scope)
            known = figures[kpi].get(bucket)
            if known:  # another company's values of the same bucket
                for key in ("count", "full_count", "numerator", "denominator"):
                    known[key] += row[key]
            else:
                figures[kpi][bucket] = row
        if "mock_recall" in scope["kpis"]:
            # An ordered-set aggregate sorts its rows: on the mock recalls alone, not on every event.
            medians = self.env.execute_query(
                SQL(
                    """
                    SELECT bucket.key, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY events.scope_duration_ms)
                      FROM %(events)s
                      %(bucket_join)s
                     WHERE bucket.key IS NOT NULL
                     GROUP BY 1
                    """,
                    events=self._get_dashboard_event_sql(scope, ["mock_recall"], first, last),
                    bucket_join=self._get_bucket_join(scope, local_day),
                )
            )
            for bucket, median in medians:
                figures["mock_recall"][bucket]["scope_median_ms"] = median
        return figures

    def _get_dashboard_inventory_values(self, scope):
        """The inventory value of lots in the warehouses (or the warehouse) of ``scope`` at each bucket's
        start and end, reconstructed from the done move lines of lots into and out of their internal
        locations (each lot at its current unit cost): one query.

        :return: ``{instant: value}`` for the UTC instants of the buckets' bounds, in the current company's
            currency.
        """
        instants = sorted({instant for bounds in scope["buckets"].values() for instant in bounds})
        warehouse = scope["warehouse"]
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT flow.company_id, flow.period, SUM(flow.value)
                  FROM (%(inventory_flow)s) flow
                 WHERE flow.company_id IN %(companies)s %(warehouse)s
                 GROUP BY 1, 2
                """,
                # Period k (1-based) of width_bucket holds the lines from instants[k - 1] to instants[k];
                # period 0 the lines before the first instant.
                inventory_flow=self._get_inventory_flow_query(
                    SQL("width_bucket(line.date, %s::timestamp[])", instants),
                    SQL("AND line.date < %s", instants[-1]),
                ),
                companies=tuple(scope["companies"].ids),
                warehouse=SQL("AND flow.warehouse_id = %s", warehouse.id) if warehouse else SQL(),
            )
        )
        flows = defaultdict(float)
        for company_id, period, value in rows:
            flows[period] += self._to_company_currency(company_id, value or 0.0, scope)
        # The value at instants[k] is that of every line before it: periods 0 to k.
        values, total = {}, 0.0
        for index, instant in enumerate(instants):
            total += flows.get(index, 0.0)
            values[instant] = total
        return values

    def _to_company_currency(self, company_id, amount, scope):
        company = self.env["res.company"].browse(company_id)
        target = self.env.company.currency_id
        if not amount or company.currency_id == target:
            return float(amount or 0.0)
        return company.currency_id._convert(float(amount), target, self.env.company, scope["today"], round=False)

    def _get_pending_lot_domain(self, scope):
        domain = [("qc_state", "=", "pending"), ("company_id", "in", [*scope["companies"].ids, False])]
        if scope["warehouse"]:
            domain += self._get_origin_warehouse_domain(scope["warehouse"])
        return domain

    def _get_retest_due_lot_domain(self, scope):
        """Lots due for retest now (their retest date has come, not yet released again), of the scope's companies."""
        domain = [
            ("retest_date", "<=", scope["today"]),
            ("qc_state", "in", ("released", "pending")),
            ("company_id", "in", [*scope["companies"].ids, False]),
        ]
        if scope["warehouse"]:
            domain += self._get_origin_warehouse_domain(scope["warehouse"])
        return domain

    def _get_origin_warehouse_domain(self, warehouse):
        """Lots received or produced in ``warehouse`` (the warehouse of a lot in the release KPI)."""
        return [
            "|",
            ("origin_picking_id.picking_type_id.warehouse_id", "=", warehouse.id),
            "&",
            ("origin_picking_id", "=", False),
            ("origin_production_id.picking_type_id.warehouse_id", "=", warehouse.id),
        ]

    # ------------------------------------------------------------------
    # Cards
    # ------------------------------------------------------------------

    def _get_dashboard_cards(self, scope, figures, inventory_values, pending_count):
        builders = {
            "inventory_accuracy": [self._get_inventory_accuracy_card],
            "fefo": [self._get_fefo_card],
            "mock_recall": [self._get_locate_time_card, self._get_mock_completeness_card],
            "recall_response": [self._get_recall_response_card],
            "near_date_recovery": [self._get_near_date_card],
            "shrinkage": [self._get_shrinkage_card],
            "release": [self._get_release_card],
        }
        cards = []
        for kpi, kpi_builders in builders.items():
            if kpi not in scope["kpis"]:
                continue
            for builder in kpi_builders:
                card = builder(scope, figures.get(kpi, {}), inventory_values, pending_count)
                card.setdefault("per_warehouse", kpi not in COMPANY_KPIS)
                card.setdefault("links", [])
                cards.append(card)
        return cards

    def _make_card(self, scope, key, title, help_text, measure, format_value, better, details, empty):
        """A card from ``measure(bucket)`` -> value or None, computed for the period, the previous period
        and each trend month."""
        value = measure("period")
        previous = measure("previous")
        trend = []
        for month in scope["months"]:
            month_value = measure(month.isoformat())
            trend.append(
                {
                    "label": format_date(self.env, month, date_format="MMM yyyy"),
                    "value": month_value,
                    "display": format_value(month_value),
                }
            )
        return {
            "key": key,
            "title": title,
            "help": help_text,
            "value": value,
            "display": format_value(value),
            "previous": previous,
            "previous_display": format_value(previous),
            "better": better,
            "details": details,
            "empty": empty if value is None else False,
            "trend": trend,
        }

    def _format_number(self, value, digits):
        return formatLang(self.env, value, digits=digits, rounding_method="HALF-UP")

    def _format_percent(self, value):
        return NO_FIGURE if value is None else self.env._("%(value)s %%", value=self._format_number(value, 1))

    def _format_hours(self, value):
        return NO_FIGURE if value is None else self.env._("%(value)s h", value=self._format_number(value, 1))

    def _format_days(self, value):
        return NO_FIGURE if value is None else self.env._("%(value)s days", value=self._format_number(value, 1))

    def _format_duration_ms(self, value):
        if value is None:
            return NO_FIGURE
        if value >= 1000:
            return self.env._("%(value)s s", value=self._format_number(value / 1000.0, 2))
        return self.env._("%(value)s ms", value=self._format_number(value, 0))

    def _format_amount(self, value):
        return format_amount(self.env, value or 0.0, self.env.company.currency_id)

    @staticmethod
    def _figure(figures, bucket, key, default=0):
        """The figure ``key`` of ``bucket``, ``default`` when nothing was measured (a measured 0 stays 0)."""
        value = figures.get(bucket, {}).get(key)
        return default if value is None else value

    def _get_inventory_accuracy_card(self, scope, figures, inventory_values, pending_count):
        good, counted = self._figure(figures, "period", "numerator"), self._figure(figures, "period", "denominator")
        return self._make_card(
            scope,
            "inventory_accuracy",
            self.env._("Inventory Accuracy by Lot"),
            self.env._(
                "Inventory count lines of lots applied without difference, out of all the count lines of lots "
                "applied in the period (a count confirming the quantity on hand is a line of quantity 0)."
            ),
            lambda bucket: ratio(
                self._figure(figures, bucket, "numerator"), self._figure(figures, bucket, "denominator")
            ),
            self._format_percent,
            "higher",
            [
                self.env._(
                    "%(good)s of %(counted)s lines counted without difference",
                    good=self._format_number(good, 0),
                    counted=self._format_number(counted, 0),
                )
            ]
            if counted
            else [],
            self.env._("No inventory counts in this period"),
        )

    def _get_fefo_card(self, scope, figures, inventory_values, pending_count):
        lines, in_order = self._figure(figures, "period", "count"), self._figure(figures, "period", "full_count")
        return self._make_card(
            scope,
            "fefo",
            self.env._("FEFO Compliance"),
            self.env._(
                "Quantity shipped or consumed from stock in first-expired-first-out order, out of all the "
                "quantity of lots with a removal date that left stock: a line is out of order when a lot of "
                "the same product with an earlier removal date left after it."
            ),
            lambda bucket: ratio(
                self._figure(figures, bucket, "numerator"), self._figure(figures, bucket, "denominator")
            ),
            self._format_percent,
            "higher",
            [
                self.env._(
                    "%(in_order)s of %(lines)s outgoing lines in FEFO order",
                    in_order=self._format_number(in_order, 0),
                    lines=self._format_number(lines, 0),
                )
            ]
            if lines
            else [],
            self.env._("No lot with a removal date left stock in this period"),
        )

    def _get_locate_time_card(self, scope, figures, inventory_values, pending_count):
        count = self._figure(figures, "period", "count")
        mean = self._figure(figures, "period", "scope_mean_ms", None)
        return self._make_card(
            scope,
            "locate_time",
            self.env._("Time to Locate a Lot"),
            self.env._(
                "Median time the mock recalls of the period took to trace their lots: every lot made from "
                "them, every shipment and the stock on hand. Mock recalls are measured per company."
            ),
            lambda bucket: self._figure(figures, bucket, "scope_median_ms", None),
            self._format_duration_ms,
            "lower",
            [
                self.env._(
                    "Mock recalls: %(count)s; mean %(mean)s",
                    count=self._format_number(count, 0),
                    mean=self._format_duration_ms(mean),
                )
            ]
            if count and mean is not None
            else [],
            self.env._("No mock recall in this period"),
        )

    def _get_mock_completeness_card(self, scope, figures, inventory_values, pending_count):
        count, complete = self._figure(figures, "period", "count"), self._figure(figures, "period", "full_count")
        card = self._make_card(
            scope,
            "mock_recall",
            self.env._("Mock Recall Completeness"),
            self.env._(
                "Average completeness of the mock recalls of the period: the share of each traced lot's "
                "quantity that its mass balance accounts for."
            ),
            lambda bucket: ratio(
                self._figure(figures, bucket, "numerator"), self._figure(figures, bucket, "denominator")
            ),
            self._format_percent,
            "higher",
            [
                self.env._(
                    "%(complete)s of %(count)s mock recalls complete",
                    complete=self._format_number(complete, 0),
                    count=self._format_number(count, 0),
                )
            ]
            if count
            else [],
            self.env._("No mock recall in this period"),
        )
        return card

    def _get_recall_response_card(self, scope, figures, inventory_values, pending_count):
        period = figures.get("period", {})
        recalls = period.get("count") or 0
        notices = period.get("denominator") or 0
        # Without any notice, either they are still to be sent or no customer received the recalled lots.
        to_notify = (
            recalls
            and not notices
            and self.env["stock.lot.recall"].search_count(
                [*self._get_recall_period_domain(scope), ("shipment_ids", "!=", False)], limit=1
            )
        )
        details = []
        if recalls and not notices:
            details.append(
                self.env._(
                    "Recalls confirmed: %(recalls)s; no notice sent yet", recalls=self._format_number(recalls, 0)
                )
                if to_notify
                else self.env._(
                    "Recalls confirmed: %(recalls)s, none of them shipped to a customer",
                    recalls=self._format_number(recalls, 0),
                )
            )
        elif recalls:
            details.append(
                self.env._(
                    "Recalls confirmed: %(recalls)s; notices acknowledged: %(acknowledged)s of %(notices)s",
                    recalls=self._format_number(recalls, 0),
                    acknowledged=self._format_number(period.get("numerator") or 0, 0),
                    notices=self._format_number(period.get("denominator") or 0, 0),
                )
            )
            if period.get("hours_to_acknowledge") is not None:
                details.append(
                    self.env._(
                        "All notices acknowledged %(hours)s after confirmation, on average (recalls: %(count)s)",
                        hours=self._format_hours(period["hours_to_acknowledge"]),
                        count=self._format_number(period["acknowledged_count"], 0),
                    )
                )
            else:
                details.append(self.env._("No recall of the period has every notice acknowledged yet"))
        card = self._make_card(
            scope,
            "recall_response",
            self.env._("Recall Response"),
            self.env._(
                "Hours from a recall's confirmation until every customer notice was sent, averaged over the "
                "recalls confirmed in the period whose notices are all sent; and until every notice was "
                "acknowledged. Recalls are measured per company."
            ),
            lambda bucket: self._figure(figures, bucket, "hours_to_notify", None),
            self._format_hours,
            "lower",
            details,
            self.env._("No customer to notify for the recalls of this period")
            if recalls and not notices and not to_notify
            else self.env._("Notices of the recalls of this period not all sent yet")
            if recalls
            else self.env._("No recall confirmed in this period"),
        )
        card["secondary"] = {
            "label": self.env._("to all acknowledged"),
            "value": period.get("hours_to_acknowledge"),
            "display": self._format_hours(period.get("hours_to_acknowledge")),
        }
        return card

    def _get_near_date_card(self, scope, figures, inventory_values, pending_count):
        period = figures.get("period", {})
        lots = period.get("count") or 0
        return self._make_card(
            scope,
            "near_date_recovery",
            self.env._("Near-Date Recovery"),
            self.env._(
                "Of the lots that reached their alert date in the period, the value of what was still in stock "
                "then (value at risk) and the share of it shipped to customers or used in production before "
                "the lot expired (customer returns deducted), at today's unit cost."
            ),
            lambda bucket: ratio(
                self._figure(figures, bucket, "numerator"), self._figure(figures, bucket, "denominator")
            ),
            self._format_percent,
            "higher",
            [
                self.env._(
                    "%(recovered)s recovered of %(at_risk)s at risk",
                    recovered=self._format_amount(period.get("numerator")),
                    at_risk=self._format_amount(period.get("denominator")),
                ),
                self.env._("Lots that reached their alert date: %(lots)s", lots=self._format_number(lots, 0)),
            ]
            if lots
            else [],
            self.env._("No lot in stock reached its alert date in this period"),
        )

    def _get_shrinkage_card(self, scope, figures, inventory_values, pending_count):
        buckets = scope["buckets"]

        def average_inventory(bucket):
            start, stop = buckets[bucket]
            return (inventory_values.get(start, 0.0) + inventory_values.get(stop, 0.0)) / 2.0

        def measure(bucket):
            written_off = self._figure(figures, bucket, "numerator")
            inventory = average_inventory(bucket)
            return ratio(written_off, inventory) if inventory > 0 else None

        written_off = self._figure(figures, "period", "numerator")
        lines = self._figure(figures, "period", "count")
        inventory = average_inventory("period")
        details = []
        if lines or inventory:
            details = [
                self.env._(
                    "Written off: %(value)s (lines: %(lines)s)",
                    value=self._format_amount(written_off),
                    lines=self._format_number(lines, 0),
                ),
                self.env._("Average inventory value: %(value)s", value=self._format_amount(inventory)),
            ]
        return self._make_card(
            scope,
            "shrinkage",
            self.env._("Shrinkage"),
            self.env._(
                "Value of lots written off in the period (scrapped, or lost in an inventory count) over the "
                "average inventory value of lots at the period's start and end, both at today's unit cost. "
                "Inventory gains are not deducted."
            ),
            measure,
            self._format_percent,
            "lower",
            details,
            self.env._("No lot in stock at the start or the end of this period to measure the write-offs against")
            if lines
            else self.env._("No lot in stock in this period"),
        )

    def _get_release_card(self, scope, figures, inventory_values, pending_count):
        released = self._figure(figures, "period", "released_count")
        card = self._make_card(
            scope,
            "release",
            self.env._("Lot Release"),
            self.env._(
                "Average days from a lot's creation to its release signature, for the lots released in the "
                "period; and the lots pending release now. A lot belongs to the warehouse of the receipt or "
                "manufacturing order that made it."
            ),
            lambda bucket: self._figure(figures, bucket, "days_to_release", None),
            self._format_days,
            "lower",
            # The lots pending release now are the card's secondary figure, not repeated here.
            [self.env._("Lots released in this period: %(count)s", count=self._format_number(released, 0))],
            self.env._("No lot released in this period"),
        )
        card["secondary"] = {
            "label": self.env._("lots pending release"),
            "value": pending_count,
            "display": self._format_number(pending_count, 0),
        }
        if released:
            card["links"] = [{"key": "release_released", "label": self.env._("Released in the period")}]
        # The lots due for retest now (retest dates): a line of the card, one count.
        retest_due = self.env["stock.lot"].search_count(self._get_retest_due_lot_domain(scope))
        card["retest_due"] = {
            "label": self.env._("lots due for retest"),
            "value": retest_due,
            "display": self._format_number(retest_due, 0),
        }
        if retest_due:
            card.setdefault("links", []).append(
                {
                    "key": "release_retest",
                    "label": self.env._("Due for retest: %(count)s", count=self._format_number(retest_due, 0)),
                }
            )
        return card

    # ------------------------------------------------------------------
    # The records behind each card
    # ------------------------------------------------------------------

    def _period_domain(self, field, scope):
        start, stop = scope["buckets"]["period"]
        return [(field, ">=", fields.Datetime.to_string(start)), (field, "<", fields.Datetime.to_string(stop))]

    def _card_action(self, scope, name, model, domain, views=None, context=None):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "%(name)s (%(period)s)",
                name=name,
                period=self._format_period(scope["date_from"], scope["date_to"]),
            ),
            "res_model": model,
            "domain": domain,
            "views": views or [(False, "list"), (False, "form")],
            "context": dict(context or {}, create=False),
            "target": "current",
        }

    def _get_event_res_ids(self, scope, kpi, condition=None):
        """The ids of the records behind the rows of ``kpi`` in the period (companies and warehouse of
        ``scope``), for the cards whose records no domain can select."""
        start, stop = scope["buckets"]["period"]
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT events.res_id FROM %s WHERE TRUE %s",
                self._get_dashboard_event_sql(scope, [kpi], start, stop),
                condition or SQL(),
            )
        )
        return [res_id for (res_id,) in rows]

    def _action_open_inventory_counts(self, scope):
        # The card's own rows: count lines of lots, opening balances left out.
        domain = [("id", "in", self._get_event_res_ids(scope, "inventory_accuracy"))]
        return self._card_action(scope, self.env._("Inventory Counts of Lots"), "stock.move.line", domain)

    def _action_open_fefo_lines(self, scope):
        domain = [("company_id", "in", scope["companies"].ids), *self._period_domain("date", scope)]
        if scope["warehouse"]:
            domain.append(("location_id.warehouse_id", "=", scope["warehouse"].id))
        return self._card_action(
            scope,
            self.env._("Outgoing Lines out of FEFO Order"),
            "stock.lot.fefo.report",
            domain,
            views=[(False, "list")],
            context={"search_default_out_of_order": 1},
        )

    def _action_open_mock_recalls(self, scope):
        domain = [
            ("is_mock", "=", True),
            ("company_id", "in", scope["companies"].ids),
            *self._period_domain("scope_date", scope),
        ]
        return self._card_action(
            scope,
            self.env._("Mock Recalls"),
            "stock.lot.recall",
            domain,
            views=[
                (self.env.ref("lot_traceability_recall.view_stock_lot_recall_mock_list").id, "list"),
                (False, "form"),
            ],
        )

    def _get_recall_period_domain(self, scope):
        return [
            ("is_mock", "=", False),
            ("company_id", "in", scope["companies"].ids),
            *self._period_domain("date_confirmed", scope),
        ]

    def _action_open_recalls(self, scope):
        domain = self._get_recall_period_domain(scope)
        return self._card_action(scope, self.env._("Recalls Confirmed"), "stock.lot.recall", domain)

    def _action_open_near_date_lots(self, scope):
        lot_ids = self._get_event_res_ids(scope, "near_date_recovery")
        return self._card_action(scope, self.env._("Lots Past Their Alert Date"), "stock.lot", [("id", "in", lot_ids)])

    def _action_open_write_offs(self, scope):
        domain = [
            ("state", "=", "done"),
            ("lot_id", "!=", False),
            ("location_id.usage", "=", "internal"),
            ("location_id.warehouse_id", "!=", False),
            ("location_dest_id.usage", "=", "inventory"),
            ("company_id", "in", scope["companies"].ids),
            *self._period_domain("date", scope),
        ]
        if scope["warehouse"]:
            domain.append(("location_id.warehouse_id", "=", scope["warehouse"].id))
        return self._card_action(scope, self.env._("Lots Written Off"), "stock.move.line", domain)

    def _action_open_pending_lots(self, scope):
        action = self._card_action(
            scope, self.env._("Lots Pending Release"), "stock.lot", self._get_pending_lot_domain(scope)
        )
        # Pending now, whatever the period.
        action["name"] = self.env._("Lots Pending Release")
        return action

    def _action_open_released_lots(self, scope):
        lot_ids = self._get_event_res_ids(scope, "release", SQL("AND events.days_to_release IS NOT NULL"))
        return self._card_action(scope, self.env._("Lots Released"), "stock.lot", [("id", "in", lot_ids)])

    def _action_open_retest_due_lots(self, scope):
        action = self._card_action(
            scope, self.env._("Lots Due for Retest"), "stock.lot", self._get_retest_due_lot_domain(scope)
        )
        # Due now, whatever the period.
        action["name"] = self.env._("Lots Due for Retest")
        return action
