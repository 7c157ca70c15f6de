import math
import re
import secrets
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write, server_write
from odoo.exceptions import UserError
from odoo.tools import SQL, consteq, float_compare, float_round, formatLang

from ..tools.text import has_control_characters
from .stock_lot_recall import OPEN_RECALL_STATES

# The customer's answer: written by _acknowledge only, once, never edited afterwards.
ACKNOWLEDGEMENT_FIELDS = {"state", "date_acknowledged", "acknowledged_by", "customer_quantity_on_hand", "customer_note"}
# Which e-mails carried the notice and what became of them: written by the sending and the mail queue only.
DELIVERY_FIELDS = {"mail_ids", "date_sent", "date_reminded", "bounced_mail_id", "failure_note"}
MAX_NAME_LENGTH = 128
MAX_NOTE_LENGTH = 10_000
# Tokens as made here (secrets.token_urlsafe) or by portal.mixin (uuid4): ASCII letters, digits, "-", "_".
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,128}")


class StockLotRecallNotification(models.Model):
    """The notice one customer receives for a recall, and that customer's acknowledgement.

    The notice is a portal document: its link carries the access token, and the customer opens it
    without an account to confirm receipt and state the quantity still held, once.
    """

    _name = "stock.lot.recall.notification"
    _description = "Recall Notification"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "recall_id, partner_id"
    _rec_name = "partner_id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True)
    email = fields.Char(related="partner_id.email")
    # portal.mixin's token, made at creation: whoever holds it answers in the customer's name, so only Recall
    # Managers read it (to copy the link); the e-mail kept in the chatter shows the link without it.
    access_token = fields.Char(required=True, copy=False, groups="lot_traceability_recall.group_recall_manager")
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed"), ("acknowledged", "Acknowledged")],
        compute="_compute_state",
        store=True,
        tracking=True,
        help="Queued: the e-mail waits in the outgoing queue. Sent: it left. Failed: it could not be sent or it "
        "bounced (see why, then Retry). Acknowledged: the customer answered.",
    )
    mail_ids = fields.Many2many(
        "mail.mail",
        "stock_lot_recall_notification_mail_rel",
        "notification_id",
        "mail_id",
        "E-mails",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The e-mails that carried this notice: the first one and every reminder or retry.",
    )
    bounced_mail_id = fields.Many2one(
        "mail.mail", readonly=True, copy=False, ondelete="set null", groups="base.group_system"
    )
    failure_note = fields.Char(
        readonly=True, copy=False, help="What the mail queue or the bounce said of the last e-mail that did not arrive."
    )
    failure_reason = fields.Char(
        "Why It Failed",
        compute="_compute_failure_reason",
        help="Why the last e-mail of this notice could not be sent, or that it bounced.",
    )
    date_sent = fields.Datetime("Sent On", readonly=True, help="When the e-mail of this notice first left.")
    date_acknowledged = fields.Datetime("Acknowledged On", readonly=True)
    acknowledged_by = fields.Char(readonly=True, help="The name the customer gave when acknowledging.")
    customer_quantity_on_hand = fields.Float(
        "Quantity Still Held by Customer",
        digits="Product Unit of Measure",
        readonly=True,
        help="What the customer declared to still hold when acknowledging, to be returned or destroyed. "
        "Blank until the customer answers.",
    )
    customer_note = fields.Text(readonly=True, help="What the customer wrote when acknowledging.")
    acknowledge_url = fields.Char(
        "Acknowledgement Link",
        compute="_compute_acknowledge_url",
        groups="lot_traceability_recall.group_recall_manager",
        help="The customer's personal link to the acknowledgement page, as sent in the notice: copy it to send "
        "it again by other means.",
    )
    date_reminded = fields.Datetime("Last Reminder", readonly=True)
    shipment_ids = fields.Many2many("stock.lot.recall.shipment", compute="_compute_shipment_ids")
    shipped_qty = fields.Float(compute="_compute_shipment_ids", digits="Product Unit of Measure")

    _sql_constraints = [
        ("recall_partner_uniq", "unique(recall_id, partner_id)", "A customer is notified once per recall."),
    ]

    @api.depends("date_acknowledged", "date_sent", "mail_ids.state", "bounced_mail_id")
    def _compute_state(self):
        """From the e-mails themselves: the last one decides (failed, bounced, left or still queued), except that
        a reminder waiting in the queue leaves a notice that already reached the customer Sent."""
        for notification in self:
            mails = notification.mail_ids.sorted("id")
            last = mails[-1:]
            reached = mails.filtered(lambda mail, n=notification: mail.state == "sent" and mail != n.bounced_mail_id)
            if notification.date_acknowledged:
                notification.state = "acknowledged"
            elif not last:  # the e-mails were deleted from the queue's history
                notification.state = "sent" if notification.date_sent else "queued"
            elif last.state in ("exception", "cancel") or last == notification.bounced_mail_id:
                notification.state = "failed"
            elif last.state == "sent" or reached:
                notification.state = "sent"
            else:
                notification.state = "queued"

    @api.depends("state", "failure_note")
    def _compute_failure_reason(self):
        for notification in self:
            reason = False
            if notification.state == "failed":
                last = notification.sudo().mail_ids.sorted("id")[-1:]
                if last.state == "cancel":
                    reason = self.env._("The e-mail was cancelled before it left.")
                else:
                    reason = notification.failure_note or last.failure_reason or self.env._("Unknown error")
            notification.failure_reason = reason

    @api.depends("recall_id.shipment_ids", "partner_id")
    def _compute_shipment_ids(self):
        for notification in self:
            notification.shipment_ids = notification.recall_id.shipment_ids.filtered(
                lambda shipment, partner=notification.partner_id: (
                    shipment.partner_id.commercial_partner_id == partner.commercial_partner_id
                )
            )
            notification.shipped_qty = sum(notification.shipment_ids.mapped("quantity"))

    def _compute_acknowledge_url(self):
        for notification in self:
            notification.acknowledge_url = notification.id and notification._get_acknowledge_url()

    def _schedule_follow_up(self):
        """A to-do for the recall's responsible, due when the reminder delay of the recall has passed, on each
        notice: done by itself when the customer answers."""
        for notification in self:
            recall = notification.recall_id
            notification.with_context(**recall._get_activity_context()).activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self) + relativedelta(days=recall.reminder_days),
                summary=self.env._("Recall notice not acknowledged yet"),
                note=self.env._(
                    "%(customer)s has not acknowledged recall %(recall)s: send a reminder or call them.",
                    customer=notification.partner_id.display_name,
                    recall=recall.name,
                ),
                user_id=recall.responsible_id.id or self.env.uid,
            )

    def action_remind(self):
        """Send the notice again to the customers who have not answered: a reminder of a notice that was sent,
        a retry of one whose e-mail failed or bounced. A notice still in the outgoing queue is not sent twice."""
        self.recall_id._check_recall_manager()
        queued = self.filtered(lambda notification: notification.state == "queued")
        if queued:
            raise UserError(
                self.env._(
                    "The notice to %(customers)s has not left yet: it waits in the outgoing mail queue. Remind "
                    "once it has been sent (or retry if it fails).",
                    customers=", ".join(queued.partner_id.mapped("display_name")),
                )
            )
        unanswered = self.filtered(lambda notification: notification.state in ("sent", "failed"))
        if not unanswered:
            raise UserError(self.env._("These customers have all acknowledged the notice: no reminder is needed."))
        closed = unanswered.filtered(lambda notification: not notification._is_open_for_acknowledgement())
        if closed:
            raise UserError(
                self.env._("Recall %(recall)s is no longer open: no reminder is sent.", recall=closed[0].recall_id.name)
            )
        failed = unanswered.filtered(lambda notification: notification.state == "failed")
        unanswered._send_notice(reminder=True)
        for notification in unanswered:
            notification._message_log(
                body=self.env._("E-mail retried: the notice is queued again.")
                if notification in failed
                else self.env._("Reminder queued: the notice is e-mailed again."),
                author_id=self.env.user.partner_id.id,
            )
        return True

    def _send_notice(self, reminder=False):
        """Queue the notice e-mail of each of these notifications and link it to them: their state follows it
        (Queued, then Sent or Failed). The copy of the e-mail kept in the chatter shows the acknowledgement link
        without its token, which only the e-mail to the customer carries."""
        template = self.env.ref("lot_traceability_recall.mail_template_recall_notification")
        mails = template.send_mail_batch(self.ids)
        tokens = {notification.id: notification.sudo().access_token for notification in self}
        for mail in mails:
            token = tokens.get(mail.res_id)
            if token and token in (mail.body or ""):
                mail.mail_message_id.body = Markup(str(mail.body).replace(token, "…"))
        with server_write(self._name):
            for notification in self:
                vals = {"mail_ids": [Command.link(mail.id) for mail in mails if mail.res_id == notification.id]}
                if reminder:
                    vals["date_reminded"] = fields.Datetime.now()
                notification.sudo().write(vals)
        return mails

    @api.model
    def _record_mail_outcome(self, mails, failure_type=None, failure_reason=None):
        """Called by the mail queue after each sending: a notice whose e-mail just left gets its sent date (the
        first time only); one whose e-mail failed, what went wrong, in words (the queue's failure type and reason,
        e.g. "Invalid email address: recalls at example")."""
        mails = mails.filtered(lambda mail: mail.model == self._name and mail.res_id)
        if not mails:
            return
        notifications = {notification.id: notification for notification in self.sudo().browse(mails.mapped("res_id"))}
        labels = dict(self.env["mail.mail"]._fields["failure_type"]._description_selection(self.env))
        with server_write(self._name):
            for mail in mails:
                notification = notifications[mail.res_id].exists()
                if not notification:
                    continue
                if mail.state == "sent":
                    notification.write(
                        {"date_sent": notification.date_sent or fields.Datetime.now(), "failure_note": False}
                    )
                elif mail.state == "exception":
                    label = labels.get(failure_type or mail.failure_type)
                    if failure_type in ("mail_email_invalid", "mail_email_missing"):
                        detail = notification.partner_id.email or ""
                    else:
                        detail = failure_reason or mail.failure_reason or ""
                    notification.write({"failure_note": ": ".join(part for part in (label, detail) if part) or False})

    def _message_receive_bounce(self, email, partner):
        """A bounce of the notice (routed here by Odoo from its Message-Id): the last e-mail that left did not
        reach the customer; the notice shows Failed until it is retried."""
        result = super()._message_receive_bounce(email, partner)
        for notification in self.sudo():
            bounced = notification.mail_ids.filtered(lambda mail: mail.state == "sent").sorted("id")[-1:]
            if bounced:
                with server_write(self._name):
                    notification.write(
                        {
                            "bounced_mail_id": bounced.id,
                            "failure_note": self.env._("The e-mail to %(email)s bounced.", email=email),
                        }
                    )
        return result

    def _compute_access_url(self):
        # portal.mixin's URL of the document: the acknowledgement page
        for notification in self:
            notification.access_url = f"/recall/acknowledge/{notification.id}"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_acknowledgement_write(vals)
            vals.setdefault("access_token", secrets.token_urlsafe(32))
        if not is_server_write(self._name):
            raise UserError(
                self.env._(
                    "A recall notice is created by the recall itself (Notify Customers), which e-mails it; it is "
                    "never created by hand."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        self._check_acknowledgement_write(vals)
        return super().write(vals)

    def _check_acknowledgement_write(self, vals):
        if is_server_write(self._name):
            return
        if ACKNOWLEDGEMENT_FIELDS & set(vals):
            raise UserError(
                self.env._(
                    "A customer's acknowledgement is given by the customer on the recall page, once; "
                    "it is never written or changed by hand."
                )
            )
        if DELIVERY_FIELDS & set(vals):
            raise UserError(
                self.env._(
                    "When a notice was sent, reminded or bounced is recorded by the sending and the mail queue; "
                    "it is never written by hand."
                )
            )

    def _get_acknowledge_url(self):
        """The link sent in the notice: the acknowledgement page with ``token=``, as in every notice sent so
        far. Portal links (``_get_share_url``) pass the same token as ``access_token=``; the page takes both."""
        self.ensure_one()
        token = self.sudo()._portal_ensure_token()
        return f"{self.get_base_url()}{self.access_url}?{urlencode({'token': token})}"

    def _check_token(self, token):
        """Whether ``token`` opens this notification; compared in constant time. Anything that is not a
        token's shape (other characters, control characters, non-ASCII) opens nothing."""
        self.ensure_one()
        expected = self.sudo().access_token
        return bool(expected and isinstance(token, str) and TOKEN_PATTERN.fullmatch(token) and consteq(expected, token))

    def _is_open_for_acknowledgement(self):
        """Whether the customer may still answer: the recall is open (not closed nor cancelled)."""
        self.ensure_one()
        return self.recall_id.state in OPEN_RECALL_STATES

    def _get_max_declared_quantity(self):
        """The most a customer may declare to still hold: what was shipped to them in the recall's scope."""
        self.ensure_one()
        return self.shipped_qty

    def _clean_customer_name(self, name):
        """``name`` stripped, or a UserError if it is missing, too long or holds control characters."""
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("Please give your name."))
        if has_control_characters(name):
            raise UserError(
                self.env._("Your name contains control characters that cannot be stored: please type it again.")
            )
        if len(name) > MAX_NAME_LENGTH:
            raise UserError(self.env._("Your name is too long: at most %(max)s characters.", max=MAX_NAME_LENGTH))
        return name

    def _clean_customer_note(self, note):
        """``note`` stripped (lines and tabs kept), or a UserError if it is too long or holds control
        characters."""
        note = (note or "").strip()
        if has_control_characters(note, allowed="\t\r\n"):
            raise UserError(
                self.env._("Your note contains control characters that cannot be stored: please type it again.")
            )
        if len(note) > MAX_NOTE_LENGTH:
            raise UserError(self.env._("Your note is too long: at most %(max)s characters.", max=MAX_NOTE_LENGTH))
        return note

    def _check_can_acknowledge(self):
        """Raise a UserError saying why the customer can no longer answer: the recall is closed or cancelled,
        or the notice was already acknowledged (an answer is given once and never overwritten)."""
        self.ensure_one()
        # The row lock makes a second answer sent at the same moment wait its turn (Odoo retries the
        # request on LockNotAvailable), so that it then finds the first one and is refused.
        self.env.execute_query(
            SQL("SELECT id FROM stock_lot_recall_notification WHERE id = %s FOR NO KEY UPDATE NOWAIT", self.id)
        )
        if not self._is_open_for_acknowledgement():
            raise UserError(
                self.env._(
                    "Recall %(recall)s is no longer open: no acknowledgement is needed any more.",
                    recall=self.recall_id.name,
                )
            )
        if self.state == "acknowledged":
            raise UserError(
                self.env._(
                    "This notice was already acknowledged by %(name)s: this new answer was not recorded. "
                    "To correct the first one, reply to the recall e-mail.",
                    name=self.acknowledged_by,
                )
            )

    def _acknowledge(self, name, quantity_on_hand, note=None):
        """Record the customer's answer from the public page: their name, the quantity they still hold (a
        finite number from 0 to _get_max_declared_quantity) and an optional note.

        Once only, and only while the recall is open: otherwise, or for an implausible answer, raise a
        UserError that says what to do, and write nothing.
        """
        self._check_can_acknowledge()
        name = self._clean_customer_name(name)
        note = self._clean_customer_note(note)
        if (
            isinstance(quantity_on_hand, bool)
            or not isinstance(quantity_on_hand, int | float)
            or not math.isfinite(quantity_on_hand)
        ):
            raise UserError(self.env._("The quantity you still hold must be a finite number, e.g. 0 or 12.5."))
        if quantity_on_hand < 0:
            raise UserError(self.env._("State the quantity you still hold (0 if none)."))
        precision = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        if float_compare(quantity_on_hand, self._get_max_declared_quantity(), precision_digits=precision) > 0:
            raise UserError(
                self.env._(
                    "%(quantity)s is more than was delivered to you (%(shipped)s in all): state the quantity "
                    "of these lots you still hold, in the units of the table above (0 if none).",
                    quantity=formatLang(self.env, quantity_on_hand, digits=precision),
                    shipped=formatLang(self.env, self.shipped_qty, digits=precision),
                )
            )
        # + 0.0 turns -0.0 into 0.0
        quantity = float_round(quantity_on_hand, precision_digits=precision) + 0.0
        with server_write(self._name):
            self.write(
                {
                    "date_acknowledged": fields.Datetime.now(),
                    "acknowledged_by": name,
                    "customer_quantity_on_hand": quantity,
                    "customer_note": note or False,
                }
            )
        self.activity_ids.action_feedback(feedback=self.env._("Acknowledged by the customer."))
        self.recall_id._message_log(
            body=self.env._(
                "%(customer)s acknowledged the recall notice (%(name)s), still holding %(quantity)s.",
                customer=self.partner_id.display_name,
                name=name,
                quantity=quantity,
            )
        )
        return True
