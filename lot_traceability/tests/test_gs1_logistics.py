"""Tests of lot_traceability/tools/gs1_logistics.py (SSCC and the PTI voice pick code) with published and
hand-computed values: pure Python, no records."""

import datetime

from odoo.addons.lot_traceability.tools import gs1, gs1_logistics
from odoo.tests import BaseCase, tagged


@tagged("post_install", "-at_install")
class TestSSCC(BaseCase):
    def test_gs1_example_sscc(self):
        # GS1 General Specifications (AI 00) and GS1 Logistic Label Guideline: (00) 0 0614141 123456789 0.
        self.assertEqual(gs1_logistics.build_sscc(0, "0614141", 123456789), "006141411234567890")
        self.assertEqual(gs1_logistics.validate_sscc("(00) 006141411234567890"), "006141411234567890")

    def test_hand_computed_check_digit(self):
        # 1 0614141 123456789, digits from the right weighted 3, 1, 3, ...:
        # 9*3 + 8 + 7*3 + 6 + 5*3 + 4 + 3*3 + 2 + 1*3 + 1 + 4*3 + 1 + 4*3 + 1 + 6*3 + 0 + 1*3
        # = 27+8+21+6+15+4+9+2+3+1+12+1+12+1+18+0+3 = 143; the check digit makes it a multiple of 10: 7.
        body = "10614141123456789"
        total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
        self.assertEqual(total, 143)
        self.assertEqual(gs1_logistics.build_sscc(1, "0614141", 123456789), "106141411234567897")

    def test_serial_reference_padding_and_prefix_lengths(self):
        # A 12-digit prefix leaves 4 digits; a 6-digit prefix leaves 10.
        self.assertEqual(gs1_logistics.build_sscc(3, "123456789012", 7)[:17], "31234567890120007")
        self.assertEqual(gs1_logistics.build_sscc(3, "123456", 7)[:17], "31234560000000007")
        self.assertEqual(gs1_logistics.sscc_serial_reference_length(7), 9)

    def test_serial_reference_exhausted(self):
        self.assertEqual(gs1_logistics.build_sscc(0, "123456789012", 9999)[:17], "01234567890129999")
        with self.assertRaisesRegex(gs1.GS1Error, "exhausted"):
            gs1_logistics.build_sscc(0, "123456789012", 10000)

    def test_bad_inputs(self):
        for extension, prefix, serial, message in (
            (10, "0614141", 1, "extension digit"),
            (0, "", 1, "company prefix"),
            (0, "12345", 1, "company prefix"),
            (0, "1234567890123", 1, "company prefix"),
            (0, "06141A1", 1, "company prefix"),
            (0, "0614141", "12a", "must be digits"),
        ):
            with self.subTest(prefix=prefix, serial=serial), self.assertRaisesRegex(gs1.GS1Error, message):
                gs1_logistics.build_sscc(extension, prefix, serial)

    def test_wrong_check_digit_names_the_expected_digit(self):
        with self.assertRaisesRegex(gs1.GS1CheckDigitError, "expected 0, got 1"):
            gs1_logistics.validate_sscc("006141411234567891")
        for value in ("00614141123456789", "0061414112345678901", "00614141123456789X", "٠٠٦١٤١٤١١٢٣٤٥٦٧٨٩٠"):
            with self.subTest(value=value), self.assertRaisesRegex(gs1.GS1Error, "18 digits"):
                gs1_logistics.validate_sscc(value)

    def test_epc_urn(self):
        # GS1 EPC Tag Data Standard 6.3.2: urn:epc:id:sscc:0614141.1234567890 for (00) 1 0614141 234567890 x.
        sscc = gs1_logistics.build_sscc(1, "0614141", 234567890)
        self.assertEqual(gs1_logistics.sscc_epc_urn(sscc, 7), "urn:epc:id:sscc:0614141.1234567890")

    def test_gs1_128_value_read_back(self):
        value, hri = gs1_logistics.gs1_128([("00", "006141411234567890")])
        self.assertEqual(value, "\xf100006141411234567890")
        self.assertEqual(hri, "(00)006141411234567890")
        value, hri = gs1_logistics.gs1_128([("02", "10614141000415"), ("37", "40"), ("10", "LOT-1"), ("17", "260131")])
        self.assertEqual(hri, "(02)10614141000415(17)260131(37)40(10)LOT-1")
        parsed = gs1.parse(value.lstrip("\xf1").replace("\xf1", gs1.GS), today=datetime.date(2026, 1, 1))
        self.assertEqual(parsed["37"], 40)
        self.assertEqual(parsed["10"], "LOT-1")
        self.assertEqual(parsed.unknown["02"], "10614141000415")


@tagged("post_install", "-at_install")
class TestVoicePickCode(BaseCase):
    """The PTI voice pick code against published examples.

    Source: TEKLYNX knowledge base article KA-02292 "How is a Voice Pick Code computed?" (quoting the PTI /
    YottaMark VoiceCode calculation): VoiceCode("10850510002011", "46587443HG234") = 6359 (small digits 63,
    large digits 59; the same label as Loftware's "Voice Pick Code Script" sample, spoken "59" or "63 59"),
    and VoiceCode("65457886676767", "2", "100126") = 5836.
    """

    def test_published_example_without_date(self):
        code = gs1_logistics.voice_pick_code("10850510002011", "46587443HG234")
        self.assertEqual(code, "6359")
        self.assertEqual(gs1_logistics.voice_pick_code_parts(code), ("63", "59"))

    def test_published_example_with_pack_date(self):
        # The published GTIN 65457886676767 has a wrong check digit (3 expected): the CRC of its text gives the
        # published code, and a label refuses the GTIN as it stands.
        self.assertEqual(gs1_logistics.crc16_ansi(b"654578866767672100126") % 10000, 5836)
        with self.assertRaisesRegex(gs1.GS1CheckDigitError, "expected 3, got 7"):
            gs1_logistics.voice_pick_code("65457886676767", "2", "100126")
        # The same calculation with the pack date as a date, on a valid GTIN (hand-checked with the CRC above).
        code = gs1_logistics.voice_pick_code("10850510002011", "46587443HG234", datetime.date(2010, 1, 26))
        self.assertEqual(code, f"{gs1_logistics.crc16_ansi(b'1085051000201146587443HG234100126') % 10000:04d}")

    def test_crc16_check_value(self):
        # CRC-16/ARC's catalogued check value: CRC of "123456789" is 0xBB3D.
        self.assertEqual(gs1_logistics.crc16_ansi(b"123456789"), 0xBB3D)

    def test_lot_is_case_sensitive_and_code_zero_padded(self):
        self.assertNotEqual(
            gs1_logistics.voice_pick_code("10850510002011", "46587443hg234"),
            gs1_logistics.voice_pick_code("10850510002011", "46587443HG234"),
        )
        codes = {gs1_logistics.voice_pick_code("10850510002011", f"L{number}") for number in range(300)}
        self.assertTrue(all(len(code) == 4 and code.isdigit() for code in codes))

    def test_bad_inputs(self):
        with self.assertRaisesRegex(gs1.GS1CheckDigitError, "check digit"):
            gs1_logistics.voice_pick_code("10850510002012", "46587443HG234")
        with self.assertRaisesRegex(gs1.GS1Error, "lot"):
            gs1_logistics.voice_pick_code("10850510002011", "LOT WITH SPACE")
        with self.assertRaisesRegex(gs1.GS1Error, "YYMMDD"):
            gs1_logistics.voice_pick_code("10850510002011", "A1", "2026-01-01")
