"""Every way out of the company's stock is gated: a lot that is not released leaves by no path an ordinary
user can take (the Vendors location, a count, a scrap, an edit of a done return)."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_integrity import IntegrityCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestReleaseGateExits(IntegrityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.qa_user = new_test_user(
            cls.env, "qa.user.exits", groups="lot_traceability.group_qa_user,stock.group_stock_user", name="Quentin"
        )
        cls.qa_stock_manager = new_test_user(
            cls.env,
            "qa.stock.manager.exits",
            groups="lot_traceability.group_qa_user,stock.group_stock_manager",
            name="Qiana",
        )

    def _quantity(self, lot, location=None):
        """What the warehouse holds of ``lot`` (in ``location``, or anywhere in its stock)."""
        domain = (
            [("location_id", "=", location.id)] if location else [("location_id", "child_of", self.stock_location.id)]
        )
        return sum(self.env["stock.quant"].search([("lot_id", "=", lot.id), *domain]).mapped("quantity"))

    def _shelf(self, lot):
        """Where ``lot`` lies (the warehouse may put lots awaiting release in quarantine)."""
        return (
            self.env["stock.quant"]
            .search(
                [("lot_id", "=", lot.id), ("location_id", "child_of", self.stock_location.id), ("quantity", ">", 0)]
            )
            .location_id
        )

    def _held_milk(self, name="MILK-X", quantity=20):
        lot = self._released_milk(name, quantity)
        self._sign(lot, "hold")
        return lot

    def _transfer(self, lot, quantity, destination, picking_type=None, partner=None, user=None):
        """A transfer of ``quantity`` of ``lot`` from stock to ``destination``, the lot set on its line by hand,
        validated by ``user``."""
        env = self.env(user=user) if user else self.env
        shelf = self._shelf(lot)
        picking = (
            env["stock.picking"]
            .with_context(skip_expired=True)
            .create(
                {
                    "picking_type_id": (picking_type or self.delivery_type).id,
                    "partner_id": partner.id if partner else False,
                    "location_id": self.stock_location.id,
                    "location_dest_id": destination.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "out",
                                "product_id": self.milk.id,
                                "product_uom_qty": quantity,
                                "location_id": self.stock_location.id,
                                "location_dest_id": destination.id,
                            }
                        )
                    ],
                }
            )
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.move_line_ids = [
            Command.create(
                {
                    "product_id": self.milk.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "location_id": shelf.id,
                    "location_dest_id": destination.id,
                }
            )
        ]
        picking.move_ids.picked = True
        picking.with_context(skip_expired=True).button_validate()
        return picking

    def _stock_line_history(self, lot):
        return lot.audit_ids.filtered(lambda change: change.field_name == "stock")

    # ------------------------------------------------------------------
    # Deliveries and returns through the Vendors location
    # ------------------------------------------------------------------

    def test_a_held_lot_does_not_reach_a_customer_through_the_vendors_location(self):
        lot = self._held_milk()
        with self.assertRaisesRolledBack(UserError, "MILK-X"):
            self._transfer(lot, 5, self.supplier_location, partner=self.customer, user=self.stock_user)
        self.assertEqual(self._quantity(lot), 20)
        self.assertFalse(
            self.env["stock.move.line"].search(
                [("lot_id", "=", lot.id), ("location_dest_id", "=", self.supplier_location.id)]
            )
        )

    def test_a_rejected_lot_goes_back_to_its_supplier_by_a_qa_user_only_and_is_logged(self):
        lot = self._released_milk("MILK-R", 20)
        self._sign(lot, "reject")
        shelf = self._shelf(lot)
        with self.assertRaisesRolledBack(AccessError, "QA"):
            self._transfer(lot, 20, self.supplier_location, partner=self.supplier, user=self.stock_user)
        self.assertEqual(self._quantity(lot), 20)
        picking = self._transfer(lot, 20, self.supplier_location, partner=self.supplier, user=self.qa_user)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._quantity(lot), 0)
        history = self._stock_line_history(lot)
        self.assertEqual(len(history), 1)
        self.assertEqual(history.user_id, self.qa_user)
        self.assertEqual(history.field_description, "Return to supplier")
        self.assertEqual((history.old_value, history.new_value), (shelf.display_name, "Partners/Vendors"))
        self.assertIn(picking.name, history.reason)

    def test_a_lot_on_hold_or_pending_never_goes_to_a_supplier_even_with_qa(self):
        held = self._held_milk("MILK-H")
        with self.assertRaisesRolledBack(UserError, "MILK-H"):
            self._transfer(held, 5, self.supplier_location, partner=self.supplier, user=self.qa_user)
        pending = self._milk_lot("MILK-P", 10)
        with self.assertRaisesRolledBack(UserError, "MILK-P"):
            self._transfer(pending, 5, self.supplier_location, partner=self.supplier, user=self.qa_user)
        self.assertEqual((self._quantity(held), self._quantity(pending)), (20, 10))

    def test_moving_a_held_lot_between_own_shelves_is_still_allowed(self):
        lot = self._held_milk()
        shelf = self.env["stock.location"].create({"name": "Shelf 9", "location_id": self.stock_location.id})
        picking = self._transfer(lot, 5, shelf, picking_type=self.warehouse.int_type_id, user=self.stock_user)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._quantity(lot, shelf), 5)

    # ------------------------------------------------------------------
    # Edits of done lines
    # ------------------------------------------------------------------

    def test_lowering_a_done_customer_return_of_a_held_lot_is_refused(self):
        lot = self._released_milk("MILK-RET", 20)
        delivery = self._deliver(self.milk, 5)
        returned = self._return(delivery, 5)
        self._sign(lot, "hold")
        self.assertEqual(self._quantity(lot), 20)
        line = returned.move_line_ids
        with self.assertRaisesRolledBack(UserError, "MILK-RET"):
            line.with_user(self.stock_manager).quantity = 1
        with self.assertRaisesRolledBack(UserError, "MILK-RET"):
            line.quantity = 1  # not even as the administrator: the lot is held
        self.assertEqual(self._quantity(lot), 20)
        line.quantity = 6  # receiving more back takes nothing out (valuation asks for accounting rights)
        self.assertEqual(self._quantity(lot), 21)

    # ------------------------------------------------------------------
    # Inventory adjustments
    # ------------------------------------------------------------------

    def _count(self, lot, quantity, user):
        """``user`` counts ``quantity`` of ``lot`` where it lies and applies the count (Physical Inventory)."""
        quant = (
            self.env["stock.quant"]
            .with_user(user)
            .with_context(inventory_mode=True)
            .search([("lot_id", "=", lot.id), ("location_id", "=", self._shelf(lot).id)])
        )
        quant.inventory_quantity = quantity
        quant.action_apply_inventory()
        return quant

    def test_a_held_lot_is_not_swapped_for_a_released_one_by_an_inventory_count(self):
        held = self._held_milk("MILK-HELD", 20)
        released = self._released_milk("MILK-OK", 5)
        with self.assertRaisesRolledBack(AccessError, "MILK-HELD"):
            self._count(held, 0, self.stock_manager)
        self.assertEqual(self._quantity(held), 20)
        self._count(released, 25, self.stock_manager)  # counting a released lot is a stock manager's job
        self.assertEqual(self._quantity(released), 25)
        self.assertFalse(self._stock_line_history(released))

    def test_counting_more_of_a_held_lot_needs_a_qa_user_too(self):
        held = self._held_milk("MILK-HELD", 20)
        with self.assertRaisesRolledBack(AccessError, "MILK-HELD"):
            self._count(held, 30, self.stock_manager)
        self.assertEqual(self._quantity(held), 20)

    def test_a_qa_user_counts_a_held_lot_and_the_count_is_in_its_history(self):
        held = self._held_milk("MILK-HELD", 20)
        shelf = self._shelf(held)
        self._count(held, 18, self.qa_stock_manager)
        self.assertEqual(self._quantity(held), 18)
        history = self._stock_line_history(held)
        self.assertEqual(len(history), 1)
        self.assertEqual(history.field_description, "Inventory adjustment")
        self.assertEqual(history.user_id, self.qa_stock_manager)
        self.assertEqual(history.old_value, shelf.display_name)
        self.assertEqual(history.new_value, "Virtual Locations/Inventory adjustment")
        self.assertIn("2.0 Units", history.reason)

    # ------------------------------------------------------------------
    # Scrap
    # ------------------------------------------------------------------

    def _scrap(self, lot, quantity, user):
        scrap = (
            self.env["stock.scrap"]
            .with_user(user)
            .create(
                {
                    "product_id": self.milk.id,
                    "lot_id": lot.id,
                    "location_id": self._shelf(lot).id,
                    "scrap_qty": quantity,
                }
            )
        )
        scrap.do_scrap()
        return scrap

    def test_scrapping_a_held_lot_needs_a_qa_user_and_is_logged(self):
        lot = self._held_milk()
        with self.assertRaisesRolledBack(AccessError, "MILK-X"):
            self._scrap(lot, 3, self.stock_user)
        self.assertEqual(self._quantity(lot), 20)
        scrap = self._scrap(lot, 3, self.qa_user)
        self.assertEqual(scrap.state, "done")
        self.assertEqual(self._quantity(lot), 17)
        history = self._stock_line_history(lot)
        self.assertEqual(history.field_description, "Scrap")
        self.assertIn(scrap.name, history.reason)

    def test_scrapping_a_released_lot_stays_a_stock_users_job(self):
        lot = self._released_milk()
        self.assertEqual(self._scrap(lot, 3, self.stock_user).state, "done")
        self.assertFalse(self._stock_line_history(lot))
