"""Mock recall timings on the trace benchmark database.

Scopes mock recalls (trace, shipments per customer, stock, mass balance) of a typical raw lot,
a finished lot, a hub lot and a lot shipped to 10,000 customers (added once, with SQL, the way
generate.py writes its lines), and rolls each back. The last line printed is
    recall lot=<fan-out lot> customers=<n> shipments=<n> scope_ms=<median> p95_ms=<p95> stored_ms=<median>
scope_ms is the time the case records (trace, shipments, stock, mass balance); stored_ms adds
creating the case and writing its lines, as the user waits for it.

Usage (inside the Odoo environment, see tests/benchmark/run_recall):
    python bench_recall.py --config odoo.conf --database bench [--runs 5]
"""

import argparse
import statistics
import time

import odoo
from odoo import SUPERUSER_ID, api

FAN_OUT_LOT = "RECALL-10K"
FAN_OUT_CUSTOMERS = 10_000


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ensure_fan_out_lot(env):
    """One lot received once and shipped one unit each to 10,000 customers, 10 units left in stock."""
    lot = env["stock.lot"].search([("name", "=", FAN_OUT_LOT)])
    if lot:
        return lot
    product = env["product.product"].create({"name": "Recall bench good", "is_storable": True, "tracking": "lot"})
    lot = env["stock.lot"].create({"name": FAN_OUT_LOT, "product_id": product.id})
    customers = env["res.partner"].create(
        [
            {"name": f"Recall customer {index}", "is_company": True, "email": f"c{index}@example.com"}
            for index in range(FAN_OUT_CUSTOMERS)
        ]
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    env.flush_all()
    params = {
        "product": product.id,
        "lot": lot.id,
        "uom": product.uom_id.id,
        "company": env.company.id,
        "stock": warehouse.lot_stock_id.id,
        "supplier": env.ref("stock.stock_location_suppliers").id,
        "customer": env.ref("stock.stock_location_customers").id,
        "in_type": warehouse.in_type_id.id,
        "out_type": warehouse.out_type_id.id,
        "customers": customers.ids,
        "count": FAN_OUT_CUSTOMERS,
        "uid": SUPERUSER_ID,
    }
    env.cr.execute(
        """
        CREATE TEMP TABLE fan_line AS
        SELECT 0 AS idx, %(count)s + 10 AS quantity, %(supplier)s AS location_id, %(stock)s AS location_dest_id,
               NULL::int AS partner_id, %(in_type)s AS picking_type_id, now() - interval '30 days' AS date
        UNION ALL
        SELECT g, 1, %(stock)s, %(customer)s, (%(customers)s::int[])[g], %(out_type)s,
               now() - interval '29 days' + g * interval '1 minute'
          FROM generate_series(1, %(count)s) g;
        ALTER TABLE fan_line ADD COLUMN move_id int, ADD COLUMN line_id int, ADD COLUMN picking_id int;
        UPDATE fan_line SET move_id = nextval('stock_move_id_seq'), line_id = nextval('stock_move_line_id_seq'),
                            picking_id = nextval('stock_picking_id_seq');
        INSERT INTO stock_picking (id, name, picking_type_id, location_id, location_dest_id, move_type, state,
                                   partner_id, company_id, scheduled_date, date, date_done, priority,
                                   create_uid, create_date, write_uid, write_date)
        SELECT picking_id, 'RECALLBENCH/' || idx, picking_type_id, location_id, location_dest_id, 'direct', 'done',
               partner_id, %(company)s, date, date, date, '0', %(uid)s, now(), %(uid)s, now()
          FROM fan_line;
        INSERT INTO stock_move (id, name, reference, product_id, product_uom, product_uom_qty, product_qty, quantity,
                                location_id, location_dest_id, company_id, state, date, procure_method, picking_id,
                                picking_type_id, partner_id, picked, create_uid, create_date, write_uid, write_date)
        SELECT move_id, 'RECALLBENCH', 'RECALLBENCH/' || idx, %(product)s, %(uom)s, quantity, quantity, quantity,
               location_id, location_dest_id, %(company)s, 'done', date, 'make_to_stock', picking_id, picking_type_id,
               partner_id, true, %(uid)s, now(), %(uid)s, now()
          FROM fan_line;
        INSERT INTO stock_move_line (id, move_id, picking_id, product_id, product_uom_id, quantity,
                                     quantity_product_uom, location_id, location_dest_id, lot_id, state, date,
                                     company_id, reference, picked, create_uid, create_date, write_uid, write_date)
        SELECT line_id, move_id, picking_id, %(product)s, %(uom)s, quantity, quantity, location_id, location_dest_id,
               %(lot)s, 'done', date, %(company)s, 'RECALLBENCH/' || idx, true, %(uid)s, now(), %(uid)s, now()
          FROM fan_line;
        INSERT INTO stock_quant (product_id, location_id, lot_id, quantity, reserved_quantity, in_date,
                                 company_id, create_uid, create_date, write_uid, write_date)
        VALUES (%(product)s, %(stock)s, %(lot)s, 10, 0, now() - interval '30 days', %(company)s,
                %(uid)s, now(), %(uid)s, now());
        DROP TABLE fan_line;
        ANALYZE stock_move_line;
        ANALYZE stock_picking;
        """,
        params,
    )
    env.invalidate_all()
    return lot


def pick_lots(env):
    lots = env["stock.lot"]

    def middle(pattern):
        count = lots.search_count([("name", "=like", pattern)])
        return lots.search([("name", "=like", pattern)], order="name", offset=count // 2, limit=1)

    return [
        ("raw", middle("R-_______")),
        ("finished", middle("F-%")),
        ("hub", lots.search([("name", "=like", "R-%-HUB")], order="name", limit=1)),
    ]


def time_mock_recall(env, lot, runs):
    timings, walls = [], []
    for _run in range(runs):
        with env.cr.savepoint(flush=False) as savepoint:
            started = time.perf_counter()
            recall = env["stock.lot.recall"]._run_mock_recall(lot, reason="benchmark")
            env.flush_all()
            walls.append((time.perf_counter() - started) * 1000)
            timings.append(recall.scope_duration_ms)
            shape = (
                len(recall.affected_lot_ids),
                len(recall.customer_ids),
                len(recall.shipment_ids),
                recall.completeness,
            )
            savepoint.rollback()
    return timings, walls, shape


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
        fan_out = ensure_fan_out_lot(env)
        cr.commit()
        env.cr.execute("SELECT count(*) FROM stock_move_line WHERE state = 'done'")
        rows = env.cr.fetchone()[0]
        last = None
        for kind, lot in [*pick_lots(env), ("fan-out", fan_out)]:
            timings, walls, (lots, customers, shipments, completeness) = time_mock_recall(env, lot, args.runs)
            median, p95 = statistics.median(timings), percentile(timings, 0.95)
            wall = statistics.median(walls)
            print(
                f"lot={lot.name} kind={kind} rows={rows} affected_lots={lots} customers={customers} "
                f"shipments={shipments} completeness={completeness:.1f} scope_median_ms={median:.1f} "
                f"scope_p95_ms={p95:.1f} stored_median_ms={wall:.1f}",
                flush=True,
            )
            last = (lot.name, customers, shipments, median, p95, wall)
        cr.rollback()
    name, customers, shipments, median, p95, wall = last
    print(
        f"recall lot={name} customers={customers} shipments={shipments} scope_ms={median:.1f} p95_ms={p95:.1f} "
        f"stored_ms={wall:.1f}"
    )


if __name__ == "__main__":
    main()
