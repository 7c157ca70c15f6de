import re
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from ..tools import gs1
from .common import GTIN_MILK, LotTraceabilityCommon


def gtin(digits13):
    return digits13 + str(gs1.gtin_check_digit(digits13))


GTIN_CHEESE = gtin("0950600099911")  # a fixed measure trade item sold by weight (kg)
GTIN_FLOUR_G = gtin("0950600099912")  # counted in grams
GTIN_WHEEL = gtin("9950600099913")  # indicator digit 9: a variable measure trade item, counted in units
GTIN_OIL = gtin("0950600099914")  # counted in litres


@tagged("post_install", "-at_install")
class TestScanQuantity(LotTraceabilityCommon):
    """Quantities read from the scan: the count (AI 30/37) and the measure (AI 310n-316n)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        kg, gram, unit, litre = (
            cls.env.ref(xmlid)
            for xmlid in (
                "uom.product_uom_kgm",
                "uom.product_uom_gram",
                "uom.product_uom_unit",
                "uom.product_uom_litre",
            )
        )
        tracked = {"is_storable": True, "tracking": "lot"}
        cls.cheese = cls.env["product.product"].create(
            dict(tracked, name="Cheddar Block", barcode=GTIN_CHEESE, uom_id=kg.id, uom_po_id=kg.id)
        )
        cls.flour = cls.env["product.product"].create(
            dict(tracked, name="Rye Flour", barcode=GTIN_FLOUR_G, uom_id=gram.id, uom_po_id=gram.id)
        )
        cls.wheel = cls.env["product.product"].create(
            dict(tracked, name="Gouda Wheel", barcode=GTIN_WHEEL, uom_id=unit.id, uom_po_id=unit.id)
        )
        cls.oil = cls.env["product.product"].create(
            dict(tracked, name="Olive Oil", barcode=GTIN_OIL, uom_id=litre.id, uom_po_id=litre.id)
        )
        cls.stock_user = new_test_user(
            cls.env, "scan.counter", groups="stock.group_stock_manager,stock.group_production_lot"
        )

    def _scan_receipt_line(self, product, quantity, scan):
        """A new line of a receipt of ``product``, scanned in the detailed operations; the line's values."""
        picking = self._create_receipt(product, quantity)
        picking.move_ids.move_line_ids.unlink()
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.new() as line,
        ):
            line.gs1_scan = scan
            values = {
                "lot_name": line.lot_name,
                "quantity": line.quantity,
                "measure": line.gs1_measure_quantity,
                "measure_uom": line.gs1_measure_uom_id,
            }
        return picking, values

    def _refused(self, product, scan, regex):
        """The scan is refused with ``regex``, the message quoting the scan; nothing is written."""
        picking = self._create_receipt(product, 5)
        picking.move_ids.move_line_ids.unlink()
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.new() as line,
        ):
            with self.assertRaisesRegex(UserError, regex) as capture:
                line.gs1_scan = scan
            self.assertIn(f"(scanned: {scan})", str(capture.exception))
            line.lot_name = "TYPED"
            line.quantity = 1
        self.assertEqual(picking.move_line_ids.mapped("quantity"), [1])

    # ------------------------------------------------------------------
    # Counts (AI 30 and 37)
    # ------------------------------------------------------------------

    def test_a_count_sets_the_receipt_line_quantity(self):
        _picking, values = self._scan_receipt_line(self.milk, 48, f"(01){GTIN_MILK}(10)MILK-C1(37)24")
        self.assertEqual((values["lot_name"], values["quantity"]), ("MILK-C1", 24))
        _picking, values = self._scan_receipt_line(self.milk, 48, f"01{GTIN_MILK}3018\x1d10MILK-C2")
        self.assertEqual((values["lot_name"], values["quantity"]), ("MILK-C2", 18))

    def test_a_count_sets_the_counted_quantity_of_an_inventory_count(self):
        self._receive(self.milk, 30, lot_name="MILK-INV")
        lot = self.env["stock.lot"].search([("name", "=", "MILK-INV")])
        quants = self.env["stock.quant"].with_user(self.stock_user).with_context(inventory_mode=True)
        # A new count line: the scan names the product, the lot and the quantity.
        quant = quants.create({"location_id": self.stock_location.id, "gs1_scan": f"(01){GTIN_MILK}(10)MILK-INV(37)27"})
        self.assertEqual((quant.product_id, quant.lot_id, quant.inventory_quantity), (self.milk, lot, 27))
        self.assertEqual(quant.quantity, 30)
        self.assertEqual(quant.inventory_diff_quantity, -3)
        # The same line scanned again (the count corrected), then applied.
        quant.write({"gs1_scan": f"https://id.gs1.org/01/{GTIN_MILK}/10/MILK-INV?30=29"})
        self.assertEqual(quant.inventory_quantity, 29)
        quant.action_apply_inventory()
        self.assertEqual(quant.quantity, 29)
        # The list's onchange does the same.
        new_line = quants.new({"location_id": self.stock_location.id, "gs1_scan": f"(01){GTIN_MILK}(37)5(10)MILK-INV"})
        new_line._onchange_gs1_scan()
        self.assertEqual((new_line.product_id, new_line.lot_id, new_line.inventory_quantity), (self.milk, lot, 5))
        self.assertFalse(new_line.gs1_scan)

    def test_a_count_of_zero_or_above_the_lots_stock_is_refused(self):
        self._refused(self.milk, f"(01){GTIN_MILK}(10)MILK-Z(37)0", r"count of 0, \(37\)0")
        self._receive(self.milk, 30, lot_name="MILK-L")
        picking = self._create_delivery(self.milk, 40)
        picking.move_ids.move_line_ids.unlink()
        scan = f"(01){GTIN_MILK}(10)MILK-L(37)40"
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.new() as line,
        ):
            with self.assertRaisesRegex(
                UserError, rf"says 40, but lot MILK-L has 30.0 Units in WH/Stock.* \(scanned: {re.escape(scan)}\)"
            ):
                line.gs1_scan = scan
            line.gs1_scan = f"(01){GTIN_MILK}(10)MILK-L(37)30"
            self.assertEqual(line.quantity, 30)
        quants = self.env["stock.quant"].with_user(self.stock_user).with_context(inventory_mode=True)
        with self.assertRaisesRegex(UserError, r"count of 0"):
            quants.create({"location_id": self.stock_location.id, "gs1_scan": f"(01){GTIN_MILK}(10)MILK-L(30)0"})

    # ------------------------------------------------------------------
    # Measures (AI 310n-316n)
    # ------------------------------------------------------------------

    def test_a_net_weight_sets_the_quantity_of_a_kg_product(self):
        # (3103)012345: 3 decimals, 12.345 kg; the line's quantity is rounded as the kg unit rounds (0.01).
        picking, values = self._scan_receipt_line(self.cheese, 20, f"(01){GTIN_CHEESE}(10)CHED-1(3103)012345")
        self.assertAlmostEqual(values["quantity"], 12.35)
        self.assertAlmostEqual(values["measure"], 12.345)
        self.assertEqual(values["measure_uom"], self.env.ref("uom.product_uom_kgm"))
        line = picking.move_line_ids
        self.assertAlmostEqual(line.gs1_measure_quantity, 12.345)
        self.assertEqual(line.gs1_measure_ai, "3103")
        # Raw form, converted to the product's unit: (3102)001250 is 12.50 kg, 12,500 g of flour.
        _picking, values = self._scan_receipt_line(self.flour, 20000, f"01{GTIN_FLOUR_G}3102001250" + "10RYE-1")
        self.assertAlmostEqual(values["quantity"], 12500)
        # A volume: (3151)000155 is 15.5 l.
        _picking, values = self._scan_receipt_line(self.oil, 20, f"(01){GTIN_OIL}(3151)000155(10)OIL-1")
        self.assertAlmostEqual(values["quantity"], 15.5)

    def test_a_variable_measure_item_keeps_its_weight_on_the_line_and_on_its_lot(self):
        picking, values = self._scan_receipt_line(self.wheel, 1, f"(01){GTIN_WHEEL}(10)GOUDA-7(3103)002350")
        self.assertEqual(values["quantity"], 0)  # counted in units: the weight does not count them
        self.assertAlmostEqual(values["measure"], 2.35)
        line = picking.move_line_ids
        line.quantity = 1
        picking.move_ids.picked = True
        picking.button_validate()
        lot = self.env["stock.lot"].search([("name", "=", "GOUDA-7")])
        self.assertAlmostEqual(lot.gs1_measure_quantity, 2.35)
        self.assertEqual(lot.gs1_measure_uom_id, self.env.ref("uom.product_uom_kgm"))
        self.assertEqual(lot.gs1_measure_ai, "3103")

    def test_a_net_weight_in_an_inventory_count(self):
        self._receive(self.cheese, 10, lot_name="CHED-INV")
        quants = self.env["stock.quant"].with_user(self.stock_user).with_context(inventory_mode=True)
        quant = quants.create(
            {"location_id": self.stock_location.id, "gs1_scan": f"(01){GTIN_CHEESE}(10)CHED-INV(3102)000975"}
        )
        self.assertAlmostEqual(quant.inventory_quantity, 9.75)

    def test_a_measure_that_cannot_be_a_quantity_is_refused_with_the_reason(self):
        # A net weight on a product counted in units, not a variable measure item.
        self._refused(
            self.milk,
            f"(01){GTIN_MILK}(10)MILK-W(3103)001000",
            r"net weight \(kg\), \(3103\) 1.0 kg, but Organic Whole Milk is counted in Units",
        )
        # Six decimals: GS1 allows five at most.
        self._refused(self.cheese, f"(01){GTIN_CHEESE}(10)CHED-X(3106)001000", r"says 6 decimals, GS1 allows 0 to 5")
        # A weight of nothing.
        self._refused(self.cheese, f"(01){GTIN_CHEESE}(10)CHED-0(3103)000000", r"net weight \(kg\), \(3103\), is 0")

    def test_the_measure_is_read_from_a_digital_link_too(self):
        _picking, values = self._scan_receipt_line(
            self.cheese, 20, f"https://id.gs1.org/01/{GTIN_CHEESE}/10/CHED-DL?3103=004500&17=400420"
        )
        self.assertAlmostEqual(values["quantity"], 4.5)
        self.assertEqual(gs1.parse(f"(01){GTIN_CHEESE}(3103)004500").unknown, {"3103": "004500"})
        self.assertEqual(date(2040, 4, 20), gs1.parse("(17)400420")["17"])
