"""Plain pytest tests of the lot numbering patterns: no Odoo, no database."""

import datetime
import importlib.util
import pathlib

import pytest

_path = pathlib.Path(__file__).resolve().parents[2] / "lot_traceability" / "tools" / "lot_numbering.py"
_spec = importlib.util.spec_from_file_location("lot_traceability_lot_numbering", _path)
lot_numbering = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lot_numbering)

DAY = datetime.date(2024, 12, 31)


def test_date_line_and_sequence_are_joined_by_the_separator():
    name = lot_numbering.compose_lot_name(7, date=DAY, date_format="yymmdd", prefix="FG", line_code="L2")
    assert name == "FG241231-L2-0007"


def test_julian_and_week_date_codes():
    assert lot_numbering.format_date_code(DAY, "yyddd") == "24366"
    assert lot_numbering.format_date_code(DAY, "yyyyddd") == "2024366"
    assert lot_numbering.format_date_code(datetime.datetime(2024, 1, 8, 10), "yyww") == "2402"


def test_empty_parts_leave_no_double_separator():
    assert lot_numbering.compose_lot_name(12, date=DAY, date_format="none", padding=6) == "000012"
    assert lot_numbering.compose_lot_name(3, date=DAY, date_format="yymmdd", separator="") == "2412310003"


def test_number_longer_than_the_padding_is_not_cut():
    assert lot_numbering.compose_lot_name(123456, date=DAY, date_format="none", padding=4) == "123456"


def test_unknown_date_format_and_negative_number_are_refused():
    with pytest.raises(ValueError):
        lot_numbering.format_date_code(DAY, "ddmmyy")
    with pytest.raises(ValueError):
        lot_numbering.compose_lot_name(-1, date=DAY)
