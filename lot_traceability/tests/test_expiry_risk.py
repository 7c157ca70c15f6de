from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestExpiryRisk(LotTraceabilityCommon):
    """Yogurt sold 30 units on 20 January and 60 on 20 February 2026 (today is 10 March):
    90 units in the last 90 days (1 a day), 60 in the last 30 days (2 a day).

    On hand, in FEFO order: A 10 units removed in 3 days, B 30 in 10 days, C 40 in 40 days.
    Milk (a component of the yogurt BoM): 10 units removed in 20 days, never sold.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.yogurt.standard_price = 2.5
        cls.milk.standard_price = 10.0
        cls.qa_manager = new_test_user(
            cls.env, "qa.risk", groups="lot_traceability.group_qa_manager,stock.group_stock_user"
        )

    def setUp(self):
        super().setUp()
        with freeze_time("2026-01-19 09:00:00"):
            self._receive(self.yogurt, 90, lot_name="Y-HISTORY", supplier_expiration_date=date(2026, 6, 1))
        with freeze_time("2026-01-20 09:00:00"):
            self._deliver(self.yogurt, 30)
        with freeze_time("2026-02-20 09:00:00"):
            self._deliver(self.yogurt, 60)
        self.lot_a = self._lot(self.yogurt, "Y-A", 10, datetime(2026, 3, 13, 9, 0))
        self.lot_b = self._lot(self.yogurt, "Y-B", 30, datetime(2026, 3, 20, 9, 0))
        self.lot_c = self._lot(self.yogurt, "Y-C", 40, datetime(2026, 4, 19, 9, 0))
        self.lot_milk = self._lot(self.milk, "M-1", 10, datetime(2026, 3, 30, 9, 0))

    def _lot(self, product, name, quantity, removal_date):
        self._receive(product, quantity, lot_name=name, supplier_expiration_date=date(2026, 12, 31))
        lot = self.env["stock.lot"].search([("name", "=", name)])
        lot.removal_date = removal_date
        return lot

    def _risk(self, lot):
        risk = self.env["stock.lot.expiry.risk"].search([("lot_id", "=", lot.id)])
        self.assertEqual(len(risk), 1)
        return risk

    def _set_window(self, days):
        self.env["ir.config_parameter"].set_param("lot_traceability.expiry_risk_demand_days", days)

    def test_default_window_of_90_days_gives_one_unit_a_day(self):
        # A: 3 days x 1 = 3 leave, 7 at risk. B: 10 days x 1 = 10, all taken by A's 10: 30 at risk.
        # C: 40 days x 1 = 40, all taken by A and B (40): 40 at risk.
        # Markdown: A 70 % at risk / 2 = 35, removed within 7 days: + 10 = 45 %. B 100 % / 2 = 50 %, 10 days.
        expected = {self.lot_a: (10, 7, 17.5, "markdown", 45), self.lot_b: (30, 30, 75, "markdown", 50)}
        expected[self.lot_c] = (40, 40, 100, "transfer", 0)
        for lot, (on_hand, at_risk, value, action, markdown) in expected.items():
            risk = self._risk(lot)
            self.assertAlmostEqual(risk.daily_demand, 1.0)
            self.assertEqual(risk.demand_status, "demand")
            self.assertAlmostEqual(risk.quantity_on_hand, on_hand, msg=lot.name)
            self.assertAlmostEqual(risk.forecast_quantity_at_risk, at_risk, msg=lot.name)
            self.assertAlmostEqual(risk.value_at_risk, value, msg=lot.name)
            self.assertEqual(risk.suggested_action, action, lot.name)
            self.assertEqual(risk.markdown_percent, markdown, lot.name)

    def test_window_of_30_days_gives_two_units_a_day(self):
        self._set_window(30)
        # A: 6 leave, 4 at risk (40%: not a markdown). B: 20 - A's 10 = 10 leave, 20 at risk (67%, 10 days).
        # C: 80 - 40 = 40 leave: nothing at risk.
        # Markdown of B: 67 % / 2 = 33.3, removal in 10 days (no urgency): rounded to 35 %.
        expected = {
            self.lot_a: (4, 10, "transfer", 0),
            self.lot_b: (20, 50, "markdown", 35),
            self.lot_c: (0, 0, "none", 0),
        }
        for lot, (at_risk, value, action, markdown) in expected.items():
            risk = self._risk(lot)
            self.assertAlmostEqual(risk.daily_demand, 2.0)
            self.assertAlmostEqual(risk.forecast_quantity_at_risk, at_risk, msg=lot.name)
            self.assertAlmostEqual(risk.value_at_risk, value, msg=lot.name)
            self.assertEqual(risk.suggested_action, action, lot.name)
            self.assertEqual(risk.markdown_percent, markdown, lot.name)

    def test_no_sales_in_window_puts_everything_at_risk_without_division_error(self):
        self._set_window(10)  # nothing went out in the last 10 days
        risk = self._risk(self.lot_c)
        self.assertEqual(risk.demand_status, "no_sales")
        self.assertEqual(risk.daily_demand, 0)
        self.assertAlmostEqual(risk.forecast_quantity_at_risk, 40)

    def test_component_never_sold_is_suggested_for_production(self):
        risk = self._risk(self.lot_milk)
        self.assertEqual(risk.demand_status, "no_sales")
        self.assertAlmostEqual(risk.forecast_quantity_at_risk, 10)
        self.assertAlmostEqual(risk.value_at_risk, 100)
        self.assertEqual(risk.suggested_action, "production")  # removal in 20 days: no markdown yet

    def test_product_without_expiry_is_never_at_risk(self):
        salt = self.env["product.product"].create({"name": "Sea Salt", "is_storable": True, "tracking": "lot"})
        self._receive(salt, 5, lot_name="SALT-1")
        risk = self._risk(self.env["stock.lot"].search([("name", "=", "SALT-1")]))
        self.assertEqual((risk.quantity_on_hand, risk.forecast_quantity_at_risk), (5, 0))
        self.assertEqual(risk.suggested_action, "none")

    def test_lot_past_its_removal_date_is_all_at_risk(self):
        self.lot_a.removal_date = datetime(2026, 3, 9, 9, 0)
        self._set_window(30)
        risk = self._risk(self.lot_a)
        self.assertAlmostEqual(risk.forecast_quantity_at_risk, 10)
        # 100 % / 2 = 50, + 10 for the removal date within 7 days (passed): 60, capped at 50 %.
        self.assertEqual((risk.suggested_action, risk.markdown_percent), ("markdown", 50))

    def test_markdown_rounds_to_the_nearest_five_percent(self):
        # Window of 30 days (2 a day), B removed in 7.5 days: 15 - A's 10 = 5 leave, 25 at risk: 83.3 % / 2 = 41.7,
        # more than 7 days left: rounded to 40 %.
        self._set_window(30)
        self.lot_b.removal_date = datetime(2026, 3, 17, 21, 0)
        risk = self._risk(self.lot_b)
        self.assertAlmostEqual(risk.forecast_quantity_at_risk, 25)
        self.assertEqual((risk.suggested_action, risk.markdown_percent), ("markdown", 40))

    def test_lots_sold_out_are_not_listed(self):
        history = self.env["stock.lot"].search([("name", "=", "Y-HISTORY")])
        self.assertFalse(self.env["stock.lot.expiry.risk"].search([("lot_id", "=", history.id)]))

    def test_activity_for_the_responsible_when_value_at_risk_crosses_the_threshold(self):
        self._set_window(30)
        self.env["ir.config_parameter"].set_param("lot_traceability.expiry_risk_value_threshold", 50)
        planner = new_test_user(self.env, "yogurt.planner", groups="stock.group_stock_user")
        self.yogurt.product_tmpl_id.responsible_id = planner
        risk_model = self.env["stock.lot.expiry.risk"]
        ours = (self.lot_a | self.lot_b | self.lot_c | self.lot_milk).ids
        activities = risk_model._cron_schedule_expiry_risk_activities()
        # B (50) and milk (100) reach 50; A (10) and C (0) do not.
        by_lot = {activity.res_id: activity for activity in activities if activity.res_id in ours}
        self.assertEqual(set(by_lot), {self.lot_b.id, self.lot_milk.id})
        self.assertEqual(by_lot[self.lot_b.id].user_id, planner)
        self.assertTrue(by_lot[self.lot_milk.id].user_id.has_group("stock.group_stock_manager"))
        self.assertEqual(by_lot[self.lot_b.id].activity_type_id, self.env.ref("mail.mail_activity_data_warning"))
        # What to do is in the note: B's markdown with its percentage, the milk's use in production.
        self.assertIn("Suggested action: mark it down by 35%.", str(by_lot[self.lot_b.id].note))
        self.assertIn("Suggested action: use it in production.", str(by_lot[self.lot_milk.id].note))
        again = risk_model._cron_schedule_expiry_risk_activities().filtered(lambda activity: activity.res_id in ours)
        self.assertFalse(again, "no second activity for the same lot")

    # Lots that may not be sold (rejected, on hold, pending release) are never offered a sale action, and their
    # value at risk is shown apart from that of the lots that may be sold. Window of 30 days: 2 a day.

    def _sign(self, lot, decision):
        lot.with_user(self.qa_manager).qc_sign(decision, f"{decision} for the test", "qa.riskx")

    def test_rejected_lot_is_to_dispose_and_leaves_the_demand_to_the_others(self):
        self._set_window(30)
        self._sign(self.lot_a, "reject")
        risk = self._risk(self.lot_a)
        # Removed in 3 days, 40 % at risk if it could sell: never a markdown or a transfer for a rejected lot.
        self.assertEqual((risk.qc_state, risk.suggested_action, risk.markdown_percent), ("rejected", "dispose", 0))
        self.assertAlmostEqual(risk.forecast_quantity_at_risk, 10, msg="a rejected lot never leaves: all at risk")
        self.assertAlmostEqual(risk.value_at_risk, 25)
        # B is sold first now: 20 of its 30 leave in 10 days (not 10), 10 at risk (33 %): a transfer, not a markdown.
        risk_b = self._risk(self.lot_b)
        self.assertAlmostEqual(risk_b.forecast_quantity_at_risk, 10)
        self.assertEqual(risk_b.suggested_action, "transfer")
        # C: 80 - 30 = 50 leave before its removal: nothing at risk.
        self.assertAlmostEqual(self._risk(self.lot_c).forecast_quantity_at_risk, 0)

    def test_lot_on_hold_awaits_qa_and_is_forecast_as_if_released(self):
        self._set_window(30)
        self._sign(self.lot_b, "hold")
        risk = self._risk(self.lot_b)
        # If released now: 20 - A's 10 = 10 leave in 10 days, 20 at risk (67 %, a markdown for a sellable lot).
        self.assertEqual((risk.qc_state, risk.suggested_action, risk.markdown_percent), ("on_hold", "await_qa", 0))
        self.assertAlmostEqual(risk.forecast_quantity_at_risk, 20)
        self.assertAlmostEqual(risk.value_at_risk, 50)
        # The lots that may be sold no longer count on B leaving: C has 80 - 10 = 70 days of demand.
        self.assertAlmostEqual(self._risk(self.lot_c).forecast_quantity_at_risk, 0)
        self.assertEqual(self._risk(self.lot_a).suggested_action, "transfer")

    def test_lot_pending_release_awaits_qa_instead_of_production(self):
        self.category.qc_release_required = True
        pending = self._lot(self.milk, "M-PENDING", 10, datetime(2026, 3, 30, 9, 0))
        self.assertEqual(pending.qc_state, "pending")
        risk = self._risk(pending)
        self.assertEqual((risk.suggested_action, risk.forecast_quantity_at_risk), ("await_qa", 10))
        self.assertEqual(self._risk(self.lot_milk).suggested_action, "production", "the released milk lot")

    def test_value_at_risk_of_lots_that_may_not_be_sold_is_shown_apart(self):
        self._set_window(30)
        self._sign(self.lot_a, "reject")
        self._sign(self.lot_b, "hold")
        ours = (self.lot_a | self.lot_b | self.lot_c).ids
        # The list groups by QC state (each group its own total). A: all 10 at risk (x 2.5); B, if released now,
        # comes first of the lots that may be sold: 20 leave, 10 at risk; C: none at risk.
        action = self.env["ir.actions.act_window"]._for_xml_id("lot_traceability.action_stock_lot_expiry_risk")
        self.assertIn("'search_default_group_qc_state': 1", action["context"])
        totals = dict(
            self.env["stock.lot.expiry.risk"]._read_group([("lot_id", "in", ours)], ["qc_state"], ["value_at_risk:sum"])
        )
        self.assertEqual(totals, {"rejected": 25.0, "on_hold": 25.0, "released": 0.0})
        # No markdown activity for them: what happens to a held or rejected lot is QA's decision.
        self.env["ir.config_parameter"].set_param("lot_traceability.expiry_risk_value_threshold", 20)
        activities = self.env["stock.lot.expiry.risk"]._cron_schedule_expiry_risk_activities()
        self.assertFalse(activities.filtered(lambda activity: activity.res_id in ours))
