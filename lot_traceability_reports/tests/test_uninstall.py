from odoo.addons.lot_traceability_reports.hooks import uninstall_hook
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestUninstallLeavesNothing(TransactionCase):
    """The index lot_traceability_reports creates by hand goes with it (rolled back with the test)."""

    def _indexes(self):
        self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'stock_move'")
        return {name for (name,) in self.env.cr.fetchall()}

    def test_uninstall_drops_the_addons_own_index_and_only_it(self):
        before = self._indexes()
        self.assertIn("stock_move_is_inventory_index", before)

        uninstall_hook(self.env)

        self.assertEqual(self._indexes(), before - {"stock_move_is_inventory_index"})
