import re

from odoo import Command
from odoo.addons.lot_traceability.tests.common import GTIN_MILK
from odoo.tests import tagged

from .test_customer_portal import CustomerPortalCommon


@tagged("post_install", "-at_install")
class TestCustomerPortalHoldsAgainstOtherCustomers(CustomerPortalCommon):
    """What a portal user (or a visitor without an account) tries to make the lot portal show or fail on: other
    customers' lots and deliveries, bad parameters, and quantities that must match the database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        fixture = cls._fixture_builder()
        # One lot delivered to both customers: 6 to Fresh Market, 4 to Green Basket.
        cls.shared_lot = fixture._milk_lot("MILK-SHARED", 10, supplier_lot_code="AD-SECRET-9")
        cls.own_delivery = fixture._deliver(cls.milk, 6, cls.customer)
        cls.other_delivery = fixture._deliver(cls.milk, 4, cls.customer_2)
        assert cls.own_delivery.move_line_ids.lot_id == cls.shared_lot == cls.other_delivery.move_line_ids.lot_id

    def setUp(self):
        super().setUp()
        self.authenticate("fresh.buyer", "fresh.buyer")

    def _row(self, html, css_class, text):
        """The table row of class ``css_class`` that contains ``text``."""
        rows = re.findall(rf'<tr[^>]*class="[^"]*{css_class}[^"]*"[^>]*>(.*?)</tr>', html, re.S)
        matching = [row for row in rows if text in row]
        self.assertEqual(len(matching), 1, f"one row {css_class} with {text!r} in {rows}")
        return matching[0]

    # ------------------------------------------------------------------
    # What held
    # ------------------------------------------------------------------

    def test_a_lot_delivered_to_both_customers_shows_only_their_delivery(self):
        for path in (f"/my/lots/{self.shared_lot.id}", "/my/lots", f"/my/lots?search={GTIN_MILK}"):
            with self.subTest(path=path):
                response = self.url_open(path)
                self.assertEqual(response.status_code, 200)
                self.assertIn(self.own_delivery.name, response.text)
                self.assertNotIn(self.other_delivery.name, response.text)
                self.assertNotIn("Green Basket", response.text)
                self.assertNotIn("AD-SECRET-9", response.text)
                self.assertNotIn("Alpine Dairy", response.text)

    def test_a_visitor_without_an_account_is_sent_to_the_login(self):
        self.logout()
        for path in (
            "/my/lots",
            f"/my/lots/{self.shared_lot.id}",
            f"/my/lots/{self.shared_lot.id}/certificate?report_type=html",
            "/my/lot_recalls",
        ):
            with self.subTest(path=path):
                response = self.url_open(path, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303))
                self.assertIn("/web/login", response.headers["Location"])
                self.assertNotIn("MILK-SHARED", response.text)

    def test_bad_parameters_are_answered_without_an_error(self):
        lot = self.shared_lot.id
        for path, status in (
            ("/my/lots?page=abc", 200),
            ("/my/lots?page=-3", 200),
            ("/my/lots/page/0", 200),
            ("/my/lots/page/99999999999999999999", 200),
            ("/my/lots/abc", 404),
            ("/my/lots/-1", 404),
            ("/my/lots/1.5", 404),
            (f"/my/lots/{lot}/certificate?report_type=qweb-pdf", 400),
            (f"/my/lots/{lot}/certificate?report_type=", 400),
            (f"/my/lots/{lot}/certificate?report_type=html&report_type=xlsx", 200),
            (f"/my/lots/{lot}/certificate?download=yes&report_type=pdf", 200),
            ("/recall/acknowledge/99999999999", 404),
            ("/recall/acknowledge/1?token=x", 404),
        ):
            with self.subTest(path=path):
                self.assertEqual(self.url_open(path).status_code, status)

    def test_other_methods_are_refused(self):
        self.assertEqual(self.url_open(f"/my/lots/{self.shared_lot.id}", data={"x": "1"}).status_code, 405)
        self.assertEqual(self.opener.head(self.base_url() + f"/my/lots/{self.shared_lot.id}").status_code, 200)
        other = self.opener.head(self.base_url() + "/my/lots/99999")
        self.assertEqual(other.status_code, 404)

    def test_a_contact_of_a_sister_company_sees_nothing_of_this_customer(self):
        group = self.env["res.partner"].create({"name": "Fresh Group Holding", "is_company": True})
        self.customer.parent_id = group
        sister = self.env["res.partner"].create(
            {"name": "Fresh Market North", "is_company": True, "parent_id": group.id}
        )
        self.portal_user.partner_id.parent_id = sister
        response = self.url_open("/my/lots")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("MILK-SHARED", response.text)
        self.assertEqual(self.url_open(f"/my/lots/{self.shared_lot.id}").status_code, 404)

    def test_a_portal_user_moved_to_another_customer_sees_that_customers_lots(self):
        self.portal_user.partner_id.parent_id = self.customer_2
        response = self.url_open(f"/my/lots/{self.shared_lot.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.other_delivery.name, response.text)
        self.assertNotIn(self.own_delivery.name, response.text)

    def test_a_delivery_to_an_archived_address_of_the_customer_is_still_theirs(self):
        address = self.env["res.partner"].create(
            {"name": "Fresh Market Depot", "type": "delivery", "parent_id": self.customer.id}
        )
        fixture_lot = self._milk_lot("MILK-DEPOT", 3)
        delivery = self._deliver(self.milk, 3, address)
        self.assertEqual(delivery.move_line_ids.lot_id, fixture_lot)
        address.active = False
        response = self.url_open(f"/my/lots/{fixture_lot.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(delivery.name, response.text)

    def test_the_notice_of_another_customer_cannot_be_opened_or_acknowledged(self):
        recall = self.env["stock.lot.recall"].create(
            {"reason": "Listeria", "lot_ids": [Command.set(self.shared_lot.ids)]}
        )
        recall.action_confirm()
        recall.action_notify()
        own = recall.notification_ids.filtered(lambda notice: notice.partner_id == self.customer)
        other = recall.notification_ids - own
        self.assertTrue(own and other)
        page = self.url_open("/my/lot_recalls").text
        self.assertNotIn(f"/recall/acknowledge/{other.id}", page)
        for token in ("", own.access_token, "x" * 36):
            with self.subTest(token=token):
                self.assertEqual(self.url_open(f"/recall/acknowledge/{other.id}?token={token}").status_code, 404)
                answer = self.url_open(
                    f"/recall/acknowledge/{other.id}",
                    data={"token": token, "name": "Claire Dubois", "quantity": "0", "csrf_token": "x"},
                )
                self.assertIn(answer.status_code, (400, 403, 404))
        other.invalidate_recordset()
        self.assertNotEqual(other.state, "acknowledged")

    def test_a_mock_recall_sends_no_notice_to_the_portal(self):
        self.env["stock.lot.recall"]._run_mock_recall(self.shared_lot, reason="Drill")
        self.env["stock.lot.recall"].create({"reason": "Draft", "lot_ids": [Command.set(self.shared_lot.ids)]})
        page = self.url_open("/my/lot_recalls")
        self.assertEqual(page.status_code, 200)
        self.assertIn("No recall concerns the lots delivered to you", page.text)
        self.assertNotIn("o_portal_lot_recall_notices", self.url_open(f"/my/lots/{self.shared_lot.id}").text)

    def test_the_recall_notice_of_a_subsidiarys_delivery_shows_beside_its_lot(self):
        # Fresh Market Stores' own store company: the portal lists its deliveries with the parent's (Odoo's
        # portal reads documents child_of the commercial partner), so it must list its recall notices too.
        store = self.env["res.partner"].create(
            {
                "name": "Fresh Market Downtown",
                "is_company": True,
                "parent_id": self.customer.id,
                "email": "qa@downtown.example",
            }
        )
        store_lot = self._milk_lot("MILK-STORE", 3)
        store_delivery = self._deliver(self.milk, 3, store)
        self.assertEqual(store_delivery.move_line_ids.lot_id, store_lot)
        recall = self.env["stock.lot.recall"].create({"reason": "Listeria", "lot_ids": [Command.set(store_lot.ids)]})
        recall.action_confirm()
        recall.action_notify()
        self.assertEqual(recall.notification_ids.partner_id, store)
        self.assertIn(store_delivery.name, self.url_open(f"/my/lots/{store_lot.id}").text)
        for path in (f"/my/lots/{store_lot.id}", "/my/lots", "/my/lot_recalls"):
            with self.subTest(path=path):
                self.assertIn(recall.name, self.url_open(path).text, "the lot shown, its recall shown")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["lot_recall_notice_count"]})
        self.assertEqual(counters["lot_recall_notice_count"], 1)

    def test_a_lot_of_another_company_of_the_database_shows_only_their_delivery(self):
        company_b = self.env["res.company"].create({"name": "Alpine Foods Export"})
        self.env.user.company_ids += company_b
        warehouse_b = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)], limit=1)
        env_b = self.env(context=dict(self.env.context, allowed_company_ids=[company_b.id]))
        lot_b = env_b["stock.lot"].create({"name": "MILK-B", "product_id": self.milk.id, "company_id": company_b.id})
        env_b["stock.quant"]._update_available_quantity(self.milk, warehouse_b.lot_stock_id, 5, lot_id=lot_b)
        deliveries = {}
        for partner, quantity in ((self.customer, 2), (self.customer_2, 3)):
            picking = env_b["stock.picking"].create(
                {
                    "picking_type_id": warehouse_b.out_type_id.id,
                    "partner_id": partner.id,
                    "location_id": warehouse_b.lot_stock_id.id,
                    "location_dest_id": self.customer_location.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.milk.name,
                                "product_id": self.milk.id,
                                "product_uom_qty": quantity,
                                "product_uom": self.milk.uom_id.id,
                                "location_id": warehouse_b.lot_stock_id.id,
                                "location_dest_id": self.customer_location.id,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.action_assign()
            picking.move_ids.picked = True
            picking.button_validate()
            self.assertEqual((picking.state, picking.move_line_ids.lot_id), ("done", lot_b))
            deliveries[partner] = picking
        page = self.url_open(f"/my/lots/{lot_b.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(deliveries[self.customer].name, page.text)
        self.assertNotIn(deliveries[self.customer_2].name, page.text)
        certificate = self.url_open(f"/my/lots/{lot_b.id}/certificate?report_type=html")
        self.assertEqual(certificate.status_code, 200)
        self.assertIn("MILK-B", certificate.text)
        self.assertIn("Alpine Foods Export", certificate.text, "the certificate of the lot's own company")

    # ------------------------------------------------------------------
    # Quantities that match the database
    # ------------------------------------------------------------------

    def test_a_partly_returned_delivery_says_what_came_back(self):
        self._return(self.own_delivery, 2)
        for path, css_class in (
            ("/my/lots", "o_portal_lot_row"),
            (f"/my/lots/{self.shared_lot.id}", "o_portal_lot_delivery"),
        ):
            with self.subTest(path=path):
                response = self.url_open(path)
                self.assertEqual(response.status_code, 200)
                row = self._row(response.text, css_class, self.own_delivery.name)
                self.assertRegex(row, r"6\.00")
                returned = re.search(r'class="[^"]*o_portal_lot_returned[^"]*"[^>]*>(.*?)</', row, re.S)
                self.assertTrue(returned, f"the row says what was returned: {row}")
                self.assertRegex(returned.group(1), r"2\.00")
