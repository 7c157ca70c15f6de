"""A recall can end in rework instead of destruction: its rework orders consume its held or recovered stock into new
lots pending release, and its mass balance shows the reworked quantity as its own column."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .test_recall_recovery import RecallRecoveryCommon


@tagged("post_install", "-at_install")
class TestRecallRework(RecallRecoveryCommon):
    """The recall of RecallRecoveryCommon: milk lot MILK-R made into 100 yogurts, 30 shipped to one customer, 20 to
    another, 50 in stock."""

    @classmethod
    def _setup_before_history(cls):
        cls.stock_manager = new_test_user(
            cls.env,
            "recall.rework.manager",
            groups="stock.group_stock_manager,mrp.group_mrp_manager,stock.group_production_lot",
            name="Rhea Stockwell",
        )
        cls.stock_user = new_test_user(
            cls.env, "recall.rework.user", groups="stock.group_stock_user,mrp.group_mrp_user", name="Mo Maker"
        )
        cls.earlier_reworks = cls.env["mrp.production"].search([("is_rework", "=", True)])

    def _rework_with_wizard(self, quantity=None, user=None):
        """The recall's Rework button, its dialog confirmed (for ``quantity`` when given) by ``user``."""
        user = user or self.stock_manager
        action = self.recall.with_user(user).action_open_rework_wizard()
        wizard_form = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        if quantity is not None:
            wizard_form.quantity = quantity
        result = wizard_form.save().action_create()
        return self.env["mrp.production"].browse(result["res_id"])

    def _produce_all(self, production, user=None):
        production = production.with_user(user or self.stock_manager)
        production.qty_producing = production.product_qty
        production._set_qty_producing()
        production.button_mark_done()
        return production

    def _reworks(self):
        """The rework orders the test made (not the demo's)."""
        return self.env["mrp.production"].search([("is_rework", "=", True), ("id", "not in", self.earlier_reworks.ids)])

    def test_the_recall_reworks_its_held_stock_and_the_balance_shows_it(self):
        self.recall.action_confirm()
        production = self._rework_with_wizard(quantity=30)
        self.assertEqual(production.lot_recall_id, self.recall)
        self.assertEqual(production.rework_lot_id, self.finished_lot)
        self.assertEqual(production.rework_origin, f"Rework of {self.finished_lot.name} for recall {self.recall.name}")
        self.assertEqual(self.recall.rework_production_count, 1)
        self._produce_all(production)
        new_lot = production.lot_producing_id
        self.assertEqual(new_lot.qc_state, "pending")
        self.assertIn(new_lot.id, self.milk_lot.trace("downstream")["lot_ids"], "the recalled milk reaches it")

        # Hand-worked: 100 produced, 50 shipped, 30 consumed by the rework (Reworked, part of Consumed), 20 on hand.
        yogurt = self._balance(self.finished_lot)
        self.assertEqual(
            (yogurt.in_qty, yogurt.shipped_qty, yogurt.consumed_qty, yogurt.on_hand_qty, yogurt.discrepancy_qty),
            (100, 50, 30, 20, 0),
        )
        self.assertEqual(
            (yogurt.reworked_qty, yogurt.recovered_qty, yogurt.destroyed_qty, yogurt.unaccounted_qty), (30, 0, 0, 50)
        )
        self.assertEqual(self._balance(self.milk_lot).reworked_qty, 0, "the milk went into the yogurt, no rework")
        self.assertEqual(self.recall.reworked_qty, 30)

    def test_rework_recovery_and_destruction_add_up(self):
        self.recall.action_confirm()
        self._produce_all(self._rework_with_wizard(quantity=30))
        self.recall.action_create_returns()
        first = self.recall.return_picking_ids.filtered(lambda picking: picking.partner_id == self.customer)
        first.move_ids.picked = True
        first.button_validate()
        self.recall.action_destroy()

        # Hand-worked: 100 made + 30 returned = 50 shipped + 30 reworked + 50 destroyed (20 left + 30 returned).
        yogurt = self._balance(self.finished_lot)
        self.assertEqual(
            (yogurt.in_qty, yogurt.returned_qty, yogurt.shipped_qty, yogurt.consumed_qty, yogurt.scrapped_qty),
            (100, 30, 50, 30, 50),
        )
        self.assertEqual((yogurt.on_hand_qty, yogurt.discrepancy_qty), (0, 0))
        self.assertEqual(
            (yogurt.reworked_qty, yogurt.recovered_qty, yogurt.destroyed_qty, yogurt.unaccounted_qty), (30, 30, 50, 20)
        )
        self.assertEqual((self.recall.reworked_qty, self.recall.recovered_qty, self.recall.destroyed_qty), (30, 30, 50))
        self.assertEqual(self.recall.effectiveness, 60.0, "unaccounted keeps its meaning: shipped in scope - recovered")
        self.assertEqual(self.recall.discrepancy_count, 0)

    def test_a_lot_held_by_the_recall_reworked_from_its_own_form_counts_for_the_recall(self):
        self.recall.action_confirm()
        production = self.finished_lot.with_user(self.stock_manager)._create_rework_production(10)
        self.assertEqual(production.lot_recall_id, self.recall)
        self._produce_all(production)
        self.assertEqual(self._balance(self.finished_lot).reworked_qty, 10)

    def test_an_ordinary_manufacturing_order_still_cannot_consume_the_recalled_lot(self):
        self.recall.action_confirm()
        production = self.finished_lot.with_user(self.stock_manager)._create_rework_production(10)
        with self.assertRaisesRolledBack(UserError, self.finished_lot.name):
            self._produce_all(production, user=self.stock_user)
        self.assertEqual(self._balance(self.finished_lot).reworked_qty, 0)

    # ------------------------------------------------------------------
    # Bad input: a clear error and no order left behind
    # ------------------------------------------------------------------

    def test_a_draft_or_mock_recall_reworks_nothing(self):
        with self.assertRaisesRolledBack(UserError, "not confirmed and open"):
            self.recall.with_user(self.stock_manager).action_open_rework_wizard()
        mock = self.env["stock.lot.recall"].create(
            {"lot_ids": [(6, 0, self.milk_lot.ids)], "is_mock": True, "reason": "Drill"}
        )
        mock.action_compute_scope()
        with self.assertRaisesRolledBack(UserError, "a mock recall holds nothing"):
            mock.with_user(self.stock_manager)._create_rework_production(self.finished_lot, 5)
        self.assertFalse(self._reworks())

    def test_a_recall_reworks_only_lots_of_its_scope_on_hold(self):
        self.recall.action_confirm()
        self._receive(self.sugar, 10, lot_name="SUGAR-OUT")
        outside = self.env["stock.lot"].search([("name", "=", "SUGAR-OUT")])
        with self.assertRaisesRolledBack(UserError, "SUGAR-OUT is not in the scope"):
            self.recall.with_user(self.stock_manager)._create_rework_production(outside, 5)
        with self.assertRaisesRolledBack(UserError, "Only 50"):
            self.recall.with_user(self.stock_manager)._create_rework_production(self.finished_lot, 51)
        with self.assertRaisesRolledBack(UserError, "above zero"):
            self.recall.with_user(self.stock_manager)._create_rework_production(self.finished_lot, 0)
        self.assertFalse(self._reworks())

    def test_only_a_stock_or_qa_manager_reworks_a_recall(self):
        self.recall.action_confirm()
        with self.assertRaisesRolledBack(AccessError, "stock managers and QA managers"):
            self.recall.with_user(self.stock_user).action_open_rework_wizard()
        with self.assertRaisesRolledBack(AccessError, "stock managers and QA managers"):
            self.recall.with_user(self.stock_user)._create_rework_production(self.finished_lot, 5)
        self.assertFalse(self._reworks())

    def test_nobody_links_an_order_to_a_recall_by_hand(self):
        production = self.env["mrp.production"].create({"product_id": self.yogurt.id, "product_qty": 10})
        with self.assertRaisesRolledBack(UserError, "only through the recall"):
            production.lot_recall_id = self.recall
