"""Time our trace against Odoo's traceability report on the same lots of the same database.

For each lot (a typical finished lot, a typical raw lot, a "hub" lot consumed by thousands of
manufacturing orders): our ``stock.lot.trace("both")`` (median and p95 of several runs), and
Odoo's ``stock.traceability.report`` unfolded fully as the web client would (every unfoldable
line opened until nothing new appears; 120 s counts as a timeout), first with Odoo's own
indexes only (ours dropped inside a rolled-back transaction), then with ours. It checks that
both reach the same lots and that every line Odoo's report shows is in our trace.

The last line printed is the contract line:
    trace rows=<move lines in db> ours_ms=<median> native_ms=<median> ratio=<native/ours>
"""

import argparse
import statistics
import time

import odoo
from odoo import SUPERUSER_ID, api

NATIVE_TIMEOUT = 120.0
OUR_INDEXES = ("stock_move_line_lot_id_partial_index", "stock_move_unbuild_id_partial_index")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_ours(env, lot, runs):
    timings = []
    result = None
    for _run in range(runs + 1):  # the first run warms PostgreSQL's and Python's caches
        env.invalidate_all()
        started = time.perf_counter()
        result = lot.trace("both")
        timings.append((time.perf_counter() - started) * 1000)
    return timings[1:], result


def native_unfold(env, lot):
    """Every move line Odoo's report shows for ``lot`` once fully unfolded, or None on timeout."""
    env.invalidate_all()
    deadline = time.perf_counter() + NATIVE_TIMEOUT
    report = env["stock.traceability.report"].with_context(active_id=lot.id, model="stock.lot")
    queue = report.get_lines()
    shown, unfolded = set(), set()
    while queue:
        if time.perf_counter() > deadline:
            return None
        line = queue.pop()
        shown.add(line["model_id"])
        if line["unfoldable"] and line["model_id"] not in unfolded:
            unfolded.add(line["model_id"])
            queue.extend(
                report.get_lines(
                    line_id=line["id"], model_id=line["model_id"], model_name=line["model"], level=line["level"] + 30
                )
            )
    return shown


def time_native(env, lot, runs):
    timings, shown = [], None
    for _run in range(runs):
        started = time.perf_counter()
        shown = native_unfold(env, lot)
        if shown is None:
            return [NATIVE_TIMEOUT * 1000], None
        timings.append((time.perf_counter() - started) * 1000)
    return timings, shown


def pick_lots(env):
    lots = env["stock.lot"]

    def middle(pattern):
        candidates = lots.search([("name", "=like", pattern)], order="name")
        return candidates[len(candidates) // 2]

    return [
        ("finished", middle("F-%")),
        ("raw", middle("R-_______")),
        ("hub", lots.search([("name", "=like", "R-%-HUB")], order="name", limit=1)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=15, help="runs of our trace per lot")
    parser.add_argument("--native-runs", type=int, default=3, help="runs of the native report per lot")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    contract = None
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT count(*) FROM stock_move_line WHERE state = 'done'")
        rows = cr.fetchone()[0]
        for kind, lot in pick_lots(env):
            ours, result = time_ours(env, lot, args.runs)
            upstream = lot.trace("upstream")
            runs = 1 if kind == "hub" else args.native_runs
            cr.execute("SAVEPOINT odoo_indexes_only")
            for index in OUR_INDEXES:
                cr.execute(f'DROP INDEX IF EXISTS "{index}"')
            native_plain, shown = time_native(env, lot, runs)
            cr.execute("ROLLBACK TO SAVEPOINT odoo_indexes_only")
            native_indexed, shown_indexed = time_native(env, lot, runs)
            shown = shown or shown_indexed
            if shown is None:
                same = "unknown (native timed out)"
            else:
                native_lots = set(env["stock.move.line"].browse(shown).lot_id.ids)
                same = native_lots == set(upstream["lot_ids"]) and shown <= set(upstream["move_line_ids"])
            ours_median = statistics.median(ours)
            plain_median = statistics.median(native_plain)
            indexed_median = statistics.median(native_indexed)
            print(
                f"lot={lot.name} kind={kind} traced_lots={len(result['lot_ids'])} "
                f"traced_lines={len(result['move_line_ids'])} customers={len(result['customer_ids'])} "
                f"ours_median_ms={ours_median:.2f} ours_p95_ms={percentile(ours, 0.95):.2f} "
                f"native_ms={plain_median:.0f}{'(timeout)' if plain_median >= NATIVE_TIMEOUT * 1000 else ''} "
                f"native_with_our_indexes_ms={indexed_median:.0f} "
                f"ratio={plain_median / ours_median:.0f} ratio_same_indexes={indexed_median / ours_median:.0f} "
                f"same_result={same}",
                flush=True,
            )
            if kind == "finished":
                contract = (ours_median, plain_median)
        cr.rollback()
    ours_median, native_median = contract
    print(
        f"trace rows={rows} ours_ms={ours_median:.2f} native_ms={native_median:.0f} "
        f"ratio={native_median / ours_median:.0f}"
    )


if __name__ == "__main__":
    main()
