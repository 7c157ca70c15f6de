from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GTIN_MILK


@tagged("post_install", "-at_install")
class TestRoleGuideTours(HttpCase):
    """The README's role guides, followed in a browser: each tour fails when a step of its guide breaks."""

    def setUp(self):
        super().setUp()
        env = self.env
        self.admin = env.ref("base.user_admin")
        self.admin.groups_id += env.ref("stock.group_production_lot") + env.ref("lot_traceability.group_qa_manager")
        self.warehouse = env["stock.warehouse"].search([("company_id", "=", self.admin.company_id.id)], limit=1)
        self.supplier = env["res.partner"].create({"name": "Tour Mills", "is_company": True})

    def test_warehouse_receipt_with_a_gs1_scan(self):
        env = self.env
        rule = env["stock.lot.numbering.rule"].create(
            {"name": "Tour raw materials", "prefix": "RM", "date_format": "none", "padding": 4}
        )
        flour = env["product.product"].create(
            {
                "name": "Tour Flour",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "barcode": GTIN_MILK,
                "lot_numbering_rule_id": rule.id,
            }
        )
        self.warehouse.in_type_id.use_create_lots = True
        receipt = env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "partner_id": self.supplier.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": flour.name,
                            "product_id": flour.id,
                            "product_uom_qty": 25,
                            "location_id": self.warehouse.in_type_id.default_location_src_id.id,
                            "location_dest_id": self.warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()

        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "lot_traceability_warehouse_receipt_tour",
            login="admin",
            timeout=120,
        )

        self.assertEqual(receipt.state, "done")
        lot = receipt.move_line_ids.lot_id
        self.assertEqual(lot.name, "RM0001", "named by the product's numbering rule")
        self.assertEqual(lot.supplier_lot_id.name, "SUP-2611")
        self.assertEqual(lot.supplier_lot_id.partner_id, self.supplier)
        self.assertEqual(lot.expiration_date.date(), date(2027, 1, 31), "the scanned expiry")

    def test_qa_release_signature(self):
        env = self.env
        category = env["product.category"].create({"name": "Tour dairy", "qc_release_required": True})
        milk = env["product.product"].create(
            {"name": "Tour Milk", "is_storable": True, "tracking": "lot", "categ_id": category.id}
        )
        env["stock.lot.qc.spec"].create(
            {
                "name": "Tour milk release",
                "categ_id": category.id,
                "line_ids": [
                    Command.create({"name": "pH", "value_type": "numeric", "min_value": 6.4, "max_value": 6.8}),
                    Command.create({"name": "Listeria", "value_type": "text", "expected_text": "Absent"}),
                ],
            }
        )
        lot = env["stock.lot"].create({"name": "MILK-TOUR-QA", "product_id": milk.id})
        self.assertEqual(lot.qc_state, "pending")

        self.start_tour(
            "/odoo/action-lot_traceability.action_stock_lot_awaiting_release",
            "lot_traceability_qa_release_tour",
            login="admin",
            timeout=120,
        )

        self.assertEqual(lot.qc_state, "released")
        self.assertEqual(lot.qc_signature_ids.mapped("meaning"), ["Approved for release"])
        self.assertEqual(lot.qc_signature_ids.signer_id, self.admin)


@tagged("post_install", "-at_install")
class TestSaleLotTour(HttpCase):
    """The README's salesperson guide, "Choosing the lot on a sales order", followed in a browser."""

    def test_salesperson_chooses_the_lot_in_the_dialog_and_confirms(self):
        env = self.env
        salesperson = new_test_user(
            env,
            "tour_salesperson",
            password="tour_salesperson",
            groups="sales_team.group_sale_salesman,stock.group_production_lot",
            email="tour.sales@example.com",
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", salesperson.company_id.id)], limit=1)
        customer = env["res.partner"].create({"name": "Tour Grocers", "is_company": True})
        yogurt = env["product.product"].create(
            {
                "name": "Tour Yogurt",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "expiration_time": 30,
                "removal_time": 5,
                "list_price": 1.5,
            }
        )
        now = fields.Datetime.now()
        for name, days, state in (
            ("YOG-TOUR-A", 20, "released"),
            ("YOG-TOUR-B", 25, "released"),
            ("YOG-TOUR-HELD", 28, "on_hold"),
        ):
            lot = env["stock.lot"].create(
                {"name": name, "product_id": yogurt.id, "expiration_date": now + timedelta(days=days)}
            )
            env["stock.quant"]._update_available_quantity(yogurt, warehouse.lot_stock_id, 50, lot_id=lot)
            if state != "released":
                lot._write_qc_state(state, "tour fixture")
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": salesperson.id,
                "order_line": [Command.create({"product_id": yogurt.id, "product_uom_qty": 12})],
            }
        )

        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "lot_traceability_sale_lot_tour",
            login="tour_salesperson",
            timeout=120,
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.order_line.lot_id.name, "YOG-TOUR-B")
        self.assertEqual(order.picking_ids.move_line_ids.lot_id.name, "YOG-TOUR-B", "the delivery reserved the lot")
