"""GS1 EPCIS 2.0 / CBV 2.0 identifiers and the event hash ID, for the events our exports write.

Pure Python (no Odoo import), tested with plain pytest.

- Lot classes: ``urn:epc:class:lgtin:<company prefix>.<indicator + item reference>.<lot>`` (EPC
  Tag Data Standard 2.0, section 6.3.1) from a GTIN and the length of its GS1 company prefix.
- Locations and parties: ``urn:epc:id:sgln:<company prefix>.<location reference>.0`` and
  ``urn:epc:id:pgln:<company prefix>.<party reference>`` from a GLN.
- Event IDs: the GS1 "event hash" algorithm of CBV 2.0 (section 8.9.2, reference implementation
  ``epcis-event-hash-generator``): the event's fields in a canonical order and form (times in UTC
  at millisecond precision, CBV values as GS1 Web URIs, EPC URNs as GS1 Digital Link URIs), the
  lists sorted, hashed with SHA-256 into ``ni:///sha-256;<hex>?ver=CBV2.0``. This module computes
  it for the event shapes the exports produce (ObjectEvent and TransformationEvent with quantity
  lists, read point, business location, business transactions, sources, destinations and ILMD);
  the tests compare it with hashes computed by the reference implementation.
"""

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

GS1_DIGITAL_LINK = "https://id.gs1.org"
CBV_WEB_VOCABULARY = {
    "bizStep": "https://ref.gs1.org/cbv/BizStep-",
    "disposition": "https://ref.gs1.org/cbv/Disp-",
    "bizTransaction": "https://ref.gs1.org/cbv/BTT-",
    "sourceDestination": "https://ref.gs1.org/cbv/SDT-",
}
# Characters an EPC URI keeps as they are in a lot or a serial (Tag Data Standard, table A-1);
# every other character is percent-encoded.
EPC_SAFE_CHARACTERS = "!'()*+,-.:;=_"
ASCII_ESCAPES = str.maketrans(
    {
        code: f"%{code:02X}"
        for code in range(128)
        if not (chr(code).isascii() and chr(code).isalnum()) and chr(code) not in EPC_SAFE_CHARACTERS
    }
)
# GS1 AI encodable character set 82: what a lot (AI 10, up to 20 characters) may hold.
CSET82 = re.compile(r"""[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}""")
# What a GS1 Digital Link URI percent-encodes beyond an EPC URI (Digital Link standard, table 7-1).
DIGITAL_LINK_ESCAPES = str.maketrans({character: f"%{ord(character):02X}" for character in "!()*+,:"})
LGTIN = re.compile(r"urn:epc:class:lgtin:([0-9]+)\.([0-9]+)\.(.+)")
SGLN = re.compile(r"urn:epc:id:sgln:([0-9]+)\.([0-9]*)\.(.+)")
PGLN = re.compile(r"urn:epc:id:pgln:([0-9]+)\.([0-9]*)")
SSCC = re.compile(r"urn:epc:id:sscc:([0-9]+)\.([0-9])([0-9]*)")


class EPCISError(ValueError):
    """A value that cannot be turned into an EPCIS identifier."""


def check_digit(digits):
    """GS1 mod-10 check digit of ``digits`` (without its check digit)."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def gtin14(barcode):
    """The GTIN-14 of a barcode when it is a valid GTIN-8, 12, 13 or 14, else None."""
    barcode = (barcode or "").strip()
    if len(barcode) not in (8, 12, 13, 14) or not barcode.isascii() or not barcode.isdigit():
        return None
    if check_digit(barcode[:-1]) != barcode[-1]:
        return None
    return barcode.zfill(14)


def gln13(gln):
    """A valid 13-digit GLN, else None."""
    gln = (gln or "").strip()
    if len(gln) != 13 or not gln.isascii() or not gln.isdigit() or check_digit(gln[:-1]) != gln[-1]:
        return None
    return gln


def _check_prefix_length(prefix_length):
    if not 6 <= prefix_length <= 12:
        raise EPCISError(f"A GS1 company prefix has 6 to 12 digits, not {prefix_length}.")


def escape_epc_component(value):
    """A lot code or serial as an EPC URI component (percent-encoded outside the safe set)."""
    if value.isascii():  # the common case, without quote()'s per-character work
        return value.translate(ASCII_ESCAPES)
    return quote(value, safe=EPC_SAFE_CHARACTERS)


def is_gs1_lot(lot):
    """Whether a lot code can be a GS1 batch/lot number (AI 10: 1 to 20 characters of set 82)."""
    return bool(CSET82.fullmatch(lot or ""))


def lgtin_class(gtin, lot, prefix_length):
    """``urn:epc:class:lgtin:`` of a lot of a GTIN-14 whose company prefix has ``prefix_length`` digits."""
    _check_prefix_length(prefix_length)
    if not is_gs1_lot(lot):
        raise EPCISError(f"Lot '{lot}' is not a GS1 lot number (1 to 20 characters of GS1 character set 82).")
    indicator, prefix, item = gtin[0], gtin[1 : 1 + prefix_length], gtin[1 + prefix_length : 13]
    return f"urn:epc:class:lgtin:{prefix}.{indicator}{item}.{escape_epc_component(lot)}"


def sgln(gln, prefix_length, extension="0"):
    """``urn:epc:id:sgln:`` of a 13-digit GLN."""
    _check_prefix_length(prefix_length)
    return f"urn:epc:id:sgln:{gln[:prefix_length]}.{gln[prefix_length:12]}.{extension}"


def pgln(gln, prefix_length):
    """``urn:epc:id:pgln:`` (party) of a 13-digit GLN."""
    _check_prefix_length(prefix_length)
    return f"urn:epc:id:pgln:{gln[:prefix_length]}.{gln[prefix_length:12]}"


def format_time(value, offset):
    """ISO 8601 time with milliseconds and the given ``+HH:MM`` offset of a local naive datetime."""
    return value.isoformat(timespec="milliseconds") + offset


def format_utc_time(value):
    """The canonical (event hash) form of a naive UTC datetime: milliseconds (rounded) and 'Z'."""
    milliseconds = round(value.microsecond, -3)
    if milliseconds == 1000000:  # rounded up to the next second
        return (value.replace(microsecond=0) + timedelta(seconds=1)).isoformat(timespec="milliseconds") + "Z"
    return f"{value.isoformat(timespec='seconds')}.{milliseconds // 1000:03d}Z"


_OFFSETS = {}


def format_offset(utc_value, local_value):
    """``+HH:MM`` offset between a UTC and a local naive datetime of the same instant."""
    minutes = round((local_value - utc_value).total_seconds() / 60)
    if minutes not in _OFFSETS:
        sign = "+" if minutes >= 0 else "-"
        _OFFSETS[minutes] = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return _OFFSETS[minutes]


# ----------------------------------------------------------------------
# Event hash ID (CBV 2.0, 8.9.2)
# ----------------------------------------------------------------------


def canonical_number(value):
    """A quantity as the algorithm writes it: an integer without decimals."""
    number = float(value)
    if int(number) == number:
        return str(int(number))
    return str(number)


def canonical_uri(value):
    """EPC URNs as GS1 Digital Link URIs, as the canonical form of the algorithm asks."""
    match = LGTIN.fullmatch(value)
    if match:
        prefix, item, lot = match.groups()
        digits = item[0] + prefix + item[1:]
        return f"{GS1_DIGITAL_LINK}/01/{digits}{check_digit(digits)}/10/{lot.translate(DIGITAL_LINK_ESCAPES)}"
    match = SGLN.fullmatch(value)
    if match:
        prefix, reference, extension = match.groups()
        digits = prefix + reference
        link = f"{GS1_DIGITAL_LINK}/414/{digits}{check_digit(digits)}"
        return link if extension == "0" else f"{link}/254/{extension}"
    match = PGLN.fullmatch(value)
    if match:
        digits = "".join(match.groups())
        return f"{GS1_DIGITAL_LINK}/417/{digits}{check_digit(digits)}"
    match = SSCC.fullmatch(value)
    if match:
        prefix, extension, reference = match.groups()
        digits = extension + prefix + reference
        return f"{GS1_DIGITAL_LINK}/00/{digits}{check_digit(digits)}"
    return value


def _utc_time(value):
    """An ISO 8601 time with offset as UTC with milliseconds and 'Z'."""
    moment = datetime.fromisoformat(value).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{round(moment.microsecond, -3) // 1000:03d}Z"


def _quantity_list(name, elements):
    if not elements:
        return ""
    parts = []
    for element in elements:
        part = f"quantityElementepcClass={canonical_uri(element['epcClass'])}"
        part += f"quantity={canonical_number(element['quantity'])}"
        if element.get("uom"):
            part += f"uom={element['uom']}"
        parts.append(part)
    return name + "".join(sorted(parts))


def _typed_list(name, key, elements, vocabulary):
    parts = sorted(
        (f"type={vocabulary}{element['type']}" if element.get("type") else "") + f"{key}={canonical_uri(element[key])}"
        for element in elements
    )
    return name + "".join(parts)


def event_pre_hash(event, utc_time=None):
    """The canonical pre-hash string of an event (dict as written in the JSON-LD document).

    ``utc_time``: the event time already in its canonical form (``format_utc_time``), if known.
    """
    parts = [
        f"eventType={event['type']}",
        f"eventTime={utc_time or _utc_time(event['eventTime'])}",
        f"eventTimeZoneOffset={event['eventTimeZoneOffset']}",
    ]
    if event.get("parentID"):  # an AggregationEvent's pallet (SSCC)
        parts.append(f"parentID={canonical_uri(event['parentID'])}")
    for name in ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"):
        parts.append(_quantity_list(name, event.get(name)))
    if event.get("action"):
        parts.append(f"action={event['action']}")
    if event.get("bizStep"):
        parts.append(f"bizStep={CBV_WEB_VOCABULARY['bizStep']}{event['bizStep']}")
    if event.get("disposition"):
        parts.append(f"disposition={CBV_WEB_VOCABULARY['disposition']}{event['disposition']}")
    for name in ("readPoint", "bizLocation"):
        if event.get(name):
            parts.append(f"{name}id={canonical_uri(event[name]['id'])}")
    # The fields without a place in the canonical order come last, sorted by their text.
    others = []
    if event.get("bizTransactionList"):
        others.append(
            _typed_list(
                "bizTransactionList",
                "bizTransaction",
                event["bizTransactionList"],
                CBV_WEB_VOCABULARY["bizTransaction"],
            )
        )
    if event.get("sourceList"):
        others.append(_typed_list("sourceList", "source", event["sourceList"], CBV_WEB_VOCABULARY["sourceDestination"]))
    if event.get("destinationList"):
        others.append(
            _typed_list(
                "destinationList", "destination", event["destinationList"], CBV_WEB_VOCABULARY["sourceDestination"]
            )
        )
    if event.get("ilmd"):
        others.append("ilmd" + "".join(sorted(f"{key}={value}" for key, value in event["ilmd"].items())))
    parts.extend(sorted(others))
    return "".join(parts)


def event_hash_id(event, utc_time=None):
    """The event ID of an event: ``ni:///sha-256;<hex>?ver=CBV2.0``."""
    digest = hashlib.sha256(event_pre_hash(event, utc_time).encode()).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"


# ----------------------------------------------------------------------
# Streamed EPCISDocument
# ----------------------------------------------------------------------

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


class EPCISDocumentWriter:
    """Writes an ``EPCISDocument`` event by event into a text file: memory flat in the events.

    Each event gets its ``eventID`` (event hash) before it is written.
    """

    def __init__(self, stream, creation_date, header=None):
        self.stream = stream
        self.events = 0
        document = {
            "@context": [EPCIS_CONTEXT],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": creation_date,
        }
        document.update(header or {})
        opening = json.dumps(document, ensure_ascii=False)
        # The body is opened by hand so that events can follow one at a time.
        stream.write(opening[:-1] + ', "epcisBody": {"eventList": [\n')

    def add(self, event, utc_time=None):
        """Write an event (a dict) with its ID; ``utc_time`` as in ``event_pre_hash``."""
        event["eventID"] = event_hash_id(event, utc_time)
        if self.events:
            self.stream.write(",\n")
        self.stream.write(json.dumps(event, ensure_ascii=False))
        self.events += 1

    def add_json(self, text):
        """Write an event already written as JSON text (its ``eventID`` included)."""
        if self.events:
            self.stream.write(",\n")
        self.stream.write(text)
        self.events += 1

    def close(self):
        self.stream.write("\n]}}\n")
