from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestIncidentScope(LotTraceabilityCommon):
    """Flour lots in WH/Stock/Shelf 1 (a child of WH/Stock) and in a cold room outside WH/Stock;
    the incident period is 10 to 20 January 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flour = cls.env["product.product"].create({"name": "Rye Flour", "is_storable": True, "tracking": "lot"})
        cls.shelf = cls.env["stock.location"].create({"name": "Shelf 1", "location_id": cls.stock_location.id})
        cls.cold_room = cls.env["stock.location"].create(
            {"name": "Cold Room", "location_id": cls.warehouse.view_location_id.id}
        )
        cls.date_from = datetime(2026, 1, 10)
        cls.date_to = datetime(2026, 1, 20)

    def _move(self, when, lot_name, quantity, source, destination):
        """A done move of ``quantity`` of lot ``lot_name`` (created if new) at ``when``."""
        with freeze_time(when):
            lot = self.env["stock.lot"].search([("name", "=", lot_name), ("product_id", "=", self.flour.id)])
            lot = lot or self.env["stock.lot"].create({"name": lot_name, "product_id": self.flour.id})
            move = self.env["stock.move"].create(
                {
                    "name": self.flour.name,
                    "product_id": self.flour.id,
                    "product_uom_qty": quantity,
                    "product_uom": self.flour.uom_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "move_line_ids": [
                        Command.create(
                            {
                                "product_id": self.flour.id,
                                "lot_id": lot.id,
                                "quantity": quantity,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                            }
                        )
                    ],
                }
            )
            move._action_confirm()
            move.picked = True
            move._action_done()
            return lot

    def _lots_in(self, location, date_from=None, date_to=None):
        lots = self.env["stock.lot"]._get_lots_in_location(
            location, date_from or self.date_from, date_to or self.date_to
        )
        return sorted(lots.mapped("name"))

    def _history(self):
        supplier, customer = self.supplier_location, self.customer_location
        self._move("2026-01-01 08:00", "GONE-BEFORE", 10, supplier, self.shelf)
        self._move("2026-01-05 08:00", "GONE-BEFORE", 10, self.shelf, customer)
        self._move("2026-01-01 08:00", "ON-HAND-ACROSS", 10, supplier, self.shelf)
        self._move("2026-01-01 08:00", "MOVED-IN", 10, supplier, self.cold_room)
        self._move("2026-01-15 08:00", "MOVED-IN", 4, self.cold_room, self.shelf)
        self._move("2026-01-25 08:00", "CAME-AFTER", 10, supplier, self.shelf)
        self._move("2026-01-01 08:00", "COLD-ONLY", 10, supplier, self.cold_room)
        self._move("2026-01-02 08:00", "SHIPPED-IN-PERIOD", 5, supplier, self.stock_location)
        self._move("2026-01-12 08:00", "SHIPPED-IN-PERIOD", 5, self.stock_location, customer)

    def test_lots_in_a_location_and_its_children_during_the_period(self):
        self._history()
        self.assertEqual(self._lots_in(self.stock_location), ["MOVED-IN", "ON-HAND-ACROSS", "SHIPPED-IN-PERIOD"])
        self.assertEqual(self._lots_in(self.shelf), ["MOVED-IN", "ON-HAND-ACROSS"])

    def test_lot_on_hand_at_the_start_and_moved_out_during_the_period(self):
        self._history()
        self.assertEqual(self._lots_in(self.cold_room), ["COLD-ONLY", "MOVED-IN"])

    def test_lot_that_left_before_the_period_or_came_after_is_out_of_scope(self):
        self._history()
        self.assertEqual(
            self._lots_in(self.shelf, datetime(2026, 1, 21), datetime(2026, 1, 24)), ["MOVED-IN", "ON-HAND-ACROSS"]
        )
        self.assertEqual(
            self._lots_in(self.shelf, datetime(2026, 1, 2), datetime(2026, 1, 3)), ["GONE-BEFORE", "ON-HAND-ACROSS"]
        )

    def test_reversed_period_is_refused(self):
        with self.assertRaisesRegex(UserError, "reversed"):
            self._lots_in(self.shelf, self.date_to, self.date_from)

    def test_location_without_moves_gives_no_lot(self):
        self._history()
        empty = self.env["stock.location"].create({"name": "Empty Bay", "location_id": self.stock_location.id})
        self.assertEqual(self._lots_in(empty), [])

    def test_other_companies_lots_are_not_shown(self):
        self._history()
        other = self.env["res.company"].create({"name": "Other Mill"})
        self.env.user.company_ids += other
        lots = (
            self.env["stock.lot"]
            .with_context(allowed_company_ids=[other.id])
            ._get_lots_in_location(self.shelf, self.date_from, self.date_to)
        )
        self.assertFalse(lots)
        # The same question asked from the company that holds the lots finds them.
        lots = (
            self.env["stock.lot"]
            .with_context(allowed_company_ids=[self.company.id, other.id])
            ._get_lots_in_location(self.shelf, self.date_from, self.date_to)
        )
        self.assertEqual(sorted(lots.mapped("name")), ["MOVED-IN", "ON-HAND-ACROSS"])

    def test_wizard_finds_the_lots_and_opens_the_hold_signature(self):
        self._history()
        wizard_form = Form(self.env["stock.lot.incident.scope"])
        wizard_form.location_id = self.shelf
        wizard_form.date_from = self.date_from
        wizard_form.date_to = self.date_to
        wizard = wizard_form.save()
        wizard.action_find_lots()
        self.assertEqual(sorted(wizard.lot_ids.mapped("name")), ["MOVED-IN", "ON-HAND-ACROSS"])
        action = wizard.action_hold()
        self.assertEqual(action["res_model"], "stock.lot.qc.sign.wizard")
        sign = Form(self.env["stock.lot.qc.sign.wizard"].with_context(**action["context"]))
        self.assertEqual(sign.decision, "hold")
        self.assertEqual(sorted(sign.lot_ids.ids), sorted(wizard.lot_ids.ids))

    def test_wizard_without_lots_cannot_hold(self):
        wizard = self.env["stock.lot.incident.scope"].create(
            {"location_id": self.shelf.id, "date_from": self.date_from, "date_to": self.date_to}
        )
        wizard.action_find_lots()
        self.assertFalse(wizard.lot_ids)
        with self.assertRaisesRegex(UserError, "No lot selected"):
            wizard.action_hold()
