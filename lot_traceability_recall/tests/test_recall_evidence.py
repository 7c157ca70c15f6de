from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .test_recall_recovery import RecallRecoveryCommon


@tagged("post_install", "-at_install")
class TestRecallEvidence(RecallRecoveryCommon):
    """A recall's record is evidence: what it started from, why, its class, its company and its scope are
    written by recall managers while it is a draft, and afterwards only grow through a logged Extend Scope."""

    @classmethod
    def _setup_before_history(cls):
        cls.qa_user = new_test_user(cls.env, "qa.evidence", groups="lot_traceability.group_qa_user")
        cls.manager = new_test_user(
            cls.env,
            "recall.evidence",
            groups="lot_traceability_recall.group_recall_manager,stock.group_stock_user",
        )
        cls.customer_3 = cls.env["res.partner"].create(
            {"name": "City Bakery", "is_company": True, "email": "quality@citybakery.example"}
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Another milk lot: 6 of its 10 litres shipped straight to a third customer, 4 left in stock.
        fixture = cls._fixture_builder()
        fixture._receive(cls.milk, 10, lot_name="MILK-2")
        cls.milk_lot_2 = cls.env["stock.lot"].search([("name", "=", "MILK-2")])
        cls.delivery_3 = fixture._deliver(cls.milk, 6, cls.customer_3)
        fixture.assertEqual(cls.delivery_3.move_line_ids.lot_id, cls.milk_lot_2)

    def _notified(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        return self.recall

    def _scope(self, recall):
        recall.invalidate_recordset()
        return {
            "lots": recall.affected_lot_ids,
            "shipments": {(line.move_line_id.id, line.partner_id.id, line.quantity) for line in recall.shipment_ids},
            "customers": recall.customer_ids,
            "holds": recall.hold_ids.lot_id,
            "seeds": recall.lot_ids,
        }

    # ------------------------------------------------------------------
    # Seed lots, reason, class: recall managers, draft only
    # ------------------------------------------------------------------

    def test_a_qa_user_cannot_rewrite_the_scope_of_a_notified_or_closed_recall(self):
        recall = self._notified()
        before = self._scope(recall)
        as_qa = recall.with_user(self.qa_user)
        for vals in (
            {"lot_ids": [Command.set(self.milk_lot_2.ids)]},
            {"lot_ids": [Command.clear()]},
            {"supplier_lot_ids": [Command.set(self.milk_lot_2.supplier_lot_id.ids)]},
            {"reason": "Nothing happened"},
            {"fda_class": "class_3"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRolledBack(AccessError, "Only Recall Managers"):
                as_qa.write(vals)
        with self.assertRaisesRolledBack(UserError, "is not a draft"):
            as_qa.action_compute_scope()
        self.assertEqual(self._scope(recall), before)
        self.assertEqual(recall.reason, "Listeria found in the milk")

        recall.action_close(justification="Destroyed on site", lot_outcome="release")
        for vals in ({"lot_ids": [Command.set(self.milk_lot_2.ids)]}, {"fda_class": "class_3"}):
            with self.subTest(vals=vals), self.assertRaisesRolledBack(AccessError, "Only Recall Managers"):
                as_qa.write(vals)
        with self.assertRaisesRolledBack(UserError, "is not a draft"):
            as_qa.action_compute_scope()
        self.assertEqual(self._scope(recall), before)

    def test_after_confirmation_even_a_recall_manager_only_extends_the_scope(self):
        recall = self._notified().with_user(self.manager)
        before = self._scope(recall)
        for vals in (
            {"lot_ids": [Command.set(self.milk_lot_2.ids)]},
            {"lot_ids": [Command.link(self.milk_lot_2.id)]},
            {"supplier_lot_ids": [Command.clear()]},
            {"reason": "Rewritten"},
            {"fda_class": "class_3"},
            {"company_id": self.company.id},
        ):
            with self.subTest(vals=vals), self.assertRaisesRolledBack(UserError, "Extend Scope"):
                recall.write(vals)
        with self.assertRaisesRolledBack(UserError, "is not a draft"):
            recall.action_compute_scope()
        self.assertEqual(self._scope(recall), before)

    def test_a_qa_user_launches_a_draft_but_does_not_edit_its_evidence(self):
        # QA users launch recalls (the wizard creates the draft with its seeds) and run their scope...
        wizard = Form(
            self.env["stock.lot.recall.wizard"]
            .with_user(self.qa_user)
            .with_context(active_model="stock.lot", active_ids=self.milk_lot_2.ids)
        )
        wizard.reason = "Off taste"
        wizard.is_mock = True
        mock = self.env["stock.lot.recall"].browse(wizard.save().action_launch()["res_id"]).with_user(self.qa_user)
        mock.action_compute_scope()
        self.assertEqual(mock.affected_lot_ids, self.milk_lot_2)
        # ... but only a recall manager changes what a draft starts from, why, and its class.
        draft = self.recall.with_user(self.qa_user)
        for vals in ({"lot_ids": [Command.set(self.milk_lot_2.ids)]}, {"reason": "Other"}, {"fda_class": "class_1"}):
            with self.subTest(vals=vals), self.assertRaisesRolledBack(AccessError, "Only Recall Managers"):
                draft.write(vals)
        with self.assertRaisesRolledBack(AccessError, "Only Recall Managers"):
            mock.write({"lot_ids": [Command.set(self.milk_lot.ids)]})
        self.recall.with_user(self.manager).write(
            {
                "lot_ids": [Command.link(self.milk_lot_2.id)],
                "reason": "Listeria in two milk lots",
                "fda_class": "class_1",
            }
        )
        self.recall.with_user(self.manager).action_compute_scope()
        self.assertIn(self.customer_3, self.recall.customer_ids)

    def test_the_reference_mock_flag_and_dates_are_never_rewritten(self):
        recall = self._notified()
        for vals in ({"name": "REC/FORGED"}, {"is_mock": True}, {"date_confirmed": "2020-01-01 00:00:00"}):
            with self.subTest(vals=vals), self.assertRaisesRolledBack(UserError, "never edited by hand"):
                recall.with_user(self.manager).write(vals)
        self.assertTrue(recall.name.startswith("REC/"))

    # ------------------------------------------------------------------
    # Company
    # ------------------------------------------------------------------

    def test_a_draft_recall_cannot_be_moved_to_a_company_its_author_does_not_belong_to(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain"})
        admin = self.env.ref("base.user_admin")
        admin.company_ids |= company_2
        # A recall manager of the first company only drafts a recall for the administrator...
        draft = (
            self.env["stock.lot.recall"]
            .with_user(self.manager)
            .create({"reason": "Listeria", "lot_ids": [Command.set(self.milk_lot.ids)], "responsible_id": admin.id})
        )
        with self.assertRaisesRolledBack(UserError, "Dairy Spain"):
            draft.write({"company_id": company_2.id})
        # ... and a manager of both companies cannot move it there either: its author could not follow it.
        self.manager.sudo().company_ids |= company_2  # now in both
        author = new_test_user(self.env, "qa.author", groups="lot_traceability.group_qa_user")
        other_draft = (
            self.env["stock.lot.recall"]
            .with_user(author)
            .create({"reason": "Listeria", "lot_ids": [Command.set(self.milk_lot.ids)], "responsible_id": admin.id})
        )
        with self.assertRaisesRolledBack(UserError, "Dairy Spain"):
            other_draft.with_user(self.manager).write({"company_id": company_2.id})
        self.assertEqual((draft.company_id, other_draft.company_id), (self.company, self.company))
        # Between companies the author belongs to, a draft moves.
        draft.with_user(self.manager).write({"company_id": company_2.id})
        self.assertEqual(draft.company_id, company_2)

    # ------------------------------------------------------------------
    # Stored scope tables: only the recall's own actions, never after closing
    # ------------------------------------------------------------------

    def test_the_mass_balance_of_a_closed_recall_is_frozen(self):
        recall = self._notified()
        recall.action_close(justification="Destroyed on site", lot_outcome="release")
        balance = {(line.lot_id.id, line.on_hand_qty, line.unaccounted_qty) for line in recall.balance_ids}
        # The stock moves on after the closing: a count finds 5 yogurts fewer.
        quant = self.env["stock.quant"].search(
            [("lot_id", "=", self.finished_lot.id), ("location_id", "=", self.stock_location.id)]
        )
        quant.inventory_quantity = quant.quantity - 5
        quant.action_apply_inventory()
        for user in (self.qa_user, self.manager):
            with self.subTest(user=user.login), self.assertRaisesRolledBack(UserError, "closed"):
                recall.with_user(user).action_compute_balance()
        recall.invalidate_recordset()
        self.assertEqual(
            {(line.lot_id.id, line.on_hand_qty, line.unaccounted_qty) for line in recall.balance_ids}, balance
        )

    def test_only_the_recall_creates_its_notifications(self):
        recall = self._notified()
        with self.assertRaisesRolledBack(UserError, "Notify Customers"):
            self.env["stock.lot.recall.notification"].with_user(self.manager).create(
                {"recall_id": recall.id, "partner_id": self.customer_3.id}
            )
        self.assertEqual(recall.notification_ids.partner_id, self.customer | self.customer_2)

    def test_returns_and_destructions_are_linked_to_the_recall_by_the_recall_only(self):
        recall = self._notified()
        recall.action_create_returns()
        warehouse_user = new_test_user(self.env, "wh.evidence", groups="stock.group_stock_user")
        returned = recall.return_picking_ids.filtered(lambda picking: picking.partner_id == self.customer)
        # A receipt from a customer cannot be passed off as a recall return, nor a return taken off it...
        receipt = self._create_receipt(self.milk, 3, partner=self.customer)
        for picking, vals in ((receipt, {"lot_recall_id": recall.id}), (returned, {"lot_recall_id": False})):
            with self.subTest(picking=picking.name), self.assertRaisesRolledBack(UserError, "Create Returns"):
                picking.with_user(warehouse_user).write(vals)
        with self.assertRaisesRolledBack(UserError, "never edited by hand"):
            recall.with_user(self.manager).write({"return_picking_ids": [Command.unlink(returned.id)]})
        # ... nor a scrap order as its destruction.
        quant = recall._get_held_quants()[:1]
        with self.assertRaisesRolledBack(UserError, "Destroy Stock"):
            self.env["stock.scrap"].with_user(warehouse_user).create(
                {
                    "product_id": quant.product_id.id,
                    "lot_id": quant.lot_id.id,
                    "location_id": quant.location_id.id,
                    "scrap_qty": 1,
                    "lot_recall_id": recall.id,
                }
            )
        self.assertEqual(returned.lot_recall_id, recall)
        self.assertFalse(receipt.lot_recall_id)
        # What is still to come back of a partly validated return stays a return of the recall.
        returned.move_ids.quantity = 10
        returned.move_ids.picked = True
        Form.from_action(self.env, returned.button_validate()).save().process()
        backorder = returned.backorder_ids
        self.assertEqual(backorder.lot_recall_id, recall)
        self.assertEqual(backorder.move_ids.product_uom_qty, 20)
        self.assertIn(backorder, recall.return_picking_ids)

    # ------------------------------------------------------------------
    # Extend Scope
    # ------------------------------------------------------------------

    def _extend(self, recall, user, lots, reason="A second milk lot tested positive"):
        action = recall.with_user(user).action_open_extend_wizard()
        wizard = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        for lot in lots:
            wizard.lot_ids.add(lot)
        wizard.reason = reason
        return wizard.save().action_extend()

    def test_extend_scope_adds_lots_holds_them_logs_it_and_keeps_everything_in_scope(self):
        recall = self._notified()
        pending = self._create_delivery(self.milk, 2, self.customer)
        self.assertEqual(pending.move_line_ids.lot_id, self.milk_lot_2, "2 of the 4 litres left are reserved")
        before = self._scope(recall)

        self._extend(recall, self.manager, self.milk_lot_2)

        after = self._scope(recall)
        self.assertEqual(after["seeds"], self.milk_lot | self.milk_lot_2)
        self.assertEqual(after["lots"], before["lots"] | self.milk_lot_2)
        self.assertLess(before["shipments"], after["shipments"], "every shipment stays, the new one is added")
        self.assertEqual(after["customers"], self.customer | self.customer_2 | self.customer_3)
        self.assertEqual(after["holds"], before["holds"] | self.milk_lot_2)
        self.assertEqual(self.milk_lot_2.qc_state, "on_hold")
        self.assertFalse(pending.move_line_ids, "the reservation of the newly held lot is released")
        self.assertTrue(pending.activity_ids, "and its transfer flagged")
        stock = recall.stock_ids.filtered(lambda line: line.lot_id == self.milk_lot_2)
        self.assertEqual(sum(stock.mapped("quantity")), 4)
        self.assertEqual(recall.state, "notified")
        log = recall.message_ids.filtered(lambda message: "Scope extended" in (message.body or ""))
        self.assertEqual(len(log), 1)
        self.assertEqual(log.author_id, self.manager.partner_id)
        self.assertIn("MILK-2", log.body)
        self.assertIn("A second milk lot tested positive", log.body)
        self.assertIn("City Bakery", log.body)
        # The new customer is then notified like the others.
        recall.action_notify()
        self.assertEqual(recall.notification_ids.partner_id, self.customer | self.customer_2 | self.customer_3)

    def test_extend_scope_is_for_recall_managers_on_open_recalls_and_must_add_something(self):
        with self.assertRaisesRolledBack(UserError, "not confirmed and open"):
            self.recall.action_extend_scope(self.milk_lot_2, reason="draft")
        recall = self._notified()
        with self.assertRaisesRolledBack(AccessError, "Only Recall Managers"):
            recall.with_user(self.qa_user).action_extend_scope(self.milk_lot_2, reason="QA")
        with self.assertRaisesRolledBack(AccessError, "Only Recall Managers"):
            recall.with_user(self.qa_user).action_open_extend_wizard()
        with self.assertRaisesRolledBack(UserError, "already in the scope"):
            recall.action_extend_scope(self.finished_lot, reason="again")
        with self.assertRaisesRolledBack(UserError, "why"):
            recall.action_extend_scope(self.milk_lot_2, reason="  ")
        mock = self.env["stock.lot.recall"]._run_mock_recall(self.milk_lot)
        with self.assertRaisesRolledBack(UserError, "not confirmed and open"):
            mock.action_extend_scope(self.milk_lot_2, reason="drill")
        self.assertEqual(recall.lot_ids, self.milk_lot)
        self.assertEqual(self.milk_lot_2.qc_state, "released")

    def test_extend_scope_from_a_supplier_lot(self):
        self._receive(self.milk, 8, supplier_lot_code="AD-EXT", lot_name="MILK-3")
        supplier_lot = self.env["stock.supplier.lot"].search([("name", "=", "AD-EXT")])
        recall = self._notified()
        recall.action_extend_scope(supplier_lots=supplier_lot, reason="Supplier notice")
        self.assertEqual(recall.supplier_lot_ids, supplier_lot)
        milk_3 = self.env["stock.lot"].search([("name", "=", "MILK-3")])
        self.assertIn(milk_3, recall.affected_lot_ids)
        self.assertEqual(milk_3.qc_state, "on_hold")

    # ------------------------------------------------------------------
    # Acknowledgement tokens
    # ------------------------------------------------------------------

    def test_notification_tokens_are_readable_by_recall_managers_only(self):
        recall = self._notified()
        notification = recall.notification_ids.filtered(lambda n: n.partner_id == self.customer)
        token = notification.sudo().access_token
        as_qa = notification.with_user(self.qa_user)
        self.assertEqual(as_qa.partner_id, self.customer, "a QA user sees the notice")
        self.assertNotIn("access_token", as_qa.fields_get())
        with self.assertRaises(AccessError):
            as_qa.read(["access_token"])
        with self.assertRaises(AccessError):
            as_qa.read(["acknowledge_url"])
        # Nor in the e-mail kept in the notice's chatter.
        messages = (
            self.env["mail.message"]
            .with_user(self.qa_user)
            .search([("model", "=", notification._name), ("res_id", "=", notification.id)])
        )
        self.assertTrue(messages, "the notice e-mailed is in its chatter")
        for body in messages.mapped("body"):
            self.assertNotIn(token, body)
        # A recall manager copies the link to send it by other means.
        self.assertIn(token, notification.with_user(self.manager).acknowledge_url)
        self.assertEqual(notification.with_user(self.manager).access_token, token)
