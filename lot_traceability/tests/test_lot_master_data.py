from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestLotMasterData(LotTraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.raw_rule = cls.env["stock.lot.numbering.rule"].create(
            {
                "name": "Raw materials",
                "prefix": "RM",
                "date_format": "yyddd",
                "line_code": "BCN",
                "padding": 3,
            }
        )
        cls.finished_rule = cls.env["stock.lot.numbering.rule"].create(
            {"name": "Finished goods, line 2", "prefix": "FG", "date_format": "yymmdd", "line_code": "L2"}
        )

    def test_rule_preview_shows_the_next_name_without_using_a_number(self):
        self.assertEqual(self.finished_rule.preview, "FG260310-L2-0001")
        self.assertEqual(self.finished_rule.preview, "FG260310-L2-0001")
        rule_form = Form(self.finished_rule)
        rule_form.separator = "/"
        rule_form.date_format = "yyyyddd"
        self.assertEqual(rule_form.preview, "FG2026069/L2/0001")

    def test_received_lot_without_name_is_named_by_the_category_rule_from_the_supplier_production_date(self):
        self.category.lot_numbering_rule_id = self.raw_rule
        picking = self._receive(self.milk, 10, supplier_lot_code="AD-9", supplier_production_date=date(2026, 2, 1))
        self.assertEqual(picking.move_line_ids.lot_id.name, "RM26032-BCN-001")
        picking = self._receive(self.milk, 10, supplier_lot_code="AD-10")
        self.assertEqual(picking.move_line_ids.lot_id.name, "RM26069-BCN-002", "no production date: today")

    def test_rule_on_a_parent_category_applies_and_the_product_rule_wins(self):
        parent = self.env["product.category"].create({"name": "Raw", "lot_numbering_rule_id": self.raw_rule.id})
        self.category.parent_id = parent
        self.assertEqual(self.milk._get_lot_numbering_rule(), self.raw_rule)
        self.milk.lot_numbering_rule_id = self.finished_rule
        self.assertEqual(self.milk._get_lot_numbering_rule(), self.finished_rule)

    def test_typed_lot_name_is_kept(self):
        self.category.lot_numbering_rule_id = self.raw_rule
        picking = self._receive(self.milk, 10, lot_name="TYPED-1")
        self.assertEqual(picking.move_line_ids.lot_id.name, "TYPED-1")

    def test_rule_skips_a_name_that_already_exists(self):
        self.category.lot_numbering_rule_id = self.raw_rule
        self.env["stock.lot"].create({"name": "RM26069-BCN-001", "product_id": self.milk.id})
        picking = self._receive(self.milk, 10)
        self.assertEqual(picking.move_line_ids.lot_id.name, "RM26069-BCN-002")

    def test_product_without_rule_still_requires_a_lot_name(self):
        picking = self._create_receipt(self.sugar, 5)
        picking.move_line_ids.write({"quantity": 5, "picked": True})
        with self.assertRaisesRolledBack(Exception, "Lot/Serial"):
            picking.button_validate()

    def test_manufactured_lot_is_named_by_rule_and_knows_its_origin_and_production_date(self):
        self.yogurt.lot_numbering_rule_id = self.finished_rule
        self._receive(self.milk, 20, lot_name="MILK-MO")
        self._receive(self.sugar, 10, lot_name="SUGAR-MO")
        production = self._produce(10)
        lot = production.lot_producing_id
        self.assertEqual(production.state, "done")
        self.assertEqual(lot.name, "FG260310-L2-0001")
        self.assertEqual(lot.origin_production_id, production)
        self.assertEqual(lot.origin_type, "production")
        self.assertFalse(lot.origin_picking_id)
        self.assertEqual(lot.production_date, production.date_start)

    def test_lot_expiring_before_production_is_refused(self):
        with self.assertRaisesRolledBack(ValidationError, "before its production date"):
            self.env["stock.lot"].create(
                {
                    "name": "EARLY",
                    "product_id": self.milk.id,
                    "production_date": datetime(2026, 3, 1),
                    "expiration_date": datetime(2026, 2, 1),
                }
            )

    def test_rule_with_spaces_or_bad_padding_is_refused(self):
        with self.assertRaisesRolledBack(ValidationError, "spaces"):
            self.env["stock.lot.numbering.rule"].create({"name": "Bad", "line_code": "L 2"})
        with self.assertRaisesRolledBack(ValidationError, "padding"):
            self.env["stock.lot.numbering.rule"].create({"name": "Bad", "padding": 0})
