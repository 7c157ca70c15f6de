"""Reservation time per delivery move, ours (shelf-life rules, batched gather) against Odoo's.

For each size (quants per product) a lot-tracked FEFO product gets that many lots, one quant each
in WH/Stock, then a delivery of M moves of 1 unit is reserved (``action_assign``), once with our
rules and once with Odoo's own reservation (``lot_traceability_native_reservation`` context), each
run rolled back. Prints one line per size and move count:
    fefo quants=<n> moves=<m> ours_ms_per_move=.. native_ms_per_move=.. ratio=<native/ours> same_lots=<bool>
"""

import argparse
import time

import odoo
from odoo import SUPERUSER_ID, Command, api


def create_product_with_quants(env, quant_count):
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    warehouse.out_type_id.reservation_method = "manual"  # reserve in the timed action_assign, not at confirm
    category = env["product.category"].create(
        {"name": f"FEFO bench {quant_count}", "removal_strategy_id": env.ref("product_expiry.removal_fefo").id}
    )
    product = env["product.product"].create(
        {
            "name": f"FEFO bench product {quant_count}",
            "is_storable": True,
            "tracking": "lot",
            "use_expiration_date": True,
            "expiration_time": 365,
            "removal_time": 5,
            "categ_id": category.id,
        }
    )
    env.flush_all()
    # Lots expiring one day apart from 30 days on, one quant of 100 units each.
    env.cr.execute(
        """
        WITH lots AS (
            INSERT INTO stock_lot (name, product_id, product_uom_id, company_id, qc_state, expiration_date,
                                   removal_date, create_uid, create_date, write_uid, write_date)
            SELECT 'FEFO-' || %(product)s || '-' || g, %(product)s, %(uom)s, %(company)s, 'released',
                   now() + (30 + g) * interval '1 day', now() + (25 + g) * interval '1 day', 1, now(), 1, now()
              FROM generate_series(1, %(count)s) g
            RETURNING id, expiration_date, removal_date
        )
        INSERT INTO stock_quant (product_id, location_id, lot_id, quantity, reserved_quantity, in_date, company_id,
                                 expiration_date, removal_date, create_uid, create_date, write_uid, write_date)
        SELECT %(product)s, %(location)s, id, 100, 0, now(), %(company)s, expiration_date, removal_date,
               1, now(), 1, now()
          FROM lots
        """,
        {
            "product": product.id,
            "uom": product.uom_id.id,
            "company": env.company.id,
            "count": quant_count,
            "location": warehouse.lot_stock_id.id,
        },
    )
    env.cr.execute("ANALYZE stock_quant")
    return warehouse, product


def time_reservation(env, warehouse, product, move_count, native):
    customer = env.ref("stock.stock_location_customers")
    # One delivery per move: Odoo would merge identical moves of one transfer into one.
    picking = env["stock.picking"].create(
        [
            {
                "picking_type_id": warehouse.out_type_id.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customer.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": customer.id,
                        }
                    )
                ],
            }
            for _index in range(move_count)
        ]
    )
    picking.action_confirm()
    env.flush_all()
    env.invalidate_all()
    picking = picking.with_context(lot_traceability_native_reservation=native)
    started = time.perf_counter()
    picking.action_assign()
    env.flush_all()
    elapsed = (time.perf_counter() - started) * 1000 / move_count
    reserved = picking.move_line_ids
    if len(reserved) != move_count:
        raise RuntimeError(f"{len(reserved)} of {move_count} moves reserved")
    return elapsed, reserved.lot_id.mapped("name")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--quants", default="100,20000")
    parser.add_argument("--moves", default="100,1000")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of ours and Odoo's; the last counts")
    parser.add_argument(
        "--ours-only", action="store_true", help="skip Odoo's reservation (hours at 10,000 moves and 20,000 quants)"
    )
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for quant_count in (int(value) for value in args.quants.split(",")):
            warehouse, product = create_product_with_quants(env, quant_count)
            cr.execute("SAVEPOINT fefo_bench")
            for move_count in (int(value) for value in args.moves.split(",")):
                results = {}
                for native in ((False,) if args.ours_only else (False, True)) * args.rounds:  # keep the last
                    results[native] = time_reservation(env, warehouse, product, move_count, native)
                    cr.execute("ROLLBACK TO SAVEPOINT fefo_bench")
                    env.invalidate_all()
                ours, our_lots = results[False]
                if args.ours_only:
                    print(f"fefo quants={quant_count} moves={move_count} ours_ms_per_move={ours:.2f}", flush=True)
                    continue
                theirs, their_lots = results[True]
                print(
                    f"fefo quants={quant_count} moves={move_count} ours_ms_per_move={ours:.2f} "
                    f"native_ms_per_move={theirs:.2f} ratio={theirs / ours:.1f} same_lots={our_lots == their_lots}",
                    flush=True,
                )
        cr.rollback()


if __name__ == "__main__":
    main()
