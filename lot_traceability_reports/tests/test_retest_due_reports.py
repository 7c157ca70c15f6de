from datetime import date, timedelta

from odoo.tests import new_test_user, tagged

from .test_lot_control_dashboard import MARCH, LotControlDashboardCommon


@tagged("post_install", "-at_install")
class TestRetestDueReports(LotControlDashboardCommon):
    """Lots due for retest in Expiry Risk (Expiry and Aging) and on the Lot Control dashboard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.milk.product_tmpl_id.write({"expiration_time": 365, "use_retest_date": True, "retest_interval": 30})
        cls.stock_user = new_test_user(cls.env, "stock.retest", groups="stock.group_stock_user")

    def _lots(self):
        # PostgreSQL's clock is not frozen by the test: dates relative to today.
        today = date.today()
        due = self._milk_lot("RT-DUE")
        due.retest_date = today
        later = self._milk_lot("RT-LATER")
        self.assertEqual(later.retest_date, today + timedelta(days=30))
        held = self._milk_lot("RT-HELD", state="on_hold")
        held.retest_date = today - timedelta(days=0)
        self.env.flush_all()
        return due, later, held

    def test_expiry_report_says_retest_due_with_its_date(self):
        due, later, held = self._lots()
        rows = {
            row.lot_id.name: row
            for row in self.env["stock.lot.expiry.report"]
            .with_user(self.stock_user)
            .search([("product_id", "=", self.milk.id)])
        }
        self.assertEqual(
            (rows["RT-DUE"].is_retest_due, rows["RT-DUE"].retest_status),
            (True, f"Retest due {date.today().isoformat()}"),
        )
        self.assertEqual((rows["RT-LATER"].is_retest_due, rows["RT-LATER"].retest_status), (False, False))
        self.assertEqual(rows["RT-LATER"].retest_date, date.today() + timedelta(days=30))
        self.assertFalse(rows["RT-HELD"].is_retest_due, "on hold: waits for another decision than its retest")
        # The Retest Due filter of the report and of the lots.
        filtered = self.env["stock.lot.expiry.report"].search(
            [("product_id", "=", self.milk.id), ("is_retest_due", "=", True)]
        )
        self.assertEqual(filtered.lot_id, due)
        self.assertEqual(
            self.env["stock.lot"].search([("product_id", "=", self.milk.id), ("is_retest_due", "=", True)]), due
        )
        self.assertEqual(
            self.env["stock.lot"].search([("product_id", "=", self.milk.id), ("is_retest_due", "=", False)]),
            later | held,
        )

    def test_dashboard_release_card_counts_the_lots_due_for_retest_and_opens_them(self):
        before = self.env["stock.lot"].search_count(
            self.Kpi._get_retest_due_lot_domain(
                {"companies": self.company, "warehouse": self.warehouse, "today": date.today()}
            )
        )
        due, later, held = self._lots()
        with self.assertQueryCount(1):
            self.env["stock.lot"].search_count(
                self.Kpi._get_retest_due_lot_domain(
                    {"companies": self.company, "warehouse": self.warehouse, "today": date.today()}
                )
            )
        card = self._dashboard(MARCH, warehouse=self.warehouse)["release"]
        self.assertEqual(card["retest_due"]["value"], before + 1)
        self.assertIn(
            {"key": "release_retest", "label": f"Due for retest: {before + 1}"},
            card["links"],
        )
        records = self._card_records("release_retest", warehouse=self.warehouse)
        self.assertEqual(records & (due | later | held), due)
        # The daily job started the retest: still due (pending) until released again.
        self.env["stock.lot"]._cron_start_due_retests()
        self.assertEqual(due.qc_state, "pending")
        self.assertEqual(self._dashboard(MARCH, warehouse=self.warehouse)["release"]["retest_due"]["value"], before + 1)
        # Nothing received in the other warehouse.
        self.assertEqual(self._dashboard(MARCH, warehouse=self.other_warehouse)["release"]["retest_due"]["value"], 0)
