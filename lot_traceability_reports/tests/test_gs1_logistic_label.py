"""The GS1 logistic label of a pallet and the PTI case labels of a produce lot: rendered, their GS1-128 symbols read
back from the /report/barcode URLs and parsed with the GS1 parser."""

import html
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from odoo import fields
from odoo.addons.lot_traceability.tools import gs1, gs1_logistics
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_package_sscc import SSCCCommon

LOGISTIC_LABEL = "lot_traceability_reports.action_report_package_gs1_logistic_label"
PTI_LABEL = "lot_traceability_reports.action_report_lot_pti_case_label"


def read_barcodes(page, css_class):
    """The data of each GS1-128 symbol of ``css_class`` in ``page``: the FNC1 of the Code 128 value as GS."""
    values = []
    for tag in re.findall(r"<img[^>]*>", page):
        if css_class not in tag:
            continue
        src = html.unescape(re.search(r'src="([^"]+)"', tag).group(1))
        url = urlsplit(src)
        query = parse_qs(url.query)
        assert url.path == "/report/barcode/" and query["barcode_type"] == ["Code128"], src
        value = query["value"][0]
        assert value.startswith(gs1_logistics.FNC1), value  # GS1-128: FNC1 in first position
        values.append(value[1:].replace(gs1_logistics.FNC1, gs1.GS))
    return values


class LabelCommon(SSCCCommon):
    def _render(self, report, records, data=None):
        page, _format = self.env["ir.actions.report"]._render_qweb_html(report, records.ids, data=data)
        return page.decode()


@tagged("post_install", "-at_install")
class TestGS1LogisticLabel(LabelCommon):
    def test_homogeneous_pallet_label_reads_back(self):
        self.pallet.action_assign_sscc()
        page = self._render(LOGISTIC_LABEL, self.pallet)
        [sscc_data] = read_barcodes(page, "o_gs1_sscc_barcode")
        self.assertEqual(gs1.parse(sscc_data).unknown["00"], self.pallet.sscc)
        [content_data] = read_barcodes(page, "o_gs1_content_barcode")
        content = gs1.parse(content_data)
        self.assertEqual(content.unknown["02"], self.milk._get_gs1_gtin())
        self.assertEqual(content["37"], 40)
        self.assertEqual(content["10"], "MILK-P1")
        expiry = fields.Datetime.context_timestamp(self.milk_lot, self.milk_lot.expiration_date).date()
        self.assertEqual(content["17"], expiry)
        self.assertIn("BEST BEFORE", page)
        # The human readable interpretation under each symbol, and the SSCC in text.
        self.assertIn(f"(00){self.pallet.sscc}", page)
        self.assertIn(f"(02){self.milk._get_gs1_gtin()}", page)
        self.assertIn(self.company.name, page)

    def test_mixed_pallet_lists_content_without_content_symbol(self):
        self.pallet.action_assign_sscc()
        self._receive(self.milk, 5, lot_name="MILK-P9", result_package_id=self.pallet.id)
        page = self._render(LOGISTIC_LABEL, self.pallet)
        self.assertEqual(read_barcodes(page, "o_gs1_content_barcode"), [])
        self.assertEqual(len(read_barcodes(page, "o_gs1_sscc_barcode")), 1)
        self.assertIn("MILK-P1", page)
        self.assertIn("MILK-P9", page)
        self.assertIn("CONTAINS", page)

    def test_label_of_a_pallet_being_shipped_names_the_customer(self):
        delivery = self._create_delivery(self.milk, 40, self.customer)
        self.assertEqual(delivery.move_line_ids.package_id, self.pallet)
        self.company.lot_traceability_sscc_on_put_in_pack = True
        # Twelve of the forty go on a new pallet of their own.
        delivery.move_line_ids.write({"quantity": 12, "result_package_id": False, "picked": True})
        delivery.action_put_in_pack()
        box = delivery.move_line_ids.result_package_id
        self.assertTrue(box.sscc)
        page = self._render(LOGISTIC_LABEL, box)
        content = gs1.parse(read_barcodes(page, "o_gs1_content_barcode")[0])
        self.assertEqual((content["37"], content["10"]), (12, "MILK-P1"))
        self.assertIn("Fresh Market Stores", page)

    def test_package_without_sscc_is_refused(self):
        with self.assertRaisesRegex(UserError, "has no SSCC"):
            self._render(LOGISTIC_LABEL, self.pallet)


@tagged("post_install", "-at_install")
class TestPtiCaseLabel(LabelCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Produce sold by the case: the product's barcode is the case's GTIN-14 (TEKLYNX/PTI example GTIN).
        cls.apples = cls.env["product.product"].create(
            {"name": "Gala Apples 40 lb case", "is_storable": True, "tracking": "lot", "barcode": "10850510002011"}
        )
        cls.apple_pallet = cls.env["stock.quant.package"].create({"name": "APPLE-PALLET"})
        fixture = cls._fixture_builder()
        fixture._receive(cls.apples, 56, lot_name="46587443HG234", result_package_id=cls.apple_pallet.id)
        cls.apple_lot = cls.env["stock.lot"].search([("name", "=", "46587443HG234")])

    def test_case_labels_per_case_with_voice_pick_code(self):
        wizard_form = Form(
            self.env["stock.lot.pti.label.wizard"]
            .with_user(self.stock_user)
            .with_context(default_lot_id=self.apple_lot.id)
        )
        self.assertEqual(wizard_form.case_count, 56)  # the cases on hand
        wizard_form.case_count = 3
        wizard_form.pack_date = date(2010, 1, 26)
        action = wizard_form.save().action_print()
        page = self._render(PTI_LABEL, self.apple_lot, data=action["data"])
        symbols = read_barcodes(page, "o_pti_barcode")
        self.assertEqual(len(symbols), 3)
        elements = gs1.parse(symbols[0])
        self.assertEqual(elements["01"], "10850510002011")
        self.assertEqual(elements["10"], "46587443HG234")
        self.assertEqual(elements["13"], date(2010, 1, 26))
        code = gs1_logistics.voice_pick_code("10850510002011", "46587443HG234", "100126")
        self.assertIn(f'<span class="o_pti_vpc_small" style="font-size: 14px;">{code[:2]}</span>', page)
        self.assertIn(
            f'<span class="o_pti_vpc_large" style="font-size: 28px; font-weight: bold;">{code[2:]}</span>', page
        )
        self.assertEqual(page.count("o_pti_voice_pick_code"), 3)

    def test_case_label_without_pack_date_matches_the_published_code(self):
        page = self._render(PTI_LABEL, self.apple_lot, data={"cases": 1})
        self.assertNotIn("(13)", page)
        # TEKLYNX KA-02292 / PTI: GTIN 10850510002011, lot 46587443HG234 -> 6359, small 63, large 59.
        self.assertIn(">63</span>", page)
        self.assertIn(">59</span>", page)

    def test_pallet_of_cases_lists_the_case_gtin_and_count(self):
        self.apple_pallet.action_assign_sscc()
        page = self._render(LOGISTIC_LABEL, self.apple_pallet)
        content = gs1.parse(read_barcodes(page, "o_gs1_content_barcode")[0])
        self.assertEqual(content.unknown["02"], "10850510002011")
        self.assertEqual(content["37"], 56)

    def test_bad_inputs(self):
        wizard = self.env["stock.lot.pti.label.wizard"].create({"lot_id": self.apple_lot.id, "case_count": 0})
        with self.assertRaisesRegex(UserError, "1 to 2000"):
            wizard.action_print()
        self.apples.barcode = False
        with self.assertRaisesRegex(UserError, "no valid GTIN"):
            self._render(PTI_LABEL, self.apple_lot, data={"cases": 1})
