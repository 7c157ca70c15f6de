"""SSCC on packages: assigned from the company's GS1 company prefix and a sequence, typed or scanned from a supplier's
pallet label, unique in the company, never changed once set; put in pack assigns it when the company opts in."""

from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.addons.lot_traceability.tools import gs1_logistics
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

GLN = "0614141000005"  # GS1 company prefix 0614141 (GS1's example prefix), location reference 00000, check digit 5


class SSCCCommon(LotTraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"lot_traceability_gln": GLN, "lot_traceability_gs1_prefix_length": 7})
        cls.stock_user = new_test_user(
            cls.env, login="h23_stock_user", groups="stock.group_stock_user,stock.group_production_lot"
        )
        cls.sequence = cls.env.ref("lot_traceability_reports.sequence_sscc")
        cls.sequence.sudo().number_next_actual = 42
        fixture = cls._fixture_builder()
        cls.pallet = cls.env["stock.quant.package"].create({"name": "PALLET-MILK-1"})
        cls.receipt = fixture._receive(cls.milk, 40, lot_name="MILK-P1", result_package_id=cls.pallet.id)
        cls.milk_lot = cls.env["stock.lot"].search([("name", "=", "MILK-P1")])


@tagged("post_install", "-at_install")
class TestPackageSSCC(SSCCCommon):
    def test_assign_sscc_from_prefix_and_sequence(self):
        self.assertEqual(self.pallet.company_id, self.company)
        second = self.env["stock.quant.package"].create({"name": "PALLET-2"})
        (self.pallet | second).with_user(self.stock_user).action_assign_sscc()
        # extension digit 0, prefix 0614141, serial reference 42 on 9 digits, check digit (hand-computed: the digits
        # 0,0,6,1,4,1,4,1,0,0,0,0,0,0,0,4,2 weighted from the right 3,1,3,... give 6+4+1+12+1+12+1+18 = 55 -> 5).
        self.assertEqual(self.pallet.sscc, "006141410000000425")
        self.assertEqual(self.pallet.sscc, gs1_logistics.build_sscc(0, "0614141", 42))
        self.assertEqual(second.sscc, gs1_logistics.build_sscc(0, "0614141", 43))
        self.assertEqual(self.pallet.sscc_company_id, self.company)
        # Search by SSCC: the package list's search and many2one fields.
        self.assertEqual(self.env["stock.quant.package"].search([("sscc", "=", "006141410000000425")]), self.pallet)
        self.assertEqual(self.env["stock.quant.package"].name_search("006141410000000425")[0][0], self.pallet.id)
        # Assigning again leaves an SSCC as it is.
        self.pallet.action_assign_sscc()
        self.assertEqual(self.pallet.sscc, "006141410000000425")

    def test_extension_digit(self):
        self.company.lot_traceability_sscc_extension_digit = 3
        self.pallet.action_assign_sscc()
        self.assertEqual(self.pallet.sscc[:8], "30614141")
        with self.assertRaisesRegex(ValidationError, "0 to 9, not 12"):
            self.company.lot_traceability_sscc_extension_digit = 12

    def test_sscc_never_changes(self):
        self.pallet.action_assign_sscc()
        with self.assertRaisesRegex(UserError, "cannot change"):
            self.pallet.with_user(self.stock_user).write({"sscc": gs1_logistics.build_sscc(0, "0614141", 99)})
        with self.assertRaisesRegex(UserError, "cannot change"):
            self.pallet.with_user(self.stock_user).write({"sscc": False})
        self.assertEqual(self.pallet.sscc, "006141410000000425")

    def test_typed_supplier_sscc_and_its_check_digit(self):
        package = self.env["stock.quant.package"].with_user(self.stock_user).create({"name": "SUPPLIER-PALLET"})
        with self.assertRaisesRolledBack(ValidationError, "expected 0, got 1"):
            package.write({"sscc": "006141411234567891"})
        self.assertFalse(package.sscc)
        with self.assertRaisesRolledBack(ValidationError, "18 digits"):
            self.env["stock.quant.package"].create({"name": "TYPO", "sscc": "0061414112345678"})
        self.assertFalse(self.env["stock.quant.package"].search([("name", "=", "TYPO")]))
        package.write({"sscc": "(00) 006141411234567890"})
        self.assertEqual(package.sscc, "006141411234567890")
        self.assertEqual(package.sscc_company_id, self.company)

    def test_sscc_unique_in_company(self):
        self.pallet.write({"sscc": "006141411234567890"})
        with self.assertRaisesRolledBack(ValidationError, "already package PALLET-MILK-1"):
            self.env["stock.quant.package"].create({"name": "DOUBLE", "sscc": "006141411234567890"})
        other = self.env["stock.quant.package"].create({"name": "AGAIN"})
        with self.assertRaisesRolledBack(ValidationError, "already package PALLET-MILK-1"):
            other.write({"sscc": "006141411234567890"})
        self.assertFalse(other.sscc)
        # Another company's package may carry it (a pallet received in both companies of the database).
        company_2 = self.env["res.company"].create({"name": "Second Dairy"})
        elsewhere = self.env["stock.quant.package"].create(
            {"name": "ELSEWHERE", "sscc": "006141411234567890", "sscc_company_id": company_2.id}
        )
        self.assertEqual(elsewhere.sscc_company_id, company_2)

    def test_company_prefix_missing(self):
        self.company.lot_traceability_gln = False
        with self.assertRaisesRolledBack(UserError, "has no GLN"):
            self.pallet.with_user(self.stock_user).action_assign_sscc()
        self.assertFalse(self.pallet.sscc)
        self.assertEqual(self.sequence.number_next_actual, 42)

    def test_serial_reference_exhausted(self):
        # A 12-digit prefix leaves 4 digits to the serial reference: 9999 is the last.
        self.company.write({"lot_traceability_gln": "0614141000005", "lot_traceability_gs1_prefix_length": 12})
        self.sequence.sudo().number_next_actual = 9999
        second = self.env["stock.quant.package"].create({"name": "PALLET-2"})
        with self.assertRaisesRolledBack(UserError, "exhausted"):
            (self.pallet | second).action_assign_sscc()
        # All or nothing: the first package has no SSCC either, and the sequence gave its numbers back.
        self.assertFalse((self.pallet | second).filtered("sscc"))
        self.assertEqual(self.sequence.number_next_actual, 9999)
        self.pallet.action_assign_sscc()
        self.assertEqual(self.pallet.sscc[:17], "00614141000009999")

    def test_put_in_pack_assigns_sscc_when_the_company_opts_in(self):
        picking = self._create_receipt(self.milk, 10)
        picking.move_line_ids.write({"lot_name": "MILK-P2", "quantity": 10})
        picking.action_put_in_pack()
        self.assertFalse(picking.move_line_ids.result_package_id.sscc)
        self.company.lot_traceability_sscc_on_put_in_pack = True
        picking = self._create_receipt(self.milk, 10)
        picking.move_line_ids.write({"lot_name": "MILK-P3", "quantity": 10})
        picking.with_user(self.stock_user).action_put_in_pack()
        package = picking.move_line_ids.result_package_id
        self.assertEqual(package.sscc, gs1_logistics.build_sscc(0, "0614141", 42))
