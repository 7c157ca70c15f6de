import math

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..tools.text import printable


def _text_param(value):
    """A form or query parameter as text: anything else (an uploaded file) counts as not given."""
    return value if isinstance(value, str) else None


class LotRecallAcknowledgement(http.Controller):
    """The page a customer opens from a recall notice, without an account, to acknowledge it.

    The link carries the notice's portal access token as ``token`` (notices sent by e-mail) or
    ``access_token`` (portal share links). The controller only parses; the notification's
    ``_acknowledge`` decides what is accepted.
    """

    def _get_notification(self, notification_id, token):
        notification = request.env["stock.lot.recall.notification"].sudo().browse(notification_id).exists()
        if not notification or not notification._check_token(token):
            return None
        return notification

    def _render_page(self, notification, token, values=None, error=None):
        return request.render(
            "lot_traceability_recall.recall_acknowledge_page",
            {
                "notification": notification,
                "token": token,
                "values": values or {},
                "error": error,
                "accepting": notification._is_open_for_acknowledgement(),
            },
        )

    @staticmethod
    def _parse_quantity(text):
        """The quantity typed by the customer (a decimal comma is fine), or a UserError for anything that
        is not a finite number: "nan", "inf", "1e309" are not quantities."""
        cleaned = (text or "").strip().replace(",", ".")
        if not cleaned:
            raise UserError(request.env._("State the quantity you still hold (0 if none)."))
        try:
            quantity = float(cleaned)
        except ValueError:
            quantity = math.nan
        if not math.isfinite(quantity):
            raise UserError(
                request.env._(
                    "The quantity must be a number, e.g. 0 or 12.5, not '%(value)s'.", value=printable(text)[:50]
                )
            )
        return quantity

    @http.route("/recall/acknowledge/<int:notification_id>", type="http", auth="public", methods=["GET"])
    def recall_acknowledge_page(self, notification_id, token=None, access_token=None, **kwargs):
        token = _text_param(token) or _text_param(access_token)
        notification = self._get_notification(notification_id, token)
        if not notification:
            return request.not_found()
        return self._render_page(notification, token)

    @http.route("/recall/acknowledge/<int:notification_id>", type="http", auth="public", methods=["POST"])
    def recall_acknowledge_submit(
        self, notification_id, token=None, access_token=None, name=None, quantity=None, note=None, **kwargs
    ):
        token = _text_param(token) or _text_param(access_token)
        notification = self._get_notification(notification_id, token)
        if not notification:
            return request.not_found()
        name, quantity, note = _text_param(name), _text_param(quantity), _text_param(note)
        values = {"name": printable(name), "quantity": printable(quantity), "note": printable(note)}
        try:
            # Closed recall or answer already given: say so before judging the answer.
            notification._check_can_acknowledge()
            quantity_on_hand = self._parse_quantity(quantity)
            # A savepoint, so that a refused acknowledgement writes nothing.
            with request.env.cr.savepoint():
                notification._acknowledge(name, quantity_on_hand, note)
        except UserError as error:
            return self._render_page(notification, token, values, error=error.args[0])
        return self._render_page(notification, token, values)
