from odoo import Command
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.tests import HttpCase, new_test_user, tagged


class CustomerCoaCommon(LotTraceabilityCommon):
    """A milk lot released on its pH and fat results; Fresh Market Stores requires fat within 3.0-3.5 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release(
            {"name": "pH", "unit": "pH", "min_value": 6.4, "max_value": 6.8},
            {"name": "Fat", "unit": "%", "min_value": 2.5, "max_value": 4.5},
        )
        cls.qa_manager = new_test_user(
            cls.env, "qa.coa", groups="lot_traceability.group_qa_manager,stock.group_stock_user", name="Quinn Auditor"
        )
        cls._fixture_builder()._receive(cls.milk, 10, lot_name="MILK-COA")
        cls.lot = cls.env["stock.lot"].search([("name", "=", "MILK-COA")])
        for check in cls.lot.qc_check_ids:
            check.measured_value = 6.6 if check.name == "pH" else 3.2
        cls._fixture_builder()._sign(cls.lot, "release")
        fat = cls.spec.line_ids.filtered(lambda line: line.name == "Fat")
        cls.customer.lot_spec_ids = [Command.create({"spec_line_id": fat.id, "min_value": 3.0, "max_value": 3.5})]


@tagged("post_install", "-at_install")
class TestCustomerCertificateOfAnalysis(CustomerCoaCommon):
    """The certificate of analysis printed or sent for a customer shows the customer's limits beside the results."""

    def _html(self, **kwargs):
        report = self.env.ref("lot_traceability_reports.action_report_lot_coa")
        html, _format = self.env["ir.actions.report"]._render_qweb_html(report, self.lot.ids, **kwargs)
        return " ".join(html.decode().split())

    def test_the_certificate_for_a_customer_shows_its_limits_beside_the_results(self):
        html = self._html(data={"partner_id": self.customer.id})
        self.assertIn("Your limits (Fresh Market Stores)", html)
        # The Fat row: house limits, the customer's limits, then the result.
        self.assertRegex(
            html,
            r"<td>Fat</td>.*?"
            r'<td class="coa-customer-limit">\s*3 \N{EN DASH} 3\.5 %\s*</td>\s*<td>\s*3\.2 %',
        )
        # pH is not in the customer's specification: its cell stays empty.
        self.assertRegex(html, r'<td>pH</td>.*?<td class="coa-customer-limit">\s*</td>')

    def test_a_contact_of_the_customer_gets_the_companys_limits_and_no_customer_no_column(self):
        store = self.env["res.partner"].create({"name": "Store 12", "parent_id": self.customer.id})
        report = self.env.ref("lot_traceability_reports.action_report_lot_coa")
        html, _format = (
            self.env["ir.actions.report"]
            .with_context(lot_traceability_coa_partner_id=store.id)
            ._render_qweb_html(report, self.lot.ids)
        )
        self.assertIn("Your limits (Fresh Market Stores)", html.decode())
        self.assertNotIn("Your limits", self._html())


@tagged("post_install", "-at_install")
class TestCustomerCertificateFromThePortal(HttpCase, CustomerCoaCommon):
    """The copy a customer's buyer downloads from the portal is printed for that customer: its limits beside the
    results."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._fixture_builder()._deliver(cls.milk, 10, cls.customer)
        buyer = new_test_user(cls.env, "coa.buyer", groups="base.group_portal", name="Claire Dubois")
        buyer.partner_id.parent_id = cls.customer

    def test_the_portal_certificate_shows_the_customers_limits(self):
        self.authenticate("coa.buyer", "coa.buyer")
        response = self.url_open(f"/my/lots/{self.lot.id}/certificate?report_type=html")
        self.assertEqual(response.status_code, 200)
        html = " ".join(response.text.split())
        self.assertIn("Your limits (Fresh Market Stores)", html)
        self.assertRegex(html, r'<td class="coa-customer-limit">\s*3 \N{EN DASH} 3\.5 %\s*</td>')
