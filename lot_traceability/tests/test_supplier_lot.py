from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import GTIN_MILK, GTIN_SUGAR, LotTraceabilityCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestSupplierLot(LotTraceabilityCommon):
    def test_receipt_with_typed_supplier_lot_creates_and_links_it(self):
        picking = self._receive_with_form(
            self.milk, 40, [{"lot_name": "MILK-A", "supplier_lot_code": " AD-24117 ", "quantity": 40}]
        )
        self.assertEqual(picking.state, "done")
        supplier_lot = self.env["stock.supplier.lot"].search(
            [("name", "=", "AD-24117"), ("partner_id", "=", self.supplier.id)]
        )
        self.assertEqual(len(supplier_lot), 1, "the typed code is stored trimmed, once")
        self.assertEqual(supplier_lot.partner_id, self.supplier)
        self.assertEqual(supplier_lot.product_id, self.milk)
        lot = picking.move_line_ids.lot_id
        self.assertEqual(lot.name, "MILK-A")
        self.assertEqual(lot.supplier_lot_id, supplier_lot)
        self.assertEqual(supplier_lot.lot_ids, lot)
        self.assertEqual(supplier_lot.received_qty, 40)
        self.assertEqual(lot.origin_picking_id, picking)
        self.assertEqual(lot.origin_type, "receipt")

    def test_supplier_lot_belongs_to_the_commercial_entity_of_the_receipt_partner(self):
        picking = self._receive(self.milk, 5, supplier_lot_code="AD-1", lot_name="L1", partner=self.supplier_contact)
        self.assertEqual(picking.move_line_ids.supplier_lot_id.partner_id, self.supplier)

    def test_scanned_gs1_fills_code_and_dates_of_the_line_and_the_lot(self):
        scan = f"(01){GTIN_MILK}(11)260301(17)260420(10)AD-24131"
        picking = self._receive_with_form(
            self.milk, 10, [{"lot_name": "MILK-B", "supplier_lot_code": scan, "quantity": 10}]
        )
        line = picking.move_line_ids
        self.assertEqual(line.supplier_lot_code, "AD-24131")
        self.assertEqual(line.supplier_production_date, date(2026, 3, 1))
        self.assertEqual(line.supplier_expiration_date, date(2026, 4, 20))
        supplier_lot = line.supplier_lot_id
        self.assertEqual(supplier_lot.production_date, date(2026, 3, 1))
        self.assertEqual(supplier_lot.expiration_date, date(2026, 4, 20))
        self.assertEqual(supplier_lot.gtin, GTIN_MILK, "the GTIN of the supplier's label, for EPCIS")
        self.assertEqual(line.lot_id.expiration_date.date(), date(2026, 4, 20), "the supplier's expiry wins")
        self.assertEqual(line.lot_id.production_date.date(), date(2026, 3, 1))

    def test_raw_gs1_scan_with_group_separator_through_the_server_api(self):
        scan = f"]d201{GTIN_MILK}17260420" + "10AD-77\x1d21SER1"
        picking = self._receive(self.milk, 3, supplier_lot_code=scan, lot_name="MILK-C")
        self.assertEqual(picking.move_line_ids.supplier_lot_id.name, "AD-77")

    def test_same_supplier_lot_received_twice_is_one_record_with_two_internal_lots(self):
        first = self._receive(self.milk, 30, supplier_lot_code="AD-5", lot_name="MILK-1")
        second = self._receive(self.milk, 20, supplier_lot_code="AD-5", lot_name="MILK-2")
        supplier_lot = first.move_line_ids.supplier_lot_id
        self.assertEqual(second.move_line_ids.supplier_lot_id, supplier_lot)
        self.assertEqual(supplier_lot.lot_ids.mapped("name"), ["MILK-1", "MILK-2"])
        self.assertEqual(supplier_lot.lot_count, 2)
        self.assertEqual(supplier_lot.received_qty, 50)

    def test_same_code_from_two_suppliers_are_two_supplier_lots(self):
        self._receive(self.milk, 1, supplier_lot_code="B-1", lot_name="M1")
        self._receive(self.milk, 1, supplier_lot_code="B-1", lot_name="M2", partner=self.other_supplier)
        supplier_lots = self.env["stock.supplier.lot"].search([("name", "=", "B-1")])
        self.assertEqual(supplier_lots.partner_id, self.supplier | self.other_supplier)

    def test_supplier_lot_code_finds_internal_lots_quants_and_move_lines(self):
        self._receive(self.milk, 30, supplier_lot_code="AD-SEARCH-9", lot_name="MILK-S1")
        self._receive(self.milk, 10, supplier_lot_code="OTHER-1", lot_name="MILK-S2")
        lots = self.env["stock.lot"].search([("supplier_lot_code", "ilike", "search-9")])
        self.assertEqual(lots.mapped("name"), ["MILK-S1"])
        quants = self.env["stock.quant"].search(
            [
                ("lot_id.supplier_lot_id.name", "ilike", "SEARCH-9"),
                ("location_id", "=", self.stock_location.id),
            ]
        )
        self.assertEqual(quants.lot_id, lots)
        self.assertEqual(quants.quantity, 30)
        move_lines = self.env["stock.move.line"].search([("supplier_lot_code", "=", "AD-SEARCH-9")])
        self.assertEqual(move_lines.lot_id, lots)
        # And the other way: an internal lot name finds its supplier lot.
        supplier_lots = self.env["stock.supplier.lot"].search([("lot_ids.name", "=", "MILK-S1")])
        self.assertEqual(supplier_lots.name, "AD-SEARCH-9")

    # ------------------------------------------------------------------
    # Bad input: a clear error and nothing half-written
    # ------------------------------------------------------------------

    def test_duplicate_supplier_lot_code_is_refused(self):
        vals = {"name": "DUP-1", "partner_id": self.supplier.id, "product_id": self.milk.id}
        self.env["stock.supplier.lot"].create(vals)
        with self.assertRaisesRolledBack(ValidationError, "DUP-1"):
            self.env["stock.supplier.lot"].create(vals)
        self.assertEqual(self.env["stock.supplier.lot"].search_count([("name", "=", "DUP-1")]), 1)

    def test_empty_supplier_lot_code_is_refused(self):
        with self.assertRaises(ValidationError):
            self.env["stock.supplier.lot"].create(
                {"name": "   ", "partner_id": self.supplier.id, "product_id": self.milk.id}
            )

    def test_supplier_lot_with_a_wrong_gtin_is_refused(self):
        supplier_lot = self.env["stock.supplier.lot"].create(
            {"name": "GT-1", "partner_id": self.supplier.id, "product_id": self.milk.id}
        )
        with self.assertRaisesRolledBack(ValidationError, "GT-1.*09506000134353.*check digit"):
            supplier_lot.gtin = "09506000134353"
        self.assertFalse(supplier_lot.gtin)
        supplier_lot.gtin = GTIN_MILK
        self.assertEqual(supplier_lot.gtin, GTIN_MILK)

    def test_supplier_lot_expiring_before_its_production_is_refused(self):
        with self.assertRaisesRolledBack(ValidationError, "before its production date"):
            self.env["stock.supplier.lot"].create(
                {
                    "name": "DATES-1",
                    "partner_id": self.supplier.id,
                    "product_id": self.milk.id,
                    "production_date": date(2026, 3, 1),
                    "expiration_date": date(2026, 2, 1),
                }
            )

    def test_supplier_lot_of_another_product_cannot_be_the_origin_of_a_lot(self):
        sugar_lot = self.env["stock.supplier.lot"].create(
            {"name": "SUG-1", "partner_id": self.supplier.id, "product_id": self.sugar.id}
        )
        with self.assertRaisesRolledBack(ValidationError, "Cane Sugar"):
            self.env["stock.lot"].create(
                {"name": "MILK-X", "product_id": self.milk.id, "supplier_lot_id": sugar_lot.id}
            )
        picking = self._create_receipt(self.milk, 5)
        with self.assertRaisesRolledBack(ValidationError, "SUG-1"):
            picking.move_line_ids.supplier_lot_id = sugar_lot

    def test_scan_of_another_products_gtin_is_refused_and_the_line_kept(self):
        picking = self._create_receipt(self.milk, 5)
        line = picking.move_line_ids
        with self.assertRaisesRolledBack(UserError, GTIN_SUGAR):
            line.write({"supplier_lot_code": f"(01){GTIN_SUGAR}(10)SUG-9"})
        self.assertFalse(line.supplier_lot_code)

    def test_malformed_gs1_scan_is_refused(self):
        picking = self._create_receipt(self.milk, 5)
        with self.assertRaisesRolledBack(UserError, "not valid GS1"):
            picking.move_line_ids.supplier_lot_code = "(01)09506000134353(10)X"  # wrong check digit
        with self.assertRaisesRolledBack(UserError, "not valid GS1"):
            picking.move_line_ids.supplier_lot_code = "(17)261341(10)X"  # month 13

    def test_gs1_scan_without_lot_is_refused(self):
        picking = self._create_receipt(self.milk, 5)
        with self.assertRaisesRolledBack(UserError, "AI 10"):
            picking.move_line_ids.supplier_lot_code = f"(01){GTIN_MILK}(17)260420"

    def test_receipt_without_supplier_keeps_its_state(self):
        picking = self._create_receipt(self.milk, 5, partner=False)
        picking.move_line_ids.write({"supplier_lot_code": "NOPARTNER-1", "lot_name": "MILK-NP", "quantity": 5})
        with self.assertRaisesRolledBack(UserError, "Set the supplier"):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(self.env["stock.supplier.lot"].search([("name", "=", "NOPARTNER-1")]))
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "MILK-NP")]))

    def test_internal_lot_cannot_come_from_two_supplier_lots(self):
        self._receive(self.milk, 5, supplier_lot_code="FIRST-1", lot_name="MILK-TWICE")
        picking = self._create_receipt(self.milk, 5)
        picking.move_line_ids.write({"supplier_lot_code": "SECOND-1", "lot_name": "MILK-TWICE", "quantity": 5})
        with self.assertRaisesRolledBack(UserError, "new internal lot"):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(self.env["stock.supplier.lot"].search([("name", "=", "SECOND-1")]))

    def test_supplier_lot_code_on_a_delivery_is_refused(self):
        self._receive(self.milk, 5, supplier_lot_code="AD-OUT", lot_name="MILK-OUT")
        delivery = self._create_delivery(self.milk, 5)
        delivery.move_line_ids.supplier_lot_code = "TYPO"
        delivery.move_ids.picked = True
        with self.assertRaisesRolledBack(UserError, "receipts only"):
            delivery.button_validate()
        self.assertEqual(delivery.state, "assigned")

    def test_expiry_and_production_dates_from_the_supplier_are_checked_on_the_line(self):
        picking = self._create_receipt(self.milk, 5)
        with self.assertRaisesRolledBack(ValidationError, "before the production"):
            picking.move_line_ids.write(
                {"supplier_production_date": date(2026, 3, 1), "supplier_expiration_date": date(2026, 1, 1)}
            )
