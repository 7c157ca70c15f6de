from datetime import datetime

from odoo import Command
from odoo.addons.lot_traceability.tests.common import GTIN_MILK, GTIN_SUGAR, LotTraceabilityCommon
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

LINKSET = "application/linkset+json"
VOC = "https://gs1.org/voc/"


@tagged("post_install", "-at_install")
class TestGs1Resolver(HttpCase, LotTraceabilityCommon):
    """A consumer scans the QR code of a lot label: anonymous HTTP, as a phone would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("lot_traceability_recall.group_recall_manager")
        cls.company.write(
            {
                "gs1_resolver_published": True,
                "gs1_resolver_contact": "Consumer line +1 800 555 0100",
                "gs1_resolver_recall_instructions": "Bring it back to the store for a refund.",
            }
        )
        cls.milk.write({"default_code": "SKU-SECRET-42", "standard_price": 12.34})
        cls.lot_ok, cls.lot_recalled, cls.sugar_lot = cls.env["stock.lot"].create(
            [
                {"name": "MILK-OK", "product_id": cls.milk.id, "expiration_date": datetime(2040, 4, 20, 12)},
                {"name": "MILK-BAD", "product_id": cls.milk.id, "expiration_date": datetime(2040, 5, 2, 12)},
                {"name": "SUGAR-1", "product_id": cls.sugar.id},
            ]
        )
        cls.lot_ok.write({"ref": "INTERNAL-REF-77", "note": "<p>Secret QA note</p>"})

    def setUp(self):
        super().setUp()
        # Only lots that moved can be recalled.
        self._receive(self.milk, 10, lot_id=self.lot_recalled.id)

    def _get(self, path, **headers):
        return self.url_open(path, headers=headers, allow_redirects=False)

    def _recall(self, lots, **values):
        recall = self.env["stock.lot.recall"].create(
            dict({"lot_ids": [Command.set(lots.ids)], "reason": "Listeria found by Alpine Dairy"}, **values)
        )
        recall.action_compute_scope()
        return recall

    def _page(self, lot_name, gtin=GTIN_MILK):
        return f"/01/{gtin}/10/{lot_name}"

    # ------------------------------------------------------------------
    # The page
    # ------------------------------------------------------------------

    def test_lot_page_shows_product_lot_expiry_and_no_recall(self):
        response = self._get(self._page("MILK-OK"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("text/html", response.headers["Content-Type"])
        self.assertIn("Organic Whole Milk", response.text)
        self.assertIn("MILK-OK", response.text)
        self.assertIn("04/20/2040", response.text)
        self.assertIn("o_gs1_no_recall", response.text)
        self.assertNotIn('o_gs1_recall"', response.text)
        self.assertIn('rel="linkset"', response.headers["Link"])
        self.assertNotIn("Set-Cookie", response.headers, "an anonymous scan opens no session")

    def test_recalled_lot_shows_the_banner_with_class_instructions_and_contact(self):
        self._recall(self.lot_recalled, fda_class="class_2").action_confirm()
        text = self._get(self._page("MILK-BAD")).text
        self.assertIn("This lot is recalled", text)
        self.assertIn("Class II", text)
        self.assertIn("Bring it back to the store for a refund.", text)
        self.assertIn("Consumer line +1 800 555 0100", text)
        self.assertNotIn("Listeria", text, "the recall's reason is internal")
        # The other lot of the same product is not recalled.
        self.assertIn("o_gs1_no_recall", self._get(self._page("MILK-OK")).text)

    def test_draft_mock_and_cancelled_recalls_show_no_banner(self):
        self._recall(self.lot_recalled)  # draft: an investigation, not announced
        self.env["stock.lot.recall"]._run_mock_recall(self.lot_recalled)
        self.assertIn("o_gs1_no_recall", self._get(self._page("MILK-BAD")).text)
        recall = self._recall(self.lot_recalled)
        recall.action_confirm()
        self.assertIn('o_gs1_recall"', self._get(self._page("MILK-BAD")).text)
        recall.action_cancel()
        self.assertIn("o_gs1_no_recall", self._get(self._page("MILK-BAD")).text)

    def test_a_closed_recall_still_shows_on_the_page_and_in_the_linkset(self):
        recall = self._recall(self.lot_recalled, fda_class="class_2")
        recall.action_confirm()
        recall.action_close(justification="Stores destroyed the units on site", lot_outcome="release")
        self.assertEqual(recall.state, "closed")
        text = self._get(self._page("MILK-BAD")).text
        self.assertIn('o_gs1_recall"', text)
        self.assertNotIn("not subject to any recall", text)
        self.assertIn("This lot was recalled", text)
        self.assertIn("o_gs1_recall_closed", text)
        self.assertIn("The recall was closed on", text)
        self.assertIn("Bring it back to the store for a refund.", text)
        self.assertIn("Consumer line +1 800 555 0100", text)
        status = self._get(self._page("MILK-BAD"), Accept=LINKSET).json()["linkset"][0][VOC + "recallStatus"][0]
        self.assertIn("closed", status["title"])
        self.assertIn("Bring it back to the store for a refund.", status["title"])
        product_page = self._get(f"/01/{GTIN_MILK}").text
        self.assertIn("Some lots of this product are recalled", product_page)
        self.assertIn("MILK-BAD", product_page)
        # An open recall of the same lot comes first.
        self._recall(self.lot_recalled, fda_class="class_1").action_confirm()
        text = self._get(self._page("MILK-BAD")).text
        self.assertIn("This lot is recalled", text)
        self.assertIn("Class I:", text)
        self.assertNotIn("o_gs1_recall_closed", text)

    def test_a_lot_never_recalled_says_so_in_the_linkset(self):
        status = self._get(self._page("MILK-OK"), Accept=LINKSET).json()["linkset"][0][VOC + "recallStatus"][0]
        self.assertIn("not recalled", status["title"])

    def test_product_page_without_lot_lists_the_recalled_lots(self):
        self.assertIn("No lot of this product is recalled", self._get(f"/01/{GTIN_MILK}").text)
        self._recall(self.lot_recalled).action_confirm()
        response = self._get(f"/01/{GTIN_MILK}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Some lots of this product are recalled", response.text)
        self.assertIn("MILK-BAD", response.text)
        self.assertNotIn("MILK-OK", response.text)

    def test_gtin_13_of_the_product_and_date_qualifiers_answer_the_same_lot(self):
        self.milk.barcode = GTIN_MILK[1:]  # stored as GTIN-13
        response = self._get(f"/01/{GTIN_MILK}/10/MILK-OK?17=400420")
        self.assertEqual(response.status_code, 200)
        self.assertIn("MILK-OK", response.text)

    def test_serial_numbers_answer_on_ai_21(self):
        tool = self.env["product.product"].create(
            {"name": "Thermometer", "is_storable": True, "tracking": "serial", "barcode": "09506000999944"}
        )
        self.env["stock.lot"].create({"name": "SN-0001", "product_id": tool.id})
        response = self._get("/01/09506000999944/21/SN-0001")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Serial number", response.text)
        self.assertIn("SN-0001", response.text)
        linkset = self._get("/01/09506000999944/21/SN-0001?linkType=linkset").json()
        self.assertEqual(linkset["linkset"][0]["anchor"], f"{self.base_url()}/01/09506000999944/21/SN-0001")

    def test_page_language_follows_the_browser(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        response = self._get(self._page("MILK-OK"), **{"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"})
        self.assertIn('<html lang="fr-FR"', response.text)
        self.assertIn("20/04/2040", response.text)
        response = self._get(self._page("MILK-OK"), **{"Accept-Language": "xx-YY, ;;;q=bad"})
        self.assertEqual(response.status_code, 200)

    def test_product_image_is_served_by_gtin(self):
        response = self._get(f"/gs1/image/{GTIN_MILK}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("image/"))
        self.assertEqual(self._get("/gs1/image/09506000999913").status_code, 404)

    def test_the_label_qr_opens_the_page_when_the_resolver_is_this_server(self):
        self.env["ir.config_parameter"].set_param("lot_traceability.gs1_resolver", self.base_url())
        uri = self.lot_ok._get_gs1_digital_link()
        self.assertEqual(uri, f"{self.base_url()}/01/{GTIN_MILK}/10/MILK-OK?17=400420")
        response = self.url_open(uri)
        self.assertEqual(response.status_code, 200)
        self.assertIn("MILK-OK", response.text)

    def _label(self, lot):
        return self.env["report.lot_traceability.report_lot_gs1_label"]._get_report_values(lot.ids)["labels"][lot.id]

    def test_the_label_of_a_publishing_company_leads_to_its_own_page(self):
        # The resolver setting left as it is (GS1's): the company answers the scans, its labels point to it.
        self.env["ir.config_parameter"].set_param("web.base.url", self.base_url())
        self.env["ir.config_parameter"].set_param("lot_traceability.gs1_resolver", "https://id.gs1.org")
        label = self._label(self.lot_ok)
        expected = f"{self.base_url()}/01/{GTIN_MILK}/10/MILK-OK?17=400420"
        self.assertEqual(label["uri"], expected)
        self.assertEqual(label["qr"], self.lot_ok._get_gs1_qr_code(expected), "the QR image encodes that URL")
        response = self.url_open(label["uri"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("MILK-OK", response.text)
        self.assertIn("Organic Whole Milk", response.text)
        # A resolver of its own named in the settings (e.g. a proxy in front of Odoo) is kept.
        self.env["ir.config_parameter"].set_param("lot_traceability.gs1_resolver", "https://id.dairy.example")
        self.assertEqual(
            self._label(self.lot_ok)["uri"], f"https://id.dairy.example/01/{GTIN_MILK}/10/MILK-OK?17=400420"
        )

    def test_the_label_of_a_company_that_does_not_publish_leads_to_gs1(self):
        self.company.gs1_resolver_published = False
        self.env["ir.config_parameter"].set_param("web.base.url", self.base_url())
        gs1 = f"https://id.gs1.org/01/{GTIN_MILK}/10/MILK-OK?17=400420"
        self.assertEqual(self._label(self.lot_ok)["uri"], gs1)
        # This database's address would answer "not found" for a company that does not publish: GS1's instead.
        self.env["ir.config_parameter"].set_param("lot_traceability.gs1_resolver", self.base_url())
        self.assertEqual(self._label(self.lot_ok)["uri"], gs1)
        self.assertEqual(self._get(self._page("MILK-OK")).status_code, 404)

    def test_dates_are_shown_in_the_public_users_time_zone(self):
        self.env.ref("base.public_user").tz = "Pacific/Auckland"  # 12:00 UTC is midnight the next day there
        self.assertIn("04/21/2040", self._get(self._page("MILK-OK")).text)

    def test_a_variant_is_named_with_its_attribute_values(self):
        color = self.env["product.attribute"].create(
            {"name": "Flavour", "value_ids": [Command.create({"name": "Vanilla"}), Command.create({"name": "Cocoa"})]}
        )
        template = self.env["product.template"].create(
            {
                "name": "Flavoured Milk",
                "is_storable": True,
                "tracking": "lot",
                "attribute_line_ids": [Command.create({"attribute_id": color.id, "value_ids": color.value_ids.ids})],
            }
        )
        cocoa = template.product_variant_ids.filtered(lambda variant: "Cocoa" in variant.display_name)
        cocoa.barcode = "09506000999951"
        self.env["stock.lot"].create({"name": "FLAV-1", "product_id": cocoa.id})
        text = self._get("/01/09506000999951/10/FLAV-1").text
        self.assertIn("Flavoured Milk (Cocoa)", text)
        self.assertNotIn("Vanilla", text)

    def test_a_scan_reads_the_product_then_the_lot_with_its_recall(self):
        """Two queries a page (DESIGN.md: p95 < 30 ms under load), the same two for every unknown lot."""
        self._recall(self.lot_recalled, fda_class="class_1").action_confirm()
        resolver = self.env["product.product"].with_user(self.env.ref("base.public_user"))
        resolver._get_gs1_resolver_values(GTIN_MILK, "MILK-OK")  # the publishing companies are cached
        with self.assertQueryCount(2):
            values = resolver._get_gs1_resolver_values(GTIN_MILK, "MILK-BAD")
        self.assertEqual(values["lot"], "MILK-BAD")
        self.assertEqual(values["recall"]["fda_class"], "class_1")
        self.assertEqual(values["recall"]["contact"], "Consumer line +1 800 555 0100")
        self.assertEqual(values["recall"]["instructions"], "Bring it back to the store for a refund.")
        with self.assertQueryCount(2):
            values = resolver._get_gs1_resolver_values(GTIN_MILK)
        self.assertEqual(values["recalled_lots"], ["MILK-BAD"])
        self.assertEqual(values["recall"]["company"], self.company.name)
        for lot_name in ("NO-SUCH-LOT", "SUGAR-1"):
            with self.subTest(lot_name=lot_name), self.assertQueryCount(2):
                self.assertIsNone(resolver._get_gs1_resolver_values(GTIN_MILK, lot_name))
        with self.assertQueryCount(1):
            self.assertIsNone(resolver._get_gs1_resolver_values("09506000999937", "MILK-OK"))
        # The product's own links: one query more, only for a product that has some.
        self.milk.product_tmpl_id.gs1_link_ids = [
            Command.create({"url": "https://brand.example/milk", "title": "Ours"})
        ]
        self.env.flush_all()
        with self.assertQueryCount(3):
            values = resolver._get_gs1_resolver_values(GTIN_MILK, "MILK-OK")
        self.assertEqual([link["url"] for link in values["links"]], ["https://brand.example/milk"])

    def test_the_values_refuse_arguments_of_the_wrong_type(self):
        resolver = self.env["product.product"].with_user(self.env.ref("base.public_user"))
        for gtin in ({"01": GTIN_MILK}, int(GTIN_MILK), None, "0950600013435X", [GTIN_MILK]):
            with self.subTest(gtin=gtin), self.assertRaisesRegex(UserError, "14 digits"):
                resolver._get_gs1_resolver_values(gtin, "MILK-OK")
        for lot_name in ({"lot": "MILK-OK"}, ["MILK-OK"], 42):
            with self.subTest(lot_name=lot_name), self.assertRaisesRegex(UserError, "as text"):
                resolver._get_gs1_resolver_values(GTIN_MILK, lot_name)

    def test_publishing_or_not_applies_at_once_though_cached(self):
        self.assertEqual(self._get(self._page("MILK-OK")).status_code, 200)
        self.company.gs1_resolver_published = False
        self.assertEqual(self._get(self._page("MILK-OK")).status_code, 404)
        self.company.gs1_resolver_published = True
        self.assertEqual(self._get(self._page("MILK-OK")).status_code, 200)
        other_company = self.env["res.company"].create({"name": "Valley Farms", "gs1_resolver_published": True})
        butter = self.env["product.product"].create(
            {"name": "Valley Butter", "tracking": "lot", "is_storable": True, "barcode": "09506000999968"}
        )
        butter.company_id = other_company
        self.env["stock.lot"].create({"name": "BUTTER-1", "product_id": butter.id, "company_id": other_company.id})
        self.assertEqual(self._get("/01/09506000999968/10/BUTTER-1").status_code, 200)
        other_company.active = False
        self.assertEqual(self._get("/01/09506000999968/10/BUTTER-1").status_code, 404)

    # ------------------------------------------------------------------
    # Linkset and redirects
    # ------------------------------------------------------------------

    def test_linkset_by_accept_header_or_query(self):
        self._recall(self.lot_recalled).action_confirm()
        by_header = self._get(self._page("MILK-BAD"), Accept=LINKSET)
        by_query = self._get(self._page("MILK-BAD") + "?linkType=linkset")
        for response in (by_header, by_query):
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.headers["Content-Type"].startswith(LINKSET))
        linkset = by_header.json()
        self.assertEqual(linkset, by_query.json())
        context = linkset["linkset"][0]
        page = f"{self.base_url()}/01/{GTIN_MILK}/10/MILK-BAD"
        self.assertEqual(context["anchor"], page)
        self.assertEqual(context[VOC + "defaultLink"][0]["href"], page)
        self.assertEqual(context[VOC + "recallStatus"][0]["href"], f"{page}#recall")
        self.assertEqual(context[VOC + "pip"][0]["href"], f"{self.base_url()}/01/{GTIN_MILK}")
        self.assertNotIn(VOC + "certificationInfo", context)
        # A browser asking for anything still gets the page.
        self.assertIn(
            "text/html", self._get(self._page("MILK-BAD"), Accept="text/html,*/*;q=0.8").headers["Content-Type"]
        )

    def test_configured_links_are_listed_and_redirected_to(self):
        self.milk.product_tmpl_id.gs1_link_ids = [
            Command.create({"link_type": "gs1:pip", "url": "https://brand.example/milk", "title": "Our milk"}),
            Command.create(
                {"link_type": "gs1:certificationInfo", "url": "https://brand.example/organic.pdf", "title": "Organic"}
            ),
        ]
        context = self._get(self._page("MILK-OK"), Accept=LINKSET).json()["linkset"][0]
        self.assertEqual([link["href"] for link in context[VOC + "pip"]], ["https://brand.example/milk"])
        self.assertEqual(context[VOC + "certificationInfo"][0]["href"], "https://brand.example/organic.pdf")
        self.assertIn("https://brand.example/organic.pdf", self._get(self._page("MILK-OK")).text)

        for link_type, location in (
            ("gs1:pip", "https://brand.example/milk"),
            ("https://gs1.org/voc/certificationInfo", "https://brand.example/organic.pdf"),
            ("gs1:recallStatus", f"{self.base_url()}/01/{GTIN_MILK}/10/MILK-OK#recall"),
            # A link type the product does not have goes to the default link.
            ("gs1:nutritionalInfo", f"{self.base_url()}/01/{GTIN_MILK}/10/MILK-OK"),
        ):
            with self.subTest(link_type=link_type):
                response = self._get(f"{self._page('MILK-OK')}?linkType={link_type}")
                self.assertEqual(response.status_code, 307)
                self.assertEqual(response.headers["Location"], location)

    def test_links_are_built_from_the_configured_address_never_the_host_header(self):
        forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
        page = f"{self.base_url()}/01/{GTIN_MILK}/10/MILK-OK"
        redirect = self._get(f"{self._page('MILK-OK')}?linkType=gs1:recallStatus", **forged)
        self.assertEqual(redirect.status_code, 307)
        self.assertEqual(redirect.headers["Location"], f"{page}#recall")
        linkset = self._get(self._page("MILK-OK"), Accept=LINKSET, **forged)
        self.assertEqual(linkset.json()["linkset"][0]["anchor"], page)
        self.assertNotIn("evil.example", linkset.text)
        self.assertNotIn("evil.example", linkset.headers["Link"])
        html = self._get(self._page("MILK-OK"), **forged)
        self.assertNotIn("evil.example", html.text)
        self.assertNotIn("evil.example", html.headers["Link"])
        description = self._get("/.well-known/gs1resolver", **forged).json()
        self.assertEqual(description["resolverRoot"], self.base_url())
        # A resolver of the company's own (Settings) is the address of every link.
        self.env["ir.config_parameter"].set_param("lot_traceability.gs1_resolver", "https://id.dairy.example/")
        redirect = self._get(f"{self._page('MILK-OK')}?linkType=gs1:nutritionalInfo", **forged)
        self.assertEqual(redirect.headers["Location"], f"https://id.dairy.example/01/{GTIN_MILK}/10/MILK-OK")
        description = self._get("/.well-known/gs1resolver", **forged).json()
        self.assertEqual(description["resolverRoot"], "https://id.dairy.example")

    def test_cached_answers_vary_on_the_headers_they_depend_on(self):
        for response in (
            self._get(self._page("MILK-OK")),
            self._get(self._page("MILK-OK"), Accept=LINKSET),
            self._get(f"/01/{GTIN_MILK}"),
        ):
            self.assertIn("public", response.headers["Cache-Control"])
            vary = {value.strip() for value in response.headers["Vary"].split(",")}
            self.assertTrue({"Accept", "Accept-Language"} <= vary, vary)
        # A redirect depends on its URL only (the link type is in the query): the same for every visitor.
        redirect = self._get(f"{self._page('MILK-OK')}?linkType=gs1:pip", **{"Accept-Language": "fr-FR"})
        self.assertEqual(redirect.headers["Location"], f"{self.base_url()}/01/{GTIN_MILK}")

    def test_well_known_resolver_description(self):
        response = self._get("/.well-known/gs1resolver")
        self.assertEqual(response.status_code, 200)
        description = response.json()
        self.assertEqual(description["resolverRoot"], self.base_url())
        self.assertEqual(description["supportedPrimaryKeys"], ["01"])
        self.company.gs1_resolver_published = False
        self.assertEqual(self._get("/.well-known/gs1resolver").status_code, 404)

    # ------------------------------------------------------------------
    # Nothing leaks
    # ------------------------------------------------------------------

    def test_not_found_is_the_same_answer_whatever_the_reason(self):
        other_company = self.env["res.company"].create({"name": "Hidden Foods"})
        hidden_product = self.env["product.product"].create(
            {"name": "Hidden cheese", "tracking": "lot", "is_storable": True, "barcode": "09506000999913"}
        )
        self.env["stock.lot"].create(
            {"name": "HIDDEN-1", "product_id": hidden_product.id, "company_id": other_company.id}
        )
        unpublished_product = self.env["product.product"].create(
            {"name": "Prototype", "tracking": "lot", "barcode": "09506000999920", "gs1_resolver_published": False}
        )
        self.env["stock.lot"].create({"name": "PROTO-1", "product_id": unpublished_product.id})
        answers = {
            "unknown GTIN": self._get("/01/09506000999937/10/MILK-OK"),
            "unknown lot": self._get(self._page("NO-SUCH-LOT")),
            "lot of another product": self._get(self._page("SUGAR-1")),
            "lot of a company that does not publish": self._get("/01/09506000999913/10/HIDDEN-1"),
            "product that is not published": self._get("/01/09506000999920/10/PROTO-1"),
            "product that is not published, no lot": self._get("/01/09506000999920"),
        }
        for reason, response in answers.items():
            with self.subTest(reason=reason):
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.text, answers["unknown lot"].text)
                self.assertEqual(sorted(response.headers), sorted(answers["unknown lot"].headers))
                self.assertNotIn("Hidden", response.text)
        # The same lot of sugar answers on sugar's GTIN.
        self.assertEqual(self._get(self._page("SUGAR-1", GTIN_SUGAR)).status_code, 200)

    def test_an_unpublished_company_answers_nothing(self):
        self.company.gs1_resolver_published = False
        self.assertEqual(self._get(self._page("MILK-OK")).status_code, 404)
        self.assertEqual(self._get(f"/01/{GTIN_MILK}").status_code, 404)
        self.assertEqual(self._get(f"/gs1/image/{GTIN_MILK}").status_code, 404)

    def test_page_and_linkset_show_no_partner_quantity_cost_or_note(self):
        self._receive(self.milk, 40, lot_name="MILK-TRADED", supplier_lot_code="AD-SUPPLIER-9")
        self._deliver(self.milk, 7, self.customer)
        recall = self._recall(self.env["stock.lot"].search([("name", "=", "MILK-TRADED")]))
        recall.action_confirm()
        self.lot_ok.qc_check_ids = [Command.create({"name": "Fat content 3.5 %"})]
        responses = [
            self._get(self._page("MILK-TRADED")),
            self._get(self._page("MILK-TRADED"), Accept=LINKSET),
            self._get(self._page("MILK-OK")),
            self._get(self._page("MILK-OK") + "?linkType=linkset"),
            self._get(f"/01/{GTIN_MILK}"),
        ]
        secrets = [
            "Alpine Dairy",  # supplier
            "AD-SUPPLIER-9",  # supplier's lot
            "Fresh Market",  # customer
            "SKU-SECRET-42",  # internal reference
            "12.34",  # cost
            "40.0",
            "33.0",  # quantities received, left
            "INTERNAL-REF-77",
            "Secret QA note",
            "Fat content",
            "Listeria",
            recall.name,
            "WH/",  # pickings, locations
        ]
        for response in responses:
            self.assertEqual(response.status_code, 200)
            for secret in secrets:
                self.assertNotIn(secret, response.text)

    # ------------------------------------------------------------------
    # Bad input: 400 or 404, never 500
    # ------------------------------------------------------------------

    def test_a_wrong_check_digit_says_which_digit(self):
        response = self._get("/01/09506000134353/10/MILK-OK")
        self.assertEqual(response.status_code, 400)
        self.assertIn("14th and last digit", response.text)
        self.assertIn("expected 2, got 3", response.text)

    def test_malformed_links_are_refused_never_a_server_error(self):
        long_lot = "L" * 21
        paths = [
            "/01/ABCDEFGHIJKLMN",
            "/01/0950600013435",  # 13 digits: not a GTIN-13 either (wrong check digit)
            "/01/123",
            f"/01/{GTIN_MILK}/10/{long_lot}",
            f"/01/{GTIN_MILK}/10",
            f"/01/{GTIN_MILK}/22/ABC",
            f"/01/{GTIN_MILK}/10/MILK-OK/99/X",
            f"/01/{GTIN_MILK}/10/%00",
            f"/01/{GTIN_MILK}/10/MILK%00OK",
            f"/01/{GTIN_MILK}/10/%ZZ",
            f"/01/{GTIN_MILK}/10/%C3%28",
            f"/01/{GTIN_MILK}/10/%E2%80%AE",
            f"/01/{GTIN_MILK}/10/A%20B",
            f"/01/{GTIN_MILK}/10/MILK-OK/10/OTHER",
            f"/01/{GTIN_MILK}/10/MILK-OK?17=991399",
            f"/01/{GTIN_MILK}/10/MILK-OK?17=%00",
            f"/01/{GTIN_MILK}/10/MILK-OK?linkType=%00",
            f"/01/{GTIN_MILK}/10/MILK-OK?linkType=gs1:%3Cscript%3E",
            f"/01/{GTIN_MILK}/10/MILK-OK?linkType=" + "a" * 500,
            f"/01/{GTIN_MILK}/10/MILK-OK?%D9%A1%D9%A7=260420",  # Arabic-Indic digits as an AI
            "/01/%D9%A0%D9%A9%D9%A5%D9%A0%D9%A6%D9%A0%D9%A0%D9%A0%D9%A1%D9%A3%D9%A4%D9%A3%D9%A5%D9%A2",
            "/01/" + "0" * 5000,
            f"/01/{GTIN_MILK}/10/" + "%FF" * 300,
        ]
        for path in paths:
            with self.subTest(path=path[:80]):
                response = self._get(path)
                self.assertIn(response.status_code, (400, 404), response.text[:500])
                self.assertIn("o_gs1_error", response.text)
        # A lot with an encoded slash is a lot name, not two path segments.
        self.env["stock.lot"].create({"name": "A/B", "product_id": self.milk.id})
        self.assertEqual(self._get(f"/01/{GTIN_MILK}/10/A%2FB").status_code, 200)
