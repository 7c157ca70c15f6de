"""Planner settings side by side: each query our code runs with a PostgreSQL planner setting, timed with it and
without it, alternating, on the same database in the same run (nothing is committed).

One line per site, the evidence README's "Planner settings" keeps for each setting:
    planner site=<site> setting=<name> rows=<done move lines> with_ms=<median> without_ms=<median> ratio=<without/with>

Sites: the trace functions (SET options of their definition), the FSMA 204 export's read-only transaction (jit;
work_mem and cursor_tuple_fraction measured, not set), a lot's cost breakdown, the two costing analyses, the Lot Control
dashboard and a step of the genealogy (jit, set around their queries).
"""

import argparse
import statistics
import time
from contextlib import nullcontext

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def timed(function, runs):
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def side_by_side(cr, name, with_setting, without_setting, runs):
    """Alternate runs with and without the setting (after one warm-up of each); medians in ms."""
    for switch in (with_setting, without_setting):
        switch()
    with_ms, without_ms = [], []
    for _round in range(runs):
        with_ms += timed(with_setting, 1)
        without_ms += timed(without_setting, 1)
    return statistics.median(with_ms), statistics.median(without_ms)


def report(site, setting, rows, with_ms, without_ms):
    print(
        f"planner site={site} setting={setting} rows={rows} with_ms={with_ms:.1f} without_ms={without_ms:.1f} "
        f"ratio={without_ms / with_ms:.2f}",
        flush=True,
    )


def fetch_all(cr, query, settings):
    """The export's read: a server-side cursor fetched to the end in batches, under ``settings``."""
    cr.execute("SAVEPOINT planner")
    for name, value in settings.items():
        cr.execute("SELECT set_config(%s, %s, true)", [name, value])
    cr.execute(SQL("DECLARE planner_cursor NO SCROLL CURSOR FOR %s", query))
    while True:
        cr.execute("FETCH FORWARD 5000 FROM planner_cursor")
        if not cr.fetchall():
            break
    cr.execute("ROLLBACK TO SAVEPOINT planner")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sites", default="trace,export,costing,analyses,dashboard,genealogy")
    args = parser.parse_args()
    sites = set(args.sites.split(","))
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT count(*) FROM stock_move_line WHERE state = 'done'")
        rows = cr.fetchone()[0]
        cr.execute("SHOW jit")
        print(f"planner database={args.database} rows={rows} jit={cr.fetchone()[0]} runs={args.runs}", flush=True)
        lots = env["stock.lot"]

        if "trace" in sites:
            from odoo.addons.lot_traceability.models.stock_lot_trace import TRACE_FUNCTION

            names = [TRACE_FUNCTION % direction for direction in ("upstream", "downstream")]
            for kind, pattern in (("finished", "F-%"), ("hub", "R-%-HUB")):
                candidates = lots.search([("name", "=like", pattern)], order="name")
                lot = candidates[len(candidates) // 2]
                for setting, options in (
                    ("jit", ("jit",)),
                    ("no_hash_merge_join", ("enable_hashjoin", "enable_mergejoin")),
                ):

                    def trace(lot=lot):
                        lot.trace("both")

                    def alter(reset, options=options):
                        for name in names:
                            for option in options:
                                value = (
                                    SQL("RESET %s", SQL.identifier(option))
                                    if reset
                                    else SQL("SET %s = off", SQL.identifier(option))
                                )
                                cr.execute(SQL("ALTER FUNCTION %s(int[], int[]) %s", SQL.identifier(name), value))

                    def with_setting(trace=trace, alter=alter):
                        alter(reset=False)
                        for _i in range(20):
                            trace()

                    def without_setting(trace=trace, alter=alter):
                        alter(reset=True)
                        for _i in range(20):
                            trace()

                    cr.execute("SAVEPOINT planner_trace")
                    with_ms, without_ms = side_by_side(cr, kind, with_setting, without_setting, args.runs)
                    cr.execute("ROLLBACK TO SAVEPOINT planner_trace")
                    report(f"trace_{kind}_x20", setting, rows, with_ms, without_ms)

        if "export" in sites:
            Export = env["lot.traceability.export"]
            job = Export.create({"ftl_only": False})
            params = job._prepare_export_params()
            query = Export._get_event_query(params)
            # What the export's read-only transaction sets (jit), and work_mem = 64MB and cursor_tuple_fraction = 1.0,
            # which it set until this benchmark measured them (no gain): each against PostgreSQL's default.
            base = {"jit": "off"}
            candidates = {"jit": ("off", "on"), "work_mem": ("64MB", "4MB"), "cursor_tuple_fraction": ("1.0", "0.1")}
            for setting, (with_value, default) in candidates.items():
                with_settings = dict(base, **{setting: with_value})
                without = dict(base, **{setting: default})
                with_ms, without_ms = side_by_side(
                    cr,
                    setting,
                    lambda with_settings=with_settings: fetch_all(cr, query, with_settings),
                    lambda without=without: fetch_all(cr, query, without),
                    max(2, args.runs // 2),
                )
                report("export_fsma204_all_events", setting, rows, with_ms, without_ms)

        def jit_site(site, function, module=None, runs=args.runs):
            """``function`` with JIT off around it and with JIT as the server has it: where our code sets it
            (``module``'s helper made a no-op for the run without), or where it no longer does (``module`` None:
            the run with sets it around the call)."""

            from odoo.addons.lot_traceability.tools.planner import planner_setting

            def with_setting():
                if module is None:
                    with planner_setting(cr, "jit", "off"):
                        function()
                else:
                    function()

            def without_setting():
                if module is None:
                    function()
                    return
                saved = module.planner_setting
                module.planner_setting = lambda *args: nullcontext()
                try:
                    function()
                finally:
                    module.planner_setting = saved

            cr.execute("SELECT set_config('jit', 'on', true)")
            with_ms, without_ms = side_by_side(cr, site, with_setting, without_setting, runs)
            report(site, "jit", rows, with_ms, without_ms)

        if "costing" in sites:
            from odoo.addons.lot_traceability.models import stock_lot_cost

            every_lot = lots.search([])
            jit_site(f"cost_breakdown_{len(every_lot)}_lots", every_lot._get_cost_breakdown, stock_lot_cost, runs=3)
        if "costing" in sites or "cost_tree" in sites:
            finished = lots.search([("name", "=like", "F-%")], order="name")
            jit_site("cost_tree_finished_lot", finished[len(finished) // 2]._get_cost_tree)

        if "analyses" in sites:
            from odoo.addons.lot_traceability.report import stock_lot_margin_report

            # JIT is off for the reconciliation's reads, no longer for the margin analysis's (measured no gain).
            for model, module in (
                ("stock.lot.cost.reconciliation", stock_lot_margin_report),
                ("stock.lot.margin.report", None),
            ):
                jit_site(
                    f"analysis_{model.replace('.', '_')}_count",
                    lambda model=model: env[model].search_count([]),
                    module,
                    runs=3,
                )

        if "dashboard" in sites:
            Kpi = env["stock.lot.control.kpi"]
            for period in ("this_month", "this_year"):
                jit_site(
                    f"dashboard_{period}",
                    lambda period=period: Kpi.get_lot_control_dashboard(period=period),
                )

        if "genealogy" in sites:
            raw = lots.search([("name", "=like", "R-_______")], order="name", limit=1000)
            jit_site(
                f"genealogy_step_{len(raw)}_lots",
                lambda: lots.get_genealogy_children(raw.ids, "downstream"),
            )
        cr.rollback()


if __name__ == "__main__":
    main()
