import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq, float_round


class StockLotRecallNotification(models.Model):
    """The notice one customer receives for a recall, and that customer's acknowledgement.

    The notice carries a link with a token: the customer opens it without an account, confirms
    receipt and states the quantity still on hand.
    """

    _name = "stock.lot.recall.notification"
    _description = "Recall Notification"
    _inherit = ["mail.thread"]
    _order = "recall_id, partner_id"
    _rec_name = "partner_id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True)
    email = fields.Char(related="partner_id.email")
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
        help="What the customer declared to still hold when acknowledging, to be returned or destroyed.",
    )
    customer_note = fields.Text(readonly=True)
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("access_token", secrets.token_urlsafe(32))
        return super().create(vals_list)

    def _get_acknowledge_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/recall/acknowledge/{self.id}?token={self.sudo().access_token}"

    def _check_token(self, token):
        """Whether ``token`` opens this notification; compared in constant time."""
        self.ensure_one()
        return bool(token) and consteq(self.sudo().access_token, token)

    def _acknowledge(self, name, quantity_on_hand, note=None):
        """Record the customer's acknowledgement (from the public page)."""
        self.ensure_one()
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("Please give your name."))
        if quantity_on_hand is None or quantity_on_hand < 0:
            raise UserError(self.env._("State the quantity you still hold (0 if none)."))
        if self.recall_id.state in ("closed", "cancelled"):
            raise UserError(self.env._("This recall is no longer open: no acknowledgement is needed."))
        quantity = float_round(
            quantity_on_hand, precision_digits=self.env["decimal.precision"].precision_get("Product Unit of Measure")
        )
        self.write(
            {
                "state": "acknowledged",
                "date_acknowledged": fields.Datetime.now(),
                "acknowledged_by": name,
                "customer_quantity_on_hand": quantity,
                "customer_note": (note or "").strip() or False,
            }
        )
        self.recall_id.message_post(
            body=self.env._(
                "%(customer)s acknowledged the recall notice (%(name)s), still holding %(quantity)s.",
                customer=self.partner_id.display_name,
                name=name,
                quantity=quantity,
            )
        )
        return True
