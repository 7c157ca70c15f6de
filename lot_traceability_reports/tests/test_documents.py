from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLotDocuments(LotTraceabilityCommon):
    """Certificate of analysis and recall report, read from their HTML (_render_qweb_html)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release(
            {"name": "pH", "method": "ISO 10523", "unit": "pH", "min_value": 6.4, "max_value": 6.8},
        )
        cls.qa_manager = new_test_user(
            cls.env, "qa.coa", groups="lot_traceability.group_qa_manager,stock.group_stock_user", name="Quinn Auditor"
        )
        cls.qa_manager.password = "qa.coa.password"

    def _html(self, report, records):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(report, records.ids)
        return html.decode()

    def test_certificate_of_analysis_lists_checks_and_the_release_signature(self):
        self._receive(self.milk, 10, lot_name="MILK-COA")
        lot = self.env["stock.lot"].search([("name", "=", "MILK-COA")])
        lot.qc_check_ids.measured_value = 6.6
        lot.with_user(self.qa_manager).qc_sign("release", "Approved for release", "qa.coa.password")

        html = self._html("lot_traceability_reports.report_lot_coa", lot)

        for text in (
            "Certificate of Analysis",
            "MILK-COA",
            self.milk.display_name,
            "ISO 10523",
            "6.6",
            "Passed",
            "Quinn Auditor",
            "Approved for release",
            lot.qc_signature_ids.hash,
            "Signature chain verified",
        ):
            self.assertIn(text, html)

    def test_a_limit_set_for_the_lot_and_a_check_added_by_hand_are_said_on_the_certificate(self):
        self._receive(self.milk, 10, lot_name="MILK-COA-LIMIT")
        lot = self.env["stock.lot"].search([("name", "=", "MILK-COA-LIMIT")])
        lot.qc_check_ids.with_user(self.qa_manager).change_limits({"max_value": 7.2}, "Customer contract allows 7.2")
        added = (
            self.env["stock.lot.qc.check"]
            .with_user(self.qa_manager)
            .create({"lot_id": lot.id, "name": "Aflatoxin M1", "max_value": 0.05, "mandatory": False})
        )
        html = self._html("lot_traceability_reports.report_lot_coa", lot)
        self.assertIn("Set for this lot: Customer contract allows 7.2", html)
        self.assertIn("Added for this lot", html)
        self.assertIn(added.name, html)

    def test_a_lot_without_checks_or_signature_says_so(self):
        self._receive(self.sugar, 5, lot_name="SUGAR-COA")
        lot = self.env["stock.lot"].search([("name", "=", "SUGAR-COA")])
        html = self._html("lot_traceability_reports.report_lot_coa", lot)
        self.assertIn("No quality check was recorded for this lot.", html)
        self.assertIn("carries no release signature", html)
        self.assertIn("No signature chain to verify.", html)

    def test_a_broken_chain_is_reported_on_the_certificate(self):
        self._receive(self.milk, 10, lot_name="MILK-BROKEN")
        lot = self.env["stock.lot"].search([("name", "=", "MILK-BROKEN")])
        lot.qc_check_ids.measured_value = 6.6
        lot.with_user(self.qa_manager).qc_sign("release", "Approved", "qa.coa.password")
        self.env.cr.execute("UPDATE stock_lot_qc_signature SET meaning = 'edited' WHERE lot_id = %s", [lot.id])
        self.env.invalidate_all()
        html = self._html("lot_traceability_reports.report_lot_coa", lot)
        self.assertIn("NOT verified", html)

    def test_a_customer_who_asks_gets_the_coa_of_every_lot_shipped_with_the_delivery_email(self):
        self.company.stock_move_email_validation = True
        self.customer.write({"email": "quality@freshmarket.example", "send_coa_with_delivery": True})
        self._receive(self.sugar, 5, lot_name="SUGAR-MAIL")
        delivery = self._deliver(self.sugar, 2, self.customer)
        message = delivery.message_ids.filtered(lambda message: message.attachment_ids)[:1]
        self.assertTrue(message, "the confirmation e-mail carries an attachment")
        self.assertIn("Certificates of Analysis", message.attachment_ids.name)
        # A PDF in production; the test server renders reports as HTML (Odoo does so in test mode).
        self.assertIn(b"SUGAR-MAIL", message.attachment_ids.raw)

        other = self.env["res.partner"].create({"name": "No CoA Grocers", "email": "x@nocoa.example"})
        plain = self._deliver(self.sugar, 1, other)
        self.assertFalse(plain.message_ids.attachment_ids.filtered(lambda a: "Certificates" in a.name))

    def test_recall_report_shows_distribution_notices_and_balance_and_marks_a_draft(self):
        self.env.user.groups_id += self.env.ref("lot_traceability_recall.group_recall_manager")
        self.category.qc_release_required = False
        self._receive(self.sugar, 20, lot_name="SUGAR-R")
        self._receive(self.milk, 20, lot_name="MILK-R")
        milk_lot = self.env["stock.lot"].search([("name", "=", "MILK-R")])
        finished = self._produce(10).lot_producing_id
        self.customer.email = "quality@freshmarket.example"
        self._deliver(self.yogurt, 4, self.customer)
        recall = self.env["stock.lot.recall"].create(
            {"reason": "Listeria in the milk", "fda_class": "class_1", "lot_ids": [Command.set(milk_lot.ids)]}
        )
        recall.action_compute_scope()

        draft = self._html("lot_traceability_reports.report_lot_recall", recall)
        self.assertIn("recall-draft-watermark", draft)
        self.assertIn("DRAFT: this recall is not confirmed", draft)

        recall.action_confirm()
        recall.action_notify()
        html = self._html("lot_traceability_reports.report_lot_recall", recall)
        self.assertNotIn("recall-draft-watermark", html)
        for text in (
            "Listeria in the milk",
            "Class I",
            "Fresh Market Stores",
            finished.name,
            "4 Units",
            "Sent",
            "Recall confirmed",
        ):
            self.assertIn(text, html)


@tagged("post_install", "-at_install")
class TestLotAnalyses(LotTraceabilityCommon):
    """Expiry and aging, supplier quality: figures against hand-computed values."""

    def test_expiry_buckets_and_values(self):
        # PostgreSQL's clock is not frozen by the test: dates relative to today. Removal is 5 days before expiry.
        today = date.today()
        self.milk.standard_price = 2.0
        self._receive(self.milk, 10, lot_name="M-EXPIRED", supplier_expiration_date=today + timedelta(days=2))
        self._receive(self.milk, 4, lot_name="M-SOON", supplier_expiration_date=today + timedelta(days=8))
        self._receive(self.milk, 6, lot_name="M-LATER", supplier_expiration_date=today + timedelta(days=200))
        self.env.flush_all()
        rows = {
            row.lot_id.name: row
            for row in self.env["stock.lot.expiry.report"].search([("product_id", "=", self.milk.id)])
        }
        self.assertEqual(rows["M-EXPIRED"].bucket, "expired", "past its removal date")
        self.assertTrue(rows["M-EXPIRED"].is_past_removal)
        self.assertEqual((rows["M-SOON"].bucket, rows["M-SOON"].days_to_removal), ("under_7", 3))
        self.assertEqual(rows["M-LATER"].bucket, "later")
        self.assertEqual(rows["M-SOON"].value, 8.0)
        past = self.env["stock.lot.expiry.report"].search([("is_past_removal", "=", True)])
        self.assertEqual(past.lot_id.mapped("name"), ["M-EXPIRED"])

    def test_supplier_quality_counts_rates_and_days_to_release(self):
        self._require_milk_release({"name": "pH", "min_value": 6.4, "max_value": 6.8})
        qa_manager = new_test_user(self.env, "qa.sq", groups="lot_traceability.group_qa_manager,stock.group_stock_user")
        qa_manager.password = "qa.sq.password"
        with freeze_time("2026-03-01 09:00:00"):
            self._receive(self.milk, 10, lot_name="SQ-GOOD", partner=self.supplier)
            self._receive(self.milk, 10, lot_name="SQ-BAD", partner=self.supplier)
        good, bad = (self.env["stock.lot"].search([("name", "=", name)]) for name in ("SQ-GOOD", "SQ-BAD"))
        good.qc_check_ids.measured_value = 6.6
        bad.qc_check_ids.measured_value = 7.5
        with freeze_time("2026-03-03 09:00:00"):
            good.with_user(qa_manager).qc_sign("release", "OK", "qa.sq.password")
            bad.with_user(qa_manager).qc_sign("reject", "Out of spec", "qa.sq.password")
        self.env.flush_all()
        [(lots, rejected, rate, failed, days)] = self.env["stock.lot.supplier.quality.report"]._read_group(
            [("supplier_id", "=", self.supplier.id), ("date_received", ">=", datetime(2026, 3, 1))],
            aggregates=[
                "lot_count:sum",
                "rejected_count:sum",
                "rejection_rate:avg",
                "failed_check_count:sum",
                "days_to_release:avg",
            ],
        )
        self.assertEqual((lots, rejected, rate, failed), (2, 1, 50.0, 1))
        self.assertAlmostEqual(days, 2.0, places=3)
        failures = self.env["stock.lot.qc.failure.report"].search([("supplier_id", "=", self.supplier.id)])
        self.assertEqual((failures.lot_id.name, failures.test_name), ("SQ-BAD", "pH"), "failed checks by test")
