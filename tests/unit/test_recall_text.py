"""Plain pytest tests of the recall addon's text helpers (public acknowledgement page): no Odoo."""

import importlib.util
import pathlib

import pytest

_path = pathlib.Path(__file__).resolve().parents[2] / "lot_traceability_recall" / "tools" / "text.py"
_spec = importlib.util.spec_from_file_location("lot_traceability_recall_text", _path)
text = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(text)


@pytest.mark.parametrize("value", ["a\x00b", "\x1b[31m", "x\ud800", "line\n"])
def test_control_characters_are_found(value):
    assert text.has_control_characters(value)


def test_allowed_control_characters_and_plain_text_pass():
    assert not text.has_control_characters("Jeanne d'Arc, Épicerie 12,5 kg")
    assert not text.has_control_characters("first line\nsecond\tline\r\n", allowed="\t\r\n")


def test_printable_drops_control_characters_but_keeps_line_breaks():
    assert text.printable("a\x00b\x1bc\nd\te") == "abc\nd\te"
    assert text.printable(None) == ""
