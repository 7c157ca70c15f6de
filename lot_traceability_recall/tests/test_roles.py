from odoo.addons.lot_traceability.tests.test_roles import RolesCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestRecallRoles(RolesCommon):
    def test_recall_manager_is_a_choice_of_the_lot_traceability_section(self):
        recall_manager = self.env.ref("lot_traceability_recall.group_recall_manager")
        field, choices = self._selection(recall_manager)
        self.assertIn(field, self._user_form_section())
        self.assertEqual(choices, ["", "Recall Manager"])
        # Beside the quality choice: a recall manager is a QA user, not a QA manager (separate duties).
        self.assertIn(self.qa_user, recall_manager.trans_implied_ids)
        self.assertNotIn(self.qa_manager, recall_manager.trans_implied_ids)

    def test_recall_manager_finds_the_menus_of_the_guide(self):
        self.assertMenus(
            self._visible_menus("lot_traceability_recall.group_recall_manager"),
            shown=(
                "lot_traceability_recall.menu_stock_lot_recall",
                "lot_traceability_recall.menu_stock_lot_recall_mock",
                "lot_traceability_recall.menu_stock_lot_recall_mock_history",
                "lot_traceability_recall.menu_stock_lot_complaint",
                "stock.menu_warehouse_report",
                "lot_traceability.menu_stock_lot_incident_scope",
                "lot_traceability.menu_stock_lot_expiry_risk",
            ),
            hidden=("stock.menu_product_stock", "stock.stock_move_menu", "lot_traceability.menu_stock_lot_fefo_report"),
        )
