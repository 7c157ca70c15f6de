"""Prepare a copy of the benchmark database for the resolver load test (never the benchmark itself).

Publishes the company on the GS1 resolver, gives every lot-tracked product a GTIN when it has no barcode
(GS1's example prefix 0950600), confirms one real recall (so that some pages carry the banner) and writes
the URLs to request, one per line, ``<kind> <path>``: ``page``, ``linkset``, ``product`` and ``unknown``.

Usage (inside the Odoo environment, see tests/load/run_resolver):
    python prepare_resolver.py --config odoo.conf --database db --urls urls.txt [--lots 2000]
"""

import argparse
import importlib.util
import pathlib
import random
from urllib.parse import quote

import odoo
from odoo import SUPERUSER_ID, Command, api

_path = pathlib.Path(__file__).resolve().parents[2] / "lot_traceability" / "tools" / "gs1.py"
_spec = importlib.util.spec_from_file_location("lot_traceability_gs1", _path)
gs1 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gs1)


def gtin_of(product_id):
    body = f"0950600{product_id:06d}"
    return body + str(gs1.gtin_check_digit(body))


def prepare(env, lot_count):
    env.company.write(
        {
            "gs1_resolver_published": True,
            "gs1_resolver_contact": "Consumer line +1 800 555 0100",
        }
    )
    products = env["product.product"].search([("tracking", "!=", "none"), ("barcode", "=", False)])
    for product in products:
        product.barcode = gtin_of(product.id)
    recall = env["stock.lot.recall"].search([("reason", "=", "Resolver load test")], limit=1)
    if not recall:
        # A finished lot that was shipped: the recall holds it and its page shows the banner.
        env.cr.execute(
            """SELECT lot_id FROM stock_move_line sml JOIN stock_location l ON l.id = sml.location_dest_id
                WHERE l.usage = 'customer' AND sml.state = 'done' AND sml.lot_id IS NOT NULL
                ORDER BY sml.id DESC LIMIT 1"""
        )
        lot = env["stock.lot"].browse(env.cr.fetchone()[0])
        recall = env["stock.lot.recall"].create(
            {"lot_ids": [Command.set(lot.ids)], "reason": "Resolver load test", "fda_class": "class_2"}
        )
        recall.action_confirm()
    env.cr.execute(
        "SELECT lot.name, product.barcode FROM stock_lot lot"
        " JOIN product_product product ON product.id = lot.product_id"
        " WHERE product.barcode IS NOT NULL ORDER BY lot.id"
    )
    rows = env.cr.fetchall()
    rng = random.Random(14)
    sample = rng.sample(rows, min(lot_count, len(rows)))
    recalled = [(lot.name, lot.product_id.barcode) for lot in recall.affected_lot_ids[:20]]
    urls = []
    for name, barcode in sample + recalled:
        path = f"/01/{gs1.normalize_gtin(barcode)}/10/{quote(name, safe='')}"
        urls.append(("page", path))
        urls.append(("linkset", path))
    for barcode in {barcode for _name, barcode in sample}:
        urls.append(("product", f"/01/{gs1.normalize_gtin(barcode)}"))
    for index in range(len(sample) // 10):
        urls.append(("unknown", f"/01/{gs1.normalize_gtin(sample[index][1])}/10/NO-SUCH-LOT-{index}"))
    return urls, len(sample), len(recall.affected_lot_ids)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--urls", required=True)
    parser.add_argument("--lots", type=int, default=2000)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        urls, lots, recalled = prepare(env, args.lots)
        env.cr.execute("SELECT count(*) FROM stock_move_line")
        rows = env.cr.fetchone()[0]
        cr.commit()
    with open(args.urls, "w", encoding="utf-8") as file:
        file.writelines(f"{kind} {path}\n" for kind, path in urls)
    print(f"prepared rows={rows} lots={lots} recalled_lots={recalled} urls={len(urls)}")


if __name__ == "__main__":
    main()
