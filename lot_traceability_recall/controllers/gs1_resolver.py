"""GS1 Digital Link resolver: Odoo answers the QR code of its own lot labels.

``/01/{gtin}[/10/{lot}][/21/{serial}]`` is a public page (product, lot, dates, recall status), its RFC 9264
linkset for ``Accept: application/linkset+json`` or ``?linkType=linkset``, or a 307 to one link for
``?linkType=gs1:...``; ``/.well-known/gs1resolver`` describes the resolver (GS1-Conformant Resolver
Standard). Everything is read through ``product.product._get_gs1_resolver_values``, which returns plain
data: the templates cannot reach a record, so they cannot show more than it gives.
"""

import json
import re
from urllib.parse import quote, unquote, urlsplit

from odoo import http
from odoo.addons.lot_traceability.models.res_config_settings import DEFAULT_GS1_RESOLVER
from odoo.addons.lot_traceability.tools import gs1
from odoo.http import request

LINKSET_MIMETYPE = "application/linkset+json"
GS1_VOC = "https://gs1.org/voc/"
# ?linkType= values: a GS1 link type as CURIE (gs1:pip) or URI (https://gs1.org/voc/pip).
LINK_TYPE = re.compile(r"(?:gs1:|https://gs1\.org/voc/)([A-Za-z]{1,64})")
# Longest request URI answered; a lot label's link is far shorter (GS1: 20-character lot and serial).
MAX_URI_LENGTH = 1024
# The AIs a path may carry here: the GTIN and its lot or serial.
PATH_AIS = {"01", "10", "21"}
# Cached by browsers and proxies for a minute: a new recall shows within a minute, load stays low.
CACHE_CONTROL = "public, max-age=60"
# What a page or a linkset depends on besides its URL (the links never depend on the Host header).
VARY = "Accept, Accept-Language"


class ResolverError(Exception):
    """A request this resolver cannot answer: ``status`` (400 or 404) and what to tell the visitor."""

    def __init__(self, status, message=None):
        super().__init__(message)
        self.status = status
        self.message = message


class Gs1Resolver(http.Controller):
    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------

    @http.route(
        ["/01/<path:subpath>"],
        type="http",
        auth="public",
        methods=["GET", "HEAD"],
        csrf=False,
        readonly=True,
        save_session=False,
    )
    def gs1_digital_link(self, subpath=None, **kwargs):
        self._set_visitor_lang()
        try:
            elements, link_type = self._parse_request()
            values = request.env["product.product"]._get_gs1_resolver_values(
                elements["01"], elements.get("10"), elements.get("21")
            )
            if not values:
                raise ResolverError(404)
        except ResolverError as error:
            return self._error_response(error)
        links = self._get_links(values)
        if link_type in ("linkset", "all") or (not link_type and self._wants_linkset()):
            return self._linkset_response(values, links)
        if link_type:
            # An unknown or absent link type goes to the default link (GS1-Conformant Resolver Standard).
            target = next((link for link in links if link["rel"] == link_type), links[0])
            response = request.redirect(target["href"], code=307, local=False)
            response.headers["Cache-Control"] = CACHE_CONTROL
            return response
        return self._page_response(values, links)

    @http.route(
        "/gs1/image/<string:gtin>",
        type="http",
        auth="public",
        methods=["GET", "HEAD"],
        csrf=False,
        readonly=True,
        save_session=False,
    )
    def gs1_product_image(self, gtin, **kwargs):
        """The image of a published product, by its 14-digit GTIN (the product page shows it)."""
        product_model = request.env["product.product"]
        company_ids = product_model._get_gs1_resolver_company_ids()
        product = (
            product_model._find_gs1_resolver_product(gtin, company_ids)
            if company_ids and len(gtin) == 14 and gs1.DIGITS.fullmatch(gtin)
            else product_model
        )
        if not product:
            return self._error_response(ResolverError(404))
        stream = request.env["ir.binary"]._get_image_stream_from(
            product, "image_512", placeholder="product/static/img/placeholder_thumbnail.png"
        )
        return stream.get_response(max_age=86400)

    @http.route(
        "/.well-known/gs1resolver",
        type="http",
        auth="public",
        methods=["GET", "HEAD"],
        csrf=False,
        readonly=True,
        save_session=False,
    )
    def gs1_resolver_description(self, **kwargs):
        """The resolver description document of the GS1-Conformant Resolver Standard (1.1, section 5)."""
        company_ids = request.env["product.product"]._get_gs1_resolver_company_ids()
        if not company_ids:
            return self._error_response(ResolverError(404))
        companies = request.env["res.company"].sudo().browse(company_ids)
        description = {
            "name": ", ".join(companies.mapped("name")),
            "resolverRoot": self._get_root(),
            "supportedPrimaryKeys": ["01"],
            "supportedQualifiers": ["10", "21"],
            "linkTypeDefaultCanBeLinkset": False,
            "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:", "profile": f"{GS1_VOC}?show=linktypes"}],
            "supportedContextValues": [],
            "supportedMediaTypes": ["text/html", LINKSET_MIMETYPE],
        }
        return request.make_json_response(description, headers=[("Cache-Control", "public, max-age=3600")])

    # ------------------------------------------------------------------
    # Parsing: anything malformed is a 400 page, never an error of the server
    # ------------------------------------------------------------------

    def _get_request_uri(self):
        """The path and query as sent, still percent-encoded: a lot may hold an encoded '/' (%2F)."""
        environ = request.httprequest.environ
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        if not raw:
            query = request.httprequest.query_string.decode("latin-1")
            raw = quote(request.httprequest.path, safe="/") + (f"?{query}" if query else "")
        if raw.startswith(("http://", "https://")):  # an absolute request-target (RFC 9112 3.2.2)
            parts = urlsplit(raw)
            raw = parts.path + (f"?{parts.query}" if parts.query else "")
        return raw

    def _parse_request(self):
        """``(elements, link type)`` of the request: ``elements`` as gs1.parse_digital_link reads them."""
        raw = self._get_request_uri()
        if len(raw) > MAX_URI_LENGTH:
            raise ResolverError(400, request.env._("This link is too long to be a GS1 Digital Link."))
        segments = [segment for segment in raw.partition("?")[0].split("/") if segment]
        if not set(segments[0::2]) <= PATH_AIS:
            raise ResolverError(
                400,
                request.env._(
                    "This resolver answers links of the form /01/{gtin}/10/{lot} or /01/{gtin}/21/{serial}; "
                    "this one carries other application identifiers."
                ),
            )
        try:
            elements = gs1.parse_digital_link(f"https://resolver.invalid{raw}")
        except (gs1.GS1Error, ValueError) as error:  # ValueError: urlsplit of a malformed authority or port
            raise ResolverError(400, str(error)) from None
        return elements, self._get_link_type(raw)

    @staticmethod
    def _query_items(raw):
        query = raw.partition("?")[2]
        return [tuple(item.partition("=")[::2]) for item in query.split("&") if item]

    def _get_link_type(self, raw):
        """The ``linkType`` asked for: 'linkset', 'all', a GS1 link type as 'gs1:xxx', or None."""
        values = [value for key, value in self._query_items(raw) if key == "linkType"]
        if not values:
            return None
        value = unquote(values[-1])
        if value in ("linkset", "all"):
            return value
        match = LINK_TYPE.fullmatch(value)
        if not match:
            raise ResolverError(
                400,
                request.env._("linkType must be 'linkset' or a GS1 link type such as gs1:pip or gs1:recallStatus."),
            )
        return f"gs1:{match.group(1)}"

    def _wants_linkset(self):
        accept = request.httprequest.accept_mimetypes
        return accept.best_match(["text/html", LINKSET_MIMETYPE, "application/json"]) in (
            LINKSET_MIMETYPE,
            "application/json",
        )

    def _set_visitor_lang(self):
        """Answer in the browser's language when it is installed, else in the database's default."""
        installed = [code for code, _name in request.env["res.lang"].get_installed()]
        chosen = None
        for locale, _quality in request.httprequest.accept_languages:
            code = locale.replace("-", "_")
            chosen = next(
                (lang for lang in installed if lang.lower() == code.lower()),
                next((lang for lang in installed if lang.split("_")[0].lower() == code.split("_")[0].lower()), None),
            )
            if chosen:
                break
        request.update_context(lang=chosen or request.env["ir.http"]._get_default_lang().code)

    # ------------------------------------------------------------------
    # Links
    # ------------------------------------------------------------------

    def _get_root(self):
        """The resolver's address, as configured, never the request's (its Host header is whatever the client
        sends, and the answers are cached): the GS1 Digital Link resolver of the settings when it is not GS1's
        global one (the company's own resolver, or this database), else ``web.base.url``."""
        params = request.env["ir.config_parameter"].sudo()
        resolver = (params.get_param("lot_traceability.gs1_resolver") or "").rstrip("/")
        if resolver and resolver != DEFAULT_GS1_RESOLVER:
            return resolver
        return (params.get_param("web.base.url") or "").rstrip("/")

    def _get_page_url(self, values):
        elements = {"01": values["gtin"]}
        if values["lot"]:
            elements[values["lot_ai"]] = values["lot"]
        if values.get("batch"):
            elements["10"] = values["batch"]
        return gs1.build_digital_link(elements, domain=self._get_root())

    def _get_links(self, values):
        """The links of a scanned item as dicts ``rel, href, title, type, lang``; the default link first."""
        env = request.env
        page = self._get_page_url(values)
        lang = env.lang.split("_")[0]
        links = [
            {
                "rel": "gs1:defaultLink",
                "href": page,
                "title": values["product_name"],
                "type": "text/html",
                "lang": lang,
            },
            {
                "rel": "gs1:recallStatus",
                "href": f"{page}#recall",
                "title": self._get_recall_status_title(values),
                "type": "text/html",
                "lang": lang,
            },
        ]
        extra = [
            {
                "rel": link["link_type"],
                "href": link["url"],
                "title": link["title"],
                "type": "text/html",
                "lang": link["lang"],
            }
            for link in values["links"]
        ]
        if not any(link["rel"] == "gs1:pip" for link in extra):
            product_page = gs1.build_digital_link({"01": values["gtin"]}, domain=self._get_root())
            links.append(
                {
                    "rel": "gs1:pip",
                    "href": product_page,
                    "title": values["product_name"],
                    "type": "text/html",
                    "lang": lang,
                }
            )
        return links + extra

    def _get_recall_status_title(self, values):
        """The recall status in words, for the linkset: not recalled, recalled, or recalled by a recall now closed
        (the lot stays recalled), with what to do."""
        env = request.env
        recall = values["recall"]
        if not recall:
            if values["lot"]:
                return env._("Recall status: not recalled")
            return env._("Recall status: no lot of this product is recalled")
        if recall["closed"]:
            status = env._(
                "Recall status: recalled (the recall was closed on %(date)s)",
                date=recall["date_closed"].date().isoformat() if recall["date_closed"] else "",
            )
        else:
            status = env._("Recall status: recalled")
        if recall["instructions"]:
            status = env._(
                "%(status)s. What to do: %(instructions)s", status=status, instructions=recall["instructions"]
            )
        return status

    # ------------------------------------------------------------------
    # Responses
    # ------------------------------------------------------------------

    def _common_headers(self, values, links):
        linkset = f"{self._get_page_url(values)}?linkType=linkset"
        return [
            ("Cache-Control", CACHE_CONTROL),
            ("Vary", VARY),
            ("Link", f'<{linkset}>; rel="linkset"; type="{LINKSET_MIMETYPE}"'),
        ]

    def _render(self, template, values, status=200, headers=()):
        """``template`` rendered with ``values`` only: the pages need no user, company or request in their
        context (reading them would cost queries on every scan)."""
        html = request.env["ir.qweb"].with_context(minimal_qcontext=True)._render(template, values)
        return request.make_response(
            html, headers=[("Content-Type", "text/html; charset=utf-8"), *headers], status=status
        )

    def _page_response(self, values, links):
        return self._render(
            "lot_traceability_recall.gs1_resolver_page",
            {"item": values, "links": links, "lang": request.env.lang},
            headers=self._common_headers(values, links),
        )

    def _linkset_response(self, values, links):
        """RFC 9264 linkset (JSON), relation types as GS1 Web Vocabulary URIs."""
        context = {"anchor": self._get_page_url(values), "itemDescription": values["product_name"]}
        for link in links:
            target = {"href": link["href"], "title": link["title"], "type": link["type"]}
            if link["lang"]:
                target["hreflang"] = [link["lang"]]
            context.setdefault(GS1_VOC + link["rel"].partition(":")[2], []).append(target)
        body = json.dumps({"linkset": [context]}, ensure_ascii=False)
        headers = self._common_headers(values, links)
        headers.append(("Content-Type", f"{LINKSET_MIMETYPE}; charset=utf-8"))
        return request.make_response(body, headers=headers)

    def _error_response(self, error):
        """The same page for every unknown product or lot, whatever the reason: a guesser learns nothing."""
        return self._render(
            "lot_traceability_recall.gs1_resolver_error_page",
            {"status": error.status, "message": error.message, "lang": request.env.lang},
            status=error.status,
            headers=[("Cache-Control", "no-store")],
        )
