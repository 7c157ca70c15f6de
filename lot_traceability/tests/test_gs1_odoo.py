from datetime import datetime

from odoo.addons.lot_traceability.tools import gs1
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import GTIN_MILK, LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestGs1InOdoo(LotTraceabilityCommon):
    def _milk_lot(self, name="AB-123", **vals):
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
        uri = self._milk_lot()._get_gs1_digital_link()
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
        uri = self._milk_lot()._get_gs1_digital_link()
        self.assertTrue(uri.startswith(f"https://id.example.com/01/{GTIN_MILK}/10/AB-123"), uri)

    def test_serial_numbers_use_ai_21(self):
        self.milk.tracking = "serial"
        lot = self._milk_lot(name="SN0001", expiration_date=False, production_date=False)
        self.assertEqual(lot._get_gs1_digital_link(), f"https://id.gs1.org/01/{GTIN_MILK}/21/SN0001")

    def test_product_without_gtin_cannot_get_a_gs1_link(self):
        self.milk.barcode = False
        with self.assertRaisesRolledBack(UserError, "no valid GTIN"):
            self._milk_lot()._get_gs1_digital_link()

    def test_lot_name_outside_the_gs1_character_set_is_refused(self):
        with self.assertRaisesRolledBack(UserError, "cannot be encoded in GS1"):
            self._milk_lot(name="LOT #1")._get_gs1_digital_link()
