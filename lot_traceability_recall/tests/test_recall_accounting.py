from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_recall_recovery import RecallRecoveryCommon


@tagged("post_install", "-at_install")
class TestRecallAccounting(RecallRecoveryCommon):
    """A recall's costs posted as a journal entry, its value at risk and its write-off at the lots'
    own costs.

    Milk   : 20 received at 1.00 (standard price, no purchase order) -> 20.00, 1.00/unit
    Sugar  : 20 received at 2.00                                       -> 40.00, 2.00/unit
    Yogurt : 100 produced from 20 milk (20.00) and 10 sugar (20.00)    -> 40.00, 0.40/unit
             valued per lot, at a standard price of 0.50 (what Odoo's layers book)
    """

    @classmethod
    def _setup_before_history(cls):
        cls.env.user.groups_id += cls.env.ref("account.group_account_manager")
        cls.milk.standard_price = 1.0
        cls.sugar.standard_price = 2.0
        cls.yogurt.lot_valuated = True
        cls.expense_account = cls.env["account.account"].create(
            {"code": "623900", "name": "Product recall costs", "account_type": "expense"}
        )
        cls.counterpart_account = cls.env["account.account"].create(
            {"code": "408900", "name": "Accrued recall costs", "account_type": "liability_current"}
        )
        cls.journal = cls.env["account.journal"].create({"name": "Recall Costs", "code": "RCLC", "type": "general"})
        cls.company.write(
            {
                "recall_cost_journal_id": cls.journal.id,
                "recall_expense_account_id": cls.expense_account.id,
                "recall_counterpart_account_id": cls.counterpart_account.id,
            }
        )

    def _add_cost(self, name, amount, partner=None, recall=None):
        return self.env["stock.lot.recall.cost"].create(
            {
                "recall_id": (recall or self.recall).id,
                "name": name,
                "amount": amount,
                "partner_id": partner and partner.id,
            }
        )

    # ------------------------------------------------------------------
    # Posting the recorded costs
    # ------------------------------------------------------------------

    def test_posting_the_costs_creates_one_balanced_entry_on_the_configured_accounts(self):
        collection = self._add_cost("Collection from the stores", 80.0, self.customer_2)
        notices = self._add_cost("Registered letters", 45.5)
        refund = self._add_cost("Carrier refund", -10.0, self.supplier)
        self.assertEqual(self.recall.unposted_cost, 115.5)

        move = self.recall.action_post_costs()

        self.assertEqual(len(move), 1)
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.journal)
        self.assertEqual(move.move_type, "entry")
        self.assertIn(self.recall.name, move.ref)
        expense = move.line_ids.filtered(lambda line: line.account_id == self.expense_account)
        counterpart = move.line_ids.filtered(lambda line: line.account_id == self.counterpart_account)
        self.assertEqual(len(move.line_ids), 4, "one line per cost and one counterpart line")
        self.assertEqual(
            sorted((line.debit, line.credit, line.partner_id) for line in expense),
            sorted([(80.0, 0.0, self.customer_2), (45.5, 0.0, self.env["res.partner"]), (0.0, 10.0, self.supplier)]),
        )
        self.assertEqual((counterpart.debit, counterpart.credit), (0.0, 115.5))
        self.assertEqual(sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit")))
        self.assertEqual((collection | notices | refund).account_move_id, move)
        self.assertEqual(self.recall.cost_move_ids, move)
        self.assertEqual(self.recall.cost_move_count, 1)
        self.assertEqual(self.recall.unposted_cost, 0.0)
        self.assertIn(move.name, self.recall.message_ids[0].body)

        # Only what was recorded since is posted next time, in a second entry.
        self._add_cost("Laboratory analysis", 60.0)
        second = self.recall.action_post_costs()
        self.assertNotEqual(second, move)
        self.assertEqual(second.amount_total, 60.0)
        self.assertEqual(self.recall.cost_move_ids, move | second)

    def test_without_a_configured_journal_the_miscellaneous_journal_is_used(self):
        self.company.recall_cost_journal_id = False
        self._add_cost("Collection from the stores", 80.0)
        move = self.recall.action_post_costs()
        self.assertEqual(move.journal_id.type, "general")
        self.assertEqual(move.state, "posted")

    def test_a_posted_cost_cannot_be_changed_or_deleted(self):
        cost = self._add_cost("Collection from the stores", 80.0)
        draft_cost = self._add_cost("Registered letters", 45.5)
        draft_cost.amount = 50.0  # not posted yet: still editable
        self.recall.action_post_costs()

        with self.assertRaisesRolledBack(UserError, "cannot be changed"):
            cost.amount = 8.0
        with self.assertRaisesRolledBack(UserError, "cannot be changed"):
            cost.name = "Something else"
        with self.assertRaisesRolledBack(UserError, "cannot be deleted"):
            cost.unlink()
        self.assertEqual((cost.amount, cost.name), (80.0, "Collection from the stores"))
        self.assertTrue(cost.exists())

    def test_posting_is_refused_when_there_is_nothing_to_post(self):
        with self.assertRaisesRolledBack(UserError, "no recorded cost left to post"):
            self.recall.action_post_costs()
        self._add_cost("Collection from the stores", 80.0)
        self.recall.action_post_costs()
        with self.assertRaisesRolledBack(UserError, "no recorded cost left to post"):
            self.recall.action_post_costs()

    def test_posting_is_refused_for_a_mock_recall(self):
        mock = self.env["stock.lot.recall"]._run_mock_recall(self.milk_lot)
        self._add_cost("Drill coffee", 12.0, recall=mock)
        with self.assertRaisesRolledBack(UserError, "mock recall has no costs to post"):
            mock.action_post_costs()
        self.assertFalse(mock.cost_ids.account_move_id)

    def test_posting_is_refused_without_the_accounts_and_writes_nothing(self):
        self.company.recall_counterpart_account_id = False
        cost = self._add_cost("Collection from the stores", 80.0)
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRolledBack(UserError, "Set the recall expense and counterpart accounts"):
            self.recall.action_post_costs()
        self.assertFalse(cost.account_move_id)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

        self.company.recall_counterpart_account_id = self.counterpart_account
        self.company.recall_expense_account_id = False
        with self.assertRaisesRolledBack(UserError, "Set the recall expense and counterpart accounts"):
            self.recall.action_post_costs()
        self.assertFalse(cost.account_move_id)

    def test_only_a_recall_manager_posts_the_costs(self):
        cost = self._add_cost("Collection from the stores", 80.0)
        accountant = new_test_user(
            self.env,
            login="recall_accountant",
            groups="base.group_user,stock.group_stock_user,account.group_account_manager",
        )
        with self.assertRaisesRolledBack(AccessError, "Only Recall Managers"):
            self.recall.with_user(accountant).action_post_costs()
        self.assertFalse(cost.account_move_id)

    # ------------------------------------------------------------------
    # Value at risk and write-off at the lots' own costs
    # ------------------------------------------------------------------

    def test_value_at_risk_is_at_the_unit_cost_the_expiry_risk_shows(self):
        # One unit cost of a lot wherever stock is valued: Odoo's cost of the lot (valued per lot, standard price
        # 0.50: what its layers book and a write-off books), in the recall as in the expiry risk. What the lot
        # cost to make (0.40) is its Costing tab's, whose reconciliation names the difference.
        self.assertAlmostEqual(self.finished_lot._get_unit_cost()[self.finished_lot.id], 0.50)
        risk = self.env["stock.lot.expiry.risk"].search([("lot_id", "=", self.finished_lot.id)])
        self.assertAlmostEqual(risk.unit_cost, 0.50)
        self.assertEqual(self.recall.shipped_qty + self.recall.on_hand_qty, 100)
        self.assertAlmostEqual(self.recall.value_at_risk, 100 * 0.50)
        self.assertAlmostEqual(self.finished_lot.costing_unit, 0.40)
        self.assertEqual(self.finished_lot.costing_reconciliation, "standard_price")
        self.assertAlmostEqual(self.finished_lot.costing_valuation_unit_cost, 0.50, msg="shown on the Costing tab")

    def test_a_lot_without_a_cost_of_its_own_is_at_its_products_cost(self):
        never_received = self.env["stock.lot"].create({"name": "MILK-NONE", "product_id": self.milk.id})
        costs = (self.finished_lot | never_received)._get_unit_cost()
        self.assertAlmostEqual(costs[self.finished_lot.id], 0.50)
        self.assertEqual(costs[never_received.id], 1.0, "valued per product: the product's cost")

    def test_the_write_off_of_a_lot_valued_product_is_what_its_layers_booked_at_its_unit_cost(self):
        self.recall.action_confirm()
        self.recall.action_destroy()

        scraps = self.recall.scrap_ids
        self.assertEqual(sum(scraps.mapped("scrap_qty")), 50)
        booked = -sum(scraps.move_ids.stock_valuation_layer_ids.mapped("value"))
        self.assertAlmostEqual(booked, 50 * 0.50, msg="Odoo's layers book the lot at the standard price")
        self.recall.invalidate_recordset(["write_off_value"])
        # The same unit cost as the value at risk (0.50), not the 0.40 the lot cost to make.
        self.assertAlmostEqual(self.recall.write_off_value, booked)
        unit_cost = self.finished_lot._get_unit_cost()[self.finished_lot.id]
        self.assertAlmostEqual(self.recall.write_off_value, 50 * unit_cost)

    def test_the_write_off_of_a_product_not_valued_per_lot_is_what_its_layers_booked(self):
        self.yogurt.lot_valuated = False
        self.recall.action_confirm()
        self.recall.action_destroy()
        self.recall.invalidate_recordset(["write_off_value"])
        self.assertAlmostEqual(self.recall.write_off_value, 50 * 0.50)
