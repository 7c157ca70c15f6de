from datetime import date, datetime

from freezegun import freeze_time

from odoo.addons.lot_traceability.tools import gs1
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import GTIN_MILK, LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestGs1InOdoo(LotTraceabilityCommon):
    def _new_milk_lot(self, name="AB-123", **vals):
        return self.env["stock.lot"].create(
            dict(
                {
                    "name": name,
                    "product_id": self.milk.id,
                    "expiration_date": datetime(2026, 4, 20, 12, 0),
                    "production_date": datetime(2026, 3, 1, 12, 0),
                },
                **vals,
            )
        )

    def test_product_barcode_is_read_as_a_14_digit_gtin(self):
        self.assertEqual(self.milk._get_gs1_gtin(), GTIN_MILK)
        self.milk.barcode = "9506000134352"  # the same GTIN-13
        self.assertEqual(self.milk._get_gs1_gtin(), GTIN_MILK)
        self.milk.barcode = "MILK-INTERNAL"
        self.assertFalse(self.milk._get_gs1_gtin())

    def test_lot_digital_link_carries_gtin_lot_and_dates_on_the_default_resolver(self):
        uri = self._new_milk_lot()._get_gs1_digital_link()
        self.assertEqual(uri, f"https://id.gs1.org/01/{GTIN_MILK}/10/AB-123?11=260301&17=260420")
        self.assertEqual(
            gs1.parse_digital_link(uri),
            {
                "01": GTIN_MILK,
                "10": "AB-123",
                "11": datetime(2026, 3, 1).date(),
                "17": datetime(2026, 4, 20).date(),
            },
        )

    def test_resolver_domain_is_a_setting(self):
        settings = self.env["res.config.settings"].create({"lot_traceability_gs1_resolver": "https://id.example.com/"})
        settings.execute()
        uri = self._new_milk_lot()._get_gs1_digital_link()
        self.assertTrue(uri.startswith(f"https://id.example.com/01/{GTIN_MILK}/10/AB-123"), uri)

    def test_serial_numbers_use_ai_21(self):
        self.milk.tracking = "serial"
        lot = self._new_milk_lot(name="SN0001", expiration_date=False, production_date=False)
        self.assertEqual(lot._get_gs1_digital_link(), f"https://id.gs1.org/01/{GTIN_MILK}/21/SN0001")

    def test_product_without_gtin_cannot_get_a_gs1_link(self):
        self.milk.barcode = False
        with self.assertRaisesRolledBack(UserError, "no valid GTIN"):
            self._new_milk_lot()._get_gs1_digital_link()

    def test_lot_name_outside_the_gs1_character_set_is_refused(self):
        with self.assertRaisesRolledBack(UserError, "cannot be encoded in GS1"):
            self._new_milk_lot(name="LOT #1")._get_gs1_digital_link()


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestGs1SupplierLabelScan(LotTraceabilityCommon):
    """A supplier's label scanned on a receipt: nothing it carries is lost."""

    def test_packaging_date_serial_and_unknown_ais_are_kept_after_validation(self):
        scan = f"(01){GTIN_MILK}(11)260301(13)260302(17)260420(10)AD-313(21)SN-77(3103)000500(99)QA-OK"
        picking = self._receive_with_form(
            self.milk, 5, [{"lot_name": "MILK-S", "supplier_lot_code": scan, "quantity": 5}]
        )
        self.assertEqual(picking.state, "done")
        line = picking.move_line_ids
        self.assertEqual(line.supplier_lot_code, "AD-313")
        self.assertEqual(line.supplier_production_date, date(2026, 3, 1))
        self.assertEqual(line.supplier_packaging_date, date(2026, 3, 2))
        self.assertEqual(line.supplier_expiration_date, date(2026, 4, 20))
        self.assertEqual(line.supplier_serial, "SN-77")
        self.assertEqual(line.supplier_scan_extra, "(3103)000500(99)QA-OK")
        supplier_lot = line.supplier_lot_id
        self.assertEqual(supplier_lot.name, "AD-313")
        self.assertEqual(supplier_lot.packaging_date, date(2026, 3, 2))
        self.assertEqual(supplier_lot.production_date, date(2026, 3, 1))

    def test_raw_scan_with_an_unknown_ai_through_the_server_api(self):
        scan = f"]d201{GTIN_MILK}13260302" + "3103000500" + "10AD-314\x1d21SN-78\x1d240PART-9"
        picking = self._receive(self.milk, 3, supplier_lot_code=scan, lot_name="MILK-T")
        line = picking.move_line_ids
        self.assertEqual(line.supplier_lot_id.name, "AD-314")
        self.assertEqual(line.supplier_packaging_date, date(2026, 3, 2))
        self.assertEqual(line.supplier_lot_id.packaging_date, date(2026, 3, 2))
        self.assertEqual(line.supplier_serial, "SN-78")
        self.assertEqual(line.supplier_scan_extra, "(3103)000500(240)PART-9")

    def test_digital_link_scan_keeps_its_unknown_ais(self):
        scan = f"https://id.gs1.org/01/{GTIN_MILK}/22/V2/10/AD-315/21/SN-79?13=260302&17=260420&linkType=gs1:pip"
        picking = self._receive(self.milk, 2, supplier_lot_code=scan, lot_name="MILK-U")
        line = picking.move_line_ids
        self.assertEqual(line.supplier_lot_code, "AD-315")
        self.assertEqual(line.supplier_serial, "SN-79")
        self.assertEqual(line.supplier_packaging_date, date(2026, 3, 2))
        self.assertEqual(line.supplier_scan_extra, "(22)V2")

    def test_scan_with_unicode_digits_is_refused_and_says_what_to_do(self):
        picking = self._create_receipt(self.milk, 1)
        arabic_indic = "".join(chr(0x0660 + digit) for digit in range(10))
        arabic_gtin = GTIN_MILK.translate(str.maketrans("0123456789", arabic_indic))
        with self.assertRaisesRolledBack(UserError, "ASCII digits 0-9"):
            picking.move_line_ids.supplier_lot_code = f"(01){arabic_gtin}(10)AD-1"
        self.assertFalse(picking.move_line_ids.supplier_lot_code)
