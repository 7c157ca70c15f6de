from datetime import UTC, datetime

from odoo import api, models
from odoo.tools import SQL

from ..tools import epcis
from ..tools.fsma204 import Fsma204Writer

# Columns of the event query, in order (see _get_event_query).
EVENT_COLUMNS = (
    "line_id",
    "date_utc",
    "date_local",
    "event",
    "from_usage",
    "to_usage",
    "lot_id",
    "lot_name",
    "product_id",
    "quantity",
    "uom_id",
    "partner_id",
    "warehouse_id",
    "company_id",
    "picking_name",
    "move_reference",
    "purchase_name",
    "sale_name",
    "production_name",
    "unbuild_name",
    "source_warehouse_id",
    "lot_company_id",
    "expiration_date",
    "production_date",
    "inputs",
    "supplier_lot_id",
    "source_sscc",
    "result_sscc",
)
(
    LINE_ID,
    DATE_UTC,
    DATE_LOCAL,
    EVENT,
    FROM_USAGE,
    TO_USAGE,
    LOT_ID,
    LOT_NAME,
    PRODUCT_ID,
    QUANTITY,
    UOM_ID,
    PARTNER_ID,
    WAREHOUSE_ID,
    COMPANY_ID,
    PICKING_NAME,
    MOVE_REFERENCE,
    PURCHASE_NAME,
    SALE_NAME,
    PRODUCTION_NAME,
    UNBUILD_NAME,
    SOURCE_WAREHOUSE_ID,
    LOT_COMPANY_ID,
    EXPIRATION_DATE,
    PRODUCTION_DATE,
    INPUTS,
    SUPPLIER_LOT_ID,
    SOURCE_SSCC,  # the SSCC of the package the goods left (None: no package or no SSCC)
    RESULT_SSCC,  # the SSCC of the package the goods went in
) = range(len(EVENT_COLUMNS))
# Input lots of a transformation, as the query returns them: [lot name, quantity, uom id, product id, supplier
# lot id (a lot received under its supplier's code, see SUPPLIER_LOT_ID)].
INPUT_LOT, INPUT_QUANTITY, INPUT_UOM, INPUT_PRODUCT, INPUT_SUPPLIER_LOT = range(5)
# EPCIS quantities carry a UN/ECE Recommendation 20 unit code; counted units carry none.
UNECE_UOM_CODES = {
    "kg": "KGM",
    "g": "GRM",
    "t": "TNE",
    "lb": "LBR",
    "oz": "ONZ",
    "L": "LTR",
    "ml": "MLT",
    "m³": "MTQ",
    "gal (US)": "GLL",
    "fl oz (US)": "OZA",
    "m": "MTR",
}


class ExportLookups:
    """Names, addresses, GLNs and GTINs the rows refer to, read in one query per batch for the ids
    not seen yet (never one query per row): memory grows with distinct partners, warehouses,
    products and supplier lots, not with rows."""

    def __init__(self, env, params):
        self.env = env
        self.lang = params["lang"]
        self.partners = {}
        self.warehouses = {}
        self.products = {}
        self.supplier_lots = {}
        self.companies = {}
        self.missing_addresses = {}
        self.sites = {}
        self.no_address = env._("%(name)s (no address on record)")
        env.cr.execute(
            SQL("SELECT id, COALESCE(name->>%s, name->>'en_US'), name->>'en_US' FROM uom_uom", self.lang),
        )
        self.uoms = {}
        self.uom_codes = {}
        for uom_id, name, english_name in env.cr.fetchall():
            self.uoms[uom_id] = name
            if english_name in UNECE_UOM_CODES:
                self.uom_codes[uom_id] = UNECE_UOM_CODES[english_name]
        self._load_companies()

    def _load_companies(self):
        self.env.cr.execute(
            "SELECT c.id, c.partner_id, c.name, c.lot_traceability_gs1_prefix_length FROM res_company c",
        )
        rows = self.env.cr.fetchall()
        self._load_partners({row[1] for row in rows})
        for company_id, partner_id, name, prefix_length in rows:
            self.companies[company_id] = {"partner_id": partner_id, "name": name, "prefix_length": prefix_length or 7}

    def prefetch(self, rows):
        partner_ids, warehouse_ids, product_ids, supplier_lot_ids = set(), set(), set(), set()
        for row in rows:
            partner_ids.add(row[PARTNER_ID])
            warehouse_ids.add(row[WAREHOUSE_ID])
            warehouse_ids.add(row[SOURCE_WAREHOUSE_ID])
            product_ids.add(row[PRODUCT_ID])
            supplier_lot_ids.add(row[SUPPLIER_LOT_ID])
            for item in row[INPUTS] or ():
                product_ids.add(item[INPUT_PRODUCT])
                supplier_lot_ids.add(item[INPUT_SUPPLIER_LOT])
        self._load_warehouses(warehouse_ids - self.warehouses.keys() - {None})
        self._load_supplier_lots(supplier_lot_ids - self.supplier_lots.keys() - {None})
        self._load_partners(partner_ids - self.partners.keys() - {None})
        self._load_products(product_ids - self.products.keys())

    def _load_partners(self, ids):
        if not ids:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, COALESCE(p.complete_name, p.name), p.street, p.street2, p.zip, p.city,
                       s.name, COALESCE(c.name->>%(lang)s, c.name->>'en_US'), p.lot_traceability_gln
                  FROM res_partner p
             LEFT JOIN res_country_state s ON s.id = p.state_id
             LEFT JOIN res_country c ON c.id = p.country_id
                 WHERE p.id = ANY(%(ids)s)
                """,
                lang=self.lang,
                ids=list(ids),
            )
        )
        for partner_id, name, street, street2, zip_code, city, state, country, gln in self.env.cr.fetchall():
            city_line = " ".join(part for part in (zip_code, city) if part)
            has_address = bool(street or city_line)
            address = ", ".join(part for part in (name, street, street2, city_line, state, country) if part)
            self.partners[partner_id] = {
                "name": name or "",
                "address": address,
                "has_address": has_address,
                # what a cell shows: the address, or the name and that it has none
                "text": address if has_address else self.no_address % {"name": name or ""},
                "gln": epcis.gln13(gln),
            }

    def _load_warehouses(self, ids):
        if not ids:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT w.id, w.name, COALESCE(w.partner_id, c.partner_id), w.lot_traceability_gln, w.company_id
                  FROM stock_warehouse w JOIN res_company c ON c.id = w.company_id
                 WHERE w.id = ANY(%s)
                """,
                list(ids),
            )
        )
        rows = self.env.cr.fetchall()
        self._load_partners({row[2] for row in rows} - self.partners.keys())
        for warehouse_id, name, partner_id, gln, company_id in rows:
            self.warehouses[warehouse_id] = {
                "name": name,
                "partner_id": partner_id,
                "gln": epcis.gln13(gln) or self.partners[partner_id]["gln"],
                "company_id": company_id,
            }

    def _load_supplier_lots(self, ids):
        """The supplier's lot code of received lots (their FSMA 204 TLC), its source and the supplier's GTIN."""
        if not ids:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id, name, partner_id, gtin, tlc_source_reference FROM stock_supplier_lot WHERE id = ANY(%s)",
                list(ids),
            )
        )
        rows = self.env.cr.fetchall()
        self._load_partners({row[2] for row in rows} - self.partners.keys())
        for supplier_lot_id, name, partner_id, gtin, reference in rows:
            self.supplier_lots[supplier_lot_id] = {
                "name": name,
                "partner_id": partner_id,
                "gtin": epcis.gtin14(gtin),
                "reference": (reference or "").strip(),
            }

    def _load_products(self, ids):
        if not ids:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT pp.id, pp.default_code, COALESCE(pt.name->>%(lang)s, pt.name->>'en_US'), pp.barcode
                  FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.id = ANY(%(ids)s)
                """,
                lang=self.lang,
                ids=list(ids),
            )
        )
        for product_id, code, name, barcode in self.env.cr.fetchall():
            self.products[product_id] = {
                "description": f"[{code}] {name}" if code else name,
                "gtin": epcis.gtin14(barcode),
                "id": product_id,
            }

    # Our side of an event: the warehouse's address, else the company's.
    def site_partner(self, warehouse_id, company_id):
        if warehouse_id in self.warehouses:
            return self.warehouses[warehouse_id]["partner_id"]
        return self.companies[company_id]["partner_id"]

    def site_gln(self, warehouse_id, company_id):
        if warehouse_id in self.warehouses:
            return self.warehouses[warehouse_id]["gln"]
        return self.partners[self.companies[company_id]["partner_id"]]["gln"]

    def address(self, partner_id, fallback):
        """Business name and address of a partner; a missing address is said in the cell and
        collected for the job's warnings."""
        partner = self.partners.get(partner_id)
        if partner is None:
            self.missing_addresses[fallback] = None
            return fallback
        if not partner["has_address"]:
            self.missing_addresses[partner["name"]] = None
        return partner["text"]

    def supplier_tlc(self, supplier_lot_id, fallback):
        """(TLC, TLC source, supplier name) of a lot received under its supplier's lot code: the code the
        supplier assigned, where it assigned it (its TLC source reference, else its business name and
        address)."""
        supplier_lot = self.supplier_lots[supplier_lot_id]
        source = supplier_lot["reference"] or self.address(supplier_lot["partner_id"], fallback)
        return supplier_lot["name"], source, self.partners[supplier_lot["partner_id"]]["name"]

    def site_address(self, warehouse_id, company_id, fallback):
        """Business name and address of our site of an event (cached per warehouse and company)."""
        key = (warehouse_id, company_id)
        if key not in self.sites:
            self.sites[key] = self.site_partner(warehouse_id, company_id)
        return self.address(self.sites[key], fallback)


class LotTraceabilityExport(models.Model):
    """The rows of the FSMA 204 and EPCIS exports: critical tracking events read from done move
    lines in one SQL query, streamed."""

    _inherit = "lot.traceability.export"

    # ------------------------------------------------------------------
    # The event query
    # ------------------------------------------------------------------

    @api.model
    def _get_event_query(self, params):
        """One row per critical tracking event (``EVENT_COLUMNS``), ordered by date:

        - receiving: a done lot line from a supplier (or a customer: a return) into stock;
        - shipping: from stock to a customer (or back to a supplier);
        - transformation: a lot produced by a manufacturing order (inputs: the component lines the
          finished line consumed) or recovered by an unbuild order (input: the unbuilt lot).
        """
        conditions = [
            SQL("sml.state = 'done'"),
            SQL("sml.lot_id IS NOT NULL"),
            SQL("sml.company_id = ANY(%s)", params["company_ids"]),
            SQL(
                """(
                    (src.usage IN ('supplier', 'customer') AND dst.usage = 'internal')
                 OR (src.usage = 'internal' AND dst.usage IN ('customer', 'supplier'))
                 OR (src.usage = 'production' AND dst.usage = 'internal' AND EXISTS (
                        SELECT 1 FROM stock_move m
                         WHERE m.id = sml.move_id AND (m.production_id IS NOT NULL OR m.unbuild_id IS NOT NULL)))
                )"""
            ),
        ]
        with_source = params.get("export_type") != "epcis"
        start, end = self._get_period_bounds(params)
        if start:
            conditions.append(SQL("sml.date >= %s", start))
        if end:
            conditions.append(SQL("sml.date < %s", end))
        lot_ids = self._get_export_lot_ids(params)
        if lot_ids is not None:
            conditions.append(
                SQL(
                    """(sml.lot_id = ANY(%(lots)s) OR EXISTS (
                        SELECT 1 FROM stock_move_line_consume_rel rel
                          JOIN stock_move_line component ON component.id = rel.produce_line_id
                         WHERE rel.consume_line_id = sml.id AND component.lot_id = ANY(%(lots)s))
                    OR EXISTS (
                        SELECT 1 FROM stock_move m
                          JOIN stock_move unbuilt ON unbuilt.unbuild_id = m.unbuild_id AND unbuilt.id != m.id
                          JOIN stock_move_line unbuilt_line ON unbuilt_line.move_id = unbuilt.id
                         WHERE m.id = sml.move_id AND m.unbuild_id IS NOT NULL
                           AND unbuilt_line.lot_id = ANY(%(lots)s)))""",
                    lots=lot_ids,
                )
            )
        if params["product_ids"]:
            conditions.append(SQL("sml.product_id = ANY(%s)", params["product_ids"]))
        if params["ftl_only"]:
            conditions.append(SQL("pt.lot_traceability_ftl"))
        # The events are chosen and sorted on narrow rows first (one scan of the move lines, one sort;
        # their moves are only read for lines out of production); the moves, names, documents and
        # inputs of each are then read by index lookups in a nested loop (the LATERAL
        # subqueries, kept from being flattened into hash joins by OFFSET 0), which keeps that order:
        # no second sort of wide rows, and rows stream out while PostgreSQL still reads the next ones
        # (a final sort made the export wait for the whole result before its first row).
        return SQL(
            """
            SELECT e.id,
                   e.date,
                   (e.date AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s,
                   CASE WHEN e.from_usage IN ('supplier', 'customer') THEN 'receiving'
                        WHEN e.to_usage IN ('customer', 'supplier') THEN 'shipping'
                        ELSE 'transformation' END,
                   e.from_usage,
                   e.to_usage,
                   e.lot_id,
                   docs.lot_name,
                   e.product_id,
                   e.quantity,
                   e.product_uom_id,
                   COALESCE(docs.picking_partner_id, docs.move_partner_id),
                   COALESCE(e.warehouse_id, docs.picking_type_warehouse_id),
                   e.company_id,
                   docs.picking_name,
                   docs.reference,
                   docs.purchase_name,
                   docs.sale_name,
                   docs.production_name,
                   docs.unbuild_name,
                   docs.source_warehouse_id,
                   COALESCE(docs.lot_company_id, e.company_id),
                   docs.expiration_date,
                   docs.production_date,
                   inputs.items,
                   docs.supplier_lot_id,
                   docs.source_sscc,
                   docs.result_sscc
              FROM (
                SELECT sml.id, sml.date, sml.lot_id, sml.product_id, sml.quantity, sml.product_uom_id,
                       sml.company_id, sml.picking_id, sml.move_id, src.usage AS from_usage, dst.usage AS to_usage,
                       sml.package_id, sml.result_package_id,
                       COALESCE(CASE WHEN dst.usage = 'internal' THEN dst.warehouse_id END, src.warehouse_id)
                           AS warehouse_id
                  FROM stock_move_line sml
                  JOIN stock_location src ON src.id = sml.location_id
                  JOIN stock_location dst ON dst.id = sml.location_dest_id
                  JOIN product_product pp ON pp.id = sml.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE %(where)s
              ORDER BY sml.date, sml.id
                       %(limit)s
              ) e
        CROSS JOIN LATERAL (
                SELECT m.partner_id AS move_partner_id, m.reference, m.unbuild_id, pt_type.warehouse_id
                       AS picking_type_warehouse_id, lot.name AS lot_name, lot.company_id AS lot_company_id,
                       lot.expiration_date, lot.production_date, p.name AS picking_name,
                       -- a lot we did not make, received under its supplier's lot code
                       CASE WHEN lot.origin_production_id IS NULL THEN lot.supplier_lot_id END AS supplier_lot_id,
                       p.partner_id AS picking_partner_id,
                       po.name AS purchase_name, so.name AS sale_name, mo.name AS production_name,
                       ub.name AS unbuild_name,
                       %(source_warehouse)s AS source_warehouse_id,
                       source_package.sscc AS source_sscc, result_package.sscc AS result_sscc
                  FROM stock_move m
                  JOIN stock_lot lot ON lot.id = e.lot_id
             LEFT JOIN stock_quant_package source_package ON source_package.id = e.package_id
             LEFT JOIN stock_quant_package result_package ON result_package.id = e.result_package_id
             LEFT JOIN stock_picking_type pt_type ON pt_type.id = m.picking_type_id
             LEFT JOIN stock_picking p ON p.id = e.picking_id
             LEFT JOIN purchase_order_line pol ON pol.id = m.purchase_line_id
             LEFT JOIN purchase_order po ON po.id = pol.order_id
             LEFT JOIN sale_order_line sol ON sol.id = m.sale_line_id
             LEFT JOIN sale_order so ON so.id = sol.order_id
             LEFT JOIN mrp_production mo ON mo.id = m.production_id
             LEFT JOIN mrp_unbuild ub ON ub.id = m.unbuild_id
                       %(origin_joins)s
                 WHERE m.id = e.move_id
                OFFSET 0
              ) docs
         LEFT JOIN LATERAL (
                SELECT json_agg(json_build_array(input_lot.name, component.quantity, component.product_uom_id,
                                                 component.product_id,
                                                 CASE WHEN input_lot.origin_production_id IS NULL
                                                      THEN input_lot.supplier_lot_id END)
                                ORDER BY input_lot.name, component.id) AS items
                  FROM stock_move_line component
                  JOIN stock_lot input_lot ON input_lot.id = component.lot_id
                 WHERE e.from_usage = 'production'
                   AND component.state = 'done'
                   AND component.id IN (
                        SELECT rel.produce_line_id FROM stock_move_line_consume_rel rel
                         WHERE rel.consume_line_id = e.id AND docs.unbuild_id IS NULL
                     UNION ALL
                        SELECT unbuilt_line.id
                          FROM stock_move unbuilt
                          JOIN stock_location unbuilt_dest
                            ON unbuilt_dest.id = unbuilt.location_dest_id AND unbuilt_dest.usage = 'production'
                          JOIN stock_move_line unbuilt_line ON unbuilt_line.move_id = unbuilt.id
                         WHERE unbuilt.unbuild_id = docs.unbuild_id)
              ) inputs ON TRUE
          ORDER BY e.date, e.id
            """,
            tz=params["tz"],
            where=SQL(" AND ").join(conditions),
            # Where each lot code was assigned (FSMA's Traceability Lot Code Source); EPCIS does not say.
            source_warehouse=SQL("COALESCE(origin_type.warehouse_id, origin_location.warehouse_id)")
            if with_source
            else SQL("NULL::integer"),
            origin_joins=SQL(
                """LEFT JOIN mrp_production origin_mo ON origin_mo.id = lot.origin_production_id
             LEFT JOIN stock_picking_type origin_type ON origin_type.id = origin_mo.picking_type_id
             LEFT JOIN stock_picking origin_picking ON origin_picking.id = lot.origin_picking_id
             LEFT JOIN stock_location origin_location ON origin_location.id = origin_picking.location_dest_id"""
            )
            if with_source
            else SQL(),
            # the first rows only: the benchmark's sizes
            limit=SQL("LIMIT %s", params["limit"]) if params.get("limit") else SQL(),
        )

    _get_fsma204_query = _get_event_query
    _get_epcis_query = _get_event_query

    @api.model
    def _get_export_lot_ids(self, params):
        """The lots of the filter, with every lot traced from them when asked (None: all lots)."""
        lot_ids = params["lot_ids"]
        if lot_ids is None and params.get("recall_id"):
            recall = self.env["stock.lot.recall"].sudo().browse(params["recall_id"])
            lot_ids = recall.affected_lot_ids.ids or recall.lot_ids.ids
        if lot_ids and params["include_traced_lots"]:
            lots = self.env["stock.lot"].with_context(allowed_company_ids=params["company_ids"]).browse(lot_ids)
            lot_ids = lots.trace("both")["lot_ids"]
        return lot_ids

    # ------------------------------------------------------------------
    # Reference documents
    # ------------------------------------------------------------------

    def _get_reference_labels(self):
        return {
            "purchase": self.env._("Purchase Order / Receipt"),
            "receipt": self.env._("Receipt"),
            "customer_return": self.env._("Customer Return"),
            "sale": self.env._("Sales Order / Delivery"),
            "delivery": self.env._("Delivery"),
            "supplier_return": self.env._("Return to Supplier"),
            "production": self.env._("Manufacturing Order"),
            "unbuild": self.env._("Unbuild Order"),
            "Receiving": self.env._("Receiving"),
            "Shipping": self.env._("Shipping"),
            "Transformation": self.env._("Transformation"),
        }

    @api.model
    def _get_reference(self, row):
        """(kind, number) of the document of an event row, kind a key of _get_reference_labels."""
        picking = row[PICKING_NAME] or row[MOVE_REFERENCE] or ""
        if row[EVENT] == "receiving":
            if row[FROM_USAGE] == "customer":
                return "customer_return", picking
            if row[PURCHASE_NAME]:
                return "purchase", f"{row[PURCHASE_NAME]} / {picking}"
            return "receipt", picking
        if row[EVENT] == "shipping":
            if row[TO_USAGE] == "supplier":
                return "supplier_return", picking
            if row[SALE_NAME]:
                return "sale", f"{row[SALE_NAME]} / {picking}"
            return "delivery", picking
        if row[UNBUILD_NAME]:
            return "unbuild", row[UNBUILD_NAME]
        return "production", row[PRODUCTION_NAME] or picking

    # ------------------------------------------------------------------
    # FSMA 204
    # ------------------------------------------------------------------

    @api.model
    def _export_fsma204(self, params, path, progress):
        """Write the FSMA 204 sortable spreadsheet of the events into ``path`` (XLSX).

        Traceability lot codes as 21 CFR 1.1320 assigns them: a lot received under its supplier's lot code
        keeps that code (and the supplier's location, or its TLC source reference, as source) in receiving
        and shipping rows and as the input of a transformation; our internal lot is the TLC of what we make
        (transformation rows) and of lots received without their supplier's code. The third sheet maps each
        internal lot given under its supplier's code to that code."""
        lookups = ExportLookups(self.env, params)
        labels = self._get_reference_labels()
        events = {"receiving": "Receiving", "shipping": "Shipping", "transformation": "Transformation"}
        writer = Fsma204Writer(path)
        query = self._get_event_query(params)
        uoms = lookups.uoms
        products = lookups.products
        unknown_site = self.env._("Unknown site")
        unknown_supplier = self.env._("Unknown supplier")
        unknown_customer = self.env._("Unknown customer")
        mapped = set()  # (internal lot, product) already on the lot codes sheet
        uncoded = {}  # lots received from a supplier without its lot code

        def lot_code(lot_name, product_id, supplier_lot_id):
            """The TLC of a received lot, put on the lot codes sheet the first time it appears."""
            tlc, source, supplier = lookups.supplier_tlc(supplier_lot_id, unknown_supplier)
            if (lot_name, product_id) not in mapped:
                mapped.add((lot_name, product_id))
                writer.add_lot_code((lot_name, products[product_id]["description"], tlc, source, supplier))
            return tlc, source

        def input_code(item):
            if item[INPUT_SUPPLIER_LOT]:
                return lot_code(item[INPUT_LOT], item[INPUT_PRODUCT], item[INPUT_SUPPLIER_LOT])[0]
            return item[INPUT_LOT]

        rows = 0
        try:
            for batch in self._stream_rows(query, prepare=lookups.prefetch):
                for row in batch:
                    site = lookups.site_address(row[WAREHOUSE_ID], row[COMPANY_ID], unknown_site)
                    event = row[EVENT]
                    supplier_lot_id = row[SUPPLIER_LOT_ID] if event != "transformation" else None
                    if supplier_lot_id:
                        tlc, tlc_source = lot_code(row[LOT_NAME], row[PRODUCT_ID], supplier_lot_id)
                    else:
                        tlc = row[LOT_NAME]
                        tlc_source = lookups.site_address(row[SOURCE_WAREHOUSE_ID], row[LOT_COMPANY_ID], unknown_site)
                    if event == "receiving":
                        from_location = lookups.address(row[PARTNER_ID], unknown_supplier)
                        to_location = site
                        if not supplier_lot_id and row[FROM_USAGE] == "supplier":
                            uncoded[tlc] = None
                    elif event == "shipping":
                        from_location = site
                        to_location = lookups.address(row[PARTNER_ID], unknown_customer)
                    else:
                        from_location = to_location = site
                    inputs = row[INPUTS]
                    kind, number = self._get_reference(row)
                    sscc = row[RESULT_SSCC] or row[SOURCE_SSCC] if event != "transformation" else None
                    if sscc:  # the pallet the lot moved on (GS1 AI 00), beside the document
                        number = f"{number}; SSCC {sscc}"
                    writer.add(
                        (
                            tlc,
                            tlc_source,
                            labels[events[event]],
                            row[DATE_LOCAL],
                            products[row[PRODUCT_ID]]["description"],
                            row[QUANTITY],
                            uoms.get(row[UOM_ID], ""),
                            from_location,
                            to_location,
                            labels[kind],
                            number,
                            "; ".join(
                                f"{input_code(item)} ({item[INPUT_QUANTITY]:g} {uoms.get(item[INPUT_UOM], '')})"
                                for item in inputs
                            )
                            if inputs
                            else "",
                        )
                    )
                rows += len(batch)
                progress(rows)
        finally:
            writer.close(self._get_fsma204_info(params, rows))
        warnings = self._get_export_warnings(lookups, params)
        if uncoded:
            names = list(uncoded)
            warnings.append(
                self.env._(
                    "%(count)s lots were received without their supplier's lot code: the file gives our internal "
                    "lot as their traceability lot code (21 CFR 1.1320 asks for the supplier's). Record the "
                    "supplier lot code on receipt: %(names)s",
                    count=len(names),
                    names=", ".join(names[:20]) + (" ..." if len(names) > 20 else ""),
                )
            )
        return {"rows": rows, "warnings": warnings}

    def _get_fsma204_info(self, params, rows):
        company = self.env["res.company"].browse(params["company_id"])
        lots = self.env["stock.lot"].browse(params["lot_ids"] or [])
        products = self.env["product.product"].browse(params["product_ids"] or [])
        return [
            (self.env._("Export"), params["name"]),
            (self.env._("Regulation"), self.env._("FSMA 204 electronic sortable spreadsheet, 21 CFR 1.1455(c)(3)(ii)")),
            (self.env._("Company"), company.name),
            (self.env._("Time zone of the dates"), params["tz"]),
            (self.env._("Generated on (UTC)"), datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")),
            (self.env._("Period"), f"{params['date_from'] or '...'} - {params['date_to'] or '...'}"),
            (self.env._("Traceability lot codes"), ", ".join(lots.sudo().mapped("name")) or self.env._("All")),
            (
                self.env._("Include traced lots"),
                self.env._("Yes") if params["include_traced_lots"] else self.env._("No"),
            ),
            (self.env._("Products"), ", ".join(products.sudo().mapped("display_name")) or self.env._("All")),
            (self.env._("Food Traceability List only"), self.env._("Yes") if params["ftl_only"] else self.env._("No")),
            (self.env._("Rows"), str(rows)),
            (
                self.env._("Traceability Lot Code"),
                self.env._(
                    "As assigned under 21 CFR 1.1320: a lot received under its supplier's lot code keeps that code in "
                    "receiving and shipping rows and as an input of a transformation; our internal lot is the code "
                    "of what we make (transformation rows) and of lots received without their supplier's code. The "
                    "sheet Traceability Lot Codes maps our internal lots to the codes given here."
                ),
            ),
            (
                self.env._("Traceability Lot Code Source"),
                self.env._(
                    "Where the lot code was assigned: the supplier's business name and address (or the TLC source "
                    "reference it gave) for its codes; our site (business name and address) of the receipt or the "
                    "manufacturing for ours."
                ),
            ),
        ]

    def _get_export_warnings(self, lookups, params, products_without_gtin=None):
        warnings = []
        if lookups.missing_addresses:
            warnings.append(
                self.env._(
                    "These locations have no address on record (21 CFR 1.1325 asks for one): %(names)s. "
                    "Complete the contacts' addresses and export again.",
                    names=", ".join(sorted(lookups.missing_addresses)),
                )
            )
        if products_without_gtin:
            warnings.append(
                self.env._(
                    "These products have no valid GTIN in their barcode; their lots are identified by the "
                    "fallback class %(example)s: %(names)s.",
                    example=self._get_fallback_class_prefix() + "<product>/<lot>",
                    names=", ".join(sorted(products_without_gtin)),
                )
            )
        return warnings
