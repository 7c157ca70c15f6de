from odoo import api, fields, models
from odoo.addons.lot_traceability.tools import gs1
from odoo.tools import SQL

from .stock_lot_recall import OPEN_RECALL_STATES

# Recalled lot names listed on a product's page (scanned without a lot): enough to compare with a pack.
MAX_RECALLED_LOTS_SHOWN = 50


class ProductTemplate(models.Model):
    _inherit = "product.template"

    gs1_resolver_published = fields.Boolean(
        "Published on the GS1 Resolver",
        default=True,
        help="A scan of this product's GS1 Digital Link (the QR code of its lot labels) opens its public page, "
        "when its company publishes lots on the resolver (Inventory settings). Off: the scan answers 'not found'.",
    )
    gs1_link_ids = fields.One2many(
        "product.gs1.link",
        "product_tmpl_id",
        "GS1 Resolver Links",
        copy=True,
        help="Public links of the product offered to whoever scans it (product page, instructions, "
        "certificates...), by GS1 link type.",
    )


class ProductProduct(models.Model):
    _inherit = "product.product"

    # ------------------------------------------------------------------
    # GS1 Digital Link resolver: what anyone who scans a label may see
    # ------------------------------------------------------------------

    @api.model
    def _get_gs1_resolver_company_ids(self):
        """Companies that publish their lots on the GS1 resolver."""
        return self.env["res.company"].sudo().search([("gs1_resolver_published", "=", True)]).ids

    @api.model
    def _find_gs1_resolver_product(self, gtin, company_ids):
        """The published product whose barcode is ``gtin`` (14 digits), sudoed, or an empty recordset."""
        return (
            self.sudo()
            .with_context(active_test=True)
            .search_fetch(
                [
                    ("barcode", "in", gs1.gtin_barcodes(gtin)),
                    ("product_tmpl_id.gs1_resolver_published", "=", True),
                    ("company_id", "in", [*company_ids, False]),
                ],
                ["barcode", "company_id", "product_tmpl_id", "display_name"],
                order="company_id, id",
                limit=1,
            )
        )

    @api.model
    def _get_gs1_resolver_values(self, gtin, lot_name=None, serial=None):
        """The public facts of a scanned GS1 Digital Link, or None when nothing may be shown.

        ``gtin`` is a valid 14-digit GTIN; ``lot_name`` (AI 10) and ``serial`` (AI 21) as scanned. Answers
        only for products and lots of companies that publish on the resolver; a lot name that exists for
        another product, or in a company that does not publish, answers None as an unknown one does, after
        the same queries. The result is plain data (no records), so that a template can show nothing else:
        product name, lot or serial, dates, recall status, public instructions and links.
        """
        company_ids = self._get_gs1_resolver_company_ids()
        product = self._find_gs1_resolver_product(gtin, company_ids) if company_ids else self.browse()
        # A serial-tracked product's lots are its serial numbers (AI 21); others are batches (AI 10).
        wanted = serial if serial and product.tracking == "serial" else lot_name
        if not product or ((lot_name or serial) and not wanted):
            return None
        values = {
            "gtin": gtin,
            "product_id": product.id,
            "product_name": product.with_context(display_default_code=False).display_name,
            "lot": False,
            # The AI of the lot in the canonical link: serial-tracked products are identified by AI 21.
            "lot_ai": "21" if product.tracking == "serial" else "10",
            "serial": serial or False,
            "expiration_date": False,
            "use_date": False,
            "recall": False,
            "recalled_lots": [],
            "links": [],
        }
        if wanted:
            lot = (
                self.env["stock.lot"]
                .sudo()
                .search_fetch(
                    [
                        ("product_id", "=", product.id),
                        ("name", "=", wanted),
                        ("company_id", "in", [*company_ids, False]),
                    ],
                    ["name", "expiration_date", "use_date"],
                    order="company_id, id",
                    limit=1,
                )
            )
            if not lot:
                return None
            values.update(
                lot=lot.name,
                expiration_date=lot.expiration_date and fields.Datetime.context_timestamp(lot, lot.expiration_date),
                use_date=lot.use_date and fields.Datetime.context_timestamp(lot, lot.use_date),
                recall=self._get_gs1_resolver_recall(lot, company_ids),
            )
        else:
            values["recalled_lots"] = self._get_gs1_resolver_recalled_lots(product, company_ids)
            if values["recalled_lots"]:
                values["recall"] = self._get_gs1_resolver_recall(
                    self.env["stock.lot"]
                    .sudo()
                    .search([("product_id", "=", product.id), ("name", "in", values["recalled_lots"])]),
                    company_ids,
                )
        values["links"] = self._get_gs1_resolver_links(product, values)
        return values

    @api.model
    def _get_gs1_resolver_recall(self, lots, company_ids):
        """Public facts of the latest open (confirmed, not mock) recall of a published company covering
        ``lots``: class, date, the company's public instructions and contact. Never the reason, the
        customers or the quantities."""
        if not lots:
            return False
        recall = (
            self.env["stock.lot.recall"]
            .sudo()
            .search_fetch(
                [
                    ("affected_lot_ids", "in", lots.ids),
                    ("is_mock", "=", False),
                    ("state", "in", OPEN_RECALL_STATES),
                    ("company_id", "in", company_ids),
                ],
                ["fda_class", "date_confirmed", "company_id"],
                order="date_confirmed desc, id desc",
                limit=1,
            )
        )
        if not recall:
            return False
        company = recall.company_id
        return {
            "fda_class": recall.fda_class or False,
            "fda_class_label": recall.fda_class and self._get_fda_class_label(recall),
            "date": recall.date_confirmed and fields.Datetime.context_timestamp(recall, recall.date_confirmed),
            "company": company.name,
            "instructions": company.gs1_resolver_recall_instructions or False,
            "contact": company.gs1_resolver_contact or False,
        }

    @api.model
    def _get_fda_class_label(self, recall):
        """The recall's FDA class as its selection shows it, in the visitor's language."""
        selection = dict(recall._fields["fda_class"]._description_selection(self.env))
        return selection.get(recall.fda_class)

    @api.model
    def _get_gs1_resolver_recalled_lots(self, product, company_ids):
        """Names of ``product``'s lots under an open recall of a published company (for a scan without lot)."""
        self.env["stock.lot.recall"].flush_model(["affected_lot_ids", "is_mock", "state", "company_id"])
        self.env["stock.lot"].flush_model(["name", "product_id", "company_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT lot.name
                  FROM stock_lot_recall_affected_lot_rel rel
                  JOIN stock_lot_recall recall ON recall.id = rel.recall_id
                  JOIN stock_lot lot ON lot.id = rel.lot_id
                 WHERE lot.product_id = %(product)s
                   AND (lot.company_id IS NULL OR lot.company_id = ANY(%(companies)s))
                   AND recall.company_id = ANY(%(companies)s)
                   AND recall.is_mock IS NOT TRUE
                   AND recall.state IN %(states)s
                 ORDER BY lot.name
                 LIMIT %(limit)s
                """,
                product=product.id,
                companies=company_ids,
                states=OPEN_RECALL_STATES,
                limit=MAX_RECALLED_LOTS_SHOWN,
            )
        )
        return [name for (name,) in rows]

    @api.model
    def _get_gs1_resolver_links(self, product, values):
        """Public links of the product (``product.gs1.link``) as dicts ``link_type, url, title, lang``.

        Hook: an addon that can publish more (e.g. a certificate of analysis of the lot, as
        ``gs1:certificationInfo``) adds its links here; ``values`` are the page's facts.
        """
        links = (
            self.env["product.gs1.link"]
            .sudo()
            .search_fetch([("product_tmpl_id", "=", product.product_tmpl_id.id)], ["link_type", "url", "title", "lang"])
        )
        return [
            {"link_type": link.link_type, "url": link.url, "title": link.title, "lang": link.lang or False}
            for link in links
        ]
