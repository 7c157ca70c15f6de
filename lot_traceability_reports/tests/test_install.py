from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestReportsInstall(TransactionCase):
    def test_reports_addon_stands_on_recall_and_core(self):
        module = self.env["ir.module.module"].search([("name", "=", "lot_traceability_reports")])
        self.assertEqual(module.state, "installed")
        self.assertEqual(
            set(module.dependencies_id.mapped("name")),
            {"lot_traceability_recall"},
            "reports -> recall -> core",
        )
