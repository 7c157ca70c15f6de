"""The JS unit tests (hoot) of the genealogy and Lot Control client actions, run in Chromium.

They are ``static/tests/*.test.js`` in Odoo's ``web.assets_unit_tests`` bundle, beside the tours; the
server is mocked there (``onRpc``), as in Odoo's own unit tests. ``/web/tests`` runs only this addon's
suite (``id`` is hoot's hash of the suite name, as ``odoo.addons.web.tests.test_js`` computes it).
"""

from odoo.tests import HttpCase, tagged

SUITE = "@lot_traceability_reports"


def hoot_id(name):
    """Hoot's id of a suite or test: the hash /web/tests filters on."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


def hoot_error(message):
    """A console error stops the run unless hoot itself reports it (it then reports the failed test)."""
    return "[HOOT]" not in message


@tagged("post_install", "-at_install")
class TestClientActionsJsUnit(HttpCase):
    def test_hoot_id_is_the_one_of_odoo_web_tests(self):
        # The examples of odoo.addons.web.tests.test_js.HOOTCommon.
        self.assertEqual(hoot_id("@web/core"), "e39ce9ba")
        self.assertEqual(hoot_id("@web/core/autocomplete"), "69a6561d")

    def test_genealogy_and_lot_control_unit_tests(self):
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={hoot_id(SUITE)}",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=hoot_error,
        )
