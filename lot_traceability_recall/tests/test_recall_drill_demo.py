from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.addons.lot_traceability.tests.common import DemoHistoryCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestRecallDrillDemo(DemoHistoryCase):
    """The demo's recall drill (lot.traceability.demo._create_demo_recall_drills), as the README's guide shows it."""

    def test_the_history_milk_mock_recall_is_a_drill_signed_within_its_target(self):
        lot = self._demo_record("lot_traceability.lot_milk_mock_recall_demo")
        day = self.env["lot.traceability.demo"]._get_demo_history_day()
        drill = self.env["stock.lot.recall"].search([("is_drill", "=", True), ("lot_ids", "in", lot.ids)])
        self.assertEqual(len(drill), 1)
        self.assertEqual(drill.scope_date, day - timedelta(days=133) + timedelta(hours=11))
        self.assertEqual(
            (drill.drill_state, drill.drill_result, drill.drill_elapsed_minutes, drill.drill_signer_name),
            ("concluded", "pass", 94.0, "Mitchell Admin"),
        )
        self.assertEqual(drill.drill_elapsed_display, "1 h 34 min")
        self.assertAlmostEqual(drill.drill_reconciliation_pct, 100.0)
        self.assertEqual(len(drill.drill_customer_ids), 3)
        self.assertTrue(drill._check_drill_signature())
        self.assertEqual(
            drill.drill_warehouse_id.recall_drill_next_date, drill.drill_concluded_at.date() + relativedelta(months=12)
        )

    def test_the_other_company_site_has_its_drill_due(self):
        self._demo_record("lot_traceability.lot_milk_mock_recall_demo")
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "stock.warehouse"), ("summary", "=", "Recall drill due")]
        )
        self.assertEqual(len(activities), 1)
        site = self.env["stock.warehouse"].browse(activities.res_id)
        self.assertNotEqual(site.company_id, self.env.ref("base.main_company"))
        self.assertEqual(activities.user_id, self.env.ref("base.user_admin"))
        self.assertLess(site.recall_drill_next_date, fields.Date.today())
