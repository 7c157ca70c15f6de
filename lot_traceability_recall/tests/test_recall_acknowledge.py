import re
from urllib.parse import urlencode

from lxml import etree

from odoo import Command
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import send_queued_recall_notices


class RecallAcknowledgeCommon(LotTraceabilityCommon):
    """Fresh Market Stores received 30 yogurts made from a recalled milk lot and got the recall notice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("lot_traceability_recall.group_recall_manager")
        cls.customer.email = "quality@freshmarket.example"
        fixture = cls._fixture_builder()
        fixture._receive(cls.milk, 20, lot_name="MILK-ACK")
        fixture._receive(cls.sugar, 20, lot_name="SUGAR-ACK")
        milk_lot = cls.env["stock.lot"].search([("name", "=", "MILK-ACK")])
        fixture._produce(100)
        fixture._deliver(cls.yogurt, 30, cls.customer)
        cls.recall = cls.env["stock.lot.recall"].create(
            {"reason": "Listeria found in the milk", "lot_ids": [Command.set(milk_lot.ids)]}
        )
        cls.recall.action_compute_scope()
        cls.recall.action_confirm()
        cls.recall.action_notify()
        send_queued_recall_notices(cls.env)
        cls.notification = cls.recall.notification_ids
        cls.notification.ensure_one()

    def assertNothingWritten(self):
        self.notification.invalidate_recordset()
        self.assertEqual(self.notification.state, "sent")
        self.assertFalse(self.notification.acknowledged_by)
        self.assertFalse(self.notification.customer_note)
        self.assertFalse(self.notification.date_acknowledged)


@tagged("post_install", "-at_install")
class TestRecallAcknowledgeRules(RecallAcknowledgeCommon):
    """The rules of an acknowledgement live in the model, whoever calls it."""

    def test_shipped_quantity_is_what_the_customer_received(self):
        self.assertEqual(self.notification.shipped_qty, 30)

    def test_nan_and_infinity_are_refused(self):
        for quantity in (float("nan"), float("inf"), float("-inf"), float("1e309")):
            with self.subTest(quantity=quantity), self.assertRaisesRolledBack(UserError, "finite number"):
                self.notification._acknowledge("Ana Ruiz", quantity)
        self.assertNothingWritten()

    def test_a_quantity_above_what_was_delivered_is_refused(self):
        # 30 delivered: a customer cannot still hold more (issue 21: 1000 times that used to be accepted).
        for quantity in (30.01, 31, 30_000, 1e9 + 1, 1e12):
            with self.subTest(quantity=quantity), self.assertRaisesRolledBack(UserError, "more than was delivered"):
                self.notification._acknowledge("Ana Ruiz", quantity)
        self.assertNothingWritten()
        self.notification._acknowledge("Ana Ruiz", 30)
        self.assertEqual(self.notification.customer_quantity_on_hand, 30)

    def test_a_negative_quantity_is_refused_and_minus_zero_is_zero(self):
        with self.assertRaisesRolledBack(UserError, "quantity you still hold"):
            self.notification._acknowledge("Ana Ruiz", -0.5)
        self.assertNothingWritten()
        self.notification._acknowledge("Ana Ruiz", -0.0)
        self.assertEqual(str(self.notification.customer_quantity_on_hand), "0.0")

    def test_a_second_acknowledgement_does_not_overwrite_the_first(self):
        self.notification._acknowledge("Ana Ruiz", 12, "In the back store")
        with self.assertRaisesRolledBack(UserError, "already acknowledged by Ana Ruiz"):
            self.notification._acknowledge("Someone Else", 0, "Nothing left")
        self.assertEqual(
            (self.notification.acknowledged_by, self.notification.customer_quantity_on_hand),
            ("Ana Ruiz", 12),
        )
        self.assertEqual(self.notification.customer_note, "In the back store")

    def test_a_closed_or_cancelled_recall_takes_no_acknowledgement(self):
        self.assertTrue(self.notification._is_open_for_acknowledgement())
        self.recall.action_close(justification="Customers destroyed the units on site", lot_outcome="release")
        self.assertFalse(self.notification._is_open_for_acknowledgement())
        with self.assertRaisesRolledBack(UserError, "no longer open"):
            self.notification._acknowledge("Ana Ruiz", 0)
        self.assertNothingWritten()

    def test_a_cancelled_recall_takes_no_acknowledgement(self):
        self.recall.action_cancel()
        with self.assertRaisesRolledBack(UserError, "no longer open"):
            self.notification._acknowledge("Ana Ruiz", 0)
        self.assertNothingWritten()

    def test_control_characters_in_name_or_note_are_refused(self):
        for name, note in (("Ana\x00Ruiz", None), ("Ana\x1bRuiz", None), ("Ana", "kept\x00apart"), ("Ana\nRuiz", None)):
            with self.subTest(name=name, note=note), self.assertRaisesRolledBack(UserError, "control characters"):
                self.notification._acknowledge(name, 1, note)
        self.assertNothingWritten()

    def test_the_answer_is_not_written_by_hand(self):
        manager = self.env["res.users"].create(
            {
                "name": "Recall Manager",
                "login": "recall-manager-ack",
                "email": "manager@example.com",
                "groups_id": [Command.set(self.env.ref("lot_traceability_recall.group_recall_manager").ids)],
            }
        )
        notification = self.notification.with_user(manager)
        for vals in (
            {"state": "acknowledged"},
            {"customer_quantity_on_hand": 0},
            {"acknowledged_by": "Ana Ruiz"},
            {"customer_note": "Nothing left"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRolledBack(UserError, "never written or changed by hand"):
                notification.write(vals)
        with self.assertRaisesRolledBack(UserError, "never written or changed by hand"):
            notification.sudo().create(
                {"recall_id": self.recall.id, "partner_id": self.supplier.id, "state": "acknowledged"}
            )
        self.assertNothingWritten()
        notification._acknowledge("Ana Ruiz", 1)
        with self.assertRaisesRolledBack(UserError, "never written or changed by hand"):
            notification.write({"customer_quantity_on_hand": 0})
        self.assertEqual(self.notification.customer_quantity_on_hand, 1)

    def test_the_note_keeps_its_lines(self):
        self.notification._acknowledge("Ana Ruiz", 2, "  Two in the cold room.\r\nThe rest sold.\tSorry.  ")
        self.assertEqual(self.notification.customer_note, "Two in the cold room.\r\nThe rest sold.\tSorry.")

    def test_an_absurdly_long_name_or_note_is_refused(self):
        with self.assertRaisesRolledBack(UserError, "too long"):
            self.notification._acknowledge("A" * 300, 1)
        with self.assertRaisesRolledBack(UserError, "too long"):
            self.notification._acknowledge("Ana Ruiz", 1, "x" * 20_000)
        self.assertNothingWritten()

    # ------------------------------------------------------------------
    # Portal access token
    # ------------------------------------------------------------------

    def test_the_notice_is_a_portal_document_with_its_acknowledgement_page_as_url(self):
        self.assertIsInstance(self.notification, self.env.registry["portal.mixin"])
        self.assertEqual(self.notification.access_url, f"/recall/acknowledge/{self.notification.id}")
        token = self.notification.sudo().access_token
        self.assertTrue(token)
        self.assertEqual(self.notification.sudo()._portal_ensure_token(), token, "the token is kept")
        self.assertEqual(
            self.notification._get_share_url(), f"/recall/acknowledge/{self.notification.id}?access_token={token}"
        )
        self.assertEqual(
            self.notification._get_acknowledge_url(),
            f"{self.notification.get_base_url()}/recall/acknowledge/{self.notification.id}?token={token}",
        )

    def test_the_token_is_not_readable_without_the_qa_group(self):
        user = self.env["res.users"].create(
            {
                "name": "Sales Only",
                "login": "sales-only-ack",
                "groups_id": [Command.set(self.env.ref("base.group_user").ids)],
            }
        )
        self.assertNotIn("access_token", self.notification.with_user(user).fields_get())

    # ------------------------------------------------------------------
    # Back office views
    # ------------------------------------------------------------------

    def test_quantity_held_is_blank_until_the_customer_answers(self):
        form = Form(self.notification)
        self.assertTrue(form._get_modifier("customer_quantity_on_hand", "invisible"))
        arch = self.notification.get_views([(False, "list")])["views"]["list"]["arch"]
        [node] = etree.fromstring(arch).xpath("//field[@name='customer_quantity_on_hand']")
        self.assertTrue(safe_eval(node.get("invisible", "False"), {"state": "sent"}))

        self.notification._acknowledge("Ana Ruiz", 0, "All sold")
        form = Form(self.notification)
        self.assertFalse(form._get_modifier("customer_quantity_on_hand", "invisible"), "a declared 0 is shown")
        self.assertFalse(safe_eval(node.get("invisible", "False"), {"state": "acknowledged"}))
        self.assertFalse(form._get_modifier("customer_note", "invisible"))


@tagged("post_install", "-at_install")
class TestRecallAcknowledgePage(HttpCase, RecallAcknowledgeCommon):
    """The public page, as a customer (or someone trying things) opens it from the notice."""

    def setUp(self):
        super().setUp()
        self.path = f"/recall/acknowledge/{self.notification.id}"
        self.token = self.notification.sudo().access_token
        self._csrf_token = None

    def _open(self, **params):
        params.setdefault("token", self.token)
        return self.url_open(f"{self.path}?{urlencode(params)}")

    def _post(self, **fields):
        """Submit the form; its CSRF token is the one of the page first opened in this test, as a second
        tab or a replayed request would send it."""
        if not self._csrf_token:
            page = self._open()
            self.assertEqual(page.status_code, 200)
            self._csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        form = {"token": self.token, "name": "Ana Ruiz", "quantity": "3", "note": "", "csrf_token": self._csrf_token}
        form.update(fields)
        return self.url_open(self.path, data=form)

    def assertFormError(self, response, message):
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertIn('role="alert"', response.text)
        self.assertIn(message, response.text)
        self.assertIn('name="quantity"', response.text, "the form is shown again")

    def assertNothingWritten(self):
        RecallAcknowledgeCommon.assertNothingWritten(self)
        self.recall.invalidate_recordset()
        self.assertFalse(
            self.recall.message_ids.filtered(lambda message: "acknowledged the recall notice" in message.body),
            "nothing posted on the recall",
        )

    def test_nan_and_infinity_reshow_the_form(self):
        for quantity in ("nan", "NaN", "inf", "-inf", "1e309", "Infinity", "-Infinity"):
            with self.subTest(quantity=quantity):
                self.assertFormError(self._post(quantity=quantity), "must be a number")
        self.assertNothingWritten()

    def test_absurd_quantities_reshow_the_form(self):
        for quantity, message in (("-1", "quantity you still hold"), ("30001", "more than was"), ("1e10", "more than")):
            with self.subTest(quantity=quantity):
                self.assertFormError(self._post(quantity=quantity), message)
        self.assertNothingWritten()

    def test_a_quantity_above_what_was_shipped_is_refused_on_the_page(self):
        for quantity in ("31", "30,5", "30.01"):
            with self.subTest(quantity=quantity):
                response = self._post(quantity=quantity)
                self.assertFormError(response, "more than was delivered to you (30.00 in all)")
        self.assertNothingWritten()
        self.assertIn("Thank you", self._post(quantity="30").text)
        self.notification.invalidate_recordset()
        self.assertEqual(self.notification.customer_quantity_on_hand, 30)

    def test_acknowledging_stores_name_quantity_and_note_and_shows_them(self):
        self.assertIn('<textarea id="note"', self._open().text)
        response = self._post(quantity="2,5", note="Two and a half boxes in the cold room")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you", response.text)
        self.assertIn("Two and a half boxes in the cold room", response.text)
        self.notification.invalidate_recordset()
        self.assertEqual(self.notification.state, "acknowledged")
        self.assertEqual(self.notification.customer_quantity_on_hand, 2.5)
        self.assertEqual(self.notification.customer_note, "Two and a half boxes in the cold room")
        self.assertIn("Two and a half boxes in the cold room", self._open().text)
        self.assertIn("acknowledged the recall notice", self.recall.message_ids[0].body)

    def test_a_second_answer_is_refused_and_the_first_stays(self):
        self.assertIn("Thank you", self._post(quantity="12", note="First").text)
        self.assertNotIn('name="quantity"', self._open().text, "no form once acknowledged")
        second = self._post(name="Mallory", quantity="0", note="Second")
        self.assertEqual(second.status_code, 200)
        self.assertIn("already acknowledged by Ana Ruiz", second.text)
        self.assertIn("First", second.text, "the first answer is shown")
        self.notification.invalidate_recordset()
        self.assertEqual(
            (self.notification.acknowledged_by, self.notification.customer_quantity_on_hand), ("Ana Ruiz", 12)
        )
        self.assertEqual(self.notification.customer_note, "First")

    def test_a_closed_recall_stops_taking_answers(self):
        self._open()
        self._post(name="")  # opens the form before the recall closes; refused, for want of a name
        self.recall.action_close(justification="Customers destroyed the units on site", lot_outcome="release")
        closed = self._open()
        self.assertEqual(closed.status_code, 200)
        self.assertIn("no longer open", closed.text)
        self.assertNotIn('name="quantity"', closed.text)
        response = self._post()
        self.assertEqual(response.status_code, 200)
        self.assertIn("no longer open", response.text)
        self.assertNothingWritten()

    def test_a_cancelled_recall_stops_taking_answers(self):
        self._post(name="")
        self.recall.action_cancel()
        self.assertIn("no longer open", self._open().text)
        response = self._post()
        self.assertIn("no longer open", response.text)
        self.assertNothingWritten()

    def test_control_characters_never_give_a_server_error(self):
        for field in ("name", "note", "quantity"):
            for value in ("Ana\x00Ruiz", "\x00", "3\x00", "\x1b[31m3"):
                with self.subTest(field=field, value=value):
                    response = self._post(**{field: value})
                    self.assertEqual(response.status_code, 200, response.text[:300])
                    self.assertIn('role="alert"', response.text)
                    self.assertNotIn("\x00", response.text)
        self.assertNothingWritten()
        for token in (self.token + "\x00", "\x00", self.token[:5] + "\x00" + self.token[6:]):
            with self.subTest(token=token):
                self.assertEqual(self._open(token=token).status_code, 404)
                self.assertEqual(self._post(token=token).status_code, 404)
        self.assertEqual(self._open(unknown="\x00").status_code, 200)
        self.assertNothingWritten()

    def test_strange_tokens_and_ids_are_not_found(self):
        for token in ("", "wrong", "é" * 43, "🙂", "a" * 10_000):
            with self.subTest(token=token):
                self.assertEqual(self._open(token=token).status_code, 404)
        self.assertEqual(self.url_open("/recall/acknowledge/" + "9" * 30 + f"?token={self.token}").status_code, 404)
        other = self.url_open(f"/recall/acknowledge/{self.notification.id + 1000}?token={self.token}")
        self.assertEqual(other.status_code, 404)

    def test_the_portal_share_link_opens_the_page(self):
        response = self.url_open(self.notification._get_share_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="quantity"', response.text)
        # The "View" button of a chatter e-mail to the customer goes through /mail/view to the same page.
        response = self.url_open(
            f"/mail/view?model={self.notification._name}&res_id={self.notification.id}&access_token={self.token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="quantity"', response.text)
        response = self._post(token=None, access_token=self.token, name="Ana Ruiz", quantity="1")
        self.assertIn("Thank you", response.text)
