import re
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..tools import gs1
from .common import LotTraceabilityCommon

GTIN_PEN = "0950600099901" + str(gs1.gtin_check_digit("0950600099901"))
GTIN_NEEDLE = "0950600099902" + str(gs1.gtin_check_digit("0950600099902"))


class SerialBatchCommon(LotTraceabilityCommon):
    """An insulin pen tracked by serial number, released by QA, received as serials in production batches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pharma = cls.env["product.category"].create({"name": "Pharma units", "qc_release_required": True})
        cls.pen = cls.env["product.product"].create(
            {
                "name": "Insulin Pen",
                "is_storable": True,
                "tracking": "serial",
                "use_expiration_date": True,
                "expiration_time": 365,
                "barcode": GTIN_PEN,
                "categ_id": cls.pharma.id,
            }
        )
        cls.qa_manager = new_test_user(
            cls.env,
            "qa.batch",
            groups="lot_traceability.group_qa_manager,stock.group_stock_user",
            name="Quinn Batch",
        )
        cls.stock_user = new_test_user(
            cls.env, "stock.batch", groups="stock.group_stock_user,stock.group_production_lot"
        )
        cls.customer_2 = cls.env["res.partner"].create({"name": "Hilltop Pharmacy", "is_company": True})

    def _receive_scans(self, product, scans):
        """Receive one unit per scan, scanned into the detailed operations as a warehouse user does."""
        return self._receive_with_form(product, len(scans), [{"gs1_scan": scan, "quantity": 1} for scan in scans])

    def _lot(self, name, product=None):
        return self.env["stock.lot"].search([("name", "=", name), ("product_id", "=", (product or self.pen).id)])


@tagged("post_install", "-at_install")
class TestSerialBatch(SerialBatchCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        fixture = cls._fixture_builder()
        fixture._receive_scans(
            cls.pen,
            [
                f"(01){GTIN_PEN}(11)260301(17){exp}(10)PB-01(21){serial}"
                for exp, serial in (("280301", "SN-1001"), ("280301", "SN-1002"))
            ]
            + [f"(01){GTIN_PEN}(11)260302(17)280302(10)PB-02(21)SN-2001"],
        )
        cls.batch = cls._lot(cls, "PB-01")
        cls.serials = cls._lot(cls, "SN-1001") | cls._lot(cls, "SN-1002")
        cls.other_serial = cls._lot(cls, "SN-2001")

    def test_a_scan_creates_the_serial_under_its_batch_with_the_scans_dates(self):
        self.assertTrue(self.batch.is_batch)
        self.assertEqual(self.batch.production_date.date(), date(2026, 3, 1))
        self.assertEqual(self.batch.expiration_date.date(), date(2028, 3, 1))
        self.assertEqual(self.batch.serial_ids, self.serials)
        self.assertEqual(self.batch.serial_count, 2)
        self.assertEqual(self.serials.batch_id, self.batch)
        self.assertEqual(self.other_serial.batch_id.name, "PB-02")
        # The batch holds no stock: its serials do, one unit each.
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.pen.id), ("location_id.usage", "=", "internal"), ("quantity", "=", 1)]
        )
        self.assertEqual(sorted(quants.lot_id.mapped("name")), ["SN-1001", "SN-1002", "SN-2001"])
        self.assertEqual(set(self.serials.mapped("qc_state")), {"pending"})
        self.assertEqual(self.batch.qc_state, "pending")

    def test_a_scan_finds_an_existing_serial_under_its_batch(self):
        picking = self._create_delivery(self.pen, 1)
        self.assertFalse(picking.move_line_ids)  # nothing released to reserve
        picking.move_ids.move_line_ids.unlink()
        self._sign(self.batch, "release")
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.new() as line,
        ):
            line.gs1_scan = f"(01){GTIN_PEN}(10)PB-01(21)SN-1002"
            self.assertEqual(line.lot_id, self._lot("SN-1002"))

    def test_releasing_or_holding_the_batch_does_the_same_to_every_serial(self):
        self._sign(self.batch, "release")
        self.assertEqual(self.batch.qc_state, "released")
        self.assertEqual(set(self.serials.mapped("qc_state")), {"released"})
        self.assertEqual(self.other_serial.qc_state, "pending")  # another batch
        history = self.serials[0].audit_ids.filtered(lambda row: row.field_name == "qc_state")
        self.assertEqual(history[:1].new_value, "Released")
        self.assertIn("from batch PB-01", history[:1].reason)
        self.assertIn("Release signed by Quinn Batch", history[:1].reason)

        self._sign(self.batch, "hold")
        self.assertEqual(set(self.serials.mapped("qc_state")), {"on_hold"})
        # No serial is released while its batch is on hold, and nothing was written.
        with self.assertRaisesRolledBack(UserError, "SN-1001 belongs to batch PB-01, which is On Hold"):
            self._sign(self.serials[0], "release")
        self.assertEqual(self.serials[0].qc_state, "on_hold")
        self.assertEqual(self.serials[0].qc_signature_ids, self.env["stock.lot.qc.signature"])

        self._sign(self.batch, "release")
        self.assertEqual(set(self.serials.mapped("qc_state")), {"released"})
        # The serials' state is the one their batch's signatures give them.
        result = (self.batch | self.serials).action_verify_signatures()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])

    def test_a_serial_rejected_alone_stays_rejected_when_its_batch_is_released(self):
        self._sign(self.serials[0], "reject")
        self._sign(self.batch, "release")
        self.assertEqual(self.serials[0].qc_state, "rejected")
        self.assertEqual(self.serials[1].qc_state, "released")
        result = (self.batch | self.serials).action_verify_signatures()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])

    def test_a_serial_received_into_a_released_batch_is_released(self):
        self._sign(self.batch, "release")
        self._receive_scans(self.pen, [f"(01){GTIN_PEN}(10)PB-01(21)SN-1003"])
        serial = self._lot("SN-1003")
        self.assertEqual(serial.batch_id, self.batch)
        self.assertEqual(serial.qc_state, "released")
        self.assertEqual(self.batch.serial_count, 3)

    def test_tracing_a_batch_reaches_every_serials_customer(self):
        self._sign(self.batch | self.other_serial.batch_id, "release")
        self._deliver(self.pen, 1, partner=self.customer)
        self._deliver(self.pen, 1, partner=self.customer_2)
        self._deliver(self.pen, 1, partner=self.customer)
        delivered = {
            line.lot_id: line.picking_id.partner_id
            for line in self.env["stock.move.line"].search(
                [("product_id", "=", self.pen.id), ("location_dest_id", "=", self.customer_location.id)]
            )
        }
        self.assertEqual(len(delivered), 3)
        result = self.batch.trace("downstream")
        expected = {delivered[serial].id for serial in self.serials}
        self.assertEqual(set(result["customer_ids"]), expected)
        self.assertEqual(set(result["lot_ids"]), set((self.batch | self.serials).ids))
        # A serial alone is traced as before; a batch without serials yet reaches nothing.
        serial = self.serials[0]
        self.assertEqual(serial.trace("downstream")["customer_ids"], [delivered[serial].id])
        empty = self.env["stock.lot"].create({"name": "PB-09", "product_id": self.pen.id, "is_batch": True})
        self.assertEqual(empty.trace("both"), {**{key: [] for key in result}, "lot_ids": empty.ids})

    def test_the_label_of_a_serial_carries_its_batch_and_the_batch_label_the_batch(self):
        serial = self.serials[0]
        elements = serial._get_gs1_elements()
        self.assertEqual((elements["01"], elements["10"], elements["21"]), (GTIN_PEN, "PB-01", "SN-1001"))
        self.assertEqual(
            gs1.build({ai: elements[ai] for ai in ("01", "10", "21")}), f"(01){GTIN_PEN}(10)PB-01(21)SN-1001"
        )
        self.assertIn(f"/01/{GTIN_PEN}/10/PB-01/21/SN-1001", serial._get_gs1_digital_link())
        batch_elements = self.batch._get_gs1_elements()
        self.assertNotIn("21", batch_elements)
        self.assertEqual(batch_elements["10"], "PB-01")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("lot_traceability.action_report_lot_gs1_label", serial.ids)[0]
            .decode()
        )
        # The human readable element string and the QR's URI, read back from the rendered label.
        self.assertIn(f"(01){GTIN_PEN}(11)260301(17)280301(10)PB-01(21)SN-1001", html)
        self.assertIn(f"/01/{GTIN_PEN}/10/PB-01/21/SN-1001?11=260301&amp;17=280301", html)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------

    def test_a_serial_already_in_another_batch_is_refused(self):
        picking = self._create_receipt(self.pen, 1)
        picking.move_ids.move_line_ids.unlink()
        scan = f"(01){GTIN_PEN}(10)PB-02(21)SN-1001"
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.new() as line,
        ):
            with self.assertRaisesRegex(
                UserError, rf"SN-1001 .* already in batch PB-01.* batch PB-02 \(scanned: {re.escape(scan)}"
            ):
                line.gs1_scan = scan
            line.quantity = 0

    def test_a_serial_scanned_under_another_products_batch_is_refused(self):
        with self.assertRaisesRolledBack(ValidationError, "Cane Sugar is not tracked by serial number"):
            self.env["stock.lot"].create({"name": "SUGAR-B", "product_id": self.sugar.id, "is_batch": True})
        # A batch of another product, by the model and by a scan.
        with self.assertRaisesRolledBack(ValidationError, "cannot belong to batch PB-01, a batch of Insulin Pen"):
            other_pen = self.env["product.product"].create(
                {"name": "Pen Needle", "is_storable": True, "tracking": "serial"}
            )
            self.env["stock.lot"].create({"name": "N-1", "product_id": other_pen.id, "batch_id": self.batch.id})
        needle = self.env["product.product"].create(
            {"name": "Pen Needle", "is_storable": True, "tracking": "serial", "barcode": GTIN_NEEDLE}
        )
        picking = self._create_receipt(needle, 1)
        picking.move_ids.move_line_ids.unlink()
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.new() as line,
        ):
            with self.assertRaisesRegex(UserError, "Batch PB-01 is a batch of Insulin Pen, not of Pen Needle"):
                line.gs1_scan = "(10)PB-01(21)N-9"
            line.quantity = 0
        self.assertFalse(self._lot("N-9", needle))

    def test_a_count_on_a_serial_line_is_refused(self):
        picking = self._create_receipt(self.pen, 1)
        picking.move_ids.move_line_ids.unlink()
        with (
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form,
            move_form.move_line_ids.new() as line,
        ):
            with self.assertRaisesRegex(UserError, r"count, \(37\) 2, but Insulin Pen is tracked by serial number"):
                line.gs1_scan = f"(01){GTIN_PEN}(37)2(10)PB-01(21)SN-1009"
            line.quantity = 0

    def test_a_batch_never_moves_itself(self):
        self._sign(self.batch, "release")
        picking = self._create_delivery(self.pen, 1)
        with self.assertRaisesRolledBack(ValidationError, "PB-01 is a production batch of Insulin Pen"):
            picking.move_ids.move_line_ids.lot_id = self.batch
