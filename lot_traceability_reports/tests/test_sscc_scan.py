"""Scanning a pallet's SSCC on a transfer: at a receipt the lines go onto the supplier's pallet, at a delivery the whole
pallet is picked; wrong check digits and unknown pallets are refused, leaving the transfer as it was."""

from odoo.addons.lot_traceability.tools import gs1_logistics
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_package_sscc import SSCCCommon

SUPPLIER_SSCC = "006141411234567890"  # GS1's example SSCC, as on a supplier's pallet label


@tagged("post_install", "-at_install")
class TestSSCCScan(SSCCCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.env.user | cls.stock_user).groups_id += cls.env.ref("stock.group_tracking_lot")
        cls.pallet.action_assign_sscc()
        cls.pallet_2 = cls.env["stock.quant.package"].create({"name": "PALLET-MILK-2"})
        cls._fixture_builder()._receive(cls.milk, 40, lot_name="MILK-P2", result_package_id=cls.pallet_2.id)
        cls.pallet_2.action_assign_sscc()

    def test_receipt_scan_puts_the_lines_on_the_supplier_pallet(self):
        receipt = self._create_receipt(self.milk, 30)
        receipt.move_line_ids.write({"lot_name": "MILK-R1", "quantity": 30})
        with Form(receipt.with_user(self.stock_user)) as form:
            form.sscc_scan = f"(00){SUPPLIER_SSCC}"
        package = receipt.move_line_ids.result_package_id
        self.assertEqual(package.sscc, SUPPLIER_SSCC)
        self.assertEqual(package.sscc_company_id, self.company)
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(package.quant_ids.lot_id.name, "MILK-R1")
        self.assertEqual(sum(package.quant_ids.mapped("quantity")), 30)
        # The same label scanned again on another receipt: that pallet is already in stock.
        receipt_2 = self._create_receipt(self.milk, 5)
        receipt_2.move_line_ids.write({"lot_name": "MILK-R2", "quantity": 5})
        with self.assertRaisesRolledBack(UserError, "already pallet"):
            receipt_2._scan_sscc(SUPPLIER_SSCC)
        self.assertFalse(receipt_2.move_line_ids.result_package_id)

    def test_delivery_scan_picks_the_whole_pallet(self):
        delivery = self._create_delivery(self.milk, 40, self.customer)
        reserved = delivery.move_line_ids.package_id
        other = (self.pallet | self.pallet_2) - reserved
        self.assertEqual(len(other), 1)
        # The scanner sends the raw element string: 00 + SSCC.
        delivery.with_user(self.stock_user).write({"sscc_scan": "00" + other.sscc})
        self.assertEqual(delivery.move_line_ids.package_id, other)
        self.assertEqual(delivery.move_line_ids.result_package_id, other)
        self.assertTrue(all(delivery.move_line_ids.mapped("picked")))
        self.assertEqual(sum(delivery.move_line_ids.mapped("quantity")), 40)
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(other.location_id, self.customer_location)
        self.assertEqual(reserved.location_id, self.stock_location)

    def test_delivery_scan_of_the_reserved_pallet(self):
        delivery = self._create_delivery(self.milk, 40, self.customer)
        reserved = delivery.move_line_ids.package_id
        delivery._scan_sscc(reserved.sscc)
        self.assertTrue(all(delivery.move_line_ids.mapped("picked")))
        self.assertEqual(delivery.move_line_ids.result_package_id, reserved)

    def test_bad_scans(self):
        delivery = self._create_delivery(self.milk, 40, self.customer)
        lines_before = delivery.move_line_ids.read(["package_id", "quantity", "picked"])
        wrong = self.pallet.sscc[:-1] + str((int(self.pallet.sscc[-1]) + 1) % 10)
        with self.assertRaisesRolledBack(UserError, f"expected {self.pallet.sscc[-1]}"):
            delivery._scan_sscc(wrong)
        with self.assertRaisesRolledBack(UserError, "No pallet of .* has SSCC 006141419999999994"):
            delivery._scan_sscc(gs1_logistics.build_sscc(0, "0614141", 999999999))
        with self.assertRaisesRolledBack(UserError, "carries no SSCC"):
            delivery._scan_sscc("(01)09506000134352(10)MILK-P1")
        with self.assertRaisesRolledBack(UserError, "18 digits"):
            delivery._scan_sscc("12345")
        self.assertEqual(delivery.move_line_ids.read(["package_id", "quantity", "picked"]), lines_before)
        # A pallet of another product.
        self.sugar_pallet = self.env["stock.quant.package"].create({"name": "SUGAR-PALLET"})
        self._receive(self.sugar, 10, lot_name="SUGAR-P", result_package_id=self.sugar_pallet.id)
        self.sugar_pallet.action_assign_sscc()
        with self.assertRaisesRolledBack(UserError, "does not move"):
            delivery._scan_sscc(self.sugar_pallet.sscc)
        self.assertEqual(delivery.move_line_ids.read(["package_id", "quantity", "picked"]), lines_before)
