from odoo import Command
from odoo.addons.lot_traceability.tests.test_serial_batch import GTIN_PEN, SerialBatchCommon
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSerialBatchRecall(HttpCase, SerialBatchCommon):
    """Recall and the GS1 resolver by production batch (all its serials) and by serial."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("lot_traceability_recall.group_recall_manager")
        cls.company.write(
            {"gs1_resolver_published": True, "gs1_resolver_recall_instructions": "Return the pen to your pharmacy."}
        )
        fixture = cls._fixture_builder()
        fixture._receive_scans(
            cls.pen,
            [
                f"(01){GTIN_PEN}(17)280301(10)PB-01(21)SN-1001",
                f"(01){GTIN_PEN}(17)280301(10)PB-01(21)SN-1002",
                f"(01){GTIN_PEN}(17)280302(10)PB-02(21)SN-2001",
            ],
        )
        cls.batch = cls._lot(cls, "PB-01")
        cls.serials = cls._lot(cls, "SN-1001") | cls._lot(cls, "SN-1002")
        cls.other_serial = cls._lot(cls, "SN-2001")
        fixture._sign(cls.batch | cls.other_serial.batch_id, "release")
        for partner in (cls.customer, cls.customer_2, cls.customer):
            fixture._deliver(cls.pen, 1, partner=partner)
        cls.customer_of = {
            line.lot_id: line.picking_id.partner_id
            for line in cls.env["stock.move.line"].search(
                [("product_id", "=", cls.pen.id), ("location_dest_id", "=", cls.customer_location.id)]
            )
        }

    def _recall(self, lots):
        recall = self.env["stock.lot.recall"].create(
            {"lot_ids": [Command.set(lots.ids)], "reason": "Cartridge seal defect in batch PB-01"}
        )
        recall.action_compute_scope()
        return recall

    def test_a_recall_of_a_batch_reaches_every_serials_customer_and_holds_them(self):
        recall = self._recall(self.batch)
        self.assertEqual(recall.affected_lot_ids, self.serials)
        self.assertEqual(
            recall.customer_ids.commercial_partner_id,
            self.customer_of[self.serials[0]] | self.customer_of[self.serials[1]],
        )
        self.assertEqual(recall.customer_ids.commercial_partner_id, self.customer | self.customer_2)
        recall.action_confirm()
        self.assertEqual(set(self.serials.mapped("qc_state")), {"on_hold"})
        self.assertEqual(self.other_serial.qc_state, "released")
        # A serial alone, as before.
        single = self._recall(self.other_serial)
        self.assertEqual(single.affected_lot_ids, self.other_serial)
        self.assertEqual(single.customer_ids.commercial_partner_id, self.customer_of[self.other_serial])

    def test_the_resolver_answers_a_serial_by_batch_and_serial_and_a_batch(self):
        response = self.url_open(f"/01/{GTIN_PEN}/10/PB-01/21/SN-1001", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn("SN-1001", response.text)
        self.assertIn('o_gs1_batch">PB-01', response.text)
        self.assertIn("o_gs1_no_recall", response.text)
        # The canonical link of the serial names its batch.
        self.assertIn(f"/01/{GTIN_PEN}/10/PB-01/21/SN-1001?linkType=linkset", response.headers["Link"])
        # A serial under a batch that is not its own is not found.
        self.assertEqual(self.url_open(f"/01/{GTIN_PEN}/10/PB-02/21/SN-1001").status_code, 404)
        # The batch.
        response = self.url_open(f"/01/{GTIN_PEN}/10/PB-01", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn('o_gs1_lot">PB-01', response.text)
        self.assertIn("o_gs1_no_recall", response.text)

        self._recall(self.batch).action_confirm()
        # The batch is recalled when any serial in it is; each serial too; the other batch is not.
        for path in ("10/PB-01", "10/PB-01/21/SN-1002", "21/SN-1001"):
            with self.subTest(path=path):
                text = self.url_open(f"/01/{GTIN_PEN}/{path}").text
                self.assertIn("Return the pen to your pharmacy.", text)
                self.assertNotIn("o_gs1_no_recall", text)
        self.assertIn("o_gs1_no_recall", self.url_open(f"/01/{GTIN_PEN}/10/PB-02/21/SN-2001").text)
