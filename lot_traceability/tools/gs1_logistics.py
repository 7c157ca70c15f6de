"""GS1 logistic units (SSCC, AI 00) and the Produce Traceability Initiative's voice pick code.

Pure Python (no Odoo import) so that it is tested with plain values.

- SSCC (GS1 General Specifications 2.2.1 and 3.3.1): 18 digits, an extension digit (0-9, chosen by
  the company), the GS1 company prefix (6 to 12 digits), a serial reference filling the remaining
  digits up to 17, and the GS1 mod-10 check digit.
- Voice pick code (PTI, "Voice Pick Code Calculator"; YottaMark's VoiceCode): the ANSI CRC-16
  (polynomial x^16 + x^15 + x^2 + 1, reflected 0xA001, initial value 0) of the ASCII text
  GTIN-14 + lot + optional pack date YYMMDD, with no AI, parenthesis or space; the code is the
  CRC modulo 10,000 written with four digits, printed as two small digits then two large ones.
"""

import datetime

from .gs1 import CSET82, GS1CheckDigitError, GS1Error, _shorten, gtin_check_digit, normalize_gtin

SSCC_LENGTH = 18
MIN_PREFIX_LENGTH = 6
MAX_PREFIX_LENGTH = 12


def _digits(value):
    return isinstance(value, str) and value.isascii() and value.isdigit()


def sscc_serial_reference_length(prefix_length):
    """Digits left to the serial reference once the extension digit and a company prefix of
    ``prefix_length`` digits are placed: 16 - prefix length (4 to 10)."""
    if not MIN_PREFIX_LENGTH <= prefix_length <= MAX_PREFIX_LENGTH:
        raise GS1Error(f"A GS1 company prefix has 6 to 12 digits, not {prefix_length}.", "00")
    return SSCC_LENGTH - 2 - prefix_length


def build_sscc(extension_digit, company_prefix, serial_reference):
    """The 18-digit SSCC of ``extension_digit`` (0-9), ``company_prefix`` (6 to 12 digits) and
    ``serial_reference`` (a number or digits), padded with zeros to 17 digits, with its check digit."""
    extension = str(extension_digit)
    if not _digits(extension) or len(extension) != 1:
        raise GS1Error(f"The SSCC extension digit must be one digit 0-9, not '{_shorten(extension)}'.", "00")
    company_prefix = company_prefix or ""
    if not _digits(company_prefix) or not MIN_PREFIX_LENGTH <= len(company_prefix) <= MAX_PREFIX_LENGTH:
        raise GS1Error(
            f"The GS1 company prefix '{_shorten(company_prefix)}' must be 6 to 12 digits: set it in the GS1 "
            "settings of the company (the GLN and the prefix length).",
            "00",
        )
    serial = str(serial_reference)
    width = sscc_serial_reference_length(len(company_prefix))
    if not _digits(serial):
        raise GS1Error(f"The SSCC serial reference '{_shorten(serial)}' must be digits.", "00")
    if len(serial.lstrip("0")) > width:
        raise GS1Error(
            f"The SSCC serial reference {serial} does not fit the {width} digits a company prefix of "
            f"{len(company_prefix)} digits leaves: the serial references of this prefix are exhausted "
            f"(at most {'9' * width}). Use another extension digit or company prefix.",
            "00",
        )
    body = extension + company_prefix + serial.lstrip("0").zfill(width)
    return body + str(gtin_check_digit(body))


def validate_sscc(sscc):
    """``sscc`` (18 digits, spaces around ignored, an ``(00)`` prefix allowed) checked and returned as
    18 digits; a wrong check digit raises ``GS1CheckDigitError`` naming the digit expected."""
    value = (sscc or "").strip(" ")
    if value.startswith("(00)"):
        value = value[4:].strip(" ")
    if len(value) != SSCC_LENGTH or not _digits(value):
        raise GS1Error(f"SSCC '{_shorten(value)}' must be 18 digits.", "00")
    expected = gtin_check_digit(value[:-1])
    if int(value[-1]) != expected:
        raise GS1CheckDigitError(
            f"SSCC {value} has a wrong check digit (its 18th and last digit): expected {expected}, got "
            f"{value[-1]}. Check the digits typed, or scan the pallet label again.",
            "00",
        )
    return value


def sscc_epc_urn(sscc, prefix_length):
    """The EPC URI of an SSCC (GS1 EPC Tag Data Standard 6.3.2):
    ``urn:epc:id:sscc:{company prefix}.{extension digit + serial reference}``."""
    sscc = validate_sscc(sscc)
    sscc_serial_reference_length(prefix_length)
    return f"urn:epc:id:sscc:{sscc[1 : 1 + prefix_length]}.{sscc[0]}{sscc[1 + prefix_length : 17]}"


def format_sscc(sscc):
    """The human readable interpretation under the SSCC barcode: ``(00) 006141411234567890``."""
    return f"(00) {validate_sscc(sscc)}"


# ----------------------------------------------------------------------
# PTI voice pick code
# ----------------------------------------------------------------------


def crc16_ansi(data):
    """ANSI CRC-16 (a.k.a. CRC-16/ARC): polynomial 0x8005 reflected (0xA001), initial value 0."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _bit in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def voice_pick_code(gtin, lot, pack_date=None):
    """The PTI voice pick code of a case: four digits, as a string (``'6359'``).

    ``gtin`` is normalised to 14 digits (check digit verified), ``lot`` is the batch/lot as printed in
    AI (10) (case sensitive), ``pack_date`` a ``datetime.date`` or a YYMMDD string, or None.
    """
    gtin = normalize_gtin(str(gtin or ""))
    lot = lot or ""
    if not lot or len(lot) > 20 or not CSET82.fullmatch(lot):
        raise GS1Error(
            f"The lot '{_shorten(lot)}' cannot be printed in AI (10): 1 to 20 letters, digits or "
            "!\"%&'()*+,-./:;<=>?_ are needed for a voice pick code.",
            "10",
        )
    if isinstance(pack_date, datetime.date):
        pack_date = pack_date.strftime("%y%m%d")
    pack_date = pack_date or ""
    if pack_date and (len(pack_date) != 6 or not _digits(pack_date)):
        raise GS1Error(f"The pack date '{_shorten(pack_date)}' must be 6 digits YYMMDD.", "13")
    return f"{crc16_ansi((gtin + lot + pack_date).encode('ascii')) % 10000:04d}"


def voice_pick_code_parts(code):
    """``(small, large)`` digits of a voice pick code as the PTI case label prints them: ``('63', '59')``."""
    return code[:2], code[2:]


# ----------------------------------------------------------------------
# GS1-128 symbols of logistic and case labels
# ----------------------------------------------------------------------

FNC1 = "\xf1"  # FNC1 in a Code 128 value, as reportlab (Odoo's /report/barcode) encodes it
# Fixed-length AIs of these labels and their value lengths (GS1 General Specifications 3.2).
FIXED_LENGTH = {"00": 18, "01": 14, "02": 14, "11": 6, "13": 6, "15": 6, "17": 6}
VARIABLE_LENGTH = {"10": 20, "37": 8}


def gs1_128(elements):
    """``(code 128 value, human readable text)`` of ``[(ai, value), ...]`` (values already formatted):
    FNC1 first, fixed-length elements before variable ones, an FNC1 after each variable element but
    the last (GS1 General Specifications 5.4.7)."""
    for ai, value in elements:
        length = FIXED_LENGTH.get(ai)
        if length is None and ai not in VARIABLE_LENGTH:
            raise GS1Error(f"AI ({ai}) is not printed on logistic or case labels.", ai)
        if length and (len(value) != length or not _digits(value)):
            raise GS1Error(f"AI ({ai}) needs {length} digits, got '{_shorten(value)}'.", ai)
        if not length and (not value or len(value) > VARIABLE_LENGTH[ai] or not CSET82.fullmatch(value)):
            raise GS1Error(f"AI ({ai}) '{_shorten(value)}' cannot be encoded in GS1-128.", ai)
    ordered = sorted(elements, key=lambda element: element[0] not in FIXED_LENGTH)
    value = FNC1
    for index, (ai, data) in enumerate(ordered):
        value += ai + data
        if ai not in FIXED_LENGTH and index < len(ordered) - 1:
            value += FNC1
    return value, "".join(f"({ai}){data}" for ai, data in ordered)
