"""Genealogy client action timings on the trace benchmark database.

Times the server calls the genealogy client action makes (as the admin user, caches cleared before
each run): opening a hub lot (its lots one step upstream and downstream, with their counts),
unfolding all its children at once, and a search in its tree; then the Full Trace page of the core addon
(``stock.lot._get_genealogy``: the whole tree both ways from one trace) for a typical finished lot, a
typical raw lot and the hub lot. The last line printed is
    genealogy lot=<hub lot> children=<n> open_ms=<median> p95_ms=<p95> queries=<n> json_kb=<size>
open_ms is the server time of ``stock.lot.get_genealogy_roots``, the one call the client action
makes to open; json_kb the size of its answer.

Usage (inside the Odoo environment, see tests/benchmark/run_genealogy):
    python bench_genealogy.py --config odoo.conf --database bench [--lot R-0032154-HUB] [--runs 7]
"""

import argparse
import json
import statistics
import time

import odoo
from odoo import SUPERUSER_ID, api


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(env, runs, call):
    """Median and p95 in ms, queries of the last run, last result."""
    timings = []
    for _run in range(runs):
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - start) * 1000)
        queries = env.cr.sql_log_count - before
    return statistics.median(timings), percentile(timings, 0.95), queries, result


def full_trace_lots(env, hub):
    """A typical finished lot and a typical raw lot (as bench_trace.py picks them), and the hub."""
    lots = env["stock.lot"]

    def middle(pattern):
        candidates = lots.search([("name", "=like", pattern)], order="name")
        return candidates[len(candidates) // 2]

    return [("finished", middle("F-%")), ("raw", middle("R-_______")), ("hub", hub)]


def count_nodes(node):
    return 1 + sum(count_nodes(child) for child in node["children"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--lot", help="lot to open (default: the first lot named like '%%-HUB')")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin"))
        domain = [("name", "=", args.lot)] if args.lot else [("name", "=like", "%-HUB")]
        hub = env["stock.lot"].search(domain, order="id", limit=1)
        if not hub:
            raise SystemExit(f"no lot matches {domain}")
        Lot = env["stock.lot"]
        open_median, open_p95, open_queries, opened = timed(
            env, args.runs, lambda: Lot.get_genealogy_roots("stock.lot", hub.ids)
        )
        root = opened["roots"][0]
        start = time.perf_counter()
        json_kb = len(json.dumps(opened, default=str)) / 1024
        json_ms = (time.perf_counter() - start) * 1000
        print(
            f"open lot={hub.name} upstream={root['upstream_count']} downstream={root['downstream_count']} "
            f"median_ms={open_median:.1f} p95_ms={open_p95:.1f} queries={open_queries} "
            f"json_kb={json_kb:.0f} json_ms={json_ms:.1f}",
            flush=True,
        )
        for direction in ("upstream", "downstream"):
            child_ids = [node["id"] for node in root[direction]]
            if not child_ids:
                continue
            median, p95, queries, _result = timed(
                env, args.runs, lambda ids=child_ids, d=direction: Lot.get_genealogy_children(ids, d)
            )
            print(
                f"unfold direction={direction} lots={len(child_ids)} median_ms={median:.1f} p95_ms={p95:.1f} "
                f"queries={queries}",
                flush=True,
            )
        # a lot at the far end of the tree: the search walks every level down to it
        deepest = Lot.browse(max(set(hub.trace("both")["lot_ids"]) - set(hub.ids), default=hub.id))
        term = deepest.name
        median, p95, queries, matches = timed(env, args.runs, lambda: Lot.search_genealogy(hub.ids, term))
        print(
            f"search term={term} matches={len(matches)} depth={max((len(m['path']) - 1 for m in matches), default=0)} "
            f"median_ms={median:.1f} p95_ms={p95:.1f} queries={queries}",
            flush=True,
        )
        for kind, lot in full_trace_lots(env, hub):
            median, p95, queries, genealogy = timed(env, args.runs, lambda lot=lot: lot._get_genealogy())
            tree = genealogy[lot.id]
            print(
                f"full_trace lot={lot.name} kind={kind} upstream_nodes={count_nodes(tree['upstream']) - 1} "
                f"downstream_nodes={count_nodes(tree['downstream']) - 1} median_ms={median:.1f} p95_ms={p95:.1f} "
                f"queries={queries}",
                flush=True,
            )
        hub_name = hub.name
        cr.rollback()
    children = root["upstream_count"] + root["downstream_count"]
    print(
        f"genealogy lot={hub_name} children={children} open_ms={open_median:.1f} p95_ms={open_p95:.1f} "
        f"queries={open_queries} json_kb={json_kb:.0f}"
    )


if __name__ == "__main__":
    main()
