from unittest import SkipTest

from odoo.tests import TransactionCase, tagged

from ..report.stock_lot_control_kpi import LOT_CONTROL_KPIS


@tagged("post_install", "-at_install")
class TestDemoLotControl(TransactionCase):
    """Every lot control KPI has real numbers on the demo database: its six months of history
    (lot.traceability.demo._create_demo_history and _create_demo_recall_history), checked against the figures
    worked out by hand from the plan. Only what happened before the day of the install (``self.day``) is
    counted: today's demo operations and Odoo's own demo stock come on top. The test databases are installed
    with demo data; without it these tests skip."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day = cls.env["lot.traceability.demo"]._get_demo_history_day()
        if not cls.day:
            raise SkipTest("The database has no demo history (installed without demo data?).")

    def _figures(self, kpi):
        [row] = self.env["stock.lot.control.kpi"]._read_group(
            [("kpi", "=", kpi), ("date", "<", self.day)],
            [],
            ["__count", "numerator:sum", "denominator:sum", "hours_to_notify:avg", "hours_to_acknowledge:avg"],
        )
        return row

    def test_every_kpi_has_history(self):
        kpis = self.env["stock.lot.control.kpi"]
        for kpi, _label in LOT_CONTROL_KPIS:
            months = {
                month for [month] in kpis._read_group([("kpi", "=", kpi), ("date", "<", self.day)], ["date:month"])
            }
            self.assertTrue(months, f"{kpi}: no row before today")
        months = {month for [month] in kpis._read_group([("date", "<", self.day)], ["date:month"])}
        self.assertGreaterEqual(len(months), 6, "six months of history")

    def test_hand_computed_figures(self):
        # Seven lots counted, five without difference.
        self.assertEqual(self._figures("inventory_accuracy")[1:3], (5, 7))
        # 19,429 units out of stock, 900 out of FEFO order (see lot_traceability's test_demo_history).
        self.assertEqual(self._figures("fefo")[1:3], (19429 - 900, 19429))
        # Two mock recalls, complete.
        self.assertEqual(self._figures("mock_recall")[:3], (2, 200, 200))
        # One recall: every notice sent 2 hours after confirmation, the last answer 48 h 15 min after it.
        count, acknowledged, notified, hours_to_notify, hours_to_acknowledge = self._figures("recall_response")
        self.assertEqual((count, acknowledged, notified), (1, 3, 3))
        self.assertAlmostEqual(hours_to_notify, 2)
        self.assertAlmostEqual(hours_to_acknowledge, 48.25)

    def test_release_days(self):
        # Six milk powder lots released 2 days 9 hours (twice), 3 d 9 h (twice), 4 d 9 h and 5 d 9 h after receipt.
        [[count, days]] = self.env["stock.lot.control.kpi"]._read_group(
            [("kpi", "=", "release"), ("date", "<", self.day)], [], ["__count", "days_to_release:avg"]
        )
        self.assertEqual(count, 6)
        self.assertAlmostEqual(days, (2 * 2 + 2 * 3 + 4 + 5) / 6 + 9 / 24)

    def test_near_date_recovery_and_shrinkage_values(self):
        # Near date: yogurt lot of month 5, 500 cups at its alert date, 300 sold before expiry; milk lot of month
        # 3, 25 L at its alert date, none used. At the products' costs (0.42, 0.85).
        recovered, at_risk = self._figures("near_date_recovery")[1:3]
        self.assertAlmostEqual(at_risk, 500 * 0.42 + 25 * 0.85)
        self.assertAlmostEqual(recovered, 300 * 0.42)
        # Written off: the 25 L of milk and 200 cups scrapped once expired, 12 cups short at a count.
        self.assertAlmostEqual(self._figures("shrinkage")[1], 25 * 0.85 + (200 + 12) * 0.42)
