from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import stock_flows
from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestExpiryFromComponents(LotTraceabilityCommon):
    """A manufactured lot expires with the earliest-expiring component lot it consumed, minus a margin."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.yogurt.write({"expiry_from_components": True, "expiry_component_margin": 2})
        cls.producer = new_test_user(
            cls.env, "mrp.producer", groups="mrp.group_mrp_user,stock.group_stock_user", tz="UTC"
        )
        today = fields.Date.today()
        # Noon UTC: the same day in the time zone of the History.
        cls.early = datetime.combine(today + timedelta(days=100), datetime.min.time()) + timedelta(hours=12)
        cls.late = cls.early + timedelta(days=60)

    def _lots(self):
        milk_a = self._milk_lot("MILK-A", quantity=10)
        milk_b = self._milk_lot("MILK-B", quantity=10)
        self._receive(self.sugar, 10, lot_name="SUGAR-A")
        sugar = self.env["stock.lot"].search([("name", "=", "SUGAR-A")])
        milk_a.expiration_date = self.late
        milk_b.expiration_date = self.early + timedelta(days=30)
        sugar.expiration_date = self.early
        return milk_a, milk_b, sugar

    def test_the_made_lot_expires_with_the_earliest_component_minus_the_margin_and_the_history_names_it(self):
        milk_a, milk_b, sugar = self._lots()
        production = stock_flows.produce(self.bom, 10, components=[(milk_a, 1), (milk_b, 1), (sugar, 1)])
        self.assertEqual(production.state, "done")
        lot = production.lot_producing_id
        expiry = self.early - timedelta(days=2)
        self.assertEqual(lot.expiration_date, expiry)
        # The other dates as product_expiry derives them (yogurt: best before 15, removal 5, alert 3 days before).
        self.assertEqual(
            (lot.use_date, lot.removal_date, lot.alert_date),
            (expiry - timedelta(days=15), expiry - timedelta(days=5), expiry - timedelta(days=3)),
        )
        row = lot.audit_ids.filtered(lambda row: row.field_name == "expiration_date")
        self.assertEqual(
            row.reason,
            f"Expiry {fields.Date.to_string(expiry.date())} from component lot SUGAR-A (Cane Sugar), margin 2 days",
        )
        self.assertEqual(row.new_value, fields.Datetime.to_string(expiry))
        self.assertEqual(
            set(lot.audit_ids.filtered(lambda row: row.field_name in ("use_date", "removal_date")).mapped("reason")),
            {row.reason},
        )

    def test_two_milk_lots_the_earliest_decides(self):
        milk_a, milk_b, sugar = self._lots()
        sugar.expiration_date = self.late
        lot = stock_flows.produce(self.bom, 10, components=[(milk_a, 1), (milk_b, 1), (sugar, 1)]).lot_producing_id
        self.assertEqual(lot.expiration_date, self.early + timedelta(days=28))
        self.assertIn("from component lot MILK-B (Organic Whole Milk), margin 2 days", lot.audit_ids[0].reason)

    def test_a_production_user_marks_the_order_done(self):
        self._lots()
        production = self.env["mrp.production"].create(
            {"product_id": self.yogurt.id, "product_qty": 10, "bom_id": self.bom.id}
        )
        production.action_confirm()
        production.action_assign()
        production = production.with_user(self.producer)
        production.action_generate_serial()
        production.qty_producing = 10
        production._set_qty_producing()
        production.move_raw_ids.picked = True
        production.button_mark_done()
        consumed = production.move_raw_ids.move_line_ids.lot_id
        earliest = min(consumed.mapped("expiration_date"))
        self.assertEqual(production.lot_producing_id.expiration_date, earliest - timedelta(days=2))

    def test_a_component_lot_without_expiry_refuses_the_order_and_nothing_is_done(self):
        milk_a, milk_b, sugar = self._lots()
        milk_b.expiration_date = False
        with self.assertRaisesRolledBack(
            UserError, r"component lot MILK-B \(Organic Whole Milk\) has no expiration date"
        ):
            stock_flows.produce(self.bom, 10, components=[(milk_a, 1), (milk_b, 1), (sugar, 1)])
        self.assertFalse(
            self.env["mrp.production"].search([("product_id", "=", self.yogurt.id), ("state", "=", "done")])
        )
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.milk, self.stock_location, milk_b), 10)
        self.assertFalse(self.env["stock.quant"].search([("product_id", "=", self.yogurt.id)]))

    def test_the_option_needs_a_manufactured_tracked_product_with_expiry(self):
        untracked = self.env["product.template"].create({"name": "Loose yogurt", "is_storable": True})
        with self.assertRaisesRolledBack(ValidationError, "must be tracked by lots or serial numbers"):
            untracked.write({"use_expiration_date": True, "expiry_from_components": True})
        with self.assertRaisesRolledBack(
            ValidationError, "Cane Sugar takes its expiry from its components, but it has no bill of materials"
        ):
            self.sugar.product_tmpl_id.expiry_from_components = True
        with self.assertRaisesRolledBack(ValidationError, "cannot be negative"):
            self.yogurt.expiry_component_margin = -1
        self.assertFalse(self.sugar.expiry_from_components)

    def test_without_the_option_the_shelf_life_counts(self):
        self.yogurt.expiry_from_components = False
        milk_a, milk_b, sugar = self._lots()
        lot = stock_flows.produce(self.bom, 10, components=[(milk_a, 1), (milk_b, 1), (sugar, 1)]).lot_producing_id
        self.assertFalse(lot.audit_ids.filtered(lambda row: row.field_name == "expiration_date"))
        self.assertGreater(lot.expiration_date, fields.Datetime.now() + timedelta(days=29))
