"""Odoo's delivery lookup of lots (``stock.lot._find_delivery_ids_by_lot``), ours against Odoo's.

The lot form's Transfers button, ``delivery_ids``/``delivery_count`` and ``last_delivery_partner_id``
call ``_find_delivery_ids_by_lot``: Odoo walks it with a search and a recursive call per level of
manufacturing; lot_traceability answers it from the trace engine's walk in one query. For a typical
finished lot, a typical raw lot, the hub lot and a page of 80 finished lots (the lot list's page), as
the admin user with caches cleared before each run: the median and p95 of both, their query counts,
and whether both give the same transfers for every lot. The last line printed is
    deliveries lot=<raw lot> transfers=<n> ours_ms=<median> odoo_ms=<median> ratio=<odoo/ours> same=<bool>

Usage (inside the Odoo environment, see tests/benchmark/run_deliveries):
    python bench_deliveries.py --config odoo.conf --database bench [--runs 7]
"""

import argparse
import statistics
import time

import odoo
from odoo import SUPERUSER_ID, api

PAGE = 80


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(env, runs, call):
    """Median and p95 in ms, queries of the last run, last result (a warm-up run first)."""
    timings = []
    for _run in range(runs + 1):
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - start) * 1000)
        queries = env.cr.sql_log_count - before
    return statistics.median(timings[1:]), percentile(timings[1:], 0.95), queries, result


def pick_lots(env):
    lots = env["stock.lot"]

    def middle(pattern):
        candidates = lots.search([("name", "=like", pattern)], order="name")
        return candidates[len(candidates) // 2]

    finished = lots.search([("name", "=like", "F-%")], order="name")
    page_start = len(finished) // 2
    return [
        ("finished", middle("F-%")),
        ("raw", middle("R-_______")),
        ("hub", lots.search([("name", "=like", "R-%-HUB")], order="name", limit=1)),
        ("page", finished[page_start : page_start + PAGE]),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    from odoo.addons.lot_traceability.models.stock_lot_delivery import ODOO_DELIVERY_LOOKUP  # once on the addons path

    contract = None
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin"))
        for kind, lots in pick_lots(env):
            lots = lots.with_env(env)
            odoo_lots = lots.with_context(**{ODOO_DELIVERY_LOOKUP: True})
            ours_median, ours_p95, ours_queries, ours = timed(env, args.runs, lots._find_delivery_ids_by_lot)
            odoo_median, odoo_p95, odoo_queries, theirs = timed(env, args.runs, odoo_lots._find_delivery_ids_by_lot)
            same = all(set(ours[lot_id]) == set(theirs[lot_id]) for lot_id in lots.ids)
            transfers = len(set().union(*ours.values()))
            name = lots.name if len(lots) == 1 else f"{len(lots)}_lots"
            print(
                f"lot={name} kind={kind} transfers={transfers} ours_ms={ours_median:.2f} ours_p95_ms={ours_p95:.2f} "
                f"ours_queries={ours_queries} odoo_ms={odoo_median:.2f} odoo_p95_ms={odoo_p95:.2f} "
                f"odoo_queries={odoo_queries} ratio={odoo_median / ours_median:.1f} same={same}",
                flush=True,
            )
            if kind == "raw":
                contract = (name, transfers, ours_median, odoo_median, same)
        cr.rollback()
    name, transfers, ours_median, odoo_median, same = contract
    print(
        f"deliveries lot={name} transfers={transfers} ours_ms={ours_median:.2f} odoo_ms={odoo_median:.2f} "
        f"ratio={odoo_median / ours_median:.1f} same={same}"
    )


if __name__ == "__main__":
    main()
