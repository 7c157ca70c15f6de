"""Lot numbering patterns: date code + line/site code + sequence, without Odoo.

Kept free of Odoo imports so the composition rules are tested with plain pytest.
"""

import datetime


def _iso_week_code(date):
    """ISO 8601 year (2 digits) and week (01-53): 2027-01-01 is in week 53 of 2026, "2653".

    Not strftime's %y%W, whose weeks start on the first Monday of the calendar year (week 00
    exists and the year is the calendar year), nor %G%V, which not every C library supports.
    """
    year, week, _weekday = date.isocalendar()
    return f"{year % 100:02d}{week:02d}"


# Date codes used on lot numbers in food, pharma and manufacturing. Keys are what the
# numbering rule stores; values are strftime formats, or a function of the date.
DATE_CODE_FORMATS = {
    "none": None,
    "yymmdd": "%y%m%d",
    "yyyymmdd": "%Y%m%d",
    "yyddd": "%y%j",  # Julian date code, common on food labels
    "yyyyddd": "%Y%j",
    "yyww": _iso_week_code,
}


def format_date_code(date, date_format):
    """Return the date code of ``date`` (a date or datetime) for one of DATE_CODE_FORMATS."""
    if date_format not in DATE_CODE_FORMATS:
        raise ValueError(f"Unknown date code format {date_format!r}.")
    pattern = DATE_CODE_FORMATS[date_format]
    if pattern is None:
        return ""
    if isinstance(date, datetime.datetime):
        date = date.date()
    return pattern(date) if callable(pattern) else date.strftime(pattern)


def compose_lot_name(number, *, date=None, date_format="none", prefix="", line_code="", separator="-", padding=4):
    """Compose a lot name: ``prefix + date code, line code, sequence`` joined by ``separator``.

    Empty parts are left out, so a rule without a line code gives ``240131-0007``
    rather than ``240131--0007``.
    """
    if number < 0:
        raise ValueError("A lot sequence number cannot be negative.")
    date_code = format_date_code(date or datetime.date.today(), date_format)
    parts = [part for part in (date_code, (line_code or "").strip(), str(number).zfill(padding)) if part]
    return (prefix or "").strip() + (separator or "").join(parts)
