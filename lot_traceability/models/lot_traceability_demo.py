from datetime import timedelta

from odoo import Command, api, fields, models

from ..tools import gs1


class LotTraceabilityDemo(models.AbstractModel):
    """Builds the demo's operations through the same server API users go through, so the
    demo database has real quants, supplier lots, lot origins and a genealogy to trace."""

    _name = "lot.traceability.demo"
    _description = "Lot Traceability Demo Data"

    @api.model
    def _create_demo_operations(self):
        ref = self.env.ref
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        warehouse.in_type_id.use_create_lots = True
        today = fields.Date.context_today(self)
        milk, puree, sugar = (ref(f"lot_traceability.demo_product_{name}") for name in ("milk", "puree", "sugar"))
        alpine, sunvale = (
            ref("lot_traceability.demo_partner_alpine_dairy"),
            ref("lot_traceability.demo_partner_sunvale"),
        )

        # Alpine Dairy prints GS1 labels (scanned); Sunvale's codes are typed from the delivery note.
        def alpine_label(product, code, produced_days_ago, shelf_days):
            produced = today - timedelta(days=produced_days_ago)
            return gs1.build(
                {
                    "01": product.barcode,
                    "11": produced,
                    "17": produced + timedelta(days=shelf_days),
                    "10": code,
                }
            )

        self._receive(
            alpine,
            milk,
            [(600, alpine_label(milk, "AD-24117", 4, 14)), (400, alpine_label(milk, "AD-24118", 3, 14))],
        )
        self._receive(alpine, milk, [(500, alpine_label(milk, "AD-24131", 1, 14))])
        self._receive(sunvale, puree, [(120, "SV/B-7781"), (80, "SV/B-7790")])
        self._receive(sunvale, sugar, [(100, "SV/S-1102")])

        yogurt = ref("lot_traceability.demo_product_yogurt")
        productions = [self._produce(yogurt, quantity) for quantity in (2000, 1500, 1000)]
        customers = [
            ref(f"lot_traceability.demo_partner_{name}") for name in ("fresh_market", "green_basket", "city_bakery")
        ]
        for customer, quantity in zip(customers, (1200, 900, 600), strict=True):
            self._deliver(warehouse, customer, yogurt, quantity)
        self._deliver(warehouse, customers[0], yogurt, 800)
        return productions

    @api.model
    def _receive(self, supplier, product, lines):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": supplier.id,
                "origin": self.env._("Demo purchase"),
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": sum(quantity for quantity, _code in lines),
                            "product_uom": product.uom_id.id,
                            "location_id": warehouse.in_type_id.default_location_src_id.id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        move = picking.move_ids
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": product.id,
                    "product_uom_id": product.uom_id.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "quantity": quantity,
                    "supplier_lot_code": code,
                    "picked": True,
                }
                for quantity, code in lines
            ]
        )
        picking.button_validate()
        return picking

    @api.model
    def _produce(self, product, quantity):
        production = self.env["mrp.production"].create(
            {"product_id": product.id, "product_qty": quantity, "bom_id": product.bom_ids[:1].id}
        )
        production.action_confirm()
        production.action_assign()
        production.action_generate_serial()
        production.qty_producing = quantity
        production._set_qty_producing()
        production.move_raw_ids.picked = True
        production.button_mark_done()
        return production

    @api.model
    def _deliver(self, warehouse, customer, product, quantity):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": customer.id,
                "origin": self.env._("Demo sale"),
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        return picking
