"""The warehouse guide's GS1 logistics steps on the demo (README, "Warehouse guide: GS1 logistics")."""

from odoo.addons.lot_traceability.tools import gs1
from odoo.tests import Form, TransactionCase, tagged

from .test_gs1_logistic_label import LOGISTIC_LABEL, PTI_LABEL, read_barcodes

DEMO_SSCC = "095060000000000015"


@tagged("post_install", "-at_install")
class TestGS1LogisticsDemo(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pallet = cls.env.ref("lot_traceability_reports.package_gala_pallet_demo")
        cls.lot = cls.env.ref("lot_traceability_reports.lot_gala_apples_demo")
        cls.env.user.groups_id += cls.env.ref("stock.group_tracking_lot")

    def test_demo_pallet_and_its_label(self):
        self.assertEqual(self.pallet.sscc, DEMO_SSCC)
        self.assertEqual(self.env["stock.quant.package"].search([("sscc", "ilike", DEMO_SSCC)]), self.pallet)
        page = self.env["ir.actions.report"]._render_qweb_html(LOGISTIC_LABEL, self.pallet.ids)[0].decode()
        self.assertIn("(02)19506000123452(37)56(10)GALA-2611-A", page)
        self.assertIn(f"(00){DEMO_SSCC}", page)
        [content] = read_barcodes(page, "o_gs1_content_barcode")
        self.assertEqual(gs1.parse(content)["37"], 56)

    def test_demo_case_labels(self):
        wizard = Form(self.env["stock.lot.pti.label.wizard"].with_context(default_lot_id=self.lot.id))
        self.assertEqual(wizard.case_count, 56)
        wizard.pack_date = False
        action = wizard.save().action_print()
        page = self.env["ir.actions.report"]._render_qweb_html(PTI_LABEL, self.lot.ids, data=action["data"])[0].decode()
        self.assertEqual(len(read_barcodes(page, "o_pti_barcode")), 56)
        self.assertIn(">97</span>", page)
        self.assertIn(">00</span>", page)

    def test_demo_delivery_scan_picks_the_pallet(self):
        customer = self.env.ref("lot_traceability.partner_fresh_market_demo")
        warehouse = self.env.ref("stock.warehouse0")
        delivery = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": customer.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Gala",
                            "product_id": self.lot.product_id.id,
                            "product_uom_qty": 56,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                        },
                    )
                ],
            }
        )
        delivery.action_confirm()
        with Form(delivery) as form:
            form.sscc_scan = f"(00){DEMO_SSCC}"
        self.assertEqual(delivery.move_line_ids.package_id, self.pallet)
        self.assertEqual(sum(delivery.move_line_ids.filtered("picked").mapped("quantity")), 56)
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
