from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import GTIN_MILK, GTIN_SUGAR, LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestGs1ScanAnywhere(LotTraceabilityCommon):
    """A warehouse user scans a lot label wherever a lot is asked for, not only on receipts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        fixture = cls._fixture_builder()
        fixture._receive(cls.milk, 30, lot_name="MILK-S1")
        fixture._receive(cls.milk, 30, lot_name="MILK-S2")
        fixture._receive(cls.sugar, 30, lot_name="MILK-S1")  # same name, other product
        cls.lot_s1 = cls.env["stock.lot"].search([("name", "=", "MILK-S1"), ("product_id", "=", cls.milk.id)])

    def _scans(self, lot_name):
        return [
            f"(01){GTIN_MILK}(10){lot_name}",
            f"]d201{GTIN_MILK}10{lot_name}",
            f"01{GTIN_MILK}10{lot_name}\x1d37" + "4",
            f"https://id.gs1.org/01/{GTIN_MILK}/10/{lot_name}?17=260420",
        ]

    def test_a_scan_finds_the_lot_in_the_lists_of_lots_quants_and_move_lines(self):
        for scan in self._scans("MILK-S1"):
            with self.subTest(scan=scan):
                self.assertEqual(self.env["stock.lot"].search([("display_name", "ilike", scan)]), self.lot_s1)
                quants = self.env["stock.quant"].search([("lot_id", "ilike", scan)])
                self.assertEqual(quants.lot_id, self.lot_s1)
                lines = self.env["stock.move.line"].search([("lot_id", "ilike", scan)])
                self.assertEqual(lines.lot_id, self.lot_s1)
        # The lots list searches its name field through the same rule.
        self.assertEqual(self.env["stock.lot"].name_search(self._scans("MILK-S2")[0])[0][1], "MILK-S2")
        # A plain lot code is searched as before.
        self.assertEqual(len(self.env["stock.lot"].search([("display_name", "ilike", "MILK-S")])), 3)

    def test_a_wrong_check_digit_says_which_digit_wherever_it_is_scanned(self):
        scan = "(01)09506000134353(10)MILK-S1"
        with self.assertRaisesRegex(UserError, "14th and last digit.*expected 2, got 3"):
            self.env["stock.lot"].search([("display_name", "ilike", scan)])
        with self.assertRaisesRegex(UserError, "14th and last digit.*expected 2, got 3"):
            self.env["stock.quant"].search([("lot_id", "ilike", scan)])

    def test_the_lot_field_of_a_line_refuses_another_products_scan(self):
        lots = self.env["stock.lot"].with_context(default_product_id=self.milk.id)
        self.assertEqual([name for _id, name in lots.name_search(self._scans("MILK-S1")[0])], ["MILK-S1"])
        with self.assertRaisesRegex(UserError, rf"Cane Sugar \(GTIN {GTIN_SUGAR}\).*Organic Whole Milk"):
            lots.name_search(f"(01){GTIN_SUGAR}(10)MILK-S1")

    def test_a_scan_on_a_delivery_line_picks_the_lot_and_the_quantity(self):
        picking = self._create_delivery(self.milk, 10)
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.edit(0) as line,
        ):
            line.gs1_scan = f"(01){GTIN_MILK}(37)6(10)MILK-S2"
            self.assertEqual(line.lot_id.name, "MILK-S2")
            self.assertEqual(line.quantity, 6)
            self.assertFalse(line.gs1_scan)
        self.assertEqual(picking.move_line_ids.lot_id.mapped("name"), ["MILK-S2"])

    def test_a_scan_of_another_product_or_of_an_unknown_lot_is_refused_with_the_reason(self):
        picking = self._create_delivery(self.milk, 10)
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.edit(0) as line,
        ):
            with self.assertRaisesRegex(UserError, "Cane Sugar.*but this line is for.*Organic Whole Milk"):
                line.gs1_scan = f"(01){GTIN_SUGAR}(10)MILK-S1"
            with self.assertRaisesRegex(UserError, "Lot NOPE of .*Organic Whole Milk.* does not exist"):
                line.gs1_scan = f"(01){GTIN_MILK}(10)NOPE"
            with self.assertRaisesRegex(UserError, "wrong check digit"):
                line.gs1_scan = "(01)09506000134353(10)MILK-S1"

    def test_a_scan_on_a_receipt_names_the_new_lot_with_its_expiry(self):
        picking = self._create_receipt(self.milk, 12)
        picking.move_ids.move_line_ids.unlink()
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.new() as line,
        ):
            line.gs1_scan = f"https://id.gs1.org/01/{GTIN_MILK}/10/NEW-7?17=400420&30=12"
            self.assertEqual(line.lot_name, "NEW-7")
            self.assertEqual(line.quantity, 12)
            self.assertEqual(line.expiration_date.date(), date(2040, 4, 20))
        picking.move_ids.picked = True
        picking.button_validate()
        lot = self.env["stock.lot"].search([("name", "=", "NEW-7")])
        self.assertEqual(lot.expiration_date.date(), date(2040, 4, 20))

    def test_a_scan_into_the_lot_name_column_is_read_too(self):
        picking = self._create_receipt(self.milk, 5)
        picking.move_ids.move_line_ids.unlink()
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.new() as line,
        ):
            line.lot_name = f"(01){GTIN_MILK}(17)400420(10)NEW-8"
            self.assertEqual(line.lot_name, "NEW-8")

    def test_a_scan_on_a_manufacturing_component_picks_an_existing_lot_only(self):
        self._receive(self.sugar, 30, lot_name="SUGAR-S1")
        production = self.env["mrp.production"].create(
            {"product_id": self.yogurt.id, "product_qty": 10, "bom_id": self.bom.id}
        )
        production.action_confirm()
        milk_move = production.move_raw_ids.filtered(lambda move: move.product_id == self.milk)
        with (
            Form(milk_move, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.new() as line,
        ):
            with self.assertRaisesRegex(UserError, "does not exist"):
                line.gs1_scan = f"(01){GTIN_MILK}(10)NOT-RECEIVED"
            line.gs1_scan = f"(01){GTIN_MILK}(10)MILK-S1(37)2"
            self.assertEqual(line.lot_id, self.lot_s1)
            self.assertEqual(line.quantity, 2)
