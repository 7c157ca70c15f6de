from datetime import datetime

from odoo.tests import tagged

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
