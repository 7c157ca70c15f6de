from odoo.addons.lot_traceability.hooks import uninstall_hook
from odoo.tests import TransactionCase, tagged

# The indexes lot_traceability creates by hand (Odoo 18 has none of these names).
OUR_INDEXES = {
    "stock_quant_fefo_order_index",
    "stock_quant_fifo_order_index",
    "stock_quant_negative_index",
    "stock_move_line_lot_id_partial_index",
    "stock_move_unbuild_id_partial_index",
    "stock_lot_unreleased_product_index",
}


@tagged("post_install", "-at_install")
class TestUninstallLeavesNothing(TransactionCase):
    """What the addon created in the database by hand goes with it (the hook's DDL is rolled back with the
    test's transaction)."""

    def _indexes(self, tables):
        self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)", [list(tables)])
        return {name for (name,) in self.env.cr.fetchall()}

    def _functions(self):
        self.env.cr.execute("SELECT proname FROM pg_proc WHERE proname LIKE 'lot_traceability_trace_%%'")
        return {name for (name,) in self.env.cr.fetchall()}

    def test_uninstall_drops_the_addons_own_indexes_and_functions_and_only_them(self):
        tables = ("stock_quant", "stock_move_line", "stock_move", "stock_lot")
        before = self._indexes(tables)
        self.assertLessEqual(OUR_INDEXES, before, "created when the addon was installed")
        self.assertEqual(len(self._functions()), 3)

        uninstall_hook(self.env)

        self.assertEqual(self._indexes(tables), before - OUR_INDEXES, "ours gone, Odoo's own left as they were")
        self.assertFalse(self._functions())
