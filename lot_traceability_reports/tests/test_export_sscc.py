"""The FSMA 204 and EPCIS exports name the pallet (SSCC) a lot moved on: the reference document cell of its rows, and
EPCIS AggregationEvents (the pallet as parentID) observed at receiving and shipping, packing (ADD) and unpacking
(DELETE) where the lines fill or empty a pallet; the document stays valid against GS1's schema."""

import json

import jsonschema

from odoo.addons.lot_traceability.tools import gs1_logistics
from odoo.tests import tagged

from ..tools import epcis
from . import test_export_epcis
from .common import ExportCommon

SUPPLIER_SSCC = "006141411234567890"  # GS1's example SSCC, on the supplier's pallet label


@tagged("post_install", "-at_install")
class TestExportSSCC(ExportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stock.group_tracking_lot")
        cls.company.write(
            {
                "lot_traceability_gln": "0614141000005",
                "lot_traceability_gs1_prefix_length": 7,
                "lot_traceability_sscc_on_put_in_pack": True,
            }
        )
        cls.warehouse.lot_traceability_gln = "0614141000012"
        fixture = cls._fixture_builder()
        # A supplier's pallet, received by scanning its label.
        receipt = fixture._create_receipt(cls.milk, 10)
        receipt.move_line_ids.write({"lot_name": "MILK-S", "supplier_lot_code": "AD-9001", "quantity": 10})
        receipt._scan_sscc(f"(00){SUPPLIER_SSCC}")
        receipt.move_ids.picked = True
        receipt.button_validate()
        cls.pallet = receipt.move_line_ids.result_package_id
        # Four of its ten shipped in a box of our own (put in pack: our SSCC), taken out of the pallet.
        cls.shipment = fixture._create_delivery(cls.milk, 4, cls.customer)
        cls.shipment._scan_sscc(SUPPLIER_SSCC)
        cls.shipment.move_line_ids.write({"quantity": 4, "result_package_id": False, "package_level_id": False})
        cls.shipment.action_put_in_pack()
        cls.box = cls.shipment.move_line_ids.result_package_id
        cls.shipment.button_validate()

    def test_fsma204_rows_name_the_sscc(self):
        self.assertTrue(self.box.sscc)
        export = self._export(active_model="stock.lot", active_ids=self.pallet.quant_ids.lot_id.ids)
        self.assertEqual(export.state, "done", export.error_message)
        _header, rows = self._read_fsma_rows(export)
        received = next(row for row in rows if row["Critical Tracking Event"] == "Receiving")
        shipped = next(row for row in rows if row["Critical Tracking Event"] == "Shipping")
        self.assertTrue(received["Reference Document Number"].endswith(f"; SSCC {SUPPLIER_SSCC}"), received)
        self.assertEqual(shipped["Reference Document Number"], f"{self.shipment.name}; SSCC {self.box.sscc}")
        self.assertEqual(shipped["Quantity"], 4)

    def test_epcis_aggregation_events_name_the_pallets(self):
        export = self._export("epcis", active_model="stock.lot", active_ids=self.pallet.quant_ids.lot_id.ids)
        self.assertEqual(export.state, "done", export.error_message)
        document = self._read_epcis(export)
        schema_file = test_export_epcis.SCHEMA_DIR / "EPCISDocument.schema.json"
        self.assertTrue(
            schema_file.is_file(), f"GS1's EPCIS 2.0 JSON schema is missing: {schema_file} (run setup/install)"
        )
        jsonschema.validators.Draft7Validator(json.loads(schema_file.read_text())).validate(document)
        events = document["epcisBody"]["eventList"]
        for event in events:
            self.assertEqual(event["eventID"], epcis.event_hash_id(event), event)
        pallet_urn = gs1_logistics.sscc_epc_urn(SUPPLIER_SSCC, 7)
        self.assertEqual(pallet_urn, "urn:epc:id:sscc:0614141.0123456789")
        box_urn = gs1_logistics.sscc_epc_urn(self.box.sscc, 7)
        aggregations = [
            (event["action"], event["bizStep"], event["parentID"], event["childQuantityList"][0]["quantity"])
            for event in events
            if event["type"] == "AggregationEvent"
        ]
        self.assertEqual(
            aggregations,
            [
                ("OBSERVE", "receiving", pallet_urn, 10),
                ("DELETE", "unpacking", pallet_urn, 4),
                ("ADD", "packing", box_urn, 4),
                ("OBSERVE", "shipping", box_urn, 4),
            ],
        )
        # The content is the lot's class as its ObjectEvent names it; the box left with the shipment's documents.
        shipped = next(event for event in events if event["type"] == "ObjectEvent" and event["bizStep"] == "shipping")
        observed = [event for event in events if event["type"] == "AggregationEvent"][-1]
        self.assertEqual(observed["childQuantityList"][0]["epcClass"], shipped["quantityList"][0]["epcClass"])
        self.assertEqual(observed["bizTransactionList"], shipped["bizTransactionList"])
        self.assertEqual(observed["disposition"], "in_transit")
        # The pallet's canonical form in the event hash: its GS1 Digital Link.
        self.assertEqual(epcis.canonical_uri(pallet_urn), f"https://id.gs1.org/00/{SUPPLIER_SSCC}")
