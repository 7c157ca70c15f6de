from datetime import timedelta

from odoo.addons.lot_traceability.tests.common import DemoHistoryCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestDemoRecallHistory(DemoHistoryCase):
    """The recalls and complaints of the demo history (lot.traceability.demo._create_demo_recall_history),
    checked against its plan. The test databases are installed with demo data; without it these tests skip.
    Dates are relative to the day the demo was installed (``self.day``, midnight UTC)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.held = cls._demo_record("lot_traceability.lot_yogurt_at_risk_demo")
        cls.day = cls.env["lot.traceability.demo"]._get_demo_history_day()
        cls.recalled = cls._demo_record("lot_traceability.lot_puree_recalled_demo")
        cls.recall = cls.env["stock.lot.recall"].search([("lot_ids", "in", cls.recalled.ids), ("is_mock", "=", False)])

    def _at(self, days_ago, hour, minute=0):
        return self.day - timedelta(days=days_ago) + timedelta(hours=hour, minutes=minute)

    def test_two_mock_recalls_in_different_months_with_their_scope_time(self):
        mocks = self.env["stock.lot.recall"].search([("is_mock", "=", True), ("scope_date", "<", self.day)])
        self.assertEqual(
            {(mock.lot_ids, mock.scope_date) for mock in mocks},
            {
                (self._demo_record("lot_traceability.lot_milk_mock_recall_demo"), self._at(133, 11)),
                (self._demo_record("lot_traceability.lot_puree_mock_recall_demo"), self._at(53, 11)),
            },
        )
        for mock in mocks:
            self.assertEqual(mock.mock_state, "done")
            self.assertGreater(mock.scope_duration_ms, 0, "the time its scope took, measured at install")
            self.assertEqual(mock.completeness, 100)
            self.assertTrue(mock.customer_ids, "the drill reached the customers")

    def test_real_recall_notified_in_two_hours_and_acknowledged_in_two_days(self):
        recall = self.recall
        self.assertEqual(len(recall), 1)
        self.assertEqual((recall.state, recall.lot_outcome), ("closed", "reject"))
        self.assertEqual(recall.date_confirmed, self._at(69, 9))
        self.assertEqual(recall.date_closed, self._at(62, 17))
        shipped = {}
        for shipment in recall.shipment_ids:
            shipped[shipment.partner_id.name] = shipped.get(shipment.partner_id.name, 0) + shipment.quantity
        self.assertEqual(
            shipped, {"Fresh Market Stores": 1100, "Green Basket Grocers": 1000, "City Bakery Supply": 388}
        )
        notifications = recall.notification_ids
        self.assertEqual(len(notifications), 3)
        self.assertEqual(set(notifications.mapped("date_sent")), {self._at(69, 11)})
        self.assertEqual(set(notifications.mapped("state")), {"acknowledged"})
        last_answer = max(notifications.mapped("date_acknowledged"))
        self.assertEqual((last_answer - recall.date_confirmed).total_seconds() / 3600, 48.25)
        self.assertEqual(sum(notifications.mapped("customer_quantity_on_hand")), 24)
        self.assertFalse(
            self.env["mail.mail"].search([("model", "=", "stock.lot.recall.notification")]),
            "the notices of a past recall are not waiting in today's mail queue",
        )

    def test_recalled_lots_rejected_by_a_signature_that_verifies(self):
        lots = self.recall.hold_ids.lot_id
        self.assertEqual(len(lots), 3, "the puree lot and the two yogurt lots made from it")
        self.assertEqual(set(lots.mapped("qc_state")), {"rejected"})
        self.assertEqual(set(lots.qc_signature_ids.mapped("signed_at")), {self.recall.date_closed})
        self.assertEqual(lots.action_verify_signatures()["params"]["type"], "success")

    def test_complaints_of_the_history(self):
        # Today's demo complaints (on the lot of the latest delivery) are recorded today, dated up to 12 days back.
        complaints = self.env["stock.lot.complaint"].search([("create_date", "<", self.day)], order="date")
        self.assertEqual(
            [(complaint.date, complaint.lot_id, complaint.state) for complaint in complaints],
            [
                (self._at(74, 0).date(), self._demo_record("lot_traceability.lot_yogurt_bitter_demo"), "closed"),
                (self._at(15, 0).date(), self.held, "investigating"),
            ],
        )
        self.assertEqual(complaints.partner_id.name, "Fresh Market Stores")
        self.assertTrue(all(complaint.picking_id.date_done < complaint.create_date for complaint in complaints))

    def test_the_open_recall_values_its_lots_at_the_unit_cost_of_the_expiry_risk(self):
        recall = self.env["stock.lot.recall"].search(
            [("state", "in", ("confirmed", "notified", "recovering")), ("is_mock", "=", False)]
        )
        self.assertEqual(len(recall), 1, "the demo's recall confirmed today")
        risks = self.env["stock.lot.expiry.risk"].search([("lot_id", "in", recall.affected_lot_ids.ids)])
        self.assertTrue(risks, "its lots still in stock are in the expiry risk")
        costs = recall.affected_lot_ids._get_unit_cost()
        for risk in risks:
            self.assertAlmostEqual(risk.unit_cost, costs[risk.lot_id.id], msg=risk.lot_id.name)
        yogurts = risks.filtered(lambda risk: risk.product_id.default_code == "FG-YOG-APPLE")
        self.assertTrue(yogurts)
        # Apple yogurt is valued per product at 0.42; its lots cost about 0.21 to make (their Costing tab).
        self.assertEqual(set(yogurts.mapped("unit_cost")), {0.42})
        expected = sum(line.quantity * costs[line.lot_id.id] for line in [*recall.shipment_ids, *recall.stock_ids])
        self.assertAlmostEqual(recall.value_at_risk, expected, places=2)

    def test_every_demo_recall_is_the_administrators(self):
        """The recalls of the demo, of its history and of today, name the administrator (who walks the guides) as
        responsible, never OdooBot (the user demo data is loaded as)."""
        recalls = self.env["stock.lot.recall"].search([])
        self.assertGreaterEqual(len(recalls), 6)
        self.assertEqual(recalls.responsible_id, self.env.ref("base.user_admin"))
