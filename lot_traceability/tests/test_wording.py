from lxml import etree

from odoo.tests import Form, new_test_user, tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestWording(LotTraceabilityCommon):
    """What a user reads: titles, labels, one-sentence errors, plurals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release({"name": "pH", "value_type": "numeric", "min_value": 6.4, "max_value": 6.8})
        cls.qa_manager = new_test_user(
            cls.env,
            "qa.manager",
            groups="lot_traceability.group_qa_manager,stock.group_stock_user,stock.group_production_lot",
            name="Quinn Auditor",
        )

    def _pending_lot(self):
        self._receive(self.milk, 10, lot_name="MILK-W")
        lot = self.env["stock.lot"].search([("name", "=", "MILK-W")])
        lot.qc_check_ids.measured_value = 6.6
        return lot.with_user(self.qa_manager)

    def _arch(self, model, xmlid):
        return etree.fromstring(self.env[model].get_view(self.env.ref(xmlid).id)["arch"])

    def test_a_wrong_signing_password_says_so_and_clears_the_field(self):
        lot = self._pending_lot()
        action = lot.action_qc_release()
        self.assertEqual(action["name"], "Sign the QC Release")
        wizard_form = Form(lot.env[action["res_model"]].with_context(**action["context"]))
        wizard_form.meaning = "Approved for release"
        wizard_form.password = "wrong"
        wizard = wizard_form.save()
        again = wizard.with_context(lot_qc_password="wrong").action_sign()

        self.assertEqual((again["res_model"], again["res_id"], again["target"]), (wizard._name, wizard.id, "new"))
        self.assertEqual(again["name"], "Sign the QC Release")
        self.assertEqual(wizard.sign_error, "Wrong password: nothing was signed; enter your Odoo password again.")
        self.assertFalse(Form(wizard).password, "the password field comes back empty")
        self.assertEqual(lot.qc_state, "pending")
        self.assertFalse(lot.qc_signature_ids)

        self.assertEqual(
            wizard.with_context(lot_qc_password="qa.manager").action_sign(), {"type": "ir.actions.act_window_close"}
        )
        self.assertEqual(lot.qc_state, "released")

    def test_each_sign_wizard_has_a_title(self):
        lot = self._pending_lot()
        self.assertEqual(lot.action_qc_hold()["name"], "Sign the QC Hold")
        self.assertEqual(lot.action_qc_reject()["name"], "Sign the QC Rejection")

    def test_verify_signatures_counts_in_the_singular_and_the_plural(self):
        lot = self._pending_lot()
        lot.qc_sign("hold", "Hold for retest", "qa.manager")
        self.assertIn("1 signature verified", lot.action_verify_signatures()["params"]["message"])
        lot.qc_sign("release", "Retest passed", "qa.manager")
        self.assertIn("2 signatures verified", lot.action_verify_signatures()["params"]["message"])

    def test_the_product_form_labels_the_release_and_numbering_settings_under_traceability(self):
        arch = self._arch("product.template", "product.product_template_form_view")
        for name, label in (
            ("qc_release_required", "Requires QC Release"),
            ("lot_numbering_rule_id", "Lot Numbering Rule"),
        ):
            field = arch.xpath(f"//group[@name='traceability']/field[@name='{name}']")
            self.assertTrue(field, f"{name} sits in the Traceability group, where it gets its label")
            self.assertEqual(field[0].get("string"), label)
        category_arch = self._arch("product.category", "product.product_category_form_view")
        self.assertTrue(category_arch.xpath("//group[@name='lot_traceability']/field[@name='qc_release_required']"))

    def test_odoo_traceability_and_our_full_trace_are_named_apart(self):
        arch = self._arch("stock.lot", "stock.view_production_lot_form")
        spans = arch.xpath("//div[@name='button_box']//span[@class='o_stat_text'][not(@invisible='1')]")
        texts = [" ".join(span.text.split()) for span in spans]
        self.assertIn("Traceability Report", texts)
        self.assertIn("Full Trace", texts)
        self.assertNotIn("Trace", texts)
        self.assertNotIn("Traceability", texts)

    def test_why_these_lots_opens_wide_with_wrapping_reasons(self):
        delivery = self._create_delivery(self.sugar, 1)
        action = delivery.action_explain_reservation()
        self.assertEqual(action["name"], "Why these lots?")
        self.assertEqual(action["context"]["dialog_size"], "extra-large")
        self.assertEqual(self.env["stock.lot.fefo.explanation.line"]._fields["reason"].type, "text")
