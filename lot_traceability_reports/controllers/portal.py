import re
from collections import defaultdict

from werkzeug.exceptions import BadRequest

from odoo import http
from odoo.addons.lot_traceability_recall.tools.text import printable
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.http import content_disposition, request
from odoo.osv import expression

COA_REPORT = "lot_traceability_reports.action_report_lot_coa"
MAX_SEARCH_LENGTH = 100
MAX_ID = 2**31 - 1
GTIN_PATTERN = re.compile(r"[0-9]{8,14}")


def _text_param(value):
    """A query parameter as text: anything else (an uploaded file) counts as not given."""
    return value if isinstance(value, str) else None


class LotCustomerPortal(CustomerPortal):
    """The customer's lots in Odoo's portal: what was delivered to the portal user's company (its commercial
    partner), each lot's certificate of analysis and the recall notices sent to that company.

    Portal users have no right on lots, moves or notices: the pages read them as superuser, always restricted
    to the commercial partner of the user (as Odoo's sale portal reads its orders), and show no cost, no
    supplier and nothing of another customer.
    """

    _lots_per_page = 20

    # ------------------------------------------------------------------
    # What the customer may see
    # ------------------------------------------------------------------

    def _get_lot_portal_customer(self):
        return request.env.user.partner_id.commercial_partner_id

    def _get_delivered_lot_lines_domain(self, customer):
        """Done lines of lots of outgoing transfers that reached this customer (or one of its addresses)."""
        return [
            ("state", "=", "done"),
            ("lot_id", "!=", False),
            ("picking_id.picking_type_id.code", "=", "outgoing"),
            ("location_dest_id.usage", "=", "customer"),
            ("picking_id.partner_id", "child_of", customer.id),
        ]

    def _get_lot_search_domain(self, search):
        """Lines whose lot code contains ``search``, or whose product's GTIN (barcode, leading zeros or not)
        is ``search``."""
        domain = [("lot_id.name", "ilike", search)]
        if GTIN_PATTERN.fullmatch(search):
            digits = search.lstrip("0")
            barcodes = {search} | {digits.zfill(length) for length in (8, 12, 13, 14) if len(digits) <= length}
            domain = expression.OR([domain, [("product_id.barcode", "in", sorted(barcodes))]])
        return domain

    def _get_delivered_lot_lines(self, customer, domain=None, **search_kwargs):
        return (
            request.env["stock.move.line"]
            .sudo()
            .search(
                expression.AND([self._get_delivered_lot_lines_domain(customer), domain or []]),
                order="date desc, id desc",
                **search_kwargs,
            )
        )

    def _get_portal_lot(self, lot_id):
        """The lot (as superuser) if it was delivered to the user's company, else None."""
        if not 0 < lot_id <= MAX_ID:
            return None
        lines = self._get_delivered_lot_lines(self._get_lot_portal_customer(), [("lot_id", "=", lot_id)], limit=1)
        return lines.lot_id or None

    def _get_returned_quantities(self, lines):
        """{delivered line id: quantity of its lot that came back from the customer by a done return of its
        delivery (Odoo's return or a recall's), in the line's unit}. A delivery's lot on several lines has its
        returns on the first of them."""
        returns = (
            request.env["stock.move.line"]
            .sudo()
            .search([("state", "=", "done"), ("move_id.origin_returned_move_id", "in", lines.move_id.ids)])
        )
        returned = defaultdict(float)
        for line in returns:
            returned[line.move_id.origin_returned_move_id.id, line.lot_id.id] += line.quantity_product_uom
        result = {}
        for line in lines:
            quantity = returned.pop((line.move_id.id, line.lot_id.id), 0.0)
            if quantity:
                result[line.id] = line.product_id.uom_id._compute_quantity(quantity, line.product_uom_id)
        return result

    def _get_recall_notices(self, customer, lots=None):
        """The recall notices sent to this customer or to a company under it, as the delivered lots are (the
        notices of a recall of ``lots`` when given)."""
        domain = [("partner_id", "child_of", customer.id)]
        if lots is not None:
            domain.append(("recall_id.shipment_ids.lot_id", "in", lots.ids))
        return request.env["stock.lot.recall.notification"].sudo().search(domain, order="id desc")

    # ------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        customer = self._get_lot_portal_customer()
        if "lot_delivery_count" in counters:
            values["lot_delivery_count"] = (
                request.env["stock.move.line"].sudo().search_count(self._get_delivered_lot_lines_domain(customer))
            )
        if "lot_recall_notice_count" in counters:
            values["lot_recall_notice_count"] = len(self._get_recall_notices(customer))
        return values

    @http.route(["/my/lots", "/my/lots/page/<int:page>"], type="http", auth="user", methods=["GET"], website=True)
    def portal_my_lots(self, page=1, search=None, **kwargs):
        customer = self._get_lot_portal_customer()
        search = printable(_text_param(search) or "").strip()[:MAX_SEARCH_LENGTH]
        domain = self._get_lot_search_domain(search) if search else []
        count = (
            request.env["stock.move.line"]
            .sudo()
            .search_count(expression.AND([self._get_delivered_lot_lines_domain(customer), domain]))
        )
        pager = portal_pager(
            url="/my/lots",
            url_args={"search": search} if search else {},
            total=count,
            page=page,
            step=self._lots_per_page,
        )
        lines = self._get_delivered_lot_lines(customer, domain, limit=self._lots_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "lots",
                "lines": lines,
                "lot_dates": lines.lot_id._get_customer_date_values(),
                "returned": self._get_returned_quantities(lines),
                "pager": pager,
                "search": search,
                "default_url": "/my/lots",
                "notices": self._get_recall_notices(customer, lines.lot_id),
            }
        )
        return request.render("lot_traceability_reports.portal_my_lots", values)

    @http.route("/my/lots/<int:lot_id>", type="http", auth="user", methods=["GET"], website=True)
    def portal_my_lot(self, lot_id, **kwargs):
        lot = self._get_portal_lot(lot_id)
        if not lot:
            return request.not_found()
        customer = self._get_lot_portal_customer()
        lines = self._get_delivered_lot_lines(customer, [("lot_id", "=", lot.id)])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "lot",
                "lot": lot,
                "lot_dates": lot._get_customer_date_values().get(lot.id),
                "gtin": lot.product_id._get_gs1_gtin(),
                "lines": lines,
                "returned": self._get_returned_quantities(lines),
                "notices": self._get_recall_notices(customer, lot),
            }
        )
        return request.render("lot_traceability_reports.portal_my_lot", values)

    @http.route("/my/lots/<int:lot_id>/certificate", type="http", auth="user", methods=["GET"], website=True)
    def portal_my_lot_certificate(self, lot_id, report_type="pdf", download=None, **kwargs):
        """The lot's certificate of analysis (the CoA report, as its customer copy), for a lot delivered to the
        user's company only."""
        lot = self._get_portal_lot(lot_id)
        if not lot:
            return request.not_found()
        if report_type not in ("pdf", "html"):
            raise BadRequest(request.env._("The certificate is available as pdf or html."))
        # sudo, as Odoo's portal prints its documents: the lot was checked above to be this customer's
        report_action = request.env["ir.actions.report"].sudo().with_company(lot.company_id)
        # The customer's copy: no supplier, and the customer's own limits beside the results (lot specification).
        data = {
            "report_type": report_type,
            "customer_copy": True,
            "partner_id": self._get_lot_portal_customer().id,
        }
        if report_type == "pdf":
            content = report_action._render_qweb_pdf(COA_REPORT, lot.ids, data=data)[0]
            filename = re.sub(r"\W+", "_", f"CoA {lot.name}") + ".pdf"
            headers = [
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename, "attachment" if download else "inline")),
            ]
        else:
            content = report_action._render_qweb_html(COA_REPORT, lot.ids, data=data)[0]
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", len(content))]
        return request.make_response(content, headers=headers)

    @http.route("/my/lot_recalls", type="http", auth="user", methods=["GET"], website=True)
    def portal_my_lot_recalls(self, **kwargs):
        values = self._prepare_portal_layout_values()
        values.update(
            {"page_name": "lot_recalls", "notices": self._get_recall_notices(self._get_lot_portal_customer())}
        )
        return request.render("lot_traceability_reports.portal_my_lot_recalls", values)
