"""Trade measures of a GS1 scan: AIs 310n-316n (net weight, length, width, depth, area, net volume).

Pure Python (no Odoo import). ``gs1.parse`` keeps these AIs aside, raw, in ``GS1Elements.unknown``
(their element has a predefined length of 10: a 4-digit AI and 6 digits); this module reads them. The
fourth digit of the AI, n, is the number of decimals of the 6-digit value (GS1 General Specifications
3.6.2): (3103)000750 is 0.750 kg.
"""

from dataclasses import dataclass
from decimal import Decimal

from .gs1 import DIGITS, GS1Error

# First three digits of the AI -> (title, unit of measure, xmlid of Odoo's unit).
MEASURE_DEFINITIONS = {
    "310": ("NET WEIGHT (kg)", "kg", "uom.product_uom_kgm"),
    "311": ("LENGTH (m)", "m", "uom.product_uom_meter"),
    "312": ("WIDTH (m)", "m", "uom.product_uom_meter"),
    "313": ("HEIGHT (m)", "m", "uom.product_uom_meter"),
    "314": ("AREA (m2)", "m2", "uom.uom_square_meter"),
    "315": ("NET VOLUME (l)", "l", "uom.product_uom_litre"),
    "316": ("NET VOLUME (m3)", "m3", "uom.product_uom_cubic_meter"),
}
# GS1 allows 0 to 5 decimals for these AIs.
MAX_DECIMALS = 5
# A GTIN-14 whose indicator digit (its first) is 9 names a variable measure trade item.
VARIABLE_MEASURE_INDICATOR = "9"


@dataclass(frozen=True)
class Measure:
    ai: str  # the 4-digit AI as scanned, e.g. "3103"
    title: str
    unit: str  # kg, m, m2, l, m3
    uom_xmlid: str
    value: Decimal


def parse_measures(elements):
    """The measures (AIs 310n-316n) of parsed GS1 ``elements``, in AI order, as ``Measure``s.

    :raise GS1Error: a value that is not 6 digits, or more than 5 decimals (n of 6 to 9)
    """
    measures = []
    for ai, raw in sorted(getattr(elements, "unknown", {}).items()):
        definition = MEASURE_DEFINITIONS.get(ai[:3])
        if not definition or len(ai) != 4:
            continue
        title, unit, uom_xmlid = definition
        decimals = int(ai[3])
        if decimals > MAX_DECIMALS:
            raise GS1Error(
                f"AI ({ai}) {title.lower()}: its last digit says {decimals} decimals, GS1 allows 0 to {MAX_DECIMALS}.",
                ai,
            )
        if len(raw) != 6 or not DIGITS.fullmatch(raw):
            raise GS1Error(f"AI ({ai}) {title.lower()} '{raw[:20]}' must be 6 digits 0-9.", ai)
        measures.append(Measure(ai, title, unit, uom_xmlid, Decimal(raw).scaleb(-decimals)))
    return measures


def is_variable_measure(gtin):
    """True when ``gtin`` (14 digits) names a variable measure trade item: indicator digit 9."""
    return bool(gtin) and len(gtin) == 14 and gtin[0] == VARIABLE_MEASURE_INDICATOR
