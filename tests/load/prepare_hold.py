"""Prepare a database for the hold load test (tests/load/run_hold): products, lots in stock, users.

Two lot-tracked FEFO products of their own for this run (so that runs never mix): one whose busiest lot a
QA manager holds by signature, one whose busiest lot a recall manager recalls. Each gets ``--lots`` lots
one day apart, ``--quantity`` units each in WH/Stock. Users (reused between runs, passwords reset):
``--clerks`` stock users, a QA manager and a recall manager. Writes what the clients and the check need
(ids, logins, passwords: random for each run, the database is a throw-away copy) as JSON to ``--out``.

Usage (inside the Odoo environment, see tests/load/run_hold):
    python prepare_hold.py --config odoo.conf --database db --out run.json [--clerks 4] [--lots 5]
"""

import argparse
import json
import secrets
import time
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, Command, api, fields


def upsert_user(env, login, name, groups):
    password = secrets.token_urlsafe(12)
    users = env["res.users"].with_context(active_test=False)
    user = users.search([("login", "=", login)], limit=1)
    values = {
        "name": name,
        "login": login,
        "email": f"{login}@example.com",
        "password": password,
        "active": True,
        "groups_id": [Command.set([env.ref(group).id for group in groups])],
    }
    if user:
        user.write(values)
    else:
        user = users.create(values)
    return {"login": login, "password": password, "id": user.id}


def receive(env, warehouse, product, lot, quantity):
    """A validated receipt of ``quantity`` of ``lot``: the lot moved, as a recall's seed lot must have."""
    suppliers = env.ref("stock.stock_location_suppliers")
    receipt = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "location_id": suppliers.id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.name,
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "location_id": suppliers.id,
                        "location_dest_id": warehouse.lot_stock_id.id,
                    }
                )
            ],
        }
    )
    receipt.action_confirm()
    receipt.move_ids.move_line_ids.write({"lot_id": lot.id, "quantity": quantity, "picked": True})
    receipt.button_validate()


def prepare(env, clerks, lot_count, quantity):
    stamp = time.strftime("%Y%m%d-%H%M%S")
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    warehouse.out_type_id.reservation_method = "at_confirm"  # as Odoo sets deliveries up
    category = env["product.category"].create(
        {"name": f"Hold load {stamp}", "removal_strategy_id": env.ref("product_expiry.removal_fefo").id}
    )
    now = fields.Datetime.now()
    products = {}
    lots = {}
    for role, name in (("signature", "Milk"), ("recall", "Yogurt")):
        product = env["product.product"].create(
            {
                "name": f"Hold load {name} {stamp}",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "expiration_time": 365,
                "removal_time": 5,
                "categ_id": category.id,
            }
        )
        role_lots = env["stock.lot"].create(
            [
                {
                    "name": f"HL-{name[0]}-{stamp}-{index}",
                    "product_id": product.id,
                    "expiration_date": now + timedelta(days=60 + index),
                }
                for index in range(1, lot_count + 1)
            ]
        )
        for lot in role_lots:
            receive(env, warehouse, product, lot, quantity)
        products[role] = product.id
        lots[role] = role_lots.ids
    customers = env["res.partner"].create(
        [{"name": f"Hold load customer {index}", "email": f"customer{index}@example.com"} for index in range(1, 4)]
    )
    stock_users = ["stock.group_stock_user", "stock.group_production_lot"]
    users = {
        "clerks": [
            upsert_user(env, f"hold.load.clerk{index}", f"Clerk {index}", stock_users) for index in range(1, clerks + 1)
        ],
        "qa": upsert_user(
            env, "hold.load.qa", "QA Manager (load)", [*stock_users, "lot_traceability.group_qa_manager"]
        ),
        "recall": upsert_user(
            env,
            "hold.load.recall",
            "Recall Manager (load)",
            [*stock_users, "lot_traceability.group_qa_manager", "lot_traceability_recall.group_recall_manager"],
        ),
    }
    return {
        "database": env.cr.dbname,
        "stamp": stamp,
        "products": products,
        "lots": lots,
        "quantity": quantity,
        "customers": customers.ids,
        "picking_type_id": warehouse.out_type_id.id,
        "stock_location_id": warehouse.lot_stock_id.id,
        "customer_location_id": env.ref("stock.stock_location_customers").id,
        "users": users,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--clerks", type=int, default=4)
    parser.add_argument("--lots", type=int, default=5)
    parser.add_argument("--quantity", type=float, default=100000)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        run = prepare(env, args.clerks, args.lots, args.quantity)
        cr.commit()
    with open(args.out, "w", encoding="utf-8") as file:
        json.dump(run, file)
    print(
        f"prepared products={len(run['products'])} lots_per_product={args.lots} quantity_per_lot={args.quantity:g} "
        f"clerks={args.clerks}"
    )


if __name__ == "__main__":
    main()
