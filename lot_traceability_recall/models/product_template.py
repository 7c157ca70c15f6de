import pytz

from odoo import api, fields, models
from odoo.addons.lot_traceability.tools import gs1
from odoo.exceptions import UserError
from odoo.tools import SQL

from .stock_lot_recall import OPEN_RECALL_STATES

# Recalls a scan shows: open ones first, then closed ones (the lot was recalled: units out there still are).
PUBLIC_RECALL_STATES = (*OPEN_RECALL_STATES, "closed")

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
    #
    # Every scan reads through here, under load (README, "GS1 resolver": its load test), so a page is
    # two queries: the product (with what the page needs of it), then the lot with the open recall that
    # covers it, or the product's recalled lots; a third one only when the product has links of its own.
    # The publishing companies are cached (res.company._get_gs1_resolver_company_ids).
    # ------------------------------------------------------------------

    @api.model
    def _get_gs1_resolver_company_ids(self):
        """Companies that publish their lots on the GS1 resolver (a list of ids)."""
        return list(self.env["res.company"]._get_gs1_resolver_company_ids())

    @api.model
    def _find_gs1_resolver_product(self, gtin, company_ids):
        """The published product whose barcode is ``gtin`` (14 digits), sudoed, or an empty recordset."""
        row = self._get_gs1_resolver_product_row(gtin, company_ids)
        return self.sudo().browse(row["id"] if row else ())

    @api.model
    def _get_gs1_resolver_product_row(self, gtin, company_ids):
        """The published, active product of barcode ``gtin`` (as GTIN-14, -13, -12 or -8) of a publishing
        company or none, as a dict: ``id``, ``product_tmpl_id``, ``tracking``, ``name`` (in the visitor's
        language), ``has_links``, ``has_variant_values`` and ``tz`` (the visitor's time zone as
        ``fields.Datetime.context_timestamp`` takes it: the context's, else the user's), or None."""
        if not company_ids:
            return None
        self.env["product.product"].flush_model(["active", "barcode", "product_tmpl_id"])
        self.env["product.template"].flush_model(["company_id", "gs1_resolver_published", "name", "tracking"])
        self.env["product.gs1.link"].flush_model(["product_tmpl_id"])
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT product.id,
                       product.product_tmpl_id,
                       template.tracking,
                       COALESCE(template.name->>%(lang)s, template.name->>'en_US') AS name,
                       EXISTS(SELECT 1 FROM product_gs1_link link WHERE link.product_tmpl_id = template.id)
                           AS has_links,
                       EXISTS(SELECT 1 FROM product_variant_combination combination
                               WHERE combination.product_product_id = product.id) AS has_variant_values,
                       (SELECT partner.tz FROM res_users visitor
                          JOIN res_partner partner ON partner.id = visitor.partner_id
                         WHERE visitor.id = %(uid)s) AS tz
                  FROM product_product product
                  JOIN product_template template ON template.id = product.product_tmpl_id
                  LEFT JOIN res_company company ON company.id = template.company_id
                 WHERE product.barcode = ANY(%(barcodes)s)
                   AND product.active
                   AND template.gs1_resolver_published
                   AND (template.company_id IS NULL OR template.company_id = ANY(%(companies)s))
                 ORDER BY company.sequence, company.name, product.id
                 LIMIT 1
                """,
                lang=self.env.lang or "en_US",
                uid=self.env.uid,
                barcodes=list(gs1.gtin_barcodes(gtin)),
                companies=list(company_ids),
            )
        )
        if not rows:
            return None
        row = rows[0]
        row["tz"] = self.env.context.get("tz") or row["tz"]
        return row

    @api.model
    def _get_gs1_resolver_values(self, gtin, lot_name=None, serial=None):
        """The public facts of a scanned GS1 Digital Link, or None when nothing may be shown.

        ``gtin`` is a valid 14-digit GTIN; ``lot_name`` (AI 10) and ``serial`` (AI 21) as scanned. Answers
        only for products and lots of companies that publish on the resolver; a lot name that exists for
        another product, or in a company that does not publish, answers None as an unknown one does, after
        the same queries. The result is plain data (no records), so that a template can show nothing else:
        product name, lot or serial, dates, recall status, public instructions and links.
        """
        self._check_gs1_resolver_arguments(gtin, lot_name, serial)
        company_ids = self._get_gs1_resolver_company_ids()
        product = self._get_gs1_resolver_product_row(gtin, company_ids)
        if not product:
            return None
        # A serial-tracked product's lots are its serial numbers (AI 21); others are batches (AI 10).
        wanted = serial if serial and product["tracking"] == "serial" else lot_name
        if (lot_name or serial) and not wanted:
            return None
        name = product["name"]
        if product["has_variant_values"]:  # "Shirt (Red, XL)": the ORM knows which values name a variant
            name = self.sudo().browse(product["id"]).with_context(display_default_code=False).display_name
        values = {
            "gtin": gtin,
            "product_id": product["id"],
            "product_tmpl_id": product["product_tmpl_id"],
            "product_name": name,
            "has_links": product["has_links"],
            "lot": False,
            # The AI of the lot in the canonical link: serial-tracked products are identified by AI 21.
            "lot_ai": "21" if product["tracking"] == "serial" else "10",
            "serial": serial or False,
            "batch": False,  # the batch (AI 10) of a serial in a production batch
            "expiration_date": False,
            "use_date": False,
            "recall": False,
            "recalled_lots": [],
            "links": [],
        }
        tz = product["tz"]
        if wanted:
            lot = self._get_gs1_resolver_lot_row(product["id"], wanted, company_ids)
            if not lot:
                return None
            # Serials in batches: /10/{batch}/21/{serial} names a serial of that batch only; /10/{batch} a batch.
            if serial and lot_name and lot["batch_name"] and lot["batch_name"] != lot_name:
                return None
            if lot["is_batch"]:
                values["lot_ai"] = "10"
            values["batch"] = lot["batch_name"] or False
            values.update(
                lot=lot["name"],
                expiration_date=self._get_gs1_resolver_timestamp(lot["expiration_date"], tz),
                use_date=self._get_gs1_resolver_timestamp(lot["use_date"], tz),
                recall=self._get_gs1_resolver_recall_values(lot, tz),
            )
        else:
            recalled = self._get_gs1_resolver_recalled_lots_row(product["id"], company_ids)
            values.update(
                recalled_lots=recalled["names"] or [],
                recall=self._get_gs1_resolver_recall_values(recalled, tz),
            )
        values["links"] = self._get_gs1_resolver_links(self.sudo().browse(product["id"]), values)
        return values

    @api.model
    def _check_gs1_resolver_arguments(self, gtin, lot_name, serial):
        if not isinstance(gtin, str) or len(gtin) != 14 or not gs1.DIGITS.fullmatch(gtin):
            raise UserError(self.env._("Give the GTIN as a string of 14 digits, not %(gtin)s.", gtin=repr(gtin)[:60]))
        for value in (lot_name, serial):
            if value not in (None, False) and not isinstance(value, str):
                raise UserError(
                    self.env._("Give the lot or serial number as text, not %(value)s.", value=repr(value)[:60])
                )

    @api.model
    def _get_gs1_resolver_recall_sql(self, lot_ids_sql, company_ids):
        """The SQL of the latest real recall (not mock) of a publishing company covering a lot of
        ``lot_ids_sql`` (one ``lot_id`` column), open or else closed (a closed recall still covers the units
        out there; a cancelled one never was): its public facts only, the company's text in the visitor's
        language. Never the reason, the customers or the quantities."""
        self.env["stock.lot.recall"].flush_model(
            ["affected_lot_ids", "company_id", "date_closed", "date_confirmed", "fda_class", "is_mock", "state"]
        )
        self.env["res.company"].flush_model(["gs1_resolver_contact", "gs1_resolver_recall_instructions", "name"])
        return SQL(
            """
            SELECT recall.fda_class,
                   recall.date_confirmed,
                   recall.state = 'closed' AS recall_closed,
                   recall.date_closed,
                   recall_company.name AS recall_company,
                   recall_company.gs1_resolver_contact AS recall_contact,
                   COALESCE(recall_company.gs1_resolver_recall_instructions->>%(lang)s,
                            recall_company.gs1_resolver_recall_instructions->>'en_US') AS recall_instructions
              FROM stock_lot_recall recall
              JOIN res_company recall_company ON recall_company.id = recall.company_id
             WHERE recall.id IN (SELECT rel.recall_id FROM stock_lot_recall_affected_lot_rel rel
                                  WHERE rel.lot_id IN (%(lot_ids)s))
               AND recall.is_mock IS NOT TRUE
               AND recall.state IN %(states)s
               AND recall.company_id = ANY(%(companies)s)
             ORDER BY recall.state = 'closed', recall.date_confirmed DESC, recall.id DESC
             LIMIT 1
            """,
            lang=self.env.lang or "en_US",
            lot_ids=lot_ids_sql,
            states=PUBLIC_RECALL_STATES,
            companies=list(company_ids),
        )

    @api.model
    def _get_gs1_resolver_lot_row(self, product_id, lot_name, company_ids):
        """The lot ``lot_name`` of the product, of a publishing company or none, with the open recall covering
        it (columns of ``_get_gs1_resolver_recall_sql``, all null when none), as a dict, or None."""
        self.env["stock.lot"].flush_model(
            ["batch_id", "company_id", "expiration_date", "is_batch", "name", "product_id", "use_date"]
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT lot.name, lot.expiration_date, lot.use_date, lot.is_batch, batch.name AS batch_name,
                       latest_recall.*
                  FROM stock_lot lot
                  LEFT JOIN res_company company ON company.id = lot.company_id
                  LEFT JOIN stock_lot batch ON batch.id = lot.batch_id
                  LEFT JOIN LATERAL (%(recall)s) latest_recall ON TRUE
                 WHERE lot.product_id = %(product)s
                   AND lot.name = %(name)s
                   AND (lot.company_id IS NULL OR lot.company_id = ANY(%(companies)s))
                 ORDER BY company.sequence, company.name, lot.id
                 LIMIT 1
                """,
                # A batch of serials is recalled when any serial in it is.
                recall=self._get_gs1_resolver_recall_sql(
                    SQL(
                        "SELECT lot.id UNION ALL SELECT serial.id FROM stock_lot serial WHERE serial.batch_id = lot.id"
                    ),
                    company_ids,
                ),
                product=product_id,
                name=lot_name,
                companies=list(company_ids),
            )
        )
        return rows[0] if rows else None

    @api.model
    def _get_gs1_resolver_recalled_lots_row(self, product_id, company_ids):
        """For a scan without lot: ``names``, the names of the product's lots (of publishing companies or none)
        under a real recall of a publishing company, open or closed, sorted, at most MAX_RECALLED_LOTS_SHOWN,
        and the latest such recall of those lots (columns of ``_get_gs1_resolver_recall_sql``, null when none)."""
        self.env["stock.lot"].flush_model(["company_id", "name", "product_id"])
        recall_sql = self._get_gs1_resolver_recall_sql(SQL("SELECT recalled.id FROM recalled"), company_ids)
        return self.env.execute_query_dict(
            SQL(
                """
                WITH recalled AS (
                    SELECT lot.id, lot.name
                      FROM stock_lot lot
                     WHERE lot.product_id = %(product)s
                       AND (lot.company_id IS NULL OR lot.company_id = ANY(%(companies)s))
                       AND lot.name IN (
                            SELECT DISTINCT named.name
                              FROM stock_lot named
                              JOIN stock_lot_recall_affected_lot_rel rel ON rel.lot_id = named.id
                              JOIN stock_lot_recall recall ON recall.id = rel.recall_id
                             WHERE named.product_id = %(product)s
                               AND (named.company_id IS NULL OR named.company_id = ANY(%(companies)s))
                               AND recall.company_id = ANY(%(companies)s)
                               AND recall.is_mock IS NOT TRUE
                               AND recall.state IN %(states)s
                             ORDER BY named.name
                             LIMIT %(limit)s
                       )
                )
                SELECT (SELECT array_agg(DISTINCT recalled.name ORDER BY recalled.name) FROM recalled) AS names,
                       latest_recall.*
                  FROM (SELECT 1) AS one
                  LEFT JOIN LATERAL (%(recall)s) latest_recall ON TRUE
                """,
                product=product_id,
                companies=list(company_ids),
                states=PUBLIC_RECALL_STATES,
                limit=MAX_RECALLED_LOTS_SHOWN,
                recall=recall_sql,
            )
        )[0]

    @api.model
    def _get_gs1_resolver_recall_values(self, row, tz):
        """The public facts of the recall in ``row`` (columns of ``_get_gs1_resolver_recall_sql``), or False."""
        if not row["recall_company"]:
            return False
        fda_class = row["fda_class"]
        selection = dict(self.env["stock.lot.recall"]._fields["fda_class"]._description_selection(self.env))
        return {
            "fda_class": fda_class or False,
            "fda_class_label": fda_class and selection.get(fda_class),
            "date": self._get_gs1_resolver_timestamp(row["date_confirmed"], tz),
            "closed": bool(row["recall_closed"]),
            "date_closed": self._get_gs1_resolver_timestamp(row["date_closed"], tz),
            "company": row["recall_company"],
            "instructions": row["recall_instructions"] or False,
            "contact": row["recall_contact"] or False,
        }

    @api.model
    def _get_gs1_resolver_timestamp(self, value, tz):
        """``value`` (naive UTC) in the time zone ``tz``, as ``fields.Datetime.context_timestamp`` gives it."""
        if not value:
            return False
        utc_value = pytz.utc.localize(value, is_dst=False)
        try:
            return utc_value.astimezone(pytz.timezone(tz)) if tz else utc_value
        except pytz.UnknownTimeZoneError:
            return utc_value

    @api.model
    def _get_gs1_resolver_links(self, product, values):
        """Public links of the product (``product.gs1.link``) as dicts ``link_type, url, title, lang``.

        Hook: an addon that can publish more (e.g. a certificate of analysis of the lot, as
        ``gs1:certificationInfo``) adds its links here; ``values`` are the page's facts (``has_links``: the
        product has links of its own; none read otherwise).
        """
        if not values.get("has_links"):
            return []
        links = (
            self.env["product.gs1.link"]
            .sudo()
            .search_fetch([("product_tmpl_id", "=", values["product_tmpl_id"])], ["link_type", "url", "title", "lang"])
        )
        return [
            {"link_type": link.link_type, "url": link.url, "title": link.title, "lang": link.lang or False}
            for link in links
        ]
