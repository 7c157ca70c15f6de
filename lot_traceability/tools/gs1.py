"""GS1 element strings and GS1 Digital Link URIs for the AIs a lot label carries.

Pure Python (no Odoo import) so that it is tested with plain pytest. Reads AIs 01 (GTIN),
10 (batch/lot), 11 (production date), 13 (packaging date), 15 (best before), 17 (expiration),
21 (serial), 30 (variable count) and 37 (count of trade items), as defined in the GS1 General
Specifications and the GS1 Digital Link standard.
Other AIs of a scan are kept aside, raw, in ``GS1Elements.unknown``: a supplier's label may carry
more than this module reads, and that is no reason to refuse it.

Scans are untrusted input: digits are the ASCII digits 0-9 only (``str.isdigit()`` and ``\\d``
also accept Arabic-Indic or fullwidth digits), control characters such as a trailing line break
are refused rather than dropped, and a scan longer than any GS1 barcode holds is refused before it
is parsed. Parsing is linear in the length of the input.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlsplit

GS = "\x1d"  # FNC1 as transmitted by scanners (ASCII group separator)
SYMBOLOGY_IDENTIFIERS = ("]C1", "]d2", "]Q3", "]e0")
# GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1). Always used with
# fullmatch: '$' would also match before a final line break.
CSET82 = re.compile(r"""[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+""")
# Every GS1 character set (82, 39, 64) is printable ASCII without the space: what a value of an AI
# this module does not read may hold.
GS1_CHARACTERS = re.compile(r"[!-~]*")
DIGITS = re.compile(r"[0-9]+")  # never \d nor str.isdigit(): both accept any Unicode digit
AI_CODE = re.compile(r"[0-9]{2,4}")
# Where the next AI starts in the parenthesised form: '(' + 2 to 4 digits + ')'. Any Unicode digit
# on purpose, so that an AI typed in other digits is refused by name instead of read as a value.
PARENTHESISED_AI = re.compile(r"\(\d{2,4}\)")
# Control characters (C0, DEL, C1) and Unicode line separators: never part of GS1 data. urlsplit()
# would even drop tabs and line breaks silently. Only an element string may hold the FNC1 (GS).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# A resolver: http(s), a host name with an optional port, an optional path (RFC 3986 characters).
RESOLVER = re.compile(r"https?://[A-Za-z0-9.\-]+(?::[0-9]+)?(?:/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*)?", re.IGNORECASE)
DEFAULT_RESOLVER = "https://id.gs1.org"
# Checked before any parsing, so that a pasted file or a runaway scanner is refused at once. The
# largest GS1 symbols hold about 3,000 characters (GS1 DataMatrix: 3,116 digits; a GS1 QR Code
# Digital Link: 2,953 bytes); lot labels carry far less.
MAX_ELEMENT_STRING_LENGTH = 4096
MAX_DIGITAL_LINK_LENGTH = 4096


class GS1Error(ValueError):
    """Raised for anything that is not valid GS1; the message says what to fix."""

    def __init__(self, message, ai=None):
        super().__init__(message)
        self.ai = ai


class GS1CheckDigitError(GS1Error):
    """A number (GTIN, SSCC, GLN...) complete but with a wrong check digit: a misread or mistyped digit."""


class GS1Elements(dict):
    """``{ai: value}`` of the AIs this module reads, as a plain dict compares it.

    ``unknown`` holds ``{ai: raw value}`` of the other AIs of the scan, neither parsed nor
    validated beyond their characters.
    """

    def __init__(self, *args, unknown=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = dict(unknown or {})


@dataclass(frozen=True)
class AIDefinition:
    ai: str
    title: str
    kind: str  # 'gtin' | 'date' | 'text' | 'count'
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
    "30": AIDefinition("30", "VAR. COUNT", "count", None, 8),
    "37": AIDefinition("37", "COUNT", "count", None, 8),
}
# Element order when building: the GTIN, then fixed-length fields, then variable ones, so a raw
# string needs a separator only between variable fields.
BUILD_ORDER = ("01", "11", "13", "15", "17", "30", "37", "10", "21")
DIGITAL_LINK_QUALIFIERS = ("10", "21")  # path order after /01/{gtin}
DIGITAL_LINK_ATTRIBUTES = ("11", "13", "15", "17", "30", "37")

# To split AIs this module does not read out of a raw element string (GS1 General Specifications
# 5.10.1 and GS1's Barcode Syntax Engine), by the first two digits of the AI:
# - the length of the AI itself, the same for every AI of a prefix;
AI_LENGTH_BY_PREFIX = {
    **dict.fromkeys(("00", "01", "02", "10", "11", "12", "13", "15", "16", "17", "20", "21", "22"), 2),
    **dict.fromkeys(("23", "24", "25"), 3),
    **dict.fromkeys(("30", "37"), 2),
    **dict.fromkeys(("31", "32", "33", "34", "35", "36", "39"), 4),
    **dict.fromkeys(("40", "41", "42"), 3),
    "43": 4,
    "70": 4,
    "71": 3,
    **dict.fromkeys(("72", "80", "81", "82"), 4),
    **{f"9{digit}": 2 for digit in "0123456789"},
}
# - the predefined length of the element (AI + value) when it is never followed by an FNC1; this
#   table is frozen by GS1. Any other element ends at an FNC1 or at the end of the data.
PREDEFINED_ELEMENT_LENGTH = {
    "00": 20,
    **dict.fromkeys(("01", "02", "03"), 16),
    "04": 18,
    **{f"1{digit}": 8 for digit in "123456789"},
    "20": 4,
    **dict.fromkeys(("31", "32", "33", "34", "35", "36"), 10),
    "41": 16,
}


# AIs this module does not read whose value starts with a number ending in a GS1 check digit, with
# the length of that number: SSCC, GTIN of contained items, GLNs (GS1 General Specifications 3.2-3.7).
CHECK_DIGIT_LENGTH_BY_AI = {
    "00": 18,
    "02": 14,
    **{f"41{digit}": 13 for digit in "01234567"},
    "8017": 18,
    "8018": 18,
}
CHECK_DIGIT_TITLES = {"00": "SSCC", "02": "GTIN of contained items", "8017": "GSRN", "8018": "GSRN"}


def _is_digits(value):
    """True when ``value`` is one or more ASCII digits 0-9."""
    return bool(DIGITS.fullmatch(value))


def _ascii_digits_hint(value):
    """A sentence naming the Unicode digits of ``value`` that GS1 does not accept, or ''."""
    unicode_digits = sorted({char for char in value if char.isdigit() and not char.isascii()})
    if not unicode_digits:
        return ""
    return (
        f"; GS1 accepts only the ASCII digits 0-9, not {', '.join(repr(char) for char in unicode_digits[:5])}: "
        f"set the scanner or keyboard to Latin digits"
    )


def _shorten(value, limit=60):
    """``value`` cut for an error message: a message never repeats a whole scan."""
    return value if len(value) <= limit else f"{value[: limit - 3]}..."


def _check_control_characters(text, allow_gs):
    """Refuse line breaks, tabs and other control characters instead of dropping them."""
    for match in CONTROL_CHARACTERS.finditer(text):
        if allow_gs and match.group() == GS:
            continue
        raise GS1Error(
            f"The GS1 barcode contains a control character ({match.group()!r}) at position {match.start() + 1}: "
            "GS1 data never holds one. Remove the line break or tab (a scanner set to send Enter or Tab "
            "after the barcode adds one) and scan again."
        )


def _check_length(text, maximum, what):
    if len(text) > maximum:
        raise GS1Error(
            f"The {what} is too long: {len(text)} characters, at most {maximum}. No GS1 barcode holds that "
            "much: scan the label again."
        )


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
    if not _is_digits(digits):
        raise GS1Error(
            f"'{_shorten(digits)}' must contain digits only to compute a GS1 check digit{_ascii_digits_hint(digits)}."
        )
    # Weights 3, 1, 3, ... from the rightmost digit.
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def _check_digit_error(what, number, ai):
    """A GS1Error naming the wrong check digit of ``number`` (digits, check digit last), or None."""
    expected = gtin_check_digit(number[:-1])
    if int(number[-1]) == expected:
        return None
    return GS1CheckDigitError(
        f"{what} {number} has a wrong check digit (its {_ordinal(len(number))} and last digit): expected "
        f"{expected}, got {number[-1]}. Check the digits typed, or scan the label again.",
        ai,
    )


def _ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def normalize_gtin(gtin):
    """Validate a GTIN-8, 12, 13 or 14 and return it as 14 digits (spaces around are ignored)."""
    gtin = (gtin or "").strip(" ")
    if len(gtin) not in (8, 12, 13, 14) or not _is_digits(gtin):
        raise GS1Error(f"GTIN '{_shorten(gtin)}' must be 8, 12, 13 or 14 digits{_ascii_digits_hint(gtin[:64])}.", "01")
    error = _check_digit_error("GTIN", gtin, "01")
    if error:
        raise error
    return gtin.zfill(14)


def gtin_barcodes(gtin):
    """The forms a product barcode may store ``gtin`` (14 digits) in: GTIN-14, and GTIN-13, 12 and 8
    when its leading digits are zeros."""
    gtin = normalize_gtin(gtin)
    return [gtin[-length:] for length in (14, 13, 12, 8) if not gtin[: 14 - length].strip("0")]


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
    if len(value) != 6 or not _is_digits(value):
        raise GS1Error(
            f"AI ({ai}) {title} '{_shorten(value)}' must be 6 digits YYMMDD{_ascii_digits_hint(value[:64])}.", ai
        )
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
            raise GS1Error(f"AI (01) GTIN '{_shorten(raw)}' must be 14 digits{_ascii_digits_hint(raw)}.", ai)
        return normalize_gtin(raw)
    if definition.kind == "date":
        return parse_date(raw, ai, today)
    if definition.kind == "count":
        return _parse_count(ai, raw)
    _check_text(ai, raw)
    return raw


def _parse_count(ai, raw):
    """AIs 30 and 37: a count of units or trade items, 1 to 8 digits."""
    definition = AI_DEFINITIONS[ai]
    if not raw or len(raw) > definition.max_length or not _is_digits(raw):
        raise GS1Error(
            f"AI ({ai}) {definition.title.lower()} '{_shorten(raw)}' must be 1 to {definition.max_length} digits"
            f"{_ascii_digits_hint(raw[:64])}.",
            ai,
        )
    return int(raw)


def _check_text(ai, value):
    definition = AI_DEFINITIONS[ai]
    if not value:
        raise GS1Error(f"AI ({ai}) {definition.title.lower()} is empty.", ai)
    if len(value) > definition.max_length:
        raise GS1Error(
            f"AI ({ai}) {definition.title.lower()} '{_shorten(value)}' has {len(value)} characters; "
            f"GS1 allows at most {definition.max_length}.",
            ai,
        )
    if not CSET82.fullmatch(value):
        bad = sorted({char for char in value if not CSET82.fullmatch(char)})
        raise GS1Error(
            f"AI ({ai}) {definition.title.lower()} '{value}' contains characters GS1 cannot encode: "
            f"{' '.join(repr(char) for char in bad)}. Use letters, digits and !\"%&'()*+,-./:;<=>?_ only.",
            ai,
        )


def _check_unknown(ai, value):
    """The raw value of an AI this module does not read: only characters GS1 can encode."""
    if not GS1_CHARACTERS.fullmatch(value):
        bad = sorted({char for char in value if not GS1_CHARACTERS.fullmatch(char)})
        raise GS1Error(
            f"AI ({ai}) '{_shorten(value)}' contains characters GS1 cannot encode: "
            f"{' '.join(repr(char) for char in bad[:10])}{_ascii_digits_hint(value)}.",
            ai,
        )
    length = CHECK_DIGIT_LENGTH_BY_AI.get(ai)
    if length and len(value) >= length and _is_digits(value[:length]):
        error = _check_digit_error(f"AI ({ai}) {CHECK_DIGIT_TITLES.get(ai, 'GLN')}", value[:length], ai)
        if error:
            raise error
    return value


def _format_value(ai, value):
    definition = _definition(ai)
    if definition.kind == "gtin":
        return normalize_gtin(str(value))
    if definition.kind == "date":
        if not isinstance(value, datetime.date):
            value = parse_date(str(value), ai)
        return format_date(value)
    if definition.kind == "count":
        return str(_parse_count(ai, str(value)))
    value = str(value)
    _check_text(ai, value)
    return value


def _add(elements, ai, value):
    if ai in elements and elements[ai] != value:
        raise GS1Error(
            f"AI ({ai}) appears twice with different values: '{_shorten(str(elements[ai]))}' and "
            f"'{_shorten(str(value))}'.",
            ai,
        )
    elements[ai] = value


def _add_scanned(elements, ai, raw, today):
    """Parse a known AI into ``elements``, keep an unknown one aside in ``elements.unknown``."""
    if ai in AI_DEFINITIONS:
        _add(elements, ai, _parse_value(ai, raw, today))
    else:
        _add(elements.unknown, ai, _check_unknown(ai, raw))


def _check_ai_code(ai, where=""):
    if not AI_CODE.fullmatch(ai):
        raise GS1Error(
            f"'({_shorten(ai, 20)})'{where} is not an application identifier: AIs are 2 to 4 digits 0-9"
            f"{_ascii_digits_hint(ai[:20])}."
        )


# ----------------------------------------------------------------------
# Element strings
# ----------------------------------------------------------------------


def parse(data, today=None):
    """Parse a scanned GS1 barcode: parenthesised or raw element string, or a Digital Link URI.

    :return: ``GS1Elements``, a dict ``{ai: value}`` of the AIs this module reads (GTIN as 14
        digits, dates as ``datetime.date``, lot and serial as text), with the other AIs of the
        scan, raw, in its ``unknown`` dict.
    :raise GS1Error: for anything that is not valid GS1, including control characters (a trailing
        line break too) and an input longer than any GS1 barcode.
    """
    data = data or ""
    _check_length(data, max(MAX_ELEMENT_STRING_LENGTH, MAX_DIGITAL_LINK_LENGTH), "scanned GS1 barcode")
    text = data.strip(" ")
    if not text:
        raise GS1Error("The GS1 barcode is empty.")
    if re.match(r"https?://", text, re.IGNORECASE):
        return parse_digital_link(text, today=today)
    _check_length(text, MAX_ELEMENT_STRING_LENGTH, "scanned GS1 barcode")
    _check_control_characters(text, allow_gs=True)
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
    # Every step moves forward and looks at each character a bounded number of times: linear.
    elements = GS1Elements()
    position = 0
    text = text.strip(" ")
    while position < len(text):
        if text[position] == " ":
            position += 1
            continue
        if text[position] != "(":
            raise GS1Error(
                f"Expected '(' at position {position + 1} of '{_shorten(text)}': every AI is written in parentheses."
            )
        closing = text.find(")", position)
        if closing == -1:
            raise GS1Error(f"Unbalanced parenthesis in '{_shorten(text)}': an AI is opened but never closed.")
        ai = text[position + 1 : closing]
        _check_ai_code(ai)
        next_open = text.find("(", closing + 1)
        # A lot may itself contain '(' (it is in character set 82); an AI is '(' + digits + ')'.
        while next_open != -1 and not PARENTHESISED_AI.match(text, next_open):
            next_open = text.find("(", next_open + 1)
        end = len(text) if next_open == -1 else next_open
        raw = text[closing + 1 : end].strip(" ")
        _add_scanned(elements, ai, raw, today)
        position = end
    return elements


def _parse_raw(text, today):
    elements = GS1Elements()
    position = 0
    while position < len(text):
        if text[position] == GS:
            position += 1
            continue
        prefix = text[position : position + 2]
        if len(prefix) < 2 or not _is_digits(prefix):
            raise GS1Error(
                f"Expected an application identifier (digits 0-9) at position {position + 1} of "
                f"'{_shorten(text)}', found '{prefix}'{_ascii_digits_hint(prefix)}."
            )
        if prefix not in AI_DEFINITIONS:
            ai, raw, position = _split_unknown(text, position)
            _add(elements.unknown, ai, _check_unknown(ai, raw))
            continue
        ai, definition = prefix, AI_DEFINITIONS[prefix]
        position += 2
        if definition.length:
            raw = text[position : position + definition.length]
            if len(raw) < definition.length or not _is_digits(raw):
                raise GS1Error(
                    f"AI ({ai}) {definition.title.lower()} needs {definition.length} digits, got '{raw}'"
                    f"{_ascii_digits_hint(raw)}.",
                    ai,
                )
            position += definition.length
        else:
            end = text.find(GS, position)
            end = len(text) if end == -1 else end
            raw = text[position:end]
            position = end
        _add(elements, ai, _parse_value(ai, raw, today))
    return elements


def _split_unknown(text, position):
    """``(ai, raw value, next position)`` of an AI this module does not read, in a raw element string.

    An element of a predefined length (GS1 General Specifications 5.10.1) is cut at that length;
    any other element ends at the next FNC1 or at the end of the data. When the length cannot be
    determined (a predefined-length element cut short, a variable one not ended by an FNC1), the
    rest of the data up to the next FNC1 is that AI's raw value.
    """
    prefix = text[position : position + 2]
    predefined = PREDEFINED_ELEMENT_LENGTH.get(prefix)
    element = text[position : position + predefined] if predefined else ""
    # Predefined-length values are all digits, so a full-length run of digits holds no FNC1.
    if predefined and len(element) == predefined and _is_digits(element):
        end = position + predefined
    else:
        separator = text.find(GS, position)
        end = len(text) if separator == -1 else separator
    # A prefix GS1 assigned no AI to (yet): its AI length is unknown; the first two digits name it.
    ai = text[position : position + AI_LENGTH_BY_PREFIX.get(prefix, 2)]
    if position + len(ai) > end or not _is_digits(ai):
        ai = prefix
    return ai, text[position + len(ai) : end], end


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
    """Parse a GS1 Digital Link URI: ``https://domain[/prefix]/01/{gtin}[/10/{lot}][/21/{serial}]?17=...``.

    :return: ``GS1Elements`` as ``parse`` does: AIs of the path and the query this module does
        not read (e.g. ``/22/`` or ``?3103=``) are kept aside, raw, in its ``unknown`` dict.
    """
    uri = uri or ""
    _check_length(uri, MAX_DIGITAL_LINK_LENGTH, "GS1 Digital Link")
    uri = uri.strip(" ")
    _check_control_characters(uri, allow_gs=False)
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GS1Error(f"'{_shorten(uri)}' is not a GS1 Digital Link: it must be an http(s) URI.")
    segments = [segment for segment in parts.path.split("/") if segment]
    try:
        start = segments.index("01")
    except ValueError:
        raise GS1Error(
            f"'{_shorten(uri)}' is not a GS1 Digital Link: its path has no /01/ followed by a GTIN.", "01"
        ) from None
    path = segments[start:]
    if len(path) % 2:
        raise GS1Error(f"'{_shorten(uri)}': every AI in the path must be followed by its value.")
    elements = GS1Elements()
    for ai, raw in zip(path[::2], path[1::2], strict=True):
        _check_ai_code(ai, " in the Digital Link path")
        if ai in AI_DEFINITIONS and ai not in ("01", *DIGITAL_LINK_QUALIFIERS):
            raise GS1Error(
                f"AI ({ai}) cannot stand in a Digital Link path here; only 01, 10 and 21 can: "
                "dates go in the query (?17=...).",
                ai,
            )
        raw = unquote(raw)
        if ai == "01":
            _add(elements, ai, normalize_gtin(raw))
        else:
            _add_scanned(elements, ai, raw, today)
    for key, raw in parse_qsl(parts.query, keep_blank_values=True):
        if not AI_CODE.fullmatch(key):
            if key.isdigit():  # digits, but not an AI (e.g. Unicode digits): refused, not ignored
                _check_ai_code(key, " in the Digital Link query")
            continue  # linkType and other non-AI parameters
        _add_scanned(elements, key, raw, today)
    return elements


def build_digital_link(elements, domain=DEFAULT_RESOLVER):
    """The GS1 Digital Link URI of ``{ai: value}`` on ``domain``; AI 01 is required."""
    domain = (domain or "").strip(" ").rstrip("/")
    if not RESOLVER.fullmatch(domain):
        raise GS1Error(
            f"The resolver '{_shorten(domain)}' must start with http:// or https:// followed by a domain, "
            "e.g. https://id.gs1.org, without spaces or line breaks."
        )
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


# A scanner without symbology prefix sends "01" + GTIN-14 + more AIs as plain digits.
RAW_GS1_WITH_GTIN = re.compile(r"^01[0-9]{14}[0-9]{2}")


def looks_like_gs1(text):
    """True when a typed value is meant as a GS1 barcode rather than a plain lot code."""
    text = (text or "").strip()
    return bool(
        text.startswith(("(", "]"))
        or "\x1d" in text
        or "<GS>" in text
        or re.match(r"^https?://", text)
        or RAW_GS1_WITH_GTIN.match(text)
    )


def date_to_datetime(date):
    """Odoo stores lot dates as datetimes: noon UTC keeps the calendar day from UTC-11 to UTC+11."""
    return date and datetime.datetime.combine(date, datetime.time(12, 0))
