from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestPutawayExpiry(LotTraceabilityCommon):
    """Milk keeps 20 days from production: lots with little of it left go to the clearance area."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stock.group_stock_multi_locations")
        Location = cls.env["stock.location"]
        cls.shelf = Location.create({"name": "Cold Shelf A", "location_id": cls.stock_location.id})
        cls.clearance = Location.create({"name": "Clearance", "location_id": cls.stock_location.id})
        cls.rule = cls.env["stock.putaway.rule"].create(
            {
                "location_in_id": cls.stock_location.id,
                "location_out_id": cls.shelf.id,
                "category_id": cls.category.id,
                "short_dated_days": 7,
                "short_dated_location_id": cls.clearance.id,
            }
        )

    def _receive_lot(self, product, lot_name, days_left):
        expiration_date = fields.Datetime.now() + timedelta(days=days_left) if days_left is not None else False
        picking = self._receive(product, 10, lot_name=lot_name, expiration_date=expiration_date)
        lot = picking.move_line_ids.lot_id
        self.assertEqual(lot.name, lot_name)
        return lot.quant_ids.filtered(lambda quant: quant.quantity > 0).location_id

    def test_short_dated_lot_goes_to_clearance(self):
        self.assertEqual(self._receive_lot(self.milk, "MILK-SHORT", 5), self.clearance)

    def test_long_dated_lot_goes_to_normal_location(self):
        self.assertEqual(self._receive_lot(self.milk, "MILK-LONG", 15), self.shelf)

    def test_percent_of_shelf_life(self):
        self.rule.write({"short_dated_days": 0, "short_dated_percent": 50})
        self.assertEqual(self._receive_lot(self.milk, "MILK-40PCT", 8), self.clearance, "8 of 20 days is 40 %")
        self.assertEqual(self._receive_lot(self.milk, "MILK-60PCT", 12), self.shelf, "12 of 20 days is 60 %")

    def test_product_without_expiry_follows_the_normal_rule(self):
        flour = self.env["product.product"].create(
            {"name": "Flour", "is_storable": True, "tracking": "lot", "categ_id": self.category.id}
        )
        self.assertEqual(self._receive_lot(flour, "FLOUR-1", None), self.shelf)

    def test_existing_short_dated_lot_chosen_on_the_line(self):
        lot = self.env["stock.lot"].create(
            {
                "name": "MILK-OLD",
                "product_id": self.milk.id,
                "expiration_date": fields.Datetime.now() + timedelta(days=2),
            }
        )
        picking = self._create_receipt(self.milk, 10)
        self.assertEqual(picking.move_line_ids.location_dest_id, self.shelf, "no lot yet: the normal rule")
        picking.move_line_ids.lot_id = lot
        self.assertEqual(picking.move_line_ids.location_dest_id, self.clearance)

    def test_location_chosen_by_hand_is_kept(self):
        elsewhere = self.env["stock.location"].create({"name": "Quarantine", "location_id": self.stock_location.id})
        picking = self._create_receipt(self.milk, 10)
        picking.move_line_ids.location_dest_id = elsewhere
        picking.move_line_ids.write(
            {"lot_name": "MILK-HAND", "expiration_date": fields.Datetime.now() + timedelta(days=2)}
        )
        self.assertEqual(picking.move_line_ids.location_dest_id, elsewhere)

    def test_rule_columns_in_the_editable_list(self):
        arch = self.env["stock.putaway.rule"].get_view(self.env.ref("stock.stock_putaway_list").id)["arch"]
        for field in ("short_dated_days", "short_dated_percent", "short_dated_location_id"):
            self.assertIn(f'name="{field}"', arch)

    def test_bad_thresholds_refused(self):
        with self.assertRaises(ValidationError):
            self.rule.short_dated_percent = 150
        with self.assertRaises(ValidationError):
            self.rule.write({"short_dated_days": 0, "short_dated_percent": 0})
