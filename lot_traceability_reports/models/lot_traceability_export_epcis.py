import hashlib
import json
from datetime import UTC, datetime
from json.encoder import encode_basestring  # json's own string writer (C)

from odoo import api, models
from odoo.addons.lot_traceability.tools import gs1_logistics

from ..tools import epcis
from .lot_traceability_export_events import (
    COMPANY_ID,
    DATE_LOCAL,
    DATE_UTC,
    EVENT,
    EXPIRATION_DATE,
    FROM_USAGE,
    INPUT_LOT,
    INPUT_PRODUCT,
    INPUT_QUANTITY,
    INPUT_SUPPLIER_LOT,
    INPUT_UOM,
    INPUTS,
    LOT_NAME,
    MOVE_REFERENCE,
    PARTNER_ID,
    PICKING_NAME,
    PRODUCT_ID,
    PRODUCTION_DATE,
    PRODUCTION_NAME,
    PURCHASE_NAME,
    QUANTITY,
    RESULT_SSCC,
    SALE_NAME,
    SOURCE_SSCC,
    SUPPLIER_LOT_ID,
    UNBUILD_NAME,
    UOM_ID,
    WAREHOUSE_ID,
    ExportLookups,
)

CLASS_CACHE_SIZE = 20000  # lot classes kept at a time: a cache, not a copy of every lot
# bizStep and disposition of each kind of event (CBV 2.0); "commissioning": a lot made from no
# tracked input, an ObjectEvent that creates it.
EVENT_STEPS = {
    "receiving": ("OBSERVE", "receiving", "in_progress"),
    "shipping": ("OBSERVE", "shipping", "in_transit"),
    "transformation": (None, "commissioning", "active"),
    "commissioning": ("ADD", "commissioning", "active"),
}


class EPCISEventBuilder:
    """The EPCIS event of each event row as JSON text, with its event ID, built in one pass.

    ``epcis.event_pre_hash`` reads an event (a dict) back field by field, and ``json`` writes the dict;
    here the parts that only depend on the lot, the site, the partner or the kind of event are made
    once, as hash strings and as JSON text (written by ``json`` itself), and each row only adds its
    time, quantities and documents to both. The tests read every event the export writes back and hash
    it again with ``epcis.event_hash_id``, and validate the document against GS1's schema.
    """

    def __init__(self, export, lookups, company_gln, fallback_prefix):
        self.export = export
        self.lookups = lookups
        self.company_gln = company_gln
        self.fallback_prefix = fallback_prefix
        self.document_prefix = fallback_prefix.replace("/class/", "/document/")
        self.without_gtin = {}
        self.classes = {}
        self.offsets = {}
        self.statics = {}

    # Cached parts -------------------------------------------------------

    def epc_class(self, product_id, lot_name, prefix_length, supplier_lot_id=None):
        """(URI, canonical URI, URI as a JSON string) of a lot's class: LGTIN, or the fallback class of a
        product without GTIN. A lot received under its supplier's lot code (``supplier_lot_id``) is that
        code with the supplier's GTIN (scanned on receipt), else with the product's."""
        key = (product_id, lot_name, prefix_length, supplier_lot_id)
        value = self.classes.get(key)
        if value is None:
            if len(self.classes) >= CLASS_CACHE_SIZE:
                self.classes.clear()
            product = self.lookups.products[product_id]
            gtin, code = product["gtin"], lot_name
            if supplier_lot_id:
                supplier_lot = self.lookups.supplier_lots[supplier_lot_id]
                # (a supplier's code outside GS1's lot format: our lot, as a lot without it)
                if (supplier_lot["gtin"] or gtin) and epcis.is_gs1_lot(supplier_lot["name"]):
                    gtin, code = supplier_lot["gtin"] or gtin, supplier_lot["name"]
            if gtin and epcis.is_gs1_lot(code):
                uri = epcis.lgtin_class(gtin, code, prefix_length)
                value = (uri, epcis.canonical_uri(uri), encode_basestring(uri))
            else:
                self.without_gtin.setdefault(product["description"], None)
                uri = f"{self.fallback_prefix}{product_id}/{epcis.escape_epc_component(lot_name)}"
                value = (uri, uri, encode_basestring(uri))  # a URL, not an EPC URN: canonical as it is
            self.classes[key] = value
        return value

    def offset(self, date_utc, date_local):
        delta = date_local - date_utc
        value = self.offsets.get(delta)
        if value is None:
            value = self.offsets[delta] = epcis.format_offset(date_utc, date_local)
        return value

    def static_parts(self, kind, site_gln, partner_gln, prefix_length):
        """What an event of this kind, site and partner always says: (fields after the quantity
        lists as JSON text, their hash string, source/destination fields as JSON text, their hash
        strings)."""
        key = (kind, site_gln, partner_gln, prefix_length)
        parts = self.statics.get(key)
        if parts is not None:
            return parts
        action, step, disposition = EVENT_STEPS[kind]
        head, head_hash = {}, ""
        if action:
            head["action"] = action
            head_hash += f"action={action}"
        head["bizStep"], head["disposition"] = step, disposition
        head_hash += (
            f"bizStep={epcis.CBV_WEB_VOCABULARY['bizStep']}{step}"
            f"disposition={epcis.CBV_WEB_VOCABULARY['disposition']}{disposition}"
        )
        if site_gln:
            location = epcis.sgln(site_gln, prefix_length)
            head["readPoint"] = head["bizLocation"] = {"id": location}
            canonical = epcis.canonical_uri(location)
            head_hash += f"readPointid={canonical}bizLocationid={canonical}"
        tail, tail_hashes = {}, []
        if kind in ("receiving", "shipping") and partner_gln and site_gln:
            theirs = {
                "owning_party": epcis.pgln(partner_gln, prefix_length),
                "location": epcis.sgln(partner_gln, prefix_length),
            }
            ours = {
                "owning_party": epcis.pgln(site_gln, prefix_length),
                "location": epcis.sgln(site_gln, prefix_length),
            }
            sources, destinations = (theirs, ours) if kind == "receiving" else (ours, theirs)
            tail["sourceList"] = [{"type": name, "source": value} for name, value in sources.items()]
            tail["destinationList"] = [{"type": name, "destination": value} for name, value in destinations.items()]
            vocabulary = epcis.CBV_WEB_VOCABULARY["sourceDestination"]
            for list_name, item_name, items in (
                ("sourceList", "source", sources),
                ("destinationList", "destination", destinations),
            ):
                tail_hashes.append(
                    list_name
                    + "".join(
                        sorted(
                            f"type={vocabulary}{name}{item_name}={epcis.canonical_uri(value)}"
                            for name, value in items.items()
                        )
                    )
                )
        head_json = json.dumps(head, ensure_ascii=False)[1:-1]
        tail_json = json.dumps(tail, ensure_ascii=False)[1:-1] if tail else ""
        parts = self.statics[key] = (head_json, head_hash, tail_json, tail_hashes)
        return parts

    # Events ---------------------------------------------------------------

    def transactions(self, row, kind):
        """(type, number) of the business documents of an event row."""
        if kind == "receiving":
            document = row[PICKING_NAME] or self.export._get_reference(row)[1]
            return [
                *((("po", row[PURCHASE_NAME]),) if row[PURCHASE_NAME] else ()),
                ("rma" if row[FROM_USAGE] == "customer" else "recadv", document),
            ]
        if kind == "shipping":
            document = row[PICKING_NAME] or self.export._get_reference(row)[1]
            return [*((("po", row[SALE_NAME]),) if row[SALE_NAME] else ()), ("desadv", document)]
        return [("prodorder", row[UNBUILD_NAME] or row[PRODUCTION_NAME] or row[PICKING_NAME] or row[MOVE_REFERENCE])]

    def element(self, product_id, lot_name, quantity, uom_id, prefix_length, supplier_lot_id=None):
        """A quantity element as JSON text, and its hash string."""
        _uri, canonical, uri_json = self.epc_class(product_id, lot_name, prefix_length, supplier_lot_id)
        number = repr(quantity) if type(quantity) is float else json.dumps(quantity)  # as json writes it
        element_hash = f"quantityElementepcClass={canonical}quantity={epcis.canonical_number(quantity)}"
        uom = self.lookups.uom_codes.get(uom_id)
        if uom:
            element_hash += f"uom={uom}"
            return f'{{"epcClass": {uri_json}, "quantity": {number}, "uom": "{uom}"}}', element_hash
        return f'{{"epcClass": {uri_json}, "quantity": {number}}}', element_hash

    def build(self, row):
        """The JSON text of the event of an event row, its ``eventID`` first."""
        lookups = self.lookups
        company_id = row[COMPANY_ID]
        prefix_length = lookups.companies[company_id]["prefix_length"]
        date_utc, date_local = row[DATE_UTC], row[DATE_LOCAL]
        offset = self.offset(date_utc, date_local)
        kind = row[EVENT]
        inputs = [
            self.element(
                item[INPUT_PRODUCT],
                item[INPUT_LOT],
                item[INPUT_QUANTITY],
                item[INPUT_UOM],
                prefix_length,
                item[INPUT_SUPPLIER_LOT],
            )
            for item in row[INPUTS] or ()
        ]
        if kind == "transformation" and not inputs:
            kind = "commissioning"
        # What we make (or recover) is our lot; what we receive and ship as received, the supplier's.
        output_json, output_hash = self.element(
            row[PRODUCT_ID],
            row[LOT_NAME],
            row[QUANTITY],
            row[UOM_ID],
            prefix_length,
            row[SUPPLIER_LOT_ID] if kind in ("receiving", "shipping") else None,
        )
        site_gln = lookups.site_gln(row[WAREHOUSE_ID], company_id)
        partner = lookups.partners.get(row[PARTNER_ID])
        head_json, head_hash, tail_json, tail_hashes = self.static_parts(
            kind, site_gln, partner and partner["gln"], prefix_length
        )
        event_type = "TransformationEvent" if kind == "transformation" else "ObjectEvent"
        pre_hash = [f"eventType={event_type}eventTime={epcis.format_utc_time(date_utc)}eventTimeZoneOffset={offset}"]
        if kind == "transformation":
            quantities_json = (
                f'"inputQuantityList": [{", ".join(element_json for element_json, _hash in inputs)}], '
                f'"outputQuantityList": [{output_json}]'
            )
            pre_hash.append("inputQuantityList" + "".join(sorted(element_hash for _json, element_hash in inputs)))
            pre_hash.append("outputQuantityList" + output_hash)
        else:
            quantities_json = f'"epcList": [], "quantityList": [{output_json}]'
            pre_hash.append("quantityList" + output_hash)
        pre_hash.append(head_hash)

        others = list(tail_hashes)
        bt_type_prefix = epcis.CBV_WEB_VOCABULARY["bizTransaction"]
        transactions_json = []
        transaction_hashes = []
        for transaction_type, number in self.transactions(row, kind):
            if number:
                uri = self.bt_uri(number)
                transactions_json.append(
                    f'{{"type": "{transaction_type}", "bizTransaction": {encode_basestring(uri)}}}'
                )
                transaction_hashes.append(f"type={bt_type_prefix}{transaction_type}bizTransaction={uri}")
        if transaction_hashes:
            others.append("bizTransactionList" + "".join(sorted(transaction_hashes)))
        ilmd_json = ""
        if kind in ("transformation", "commissioning"):
            ilmd = {"cbvmda:lotNumber": row[LOT_NAME]}
            if row[EXPIRATION_DATE]:
                ilmd["cbvmda:itemExpirationDate"] = (row[EXPIRATION_DATE] + (date_local - date_utc)).date().isoformat()
            if row[PRODUCTION_DATE]:
                ilmd["gs1:productionDate"] = (row[PRODUCTION_DATE] + (date_local - date_utc)).date().isoformat()
            ilmd_json = f', "ilmd": {json.dumps(ilmd, ensure_ascii=False)}'
            others.append("ilmd" + "".join(sorted(f"{key}={value}" for key, value in ilmd.items())))
        others.sort()
        pre_hash.extend(others)
        event_id = hashlib.sha256("".join(pre_hash).encode()).hexdigest()
        return (
            f'{{"eventID": "ni:///sha-256;{event_id}?ver=CBV2.0", "type": "{event_type}", '
            f'"eventTime": "{date_local.isoformat(timespec="milliseconds")}{offset}", '
            f'"eventTimeZoneOffset": "{offset}", {quantities_json}, {head_json}, '
            f'"bizTransactionList": [{", ".join(transactions_json)}]'
            f"{', ' + tail_json if tail_json else ''}{ilmd_json}}}"
        )

    def aggregations(self, row):
        """The AggregationEvents of a receiving or shipping row of packed goods, as (before, after) lists of
        event dicts: unpacking (DELETE) from the pallet the goods left and packing (ADD) onto a new one before
        the shipment, and the pallet (``parentID``, its SSCC) observed with its content after the event."""
        kind = row[EVENT]
        source, result = row[SOURCE_SSCC], row[RESULT_SSCC]
        if kind not in ("receiving", "shipping") or not (source or result):
            return (), ()
        lookups = self.lookups
        company_id = row[COMPANY_ID]
        prefix_length = lookups.companies[company_id]["prefix_length"]
        date_utc, date_local = row[DATE_UTC], row[DATE_LOCAL]
        offset = self.offset(date_utc, date_local)
        uri = self.epc_class(row[PRODUCT_ID], row[LOT_NAME], prefix_length, row[SUPPLIER_LOT_ID])[0]
        element = {"epcClass": uri, "quantity": row[QUANTITY]}
        if lookups.uom_codes.get(row[UOM_ID]):
            element["uom"] = lookups.uom_codes[row[UOM_ID]]
        site_gln = lookups.site_gln(row[WAREHOUSE_ID], company_id)
        transactions = [
            {"type": transaction_type, "bizTransaction": self.bt_uri(number)}
            for transaction_type, number in self.transactions(row, kind)
            if number
        ]

        def event(sscc, action, step, disposition):
            values = {
                "type": "AggregationEvent",
                "eventTime": f"{date_local.isoformat(timespec='milliseconds')}{offset}",
                "eventTimeZoneOffset": offset,
                "parentID": gs1_logistics.sscc_epc_urn(sscc, prefix_length),
                "childEPCs": [],
                "childQuantityList": [dict(element)],
                "action": action,
                "bizStep": step,
                "disposition": disposition,
            }
            if site_gln:
                location = epcis.sgln(site_gln, prefix_length)
                values["readPoint"] = {"id": location}
                values["bizLocation"] = {"id": location}
            if transactions:
                values["bizTransactionList"] = [dict(transaction) for transaction in transactions]
            return values

        before = []
        if kind == "shipping" and source and source != result:
            before.append(event(source, "DELETE", "unpacking", "in_progress"))
        if kind == "shipping" and result and result != source:
            before.append(event(result, "ADD", "packing", "in_progress"))
        after = [event(result, "OBSERVE", *EVENT_STEPS[kind][1:])] if result else []
        return before, after

    def bt_uri(self, number):
        """A business transaction: the company's GLN and the document number, else our document URL."""
        if self.company_gln:
            return f"urn:epcglobal:cbv:bt:{self.company_gln}:{epcis.escape_epc_component(number)}"
        return f"{self.document_prefix}{epcis.escape_epc_component(number)}"


class LotTraceabilityExport(models.Model):
    """The EPCIS 2.0 export: the critical tracking events as a GS1 ``EPCISDocument`` (JSON-LD)."""

    _inherit = "lot.traceability.export"

    def _get_fallback_class_prefix(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "http://localhost")
        return f"{base_url.rstrip('/')}/lot_traceability/class/"

    @api.model
    def _export_epcis(self, params, path, progress):
        """Write the events as a GS1 EPCIS 2.0 JSON-LD ``EPCISDocument`` into ``path``.

        Receiving and shipping are ObjectEvents (OBSERVE), a lot made or recovered from tracked inputs
        a TransformationEvent, a lot made from untracked inputs only a commissioning ObjectEvent (ADD)."""
        lookups = ExportLookups(self.env, params)
        company = lookups.companies[params["company_id"]]
        company_gln = lookups.partners[company["partner_id"]]["gln"]
        builder = EPCISEventBuilder(self, lookups, company_gln, self._get_fallback_class_prefix())
        header = {"sender": epcis.pgln(company_gln, company["prefix_length"])} if company_gln else {}
        rows = 0
        with open(path, "w", encoding="utf-8") as stream:
            writer = epcis.EPCISDocumentWriter(
                stream, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"), header=header
            )
            for batch in self._stream_rows(self._get_event_query(params), prepare=lookups.prefetch):
                for row in batch:
                    before, after = builder.aggregations(row)
                    for event in before:
                        writer.add(event, epcis.format_utc_time(row[DATE_UTC]))
                    writer.add_json(builder.build(row))
                    for event in after:
                        writer.add(event, epcis.format_utc_time(row[DATE_UTC]))
                rows += len(batch)
                progress(rows)
            writer.close()
        return {
            "rows": rows,
            "warnings": self._get_export_warnings(lookups, params, products_without_gtin=builder.without_gtin),
        }
