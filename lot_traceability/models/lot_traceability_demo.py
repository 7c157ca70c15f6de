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
    def _create_demo_qc_release(self):
        """The QA guides on the demo: units shown, a quarantine location in use, milk powder lots pending
        release (one with its checks recorded, ready to sign), and a receipt of it still to scan."""
        ref = self.env.ref
        ref("base.group_user").implied_ids = [Command.link(ref("uom.group_uom").id)]
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        # Inside WH/Stock: released lots are picked from there without moving; the others are never reserved.
        warehouse.qc_quarantine_location_id = self.env["stock.location"].create(
            {"name": self.env._("Quarantine"), "usage": "internal", "location_id": warehouse.lot_stock_id.id}
        )
        powder = ref("lot_traceability.demo_product_milk_powder")
        alpine = ref("lot_traceability.demo_partner_alpine_dairy")
        today = fields.Date.context_today(self)

        def label(code, produced_days_ago):
            produced = today - timedelta(days=produced_days_ago)
            return gs1.build({"01": powder.barcode, "11": produced, "17": produced + timedelta(days=365), "10": code})

        picking = self._receive(alpine, powder, [(250, label("AD-P2201", 6)), (250, label("AD-P2202", 2))])
        first = picking.move_line_ids.lot_id.sorted("id")[:1]
        for check in first.qc_check_ids:
            if check.value_type == "numeric":
                check.measured_value = 3.1
            elif check.value_type == "text":
                check.measured_text = "Absent"
        to_scan = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": alpine.id,
                "origin": self.env._("Demo purchase"),
                "move_ids": [
                    Command.create(
                        {
                            "name": powder.name,
                            "product_id": powder.id,
                            "product_uom_qty": 200,
                            "product_uom": powder.uom_id.id,
                            "location_id": warehouse.in_type_id.default_location_src_id.id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        to_scan.action_confirm()
        return picking

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

    @api.model
    def _create_demo_costing(self):
        """A lot-valued chain an accountant can open: purchased lots (one with a landed cost when
        stock_landed_costs is installed), a yogurt base made on a costed work centre, a finished
        lot made from it, invoiced to a customer with Odoo's lots-on-invoices shown."""
        env = self.env
        ref = env.ref
        env.ref("base.group_user").implied_ids = [Command.link(ref("stock_account.group_lot_on_invoice").id)]
        category = env["product.category"].create(
            {
                "name": env._("Lot-costed goods (FIFO)"),
                "property_cost_method": "fifo",
                "property_valuation": "manual_periodic",
            }
        )
        lot_valued = {"is_storable": True, "tracking": "lot", "lot_valuated": True, "categ_id": category.id}
        cream, honey, base, yogurt = env["product.product"].create(
            [
                dict(lot_valued, name=env._("Organic Cream (1 L)"), default_code="RM-CREAM"),
                dict(lot_valued, name=env._("Wildflower Honey (kg)"), default_code="RM-HONEY"),
                dict(lot_valued, name=env._("Honey Yogurt Base (kg)"), default_code="SF-HONEY-BASE"),
                dict(
                    lot_valued,
                    name=env._("Honey Yogurt 150 g"),
                    default_code="FG-YOG-HONEY",
                    list_price=1.8,
                    invoice_policy="delivery",
                ),
            ]
        )
        tank = env["mrp.workcenter"].create({"name": env._("Fermentation Tank 2"), "costs_hour": 45.0})
        env["mrp.bom"].create(
            [
                {
                    "product_tmpl_id": base.product_tmpl_id.id,
                    "product_qty": 100,
                    "bom_line_ids": [
                        Command.create({"product_id": cream.id, "product_qty": 90}),
                        Command.create({"product_id": honey.id, "product_qty": 10}),
                    ],
                    "operation_ids": [
                        Command.create({"name": env._("Ferment"), "workcenter_id": tank.id, "time_cycle_manual": 90})
                    ],
                },
                {
                    "product_tmpl_id": yogurt.product_tmpl_id.id,
                    "product_qty": 600,
                    "bom_line_ids": [Command.create({"product_id": base.id, "product_qty": 90})],
                },
            ]
        )
        cream_picking = self._purchase_demo_lot(ref("lot_traceability.demo_partner_alpine_dairy"), cream, 200, 1.10)
        self._purchase_demo_lot(ref("lot_traceability.demo_partner_sunvale"), honey, 40, 6.50)
        if "stock.landed.cost" in env:
            freight = env["product.product"].create(
                {"name": env._("Refrigerated freight"), "type": "service", "landed_cost_ok": True}
            )
            landed_cost = env["stock.landed.cost"].create(
                {
                    "picking_ids": [Command.set(cream_picking.ids)],
                    "cost_lines": [
                        Command.create(
                            {
                                "name": env._("Refrigerated freight"),
                                "product_id": freight.id,
                                "price_unit": 30.0,
                                "split_method": "equal",
                            }
                        )
                    ],
                }
            )
            landed_cost.compute_landed_cost()
            landed_cost.button_validate()
        for product, quantity, minutes in ((base, 100, 90), (yogurt, 600, 0)):
            production = env["mrp.production"].create(
                {"product_id": product.id, "product_qty": quantity, "bom_id": product.bom_ids[:1].id}
            )
            production.action_confirm()
            production.action_assign()
            production.action_generate_serial()
            production.qty_producing = quantity
            production._set_qty_producing()
            production.move_raw_ids.picked = True
            production.workorder_ids.duration = minutes
            production.button_mark_done()
        order = env["sale.order"].create(
            {
                "partner_id": ref("lot_traceability.demo_partner_fresh_market").id,
                "order_line": [Command.create({"product_id": yogurt.id, "product_uom_qty": 400, "price_unit": 1.8})],
            }
        )
        order.action_confirm()
        order.picking_ids.action_assign()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        invoice = order._create_invoices()
        invoice.invoice_date = fields.Date.context_today(self)
        invoice.action_post()
        return production.lot_producing_id

    @api.model
    def _purchase_demo_lot(self, supplier, product, quantity, price):
        order = self.env["purchase.order"].create(
            {
                "partner_id": supplier.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_qty": quantity, "price_unit": price, "taxes_id": False}
                    )
                ],
            }
        )
        order.button_confirm()
        picking = order.picking_ids
        picking.move_ids.move_line_ids.lot_name = f"{product.default_code}-{fields.Date.context_today(self):%y%m%d}"
        picking.move_ids.picked = True
        picking.button_validate()
        return picking
