"""Generate a realistic, valid Odoo stock database of a given size for the trace benchmark.

Shape of each "chain" (about 15 done move lines):
  raw lots received from suppliers under the supplier's own lot code (each consumed by ~4
  manufacturing orders: merges)
  -> level 1 MO: 2 raw lots (+ one of 3 "hub" lots for the first orders) -> intermediate lot
  -> level 2 MO: intermediate lot + 1 raw lot -> finished lot
  -> finished lot split over 4 deliveries to customers, 1 in 50 partly returned;
     1 in 10 finished lots repacked by a level 3 MO into a kit lot, delivered.
Plus 30 % untracked lines (receipts and deliveries without lot).

Rows are written with set-based SQL (ids drawn from Odoo's own sequences) and quants are
computed from the done lines, so the database stays consistent: quants equal the sum of done
lines per product, lot and internal location.

Usage (inside the Odoo environment, see tests/benchmark/run):
    python generate.py --config odoo.conf --database bench --lines 1000000
"""

import argparse
import math
import time

import odoo
from odoo import SUPERUSER_ID, api

LINES_PER_CHAIN = 15.55  # done lines per chain of the shape below (918,924 lines for 59,172 chains)
HUB_LOTS = 3


def create_master_data(env, chains):
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    production_location = env["stock.location"].search(
        [("usage", "=", "production"), ("company_id", "=", company.id)], limit=1
    )
    uom = env.ref("uom.product_uom_unit")

    def products(prefix, count, tracking):
        return env["product.product"].create(
            [
                {
                    "name": f"{prefix} {index}",
                    "default_code": f"{prefix[:3].upper()}-{index}",
                    "is_storable": True,
                    "tracking": tracking,
                }
                for index in range(count)
            ]
        )

    raw = products("Raw material", 20, "lot")
    intermediate = products("Intermediate", 10, "lot")
    finished = products("Finished good", 10, "lot")
    kits = products("Kit", 3, "lot")
    untracked = products("Packaging", 10, "none")
    suppliers = env["res.partner"].create([{"name": f"Supplier {index}", "is_company": True} for index in range(20)])
    customers = env["res.partner"].create(
        [{"name": f"Customer {index}", "is_company": True} for index in range(min(2000, max(chains, 10)))]
    )
    env.flush_all()
    return {
        "company": company.id,
        "stock": warehouse.lot_stock_id.id,
        "supplier": env.ref("stock.stock_location_suppliers").id,
        "customer": env.ref("stock.stock_location_customers").id,
        "production": production_location.id,
        "uom": uom.id,
        "in_type": warehouse.in_type_id.id,
        "out_type": warehouse.out_type_id.id,
        "mrp_type": warehouse.manu_type_id.id,
        "raw": raw.ids,
        "intermediate": intermediate.ids,
        "finished": finished.ids,
        "kits": kits.ids,
        "untracked": untracked.ids,
        "suppliers": suppliers.ids,
        "customers": customers.ids,
    }


def generate(env, lines):
    chains = max(1, math.ceil(lines / LINES_PER_CHAIN))
    raw_lots = max(2, chains // 2)
    hub_consumers = min(chains, 3000)
    data = create_master_data(env, chains)
    cr = env.cr
    params = dict(
        data,
        chains=chains,
        raw_lots=raw_lots,
        hub_consumers=hub_consumers,
        hubs=HUB_LOTS,
        uid=SUPERUSER_ID,
    )

    def run(query, **extra):
        # Plain psycopg2 parameters: odoo.tools.SQL has no escape for the modulo operator.
        cr.execute(query, dict(params, **extra))

    # Lots: raw (+ hubs at the end), one intermediate and one finished lot per chain, kits.
    run("""
        CREATE TEMP TABLE bench_lot AS
        SELECT nextval('stock_lot_id_seq')::int AS id, kind, idx, product_id
          FROM (
                SELECT 'raw' AS kind, g AS idx, (%(raw)s::int[])[1 + g %% 20] AS product_id
                  FROM generate_series(0, %(raw_lots)s + %(hubs)s - 1) g
                UNION ALL
                SELECT 'intermediate', g, (%(intermediate)s::int[])[1 + g %% 10]
                  FROM generate_series(0, %(chains)s - 1) g
                UNION ALL
                SELECT 'finished', g, (%(finished)s::int[])[1 + g %% 10] FROM generate_series(0, %(chains)s - 1) g
                UNION ALL
                SELECT 'kit', g, (%(kits)s::int[])[1 + g %% 3] FROM generate_series(0, %(chains)s - 1, 10) g
          ) lots;
        CREATE UNIQUE INDEX ON bench_lot (kind, idx);
        INSERT INTO stock_lot (id, name, product_id, product_uom_id, company_id, qc_state,
                               create_uid, create_date, write_uid, write_date)
        SELECT id, upper(left(kind, 1)) || '-' || lpad(idx::text, 7, '0')
                   || (CASE WHEN kind = 'raw' AND idx >= %(raw_lots)s THEN '-HUB' ELSE '' END),
               product_id, %(uom)s, %(company)s, 'released', %(uid)s, now(), %(uid)s, now()
          FROM bench_lot;
    """)

    # Manufacturing orders: level 1 (raw -> intermediate), level 2 (-> finished), level 3 (-> kit).
    run("""
        CREATE TEMP TABLE bench_mo AS
        SELECT nextval('mrp_production_id_seq')::int AS id, mo.level, mo.idx, output.id AS lot_id,
               output.product_id, mo.quantity,
               now() - interval '730 days' + (mo.idx * interval '730 days' / %(chains)s) + mo.level * interval '1 hour'
               AS date
          FROM (
                SELECT 1 AS level, g AS idx, 'intermediate' AS kind, 10 AS quantity
                  FROM generate_series(0, %(chains)s - 1) g
                UNION ALL
                SELECT 2, g, 'finished', 40 FROM generate_series(0, %(chains)s - 1) g
                UNION ALL
                SELECT 3, g, 'kit', 1 FROM generate_series(0, %(chains)s - 1, 10) g
          ) mo
          JOIN bench_lot output ON output.kind = mo.kind AND output.idx = mo.idx;
        INSERT INTO mrp_production (id, name, product_id, product_uom_id, product_qty, product_uom_qty, qty_producing,
                                    picking_type_id, location_src_id, location_dest_id, company_id, consumption,
                                    date_start, date_finished, state, lot_producing_id, priority,
                                    create_uid, create_date, write_uid, write_date)
        SELECT id, 'BENCH/MO/' || level || '/' || idx, product_id, %(uom)s, quantity, quantity, quantity,
               %(mrp_type)s, %(stock)s, %(stock)s, %(company)s, 'flexible', date, date, 'done', lot_id, '0',
               %(uid)s, now(), %(uid)s, now()
          FROM bench_mo;
    """)

    # Every done move line of the plan, one move each.
    run("""
        CREATE TEMP TABLE bench_line (
            plan serial, kind text, product_id int, lot_id int, quantity numeric, location_id int,
            location_dest_id int, date timestamp, partner_id int, picking_type_id int,
            production_id int, raw_production_id int, mo_id int, picking boolean
        );
        -- Components of level 1: two raw lots (each raw lot feeds ~4 orders), a hub lot for the first ones.
        INSERT INTO bench_line (kind, product_id, lot_id, quantity, location_id, location_dest_id, date,
                                raw_production_id, mo_id, picking)
        SELECT 'raw', lot.product_id, lot.id, CASE WHEN part = 2 THEN 1 ELSE 2 END, %(stock)s, %(production)s,
               mo.date, mo.id, mo.id, false
          FROM bench_mo mo
          CROSS JOIN generate_series(0, 2) part
          JOIN bench_lot lot ON lot.kind = 'raw' AND lot.idx = CASE
                WHEN part < 2 THEN (2 * mo.idx + part) %% %(raw_lots)s
                ELSE %(raw_lots)s + mo.idx %% %(hubs)s END
         WHERE mo.level = 1 AND (part < 2 OR mo.idx < %(hub_consumers)s);
        -- Components of level 2: the intermediate lot and one more raw lot.
        INSERT INTO bench_line (kind, product_id, lot_id, quantity, location_id, location_dest_id, date,
                                raw_production_id, mo_id, picking)
        SELECT 'raw', lot.product_id, lot.id, CASE WHEN lot.kind = 'intermediate' THEN 10 ELSE 2 END,
               %(stock)s, %(production)s, mo.date, mo.id, mo.id, false
          FROM bench_mo mo
          JOIN bench_lot lot ON (lot.kind = 'intermediate' AND lot.idx = mo.idx)
                             OR (lot.kind = 'raw' AND lot.idx = (7 * mo.idx + 3) %% %(raw_lots)s)
         WHERE mo.level = 2;
        -- Component of level 3: 4 units of the finished lot.
        INSERT INTO bench_line (kind, product_id, lot_id, quantity, location_id, location_dest_id, date,
                                raw_production_id, mo_id, picking)
        SELECT 'raw', lot.product_id, lot.id, 4, %(stock)s, %(production)s, mo.date, mo.id, mo.id, false
          FROM bench_mo mo JOIN bench_lot lot ON lot.kind = 'finished' AND lot.idx = mo.idx
         WHERE mo.level = 3;
        -- Finished lines of every order.
        INSERT INTO bench_line (kind, product_id, lot_id, quantity, location_id, location_dest_id, date,
                                production_id, mo_id, picking)
        SELECT 'finished', product_id, lot_id, quantity, %(production)s, %(stock)s, date + interval '1 minute',
               id, id, false
          FROM bench_mo;
        -- Deliveries: each finished lot split over 4 customers (9 units each); kits shipped whole.
        INSERT INTO bench_line (kind, product_id, lot_id, quantity, location_id, location_dest_id, date,
                                partner_id, picking_type_id, picking)
        SELECT 'out', lot.product_id, lot.id, 9, %(stock)s, %(customer)s,
               mo.date + (1 + part) * interval '1 day',
               (%(customers)s::int[])[1 + (lot.idx * 7 + part * 131) %% array_length(%(customers)s::int[], 1)],
               %(out_type)s, true
          FROM bench_mo mo JOIN bench_lot lot ON lot.id = mo.lot_id CROSS JOIN generate_series(0, 3) part
         WHERE mo.level = 2;
        INSERT INTO bench_line (kind, product_id, lot_id, quantity, location_id, location_dest_id, date,
                                partner_id, picking_type_id, picking)
        SELECT 'out', mo.product_id, mo.lot_id, 1, %(stock)s, %(customer)s, mo.date + interval '2 days',
               (%(customers)s::int[])[1 + mo.idx %% array_length(%(customers)s::int[], 1)], %(out_type)s, true
          FROM bench_mo mo WHERE mo.level = 3;
        -- Returns: 1 in 50 finished lots, one unit back from the first customer.
        INSERT INTO bench_line (kind, product_id, lot_id, quantity, location_id, location_dest_id, date,
                                partner_id, picking_type_id, picking)
        SELECT DISTINCT ON (lot_id) 'return', product_id, lot_id, 1, %(customer)s, %(stock)s,
               date + interval '10 days', partner_id, %(in_type)s, true
          FROM bench_line
         WHERE kind = 'out' AND lot_id IN (SELECT id FROM bench_lot WHERE kind = 'finished' AND idx %% 50 = 0)
         ORDER BY lot_id, date;
        -- Receipts of raw lots: what they feed plus 10 left in stock, before the first order.
        INSERT INTO bench_line (kind, product_id, lot_id, quantity, location_id, location_dest_id, date,
                                partner_id, picking_type_id, picking)
        SELECT 'in', lot.product_id, lot.id, COALESCE(used.quantity, 0) + 10, %(supplier)s, %(stock)s,
               now() - interval '731 days',
               (%(suppliers)s::int[])[1 + lot.idx %% 20], %(in_type)s, true
          FROM bench_lot lot
          LEFT JOIN (SELECT lot_id, sum(quantity) AS quantity FROM bench_line WHERE kind = 'raw' GROUP BY lot_id) used
            ON used.lot_id = lot.id
         WHERE lot.kind = 'raw';
    """)
    cr.execute("SELECT count(*) FROM bench_line")
    tracked = cr.fetchone()[0]
    untracked = round(tracked * 0.3 / 0.7)
    # Untracked lines: packaging received (2 units) and shipped (1 unit), no lot.
    run(
        """
        INSERT INTO bench_line (kind, product_id, quantity, location_id, location_dest_id, date, picking)
        SELECT CASE WHEN g %% 2 = 0 THEN 'in' ELSE 'out' END, (%(untracked)s::int[])[1 + (g / 2) %% 10],
               CASE WHEN g %% 2 = 0 THEN 2 ELSE 1 END,
               CASE WHEN g %% 2 = 0 THEN %(supplier)s ELSE %(stock)s END,
               CASE WHEN g %% 2 = 0 THEN %(stock)s ELSE %(customer)s END,
               now() - interval '730 days' + g * interval '730 days' / %(count)s, false
          FROM generate_series(0, %(count)s - 1) g;
        """,
        count=untracked,
    )

    run("""
        ALTER TABLE bench_line ADD COLUMN move_id int, ADD COLUMN line_id int, ADD COLUMN picking_id int;
        UPDATE bench_line SET move_id = nextval('stock_move_id_seq'), line_id = nextval('stock_move_line_id_seq'),
                              picking_id = CASE WHEN picking THEN nextval('stock_picking_id_seq') END;
        -- Each raw lot was received under its supplier's own lot code (a supplier lot per receipt line).
        CREATE TEMP TABLE bench_supplier_lot AS
        SELECT nextval('stock_supplier_lot_id_seq')::int AS id, line.line_id, line.lot_id, line.product_id,
               line.partner_id, 'SUP-' || lpad(lot.idx::text, 7, '0') AS name
          FROM bench_line line JOIN bench_lot lot ON lot.id = line.lot_id
         WHERE line.kind = 'in';
        INSERT INTO stock_supplier_lot (id, name, partner_id, product_id, company_id,
                                        create_uid, create_date, write_uid, write_date)
        SELECT id, name, partner_id, product_id, %(company)s, %(uid)s, now(), %(uid)s, now() FROM bench_supplier_lot;
        UPDATE stock_lot lot SET supplier_lot_id = supplier_lot.id
          FROM bench_supplier_lot supplier_lot WHERE lot.id = supplier_lot.lot_id;
        INSERT INTO stock_picking (id, name, picking_type_id, location_id, location_dest_id, move_type, state,
                                   partner_id, company_id, scheduled_date, date_deadline, date, date_done, priority,
                                   create_uid, create_date, write_uid, write_date)
        SELECT picking_id, 'BENCH/' || upper(kind) || '/' || plan, picking_type_id, location_id, location_dest_id,
               'direct', 'done', partner_id, %(company)s, date, NULL, date, date, '0', %(uid)s, now(), %(uid)s, now()
          FROM bench_line WHERE picking;
        INSERT INTO stock_move (id, name, reference, product_id, product_uom, product_uom_qty, product_qty, quantity,
                                location_id, location_dest_id, location_final_id, company_id, state, date,
                                procure_method, picking_id, picking_type_id, production_id, raw_material_production_id,
                                partner_id, picked, create_uid, create_date, write_uid, write_date)
        SELECT move_id, 'BENCH ' || kind, 'BENCH/' || upper(kind) || '/' || plan, product_id, %(uom)s, quantity,
               quantity, quantity, location_id, location_dest_id, NULL, %(company)s, 'done', date, 'make_to_stock',
               picking_id, picking_type_id, production_id, raw_production_id, partner_id, true,
               %(uid)s, now(), %(uid)s, now()
          FROM bench_line;
        INSERT INTO stock_move_line (id, move_id, picking_id, product_id, product_uom_id, quantity,
                                     quantity_product_uom, location_id, location_dest_id, lot_id, state, date,
                                     company_id, reference, picked, supplier_lot_id, supplier_lot_code,
                                     create_uid, create_date, write_uid, write_date)
        SELECT line.line_id, line.move_id, line.picking_id, line.product_id, %(uom)s, line.quantity, line.quantity,
               line.location_id, line.location_dest_id, line.lot_id, 'done', line.date, %(company)s,
               'BENCH/' || upper(line.kind) || '/' || line.plan, true, supplier_lot.id, supplier_lot.name,
               %(uid)s, now(), %(uid)s, now()
          FROM bench_line line LEFT JOIN bench_supplier_lot supplier_lot ON supplier_lot.line_id = line.line_id;
        -- consume_line_id is the finished line, produce_line_id the component it consumed.
        INSERT INTO stock_move_line_consume_rel (consume_line_id, produce_line_id)
        SELECT finished.line_id, component.line_id
          FROM bench_line finished
          JOIN bench_line component ON component.mo_id = finished.mo_id AND component.kind = 'raw'
         WHERE finished.kind = 'finished';
        -- Quants: the sum of done lines per product, lot and internal location.
        INSERT INTO stock_quant (product_id, location_id, lot_id, quantity, reserved_quantity, in_date,
                                 company_id, create_uid, create_date, write_uid, write_date)
        SELECT product_id, location, lot_id, sum(quantity), 0,
               min(date), %(company)s, %(uid)s, now(), %(uid)s, now()
          FROM (SELECT product_id, location_dest_id AS location, lot_id, quantity, date FROM bench_line
                 WHERE location_dest_id = %(stock)s
                UNION ALL
                SELECT product_id, location_id, lot_id, -quantity, date FROM bench_line
                 WHERE location_id = %(stock)s) movements
         GROUP BY product_id, location, lot_id
        HAVING sum(quantity) != 0;
    """)
    cr.execute(
        "SELECT (SELECT count(*) FROM bench_line), (SELECT min(quantity) FROM stock_quant), "
        "(SELECT count(*) FROM stock_move_line WHERE state = 'done')"
    )
    planned, min_quant, done_lines = cr.fetchone()
    if min_quant is not None and min_quant < 0:
        raise RuntimeError("the generated plan would leave negative stock")
    return {"chains": chains, "planned_lines": planned, "done_lines": done_lines}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--lines", type=int, required=True, help="done move lines to generate")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    started = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        result = generate(env, args.lines)
        cr.commit()
    print(
        f"generated chains={result['chains']} lines={result['planned_lines']} "
        f"done_lines_in_db={result['done_lines']} seconds={time.perf_counter() - started:.1f}"
    )


if __name__ == "__main__":
    main()
