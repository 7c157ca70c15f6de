"""Tests of the GS1 module (lot_traceability/tools/gs1.py) with published GS1 examples: pure Python, no records."""

import contextlib
import datetime
import time

from odoo.addons.lot_traceability.tools import gs1
from odoo.tests import BaseCase, tagged

from .parametrize import expand_cases, parametrize

GTIN = "09506000134352"  # GS1's example GTIN (GS1 Digital Link standard)
TODAY = datetime.date(2026, 1, 1)

# str.isdigit() and \d accept these too; int() even reads them, so they would pass for numbers.
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + digit) for digit in range(10)))
FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + digit) for digit in range(10)))
FIVE_MB = 5 * 1024 * 1024


@tagged("post_install", "-at_install")
@expand_cases
class TestGS1Parsing(BaseCase):
    """GTINs, element strings, Digital Links and their refusals."""

    # GTIN ------------------------------------------------------------------

    def test_check_digit_of_the_gs1_example_gtin(self):
        self.assertEqual(gs1.gtin_check_digit("0950600013435"), 2)
        self.assertEqual(gs1.gtin_check_digit("629104150021"), 3)  # GS1 check digit calculator example

    def test_gtin_8_12_13_are_padded_to_14_digits(self):
        self.assertEqual(gs1.normalize_gtin("9506000134352"), GTIN)
        self.assertEqual(gs1.normalize_gtin("96385074"), "00000096385074")  # GTIN-8 example
        self.assertEqual(gs1.normalize_gtin("614141000012"), "00614141000012")  # GTIN-12 (UPC-A)

    def test_wrong_check_digit_is_refused_with_the_expected_digit(self):
        with self.assertRaisesRegex(gs1.GS1Error, "expected 2, got 3") as error:
            gs1.normalize_gtin("09506000134353")
        self.assertEqual(error.exception.ai, "01")

    def test_gtin_of_the_wrong_length_is_refused(self):
        with self.assertRaisesRegex(gs1.GS1Error, "8, 12, 13 or 14 digits"):
            gs1.normalize_gtin("123456789")

    # Element strings ---------------------------------------------------------

    def test_parenthesised_element_string(self):
        self.assertEqual(
            gs1.parse(f"(01){GTIN}(17)201225(10)ABC123", today=TODAY),
            {
                "01": GTIN,
                "17": datetime.date(2020, 12, 25),
                "10": "ABC123",
            },
        )

    def test_parenthesised_form_tolerates_spaces(self):
        self.assertEqual(gs1.parse(f"(01) {GTIN} (10) ABC123", today=TODAY), {"01": GTIN, "10": "ABC123"})

    def test_raw_datamatrix_string_with_symbology_identifier(self):
        self.assertEqual(
            gs1.parse(f"]d201{GTIN}17201225" + "10ABC123", today=TODAY),
            {
                "01": GTIN,
                "17": datetime.date(2020, 12, 25),
                "10": "ABC123",
            },
        )

    def test_raw_string_with_group_separators_between_variable_fields(self):
        for separator in ("\x1d", "<GS>"):
            data = f"]C101{GTIN}10ABC123{separator}21XYZ"
            self.assertEqual(gs1.parse(data, today=TODAY), {"01": GTIN, "10": "ABC123", "21": "XYZ"})

    def test_leading_fnc1_is_ignored(self):
        self.assertEqual(gs1.parse(f"\x1d01{GTIN}10LOT1"), {"01": GTIN, "10": "LOT1"})

    def test_lot_without_gtin_is_allowed_in_an_element_string(self):
        self.assertEqual(gs1.parse("(10)B-7781"), {"10": "B-7781"})

    def test_day_00_means_the_last_day_of_the_month(self):
        self.assertEqual(gs1.parse("(17)240200", today=datetime.date(2024, 1, 1))["17"], datetime.date(2024, 2, 29))
        self.assertEqual(gs1.parse("(15)230200", today=datetime.date(2024, 1, 1))["15"], datetime.date(2023, 2, 28))

    @parametrize([("991231", 1999), ("751231", 2075), ("780101", 1978), ("260101", 2026), ("000101", 2000)])
    def test_century_follows_the_gs1_sliding_window(self, yymmdd, year):
        self.assertEqual(gs1.parse(f"(11){yymmdd}", today=TODAY)["11"].year, year)

    def test_all_supported_dates_are_read(self):
        parsed = gs1.parse("(11)250101(13)250102(15)250103(17)250104", today=TODAY)
        self.assertEqual([parsed[ai].day for ai in ("11", "13", "15", "17")], [1, 2, 3, 4])

    # Bad input ------------------------------------------------------------------

    @parametrize(
        [
            ("", "empty"),
            ("   ", "empty"),
            ("(1)ABC", "AIs are 2 to 4 digits"),
            ("(12345)ABC", "AIs are 2 to 4 digits"),
            ("(01)09506000134353(10)X", "wrong check digit"),
            ("(17)201399", "month 13 does not exist"),
            ("(17)201232", "has 31 days"),
            ("(17)260230", "has 28 days"),
            ("(17)2012", "6 digits"),
            ("(10)ABCDEFGHIJKLMNOPQRSTU", "at most 20"),
            ("(10)LOT #1", "cannot encode"),
            ("(10)LOTé", "cannot encode"),
            ("(10)", "empty"),
            ("(01" + GTIN, "Unbalanced parenthesis"),
            (f"01{GTIN[:10]}", "needs 14 digits"),
            ("(10)A(10)B", "twice with different values"),
            (f"(01){GTIN}x", "wrong check digit|must be 14 digits"),
        ]
    )
    def test_bad_element_strings_are_refused_with_the_reason(self, data, message):
        with self.assertRaisesRegex(gs1.GS1Error, message):
            gs1.parse(data, today=TODAY)

    def test_same_ai_twice_with_the_same_value_is_accepted(self):
        self.assertEqual(gs1.parse("(10)A(10)A"), {"10": "A"})

    # Building --------------------------------------------------------------------

    def test_build_orders_fixed_fields_first_and_separates_variable_ones(self):
        elements = {"10": "ABC123", "21": "XYZ", "17": datetime.date(2020, 12, 25), "01": GTIN}
        self.assertEqual(gs1.build(elements), f"(01){GTIN}(17)201225(10)ABC123(21)XYZ")
        self.assertEqual(gs1.build(elements, parenthesised=False), f"01{GTIN}17201225" + "10ABC123\x1d21XYZ")

    def test_build_refuses_what_it_cannot_encode(self):
        with self.assertRaisesRegex(gs1.GS1Error, "cannot encode"):
            gs1.build({"01": GTIN, "10": "LOT 1"})
        with self.assertRaisesRegex(gs1.GS1Error, "wrong check digit"):
            gs1.build({"01": "09506000134353"})
        with self.assertRaisesRegex(gs1.GS1Error, "not supported"):
            gs1.build({"400": "PO-1"})

    @parametrize(
        [
            {"01": GTIN, "10": "ABC123"},
            {"01": GTIN, "11": datetime.date(2026, 3, 1), "17": datetime.date(2026, 4, 20), "10": "AB-12/3"},
            {"01": GTIN, "21": "SN0001", "10": "L(1)"},
            {"10": "ONLY-LOT"},
        ]
    )
    def test_element_strings_round_trip(self, elements):
        self.assertEqual(gs1.parse(gs1.build(elements), today=TODAY), elements)
        self.assertEqual(gs1.parse(gs1.build(elements, parenthesised=False), today=TODAY), elements)

    # Digital Link ------------------------------------------------------------------

    def test_digital_link_from_the_gs1_standard(self):
        uri = f"https://id.gs1.org/01/{GTIN}/10/ABC123?17=201225"
        self.assertEqual(
            gs1.parse_digital_link(uri, today=TODAY),
            {
                "01": GTIN,
                "10": "ABC123",
                "17": datetime.date(2020, 12, 25),
            },
        )
        self.assertEqual(gs1.parse(uri, today=TODAY), gs1.parse_digital_link(uri, today=TODAY))

    def test_digital_link_on_a_custom_domain_with_a_path_prefix_and_a_gtin_13(self):
        uri = "https://example.com/products/01/9506000134352/10/AB-123/21/S%2F9?linkType=gs1:pip"
        self.assertEqual(gs1.parse_digital_link(uri), {"01": GTIN, "10": "AB-123", "21": "S/9"})

    def test_digital_link_without_gtin_or_with_a_bad_ai_is_refused(self):
        with self.assertRaisesRegex(gs1.GS1Error, "no /01/"):
            gs1.parse_digital_link("https://id.gs1.org/10/ABC")
        with self.assertRaisesRegex(gs1.GS1Error, "cannot stand in a Digital Link path"):
            gs1.parse_digital_link(f"https://id.gs1.org/01/{GTIN}/17/261231")
        with self.assertRaisesRegex(gs1.GS1Error, "month 13"):
            gs1.parse_digital_link(f"https://id.gs1.org/01/{GTIN}?17=261301")

    def test_build_digital_link_puts_qualifiers_in_the_path_and_dates_in_the_query(self):
        uri = gs1.build_digital_link(
            {
                "17": datetime.date(2026, 4, 20),
                "10": "AB/1",
                "01": "9506000134352",
                "11": datetime.date(2026, 3, 1),
            },
            domain="https://id.example.com/",
        )
        self.assertEqual(uri, f"https://id.example.com/01/{GTIN}/10/AB%2F1?11=260301&17=260420")

    def test_build_digital_link_needs_a_gtin_and_a_web_domain(self):
        with self.assertRaisesRegex(gs1.GS1Error, "needs a GTIN"):
            gs1.build_digital_link({"10": "A"})
        with self.assertRaisesRegex(gs1.GS1Error, "http:// or https://"):
            gs1.build_digital_link({"01": GTIN}, domain="id.gs1.org")

    @parametrize(
        [
            {"01": GTIN},
            {"01": GTIN, "10": "AB-123", "17": datetime.date(2026, 4, 20)},
            {"01": GTIN, "10": "%&'()*+,-./:;<=>?_", "21": "1", "13": datetime.date(2025, 5, 5)},
        ]
    )
    def test_digital_links_round_trip(self, elements):
        self.assertEqual(gs1.parse_digital_link(gs1.build_digital_link(elements), today=TODAY), elements)

    # Digits are the ASCII digits 0-9 only ---------------------------------------------

    @parametrize([ARABIC_INDIC, FULLWIDTH], ids=["arabic-indic", "fullwidth"])
    def test_unicode_digits_are_refused_in_a_gtin(self, digits):
        with self.assertRaisesRegex(gs1.GS1Error, "ASCII digits 0-9") as error:
            gs1.normalize_gtin(GTIN.translate(digits))
        self.assertEqual(error.exception.ai, "01")
        with self.assertRaisesRegex(gs1.GS1Error, "ASCII digits 0-9"):
            gs1.gtin_check_digit(GTIN[:-1].translate(digits))
        with self.assertRaisesRegex(gs1.GS1Error, "ASCII digits 0-9"):
            gs1.parse(f"(01){GTIN.translate(digits)}(10)A")
        with self.assertRaisesRegex(gs1.GS1Error, "ASCII digits 0-9"):
            gs1.parse(f"01{GTIN.translate(digits)}10A")
        with self.assertRaisesRegex(gs1.GS1Error, "ASCII digits 0-9"):
            gs1.parse_digital_link(f"https://id.gs1.org/01/{GTIN.translate(digits)}")

    @parametrize([ARABIC_INDIC, FULLWIDTH], ids=["arabic-indic", "fullwidth"])
    def test_unicode_digits_are_refused_in_dates(self, digits):
        date = "260420".translate(digits)
        with self.assertRaisesRegex(gs1.GS1Error, "ASCII digits 0-9") as error:
            gs1.parse_date(date, "17", today=TODAY)
        self.assertEqual(error.exception.ai, "17")
        for data in (f"(17){date}", f"01{GTIN}17{date}10A", f"https://id.gs1.org/01/{GTIN}?17={date}"):
            with self.assertRaisesRegex(gs1.GS1Error, "ASCII digits 0-9"):
                gs1.parse(data, today=TODAY)

    @parametrize([ARABIC_INDIC, FULLWIDTH], ids=["arabic-indic", "fullwidth"])
    def test_unicode_digits_are_refused_in_ai_codes(self, digits):
        for data in (
            f"({'10'.translate(digits)})ABC",
            f"(01){GTIN}({'99'.translate(digits)})ABC",
            f"{'01'.translate(digits)}{GTIN}10A",
            f"01{GTIN}{'10'.translate(digits)}A",
            f"https://id.gs1.org/01/{GTIN}?{'17'.translate(digits)}=260420",
            f"https://id.gs1.org/01/{GTIN}/{'21'.translate(digits)}/S1",
        ):
            with self.assertRaisesRegex(gs1.GS1Error, "ASCII digits 0-9"):
                gs1.parse(data, today=TODAY)

    def test_unicode_digits_are_refused_in_a_lot_and_in_unknown_ais(self):
        with self.assertRaisesRegex(gs1.GS1Error, "cannot encode"):
            gs1.parse("(10)LOT" + "7".translate(ARABIC_INDIC))
        with self.assertRaisesRegex(gs1.GS1Error, "cannot encode"):
            gs1.parse(f"(01){GTIN}(99)" + "123".translate(FULLWIDTH))

    # No line break, tab or other control character ---------------------------------------------

    @parametrize(
        [
            f"(01){GTIN}(10)ABC\n",
            f"(01){GTIN}(10)ABC\r\n",
            f"(01){GTIN}(17)201225\n",
            f"(01){GTIN}(10)AB\nC",
            f"]d201{GTIN}10ABC\n",
            f"01{GTIN}10ABC\n\x1d21XYZ",
            f"01{GTIN}17201225\t10ABC",
            f"https://id.gs1.org/01/{GTIN}/10/ABC\n",
            f"https://id.gs1.org/01/{GTIN}/10/AB\nC?17=201225",
            f"https://id.gs1.org/01/{GTIN}/10/ABC?17=201225\n",
        ]
    )
    def test_a_line_break_or_control_character_is_refused_not_dropped(self, data):
        with self.assertRaisesRegex(gs1.GS1Error, "control character"):
            gs1.parse(data, today=TODAY)

    def test_a_trailing_newline_is_refused_in_every_value(self):
        with self.assertRaisesRegex(gs1.GS1Error, "8, 12, 13 or 14 digits"):
            gs1.normalize_gtin(GTIN + "\n")
        with self.assertRaisesRegex(gs1.GS1Error, "6 digits YYMMDD"):
            gs1.parse_date("201225\n", "17", today=TODAY)
        with self.assertRaisesRegex(gs1.GS1Error, "cannot encode"):
            gs1.build({"01": GTIN, "10": "ABC\n"})
        with self.assertRaisesRegex(gs1.GS1Error, "cannot encode"):
            gs1.build_digital_link({"01": GTIN, "21": "S1\n"})
        with self.assertRaisesRegex(gs1.GS1Error, "cannot encode"):
            gs1.parse_digital_link(f"https://id.gs1.org/01/{GTIN}/10/ABC%0A")  # the line break percent-encoded
        with self.assertRaisesRegex(gs1.GS1Error, "cannot encode"):
            gs1.parse_digital_link(f"https://id.gs1.org/01/{GTIN}?99=X%0A")

    def test_a_resolver_with_a_line_break_is_refused(self):
        with self.assertRaisesRegex(gs1.GS1Error, "resolver"):
            gs1.build_digital_link({"01": GTIN}, domain="https://id.example.com/\nx")

    # Huge input is refused before any parsing ------------------------------------------------------

    @parametrize(
        [
            "(10)" + "(" * FIVE_MB,  # every '(' could open an AI
            "(10)" + "A" * FIVE_MB,
            f"01{GTIN}10" + "A" * FIVE_MB,
            f"01{GTIN}" + "\x1d" * FIVE_MB,
            f"https://id.gs1.org/01/{GTIN}/10/" + "A" * FIVE_MB,
            f"https://id.gs1.org/01/{GTIN}?" + "17=201225&" * (FIVE_MB // 10),
        ],
        ids=["parentheses", "parenthesised", "raw", "separators", "digital-link-path", "digital-link-query"],
    )
    def test_a_5_mb_scan_is_refused_at_once(self, data):
        start = time.perf_counter()
        with self.assertRaisesRegex(gs1.GS1Error, "too long") as error:
            gs1.parse(data, today=TODAY)
        self.assertLess(time.perf_counter() - start, 1, "a refusal, not a parse")
        self.assertLess(len(str(error.exception)), 500, "the message does not repeat the input")

    def test_a_5_mb_digital_link_or_gtin_is_refused_at_once(self):
        start = time.perf_counter()
        with self.assertRaisesRegex(gs1.GS1Error, "too long"):
            gs1.parse_digital_link(f"https://id.gs1.org/01/{GTIN}/10/" + "A" * FIVE_MB)
        with self.assertRaisesRegex(gs1.GS1Error, "8, 12, 13 or 14 digits") as error:
            gs1.normalize_gtin("1" * FIVE_MB)
        self.assertLess(time.perf_counter() - start, 1)
        self.assertLess(len(str(error.exception)), 500)

    @parametrize(
        [
            "(10)" + "(" * (gs1.MAX_ELEMENT_STRING_LENGTH - 4),
            "(99)" + "(1" * ((gs1.MAX_ELEMENT_STRING_LENGTH - 4) // 2),
            "(99)X" * (gs1.MAX_ELEMENT_STRING_LENGTH // 5),
            f"01{GTIN}" + "99X\x1d" * ((gs1.MAX_ELEMENT_STRING_LENGTH - 16) // 4),
            f"01{GTIN}" + "3103000500" * ((gs1.MAX_ELEMENT_STRING_LENGTH - 16) // 10),
        ],
        ids=["parentheses", "unclosed-ais", "many-ais", "many-raw-ais", "many-predefined-ais"],
    )
    def test_the_longest_accepted_input_is_parsed_in_linear_time(self, data):
        self.assertLessEqual(len(data), gs1.MAX_ELEMENT_STRING_LENGTH)
        start = time.perf_counter()
        with contextlib.suppress(gs1.GS1Error):
            gs1.parse(data, today=TODAY)
        self.assertLess(time.perf_counter() - start, 1)

    # AIs this module does not read are kept aside, not fatal --------------------------------------

    def test_unknown_ais_of_a_parenthesised_string_are_kept_aside(self):
        parsed = gs1.parse(f"(01){GTIN}(3103)000500(17)201225(10)ABC(99)QA-OK", today=TODAY)
        self.assertEqual(parsed, {"01": GTIN, "17": datetime.date(2020, 12, 25), "10": "ABC"})
        self.assertEqual(parsed.unknown, {"3103": "000500", "99": "QA-OK"})

    def test_known_element_strings_have_no_unknown_ais(self):
        self.assertEqual(gs1.parse(f"(01){GTIN}(10)ABC").unknown, {})
        self.assertEqual(gs1.parse(f"https://id.gs1.org/01/{GTIN}/10/ABC").unknown, {})

    def test_unknown_ai_of_predefined_length_needs_no_separator_in_a_raw_string(self):
        # 3103 (net weight, kg) is one of the GS1 predefined-length AIs (prefix 31: 4 + 6 digits).
        parsed = gs1.parse(f"]d201{GTIN}3103000500" + "10ABC", today=TODAY)
        self.assertEqual(parsed, {"01": GTIN, "10": "ABC"})
        self.assertEqual(parsed.unknown, {"3103": "000500"})

    def test_unknown_ais_terminated_by_fnc1_or_last_in_a_raw_string(self):
        parsed = gs1.parse(f"01{GTIN}240PART-7\x1d10ABC\x1d7003" + "2601011230", today=TODAY)
        self.assertEqual(parsed, {"01": GTIN, "10": "ABC"})
        self.assertEqual(parsed.unknown, {"240": "PART-7", "7003": "2601011230"})

    def test_unknown_ai_of_undeterminable_length_keeps_the_rest_of_the_string(self):
        # 240 is variable-length: without FNC1 after it, where it ends cannot be known.
        parsed = gs1.parse(f"01{GTIN}240PART-7" + "10ABC", today=TODAY)
        self.assertEqual(parsed, {"01": GTIN})
        self.assertEqual(parsed.unknown, {"240": "PART-710ABC"})
        # A predefined-length AI cut short.
        parsed = gs1.parse(f"01{GTIN}31030005", today=TODAY)
        self.assertEqual(parsed.unknown, {"3103": "0005"})

    def test_fnc1_always_ends_an_unknown_ai(self):
        # A prefix GS1 assigns no AI to: its length is unknown, kept under its first two digits.
        parsed = gs1.parse(f"01{GTIN}55123\x1d10ABC", today=TODAY)
        self.assertEqual(parsed, {"01": GTIN, "10": "ABC"})
        self.assertEqual(parsed.unknown, {"55": "123"})
        # A predefined-length AI that an encoder cut short with an FNC1.
        parsed = gs1.parse(f"01{GTIN}3103000\x1d10ABC", today=TODAY)
        self.assertEqual(parsed, {"01": GTIN, "10": "ABC"})
        self.assertEqual(parsed.unknown, {"3103": "000"})

    def test_unknown_ai_twice_with_different_values_is_refused(self):
        with self.assertRaisesRegex(gs1.GS1Error, "twice with different values"):
            gs1.parse("(10)A(99)X(99)Y")

    def test_unknown_ais_of_a_digital_link_are_kept_aside(self):
        uri = f"https://id.gs1.org/01/{GTIN}/22/2A/10/ABC?17=201225&3103=000500&linkType=gs1:pip"
        parsed = gs1.parse_digital_link(uri, today=TODAY)
        self.assertEqual(parsed, {"01": GTIN, "10": "ABC", "17": datetime.date(2020, 12, 25)})
        self.assertEqual(parsed.unknown, {"22": "2A", "3103": "000500"})
        self.assertEqual(gs1.parse(uri, today=TODAY).unknown, parsed.unknown)

    def test_digital_link_path_segment_that_is_not_an_ai_is_refused(self):
        with self.assertRaisesRegex(gs1.GS1Error, "AIs are 2 to 4 digits"):
            gs1.parse_digital_link(f"https://id.gs1.org/01/{GTIN}/lot/ABC")

    def test_building_still_refuses_unknown_ais(self):
        with self.assertRaisesRegex(gs1.GS1Error, "not supported"):
            gs1.build_digital_link({"01": GTIN, "99": "X"})

    def test_a_group_separator_is_refused_in_a_digital_link(self):
        with self.assertRaisesRegex(gs1.GS1Error, "control character"):
            gs1.parse_digital_link(f"https://id.gs1.org/01/{GTIN}/10/AB\x1dC")

    # Typed values on the receipt ---------------------------------------------------------------

    @parametrize(
        [
            "(01)09506000134352(10)ABC",
            "]d20109506000134352",
            f"0109506000134352{gs1.GS}10ABC",
            "010950600013435210ABC",
            "https://id.gs1.org/01/09506000134352/10/ABC",
            "01095060001343521015",
        ]
    )
    def test_what_a_scanner_sends_is_read_as_gs1(self, text):
        self.assertTrue(gs1.looks_like_gs1(text))

    @parametrize(["LOT-2026-001", "A12345", "", None, "0109"])
    def test_a_plain_lot_code_is_not_gs1(self, text):
        self.assertFalse(gs1.looks_like_gs1(text))

    def test_a_lot_date_is_noon_utc_of_the_day(self):
        self.assertEqual(gs1.date_to_datetime(datetime.date(2026, 3, 1)), datetime.datetime(2026, 3, 1, 12, 0))
        self.assertIsNone(gs1.date_to_datetime(None))

    # Counts (AI 30, 37) and check digits of every field -----------------------

    def test_counts_are_read_from_element_strings_and_digital_links(self):
        self.assertEqual(gs1.parse(f"(01){GTIN}(10)ABC(37)24"), {"01": GTIN, "10": "ABC", "37": 24})
        self.assertEqual(gs1.parse(f"]d201{GTIN}3012\x1d10ABC"), {"01": GTIN, "30": 12, "10": "ABC"})
        self.assertEqual(gs1.parse(f"https://id.gs1.org/01/{GTIN}/10/ABC?37=6"), {"01": GTIN, "10": "ABC", "37": 6})

    def test_counts_are_built_into_element_strings_and_digital_links(self):
        self.assertEqual(gs1.build({"01": GTIN, "10": "ABC", "37": 24}), f"(01){GTIN}(37)24(10)ABC")
        self.assertEqual(gs1.build({"01": GTIN, "10": "ABC", "30": 5}, parenthesised=False), f"01{GTIN}305\x1d10ABC")
        self.assertEqual(
            gs1.build_digital_link({"01": GTIN, "10": "A", "37": 3}), f"https://id.gs1.org/01/{GTIN}/10/A?37=3"
        )

    @parametrize([f"(01){GTIN}(37)", f"(01){GTIN}(37)123456789", f"(01){GTIN}(30)1A"])
    def test_a_count_that_is_not_1_to_8_digits_is_refused(self, data):
        with self.assertRaisesRegex(gs1.GS1Error, r"must be 1 to 8 digits") as error:
            gs1.parse(data)
        self.assertIn(error.exception.ai, ("30", "37"))

    def test_a_wrong_gtin_check_digit_names_the_digit(self):
        with self.assertRaisesRegex(gs1.GS1Error, r"its 14th and last digit\): expected 2, got 3"):
            gs1.parse("https://example.com/01/09506000134353/10/ABC")
        with self.assertRaisesRegex(gs1.GS1Error, r"GTIN 9506000134353 .*its 13th and last digit\): expected 2, got 3"):
            gs1.normalize_gtin("9506000134353")

    @parametrize(
        [
            # SSCC 106141411234567897 is GS1's example: its check digit is 7.
            (
                f"(00)106141411234567890(01){GTIN}",
                r"AI \(00\) SSCC 106141411234567890 .*18th and last digit\): expected 7, got 0",
            ),
            ("(02)09506000134353(37)10", r"AI \(02\) GTIN of contained items .*expected 2, got 3"),
            (
                f"(01){GTIN}(414)9506000134351",
                r"AI \(414\) GLN 9506000134351 .*13th and last digit\): expected 2, got 1",
            ),
        ]
    )
    def test_a_wrong_check_digit_in_any_field_names_the_field_and_the_digit(self, data, message):
        with self.assertRaisesRegex(gs1.GS1Error, message):
            gs1.parse(data)

    def test_right_check_digits_of_other_fields_are_accepted(self):
        parsed = gs1.parse(f"(00)106141411234567897(01){GTIN}(414)9506000134352")
        self.assertEqual(parsed.unknown, {"00": "106141411234567897", "414": "9506000134352"})

    def test_gtin_barcodes_are_the_forms_a_product_may_store(self):
        self.assertEqual(gs1.gtin_barcodes(GTIN), [GTIN, GTIN[1:]])
        self.assertEqual(
            gs1.gtin_barcodes("00000096385074"), ["00000096385074", "0000096385074", "000096385074", "96385074"]
        )

    def test_a_wrong_check_digit_is_told_apart_from_other_errors(self):
        with self.assertRaises(gs1.GS1CheckDigitError):
            gs1.parse("(01)09506000134353(10)X")
        with self.assertRaises(gs1.GS1Error) as error:
            gs1.parse("(01)0950600013435")
        self.assertNotIsInstance(error.exception, gs1.GS1CheckDigitError)
