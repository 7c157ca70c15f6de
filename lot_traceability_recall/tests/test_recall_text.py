"""Tests of the recall addon's text helpers (lot_traceability_recall/tools/text.py, public acknowledgement page)."""

from odoo.addons.lot_traceability.tests.parametrize import expand_cases, parametrize
from odoo.addons.lot_traceability_recall.tools import text
from odoo.tests import BaseCase, tagged


@tagged("post_install", "-at_install")
@expand_cases
class TestRecallText(BaseCase):
    """Control characters in what the public acknowledgement page receives."""

    @parametrize(["a\x00b", "\x1b[31m", "x\ud800", "line\n"])
    def test_control_characters_are_found(self, value):
        self.assertTrue(text.has_control_characters(value))

    def test_allowed_control_characters_and_plain_text_pass(self):
        self.assertFalse(text.has_control_characters("Jeanne d'Arc, Épicerie 12,5 kg"))
        self.assertFalse(text.has_control_characters("first line\nsecond\tline\r\n", allowed="\t\r\n"))

    def test_printable_drops_control_characters_but_keeps_line_breaks(self):
        self.assertEqual(text.printable("a\x00b\x1bc\nd\te"), "abc\nd\te")
        self.assertEqual(text.printable(None), "")
