"""Write cost of our indexes: validate a 1,000-line receipt and finish 100 manufacturing orders,
with and without the indexes lot_traceability adds, in the same database (each run rolled back).

Runs alternate (with, without, with, ...) so that cache warm-up favours neither side; the
medians are printed as:
    write picking_with_ms=.. picking_without_ms=.. mo_with_ms=.. mo_without_ms=.. overhead_pct=..
"""

import argparse
import statistics
import time

import odoo
from odoo import SUPERUSER_ID, Command, api

OUR_INDEXES = ("stock_move_line_lot_id_partial_index", "stock_move_unbuild_id_partial_index")


def prepare(env):
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    warehouse.in_type_id.use_create_lots = True
    products = env["product.product"].create(
        [{"name": f"Write bench {index}", "is_storable": True, "tracking": "lot"} for index in range(10)]
    )
    component = env["product.product"].create({"name": "Write bench component", "is_storable": True})
    env["stock.quant"]._update_available_quantity(component, warehouse.lot_stock_id, 100000)
    bom = env["mrp.bom"].create(
        {
            "product_tmpl_id": products[0].product_tmpl_id.id,
            "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": component.id, "product_qty": 2})],
        }
    )
    env.flush_all()
    return warehouse, products, bom


def validate_receipt(env, warehouse, products, run):
    picking = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "location_id": warehouse.in_type_id.default_location_src_id.id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.name,
                        "product_id": product.id,
                        "product_uom_qty": 100,
                        "location_id": warehouse.in_type_id.default_location_src_id.id,
                        "location_dest_id": warehouse.lot_stock_id.id,
                    }
                )
                for product in products
            ],
        }
    )
    picking.action_confirm()
    lines = []
    for move in picking.move_ids:
        move.move_line_ids.unlink()
        lines += [
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_uom.id,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
                "lot_name": f"W{run}-{move.product_id.id}-{index}",
                "quantity": 1,
                "picked": True,
            }
            for index in range(100)
        ]
    env["stock.move.line"].create(lines)
    env.flush_all()
    started = time.perf_counter()
    picking.button_validate()
    env.flush_all()
    return (time.perf_counter() - started) * 1000


def finish_productions(env, bom):
    productions = env["mrp.production"].create(
        [
            {"product_id": bom.product_tmpl_id.product_variant_id.id, "product_qty": 5, "bom_id": bom.id}
            for _index in range(100)
        ]
    )
    productions.action_confirm()
    productions.action_assign()
    env.flush_all()
    started = time.perf_counter()
    for production in productions:
        production.action_generate_serial()
        production.qty_producing = 5
        production._set_qty_producing()
        production.move_raw_ids.picked = True
    productions.button_mark_done()
    env.flush_all()
    return (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    timings = {(kind, indexed): [] for kind in ("picking", "mo") for indexed in (True, False)}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        warehouse, products, bom = prepare(env)
        cr.execute("SAVEPOINT prepared")
        for run in range(args.runs * 2 + 1):
            indexed = run % 2 == 1  # run 0 warms up and is not counted
            if not indexed:
                for index in OUR_INDEXES:
                    cr.execute(f'DROP INDEX IF EXISTS "{index}"')
            picking_ms = validate_receipt(env, warehouse, products, run)
            mo_ms = finish_productions(env, bom)
            if run:
                timings["picking", indexed].append(picking_ms)
                timings["mo", indexed].append(mo_ms)
            cr.execute("ROLLBACK TO SAVEPOINT prepared")
            env.invalidate_all()
        cr.rollback()
    medians = {key: statistics.median(values) for key, values in timings.items()}
    overhead = (medians["picking", True] + medians["mo", True]) / (medians["picking", False] + medians["mo", False])
    print(
        f"write picking_with_ms={medians['picking', True]:.0f} picking_without_ms={medians['picking', False]:.0f} "
        f"mo_with_ms={medians['mo', True]:.0f} mo_without_ms={medians['mo', False]:.0f} "
        f"overhead_pct={(overhead - 1) * 100:+.1f}"
    )


if __name__ == "__main__":
    main()
