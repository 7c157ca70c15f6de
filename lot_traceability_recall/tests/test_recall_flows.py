from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import send_queued_recall_notices
from .test_recall_recovery import RecallRecoveryCommon


@tagged("post_install", "-at_install")
class TestRecallFlows(RecallRecoveryCommon):
    """The recall manager's journey as a person lives it: preview, reminders, live figures, returns that
    match what customers say, mock recalls that read right."""

    def test_notices_are_previewed_and_sent_only_on_confirmation(self):
        self.recall.action_confirm()
        self.recall.customer_instructions = "<p>Put the yogurts aside and call us.</p>"
        action = self.recall.action_open_notify_wizard()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(action["name"], f"Notify Customers of {self.recall.name}")
        self.assertFalse(self.recall.notification_ids, "nothing is sent by the preview")
        lines = {line.partner_id: line for line in wizard.line_ids}
        self.assertEqual(set(lines), {self.customer, self.customer_2})
        self.assertEqual(lines[self.customer].lots, self.finished_lot.name)
        self.assertEqual(lines[self.customer].quantities, "30.00 Units")
        self.assertIn("call us", wizard.customer_instructions)

        wizard.customer_instructions = "<p>Put the yogurts aside, we collect them on Monday.</p>"
        wizard.action_send()

        self.assertEqual(self.recall.state, "notified")
        self.assertIn("Monday", self.recall.customer_instructions, "edited in the preview, printed in the notices")
        notification = self.recall.notification_ids.filtered(lambda n: n.partner_id == self.customer)
        self.assertIn(f"/recall/acknowledge/{notification.id}?token=", notification.acknowledge_url)
        mail = self.env["mail.mail"].search([("model", "=", notification._name), ("res_id", "=", notification.id)])
        self.assertIn("Monday", mail.body_html)

    def test_unanswered_notices_get_a_follow_up_activity_and_a_reminder(self):
        self.recall.reminder_days = 5
        self.recall.action_confirm()
        self.recall.action_notify()
        send_queued_recall_notices(self.env)
        notification, other = self.recall.notification_ids.sorted(lambda n: n.partner_id != self.customer)
        activity = notification.activity_ids
        self.assertEqual(len(activity), 1)
        # Days counted from the day the activity was made in the user's time zone, as Odoo dates activities.
        created_on = fields.Date.context_today(activity, timestamp=activity.create_date)
        self.assertEqual((activity.date_deadline - created_on).days, 5)

        self.recall.action_remind_unanswered()
        self.assertTrue(notification.date_reminded)
        notification._acknowledge("Ana Ruiz", 10)
        self.assertFalse(notification.activity_ids, "the follow-up is done when the customer answers")
        self.assertTrue(other.activity_ids)
        with self.assertRaisesRolledBack(UserError, "all acknowledged"):
            notification.action_remind()

    def test_returns_ask_back_what_the_customer_says_they_still_hold(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        self.assertTrue(self.recall.recall_location_id, "the destination of returns is shown from the start")
        notification = self.recall.notification_ids.filtered(lambda n: n.partner_id == self.customer)
        notification._acknowledge("Ana Ruiz", 12)
        self.recall.action_create_returns()
        returns = {picking.partner_id: picking for picking in self.recall.return_picking_ids}
        self.assertEqual(returns[self.customer].move_ids.product_uom_qty, 12, "what the customer still holds")
        self.assertEqual(returns[self.customer].move_line_ids.lot_id, self.finished_lot, "lots set from the start")
        self.assertEqual(returns[self.customer_2].move_ids.product_uom_qty, 20, "no answer: what was shipped")
        self.assertEqual(returns[self.customer].location_dest_id, self.recall.recall_location_id)

    def test_figures_follow_validated_returns_and_destruction_by_themselves(self):
        self.recall.action_confirm()
        self.recall.action_notify()
        self.recall.action_create_returns()
        self.assertEqual((self.recall.recovered_qty, self.recall.on_hand_qty), (0, 50))
        first = self.recall.return_picking_ids.filtered(lambda picking: picking.partner_id == self.customer)
        first.move_ids.picked = True
        first.button_validate()
        # No "Update Balance": the header and the Mass Balance tab agree at once.
        self.assertEqual(self.recall.recovered_qty, 30)
        self.assertEqual(self.recall.effectiveness, 60.0)
        self.assertEqual(self.recall.on_hand_qty, 80)
        self.assertEqual(self.recall.on_hand_qty, sum(self.recall.balance_ids.mapped("on_hand_qty")))
        self.recall.action_destroy()
        self.assertEqual((self.recall.destroyed_qty, self.recall.on_hand_qty), (80, 0))

    def test_quantities_of_different_units_are_never_added(self):
        self.assertEqual(self.recall.quantity_uom_id, self.yogurt.uom_id)
        self.assertFalse(self.recall.quantity_summary)
        # The milk lot itself is in scope as well as the yogurts made from it: give milk another unit.
        litre = self.env.ref("uom.product_uom_litre")
        self.env.cr.execute(
            "UPDATE product_template SET uom_id = %s, uom_po_id = %s WHERE id = %s",
            [litre.id, litre.id, self.milk.product_tmpl_id.id],
        )
        self.env.invalidate_all()
        self.assertFalse(self.recall.quantity_uom_id)
        self.assertIn("50.00 Units", self.recall.quantity_summary)
        self.assertIn("L", self.recall.quantity_summary)

    def test_mock_recalls_have_their_own_status_and_average_in_the_history(self):
        mocks = self.env["stock.lot.recall"].create(
            [{"is_mock": True, "lot_ids": [Command.set(self.milk_lot.ids)]} for _index in range(2)]
        )
        self.assertEqual(mocks.mapped("mock_state"), ["draft", "draft"])
        mocks.action_compute_scope()
        self.assertEqual(mocks.mapped("mock_state"), ["done", "done"])
        self.assertEqual(mocks.mapped("state"), ["draft", "draft"], "the real recall's status does not apply")
        [(completeness,)] = self.env["stock.lot.recall"]._read_group(
            [("id", "in", mocks.ids)], aggregates=["completeness:avg"]
        )
        self.assertEqual(completeness, 100.0, "percentages are averaged, never summed to 200 %")

    def test_the_holds_tab_shows_state_labels_and_the_close_wizard_has_its_title(self):
        self.recall.action_confirm()
        hold = self.recall.hold_ids[:1]
        labels = dict(hold._fields["previous_qc_state"]._description_selection(self.env))
        self.assertEqual(labels[hold.previous_qc_state], "Released")
        action = self.recall.action_open_close_wizard()
        self.assertEqual(action["name"], f"Close {self.recall.name}")
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.lot_outcome = "release"
        self.assertFalse(wizard.destroy_remaining)
