"""Rework of a lot on hold: a manufacturing order marked as rework consumes the held lot (that lot only, by a stock or
QA manager only) and makes a new lot, pending release, linked to it in the genealogy."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..tools import stock_flows
from .common import DemoHistoryCase
from .test_integrity import IntegrityCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestRework(IntegrityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mrp_manager = new_test_user(
            cls.env,
            "rework.stock.manager",
            groups="stock.group_stock_manager,mrp.group_mrp_manager,stock.group_production_lot",
            name="Rhea Stockwell",
        )
        cls.mrp_user = new_test_user(
            cls.env, "rework.mrp.user", groups="stock.group_stock_user,mrp.group_mrp_user", name="Mo Maker"
        )
        cls.earlier_reworks = cls.env["mrp.production"].search([("is_rework", "=", True)])

    def _held_milk(self, name="MILK-RW", quantity=20):
        lot = self._released_milk(name, quantity)
        self._sign(lot, "hold")
        return lot

    def _location(self, lot):
        return self.env["stock.quant"].search([("lot_id", "=", lot.id), ("quantity", ">", 0)]).location_id

    def _quantity(self, lot):
        quants = self.env["stock.quant"].search([("lot_id", "=", lot.id), ("location_id.usage", "=", "internal")])
        return sum(quants.mapped("quantity"))

    def _productions(self):
        """The rework orders the test made (not the demo's)."""
        return self.env["mrp.production"].search([("is_rework", "=", True), ("id", "not in", self.earlier_reworks.ids)])

    def _rework_with_wizard(self, lot, user=None, **values):
        """The Rework button of ``lot``'s form, its dialog filled with ``values`` and confirmed by ``user``."""
        user = user or self.mrp_manager
        action = lot.with_user(user).action_rework()
        wizard_form = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        for field, value in values.items():
            setattr(wizard_form, field, value)
        result = wizard_form.save().action_create()
        return self.env["mrp.production"].browse(result["res_id"])

    def _produce_all(self, production, user=None):
        production = production.with_user(user or self.mrp_manager)
        production.qty_producing = production.product_qty
        production._set_qty_producing()
        return production.button_mark_done()

    def test_the_stock_manager_reworks_a_held_lot_into_a_new_pending_lot(self):
        held = self._held_milk()
        production = self._rework_with_wizard(held)
        self.assertTrue(production.is_rework)
        self.assertEqual(production.rework_lot_id, held)
        self.assertEqual(
            production.rework_origin, "Rework of MILK-RW for QA hold signed by Quinn on 2026-03-10 09:00:00"
        )
        # Defaults: the whole held quantity where it lies, into the same product.
        self.assertEqual((production.product_id, production.product_qty), (self.milk, 20))
        self.assertEqual(production.move_raw_ids.move_line_ids.lot_id, held)
        self.assertEqual(production.move_raw_ids.move_line_ids.quantity, 20)
        self.assertEqual(held.rework_production_count, 1)
        self._produce_all(production)
        self.assertEqual(production.state, "done")
        new_lot = production.lot_producing_id
        self.assertNotEqual(new_lot, held)
        self.assertEqual(new_lot.qc_state, "pending")
        self.assertEqual(new_lot.qc_check_ids.mapped("name"), ["pH"], "the checks of a production of milk")
        self.assertEqual(self._quantity(new_lot), 20)
        self.assertEqual(self._quantity(held), 0)
        self.assertEqual(held.qc_state, "on_hold", "the held lot is consumed, its hold stands")
        history = held.audit_ids.filtered(lambda row: row.field_description == "Rework")
        self.assertEqual(len(history), 1)
        self.assertIn(production.name, history.reason)
        self.assertIn("20", history.reason)

    def test_a_part_of_the_held_lot_is_reworked_and_the_rest_stays_on_hold(self):
        held = self._held_milk()
        production = held.with_user(self.mrp_manager)._create_rework_production(8)
        self._produce_all(production)
        self.assertEqual(self._quantity(held), 12)
        self.assertEqual(self._quantity(production.lot_producing_id), 8)

    def test_a_rework_lot_of_a_product_without_release_still_starts_pending(self):
        self._receive(self.sugar, 10, lot_name="SUGAR-RW")
        sugar = self.env["stock.lot"].search([("name", "=", "SUGAR-RW")])
        self._sign(sugar, "hold")
        production = sugar.with_user(self.mrp_manager)._create_rework_production(10)
        self._produce_all(production)
        new_lot = production.lot_producing_id
        self.assertEqual(new_lot.qc_state, "pending")
        self.assertTrue(new_lot.qc_release_required)
        self.assertEqual(new_lot._get_lots_with_unexpected_qc_state(), [], "its signatures agree with its state")
        self.assertIn("SUGAR-RW", new_lot.audit_ids.filtered(lambda row: row.field_name == "qc_state").reason)

    def test_the_reworked_lot_is_linked_both_ways_in_the_trace(self):
        held = self._held_milk()
        production = held.with_user(self.mrp_manager)._create_rework_production(20)
        self._produce_all(production)
        new_lot = production.lot_producing_id
        self.assertIn(new_lot.id, held.trace("downstream")["lot_ids"])
        self.assertIn(held.id, new_lot.trace("upstream")["lot_ids"])
        self.assertEqual(production.move_finished_ids.move_line_ids.consume_line_ids.lot_id, held)
        upstream = new_lot._get_genealogy()[new_lot.id]["upstream"]
        self.assertEqual([child["lot"] for child in upstream["children"]], [held])
        downstream = held._get_genealogy()[held.id]["downstream"]
        self.assertEqual([child["lot"] for child in downstream["children"]], [new_lot])

    def test_an_ordinary_manufacturing_order_still_cannot_consume_the_held_lot(self):
        held = self._held_milk()
        self._receive(self.sugar, 10, lot_name="SUGAR-MO")
        production = self.env["mrp.production"].create(
            {"product_id": self.yogurt.id, "product_qty": 10, "bom_id": self.bom.id}
        )
        production.action_confirm()
        milk_move = production.move_raw_ids.filtered(lambda move: move.product_id == self.milk)
        with self.assertRaisesRolledBack(ValidationError, "MILK-RW"):
            stock_flows.set_move_lines(milk_move, [stock_flows.line_vals(milk_move, 2, held)])
        self.assertEqual(self._quantity(held), 20)

    def test_an_ordinary_user_cannot_produce_a_rework_order(self):
        held = self._held_milk()
        production = held.with_user(self.mrp_manager)._create_rework_production(20)
        with self.assertRaisesRolledBack(UserError, "MILK-RW"):
            self._produce_all(production, user=self.mrp_user)
        self.assertEqual(self._quantity(held), 20)
        self.assertNotEqual(production.state, "done")

    def test_a_rework_order_cannot_consume_another_held_lot(self):
        held = self._held_milk()
        other = self._held_milk("MILK-OTHER", 10)
        production = held.with_user(self.mrp_manager)._create_rework_production(10)
        with self.assertRaisesRolledBack(ValidationError, "MILK-OTHER"):
            production.move_raw_ids.move_line_ids.with_user(self.mrp_manager).lot_id = other
        self.assertEqual(production.move_raw_ids.move_line_ids.lot_id, held)
        self.assertEqual((self._quantity(held), self._quantity(other)), (20, 10))

    def test_nobody_marks_an_order_as_rework_by_hand(self):
        held = self._held_milk()
        with self.assertRaisesRolledBack(UserError, "Rework action"):
            self.env["mrp.production"].create(
                {"product_id": self.milk.id, "product_qty": 1, "is_rework": True, "rework_lot_id": held.id}
            )
        production = self.env["mrp.production"].create({"product_id": self.yogurt.id, "product_qty": 10})
        with self.assertRaisesRolledBack(UserError, "Rework action"):
            production.write({"is_rework": True, "rework_lot_id": held.id})
        self.assertFalse(self._productions())

    # ------------------------------------------------------------------
    # Bad input: a clear error and no order left behind
    # ------------------------------------------------------------------

    def assertNoRework(self, exception, regex, lot, *args, user=None, **kwargs):
        with self.assertRaisesRolledBack(exception, regex):
            lot.with_user(user or self.mrp_manager)._create_rework_production(*args, **kwargs)
        self.assertFalse(self._productions())
        self.assertFalse(self.env["mrp.production"].search([("origin", "=", lot.name)]))

    def test_a_released_lot_is_not_reworked(self):
        lot = self._released_milk("MILK-OK", 20)
        self.assertNoRework(UserError, "MILK-OK is Released, not on hold", lot, 5)
        with self.assertRaisesRolledBack(UserError, "not on hold"):
            lot.with_user(self.mrp_manager).action_rework()

    def test_a_pending_lot_is_not_reworked(self):
        lot = self._milk_lot("MILK-PEND", 20)
        self.assertNoRework(UserError, "MILK-PEND is Pending Release, not on hold", lot, 5)

    def test_more_than_the_held_quantity_is_refused(self):
        held = self._held_milk()
        self.assertNoRework(UserError, "Only 20.0 kg|Only 20.0 Units|Only 20", held, 21)

    def test_zero_or_a_negative_quantity_is_refused(self):
        held = self._held_milk()
        self.assertNoRework(UserError, "above zero", held, 0)
        self.assertNoRework(UserError, "above zero", held, -3)
        self.assertNoRework(UserError, "above zero", held, "5")

    def test_a_product_of_another_company_is_refused(self):
        held = self._held_milk()
        other_company = self.env["res.company"].create({"name": "Other Dairy Ltd"})
        foreign = self.env["product.product"].create(
            {"name": "Foreign Cream", "is_storable": True, "tracking": "lot", "company_id": other_company.id}
        )
        self.assertNoRework(UserError, "Foreign Cream belongs to another company", held, 5, product=foreign)

    def test_a_product_not_tracked_by_lots_is_refused(self):
        held = self._held_milk()
        untracked = self.env["product.product"].create({"name": "Milk Powder", "is_storable": True})
        self.assertNoRework(UserError, "not tracked by lots", held, 5, product=untracked)

    def test_a_user_without_the_manager_right_cannot_rework(self):
        held = self._held_milk()
        self.assertNoRework(AccessError, "stock managers and QA managers", held, 5, user=self.mrp_user)
        with self.assertRaisesRolledBack(AccessError, "stock managers and QA managers"):
            held.with_user(self.mrp_user).action_rework()

    def test_a_duplicate_of_a_rework_order_is_refused(self):
        held = self._held_milk()
        production = held.with_user(self.mrp_manager)._create_rework_production(5)
        with self.assertRaisesRolledBack(UserError, "cannot be duplicated"):
            production.copy()


@tagged("post_install", "-at_install")
class TestReworkDemo(DemoHistoryCase):
    def test_the_demo_shows_a_held_lot_and_the_lot_its_rework_made(self):
        held = self._demo_record("lot_traceability.lot_powder_held_demo")
        self.assertEqual(held.qc_state, "on_hold")
        self.assertEqual(held.supplier_lot_code, "AD-P2290")
        production = held.rework_production_ids
        self.assertEqual((production.state, production.is_rework, held.rework_production_count), ("done", True, 1))
        self.assertTrue(production.rework_origin.startswith(f"Rework of {held.name} for QA hold signed by"))
        new_lot = production.lot_producing_id
        self.assertEqual(new_lot.qc_state, "pending")
        internal = [("location_id.usage", "=", "internal")]
        quantity = {
            lot: sum(self.env["stock.quant"].search([("lot_id", "=", lot.id), *internal]).mapped("quantity"))
            for lot in (held, new_lot)
        }
        self.assertEqual((quantity[held], quantity[new_lot]), (40, 60))
        self.assertIn(new_lot.id, held.trace("downstream")["lot_ids"])
