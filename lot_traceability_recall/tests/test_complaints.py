from datetime import timedelta

from odoo import fields
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestComplaints(LotTraceabilityCommon):
    """Customers complain about a milk lot; the third complaint within 30 days alerts QA."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.qa_manager = new_test_user(
            cls.env, "qa.complaints", groups="lot_traceability.group_qa_manager,stock.group_stock_user"
        )
        cls.milk.responsible_id = cls.qa_manager
        # The demo names the administrator QA Responsible: these tests start from a company that names no one.
        cls.company.lot_qa_responsible_id = False
        cls.customer_2 = cls.env["res.partner"].create({"name": "Green Basket Grocers", "is_company": True})
        fixture = cls._fixture_builder()
        fixture._receive(cls.milk, 20, supplier_lot_code="AD-COMPLAINT", lot_name="MILK-C")
        fixture._receive(cls.milk, 20, supplier_lot_code="SV-COMPLAINT", lot_name="MILK-D", partner=cls.other_supplier)
        cls.lot = cls.env["stock.lot"].search([("name", "=", "MILK-C")])
        cls.other_lot = cls.env["stock.lot"].search([("name", "=", "MILK-D")])
        cls.delivery = fixture._deliver(cls.milk, 5)

    def _complain(self, lot=None, days_ago=0, **vals):
        return self.env["stock.lot.complaint"].create(
            dict(
                {
                    "partner_id": self.customer.id,
                    "lot_id": (lot or self.lot).id,
                    "category": "quality",
                    "severity": "medium",
                    "description": "Sour taste",
                    # Today in the user's time zone, as the complaint rule counts its period.
                    "date": fields.Date.context_today(self.env["stock.lot.complaint"]) - timedelta(days=days_ago),
                },
                **vals,
            )
        )

    def _activities(self, complaints):
        return self.env["mail.activity"].search(
            [("res_model", "=", "stock.lot.complaint"), ("res_id", "in", complaints.ids)]
        )

    def test_delivery_of_the_lot_is_offered(self):
        self.assertIn(self.lot, self.delivery.move_line_ids.lot_id, "FEFO took the first lot")
        complaint = self._complain(picking_id=self.delivery.id)
        self.assertEqual(complaint.picking_id, self.delivery)

    def test_threshold_crossing_raises_one_activity(self):
        complaints = self._complain() | self._complain(days_ago=10)
        self.assertFalse(self._activities(complaints), "two complaints: below the threshold of 3")
        third = self._complain(severity="high")
        complaints |= third
        activity = self._activities(complaints)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.res_id, third.id)
        self.assertEqual(activity.user_id, self.qa_manager, "the product's responsible")
        self.assertTrue(third.is_threshold_alert)
        complaints |= self._complain() | self._complain(lot=self.other_lot)
        self.assertEqual(len(self._activities(complaints)), 1, "no second alert within the period")

    def test_complaints_older_than_the_period_do_not_count(self):
        complaints = self._complain(days_ago=31) | self._complain(days_ago=40) | self._complain()
        complaints |= self._complain(days_ago=29)
        self.assertFalse(self._activities(complaints))
        self._complain()
        self.assertTrue(
            self.env["stock.lot.complaint"].search([("lot_id", "=", self.lot.id)]).filtered("is_threshold_alert")
        )

    def test_threshold_and_period_from_settings(self):
        settings = Form(self.env["res.config.settings"])
        self.assertEqual((settings.lot_complaint_threshold, settings.lot_complaint_period_days), (3, 30))
        settings.lot_complaint_threshold = 2
        settings.lot_complaint_period_days = 60
        settings.save().execute()
        complaints = self._complain(days_ago=50) | self._complain()
        self.assertEqual(len(self._activities(complaints)), 1)

    def test_alert_goes_to_the_qa_responsible_of_the_settings(self):
        responsible = new_test_user(
            self.env, "qa.responsible", groups="lot_traceability.group_qa_user,stock.group_stock_user"
        )
        settings = Form(self.env["res.config.settings"])
        self.assertFalse(settings.lot_qa_responsible_id)
        settings.lot_qa_responsible_id = responsible
        settings.save().execute()
        self.assertEqual(self.company.lot_qa_responsible_id, responsible)
        complaints = self._complain() | self._complain() | self._complain()
        self.assertEqual(self._activities(complaints).user_id, responsible, "the setting, before the product's")

    def test_alert_without_a_qa_responsible_goes_to_a_qa_manager_never_to_odoobot(self):
        # Products created during an installation have OdooBot (the superuser) as their responsible.
        odoobot = self.env.ref("base.user_root")
        self.milk.with_context(active_test=False).responsible_id = odoobot
        complaints = self._complain() | self._complain() | self._complain()
        user = self._activities(complaints).user_id
        self.assertNotEqual(user, odoobot)
        self.assertTrue(user.active and not user.share)
        self.assertTrue(user.has_group("lot_traceability.group_qa_manager"))
        self.assertIn(self.company, user.company_ids)

    def test_qa_responsible_must_be_a_qa_user_of_the_company(self):
        clerk = new_test_user(self.env, "stock.clerk", groups="stock.group_stock_user")
        with self.assertRaisesRolledBack(ValidationError, "QA User"):
            self.company.lot_qa_responsible_id = clerk
        self.assertFalse(self.company.lot_qa_responsible_id)

    def test_settings_not_positive_refused(self):
        for field in ("lot_complaint_threshold", "lot_complaint_period_days"):
            settings = Form(self.env["res.config.settings"])
            setattr(settings, field, 0)
            with self.assertRaises(ValidationError):
                settings.save()

    def test_mock_recall_button_recalls_the_lot(self):
        complaints = self._complain() | self._complain() | self._complain()
        alert = complaints.filtered("is_threshold_alert")
        action = alert.action_mock_recall()
        recall = self.env["stock.lot.recall"].browse(action["res_id"])
        self.assertTrue(recall.is_mock)
        self.assertEqual(recall.lot_ids, self.lot)
        self.assertIn(self.customer, recall.customer_ids, "the scope found who got the lot")
        self.assertEqual(alert.recall_id, recall)
        self.assertFalse(self._activities(complaints), "the alert's activity is done")

    def test_counts_per_lot_and_supplier(self):
        complaints = self._complain() | self._complain(partner_id=self.customer_2.id)
        complaints |= self._complain(lot=self.other_lot)
        self.assertEqual((self.lot.complaint_count, self.other_lot.complaint_count), (2, 1))
        self.assertEqual(self.lot.action_view_complaints()["domain"], [("lot_id", "=", self.lot.id)])
        per_supplier = dict(
            self.env["stock.lot.complaint"]._read_group([("id", "in", complaints.ids)], ["supplier_id"], ["__count"])
        )
        self.assertEqual(per_supplier, {self.supplier: 2, self.other_supplier: 1})

    def test_product_and_supplier_are_the_lots_and_cannot_be_rewritten(self):
        complaint = self._complain().with_user(self.qa_manager)
        for vals in ({"product_id": self.sugar.id}, {"supplier_id": self.other_supplier.id}):
            with self.assertRaisesRolledBack(UserError, "copied from lot"):
                complaint.write(vals)
        self.assertEqual((complaint.product_id, complaint.supplier_id), (self.milk, self.supplier))
        per_supplier = dict(
            self.env["stock.lot.complaint"]._read_group([("id", "=", complaint.id)], ["supplier_id"], ["__count"])
        )
        self.assertEqual(per_supplier, {self.supplier: 1}, "complaints per supplier count the lot's supplier")

    def test_delivery_not_of_the_lot_refused(self):
        other_delivery = self._deliver(self.milk, 20)
        self.assertNotIn(self.other_lot, self.delivery.move_line_ids.lot_id)
        with self.assertRaises(ValidationError):
            self._complain(lot=self.other_lot, picking_id=self.delivery.id)
        receipt = self.env["stock.picking"].search(
            [("move_line_ids.lot_id", "=", self.lot.id), ("picking_type_code", "=", "incoming")]
        )
        self.assertEqual(len(receipt), 1)
        with self.assertRaises(ValidationError):
            self._complain(picking_id=receipt.id)
        self.assertIn(self.other_lot, other_delivery.move_line_ids.lot_id)
        self._complain(lot=self.other_lot, picking_id=other_delivery.id)

    def test_multi_company_rule(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain"})
        lot_2 = self.env["stock.lot"].create(
            {"name": "MILK-ES", "product_id": self.milk.id, "company_id": company_2.id}
        )
        complaint_2 = self.env["stock.lot.complaint"].create(
            {"partner_id": self.customer.id, "lot_id": lot_2.id, "company_id": company_2.id}
        )
        complaint_1 = self._complain()
        user = new_test_user(
            self.env, "qa.company1", groups="lot_traceability.group_qa_user", company_id=self.company.id
        )
        seen = self.env["stock.lot.complaint"].with_user(user).search([])
        self.assertIn(complaint_1, seen)
        self.assertNotIn(complaint_2, seen)

    def test_access_rights(self):
        stock_user = new_test_user(self.env, "stock.complaints", groups="stock.group_stock_user")
        qa_user = new_test_user(self.env, "qa.user.complaints", groups="lot_traceability.group_qa_user")
        complaint = self._complain().with_user(stock_user)
        filed = (
            self.env["stock.lot.complaint"]
            .with_user(stock_user)
            .create({"partner_id": self.customer.id, "lot_id": self.lot.id})
        )
        self.assertEqual(filed.state, "new")
        with self.assertRaises(AccessError):
            complaint.write({"severity": "critical"})
        with self.assertRaises(AccessError):
            complaint.action_mock_recall()
        complaint.with_user(qa_user).action_investigate()
        self.assertEqual(complaint.state, "investigating")
        with self.assertRaises(AccessError):
            complaint.with_user(qa_user).unlink()
        complaint.with_user(self.qa_manager).unlink()
