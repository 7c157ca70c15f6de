from pathlib import Path

from babel.messages import extract

from odoo.tests import BaseCase, tagged

ADDONS = ("lot_traceability", "lot_traceability_recall", "lot_traceability_reports")


@tagged("post_install", "-at_install")
class TestTranslationExtraction(BaseCase):
    """Every Python file of the three addons gives its terms to the .pot as Odoo exports them (babel, with Odoo's
    keywords): a file babel cannot read (e.g. an f-string argument of ``_()``) loses all its terms, untranslated."""

    def test_every_python_file_gives_its_terms(self):
        root = Path(__file__).resolve().parents[2]
        files = sorted(path for addon in ADDONS for path in (root / addon).rglob("*.py") if "tests" not in path.parts)
        self.assertGreater(len(files), 50)
        for path in files:
            with self.subTest(path=str(path.relative_to(root))), path.open("rb") as source:
                list(
                    extract.extract("python", source, keywords={"_": None, "_lt": None}, options={"encoding": "UTF-8"})
                )

    def test_a_formatted_argument_is_given_to_the_message(self):
        # The two messages whose arguments were f-strings inside the call are in the extracted terms.
        root = Path(__file__).resolve().parents[2]
        terms = set()
        for relative in ("lot_traceability/tools/arguments.py", "lot_traceability/models/stock_lot_cost.py"):
            with (root / relative).open("rb") as source:
                terms |= {
                    message
                    for _lineno, message, _comments, _context in extract.extract(
                        "python", source, keywords={"_": None, "_lt": None}, options={"encoding": "UTF-8"}
                    )
                }
        self.assertIn(
            "At most %(limit)s of %(noun)s can be given at once; %(count)s were given. Split the request.", terms
        )
        self.assertIn("Found by inventory counts: %(quantity)s %(unit)s", terms)
