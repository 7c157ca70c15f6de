from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestShelfLifeFefo(LotTraceabilityCommon):
    """Milk: removal 5 days before expiry. Lots received with the supplier's expiry (at noon UTC)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.milk.categ_id.removal_strategy_id = cls.env.ref("product_expiry.removal_fefo")

    def _reserved(self, partner=None, quantity=5):
        return self._create_delivery(self.milk, quantity, partner).move_line_ids.lot_id.mapped("name")

    def test_lot_past_its_removal_date_is_skipped_though_odoo_would_take_it_first(self):
        self._milk_lot("PAST-REMOVAL", supplier_expiration_date=date(2026, 3, 14))  # removal date 2026-03-09
        self._milk_lot("GOOD", supplier_expiration_date=date(2026, 3, 30))
        self.assertEqual(self._reserved(), ["GOOD"])

    def test_removal_date_boundaries(self):
        self._milk_lot("REMOVAL-TODAY", supplier_expiration_date=date(2026, 3, 15)).removal_date = datetime(
            2026, 3, 10, 9, 0
        )
        self._milk_lot("REMOVAL-TOMORROW", supplier_expiration_date=date(2026, 3, 16)).removal_date = datetime(
            2026, 3, 11, 9, 0
        )
        self.assertEqual(self._reserved(), ["REMOVAL-TOMORROW"])

    def test_lot_expiring_at_the_moves_date_is_skipped(self):
        lot = self._milk_lot("EXPIRES-NOW", supplier_expiration_date=date(2026, 3, 20))
        lot.write({"expiration_date": datetime(2026, 3, 10, 9, 0), "removal_date": False})
        self._milk_lot("LATER", supplier_expiration_date=date(2026, 3, 28))
        self.assertEqual(self._reserved(), ["LATER"])

    def test_customer_minimum_in_days_skips_short_dated_lots_and_accepts_the_exact_minimum(self):
        self.customer.min_shelf_life_days = 20
        self._milk_lot("15-DAYS", supplier_expiration_date=date(2026, 3, 25))
        exact = self._milk_lot("20-DAYS", supplier_expiration_date=date(2026, 3, 30))
        exact.expiration_date = datetime(2026, 3, 30, 9, 0)  # exactly 20 days after the move
        self.assertEqual(self._reserved(self.customer), ["20-DAYS"])

    def test_a_contact_of_the_customer_inherits_its_minimum(self):
        self.customer.min_shelf_life_days = 20
        contact = self.env["res.partner"].create({"name": "Store 12", "parent_id": self.customer.id})
        self.assertEqual(contact.min_shelf_life_days, 20)
        self._milk_lot("15-DAYS", supplier_expiration_date=date(2026, 3, 25))
        self.assertEqual(self._reserved(contact), [])

    def test_customer_minimum_in_percent_of_the_total_shelf_life(self):
        self.customer.min_shelf_life_percent = 75  # of 20 days: 15 days
        self._milk_lot("10-DAYS", supplier_expiration_date=date(2026, 3, 20))
        self._milk_lot("16-DAYS", supplier_expiration_date=date(2026, 3, 26))
        self.assertEqual(self._reserved(self.customer), ["16-DAYS"])

    def test_a_customer_without_minimum_gets_the_first_expiring_valid_lot(self):
        self._milk_lot("16-DAYS", supplier_expiration_date=date(2026, 3, 26))
        self._milk_lot("10-DAYS", supplier_expiration_date=date(2026, 3, 20))
        self.assertEqual(self._reserved(self.customer), ["10-DAYS"])

    def test_manufacturing_skips_lots_past_removal_too(self):
        self._milk_lot("PAST-REMOVAL", supplier_expiration_date=date(2026, 3, 14))
        self._milk_lot("GOOD", supplier_expiration_date=date(2026, 3, 30))
        self._receive(self.sugar, 10, lot_name="SUGAR")
        production = self.env["mrp.production"].create(
            {"product_id": self.yogurt.id, "product_qty": 10, "bom_id": self.bom.id}
        )
        production.action_confirm()
        production.action_assign()
        milk_move = production.move_raw_ids.filtered(lambda move: move.product_id == self.milk)
        self.assertEqual(milk_move.move_line_ids.lot_id.mapped("name"), ["GOOD"])

    def test_why_these_lots_explains_every_candidate(self):
        self.customer.min_shelf_life_days = 20
        self._milk_lot("PAST-REMOVAL", supplier_expiration_date=date(2026, 3, 14))
        self._milk_lot("SHORT", supplier_expiration_date=date(2026, 3, 25))
        self._milk_lot("GOOD", supplier_expiration_date=date(2026, 4, 5))
        delivery = self._create_delivery(self.milk, 5, self.customer)
        explanation = self.env["stock.lot.fefo.explanation"].browse(delivery.action_explain_reservation()["res_id"])
        rows = {line.lot_id.name: (line.status, line.reason) for line in explanation.line_ids}
        self.assertEqual(rows["GOOD"][0], "picked")
        self.assertEqual(rows["PAST-REMOVAL"], ("skipped", "past its removal date"))
        self.assertEqual(rows["SHORT"][0], "skipped")
        self.assertIn("too short-dated for Fresh Market Stores (needs 20 days", rows["SHORT"][1])

    def test_picking_a_short_dated_lot_by_hand_needs_the_override_right_and_a_reason(self):
        self.customer.min_shelf_life_days = 20
        short = self._milk_lot("SHORT", supplier_expiration_date=date(2026, 3, 25))
        delivery = self._create_delivery(self.milk, 5, self.customer)
        self.assertFalse(delivery.move_line_ids)
        line = self.env["stock.move.line"].create(
            {
                "move_id": delivery.move_ids.id,
                "picking_id": delivery.id,
                "product_id": self.milk.id,
                "lot_id": short.id,
                "quantity": 5,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customer_location.id,
            }
        )
        delivery.move_ids.picked = True
        with self.assertRaisesRolledBack(UserError, "SHORT is too short-dated"):
            delivery.button_validate()
        line.fefo_override_reason = "Customer accepted the short date by phone"
        clerk = new_test_user(self.env, "clerk", groups="stock.group_stock_user,stock.group_production_lot")
        with self.assertRaisesRolledBack(AccessError, "FEFO Override"):
            delivery.with_user(clerk).button_validate()
        self.assertEqual(delivery.state, "assigned")
        self.env.user.groups_id += self.env.ref("lot_traceability.group_fefo_override")
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        self.assertIn("Customer accepted the short date by phone", delivery.message_ids[0].body)

    def test_invalid_minimums_are_refused(self):
        with self.assertRaisesRolledBack(ValidationError, "percentage between 0 and 100"):
            self.customer.min_shelf_life_percent = 120
        with self.assertRaisesRolledBack(ValidationError, "positive number of days"):
            self.customer.min_shelf_life_days = -1

    def test_fefo_compliance_counts_what_left_before_an_earlier_expiring_lot(self):
        early = self._milk_lot("EARLY", supplier_expiration_date=date(2026, 3, 28))
        late = self._milk_lot("LATE", supplier_expiration_date=date(2026, 4, 20))
        # Ship the late lot first by hand (an override), then the early one: 10 units out of order.
        self.env.user.groups_id += self.env.ref("lot_traceability.group_fefo_override")
        with freeze_time("2026-03-11 09:00:00"):
            delivery = self._create_delivery(self.milk, 10)
            delivery.move_line_ids.write({"lot_id": late.id, "quantity": 10})
            delivery.move_ids.picked = True
            delivery.button_validate()
        with freeze_time("2026-03-12 09:00:00"):
            self._deliver(self.milk, 10)
        self.assertEqual(early.product_qty, 0)
        [(outgoing_qty, in_order_qty)] = self.env["stock.lot.fefo.report"]._read_group(
            [
                ("product_id", "=", self.milk.id),
                ("date", ">=", datetime(2026, 3, 1)),
                ("date", "<=", datetime(2026, 3, 31)),
            ],
            aggregates=["outgoing_qty:sum", "in_order_qty:sum"],
        )
        self.assertEqual((outgoing_qty, in_order_qty), (20.0, 10.0))
        self.assertEqual(100 * in_order_qty / outgoing_qty, 50.0)
        # The line that left before the earlier-expiring lot is the one out of order, and says which lot.
        out_of_order = self.env["stock.lot.fefo.report"].search(
            [("product_id", "=", self.milk.id), ("in_order", "=", False)]
        )
        self.assertEqual(out_of_order.lot_id, late)
        self.assertEqual(out_of_order.earliest_removal_after, early.removal_date)

    def test_batched_gather_reserves_exactly_what_odoo_would(self):
        """Reading quants by batches (50, then 200, ...) must give Odoo's reservation, lot for lot."""
        lots = self.env["stock.lot"].create(
            [
                {
                    "name": f"BATCH-{index:03d}",
                    "product_id": self.milk.id,
                    "expiration_date": datetime(2026, 4, 1 + index % 28),
                }
                for index in range(120)
            ]
        )
        for lot in lots:
            self.env["stock.quant"]._update_available_quantity(self.milk, self.stock_location, 1, lot_id=lot)
        # A negative quant of the first-expiring lot elsewhere in the warehouse lowers its availability.
        shelf = self.env["stock.location"].create({"name": "Shelf", "location_id": self.stock_location.id})
        self.env["stock.quant"]._update_available_quantity(self.milk, shelf, -1, lot_id=lots[0])
        delivery = self._create_delivery(self.milk, 100)
        reserved = {}
        for native in (False, True):
            delivery.do_unreserve()
            delivery.with_context(lot_traceability_native_reservation=native).action_assign()
            reserved[native] = sorted(delivery.move_line_ids.mapped(lambda line: (line.lot_id.name, line.quantity)))
        self.assertEqual(len(reserved[False]), 100)
        self.assertEqual(reserved[False], reserved[True])

    def test_rules_apply_in_every_company_and_stay_within_it(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain"})
        self.env.user.company_ids |= company_2
        warehouse_2 = self.env["stock.warehouse"].search([("company_id", "=", company_2.id)])
        past_removal = self.env["stock.lot"].create(
            {"name": "ES-PAST", "product_id": self.milk.id, "expiration_date": datetime(2026, 3, 14, 12)}
        )
        good = self.env["stock.lot"].create(
            {"name": "ES-GOOD", "product_id": self.milk.id, "expiration_date": datetime(2026, 3, 30, 12)}
        )
        for lot in past_removal | good:
            self.env["stock.quant"].with_company(company_2)._update_available_quantity(
                self.milk, warehouse_2.lot_stock_id, 10, lot_id=lot
            )
        self._milk_lot("FR-GOOD", supplier_expiration_date=date(2026, 4, 5))
        self.assertEqual(self._reserved(), ["FR-GOOD"], "company 1 never reserves company 2's stock")
        delivery_2 = (
            self.env["stock.picking"]
            .with_company(company_2)
            .create(
                {
                    "picking_type_id": warehouse_2.out_type_id.id,
                    "location_id": warehouse_2.lot_stock_id.id,
                    "location_dest_id": self.customer_location.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "milk",
                                "product_id": self.milk.id,
                                "product_uom_qty": 5,
                                "location_id": warehouse_2.lot_stock_id.id,
                                "location_dest_id": self.customer_location.id,
                            }
                        )
                    ],
                }
            )
        )
        delivery_2.action_confirm()
        delivery_2.action_assign()
        self.assertEqual(delivery_2.move_line_ids.lot_id, good, "the lot past its removal date is skipped there too")
