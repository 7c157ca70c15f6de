"""GS1 element strings and GS1 Digital Link URIs for the AIs a lot label carries.

Pure Python (no Odoo import) so that it is tested with plain pytest. Supports AIs 01 (GTIN),
10 (batch/lot), 11 (production date), 13 (packaging date), 15 (best before), 17 (expiration)
and 21 (serial), as defined in the GS1 General Specifications and the GS1 Digital Link standard.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlsplit

GS = "\x1d"  # FNC1 as transmitted by scanners (ASCII group separator)
SYMBOLOGY_IDENTIFIERS = ("]C1", "]d2", "]Q3", "]e0")
# GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
CSET82 = re.compile(r"""^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$""")
DEFAULT_RESOLVER = "https://id.gs1.org"


class GS1Error(ValueError):
    """Raised for anything that is not valid GS1; the message says what to fix."""

    def __init__(self, message, ai=None):
        super().__init__(message)
        self.ai = ai


@dataclass(frozen=True)
class AIDefinition:
    ai: str
    title: str
    kind: str  # 'gtin' | 'date' | 'text'
    length: int | None  # fixed length of the value, None when variable
    max_length: int


AI_DEFINITIONS = {
    "01": AIDefinition("01", "GTIN", "gtin", 14, 14),
    "10": AIDefinition("10", "BATCH/LOT", "text", None, 20),
    "11": AIDefinition("11", "PROD DATE", "date", 6, 6),
    "13": AIDefinition("13", "PACK DATE", "date", 6, 6),
    "15": AIDefinition("15", "BEST BEFORE", "date", 6, 6),
    "17": AIDefinition("17", "USE BY / EXPIRY", "date", 6, 6),
    "21": AIDefinition("21", "SERIAL", "text", None, 20),
}
# Element order when building: the GTIN, then fixed-length fields, then variable ones, so a raw
# string needs a separator only between variable fields.
BUILD_ORDER = ("01", "11", "13", "15", "17", "10", "21")
DIGITAL_LINK_QUALIFIERS = ("10", "21")  # path order after /01/{gtin}
DIGITAL_LINK_ATTRIBUTES = ("11", "13", "15", "17")


def _definition(ai):
    try:
        return AI_DEFINITIONS[ai]
    except KeyError:
        raise GS1Error(
            f"AI ({ai}) is not supported here; supported AIs are {', '.join(sorted(AI_DEFINITIONS))}.", ai
        ) from None


# ----------------------------------------------------------------------
# GTIN
# ----------------------------------------------------------------------


def gtin_check_digit(digits):
    """The GS1 mod-10 check digit of ``digits`` (the number without its check digit)."""
    if not digits.isdigit():
        raise GS1Error(f"'{digits}' must contain digits only to compute a GS1 check digit.")
    # Weights 3, 1, 3, ... from the rightmost digit.
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def normalize_gtin(gtin):
    """Validate a GTIN-8, 12, 13 or 14 and return it as 14 digits."""
    gtin = (gtin or "").strip()
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        raise GS1Error(f"GTIN '{gtin}' must be 8, 12, 13 or 14 digits.", "01")
    expected = gtin_check_digit(gtin[:-1])
    if int(gtin[-1]) != expected:
        raise GS1Error(f"GTIN {gtin} has a wrong check digit: expected {expected}, got {gtin[-1]}.", "01")
    return gtin.zfill(14)


# ----------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------


def _century_year(yy, today):
    """Four-digit year of a two-digit one by the GS1 sliding window (GenSpecs 7.12)."""
    current = today.year
    difference = yy - current % 100
    century = current - current % 100
    if 51 <= difference <= 99:
        century -= 100
    elif -99 <= difference <= -50:
        century += 100
    return century + yy


def parse_date(value, ai="17", today=None):
    """A YYMMDD value as a date; day 00 is the last day of the month."""
    title = AI_DEFINITIONS[ai].title.lower() if ai in AI_DEFINITIONS else "date"
    if len(value) != 6 or not value.isdigit():
        raise GS1Error(f"AI ({ai}) {title} '{value}' must be 6 digits YYMMDD.", ai)
    yy, month, day = int(value[:2]), int(value[2:4]), int(value[4:])
    if not 1 <= month <= 12:
        raise GS1Error(f"AI ({ai}) {title} '{value}' is not a valid YYMMDD date: month {month} does not exist.", ai)
    year = _century_year(yy, today or datetime.date.today())
    last_day = calendar.monthrange(year, month)[1]
    if day == 0:
        day = last_day
    elif day > last_day:
        raise GS1Error(
            f"AI ({ai}) {title} '{value}' is not a valid YYMMDD date: {year}-{month:02d} has {last_day} days.",
            ai,
        )
    return datetime.date(year, month, day)


def format_date(value):
    return value.strftime("%y%m%d")


# ----------------------------------------------------------------------
# Values
# ----------------------------------------------------------------------


def _parse_value(ai, raw, today):
    definition = _definition(ai)
    if definition.kind == "gtin":
        if len(raw) != 14:
            raise GS1Error(f"AI (01) GTIN '{raw}' must be 14 digits.", ai)
        return normalize_gtin(raw)
    if definition.kind == "date":
        return parse_date(raw, ai, today)
    _check_text(ai, raw)
    return raw


def _check_text(ai, value):
    definition = AI_DEFINITIONS[ai]
    if not value:
        raise GS1Error(f"AI ({ai}) {definition.title.lower()} is empty.", ai)
    if len(value) > definition.max_length:
        raise GS1Error(
            f"AI ({ai}) {definition.title.lower()} '{value}' has {len(value)} characters; "
            f"GS1 allows at most {definition.max_length}.",
            ai,
        )
    if not CSET82.match(value):
        bad = sorted({char for char in value if not CSET82.match(char)})
        raise GS1Error(
            f"AI ({ai}) {definition.title.lower()} '{value}' contains characters GS1 cannot encode: "
            f"{' '.join(repr(char) for char in bad)}. Use letters, digits and !\"%&'()*+,-./:;<=>?_ only.",
            ai,
        )


def _format_value(ai, value):
    definition = _definition(ai)
    if definition.kind == "gtin":
        return normalize_gtin(str(value))
    if definition.kind == "date":
        if not isinstance(value, datetime.date):
            value = parse_date(str(value), ai)
        return format_date(value)
    value = str(value)
    _check_text(ai, value)
    return value


def _add(elements, ai, value):
    if ai in elements and elements[ai] != value:
        raise GS1Error(f"AI ({ai}) appears twice with different values: '{elements[ai]}' and '{value}'.", ai)
    elements[ai] = value


# ----------------------------------------------------------------------
# Element strings
# ----------------------------------------------------------------------


def parse(data, today=None):
    """Parse a scanned GS1 barcode: parenthesised or raw element string, or a Digital Link URI.

    :return: dict ``{ai: value}``; GTIN as 14 digits, dates as ``datetime.date``, lot and
        serial as text.
    """
    text = (data or "").strip()
    if not text:
        raise GS1Error("The GS1 barcode is empty.")
    if re.match(r"^https?://", text, re.IGNORECASE):
        return parse_digital_link(text, today=today)
    for identifier in SYMBOLOGY_IDENTIFIERS:
        if text.startswith(identifier):
            text = text[len(identifier) :]
            break
    text = text.replace("<GS>", GS).lstrip(GS)
    if not text:
        raise GS1Error("The GS1 barcode has no data after its symbology identifier.")
    if text.startswith("("):
        return _parse_parenthesised(text, today)
    return _parse_raw(text, today)


def _parse_parenthesised(text, today):
    elements = {}
    position = 0
    text = text.strip()
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        if text[position] != "(":
            raise GS1Error(f"Expected '(' at position {position + 1} of '{text}': every AI is written in parentheses.")
        closing = text.find(")", position)
        if closing == -1:
            raise GS1Error(f"Unbalanced parenthesis in '{text}': an AI is opened but never closed.")
        ai = text[position + 1 : closing]
        if not ai.isdigit():
            raise GS1Error(f"'({ai})' is not an application identifier: AIs are digits.")
        next_open = text.find("(", closing + 1)
        # A lot may itself contain '(' (it is in character set 82); an AI is '(' + digits + ')'.
        while next_open != -1 and not re.match(r"\(\d{2,4}\)", text[next_open:]):
            next_open = text.find("(", next_open + 1)
        end = len(text) if next_open == -1 else next_open
        raw = text[closing + 1 : end].strip()
        _add(elements, ai, _parse_value(ai, raw, today))
        position = end
    return elements


def _parse_raw(text, today):
    elements = {}
    position = 0
    while position < len(text):
        if text[position] == GS:
            position += 1
            continue
        ai = text[position : position + 2]
        definition = _definition(ai)
        position += 2
        if definition.length:
            raw = text[position : position + definition.length]
            if len(raw) < definition.length or not raw.isdigit():
                raise GS1Error(
                    f"AI ({ai}) {definition.title.lower()} needs {definition.length} digits, got '{raw}'.", ai
                )
            position += definition.length
        else:
            end = text.find(GS, position)
            end = len(text) if end == -1 else end
            raw = text[position:end]
            position = end
        _add(elements, ai, _parse_value(ai, raw, today))
    return elements


def build(elements, parenthesised=True):
    """Build an element string from ``{ai: value}`` (dates as ``datetime.date``).

    The raw form (``parenthesised=False``) puts a GS separator after each variable-length
    field but the last, as a GS1-128 or DataMatrix encoder expects.
    """
    if not elements:
        raise GS1Error("Nothing to encode: give at least one AI.")
    for ai in elements:
        _definition(ai)
    ordered = [(ai, _format_value(ai, elements[ai])) for ai in BUILD_ORDER if ai in elements]
    if parenthesised:
        return "".join(f"({ai}){value}" for ai, value in ordered)
    parts = []
    for index, (ai, value) in enumerate(ordered):
        parts.append(ai + value)
        if AI_DEFINITIONS[ai].length is None and index < len(ordered) - 1:
            parts.append(GS)
    return "".join(parts)


# ----------------------------------------------------------------------
# Digital Link
# ----------------------------------------------------------------------


def parse_digital_link(uri, today=None):
    """Parse a GS1 Digital Link URI: ``https://domain[/prefix]/01/{gtin}[/10/{lot}][/21/{serial}]?17=...``."""
    parts = urlsplit((uri or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GS1Error(f"'{uri}' is not a GS1 Digital Link: it must be an http(s) URI.")
    segments = [segment for segment in parts.path.split("/") if segment]
    try:
        start = segments.index("01")
    except ValueError:
        raise GS1Error(f"'{uri}' is not a GS1 Digital Link: its path has no /01/ followed by a GTIN.", "01") from None
    path = segments[start:]
    if len(path) % 2:
        raise GS1Error(f"'{uri}': every AI in the path must be followed by its value.")
    elements = {}
    allowed_path = ("01", *DIGITAL_LINK_QUALIFIERS)
    for ai, raw in zip(path[::2], path[1::2], strict=True):
        if ai not in allowed_path:
            raise GS1Error(f"AI ({ai}) cannot stand in a Digital Link path here; only 01, 10 and 21 can.", ai)
        raw = unquote(raw)
        _add(elements, ai, normalize_gtin(raw) if ai == "01" else _parse_value(ai, raw, today))
    for key, raw in parse_qsl(parts.query, keep_blank_values=True):
        if not key.isdigit():
            continue  # linkType and other non-AI parameters
        _add(elements, key, _parse_value(key, raw, today))
    return elements


def build_digital_link(elements, domain=DEFAULT_RESOLVER):
    """The GS1 Digital Link URI of ``{ai: value}`` on ``domain``; AI 01 is required."""
    domain = (domain or "").strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", domain):
        raise GS1Error(f"The resolver '{domain}' must start with http:// or https:// followed by a domain.")
    if not elements.get("01"):
        raise GS1Error("A GS1 Digital Link needs a GTIN (AI 01).", "01")
    for ai in elements:
        _definition(ai)
    uri = f"{domain}/01/{normalize_gtin(str(elements['01']))}"
    for ai in DIGITAL_LINK_QUALIFIERS:
        if elements.get(ai):
            uri += f"/{ai}/{quote(_format_value(ai, elements[ai]), safe='')}"
    query = [f"{ai}={_format_value(ai, elements[ai])}" for ai in DIGITAL_LINK_ATTRIBUTES if elements.get(ai)]
    return uri + ("?" + "&".join(query) if query else "")
