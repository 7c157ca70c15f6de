"""Lot costing benchmark: 10,000 manufactured lots three levels deep, costed and reconciled.

Adds, inside one transaction that is rolled back at the end (the database is left as it was),
a lot-valued FIFO chain written with set-based SQL the way generate.py writes its lines:
  1,000 raw lots received (100 units each, at 1.00 to 2.75)
  -> 2,500 level-1 orders: 10 units of each of two raw lots -> 20 units of an intermediate lot
  -> 5,000 level-2 orders: 10 units of an intermediate lot + 5 of a raw lot -> 10 units of a semi-finished lot
  -> 10,000 level-3 orders: 5 units of a semi-finished lot -> 5 units of a finished lot
every order with an extra unit cost of 0.50 (its operation cost), and the valuation layers Odoo
would write for them (receipt and production layers in, consumption layers out, per lot).
Then times stock.lot._get_cost_breakdown() of the 10,000 finished lots (one recursive query),
checks every lot's total against the expected value computed independently while generating,
and against its valuation layers, to the cent. The last line printed is
    costing lots=<n> ms=<median> per_lot_us=<median per lot, microseconds>

Usage (inside the Odoo environment, see tests/benchmark/run_costing):
    python bench_costing.py --config odoo.conf --database bench [--lots 10000] [--runs 5]
"""

import argparse
import statistics
import time

import odoo
from odoo import SUPERUSER_ID, api

RAW_LOTS = 1000
EXTRA_COST = 0.5


def generate(env, finished_lots):
    """Write the chain; return the finished lot ids and the expected total cost of every lot."""
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    production_location = env["stock.location"].search(
        [("usage", "=", "production"), ("company_id", "=", company.id)], limit=1
    )
    category = env["product.category"].create(
        {"name": "Costing bench (FIFO)", "property_cost_method": "fifo", "property_valuation": "manual_periodic"}
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Costing bench {kind}",
                "is_storable": True,
                "tracking": "lot",
                "lot_valuated": True,
                "categ_id": category.id,
            }
            for kind in ("raw", "intermediate", "semi", "finished")
        ]
    )
    env.flush_all()
    semis = (finished_lots + 1) // 2
    intermediates = (semis + 1) // 2
    params = {
        "raw": products[0].id,
        "intermediate": products[1].id,
        "semi": products[2].id,
        "finished": products[3].id,
        "uom": products[0].uom_id.id,
        "company": company.id,
        "stock": warehouse.lot_stock_id.id,
        "supplier": env.ref("stock.stock_location_suppliers").id,
        "production": production_location.id,
        "mrp_type": warehouse.manu_type_id.id,
        "raw_lots": RAW_LOTS,
        "intermediates": intermediates,
        "semis": semis,
        "finished_lots": finished_lots,
        "extra": EXTRA_COST,
        "uid": SUPERUSER_ID,
    }
    cr = env.cr

    def run(query):
        # Plain psycopg2 parameters: odoo.tools.SQL has no escape for the modulo operator.
        cr.execute(query, params)

    run("""
        CREATE TEMP TABLE cost_lot ON COMMIT DROP AS
        SELECT nextval('stock_lot_id_seq')::int AS id, level, idx, product_id
          FROM (SELECT 0 AS level, g AS idx, %(raw)s AS product_id FROM generate_series(0, %(raw_lots)s - 1) g
                UNION ALL SELECT 1, g, %(intermediate)s FROM generate_series(0, %(intermediates)s - 1) g
                UNION ALL SELECT 2, g, %(semi)s FROM generate_series(0, %(semis)s - 1) g
                UNION ALL SELECT 3, g, %(finished)s FROM generate_series(0, %(finished_lots)s - 1) g) lots;
        CREATE UNIQUE INDEX ON cost_lot (level, idx);
        INSERT INTO stock_lot (id, name, product_id, product_uom_id, company_id, qc_state,
                               create_uid, create_date, write_uid, write_date)
        SELECT id, 'COST-' || level || '-' || lpad(idx::text, 6, '0'), product_id, %(uom)s, %(company)s,
               'released', %(uid)s, now(), %(uid)s, now()
          FROM cost_lot;

        -- The plan: one row per done move line (one move each).
        CREATE TEMP TABLE cost_line (
            kind text, level int, lot_id int, product_id int, quantity numeric, mo_idx int,
            location_id int, location_dest_id int
        ) ON COMMIT DROP;
        INSERT INTO cost_line
        SELECT 'in', 0, id, product_id, 100, NULL, %(supplier)s, %(stock)s FROM cost_lot WHERE level = 0;
        -- level 1: two raw lots, 10 each
        INSERT INTO cost_line
        SELECT 'component', 1, raw.id, raw.product_id, 10, mo.idx, %(stock)s, %(production)s
          FROM cost_lot mo CROSS JOIN generate_series(0, 1) part
          JOIN cost_lot raw ON raw.level = 0 AND raw.idx = (2 * mo.idx + part) %% %(raw_lots)s
         WHERE mo.level = 1;
        -- level 2: an intermediate lot (10) and a raw lot (5)
        INSERT INTO cost_line
        SELECT 'component', 2, component.id, component.product_id,
               CASE WHEN component.level = 1 THEN 10 ELSE 5 END, mo.idx, %(stock)s, %(production)s
          FROM cost_lot mo
          JOIN cost_lot component
            ON (component.level = 1 AND component.idx = mo.idx / 2)
            OR (component.level = 0 AND component.idx = (3 * mo.idx + 7) %% %(raw_lots)s)
         WHERE mo.level = 2;
        -- level 3: a semi-finished lot (5)
        INSERT INTO cost_line
        SELECT 'component', 3, semi.id, semi.product_id, 5, mo.idx, %(stock)s, %(production)s
          FROM cost_lot mo JOIN cost_lot semi ON semi.level = 2 AND semi.idx = mo.idx / 2
         WHERE mo.level = 3;
        INSERT INTO cost_line
        SELECT 'finished', level, id, product_id, CASE level WHEN 1 THEN 20 WHEN 2 THEN 10 ELSE 5 END, idx,
               %(production)s, %(stock)s
          FROM cost_lot WHERE level > 0;

        CREATE INDEX ON cost_line (kind, level, mo_idx);
        ANALYZE cost_line;
        -- Expected costs, level by level, computed here independently of the engine.
        CREATE TEMP TABLE cost_expected (lot_id int PRIMARY KEY, level int, quantity numeric, total numeric)
            ON COMMIT DROP;
        INSERT INTO cost_expected
        SELECT id, 0, 100, 100 * (1 + (idx %% 8) * 0.25) FROM cost_lot WHERE level = 0;
    """)
    for level in (1, 2, 3):
        cr.execute(
            """
            INSERT INTO cost_expected
            SELECT finished.lot_id, %(level)s, finished.quantity,
                   SUM(component.quantity * expected.total / expected.quantity) + finished.quantity * %(extra)s
              FROM cost_line finished
              JOIN cost_line component
                ON component.kind = 'component' AND component.level = %(level)s AND component.mo_idx = finished.mo_idx
              JOIN cost_expected expected ON expected.lot_id = component.lot_id
             WHERE finished.kind = 'finished' AND finished.level = %(level)s
             GROUP BY finished.lot_id, finished.quantity
            """,
            dict(params, level=level),
        )
    run("""
        CREATE TEMP TABLE cost_mo ON COMMIT DROP AS
        SELECT nextval('mrp_production_id_seq')::int AS id, level, mo_idx, lot_id, product_id, quantity
          FROM cost_line WHERE kind = 'finished';
        CREATE UNIQUE INDEX ON cost_mo (level, mo_idx);
        INSERT INTO mrp_production (id, name, product_id, product_uom_id, product_qty, product_uom_qty, qty_producing,
                                    picking_type_id, location_src_id, location_dest_id, company_id, consumption,
                                    date_start, date_finished, state, lot_producing_id, priority, extra_cost,
                                    create_uid, create_date, write_uid, write_date)
        SELECT id, 'COST/MO/' || level || '/' || id, product_id, %(uom)s, quantity, quantity, quantity,
               %(mrp_type)s, %(stock)s, %(stock)s, %(company)s, 'flexible', now(), now(), 'done', lot_id, '0',
               %(extra)s, %(uid)s, now(), %(uid)s, now()
          FROM cost_mo;
        ALTER TABLE cost_line ADD COLUMN mo_id int, ADD COLUMN move_id int, ADD COLUMN line_id int;
        UPDATE cost_line SET mo_id = cost_mo.id FROM cost_mo
         WHERE cost_mo.level = cost_line.level AND cost_mo.mo_idx = cost_line.mo_idx AND cost_line.kind != 'in';
        UPDATE cost_line SET move_id = nextval('stock_move_id_seq'), line_id = nextval('stock_move_line_id_seq');
        CREATE INDEX ON cost_line (mo_id, kind);
        ANALYZE cost_line;
        INSERT INTO stock_move (id, name, reference, product_id, product_uom, product_uom_qty, product_qty, quantity,
                                location_id, location_dest_id, company_id, state, date, procure_method,
                                production_id, raw_material_production_id, picked,
                                create_uid, create_date, write_uid, write_date)
        SELECT move_id, 'COST ' || kind, 'COST/' || kind, product_id, %(uom)s, quantity, quantity, quantity,
               location_id, location_dest_id, %(company)s, 'done', now(), 'make_to_stock',
               CASE WHEN kind = 'finished' THEN mo_id END, CASE WHEN kind = 'component' THEN mo_id END, true,
               %(uid)s, now(), %(uid)s, now()
          FROM cost_line;
        INSERT INTO stock_move_line (id, move_id, product_id, product_uom_id, quantity, quantity_product_uom,
                                     location_id, location_dest_id, lot_id, state, date, company_id, reference,
                                     picked, create_uid, create_date, write_uid, write_date)
        SELECT line_id, move_id, product_id, %(uom)s, quantity, quantity, location_id, location_dest_id, lot_id,
               'done', now(), %(company)s, 'COST/' || kind, true, %(uid)s, now(), %(uid)s, now()
          FROM cost_line;
        INSERT INTO stock_move_line_consume_rel (consume_line_id, produce_line_id)
        SELECT finished.line_id, component.line_id
          FROM cost_line finished
          JOIN cost_line component ON component.kind = 'component' AND component.mo_id = finished.mo_id
         WHERE finished.kind = 'finished';
        -- Valuation layers as Odoo writes them for lot-valued FIFO products: in at the cost, out at the
        -- lot's unit cost.
        INSERT INTO stock_valuation_layer (company_id, product_id, quantity, unit_cost, value, remaining_qty,
                                           remaining_value, stock_move_id, lot_id, description,
                                           create_uid, create_date, write_uid, write_date)
        SELECT %(company)s, line.product_id,
               CASE WHEN line.kind = 'component' THEN -line.quantity ELSE line.quantity END,
               expected.total / expected.quantity,
               CASE WHEN line.kind = 'component' THEN -1 ELSE 1 END
                   * line.quantity * expected.total / expected.quantity,
               0, 0, line.move_id, line.lot_id, 'COST bench', %(uid)s, now(), %(uid)s, now()
          FROM cost_line line JOIN cost_expected expected ON expected.lot_id = line.lot_id;
        ANALYZE stock_move_line, stock_move, stock_valuation_layer, stock_move_line_consume_rel, mrp_production,
                stock_lot;
    """)
    cr.execute("SELECT lot_id, level, total FROM cost_expected")
    expected = {lot_id: (level, float(total)) for lot_id, level, total in cr.fetchall()}
    finished = sorted(lot_id for lot_id, (level, _total) in expected.items() if level == 3)
    env.invalidate_all()
    return finished, expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--lots", type=int, default=10_000, help="finished lots (default 10,000)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="commit the generated chain (to study plans)")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT count(*) FROM stock_move_line WHERE state = 'done'")
        lines_before = cr.fetchone()[0]
        started = time.perf_counter()
        finished_ids, expected = generate(env, args.lots)
        print(
            f"generated {len(expected)} lots ({len(finished_ids)} finished, 3 levels deep) on a database of "
            f"{lines_before} done move lines in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        lots = env["stock.lot"].browse(finished_ids)
        timings = []
        for _run in range(args.runs):
            env.invalidate_all()
            started = time.perf_counter()
            breakdown = lots._get_cost_breakdown()
            timings.append((time.perf_counter() - started) * 1000)
        print("runs_ms=" + ",".join(f"{timing:.0f}" for timing in timings), flush=True)

        all_lots = env["stock.lot"].browse(sorted(expected))
        breakdown_all = all_lots._get_cost_breakdown()
        currency = env.company.currency_id
        off_expected = [
            lot_id
            for lot_id, (_level, total) in expected.items()
            if not currency.is_zero(breakdown_all[lot_id]["total_cost"] - currency.round(total))
        ]
        not_reconciled = [
            lot_id for lot_id, values in breakdown_all.items() if values["reconciliation"] != "reconciled"
        ]
        total_expected = round(sum(currency.round(total) for level, total in expected.values() if level == 3), 2)
        total_costed = round(sum(breakdown[lot_id]["total_cost"] for lot_id in finished_ids), 2)
        total_valued = round(sum(breakdown[lot_id]["valuation_total"] for lot_id in finished_ids), 2)
        print(
            f"finished lots: expected={total_expected:.2f} costed={total_costed:.2f} valued={total_valued:.2f}; "
            f"lots off the expected cost: {len(off_expected)}, not reconciled: {len(not_reconciled)} "
            f"of {len(expected)}",
            flush=True,
        )
        if args.keep:
            cr.commit()
        else:
            cr.rollback()
        if off_expected or not_reconciled or total_costed != total_expected:
            raise SystemExit("costing does not reconcile to the cent on the generated data")
        median = statistics.median(timings)
        print(f"costing lots={len(finished_ids)} ms={median:.0f} per_lot_us={median * 1000 / len(finished_ids):.1f}")


if __name__ == "__main__":
    main()
