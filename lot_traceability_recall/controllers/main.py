from odoo import http
from odoo.exceptions import UserError
from odoo.http import request


class LotRecallAcknowledgement(http.Controller):
    """The page a customer opens from a recall notice, without an account, to acknowledge it."""

    def _get_notification(self, notification_id, token):
        notification = request.env["stock.lot.recall.notification"].sudo().browse(notification_id).exists()
        if not notification or not notification._check_token(token):
            return None
        return notification

    @http.route("/recall/acknowledge/<int:notification_id>", type="http", auth="public", methods=["GET"])
    def recall_acknowledge_page(self, notification_id, token=None, **kwargs):
        notification = self._get_notification(notification_id, token)
        if not notification:
            return request.not_found()
        return request.render(
            "lot_traceability_recall.recall_acknowledge_page",
            {"notification": notification, "token": token, "values": {}, "error": None},
        )

    @http.route("/recall/acknowledge/<int:notification_id>", type="http", auth="public", methods=["POST"])
    def recall_acknowledge_submit(self, notification_id, token=None, name=None, quantity=None, note=None, **kwargs):
        notification = self._get_notification(notification_id, token)
        if not notification:
            return request.not_found()
        values = {"name": name or "", "quantity": quantity or "", "note": note or ""}
        try:
            try:
                quantity_on_hand = float((quantity or "").replace(",", "."))
            except ValueError as error:
                raise UserError(
                    request.env._("The quantity must be a number, e.g. 0 or 12.5, not '%(value)s'.", value=quantity)
                ) from error
            # A savepoint, so that a refused acknowledgement writes nothing.
            with request.env.cr.savepoint():
                notification._acknowledge(name, quantity_on_hand, note)
        except UserError as error:
            return request.render(
                "lot_traceability_recall.recall_acknowledge_page",
                {"notification": notification, "token": token, "values": values, "error": error.args[0]},
            )
        return request.render(
            "lot_traceability_recall.recall_acknowledge_page",
            {"notification": notification, "token": token, "values": values, "error": None},
        )
