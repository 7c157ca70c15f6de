"""Read a GS1 EPCIS 2.0 document (JSON-LD or XML) into plain structures, after validating it against GS1's schema.

Pure Python (no Odoo import). What an import against a receipt needs of a supplier's file:

- ``ObjectEvent``s (and ``AggregationEvent``s, whose ``parentID`` is the SSCC of a pallet) with their
  ``quantityList`` / ``childQuantityList``: lot classes as EPC URNs (``urn:epc:class:lgtin:...``) or GS1 Digital
  Link URIs (``https://id.gs1.org/01/<GTIN>/10/<lot>``), quantities and units;
- their ``bizStep`` (CBV short name: ``shipping``), ``disposition``, ``readPoint``/``bizLocation`` and source /
  destination lists (SGLN / PGLN, as 13-digit GLNs);
- the instance/lot master data (``ilmd``: expiration, best-before and production dates, lot number) of each lot
  class, from whichever event of the document carries it (a commissioning or transformation event).

Validation: JSON against GS1's EPCIS 2.0 JSON schema, XML against GS1's EPCIS 2.0 XSD (both shipped with the addon in
``data/epcis_schema``, from github.com/gs1/EPCIS). What the reader does not use (instance-level EPCs, other event
types, unknown ILMD fields) is listed in ``EPCISDocument.notes``, never dropped silently. Errors raise
``EPCISReadError`` with a short message that names where in the document the problem is.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from .epcis import check_digit

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "epcis_schema"
JSON_SCHEMA = SCHEMA_DIR / "EPCIS-JSON-Schema.json"
XSD = SCHEMA_DIR / "EPCglobal-epcis-2_0.xsd"
MAX_DOCUMENT_SIZE = 20 * 1024 * 1024  # a supplier's shipment, not an archive
MAX_MESSAGE = 300  # characters of a validator's message shown to the user

EPCIS_XML_NAMESPACE = "urn:epcglobal:epcis:xsd:2"
LGTIN_URN = re.compile(r"urn:epc:class:lgtin:([0-9]{6,12})\.([0-9]{1,7})\.(.+)")
SSCC_URN = re.compile(r"urn:epc:id:sscc:([0-9]{6,12})\.([0-9]{1,11})")
SGLN_URN = re.compile(r"urn:epc:id:sgln:([0-9]{6,12})\.([0-9]{0,6})\.(.+)")
PGLN_URN = re.compile(r"urn:epc:id:pgln:([0-9]{6,12})\.([0-9]{0,6})")
DIGITAL_LINK = re.compile(r"https?://[^/]+(?:/[^/]+)*?/(01|00|414|417)/([0-9]+)(?:/(10|254)/([^/?#]+))?/?(?:[?#].*)?")
# CBV vocabularies in their three spellings: bare word, URN, GS1 Web URI.
CBV_PREFIXES = (
    "urn:epcglobal:cbv:bizstep:",
    "urn:epcglobal:cbv:disp:",
    "urn:epcglobal:cbv:sdt:",
    "urn:epcglobal:cbv:btt:",
    "https://ref.gs1.org/cbv/BizStep-",
    "https://ref.gs1.org/cbv/Disp-",
    "https://ref.gs1.org/cbv/SDT-",
    "https://ref.gs1.org/cbv/BTT-",
)
# ILMD fields read (local name, whatever the prefix: cbvmda:, gs1:) and what they are called here.
ILMD_FIELDS = {
    "itemExpirationDate": "expiration_date",
    "bestBeforeDate": "best_before_date",
    "productionDate": "production_date",
    "lotNumber": "lot_number",
}
SUPPORTED_EVENTS = ("ObjectEvent", "AggregationEvent")


class EPCISReadError(ValueError):
    """A document that cannot be read: malformed, against GS1's schema, or with an identifier that is wrong."""


@dataclass
class LotQuantity:
    """A quantity of a lot class: GTIN-14, lot code, quantity and unit (UN/CEFACT code, e.g. KGM) if given."""

    epc_class: str
    gtin: str
    lot: str
    quantity: Decimal | None
    uom: str | None


@dataclass(eq=False)  # one event is one event: compared (and hashed) by identity
class EPCISEvent:
    index: int  # position in the document's event list, from 1
    type: str
    action: str | None
    event_time: str
    biz_step: str | None
    disposition: str | None
    read_point: str | None  # GLN
    biz_location: str | None  # GLN
    sources: dict = field(default_factory=dict)  # CBV type (owning_party, location...) -> GLN
    destinations: dict = field(default_factory=dict)
    quantities: list = field(default_factory=list)  # LotQuantity
    parent_sscc: str | None = None
    ilmd: dict = field(default_factory=dict)  # expiration_date, best_before_date, production_date (date), lot_number


@dataclass
class EPCISDocument:
    format: str  # "json" or "xml"
    sender: str | None  # GLN of the header's sender, if any
    events: list
    lot_data: dict  # epc class -> ilmd dict (dates as date, lot_number)
    notes: list  # what the document holds that the reader does not use


def _shorten(message):
    message = " ".join(str(message).split())
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."


def cbv_name(value):
    """The short CBV name of a bizStep, disposition, source/destination or transaction type."""
    if not value:
        return None
    for prefix in CBV_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def gtin_from_digits(digits, where):
    """A GTIN-14 from a Digital Link's 14 digits, its check digit verified."""
    if len(digits) != 14 or check_digit(digits[:-1]) != digits[-1]:
        raise EPCISReadError(
            f"{where}: GTIN {digits} has a wrong check digit (expected {check_digit(digits[:-1])})."
            if len(digits) == 14
            else f"{where}: GTIN {digits} does not have 14 digits."
        )
    return digits


def read_lot_class(value, where):
    """(GTIN-14, lot) of a lot class: ``urn:epc:class:lgtin:`` or a GS1 Digital Link with AI 01 and 10."""
    match = LGTIN_URN.fullmatch(value)
    if match:
        prefix, item, lot = match.groups()
        if len(prefix) + len(item) != 13:
            raise EPCISReadError(
                f"{where}: {value} is not a lot class (company prefix and item reference are 13 digits)."
            )
        digits = item[0] + prefix + item[1:]
        return digits + check_digit(digits), unquote(lot)
    match = DIGITAL_LINK.fullmatch(value)
    if match and match.group(1) == "01" and match.group(3) == "10":
        return gtin_from_digits(match.group(2), where), unquote(match.group(4))
    raise EPCISReadError(
        f"{where}: {value} is not a lot class: expected urn:epc:class:lgtin:... or https://id.gs1.org/01/<GTIN>/10/<lot>."
    )


def read_gln(value, where):
    """The 13-digit GLN of an SGLN/PGLN URN or a Digital Link (AI 414/417); None for another kind of identifier."""
    match = SGLN_URN.fullmatch(value) or PGLN_URN.fullmatch(value)
    if match:
        digits = match.group(1) + match.group(2)
        if len(digits) != 12:
            raise EPCISReadError(f"{where}: {value} is not a GLN (company prefix and reference are 12 digits).")
        return digits + check_digit(digits)
    match = DIGITAL_LINK.fullmatch(value)
    if match and match.group(1) in ("414", "417"):
        digits = match.group(2)
        if len(digits) != 13 or check_digit(digits[:-1]) != digits[-1]:
            raise EPCISReadError(f"{where}: GLN {digits} has a wrong check digit or length.")
        return digits
    return None


def read_sscc(value, where):
    """The 18-digit SSCC of ``urn:epc:id:sscc:`` or a Digital Link with AI 00; None for another identifier."""
    match = SSCC_URN.fullmatch(value)
    if match:
        prefix, serial = match.groups()
        if len(prefix) + len(serial) != 17:
            raise EPCISReadError(
                f"{where}: {value} is not an SSCC (company prefix and serial reference are 17 digits)."
            )
        digits = serial[0] + prefix + serial[1:]
        return digits + check_digit(digits)
    match = DIGITAL_LINK.fullmatch(value)
    if match and match.group(1) == "00":
        digits = match.group(2)
        if len(digits) != 18 or check_digit(digits[:-1]) != digits[-1]:
            raise EPCISReadError(f"{where}: SSCC {digits} has a wrong check digit or length.")
        return digits
    return None


def read_date(value, where):
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError as error:
        raise EPCISReadError(f"{where}: {value} is not a date (YYYY-MM-DD).") from error


def read_quantity(value, where):
    if value is None or value == "":
        return None
    try:
        quantity = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise EPCISReadError(f"{where}: quantity {value} is not a number.") from error
    if not quantity.is_finite() or quantity < 0:
        raise EPCISReadError(f"{where}: quantity {value} is not a positive number.")
    return quantity


# ----------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------


@cache
def _json_validator():
    import jsonschema

    schema = json.loads(JSON_SCHEMA.read_text())
    return jsonschema.validators.Draft7Validator(schema, format_checker=None)


@cache
def _xml_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(XSD)))


def _leaf_errors(errors):
    """The innermost errors of a schema error tree (the branches of anyOf / oneOf / if-then, recursively)."""
    for error in errors:
        if error.context:
            yield from _leaf_errors(error.context)
        else:
            yield error


def validate_json(document):
    """Raise EPCISReadError with the most precise schema error (shortened, with its path) if any."""
    errors = list(_json_validator().iter_errors(document))
    if not errors:
        return
    # The deepest error says what is wrong (an "is not valid under any of the given schemas" says only where).
    error = max(_leaf_errors(errors), key=lambda leaf: len(leaf.absolute_path))
    path = "/".join(str(part) for part in error.absolute_path) or "(document)"
    raise EPCISReadError(
        f"The document does not follow GS1's EPCIS 2.0 JSON schema at {path}: {_shorten(error.message)}"
    )


def validate_xml(tree):
    schema = _xml_schema()
    if not schema.validate(tree):
        error = schema.error_log.last_error
        path = error.path or "(document)"
        raise EPCISReadError(
            f"The document does not follow GS1's EPCIS 2.0 XSD at {path} (line {error.line}): {_shorten(error.message)}"
        )


# ----------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------


def read_document(content):
    """Read ``content`` (bytes or str: JSON-LD or XML) into an ``EPCISDocument``; raise ``EPCISReadError``."""
    if isinstance(content, str):
        content = content.encode()
    if not content or not content.strip():
        raise EPCISReadError("The file is empty.")
    if len(content) > MAX_DOCUMENT_SIZE:
        raise EPCISReadError(f"The file is larger than {MAX_DOCUMENT_SIZE // (1024 * 1024)} MB.")
    text_start = content.lstrip()[:1]
    if text_start == b"<":
        raw_events, sender, notes = _read_xml(content)
        document_format = "xml"
    elif text_start in (b"{", b"["):
        raw_events, sender, notes = _read_json(content)
        document_format = "json"
    else:
        raise EPCISReadError("The file is neither JSON nor XML: an EPCIS document starts with '{' or '<'.")
    events, lot_data = [], {}
    for index, raw in enumerate(raw_events, start=1):
        event = _read_event(index, raw, notes)
        if event is None:
            continue
        events.append(event)
        if event.ilmd:
            for quantity in event.quantities:
                lot_data.setdefault(quantity.epc_class, {}).update(event.ilmd)
    if not events:
        raise EPCISReadError("The document holds no ObjectEvent or AggregationEvent: there is nothing to receive.")
    return EPCISDocument(document_format, sender, events, lot_data, notes)


def _read_json(content):
    try:
        document = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise EPCISReadError(f"The file is not valid JSON: {_shorten(error)}") from error
    if not isinstance(document, dict) or document.get("type") != "EPCISDocument":
        raise EPCISReadError('The JSON file is not an EPCIS document: its "type" must be "EPCISDocument".')
    validate_json(document)
    notes = []
    sender = document.get("sender")
    sender_gln = read_gln(sender, "sender") if isinstance(sender, str) else None
    raw_events = []
    for raw in (document.get("epcisBody") or {}).get("eventList") or []:
        raw_events.append(
            {
                "type": raw.get("type"),
                "action": raw.get("action"),
                "eventTime": raw.get("eventTime"),
                "bizStep": raw.get("bizStep"),
                "disposition": raw.get("disposition"),
                "readPoint": (raw.get("readPoint") or {}).get("id"),
                "bizLocation": (raw.get("bizLocation") or {}).get("id"),
                "sourceList": [(item.get("type"), item.get("source")) for item in raw.get("sourceList") or []],
                "destinationList": [
                    (item.get("type"), item.get("destination")) for item in raw.get("destinationList") or []
                ],
                "quantityList": [
                    (item.get("epcClass"), item.get("quantity"), item.get("uom"))
                    for item in raw.get("quantityList") or raw.get("childQuantityList") or []
                ]
                + [
                    (item.get("epcClass"), item.get("quantity"), item.get("uom"))
                    for item in raw.get("outputQuantityList") or []
                ],
                "epcList": raw.get("epcList") or raw.get("childEPCs") or raw.get("outputEPCList") or [],
                "parentID": raw.get("parentID"),
                "ilmd": {key.rsplit(":", 1)[-1]: value for key, value in (raw.get("ilmd") or {}).items()},
            }
        )
    return raw_events, sender_gln, notes


def _read_xml(content):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        tree = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise EPCISReadError(f"The file is not well-formed XML: {_shorten(error)}") from error
    if etree.QName(tree).localname != "EPCISDocument" or etree.QName(tree).namespace != EPCIS_XML_NAMESPACE:
        raise EPCISReadError(
            "The XML file is not an EPCIS 2.0 document: its root must be EPCISDocument in namespace "
            f"{EPCIS_XML_NAMESPACE}."
        )
    validate_xml(tree)

    def text(element, name):
        found = element.find(name)
        return found.text.strip() if found is not None and found.text else None

    def items(element, path, key):
        return [(item.get("type"), (item.text or "").strip()) for item in element.findall(f"{path}/{key}")]

    notes = []
    sender = None
    raw_events = []
    event_list = tree.find("EPCISBody/EventList")
    for raw in event_list if event_list is not None else []:
        if not isinstance(raw.tag, str):
            continue  # comments, processing instructions
        kind = etree.QName(raw).localname
        if kind == "extension":  # EPCIS 1.x TransformationEvent wrapper
            inner = [child for child in raw if isinstance(child.tag, str)]
            raw, kind = (inner[0], etree.QName(inner[0]).localname) if inner else (raw, kind)
        quantities = []
        for path in (
            "quantityList/quantityElement",
            "childQuantityList/quantityElement",
            "outputQuantityList/quantityElement",
            "extension/quantityList/quantityElement",
            "extension/childQuantityList/quantityElement",
        ):
            quantities += [
                (text(item, "epcClass"), text(item, "quantity"), text(item, "uom")) for item in raw.findall(path)
            ]
        epcs = [
            (item.text or "").strip()
            for path in ("epcList/epc", "childEPCs/epc", "outputEPCList/epc")
            for item in raw.findall(path)
        ]
        ilmd_element = raw.find("ilmd")
        if ilmd_element is None:
            ilmd_element = raw.find("extension/ilmd")
        ilmd = {}
        if ilmd_element is not None:
            for child in ilmd_element.iter():
                if child is not ilmd_element and isinstance(child.tag, str) and len(child) == 0:
                    ilmd[etree.QName(child).localname] = (child.text or "").strip()
        raw_events.append(
            {
                "type": kind,
                "action": text(raw, "action"),
                "eventTime": text(raw, "eventTime"),
                "bizStep": text(raw, "bizStep"),
                "disposition": text(raw, "disposition"),
                "readPoint": text(raw, "readPoint/id"),
                "bizLocation": text(raw, "bizLocation/id"),
                "sourceList": items(raw, "sourceList", "source") + items(raw, "extension/sourceList", "source"),
                "destinationList": items(raw, "destinationList", "destination")
                + items(raw, "extension/destinationList", "destination"),
                "quantityList": quantities,
                "epcList": epcs,
                "parentID": text(raw, "parentID"),
                "ilmd": ilmd,
            }
        )
    header_sender = tree.find(
        "EPCISHeader/{http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader}StandardBusinessDocumentHeader/"
        "{http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader}Sender/"
        "{http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader}Identifier"
    )
    if header_sender is not None and header_sender.text and header_sender.text.strip().isdigit():
        sender = header_sender.text.strip()
    return raw_events, sender, notes


def _read_event(index, raw, notes):
    """An ``EPCISEvent`` of a raw event (the same dict from JSON or XML), or None (noted) for one not read."""
    where = f"Event {index}"
    kind = raw["type"]
    if kind not in SUPPORTED_EVENTS and kind != "TransformationEvent":
        notes.append(f"{where}: {kind} not read (only ObjectEvent and AggregationEvent are imported).")
        return None
    if raw["epcList"]:
        notes.append(
            f"{where}: {len(raw['epcList'])} instance-level EPC(s) (e.g. {raw['epcList'][0]}) not read: "
            "only lot classes with quantities are imported."
        )
    quantities = []
    for position, (epc_class, quantity, uom) in enumerate(raw["quantityList"], start=1):
        element_where = f"{where}, quantity element {position}"
        if not epc_class:
            raise EPCISReadError(f"{element_where}: no epcClass.")
        gtin, lot = read_lot_class(epc_class, element_where)
        quantities.append(LotQuantity(epc_class, gtin, lot, read_quantity(quantity, element_where), uom or None))
    parent_sscc = None
    if raw["parentID"]:
        parent_sscc = read_sscc(raw["parentID"], f"{where}, parentID")
        if parent_sscc is None:
            notes.append(f"{where}: parent {raw['parentID']} is not an SSCC; not read.")
    ilmd = {}
    for key, value in raw["ilmd"].items():
        name = ILMD_FIELDS.get(key)
        if name is None:
            notes.append(f"{where}: ILMD field {key} not read.")
        elif name == "lot_number":
            ilmd[name] = str(value)
        else:
            ilmd[name] = read_date(value, f"{where}, ilmd {key}")

    def glns(pairs, list_name):
        found = {}
        for position, (kind_uri, value) in enumerate(pairs, start=1):
            gln = read_gln(value or "", f"{where}, {list_name} {position}")
            if gln is None:
                notes.append(f"{where}: {list_name} {value} is not a GLN; not read.")
            else:
                found[cbv_name(kind_uri)] = gln
        return found

    def location(value, name):
        if not value:
            return None
        gln = read_gln(value, f"{where}, {name}")
        if gln is None:
            notes.append(f"{where}: {name} {value} is not a GLN; not read.")
        return gln

    return EPCISEvent(
        index=index,
        type=kind,
        action=raw["action"],
        event_time=raw["eventTime"],
        biz_step=cbv_name(raw["bizStep"]),
        disposition=cbv_name(raw["disposition"]),
        read_point=location(raw["readPoint"], "readPoint"),
        biz_location=location(raw["bizLocation"], "bizLocation"),
        sources=glns(raw["sourceList"], "source"),
        destinations=glns(raw["destinationList"], "destination"),
        quantities=quantities,
        parent_sscc=parent_sscc,
        ilmd=ilmd,
    )
