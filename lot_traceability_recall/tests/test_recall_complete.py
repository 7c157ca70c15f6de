from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import send_queued_recall_notices
from .test_recall_recovery import RecallRecoveryCommon


@tagged("post_install", "-at_install")
class TestRecallNeverHalfHappens(RecallRecoveryCommon):
    """A recall never half-happens: the hold never depends on mail, a notice says whether its e-mail left,
    an answer cannot claim more than was shipped, closing says what is still open."""

    @classmethod
    def _setup_before_history(cls):
        cls.manager_without_email = new_test_user(
            cls.env,
            "recall.no.email",
            groups="lot_traceability_recall.group_recall_manager,stock.group_stock_user",
            email=False,
        )
        cls.warehouse_user = new_test_user(cls.env, "recall.warehouse", groups="stock.group_stock_user")

    def _notice(self, partner):
        return self.recall.notification_ids.filtered(lambda notification: notification.partner_id == partner)

    def _mails(self, notification):
        return self.env["mail.mail"].search(
            [("model", "=", notification._name), ("res_id", "=", notification.id)], order="id"
        )

    # ------------------------------------------------------------------
    # The hold never depends on mail
    # ------------------------------------------------------------------

    def test_a_recall_manager_without_an_email_address_confirms_and_holds(self):
        pending = self._create_delivery(self.yogurt, 10, self.customer)
        self.assertEqual(pending.move_line_ids.lot_id, self.finished_lot)
        self.assertNotEqual(pending.user_id, self.manager_without_email, "someone else is told of the release")

        self.recall.with_user(self.manager_without_email).action_confirm()

        self.assertEqual(self.recall.state, "confirmed")
        self.assertEqual(set(self.recall.affected_lot_ids.mapped("qc_state")), {"on_hold"})
        self.assertFalse(pending.move_line_ids, "the reservation of the held lot was released")
        self.assertTrue(pending.activity_ids, "and its transfer flagged")
        log = self.recall.message_ids.filtered(lambda message: "Recall confirmed" in (message.body or ""))
        self.assertEqual(log.author_id, self.manager_without_email.partner_id)

    def test_a_recall_manager_without_an_email_address_runs_the_whole_recall(self):
        recall = self.recall.with_user(self.manager_without_email)
        recall.action_confirm()
        recall.action_notify()
        self.assertEqual(recall.state, "notified")
        recall.action_create_returns()
        for picking in recall.return_picking_ids:
            picking.move_ids.picked = True
            picking.button_validate()
        recall.action_close(lot_outcome="release")
        self.assertEqual(recall.state, "closed")
        self.assertEqual(recall.effectiveness, 100.0)

    # ------------------------------------------------------------------
    # A notice is Sent when its e-mail left
    # ------------------------------------------------------------------

    def test_a_notice_is_queued_until_its_email_leaves(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        notice = self._notice(self.customer)
        self.assertEqual(notice.state, "queued")
        self.assertFalse(notice.date_sent, "nothing left yet")
        self.assertEqual(self._mails(notice).state, "outgoing")

        sent_at = fields.Datetime.now() + timedelta(minutes=5)
        with freeze_time(sent_at):
            send_queued_recall_notices(self.env)

        self.assertEqual(self._mails(notice).state, "sent")
        self.assertEqual(notice.state, "sent")
        self.assertEqual(notice.date_sent, sent_at)
        self.assertFalse(notice.failure_reason)

    def test_a_failed_email_shows_why_and_is_retried(self):
        self.customer_2.email = "recalls at greenbasket"  # not an address
        self.recall.action_confirm()
        self.recall.action_notify()
        send_queued_recall_notices(self.env)
        notice = self._notice(self.customer_2)
        self.assertEqual(self._mails(notice).state, "exception")
        self.assertEqual(notice.state, "failed")
        self.assertFalse(notice.date_sent)
        self.assertIn("Invalid email address", notice.failure_reason)
        self.assertEqual(self._notice(self.customer).state, "sent", "the other notice left")

        self.customer_2.email = "recalls@greenbasket.example"
        notice.action_remind()  # the Retry button of a failed notice
        self.assertEqual(notice.state, "queued", "retried: waiting in the queue again")
        self.assertEqual(len(self._mails(notice)), 2)
        send_queued_recall_notices(self.env)
        self.assertEqual(notice.state, "sent")
        self.assertTrue(notice.date_sent)
        self.assertFalse(notice.failure_reason)

    def test_a_bounce_shows_the_notice_failed_until_it_is_sent_again(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        send_queued_recall_notices(self.env)
        notice = self._notice(self.customer_2)
        mail = self._mails(notice)
        self.assertEqual(notice.state, "sent")
        bounce = (
            "From: MAILER-DAEMON@mail.greenbasket.example\r\n"
            "To: catchall@example.com\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            "Message-Id: <dsn-4711@mail.greenbasket.example>\r\n"
            "MIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="DSN"\r\n'
            "\r\n"
            "--DSN\r\n"
            "Content-Type: text/plain\r\n"
            "\r\n"
            "Your message could not be delivered: mailbox unavailable.\r\n"
            "--DSN\r\n"
            "Content-Type: message/delivery-status\r\n"
            "\r\n"
            "Reporting-MTA: dns; mail.greenbasket.example\r\n"
            "\r\n"
            "Final-Recipient: rfc822; recalls@greenbasket.example\r\n"
            "Action: failed\r\n"
            "Status: 5.1.1\r\n"
            "--DSN\r\n"
            "Content-Type: text/rfc822-headers\r\n"
            "\r\n"
            f"Message-Id: {mail.message_id}\r\n"
            "To: recalls@greenbasket.example\r\n"
            f"Subject: {mail.subject}\r\n"
            "--DSN--\r\n"
        )
        self.env["mail.thread"].message_process(False, bounce)

        self.assertEqual(notice.state, "failed")
        self.assertIn("bounced", notice.failure_reason)
        self.assertEqual(self._notice(self.customer).state, "sent", "the other customer's notice did not bounce")
        notice.action_remind()
        send_queued_recall_notices(self.env)
        self.assertEqual(notice.state, "sent")

    def test_a_queued_notice_is_not_reminded_twice(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        with self.assertRaisesRolledBack(UserError, "not left yet"):
            self._notice(self.customer).action_remind()
        with self.assertRaisesRolledBack(UserError, "No notice to remind"):
            self.recall.action_remind_unanswered()
        self.assertEqual(len(self._mails(self._notice(self.customer))), 1, "nothing queued twice")

    # ------------------------------------------------------------------
    # An answer cannot claim more than was shipped
    # ------------------------------------------------------------------

    def test_a_customer_cannot_acknowledge_more_than_was_shipped_to_them(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        notice = self._notice(self.customer)  # 30 shipped
        for quantity in (30.01, 31, 60, 30_000):
            with self.subTest(quantity=quantity), self.assertRaisesRolledBack(UserError, "more than was delivered"):
                notice._acknowledge("Ana Ruiz", quantity)
        self.assertFalse(notice.date_acknowledged)
        notice._acknowledge("Ana Ruiz", 30)
        self.assertEqual(notice.customer_quantity_on_hand, 30)

    # ------------------------------------------------------------------
    # Closing with a return still open
    # ------------------------------------------------------------------

    def _recovering_with_one_open_return(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        self.recall.action_create_returns()
        returns = self.recall.return_picking_ids
        done = returns.filtered(lambda picking: picking.partner_id == self.customer)
        still_open = returns - done
        done.move_ids.picked = True
        done.button_validate()
        return still_open

    def test_closing_with_a_return_still_open_says_which_and_asks(self):
        still_open = self._recovering_with_one_open_return()
        with self.assertRaisesRolledBack(UserError, f"{still_open.name} is still open"):
            self.recall.action_close(justification="The rest was eaten", lot_outcome="release")
        self.assertEqual(self.recall.state, "recovering")

        action = self.recall.action_open_close_wizard()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(list(wizard.open_return_ids), [still_open], "the dialog lists the open return")
        self.assertFalse(wizard._get_modifier("open_returns", "invisible"), "and asks what becomes of it")
        self.assertTrue(wizard._get_modifier("open_returns", "required"))
        wizard.lot_outcome = "release"
        wizard.justification = "The rest was eaten"
        wizard.open_returns = "cancel"
        wizard.save().action_close()

        self.assertEqual(self.recall.state, "closed")
        self.assertEqual(still_open.state, "cancel")
        self.assertIn(still_open.name, self.recall.message_ids[0].body)

    def test_closing_can_keep_an_open_return_open(self):
        still_open = self._recovering_with_one_open_return()
        self.recall.action_close(justification="Collected next week", lot_outcome="release", open_returns="keep")
        self.assertEqual(self.recall.state, "closed")
        self.assertEqual(still_open.state, "assigned")
        self.assertIn(still_open.name, self.recall.message_ids[0].body)

    # ------------------------------------------------------------------
    # A recall return never asks about expiry
    # ------------------------------------------------------------------

    def test_validating_a_recall_return_of_an_expired_lot_never_asks_about_expiry(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        self.recall.action_create_returns()
        returned = self.recall.return_picking_ids.filtered(lambda picking: picking.partner_id == self.customer)
        returned = returned.with_user(self.warehouse_user)
        returned.move_ids.picked = True

        # The yogurts keep 30 days: they come back after their expiry date.
        with freeze_time(self.finished_lot.expiration_date + timedelta(days=2)):
            self.assertTrue(self.finished_lot.product_expiry_alert)
            result = returned.button_validate()

        self.assertIs(result, True, result)
        self.assertEqual(returned.state, "done")
        self.assertEqual(self.recall.recovered_qty, 30)
