"""Lot control queries on the trace benchmark database: the expiry-risk forecast of every lot on hand,
the incident scope of a whole warehouse over a month, and FEFO compliance per product and month.

Each is timed as the user waits for it (an ORM read of the SQL view, or the model method), median of
``--runs`` runs. The last line printed is
    lot_control rows=<move lines> forecast_ms=<median> forecast_graph_ms=<median> forecast_rows=<n>
        incident_ms=<median> incident_lots=<n> fefo_ms=<median>
(forecast_ms: opening the list, first 80 rows and the count; forecast_graph_ms: the totals per action)

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
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
        cr.rollback()
    print(
        f"lot_control rows={rows} forecast_ms={forecast_ms:.1f} forecast_graph_ms={graph_ms:.1f} "
        f"forecast_rows={forecast_rows} "
        f"incident_ms={incident_ms:.1f} incident_lots={len(lots)} fefo_ms={fefo_ms:.1f}"
    )


if __name__ == "__main__":
    main()
