from odoo.addons.lot_traceability.tests.test_roles import RolesCommon
from odoo.tests import tagged

LOT_CONTROL_MENUS = (
    "stock.menu_warehouse_report",
    "lot_traceability_reports.menu_stock_lot_control_kpi",
    "lot_traceability_reports.menu_stock_lot_control_kpi_analysis",
    "lot_traceability_reports.menu_stock_lot_expiry_report",
    "lot_traceability_reports.menu_lot_traceability_export",
    "lot_traceability_reports.menu_lot_traceability_export_new",
)


@tagged("post_install", "-at_install")
class TestReportRoles(RolesCommon):
    def test_inventory_user_finds_lot_control_and_the_exports(self):
        self.assertMenus(
            self._visible_menus("stock.group_stock_user", "stock.group_production_lot"),
            shown=LOT_CONTROL_MENUS,
            hidden=(
                "lot_traceability_reports.menu_stock_lot_supplier_quality_report",
                "stock.menu_product_stock",
                "stock_account.menu_valuation",
            ),
        )

    def test_recall_manager_finds_lot_control_the_exports_and_supplier_quality(self):
        self.assertMenus(
            self._visible_menus("lot_traceability_recall.group_recall_manager"),
            shown=(
                *LOT_CONTROL_MENUS,
                "lot_traceability_reports.menu_stock_lot_supplier_quality_report",
                "lot_traceability_reports.menu_stock_lot_qc_failure_report",
            ),
        )

    def test_accountant_in_inventory_finds_the_lot_costing_analyses(self):
        self.assertMenus(
            self._visible_menus("stock.group_stock_user", "account.group_account_readonly"),
            shown=(
                "stock.menu_warehouse_report",
                "lot_traceability.menu_stock_lot_margin_report",
                "lot_traceability.menu_stock_lot_cost_reconciliation",
            ),
        )
