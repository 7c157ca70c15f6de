from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestTrace(LotTraceabilityCommon):
    """Each test builds a small genealogy through Odoo's own flows and states by hand what the
    trace must find."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_2 = cls.env["res.partner"].create({"name": "Green Basket Grocers", "is_company": True})
        cls.pack = cls.env["product.product"].create({"name": "Yogurt 4-pack", "is_storable": True, "tracking": "lot"})
        cls.pack_bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.pack.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [Command.create({"product_id": cls.yogurt.id, "product_qty": 4})],
            }
        )

    def _lot(self, name):
        return self.env["stock.lot"].search([("name", "=", name)])

    def _lines(self, *lots):
        return set(
            self.env["stock.move.line"].search([("lot_id", "in", [lot.id for lot in lots]), ("state", "=", "done")]).ids
        )

    def _receive_raw_materials(self):
        self._receive(self.milk, 20, lot_name="M1")
        self._receive(self.milk, 20, lot_name="M2", partner=self.other_supplier)
        self._receive(self.sugar, 20, lot_name="S1")
        return self._lot("M1"), self._lot("M2"), self._lot("S1")

    def test_downstream_follows_manufacturing_and_every_split_delivery(self):
        milk_1, _milk_2, _sugar = self._receive_raw_materials()
        finished = self._produce(100).lot_producing_id  # consumes the 20 units of M1 (first in)
        self._deliver(self.yogurt, 60, self.customer)
        self._deliver(self.yogurt, 40, self.customer_2)

        result = milk_1.trace("downstream")

        self.assertEqual(result["lot_ids"], sorted((milk_1 | finished).ids))
        self.assertEqual(set(result["move_line_ids"]), self._lines(milk_1, finished))
        self.assertEqual(len(result["move_line_ids"]), 5, "receipt, consumption, production, two deliveries")
        self.assertEqual(result["customer_ids"], sorted((self.customer | self.customer_2).ids))
        self.assertEqual(result["supplier_ids"], self.supplier.ids)
        self.assertEqual(result["on_hand"], [], "everything was consumed or shipped")

    def test_upstream_of_a_finished_lot_reaches_every_merged_component_and_supplier(self):
        milk_1, milk_2, sugar = self._receive_raw_materials()
        finished = self._produce(150).lot_producing_id  # 30 milk: all of M1 and 10 of M2; 15 sugar

        result = finished.trace("upstream")

        self.assertEqual(result["lot_ids"], sorted((finished | milk_1 | milk_2 | sugar).ids))
        self.assertEqual(result["supplier_ids"], sorted((self.supplier | self.other_supplier).ids))
        self.assertEqual(result["customer_ids"], [])
        self.assertEqual(
            result["on_hand"],
            [
                {"lot_id": milk_2.id, "location_id": self.stock_location.id, "quantity": 10.0},
                {"lot_id": sugar.id, "location_id": self.stock_location.id, "quantity": 5.0},
                {"lot_id": finished.id, "location_id": self.stock_location.id, "quantity": 150.0},
            ],
        )

    def test_two_levels_of_manufacturing_in_both_directions(self):
        milk_1, _milk_2, sugar = self._receive_raw_materials()
        yogurt_lot = self._produce(40).lot_producing_id
        pack_lot = self._produce(10, bom=self.pack_bom).lot_producing_id
        self._deliver(self.pack, 10, self.customer_2)

        downstream = milk_1.trace("downstream")
        self.assertEqual(downstream["lot_ids"], sorted((milk_1 | yogurt_lot | pack_lot).ids))
        self.assertEqual(downstream["customer_ids"], self.customer_2.ids)

        upstream = pack_lot.trace("upstream")
        self.assertEqual(upstream["lot_ids"], sorted((pack_lot | yogurt_lot | milk_1 | sugar).ids))
        self.assertEqual(upstream["supplier_ids"], self.supplier.ids)

        both = yogurt_lot.trace("both")
        self.assertEqual(both["lot_ids"], sorted((milk_1 | sugar | yogurt_lot | pack_lot).ids))
        self.assertEqual(set(both["move_line_ids"]), self._lines(milk_1, sugar, yogurt_lot, pack_lot))

    def test_return_from_a_customer_is_walked_and_back_on_hand(self):
        self._receive_raw_materials()
        finished = self._produce(50).lot_producing_id
        delivery = self._deliver(self.yogurt, 50, self.customer)
        returned = self._return(delivery, 5)

        result = finished.trace("downstream")

        self.assertIn(returned.move_line_ids.id, result["move_line_ids"])
        self.assertEqual(result["customer_ids"], self.customer.ids)
        self.assertEqual(
            result["on_hand"],
            [{"lot_id": finished.id, "location_id": self.stock_location.id, "quantity": 5.0}],
        )

    def test_unbuild_links_the_finished_lot_to_the_recovered_components(self):
        milk_1, _milk_2, sugar = self._receive_raw_materials()
        production = self._produce(50)  # 10 of M1, 5 of S1
        finished = production.lot_producing_id
        unbuild = self.env["mrp.unbuild"].create(
            {"product_id": self.yogurt.id, "mo_id": production.id, "product_qty": 10, "lot_id": finished.id}
        )
        unbuild.action_unbuild()

        downstream = finished.trace("downstream")
        self.assertEqual(downstream["lot_ids"], sorted((finished | milk_1 | sugar).ids), "components recovered")
        unbuild_lines = self.env["stock.move.line"].search([("move_id.unbuild_id", "=", unbuild.id)])
        self.assertEqual(len(unbuild_lines), 3, "the unbuilt yogurts, the milk and the sugar recovered")
        self.assertTrue(set(unbuild_lines.ids) <= set(downstream["move_line_ids"]))
        upstream = milk_1.trace("upstream")
        self.assertEqual(upstream["lot_ids"], sorted((milk_1 | finished | sugar).ids))

    def test_rework_cycle_terminates(self):
        milk_1, _milk_2, sugar = self._receive_raw_materials()
        finished = self._produce(50).lot_producing_id
        # Rework: the finished lot goes back into milk lot M1 (a cycle M1 -> FG -> M1).
        finished_line = finished.ids and self.env["stock.move.line"].search(
            [("lot_id", "=", finished.id), ("move_id.production_id", "!=", False)]
        )
        milk_receipt_line = self.env["stock.move.line"].search(
            [("lot_id", "=", milk_1.id), ("picking_code", "=", "incoming")]
        )
        milk_receipt_line.consume_line_ids = finished_line

        for direction in ("upstream", "downstream", "both"):
            result = milk_1.trace(direction)
            self.assertIn(finished.id, result["lot_ids"], direction)
        self.assertEqual(milk_1.trace("downstream")["lot_ids"], sorted((milk_1 | finished).ids))
        self.assertEqual(milk_1.trace("upstream")["lot_ids"], sorted((milk_1 | finished | sugar).ids))

    def test_reserved_and_cancelled_lines_are_not_walked(self):
        milk_1, _milk_2, _sugar = self._receive_raw_materials()
        production = self.env["mrp.production"].create(
            {"product_id": self.yogurt.id, "product_qty": 50, "bom_id": self.bom.id}
        )
        production.action_confirm()
        production.action_assign()
        self.assertIn(milk_1, production.move_raw_ids.move_line_ids.lot_id, "M1 is reserved")

        result = milk_1.trace("both")
        self.assertEqual(result["lot_ids"], milk_1.ids)
        self.assertEqual(set(result["move_line_ids"]), self._lines(milk_1))
        self.assertEqual(len(result["move_line_ids"]), 1, "only the receipt is done")
        production.action_cancel()
        self.assertEqual(milk_1.trace("both")["move_line_ids"], result["move_line_ids"])

    def test_trace_stays_within_the_companies_the_user_selected(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain"})
        self.env.user.company_ids |= company_2
        lot = self.env["stock.lot"].create({"name": "SHARED-1", "product_id": self.milk.id})
        self._receive(self.milk, 5, lot_name="SHARED-1")
        warehouse_2 = self.env["stock.warehouse"].search([("company_id", "=", company_2.id)])
        picking_2 = (
            self.env["stock.picking"]
            .with_company(company_2)
            .create(
                {
                    "picking_type_id": warehouse_2.in_type_id.id,
                    "partner_id": self.other_supplier.id,
                    "location_id": self.supplier_location.id,
                    "location_dest_id": warehouse_2.lot_stock_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "milk",
                                "product_id": self.milk.id,
                                "product_uom_qty": 7,
                                "location_id": self.supplier_location.id,
                                "location_dest_id": warehouse_2.lot_stock_id.id,
                            }
                        )
                    ],
                }
            )
        )
        picking_2.action_confirm()
        picking_2.move_line_ids.write({"lot_id": lot.id, "quantity": 7, "picked": True})
        picking_2.button_validate()

        company_1_only = lot.with_context(allowed_company_ids=[self.company.id]).trace("both")
        self.assertEqual(company_1_only["supplier_ids"], self.supplier.ids)
        self.assertEqual([row["quantity"] for row in company_1_only["on_hand"]], [5.0])
        both_companies = lot.with_context(allowed_company_ids=[self.company.id, company_2.id]).trace("both")
        self.assertEqual(both_companies["supplier_ids"], sorted((self.supplier | self.other_supplier).ids))
        self.assertEqual(sorted(row["quantity"] for row in both_companies["on_hand"]), [5.0, 7.0])

    def test_one_query_per_direction_and_one_for_stock(self):
        milk_1, _milk_2, _sugar = self._receive_raw_materials()
        self._produce(100)
        self.env.flush_all()
        with self.assertQueryCount(3):
            milk_1.trace("both")
        with self.assertQueryCount(2):
            milk_1.trace("downstream")

    def test_trace_by_supplier_lot_starts_from_its_internal_lots(self):
        self._receive(self.milk, 20, supplier_lot_code="AD-42", lot_name="M42")
        self._receive(self.sugar, 20, lot_name="S42")
        finished = self._produce(100).lot_producing_id
        supplier_lot = self.env["stock.supplier.lot"].search([("name", "=", "AD-42")])

        result = supplier_lot.trace()

        self.assertEqual(result["lot_ids"], sorted((self._lot("M42") | finished).ids))
        self.assertEqual(result, self._lot("M42").trace("downstream"))

    def test_a_delivery_through_the_vendors_location_counts_its_partner_as_a_customer(self):
        self._receive(self.milk, 20, lot_name="M-VENDORS")
        lot = self._lot("M-VENDORS")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.delivery_type.id,
                "partner_id": self.customer_2.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.supplier_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "milk",
                            "product_id": self.milk.id,
                            "product_uom_qty": 5,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.supplier_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")

        result = lot.trace("both")

        self.assertEqual(result["customer_ids"], self.customer_2.ids)
        self.assertEqual(result["supplier_ids"], self.supplier.ids, "the vendor location is a destination here")
        self.assertEqual(set(result["move_line_ids"]), self._lines(lot))

    def test_unknown_direction_is_refused(self):
        milk_1, _milk_2, _sugar = self._receive_raw_materials()
        with self.assertRaisesRolledBack(UserError, "upstream, downstream or both"):
            milk_1.trace("sideways")

    def test_genealogy_screen_shows_both_directions_from_one_trace(self):
        milk_1, _milk_2, _sugar = self._receive_raw_materials()
        finished = self._produce(100).lot_producing_id
        self._deliver(self.yogurt, 100, self.customer)

        genealogy = milk_1._get_genealogy()[milk_1.id]
        self.assertEqual(genealogy["downstream"]["children"][0]["lot"], finished)
        self.assertEqual(genealogy["upstream"]["children"], [])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("lot_traceability.action_report_lot_genealogy", milk_1.ids)[0]
            .decode()
        )
        self.assertIn(finished.name, html)
        self.assertIn("Fresh Market Stores", html)
        action = milk_1.action_open_genealogy()
        self.assertEqual(action["report_name"], "lot_traceability.report_lot_genealogy")
        export = milk_1.action_export_genealogy()
        self.assertTrue(export["url"].startswith("/web/content/"))
