from odoo.addons.lot_traceability.tools.planner import planner_setting
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ExportCommon


@tagged("post_install", "-at_install")
class TestPlannerSettingsStayWithTheirQueries(ExportCommon):
    """JIT is off for the queries that measured it costly, and only for them: whatever a user reads (an
    analysis, a lot's costs, the dashboard, the genealogy), the rest of their transaction keeps its setting."""

    def _jit(self):
        self.env.cr.execute("SHOW jit")
        return self.env.cr.fetchone()[0]

    def setUp(self):
        super().setUp()
        self.env.cr.execute("SET LOCAL jit = on")  # the transaction's own setting (PostgreSQL's default)

    def test_the_costing_analyses_leave_the_transactions_setting(self):
        for model in ("stock.lot.margin.report", "stock.lot.cost.reconciliation"):
            Analysis = self.env[model]
            Analysis.search_count([])
            self.assertEqual(self._jit(), "on", f"{model}: count")
            records = Analysis.search([])
            records.read(["lot_id"])
            self.assertEqual(self._jit(), "on", f"{model}: list")
            Analysis.read_group([], ["lot_id"], ["lot_id"])
            self.assertEqual(self._jit(), "on", f"{model}: group")
        reconciled = self.env["stock.lot.cost.reconciliation"].search([("lot_id", "=", self.yogurt_lot.id)])
        self.assertEqual(reconciled.lot_id, self.yogurt_lot, "the analysis still answers")

    def test_a_lots_costs_leave_the_transactions_setting(self):
        breakdown = self.yogurt_lot._get_cost_breakdown()
        self.assertEqual(self._jit(), "on")
        self.assertEqual(breakdown[self.yogurt_lot.id]["quantity"], 100)
        tree = self.yogurt_lot._get_cost_tree()
        self.assertEqual(self._jit(), "on")
        self.assertEqual(tree[0]["lot_id"], self.yogurt_lot.id)

    def test_the_dashboard_and_the_genealogy_leave_the_transactions_setting(self):
        dashboard = self.env["stock.lot.control.kpi"].get_lot_control_dashboard(period="this_year")
        self.assertEqual(self._jit(), "on")
        self.assertTrue(dashboard["cards"])
        children = self.env["stock.lot"].get_genealogy_children(self.milk_lot.ids, "downstream")
        self.assertEqual(self._jit(), "on")
        self.assertIn(self.yogurt_lot.id, [node["id"] for node in children[str(self.milk_lot.id)]])

    def test_a_block_that_raises_gives_the_setting_back(self):
        with self.assertRaises(UserError), planner_setting(self.env.cr, "jit", "off"):
            self.assertEqual(self._jit(), "off")
            raise UserError(self.env._("Stopped inside the block."))
        self.assertEqual(self._jit(), "on", "the caller goes on with its own setting")
