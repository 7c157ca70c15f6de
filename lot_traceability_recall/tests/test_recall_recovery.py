from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.exceptions import AccessDenied, AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import send_queued_recall_notices


class RecallRecoveryCommon(LotTraceabilityCommon):
    """A recall of yogurts made from one milk lot: 30 shipped to one customer, 20 to another, 50 in stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("lot_traceability_recall.group_recall_manager")
        cls.customer.email = "quality@freshmarket.example"
        cls.customer_2 = cls.env["res.partner"].create(
            {"name": "Green Basket Grocers", "is_company": True, "email": "recalls@greenbasket.example"}
        )
        cls.yogurt.categ_id.property_cost_method = "standard"
        cls.yogurt.standard_price = 0.5
        cls.password = "recall.manager.password"
        cls.env.user.password = cls.password
        cls._setup_before_history()
        fixture = cls._fixture_builder()
        fixture._receive(cls.milk, 20, lot_name="MILK-R")
        fixture._receive(cls.sugar, 20, lot_name="SUGAR-R")
        cls.milk_lot = cls.env["stock.lot"].search([("name", "=", "MILK-R")])
        cls.finished_lot = fixture._produce(100).lot_producing_id
        cls.delivery_1 = fixture._deliver(cls.yogurt, 30, cls.customer)
        cls.delivery_2 = fixture._deliver(cls.yogurt, 20, cls.customer_2)
        wizard = Form(
            cls.env["stock.lot.recall.wizard"].with_context(active_model="stock.lot", active_ids=cls.milk_lot.ids)
        )
        wizard.reason = "Listeria found in the milk"
        cls.recall = cls.env["stock.lot.recall"].browse(wizard.save().action_launch()["res_id"])

    @classmethod
    def _setup_before_history(cls):
        """What a class sets before the history above is made (costs it values, users who exist when the
        recall is launched): each test is rolled back to that history, made once for the class."""

    def _balance(self, lot):
        return self.recall.balance_ids.filtered(lambda balance: balance.lot_id == lot)


@tagged("post_install", "-at_install")
class TestRecallRecovery(RecallRecoveryCommon):
    """Notify, recover, destroy, balance and close the recall."""

    # ------------------------------------------------------------------
    # Mass balance at scope time
    # ------------------------------------------------------------------

    def test_scope_balances_every_lot(self):
        milk = self._balance(self.milk_lot)
        self.assertEqual((milk.in_qty, milk.consumed_qty, milk.on_hand_qty, milk.discrepancy_qty), (20, 20, 0, 0))
        yogurt = self._balance(self.finished_lot)
        self.assertEqual(
            (yogurt.in_qty, yogurt.shipped_qty, yogurt.on_hand_qty, yogurt.discrepancy_qty), (100, 50, 50, 0)
        )
        self.assertEqual((yogurt.recall_shipped_qty, yogurt.unaccounted_qty), (50, 50))
        self.assertEqual(self.recall.completeness, 100.0)
        self.assertEqual(self.recall.effectiveness, 0.0, "nothing recovered yet")

    def test_stock_changed_behind_the_moves_is_a_discrepancy(self):
        quant = self.env["stock.quant"].search(
            [("lot_id", "=", self.finished_lot.id), ("location_id.usage", "=", "internal"), ("quantity", ">", 0)]
        )
        self.env.cr.execute("UPDATE stock_quant SET quantity = quantity - 5 WHERE id = %s", [quant.id])
        self.recall.action_compute_balance()
        self.assertEqual(self._balance(self.finished_lot).discrepancy_qty, 5)
        self.assertTrue(self._balance(self.finished_lot).has_discrepancy)
        self.assertEqual(self.recall.discrepancy_count, 1)

    # ------------------------------------------------------------------
    # Notify
    # ------------------------------------------------------------------

    def test_notify_sends_one_notice_per_customer_with_an_acknowledgement_link(self):
        self.recall.action_confirm()
        self.recall.action_notify()

        self.assertEqual(self.recall.state, "notified")
        notifications = self.recall.notification_ids
        self.assertEqual(notifications.partner_id, self.customer | self.customer_2)
        first = notifications.filtered(lambda n: n.partner_id == self.customer)
        self.assertEqual(first.shipped_qty, 30)
        mail = self.env["mail.mail"].search([("model", "=", first._name), ("res_id", "=", first.id)])
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(self.recall.name, mail.subject)
        self.assertIn(self.finished_lot.name, mail.body_html)
        self.assertIn(first._get_acknowledge_url(), mail.body_html.replace("&amp;", "&"))
        self.assertTrue(first._check_token(first.sudo().access_token))
        self.assertFalse(first._check_token("not-the-token"))
        self.assertNotEqual(first.sudo().access_token, notifications[1].sudo().access_token)

        with self.assertRaisesRolledBack(UserError, "already been notified"):
            self.recall.action_notify()

    def test_a_customer_without_email_stops_the_notice_and_nothing_is_sent(self):
        self.customer_2.email = False
        self.recall.action_confirm()
        notices = [("model", "=", "stock.lot.recall.notification")]
        earlier = self.env["mail.mail"].search(notices)  # e.g. the demo's recall
        with self.assertRaisesRolledBack(UserError, "Green Basket Grocers have no e-mail"):
            self.recall.action_notify()
        self.assertFalse(self.recall.notification_ids)
        self.assertEqual(self.recall.state, "confirmed")
        self.assertEqual(self.env["mail.mail"].search(notices), earlier, "no notice e-mail queued")

    def test_a_delivery_without_customer_stops_the_notice_and_the_returns(self):
        self.delivery_2.write({"partner_id": False})
        self.delivery_2.move_ids.write({"partner_id": False})
        self.recall.action_compute_scope()
        self.recall.action_confirm()
        with self.assertRaisesRolledBack(UserError, f"Deliveries {self.delivery_2.name} name no customer"):
            self.recall.action_notify()
        with self.assertRaisesRolledBack(UserError, "name no customer"):
            self.recall.action_create_returns()
        self.assertFalse(self.recall.notification_ids)
        self.assertFalse(self.recall.return_picking_ids)

    def test_notifying_a_draft_recall_is_refused(self):
        with self.assertRaisesRolledBack(UserError, "not confirmed and open"):
            self.recall.action_notify()

    def test_acknowledgement_is_tracked_on_the_case(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        send_queued_recall_notices(self.env)
        notification = self.recall.notification_ids.filtered(lambda n: n.partner_id == self.customer)
        with self.assertRaisesRolledBack(UserError, "quantity you still hold"):
            notification._acknowledge("Ana Ruiz", -3)
        self.assertEqual(notification.state, "sent")
        notification._acknowledge("Ana Ruiz", 12, "In the back store")
        self.assertEqual(notification.state, "acknowledged")
        self.assertEqual((notification.acknowledged_by, notification.customer_quantity_on_hand), ("Ana Ruiz", 12))
        self.assertEqual(self.recall.acknowledged_count, 1)
        self.assertIn("Ana Ruiz", self.recall.message_ids[0].body)

    # ------------------------------------------------------------------
    # Recover, destroy, close
    # ------------------------------------------------------------------

    def test_returns_recover_the_shipped_lots_into_the_recall_location(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        self.recall.action_create_returns()

        self.assertEqual(self.recall.state, "recovering")
        returns = self.recall.return_picking_ids
        self.assertEqual(returns.partner_id, self.customer | self.customer_2)
        location = self.warehouse.recall_location_id
        self.assertEqual(returns.location_dest_id, location)
        self.assertEqual(returns.move_line_ids.lot_id, self.finished_lot)
        with self.assertRaisesRolledBack(UserError, "already has a return"):
            self.recall.action_create_returns()

        first = returns.filtered(lambda picking: picking.partner_id == self.customer)
        first.move_ids.picked = True
        first.button_validate()
        self.recall.action_compute_balance()

        yogurt = self._balance(self.finished_lot)
        self.assertEqual((yogurt.recovered_qty, yogurt.unaccounted_qty, yogurt.returned_qty), (30, 20, 30))
        self.assertEqual(yogurt.discrepancy_qty, 0)
        self.assertEqual(self.recall.effectiveness, 60.0)
        self.assertEqual(self.finished_lot.qc_state, "on_hold", "recovered units stay on hold")

    def test_returns_belong_to_the_recall_company_whatever_company_is_selected_first(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain"})
        self.env.user.company_ids += company_2
        self.recall.action_confirm()
        self.recall.with_context(allowed_company_ids=[company_2.id, self.company.id]).action_create_returns()
        self.assertEqual(self.recall.return_picking_ids.company_id, self.company)
        self.assertEqual(self.recall.return_picking_ids.move_ids.company_id, self.company)

    def test_close_requires_full_accounting_or_a_justification(self):
        self.recall.action_confirm()
        with self.assertRaisesRolledBack(UserError, "50.0 shipped units .* are not accounted for"):
            self.recall.action_close()
        self.assertEqual(self.recall.state, "confirmed")

        self.recall.action_close(
            justification="Customers confirmed they destroyed the units on site",
            meaning="Rejected: recalled",
            password=self.password,
        )

        self.assertEqual(self.recall.state, "closed")
        self.assertEqual(self.recall.lot_outcome, "reject")
        self.assertEqual(set(self.recall.affected_lot_ids.mapped("qc_state")), {"rejected"})
        self.assertIn("destroyed the units", self.recall.close_justification)

    def test_rejecting_the_lots_at_close_is_the_recall_managers_signature(self):
        # A recall manager who is no QA Manager signs the rejection at close, and only there.
        manager = new_test_user(
            self.env, "recall.closer", groups="lot_traceability_recall.group_recall_manager,stock.group_stock_user"
        )
        manager.password = "recall.closer.password"
        self.recall.action_confirm()
        recall = self.recall.with_user(manager)
        with self.assertRaisesRolledBack(UserError, "Rejecting the lots is a signed decision"):
            recall.action_close(justification="Destroyed on site")
        with self.assertRaisesRolledBack(AccessDenied, "."):
            recall.action_close(justification="Destroyed on site", meaning="Rejected", password="wrong")
        self.assertEqual(self.recall.state, "confirmed")
        with self.assertRaisesRolledBack(AccessError, "Only QA Managers"):
            self.finished_lot.with_user(manager).qc_sign("reject", "Rejected", "recall.closer.password")

        recall.action_close(
            justification="Destroyed on site", meaning="Rejected: recalled", password="recall.closer.password"
        )

        for lot in self.recall.affected_lot_ids:
            signature = lot.qc_signature_ids.sorted("sequence")[-1]
            self.assertEqual(
                (signature.decision, signature.signer_id, signature.meaning), ("reject", manager, "Rejected: recalled")
            )
            self.assertEqual(lot.qc_state, "rejected")
        self.assertFalse(self.recall.affected_lot_ids.qc_signature_ids._get_first_broken_link())
        # The recall's hold and the rejection are in the lot's history, with what decided them.
        reasons = self.finished_lot.audit_ids.mapped("reason")
        self.assertTrue(any("confirmed" in (reason or "") for reason in reasons), reasons)
        self.assertTrue(any("Reject signed by" in (reason or "") for reason in reasons), reasons)

    def test_the_close_signature_locks_out_after_wrong_passwords_like_a_login(self):
        manager = new_test_user(
            self.env, "recall.throttled", groups="lot_traceability_recall.group_recall_manager,stock.group_stock_user"
        )
        manager.password = "recall.throttled.password"
        # The count lives in the server's memory, as Odoo's login count does: it outlives the test's transaction.
        self.addCleanup(
            lambda: getattr(self.env.registry, "_lot_traceability_signing_failures", {}).pop(manager.id, None)
        )
        self.recall.action_confirm()
        action = self.recall.with_user(manager).action_open_close_wizard()

        def close(password):
            wizard = Form(self.env[action["res_model"]].with_user(manager).with_context(**action["context"]))
            wizard.justification = "Destroyed on site"
            wizard.password = password
            wizard.save().with_context(lot_recall_close_password=password).action_close()

        # Odoo's login settings as base installs them: 10 failures in a row, then 60 s after each further one.
        self.env["ir.config_parameter"].sudo().set_param("base.login_cooldown_after", 10)
        self.env["ir.config_parameter"].sudo().set_param("base.login_cooldown_duration", 60)
        for _attempt in range(10):
            with self.assertRaisesRolledBack(AccessDenied, "."):
                close("wrong")
        with self.assertRaisesRolledBack(AccessDenied, "Too many wrong passwords: try again in 1 minute"):
            close("recall.throttled.password")
        self.assertEqual(self.recall.state, "confirmed")
        self.assertEqual(set(self.recall.affected_lot_ids.mapped("qc_state")), {"on_hold"})

    def test_full_recovery_destruction_and_write_off(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        self.recall.action_create_returns()
        for picking in self.recall.return_picking_ids:
            picking.move_ids.picked = True
            picking.button_validate()
        self.env["stock.lot.recall.cost"].create({"recall_id": self.recall.id, "name": "Collection", "amount": 80})

        action = self.recall.action_open_close_wizard()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(wizard.held_qty, 100, "50 held in stock and 50 recovered")
        self.assertFalse(wizard.destroy_remaining, "nothing is destroyed unless asked")
        self.assertFalse(wizard.quant_to_destroy_ids)
        wizard.destroy_remaining = True
        self.assertEqual(wizard.meaning, f"Rejected at the close of recall {self.recall.name}")
        wizard.password = self.password
        closing = wizard.save()
        self.assertEqual(sum(closing.quant_to_destroy_ids.mapped("quantity")), 100, "what is scrapped is shown")
        closing.with_context(lot_recall_close_password=self.password).action_close()

        self.assertEqual(self.recall.state, "closed")
        self.assertEqual(self.recall.effectiveness, 100.0)
        self.assertEqual(self.recall.destroyed_qty, 100)
        self.assertEqual(self.recall.scrap_ids.mapped("state"), ["done"] * len(self.recall.scrap_ids))
        self.assertEqual(self.recall.write_off_value, 100 * 0.5, "the scrap moves' valuation books the loss")
        self.assertEqual(self.recall.total_cost, 80)
        self.assertFalse(self.recall._get_held_quants())
        yogurt = self._balance(self.finished_lot)
        self.assertEqual((yogurt.on_hand_qty, yogurt.scrapped_qty, yogurt.discrepancy_qty), (0, 100, 0))

    def test_lots_kept_for_a_qa_release_can_only_be_released_after_closing(self):
        qa_password = "qa.recall.manager"
        self.env.user.groups_id += self.env.ref("lot_traceability.group_qa_manager")
        self.env.user.password = qa_password
        self.recall.action_confirm()
        with self.assertRaisesRolledBack(UserError, "held by open recall"):
            self.finished_lot.qc_sign("release", "Retested, safe", qa_password)

        self.recall.action_close(justification="False alarm: the laboratory retracted", lot_outcome="release")

        self.assertEqual(self.finished_lot.qc_state, "on_hold", "waits for a QA signature")
        self.finished_lot.qc_sign("release", "Retested, safe", qa_password)
        self.assertEqual(self.finished_lot.qc_state, "released")

    def test_a_mock_recall_cannot_be_closed_or_recovered(self):
        mock = self.env["stock.lot.recall"]._run_mock_recall(self.milk_lot)
        with self.assertRaisesRolledBack(UserError, "not confirmed and open"):
            mock.action_create_returns()
        with self.assertRaisesRolledBack(UserError, "not confirmed and open"):
            mock.action_close(justification="drill")
        self.assertEqual(mock.completeness, 100.0)
        self.assertEqual(mock.product_ids, self.milk)
