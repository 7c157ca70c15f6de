import re
from urllib.parse import urlencode

from odoo import Command
from odoo.addons.lot_traceability.tests.common import GTIN_MILK, GTIN_SUGAR, LotTraceabilityCommon
from odoo.tests import HttpCase, new_test_user, tagged


class CustomerPortalCommon(HttpCase, LotTraceabilityCommon):
    """Two customers with e-mail addresses (recall notices), and Claire Dubois, a buyer of Fresh Market Stores
    with a portal account; the user recalls as a Recall Manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("lot_traceability_recall.group_recall_manager")
        cls.customer.email = "quality@freshmarket.example"
        cls.customer_2 = cls.env["res.partner"].create(
            {"name": "Green Basket Grocers", "is_company": True, "email": "recalls@greenbasket.example"}
        )
        cls.portal_user = new_test_user(cls.env, "fresh.buyer", groups="base.group_portal", name="Claire Dubois")
        cls.portal_user.partner_id.parent_id = cls.customer


@tagged("post_install", "-at_install")
class TestCustomerPortalOfLots(CustomerPortalCommon):
    """A buyer of Fresh Market Stores logs in to Odoo's portal: the lots delivered to their company, each lot's
    certificate of analysis and the recall notices sent to it; never another customer's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        fixture = cls._fixture_builder()
        cls.milk_lot = fixture._milk_lot("MILK-P1", 10, supplier_lot_code="AD-SECRET-1")
        fixture._deliver(cls.milk, 10, cls.customer)
        fixture._receive(cls.sugar, 5, lot_name="SUGAR-P1")
        cls.sugar_lot = cls.env["stock.lot"].search([("name", "=", "SUGAR-P1")])
        cls.sugar_delivery = fixture._deliver(cls.sugar, 5, cls.customer)
        cls.other_lot = fixture._milk_lot("MILK-P2", 10)
        cls.other_delivery = fixture._deliver(cls.milk, 10, cls.customer_2)
        cls.milk_delivery = cls.env["stock.picking"].search(
            [("partner_id", "=", cls.customer.id), ("move_line_ids.lot_id", "=", cls.milk_lot.id)]
        )
        assert cls.milk_delivery.state == "done" and cls.other_delivery.move_line_ids.lot_id == cls.other_lot

    def setUp(self):
        super().setUp()
        self.authenticate("fresh.buyer", "fresh.buyer")

    def _lot_rows(self, response):
        """The lot codes of the rows of the list page."""
        self.assertEqual(response.status_code, 200, response.text[:300])
        return re.findall(r'class="o_portal_lot_name"[^>]*>([^<]+)<', response.text)

    def _notified_recall(self):
        recall = self.env["stock.lot.recall"].create(
            {"reason": "Listeria", "lot_ids": [Command.set((self.milk_lot | self.other_lot).ids)]}
        )
        recall.action_confirm()
        recall.action_notify()
        return recall

    def test_the_list_shows_the_lots_delivered_to_their_company_only(self):
        response = self.url_open("/my/lots")
        self.assertEqual(sorted(self._lot_rows(response)), ["MILK-P1", "SUGAR-P1"])
        self.assertNotIn("MILK-P2", response.text)
        self.assertNotIn(self.other_delivery.name, response.text)
        self.assertIn(self.milk_delivery.name, response.text)
        self.assertIn("Use by", response.text)
        # no supplier, no cost
        self.assertNotIn("Alpine Dairy", response.text)
        self.assertNotIn("AD-SECRET-1", response.text)

    def test_the_home_page_counts_their_delivered_lots(self):
        self._notified_recall()
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["lot_delivery_count", "lot_recall_notice_count"]}
        )
        self.assertEqual(counters, {"lot_delivery_count": 2, "lot_recall_notice_count": 1})
        self.assertIn('href="/my/lots"', self.url_open("/my/home").text)

    def test_search_by_lot_code_or_gtin(self):
        for search, expected in (
            ("milk-p1", ["MILK-P1"]),
            ("P1", ["MILK-P1", "SUGAR-P1"]),
            (GTIN_MILK, ["MILK-P1"]),
            (GTIN_MILK.lstrip("0"), ["MILK-P1"]),
            (GTIN_SUGAR, ["SUGAR-P1"]),
            ("MILK-P2", []),
        ):
            with self.subTest(search=search):
                rows = self._lot_rows(self.url_open(f"/my/lots?{urlencode({'search': search})}"))
                self.assertEqual(sorted(rows), expected)

    def test_a_search_string_of_any_characters_is_answered(self):
        for search in (
            "%",
            "_",
            "\\",
            "'; DROP TABLE stock_lot; --",
            "<script>alert(1)</script>",
            "\x00\x1b",
            "ü" * 500,
        ):
            with self.subTest(search=search):
                response = self.url_open(f"/my/lots?{urlencode({'search': search})}")
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("<script>alert(1)</script>", response.text)
        # A wildcard typed by the customer still finds only their own lots.
        self.assertLessEqual(set(self._lot_rows(self.url_open("/my/lots?search=%25"))), {"MILK-P1", "SUGAR-P1"})

    def test_the_lot_page_shows_the_lot_and_its_deliveries(self):
        response = self.url_open(f"/my/lots/{self.milk_lot.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Lot MILK-P1", response.text)
        self.assertIn(self.milk_delivery.name, response.text)
        self.assertIn(GTIN_MILK, response.text)
        self.assertIn(f"/my/lots/{self.milk_lot.id}/certificate", response.text)

    def test_another_customers_lot_is_not_found(self):
        for path in (
            f"/my/lots/{self.other_lot.id}",
            f"/my/lots/{self.other_lot.id}/certificate",
            f"/my/lots/{self.other_lot.id}/certificate?report_type=html",
            "/my/lots/0",
            "/my/lots/99999999999",
            "/my/lots/99999999999/certificate",
        ):
            with self.subTest(path=path):
                response = self.url_open(path)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("MILK-P2", response.text)

    def test_the_certificate_of_analysis_is_the_lots_coa(self):
        response = self.url_open(f"/my/lots/{self.milk_lot.id}/certificate?report_type=html")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Certificate of Analysis", response.text)
        self.assertIn("MILK-P1", response.text)
        self.assertNotIn("SUGAR-P1", response.text)
        self.assertNotIn("AD-SECRET-1", response.text, "the customer's copy names no supplier lot")
        pdf = self.url_open(f"/my/lots/{self.milk_lot.id}/certificate?download=1")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        # While tests run, Odoo's _render_qweb_pdf gives the report's HTML instead of calling wkhtmltopdf.
        self.assertIn(b"Certificate of Analysis", pdf.content)
        self.assertIn(b"MILK-P1", pdf.content)
        self.assertIn("CoA_MILK_P1.pdf", pdf.headers["Content-Disposition"])
        self.assertEqual(self.url_open(f"/my/lots/{self.milk_lot.id}/certificate?report_type=xlsx").status_code, 400)

    def test_the_recall_notice_is_acknowledged_with_the_emails_form(self):
        recall = self._notified_recall()
        notice = recall.notification_ids.filtered(lambda notification: notification.partner_id == self.customer)
        other_notice = recall.notification_ids - notice
        page = self.url_open("/my/lot_recalls")
        self.assertEqual(page.status_code, 200)
        self.assertIn(recall.name, page.text)
        self.assertNotIn(other_notice.sudo().access_token, page.text)
        self.assertIn(recall.name, self.url_open("/my/lots").text, "the list warns of the recall too")
        link = re.search(r'class="o_portal_lot_recall_link" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
        self.assertTrue(link.startswith(f"/recall/acknowledge/{notice.id}?"))

        form_page = self.url_open(link)
        self.assertEqual(form_page.status_code, 200)
        self.assertIn('name="quantity"', form_page.text)
        form = {
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', form_page.text).group(1),
            "token": re.search(r'name="token" value="([^"]+)"', form_page.text).group(1),
            "name": "Claire Dubois",
            "quantity": "2",
            "note": "",
        }
        answer = self.url_open(f"/recall/acknowledge/{notice.id}", data=form)
        self.assertEqual(answer.status_code, 200)
        notice.invalidate_recordset()
        self.assertEqual(notice.state, "acknowledged")
        self.assertEqual(notice.acknowledged_by, "Claire Dubois")
        self.assertEqual(notice.customer_quantity_on_hand, 2.0)
        self.assertIn("Acknowledged by Claire Dubois", self.url_open("/my/lot_recalls").text)
