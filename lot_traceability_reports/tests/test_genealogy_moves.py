import lxml.html

from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

GENEALOGY_REPORT = "lot_traceability_reports.action_report_lot_genealogy_tree"


@tagged("post_install", "-at_install")
class TestGenealogyMoves(LotTraceabilityCommon):
    """Under each lot of the genealogy, its moves as what they are: milk and sugar received from two
    suppliers, yogurt made of them, shipped to three customers, partly returned, scrapped and counted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.green_basket = cls.env["res.partner"].create({"name": "Green Basket Grocers", "is_company": True})
        cls.city_bakery = cls.env["res.partner"].create({"name": "City Bakery", "is_company": True})
        cls.stock_user = new_test_user(
            cls.env,
            "genealogy.moves.user",
            groups="stock.group_stock_user,stock.group_production_lot,mrp.group_mrp_user",
            name="Sam Stockman",
        )
        fixture = cls._fixture_builder()
        cls.milk_receipt = fixture._receive(cls.milk, 20, supplier_lot_code="AD-7731", lot_name="MILK-GEN")
        cls.sugar_receipt = fixture._receive(cls.sugar, 20, lot_name="SUGAR-GEN", partner=cls.other_supplier)
        cls.milk_lot, cls.sugar_lot = cls.milk_receipt.move_line_ids.lot_id, cls.sugar_receipt.move_line_ids.lot_id
        cls.production = fixture._produce(100)
        cls.yogurt_lot = cls.production.lot_producing_id
        cls.deliveries = [
            fixture._deliver(cls.yogurt, quantity, partner)
            for partner, quantity in ((cls.customer, 30), (cls.green_basket, 20), (cls.city_bakery, 10))
        ]
        cls.customer_return = fixture._return(cls.deliveries[0], 5)
        cls.scrap = cls.env["stock.scrap"].create(
            {
                "product_id": cls.yogurt.id,
                "lot_id": cls.yogurt_lot.id,
                "scrap_qty": 2,
                "location_id": cls.stock_location.id,
            }
        )
        cls.scrap.action_validate()
        quant = cls.env["stock.quant"].search(
            [("lot_id", "=", cls.yogurt_lot.id), ("location_id", "=", cls.stock_location.id)]
        )
        quant.with_context(inventory_mode=True).inventory_quantity = quant.quantity - 3
        quant.action_apply_inventory()
        cls.Lot = cls.env["stock.lot"].with_user(cls.stock_user)

    # ------------------------------------------------------------------

    def _done_lines(self, lot):
        """The lot's done move lines, read apart from the genealogy's code."""
        return self.env["stock.move.line"].search([("lot_id", "=", lot.id), ("state", "=", "done")])

    def _root(self, lot):
        (root,) = self.Lot.get_genealogy_roots("stock.lot", lot.ids)["roots"]
        return root

    def _rows(self, rows, kind):
        return [row for row in rows if row["kind"] == kind]

    def test_a_lot_shipped_to_three_customers_shows_three_deliveries_naming_them(self):
        root = self._root(self.yogurt_lot)

        deliveries = self._rows(root["moves"]["downstream"], "delivery")
        expected = self._done_lines(self.yogurt_lot).filtered(
            lambda line: line.location_id.usage == "internal" and line.location_dest_id.usage == "customer"
        )
        self.assertEqual(len(expected), 3)
        self.assertEqual(
            sorted(
                (row["id"], row["date"], row["reference"], row["partner"], row["quantity"], row["uom"])
                for row in deliveries
            ),
            sorted(
                (
                    line.id,
                    line.date.strftime("%Y-%m-%d %H:%M:%S"),
                    line.picking_id.name,
                    line.picking_id.partner_id.display_name,
                    line.quantity,
                    line.product_uom_id.name,
                )
                for line in expected
            ),
        )
        self.assertEqual(
            sorted(row["partner"] for row in deliveries), ["City Bakery", "Fresh Market Stores", "Green Basket Grocers"]
        )
        for row in deliveries:
            line = expected.browse(row["id"])
            self.assertEqual(row["kind_label"], "Delivery")
            self.assertEqual((row["document_model"], row["document_id"]), ("stock.picking", line.picking_id.id))
            self.assertEqual(
                (row["location"], row["location_dest"]),
                (line.location_id.display_name, line.location_dest_id.display_name),
            )

    def test_returns_scraps_counts_and_manufacturing_appear_as_what_they_are(self):
        root = self._root(self.yogurt_lot)
        downstream, upstream = root["moves"]["downstream"], root["moves"]["upstream"]

        self.assertEqual(
            [row["kind"] for row in downstream],
            ["delivery", "delivery", "delivery", "customer_return", "scrap", "inventory"],
            "in the order they happened",
        )
        (returned,) = self._rows(downstream, "customer_return")
        self.assertEqual(returned["kind_label"], "Customer return")
        self.assertEqual(returned["partner"], "Fresh Market Stores")
        self.assertEqual(returned["reference"], self.customer_return.name)
        self.assertEqual(returned["quantity"], 5)
        (scrapped,) = self._rows(downstream, "scrap")
        self.assertEqual((scrapped["document_model"], scrapped["document_id"]), ("stock.scrap", self.scrap.id))
        self.assertEqual((scrapped["kind_label"], scrapped["quantity"]), ("Scrap", 2))
        (counted,) = self._rows(downstream, "inventory")
        self.assertEqual((counted["kind_label"], counted["quantity"]), ("Inventory adjustment", 3))
        (made,) = upstream
        self.assertEqual((made["kind"], made["kind_label"]), ("manufactured", "Manufactured"))
        self.assertEqual((made["document_model"], made["document_id"]), ("mrp.production", self.production.id))
        self.assertEqual((made["reference"], made["quantity"]), (self.production.name, 100))
        self.assertEqual(
            sorted(row["id"] for row in upstream + downstream),
            sorted(self._done_lines(self.yogurt_lot).ids),
            "every done move of the lot, once",
        )

    def test_a_received_lot_names_its_supplier_and_its_production_shows_the_shipments(self):
        root = self._root(self.milk_lot)

        (received,) = root["moves"]["upstream"]
        self.assertEqual((received["kind"], received["kind_label"]), ("receipt", "Receipt"))
        self.assertEqual(received["partner"], "Alpine Dairy Cooperative")
        self.assertEqual(
            (received["document_model"], received["document_id"], received["reference"]),
            ("stock.picking", self.milk_receipt.id, self.milk_receipt.name),
        )
        (consumed,) = root["moves"]["downstream"]
        self.assertEqual((consumed["kind"], consumed["kind_label"]), ("consumed", "Consumed in manufacturing"))
        self.assertEqual((consumed["document_model"], consumed["document_id"]), ("mrp.production", self.production.id))
        # The yogurt made from the milk, folded: it says how many moves unfolding it shows, and shows them.
        (yogurt,) = root["downstream"]
        self.assertEqual(yogurt["id"], self.yogurt_lot.id)
        self.assertEqual(yogurt["downstream_move_count"], 6)
        moves = self.Lot.get_genealogy_moves(self.yogurt_lot.ids, "downstream")
        self.assertEqual(moves[str(self.yogurt_lot.id)], self._root(self.yogurt_lot)["moves"]["downstream"])
        self.assertEqual(len(self._rows(moves[str(self.yogurt_lot.id)], "delivery")), 3)
        sugar_moves = self.Lot.get_genealogy_moves(self.sugar_lot.ids, "upstream")[str(self.sugar_lot.id)]
        self.assertEqual([row["partner"] for row in sugar_moves], ["Sunvale Orchards"])

    def test_moves_of_many_lots_cost_the_queries_of_one(self):
        def count(lots):
            """Queries of the call with warm caches (the fewer of two runs: a cache of record rules may
            be filled by either)."""
            runs = []
            for _run in range(2):
                self.env.invalidate_all()
                before = self.cr.sql_log_count
                result = self.Lot.get_genealogy_moves(lots.ids, "downstream")
                runs.append(self.cr.sql_log_count - before)
            self.assertEqual(len(result), len(lots))
            return min(runs)

        one = count(self.milk_lot)
        many = count(self.milk_lot | self.sugar_lot)
        self.assertEqual(many, one, "no query per lot")
        self.assertLessEqual(one, 10)

    def test_print_menu_prints_the_whole_tree_with_the_shipments_and_receipts_of_each_lot(self):
        lots = self.milk_lot | self.sugar_lot
        html, _format = self.env["ir.actions.report"]._render_qweb_html(GENEALOGY_REPORT, lots.ids)
        html = " ".join(lxml.html.fromstring(html).xpath("//main")[0].text_content().split())

        for lot in lots:
            self.assertIn(f"Genealogy of lot {lot.name}", html)
        for lot in self.env["stock.lot"].browse(lots.trace("both")["lot_ids"]):
            self.assertIn(lot.name, html)
        for delivery in self.deliveries:
            self.assertEqual(html.count(delivery.name), 2, "the shipments of the yogurt, under each lot it was made of")
        for partner in ("Fresh Market Stores", "Green Basket Grocers", "City Bakery"):
            self.assertGreaterEqual(html.count(partner), 2, partner)
        for receipt, supplier in (
            (self.milk_receipt, "Alpine Dairy Cooperative"),
            (self.sugar_receipt, "Sunvale Orchards"),
        ):
            self.assertIn(receipt.name, html)
            self.assertIn(supplier, html)
        self.assertIn(self.production.name, html)
        self.assertIn(self.scrap.name, html)
        self.assertIn(self.customer_return.name, html)

    def test_bad_input_is_refused(self):
        with self.assertRaisesRegex(UserError, "Unknown genealogy direction"):
            self.Lot.get_genealogy_moves(self.milk_lot.ids, "sideways")
        for lot_ids in ("1,2", [str(self.milk_lot.id)], None):
            with self.assertRaisesRegex(UserError, "genealogy takes lots by their ids"):
                self.Lot.get_genealogy_moves(lot_ids, "upstream")
        report = self.env["ir.actions.report"]
        for data in ({"lot_ids": "all"}, {"lot_ids": ["1"]}, {"lot_ids": [self.milk_lot.id], "unfolded": "all"}):
            with self.assertRaisesRegex(UserError, "genealogy"):
                report._render_qweb_html(GENEALOGY_REPORT, None, data=data)
