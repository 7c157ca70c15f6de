import io
import json
from urllib.parse import quote

import lxml.html

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools.pdf import PdfReader


def create_bakery(env):
    """Flour received under supplier lot SUP-FLOUR and salt make dough; the dough makes bread,
    part of it delivered; a recall of the flour holds every lot made from it."""
    env.user.groups_id += env.ref("stock.group_production_lot") + env.ref(
        "lot_traceability_recall.group_recall_manager"
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    stock = warehouse.lot_stock_id
    warehouse.in_type_id.use_create_lots = True
    supplier = env["res.partner"].create({"name": "Genealogy Mills", "is_company": True})
    customer = env["res.partner"].create({"name": "Genealogy Grocers", "email": "recalls@grocers.example"})
    products = {
        name: env["product.product"].create({"name": name, "is_storable": True, "tracking": "lot"})
        for name in ("Tour Flour", "Tour Salt", "Tour Dough", "Tour Bread")
    }
    receipt = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "partner_id": supplier.id,
            "location_id": env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": stock.id,
            "move_ids": [
                Command.create(
                    {
                        "name": "Tour Flour",
                        "product_id": products["Tour Flour"].id,
                        "product_uom_qty": 50,
                        "location_id": env.ref("stock.stock_location_suppliers").id,
                        "location_dest_id": stock.id,
                    }
                )
            ],
        }
    )
    receipt.action_confirm()
    receipt.move_ids.move_line_ids.write(
        {"lot_name": "FLOUR-TOUR", "supplier_lot_code": "SUP-FLOUR", "quantity": 50, "picked": True}
    )
    receipt.button_validate()
    flour = receipt.move_line_ids.lot_id
    salt = env["stock.lot"].create({"name": "SALT-TOUR", "product_id": products["Tour Salt"].id})
    env["stock.quant"]._update_available_quantity(products["Tour Salt"], stock, 5, lot_id=salt)

    def produce(product, lot_name, quantity, components):
        lot = env["stock.lot"].create({"name": lot_name, "product_id": product.id})
        production = env["mrp.production"].create(
            {
                "product_id": product.id,
                "product_qty": quantity,
                "lot_producing_id": lot.id,
                "move_raw_ids": [
                    Command.create(
                        {
                            "product_id": component.id,
                            "product_uom_qty": component_qty,
                            "location_id": stock.id,
                            "location_dest_id": product.property_stock_production.id,
                        }
                    )
                    for component, component_qty in components
                ],
            }
        )
        production.action_confirm()
        production.action_assign()
        production.qty_producing = quantity
        production._set_qty_producing()
        production.move_raw_ids.picked = True
        production.button_mark_done()
        return lot

    dough = produce(
        products["Tour Dough"], "DOUGH-TOUR", 40, [(products["Tour Flour"], 30), (products["Tour Salt"], 2)]
    )
    bread = produce(products["Tour Bread"], "BREAD-TOUR", 20, [(products["Tour Dough"], 40)])
    delivery = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.out_type_id.id,
            "partner_id": customer.id,
            "location_id": stock.id,
            "location_dest_id": env.ref("stock.stock_location_customers").id,
            "move_ids": [
                Command.create(
                    {
                        "name": "Tour Bread",
                        "product_id": products["Tour Bread"].id,
                        "product_uom_qty": 5,
                        "location_id": stock.id,
                        "location_dest_id": env.ref("stock.stock_location_customers").id,
                    }
                )
            ],
        }
    )
    delivery.action_confirm()
    delivery.action_assign()
    delivery.move_ids.picked = True
    delivery.button_validate()
    recall = env["stock.lot.recall"].create({"reason": "Glass in the flour", "lot_ids": [Command.set(flour.ids)]})
    recall.action_compute_scope()
    recall.action_confirm()
    return {"flour": flour, "salt": salt, "dough": dough, "bread": bread, "recall": recall}


@tagged("post_install", "-at_install")
class TestLotGenealogy(TransactionCase):
    """The genealogy client action's server side: one level at a time, counts on folded lots, search, PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bakery = create_bakery(cls.env)
        cls.flour, cls.salt, cls.dough, cls.bread, cls.recall = (
            cls.bakery[name] for name in ("flour", "salt", "dough", "bread", "recall")
        )
        cls.Lot = cls.env["stock.lot"]

    def _names(self, nodes):
        return [node["name"] for node in nodes]

    def test_a_lot_opens_with_one_level_each_way_and_counts_below(self):
        result = self.Lot.get_genealogy_roots("stock.lot", self.dough.ids)

        (root,) = result["roots"]
        self.assertEqual(result["root_ids"], self.dough.ids)
        self.assertEqual(self._names(root["upstream"]), ["FLOUR-TOUR", "SALT-TOUR"])
        self.assertEqual(self._names(root["downstream"]), ["BREAD-TOUR"])
        self.assertEqual((root["upstream_count"], root["downstream_count"]), (2, 1))
        flour = root["upstream"][0]
        self.assertEqual(flour["product"], "Tour Flour")
        self.assertEqual(flour["link_quantity"], 30, "the flour that went into the dough")
        self.assertEqual(flour["quantity"], 20, "the flour left in stock")
        self.assertEqual(flour["upstream_count"], 0, "received, made from nothing")
        self.assertEqual(flour["qc_state"], "on_hold")
        self.assertEqual(flour["recalls"], [{"id": self.recall.id, "name": self.recall.name}])
        self.assertIn("SUP-FLOUR", flour["supplier_lot"])
        self.assertEqual(root["downstream"][0]["downstream_count"], 0)

    def test_unfolding_loads_only_the_next_level_with_its_counts(self):
        (root,) = self.Lot.get_genealogy_roots("stock.lot", self.flour.ids)["roots"]

        (dough,) = root["downstream"]
        self.assertEqual(dough["name"], "DOUGH-TOUR")
        self.assertEqual(dough["downstream_count"], 1, "the bread, counted but not loaded")
        self.assertNotIn("BREAD-TOUR", str(root))
        children = self.Lot.get_genealogy_children(self.dough.ids, "downstream")
        self.assertEqual(self._names(children[str(self.dough.id)]), ["BREAD-TOUR"])
        upstream = self.Lot.get_genealogy_children(self.bread.ids, "upstream")
        self.assertEqual(self._names(upstream[str(self.bread.id)]), ["DOUGH-TOUR"])
        self.assertEqual(upstream[str(self.bread.id)][0]["upstream_count"], 2)

    def test_unfolding_many_lots_costs_the_queries_of_one(self):
        self.Lot.get_genealogy_children(self.dough.ids, "upstream")  # warm the caches
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.Lot.get_genealogy_children(self.dough.ids, "upstream")
        one = self.cr.sql_log_count - before
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = self.Lot.get_genealogy_children((self.dough | self.bread).ids, "upstream")
        many = self.cr.sql_log_count - before
        self.assertEqual(len(result), 2)
        self.assertEqual(many, one, "no query per lot")

    def test_opens_from_a_supplier_lot_and_from_a_recall(self):
        from_supplier_lot = self.Lot.get_genealogy_roots("stock.supplier.lot", self.flour.supplier_lot_id.ids)
        self.assertEqual(from_supplier_lot["root_ids"], self.flour.ids)
        from_recall = self.Lot.get_genealogy_roots("stock.lot.recall", self.recall.ids)
        self.assertEqual(from_recall["root_ids"], self.flour.ids)
        self.assertIn(self.recall.name, from_recall["title"])

    def test_search_finds_a_lot_deep_in_the_tree_with_the_path_to_it(self):
        (match,) = self.Lot.search_genealogy(self.flour.ids, "bread")

        self.assertEqual(match["direction"], "downstream")
        self.assertEqual(match["path"], [self.flour.id, self.dough.id, self.bread.id])
        self.assertEqual(match["node"]["name"], "BREAD-TOUR")
        by_product = self.Lot.search_genealogy(self.bread.ids, "Tour Salt")
        self.assertEqual(
            [(m["direction"], m["path"]) for m in by_product],
            [("upstream", [self.bread.id, self.dough.id, self.salt.id])],
        )
        self.assertEqual(self.Lot.search_genealogy(self.flour.ids, "no such lot"), [])

    def test_print_shows_the_tree_as_unfolded_on_screen(self):
        report = self.env.ref("lot_traceability_reports.action_report_lot_genealogy_tree")
        self.assertEqual(report.report_type, "qweb-pdf")
        action = self.flour.action_print_genealogy_tree({"downstream": [self.flour.id]})
        self.assertEqual(action["report_name"], "lot_traceability_reports.report_lot_genealogy_tree")

        folded, _format = self.env["ir.actions.report"]._render_qweb_html(report, self.flour.ids, data=action["data"])
        self.assertIn(b"DOUGH-TOUR", folded)
        self.assertNotIn(b"BREAD-TOUR", folded)
        self.assertIn(b"(+1)", folded.replace(b" ", b"").replace(b"\n", b""))
        unfolded, _format = self.env["ir.actions.report"]._render_qweb_html(
            report, self.flour.ids, data={"unfolded": {"downstream": [self.flour.id, self.dough.id]}}
        )
        self.assertIn(b"BREAD-TOUR", unfolded)
        self.assertIn(self.recall.name.encode(), unfolded)

    def test_print_menu_prints_the_whole_tree_both_ways_with_the_moves(self):
        """The lot's Print menu (no data): every level both ways, not only the lots next to the root."""
        report = self.env.ref("lot_traceability_reports.action_report_lot_genealogy_tree")
        html, _format = self.env["ir.actions.report"]._render_qweb_html(report, self.flour.ids)
        html = html.decode()

        for name in ("FLOUR-TOUR", "DOUGH-TOUR", "BREAD-TOUR"):
            self.assertIn(name, html)
        self.assertIn("Genealogy Mills", html, "the flour's receipt names its supplier")
        self.assertIn("Genealogy Grocers", html, "the bread's delivery names its customer")
        bread_delivery = self.env["stock.move.line"].search(
            [("lot_id", "=", self.bread.id), ("location_dest_id.usage", "=", "customer")]
        )
        self.assertIn(bread_delivery.picking_id.name, html)
        self.assertNotIn("(+1)", html.replace(" ", "").replace("\n", ""), "nothing left folded")

    def test_the_pdf_carries_the_company_header_and_footer(self):
        report = self.env.ref("lot_traceability_reports.action_report_lot_genealogy_tree")
        # As the PDF engine gets it (_render_qweb_pdf renders the HTML with report_type "pdf").
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            report, self.flour.ids, data={"report_type": "pdf"}
        )
        root = lxml.html.fromstring(html)
        (header,) = root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' header ')]")
        self.assertIn((self.flour.company_id or self.env.company).name, header.text_content())
        (footer,) = root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' footer ')]")
        self.assertTrue(footer.xpath(".//span[hasclass('page')]"), "the page number wkhtmltopdf fills in")

    def test_the_pdf_of_the_client_action_prints_the_tree_under_the_company_header(self):
        """A real PDF (wkhtmltopdf), called as the report URL of Print calls it: no record ids, the lots in
        the data. The header and footer need wkhtmltopdf built on its patched Qt (set-up, README)."""
        action = self.flour.action_print_genealogy_tree({"downstream": [self.flour.id, self.dough.id]})
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(action["report_name"], None, data=dict(action["data"]))
        )
        self.assertEqual(report_format, "pdf")
        pages = PdfReader(io.BytesIO(pdf)).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())

        for expected in ("FLOUR-TOUR", "DOUGH-TOUR", "BREAD-TOUR", "Genealogy Mills"):
            self.assertIn(expected, text)
        company = self.flour.company_id or self.env.company
        self.assertIn(company.name, text, "the company header")
        self.assertIn(f"Page 1 / {len(pages)}", text, "the footer")

    def test_export_gives_the_xlsx_of_the_tree(self):
        action = self.flour.action_export_genealogy()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn("/web/content/", action["url"])

    def test_lot_supplier_lot_and_recall_forms_open_the_client_action(self):
        action = self.env.ref("lot_traceability_reports.action_lot_genealogy_client")
        self.assertEqual(action.tag, "lot_traceability_genealogy")
        for model in ("stock.lot", "stock.supplier.lot", "stock.lot.recall"):
            arch = self.env[model].get_views([(False, "form")])["views"]["form"]["arch"]
            self.assertIn(f'name="{action.id}"', arch, model)

    def test_bad_input_is_refused(self):
        with self.assertRaisesRegex(UserError, "lot, a supplier lot or a recall"):
            self.Lot.get_genealogy_roots("res.partner", self.env.user.partner_id.ids)
        with self.assertRaisesRegex(UserError, "Unknown genealogy direction"):
            self.Lot.get_genealogy_children(self.flour.ids, "sideways")
        empty_recall = self.env["stock.lot.recall"].create({"reason": "nothing yet"})
        with self.assertRaisesRegex(UserError, "no lot to trace"):
            self.Lot.get_genealogy_roots("stock.lot.recall", empty_recall.ids)


@tagged("post_install", "-at_install")
class TestLotGenealogyTour(HttpCase):
    """In a browser: open the genealogy from a lot, unfold and fold a lot, search, open a lot."""

    def test_open_unfold_search_and_open_a_lot(self):
        self.env.ref("base.user_admin").groups_id += self.env.ref("stock.group_production_lot")
        bakery = create_bakery(self.env(user=self.env.ref("base.user_admin")))
        url = f"/odoo/action-stock.action_production_lot_form/{bakery['flour'].id}"
        self.start_tour(url, "lot_traceability_genealogy_tour", login="admin", timeout=120)


@tagged("post_install", "-at_install")
class TestLotGenealogyPrint(HttpCase):
    """Print in the client action: the report it opens is the tree as unfolded on screen, never blank."""

    def setUp(self):
        super().setUp()
        self.env.ref("base.user_admin").groups_id += self.env.ref("stock.group_production_lot")
        self.bakery = create_bakery(self.env(user=self.env.ref("base.user_admin")))

    def test_print_opens_the_report_of_the_tree_as_unfolded(self):
        flour, dough, bread = (self.bakery[name] for name in ("flour", "dough", "bread"))
        self.authenticate("admin", "admin")
        # What the Print button asks the server for, then the URL the web client downloads the PDF from
        # (getReportUrl in web/static/src/webclient/actions/reports/utils.js): with data, no ids in the path.
        action = self.make_jsonrpc_request(
            "/web/dataset/call_kw/stock.lot/action_print_genealogy_tree",
            {
                "model": "stock.lot",
                "method": "action_print_genealogy_tree",
                "args": [flour.ids, {"upstream": [], "downstream": [flour.id, dough.id, bread.id]}],
                "kwargs": {},
            },
        )
        self.assertEqual(action["type"], "ir.actions.report")
        options, context = quote(json.dumps(action["data"])), quote(json.dumps(action["context"] or {}))
        url = f"/report/pdf/{action['report_name']}?options={options}&context={context}"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        text = " ".join(lxml.html.fromstring(response.content).xpath("//main")[0].text_content().split())

        self.assertIn("Genealogy of lot FLOUR-TOUR", text)
        for expected in ("DOUGH-TOUR", "BREAD-TOUR", "Genealogy Mills", "Genealogy Grocers"):
            self.assertIn(expected, text)

    def test_print_tour_prints_the_tree_as_unfolded(self):
        url = f"/odoo/action-stock.action_production_lot_form/{self.bakery['flour'].id}"
        self.start_tour(url, "lot_traceability_genealogy_print_tour", login="admin", timeout=120)

    def _page_lines(self, pdf):
        """``(baseline, font size, text)`` of each text run of the first page, in points from the bottom."""
        lines = []

        def visit(text, cm, tm, _font, size):
            if text.strip():
                # the text matrix in the page's space (tm x cm): row 2 scales the font, row 3 places the baseline
                scale = tm[2] * cm[1] + tm[3] * cm[3]
                baseline = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                lines.append((baseline, size * scale, text.strip()))

        PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
        return lines

    def test_the_company_header_leaves_the_title_clear_on_both_prints(self):
        """The company header (logo and a 4-line address) ends above the title of page 1, from the lot's Print
        menu (record ids) and from the client action's Print (lots in the data). In an HttpCase: wkhtmltopdf
        loads the report's styles from this server (without them the header is laid out otherwise)."""
        flour = self.bakery["flour"]
        company = flour.company_id or self.env.company
        address = company.partner_id
        header_texts = {company.name, address.street, address.city and f"{address.city} ", address.country_id.name}
        reports = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        action = flour.action_print_genealogy_tree({"downstream": [flour.id]})
        prints = {
            "print menu": reports._render_qweb_pdf(action["report_name"], flour.ids)[0],
            "client action": reports._render_qweb_pdf(action["report_name"], None, data=dict(action["data"]))[0],
        }
        for name, pdf in prints.items():
            lines = self._page_lines(pdf)
            header = [
                (baseline, size)
                for baseline, size, text in lines
                if any(part and text.startswith(part.strip()) for part in header_texts)
            ]
            self.assertGreaterEqual(len(header), 2, f"{name}: the company's name and address in the header")
            title_baseline, title_size = next(
                (baseline, size) for baseline, size, text in lines if text.startswith("Genealogy of lot")
            )
            header_bottom = min(baseline - 0.25 * size for baseline, size in header)  # below the last line's descent
            title_top = title_baseline + 0.8 * title_size  # its capitals
            self.assertLess(title_top, header_bottom, f"{name}: the title is under the header, not behind it")
