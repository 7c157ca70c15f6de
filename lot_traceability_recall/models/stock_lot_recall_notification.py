import math
import re
import secrets
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write, server_write
from odoo.exceptions import UserError
from odoo.tools import SQL, consteq, float_round, formatLang

from ..tools.text import has_control_characters
from .stock_lot_recall import OPEN_RECALL_STATES

# The customer's answer: written by _acknowledge only, once, never edited afterwards.
ACKNOWLEDGEMENT_FIELDS = {"state", "date_acknowledged", "acknowledged_by", "customer_quantity_on_hand", "customer_note"}
# A declared quantity is refused above MAX_QUANTITY_FACTOR times what was shipped to the customer:
# room enough for counting in other units (grams for kilograms, units for packs of up to 1000),
# none for a typing error of several digits. Never above MAX_QUANTITY, whatever was shipped.
MAX_QUANTITY_FACTOR = 1000
MAX_QUANTITY = 1e9
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
    # portal.mixin's token, made at creation (as before portal.mixin) and readable by QA users only.
    access_token = fields.Char(required=True, copy=False, groups="lot_traceability.group_qa_user")
    state = fields.Selection(
        [("sent", "Sent"), ("acknowledged", "Acknowledged")], default="sent", required=True, tracking=True
    )
    date_sent = fields.Datetime("Sent On", readonly=True)
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
            notification.activity_schedule(
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
        """Send the notice again to the customers who have not answered."""
        self.recall_id._check_recall_manager()
        unanswered = self.filtered(lambda notification: notification.state == "sent")
        if not unanswered:
            raise UserError(self.env._("These customers have all acknowledged the notice: no reminder is needed."))
        closed = unanswered.filtered(lambda notification: not notification._is_open_for_acknowledgement())
        if closed:
            raise UserError(
                self.env._("Recall %(recall)s is no longer open: no reminder is sent.", recall=closed[0].recall_id.name)
            )
        template = self.env.ref("lot_traceability_recall.mail_template_recall_notification")
        template.send_mail_batch(unanswered.ids)
        unanswered.write({"date_reminded": fields.Datetime.now()})
        for notification in unanswered:
            notification.message_post(body=self.env._("Reminder sent: the notice was e-mailed again."))
        return True

    def _compute_access_url(self):
        # portal.mixin's URL of the document: the acknowledgement page
        for notification in self:
            notification.access_url = f"/recall/acknowledge/{notification.id}"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_acknowledgement_write(vals)
            vals.setdefault("access_token", secrets.token_urlsafe(32))
        return super().create(vals_list)

    def write(self, vals):
        self._check_acknowledgement_write(vals)
        return super().write(vals)

    def _check_acknowledgement_write(self, vals):
        if ACKNOWLEDGEMENT_FIELDS & set(vals) and not is_server_write(self._name):
            raise UserError(
                self.env._(
                    "A customer's acknowledgement is given by the customer on the recall page, once; "
                    "it is never written or changed by hand."
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
        """The most a customer may declare to still hold (see MAX_QUANTITY_FACTOR)."""
        self.ensure_one()
        if self.shipped_qty <= 0:
            return MAX_QUANTITY
        return min(MAX_QUANTITY, MAX_QUANTITY_FACTOR * self.shipped_qty)

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
        if quantity_on_hand > self._get_max_declared_quantity():
            raise UserError(
                self.env._(
                    "%(quantity)s is far more than was delivered to you (%(shipped)s in all): state the quantity "
                    "you still hold, in the units of the table above (0 if none).",
                    quantity=formatLang(self.env, quantity_on_hand, digits=precision),
                    shipped=formatLang(self.env, self.shipped_qty, digits=precision),
                )
            )
        # + 0.0 turns -0.0 into 0.0
        quantity = float_round(quantity_on_hand, precision_digits=precision) + 0.0
        with server_write(self._name):
            self.write(
                {
                    "state": "acknowledged",
                    "date_acknowledged": fields.Datetime.now(),
                    "acknowledged_by": name,
                    "customer_quantity_on_hand": quantity,
                    "customer_note": note or False,
                }
            )
        self.activity_ids.action_feedback(feedback=self.env._("Acknowledged by the customer."))
        self.recall_id.message_post(
            body=self.env._(
                "%(customer)s acknowledged the recall notice (%(name)s), still holding %(quantity)s.",
                customer=self.partner_id.display_name,
                name=name,
                quantity=quantity,
            )
        )
        return True
