import io
from datetime import datetime

from PyPDF2 import PdfReader

from odoo.tests import HttpCase, tagged

from .common import GTIN_MILK, LotTraceabilityCommon

REPORT = "lot_traceability.action_report_lot_gs1_label"


@tagged("post_install", "-at_install")
class TestLotLabel(LotTraceabilityCommon):
    def _render_html(self, lots):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(REPORT, lots.ids)
        return html.decode()

    def test_label_shows_the_lot_data_and_a_qr_code_of_its_digital_link(self):
        lot = self.env["stock.lot"].create(
            {"name": "LBL-1", "product_id": self.milk.id, "expiration_date": datetime(2026, 4, 20, 12)}
        )
        html = self._render_html(lot)
        self.assertIn(f"https://id.gs1.org/01/{GTIN_MILK}/10/LBL-1?17=260420", html)
        self.assertRegex(html, r'<img class="o_gs1_qr"[^>]* src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"')
        self.assertIn("LBL-1", html)
        self.assertIn("Organic Whole Milk", html)

    def test_label_qr_encodes_the_lots_digital_link_on_gs1s_resolver_by_default(self):
        lot = self.env["stock.lot"].create(
            {"name": "LBL-QR", "product_id": self.milk.id, "expiration_date": datetime(2026, 4, 20, 12)}
        )
        self.assertEqual(lot._get_gs1_digital_link_root(), "https://id.gs1.org")
        label = self.env["report.lot_traceability.report_lot_gs1_label"]._get_report_values(lot.ids)["labels"][lot.id]
        expected = f"https://id.gs1.org/01/{GTIN_MILK}/10/LBL-QR?17=260420"
        self.assertEqual(label["uri"], expected)
        self.assertEqual(label["qr"], lot._get_gs1_qr_code(expected), "the QR image encodes that URL")
        self.env["ir.config_parameter"].set_param("lot_traceability.gs1_resolver", "https://id.example.com")
        self.assertEqual(lot._get_gs1_digital_link(), f"https://id.example.com/01/{GTIN_MILK}/10/LBL-QR?17=260420")

    def test_lot_that_cannot_be_encoded_still_gets_a_label_with_the_reason(self):
        self.sugar.barcode = False
        lot = self.env["stock.lot"].create({"name": "SUG-1", "product_id": self.sugar.id})
        html = self._render_html(lot)
        self.assertIn("o_gs1_error", html)
        self.assertNotIn("o_gs1_qr", html)

    def test_receipt_prints_one_label_per_lot_received(self):
        picking = self._create_receipt(self.milk, 30)
        line = picking.move_line_ids
        line.write({"lot_name": "RCV-1", "quantity": 20})
        line.copy({"lot_name": "RCV-2", "quantity": 10})
        picking.move_ids.picked = True
        picking.button_validate()
        action = picking.action_print_gs1_lot_labels()
        self.assertEqual(action["report_name"], "lot_traceability.report_lot_gs1_label")
        self.assertEqual(
            sorted(self.env["stock.lot"].browse(action["context"]["active_ids"]).mapped("name")),
            ["RCV-1", "RCV-2"],
        )

    def test_label_renders_as_a_real_pdf(self):
        lot = self.env["stock.lot"].create({"name": "PDF-1", "product_id": self.milk.id})
        pdf, report_format = (
            self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(REPORT, lot.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))


@tagged("post_install", "-at_install")
class TestLotLabelFormats(LotTraceabilityCommon):
    def test_serial_labels_carry_ai_21_and_the_expiry_ai_17(self):
        tool = self.env["product.product"].create(
            {"name": "Probe", "is_storable": True, "tracking": "serial", "barcode": "09506000999951"}
        )
        serial = self.env["stock.lot"].create(
            {"name": "SN-9", "product_id": tool.id, "expiration_date": datetime(2040, 4, 20, 12)}
        )
        self.assertEqual(serial._get_gs1_digital_link(), "https://id.gs1.org/01/09506000999951/21/SN-9?17=400420")

    def test_small_and_case_label_sizes_render(self):
        lot = self.env["stock.lot"].create({"name": "SIZE-1", "product_id": self.milk.id})
        for xmlid, paper in (
            ("lot_traceability.action_report_lot_gs1_label_50x30", (50, 30)),
            ("lot_traceability.action_report_lot_gs1_label_100x50", (100, 50)),
        ):
            with self.subTest(report=xmlid):
                report = self.env.ref(xmlid)
                self.assertEqual((report.paperformat_id.page_width, report.paperformat_id.page_height), paper)
                html, _format = self.env["ir.actions.report"]._render_qweb_html(xmlid, lot.ids)
                self.assertIn("o_gs1_qr", html.decode())
                self.assertIn("SIZE-1", html.decode())

    def test_manufacturing_order_prints_the_labels_of_its_output(self):
        self._receive(self.milk, 20, lot_name="LBL-MILK")
        self._receive(self.sugar, 10, lot_name="LBL-SUGAR")
        production = self._produce(10)
        action = production.action_print_gs1_lot_labels()
        self.assertEqual(action["report_name"], "lot_traceability.report_lot_gs1_label")
        self.assertEqual(self.env["stock.lot"].browse(action["context"]["active_ids"]), production.lot_producing_id)


@tagged("post_install", "-at_install")
class TestLotLabelLayout(HttpCase, LotTraceabilityCommon):
    """The printed label, through wkhtmltopdf with the styles of this server (report.url)."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param("report.url", self.base_url())
        self.lot = self.env["stock.lot"].create(
            {
                "name": "LBL-2",
                "product_id": self.milk.id,
                "production_date": datetime(2026, 4, 1, 12),
                "use_date": datetime(2026, 4, 15, 12),
                "expiration_date": datetime(2026, 4, 20, 12),
            }
        )

    def _pdf_texts(self, xmlid):
        """(height of the page, [(y of the text from the bottom, text)]) of the one page printed for the lot."""
        pdf, _format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(xmlid, self.lot.ids)
        )
        [page] = PdfReader(io.BytesIO(pdf)).pages
        texts = []

        def visit(text, cm, tm, _font, _size):
            if text.strip():
                texts.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text.replace("\t", " ").strip()))

        page.extract_text(visitor_text=visit)
        return float(page.mediabox.height), texts

    def test_label_shows_product_lot_and_dates_in_readable_text_over_its_whole_height(self):
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, self.lot.ids)[0].decode()
        # GS1's human readable interpretation of the element string, and each data with its title and AI.
        self.assertIn(f"(01){GTIN_MILK}(11)260401(17)260420(10)LBL-2", html)
        for title in ("GTIN (01)", "LOT (10)", "PROD DATE (11)", "BEST BEFORE (15)", "USE BY (17)"):
            self.assertIn(title, html)
        for xmlid in (REPORT, "lot_traceability.action_report_lot_gs1_label_100x50"):
            with self.subTest(report=xmlid):
                height, texts = self._pdf_texts(xmlid)  # one page: nothing overflows
                words = " ".join(text for _y, text in texts)
                for expected in ("Organic Whole Milk", "LBL-2", "04/20/2026", "04/15/2026", "04/01/2026"):
                    self.assertIn(expected, words)
                # The lower 60 % of the 100 x 62 mm label used to be empty: the text now reaches its last fifth.
                lowest = min(y for y, _text in texts)
                self.assertLess(lowest / height, 0.2, texts)
