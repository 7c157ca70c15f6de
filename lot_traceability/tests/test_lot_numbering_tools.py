"""Tests of the lot numbering patterns (lot_traceability/tools/lot_numbering.py): pure Python, no records."""

import datetime

from odoo.addons.lot_traceability.tools import lot_numbering
from odoo.tests import BaseCase, tagged

from .parametrize import expand_cases, parametrize

DAY = datetime.date(2024, 12, 31)


@tagged("post_install", "-at_install")
@expand_cases
class TestLotNumberingTools(BaseCase):
    """Date codes, sequences and separators of lot names."""

    def test_date_line_and_sequence_are_joined_by_the_separator(self):
        name = lot_numbering.compose_lot_name(7, date=DAY, date_format="yymmdd", prefix="FG", line_code="L2")
        self.assertEqual(name, "FG241231-L2-0007")

    def test_julian_and_week_date_codes(self):
        self.assertEqual(lot_numbering.format_date_code(DAY, "yyddd"), "24366")
        self.assertEqual(lot_numbering.format_date_code(DAY, "yyyyddd"), "2024366")
        self.assertEqual(lot_numbering.format_date_code(datetime.datetime(2024, 1, 8, 10), "yyww"), "2402")

    @parametrize(
        [
            (datetime.date(2027, 1, 1), "2653"),  # a Friday: ISO week 53 of 2026
            (datetime.date(2026, 12, 31), "2653"),
            (datetime.date(2027, 1, 4), "2701"),  # the Monday of ISO week 1
            (datetime.date(2024, 12, 30), "2501"),  # a Monday: week 1 of ISO year 2025
            (datetime.date(2024, 12, 29), "2452"),
            (datetime.date(2023, 1, 1), "2252"),  # a Sunday: still week 52 of 2022, never week 00
            (datetime.date(2021, 1, 3), "2053"),
            (datetime.date(2021, 1, 4), "2101"),
        ]
    )
    def test_week_date_code_is_the_iso_8601_year_and_week(self, day, code):
        self.assertEqual(lot_numbering.format_date_code(day, "yyww"), code)

    def test_week_date_code_never_shows_week_00(self):
        day = datetime.date(2020, 1, 1)
        while day < datetime.date(2040, 1, 1):
            week = int(lot_numbering.format_date_code(day, "yyww")[2:])
            self.assertTrue(1 <= week <= 53, day)
            day += datetime.timedelta(days=1)

    def test_lot_name_with_an_iso_week_date_code(self):
        name = lot_numbering.compose_lot_name(5, date=datetime.date(2027, 1, 1), date_format="yyww", line_code="L1")
        self.assertEqual(name, "2653-L1-0005")

    def test_empty_parts_leave_no_double_separator(self):
        self.assertEqual(lot_numbering.compose_lot_name(12, date=DAY, date_format="none", padding=6), "000012")
        self.assertEqual(lot_numbering.compose_lot_name(3, date=DAY, date_format="yymmdd", separator=""), "2412310003")

    def test_number_longer_than_the_padding_is_not_cut(self):
        self.assertEqual(lot_numbering.compose_lot_name(123456, date=DAY, date_format="none", padding=4), "123456")

    def test_unknown_date_format_and_negative_number_are_refused(self):
        with self.assertRaises(ValueError):
            lot_numbering.format_date_code(DAY, "ddmmyy")
        with self.assertRaises(ValueError):
            lot_numbering.compose_lot_name(-1, date=DAY)
