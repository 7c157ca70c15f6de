"""Lot control queries on the trace benchmark database: the expiry-risk forecast of every lot on hand,
the incident scope of a whole warehouse over a month, FEFO compliance per product and month, and the Lot
Control dashboard.

Each is timed as the user waits for it (an ORM read of the SQL view, or the model method), median of
``--runs`` runs. The last line printed is
    lot_control rows=<move lines> forecast_ms=<median> forecast_graph_ms=<median> forecast_rows=<n>
        incident_ms=<median> incident_lots=<n> fefo_ms=<median>
        dashboard_ms=<median> dashboard_year_ms=<median> dated_dashboard_ms=<median>
        dated_dashboard_year_ms=<median> dated_kpi_request_max_ms=<median>
        dated_kpi_request_year_max_ms=<median>
(forecast_ms: opening the list, first 80 rows and the count; forecast_graph_ms: the totals per action;
dashboard_ms: get_lot_control_dashboard for this month, its previous month and the 12-month trend;
dashboard_year_ms: for this year, the previous year and the trend, i.e. two years of moves, all KPIs in
one request; dated_kpi_request_max_ms: the slowest of the requests of one KPI each that the web client sends
together, what the user waits for before the last card shows)

The generated lots have no expiry dates and the products no cost, so the near-date, FEFO and value figures
of the dashboard have nothing to read. The dated_* figures time it again after giving every lot dates
from its first move (expiry +60 days, alert +50, removal +45) and every product a cost, in the benchmark's
own transaction, which is rolled back: the database is left as it was.

Usage (inside the Odoo environment, see tests/benchmark/run_lot_control):
    python bench_lot_control.py --config odoo.conf --database bench [--runs 5]
"""

import argparse
import statistics
import time
from datetime import datetime

import odoo
from odoo import SUPERUSER_ID, api


def timed(env, runs, function):
    timings, result = [], None
    for _run in range(runs):
        env.invalidate_all()
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def figures(dashboard):
    """The cards' figures, to see that the dashboard measured something."""
    return ", ".join(f"{card['key']}={card['display'] or '-'}" for card in dashboard["cards"])


def give_dates(env):
    """Expiry dates for every lot and a cost for every product, in the current transaction only."""
    cr = env.cr
    env.flush_all()
    cr.execute(
        """
        UPDATE stock_lot lot
           SET expiration_date = first.date + INTERVAL '60 days', alert_date = first.date + INTERVAL '50 days',
               removal_date = first.date + INTERVAL '45 days', use_date = first.date + INTERVAL '45 days'
          FROM (SELECT lot_id, MIN(date) AS date FROM stock_move_line WHERE lot_id IS NOT NULL GROUP BY lot_id) first
         WHERE first.lot_id = lot.id
        """
    )
    cr.execute("UPDATE product_product SET standard_price = jsonb_build_object(%s, 2.5)", [str(env.company.id)])
    # The planner's statistics of the new dates (rolled back with the rest).
    cr.execute("ANALYZE stock_lot")
    env.invalidate_all(flush=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    from odoo.addons.lot_traceability_reports.report.stock_lot_control_kpi import (
        LOT_CONTROL_KPIS,  # importable once the addons path is set
    )

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT count(*) FROM stock_move_line WHERE state = 'done'")
        rows = cr.fetchone()[0]
        risk = env["stock.lot.expiry.risk"]
        fields_read = ["lot_id", "quantity_on_hand", "forecast_quantity_at_risk", "value_at_risk", "suggested_action"]
        # What the user waits for: the list opening (first 80 rows and the count) and the graph (totals).
        forecast_ms, forecast = timed(
            env, args.runs, lambda: (risk.search_read([], fields_read, limit=80), risk.search_count([]))
        )
        forecast_rows = forecast[1]
        graph_ms, _totals = timed(
            env,
            args.runs,
            lambda: risk._read_group([], ["suggested_action"], ["value_at_risk:sum", "forecast_quantity_at_risk:sum"]),
        )
        warehouse = env["stock.warehouse"].search([], limit=1)
        cr.execute("SELECT min(date), max(date) FROM stock_move_line WHERE state = 'done'")
        first, last = cr.fetchone()
        start = datetime(first.year, first.month, 1)
        end = datetime(start.year + (start.month == 12), start.month % 12 + 1, 1)
        incident_ms, lots = timed(
            env, args.runs, lambda: env["stock.lot"]._get_lots_in_location(warehouse.view_location_id, start, end)
        )
        fefo_ms, _groups = timed(
            env,
            args.runs,
            lambda: env["stock.lot.fefo.report"]._read_group(
                [], ["product_id", "date:month"], ["outgoing_qty:sum", "in_order_qty:sum"]
            ),
        )
        print(
            f"forecast rows={forecast_rows} list_ms={forecast_ms:.1f} graph_ms={graph_ms:.1f}; "
            f"incident warehouse={warehouse.code} "
            f"period={start:%Y-%m} lots={len(lots)} median_ms={incident_ms:.1f}; fefo per product and month "
            f"median_ms={fefo_ms:.1f} (moves from {first:%Y-%m-%d} to {last:%Y-%m-%d})",
            flush=True,
        )
        kpi = env["stock.lot.control.kpi"]
        dashboard_ms, dashboard = timed(env, args.runs, lambda: kpi.get_lot_control_dashboard(period="this_month"))
        dashboard_year_ms, _dashboard = timed(env, args.runs, lambda: kpi.get_lot_control_dashboard(period="this_year"))
        print(f"dashboard {figures(dashboard)}", flush=True)
        give_dates(env)
        dated_ms, dated = timed(env, args.runs, lambda: kpi.get_lot_control_dashboard(period="this_month"))
        dated_year_ms, _dated = timed(env, args.runs, lambda: kpi.get_lot_control_dashboard(period="this_year"))
        print(f"dated dashboard {figures(dated)}", flush=True)
        # What the web client waits for: one request per KPI, sent together; the slowest one.
        card_ms = {}
        for key, _label in LOT_CONTROL_KPIS:
            for period in ("this_month", "this_year"):
                card_ms[key, period], _card = timed(
                    env,
                    args.runs,
                    lambda key=key, period=period: kpi.get_lot_control_dashboard(period=period, kpis=[key]),
                )
        print(
            "dated dashboard per KPI request "
            + " ".join(f"{key}:{period}={ms:.1f}" for (key, period), ms in card_ms.items()),
            flush=True,
        )
        card_max_ms = max(ms for (_key, period), ms in card_ms.items() if period == "this_month")
        card_year_max_ms = max(ms for (_key, period), ms in card_ms.items() if period == "this_year")
        cr.rollback()
    print(
        f"lot_control rows={rows} forecast_ms={forecast_ms:.1f} forecast_graph_ms={graph_ms:.1f} "
        f"forecast_rows={forecast_rows} "
        f"incident_ms={incident_ms:.1f} incident_lots={len(lots)} fefo_ms={fefo_ms:.1f} "
        f"dashboard_ms={dashboard_ms:.1f} dashboard_year_ms={dashboard_year_ms:.1f} "
        f"dated_dashboard_ms={dated_ms:.1f} dated_dashboard_year_ms={dated_year_ms:.1f} "
        f"dated_kpi_request_max_ms={card_max_ms:.1f} dated_kpi_request_year_max_ms={card_year_max_ms:.1f}"
    )


if __name__ == "__main__":
    main()
