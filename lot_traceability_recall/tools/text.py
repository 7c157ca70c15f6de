"""Text typed by people outside the company (the public acknowledgement page)."""

import unicodedata


def has_control_characters(text, allowed=""):
    """Whether ``text`` holds control characters (NUL, ESC...) or lone surrogates other than ``allowed``:
    PostgreSQL refuses NUL, and none of them belongs in a name or a note."""
    return any(unicodedata.category(char) in ("Cc", "Cs") and char not in allowed for char in text)


def printable(text):
    """``text`` without its control characters (tabs and line breaks kept), to show it back safely."""
    return "".join(char for char in text or "" if char in "\t\r\n" or unicodedata.category(char) not in ("Cc", "Cs"))
