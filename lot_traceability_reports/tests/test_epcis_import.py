import base64
import json
from datetime import date
from pathlib import Path

from odoo import Command
from odoo.addons.lot_traceability.tests.common import DemoHistoryCase, LotTraceabilityCommon
from odoo.addons.lot_traceability.tools import stock_flows
from odoo.exceptions import UserError
from odoo.tests import BaseCase, Form, new_test_user, tagged

from ..tools import epcis_reader
from .common import ExportCommon

DATA = Path(__file__).parent / "data"
SHIPMENT_JSON = (DATA / "epcis_supplier_shipment.json").read_bytes()
SHIPMENT_XML = (DATA / "epcis_supplier_shipment.xml").read_bytes()
OUR_GLN = "9506000000008"  # urn:epc:id:pgln:9506000.00000 in the fixture
SUPPLIER_GLN = "4012345000016"  # urn:epc:id:pgln:4012345.00001
SSCC = "340123450000000017"  # urn:epc:id:sscc:4012345.3000000001: 3 + 4012345 + 000000001, check digit 7
REPORT_FIELDS = (
    "event",
    "status",
    "product_id",
    "lot_code",
    "quantity",
    "uom_id",
    "expiration_date",
    "production_date",
    "sscc",
    "message",
)


def shipment(change=None):
    """The JSON fixture, changed by ``change(document)``, as bytes."""
    document = json.loads(SHIPMENT_JSON)
    if change:
        change(document)
    return json.dumps(document).encode()


class EpcisImportCommon(LotTraceabilityCommon):
    """A receipt of 100 kg of milk and 20 kg of sugar from Alpine Dairy (GLN 4012345000016) to us (GLN
    9506000000008); the supplier's file ships milk lots AD-9001 (60 kg, on pallet SSCC 340123450000000017) and
    AD-9002 (40 kg, GS1 Digital Link class) and sugar lot CS-77 (10 kg), with their dates in commissioning events."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        kg = cls.env.ref("uom.product_uom_kgm")
        (cls.milk | cls.sugar).write({"uom_id": kg.id, "uom_po_id": kg.id})
        cls.company.lot_traceability_gln = OUR_GLN
        cls.company.lot_traceability_gs1_prefix_length = 7
        cls.supplier.lot_traceability_gln = SUPPLIER_GLN
        cls.stock_user = new_test_user(
            cls.env,
            "epcis.import.clerk",
            groups="stock.group_stock_user,stock.group_production_lot",
            company_id=cls.company.id,
        )
        cls.receipt = stock_flows.create_pickings(
            cls.env,
            [
                stock_flows.prepare_picking_vals(
                    cls.receipt_type,
                    cls.supplier,
                    [(cls.milk, 100), (cls.sugar, 20)],
                    cls.supplier_location,
                    cls.stock_location,
                )
            ],
        )

    def _wizard(self, content, filename="shipment.json", picking=None):
        """The import wizard of ``picking`` (default: the receipt) as the stock user opens it, with the file."""
        picking = (picking or self.receipt).with_user(self.stock_user)
        action = picking.action_open_epcis_import()
        form = Form(self.env[action["res_model"]].with_user(self.stock_user).with_context(**action["context"]))
        form.epcis_file = base64.b64encode(content)
        wizard = form.save()
        wizard.filename = filename  # what the upload widget writes beside the file
        return wizard

    def _report(self, wizard):
        wizard.action_check()
        return [
            {name: (line[name].id if name in ("product_id", "uom_id") else line[name]) for name in REPORT_FIELDS}
            for line in wizard.line_ids
        ]

    def _database_state(self):
        """What an import may write: supplier lots, the receipt's lines, its attachments and messages."""
        return (
            self.env["stock.supplier.lot"].search_count([]),
            sorted(self.receipt.move_line_ids.mapped(lambda line: (line.id, line.quantity, line.supplier_lot_code))),
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "stock.picking"), ("res_id", "=", self.receipt.id)]
            ),
            len(self.receipt.message_ids),
        )


@tagged("post_install", "-at_install")
class TestEpcisImport(EpcisImportCommon):
    def test_json_and_xml_of_the_same_events_give_the_same_proposal(self):
        kg = self.env.ref("uom.product_uom_kgm").id
        json_report = self._report(self._wizard(SHIPMENT_JSON))
        xml_report = self._report(self._wizard(SHIPMENT_XML, "shipment.xml"))
        self.assertEqual(json_report, xml_report)
        proposal = [
            (
                line["product_id"],
                line["lot_code"],
                line["quantity"],
                line["uom_id"],
                line["expiration_date"],
                line["production_date"],
                line["sscc"],
            )
            for line in json_report
            if line["status"] == "match"
        ]
        self.assertEqual(
            proposal,
            [
                (self.milk.id, "AD-9001", 60.0, kg, date(2027, 3, 31), date(2026, 11, 20), SSCC),
                # best before date (no expiration date in the file): the supplier lot's expiration, as a scan of AI 15
                (self.milk.id, "AD-9002", 40.0, kg, date(2027, 4, 15), False, False),
                (self.sugar.id, "CS-77", 10.0, kg, False, False, False),
            ],
        )
        ignored = [line["message"] for line in json_report if line["status"] == "ignored"]
        self.assertEqual(len(ignored), 3)
        self.assertIn("Event 1: event is not shipping (ObjectEvent, bizStep commissioning)", ignored[0])
        self.assertIn(f"pallet SSCC {SSCC} (AggregationEvent, bizStep packing)", ignored[2])
        self.assertFalse([line for line in json_report if line["status"] == "mismatch"])

    def test_confirmation_creates_supplier_lots_with_dates_and_proposes_lines_nothing_before(self):
        before = self._database_state()
        wizard = self._wizard(SHIPMENT_JSON)
        wizard.action_check()
        self.assertEqual(self._database_state(), before, "the report writes nothing")
        self.assertFalse(self.env["stock.supplier.lot"].search([("name", "in", ["AD-9001", "AD-9002", "CS-77"])]))

        wizard.action_confirm()
        supplier_lots = self.env["stock.supplier.lot"].search(
            [("partner_id", "=", self.supplier.id), ("name", "in", ["AD-9001", "AD-9002", "CS-77"])], order="name"
        )
        self.assertEqual(
            [(lot.name, lot.product_id, lot.expiration_date, lot.production_date, lot.gtin) for lot in supplier_lots],
            [
                ("AD-9001", self.milk, date(2027, 3, 31), date(2026, 11, 20), "09506000134352"),
                ("AD-9002", self.milk, date(2027, 4, 15), False, "09506000134352"),
                ("CS-77", self.sugar, False, False, "09506000134376"),
            ],
        )
        self.assertEqual(self.receipt.state, "assigned", "proposed, not received")
        lines = self.receipt.move_line_ids.sorted(lambda line: (line.product_id.id, line.supplier_lot_code))
        self.assertEqual(
            [
                (
                    line.product_id,
                    line.quantity,
                    line.supplier_lot_id.name,
                    line.lot_name,
                    line.supplier_scan_extra,
                    line.picked,
                )
                for line in lines
            ],
            [
                (self.milk, 60.0, "AD-9001", "AD-9001", f"(00){SSCC}", False),
                (self.milk, 40.0, "AD-9002", "AD-9002", False, False),
                (self.sugar, 10.0, "CS-77", "CS-77", False, False),
            ],
        )
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "=", self.receipt.id)]
        )
        self.assertEqual(attachment.name, "shipment.json")
        self.assertEqual(attachment.raw, SHIPMENT_JSON)
        self.assertIn("Supplier EPCIS file shipment.json imported", self.receipt.message_ids[0].body)
        self.assertEqual(self.receipt.message_ids[0].attachment_ids, attachment)

        # Validated by the user afterwards: our lots come from the supplier lots, with their dates.
        self.receipt.with_user(self.stock_user).move_ids.filtered(lambda move: move.product_id == self.sugar).write(
            {"product_uom_qty": 10}
        )
        self.receipt.with_user(self.stock_user).button_validate()
        lot = self.env["stock.lot"].search([("product_id", "=", self.milk.id), ("name", "=", "AD-9001")])
        self.assertEqual(lot.supplier_lot_id, supplier_lots[0])
        self.assertEqual(lot.expiration_date.date(), date(2027, 3, 31))

    def test_existing_supplier_lot_is_found_and_its_missing_dates_filled(self):
        existing = self.env["stock.supplier.lot"].create(
            {"name": "AD-9002", "partner_id": self.supplier.id, "product_id": self.milk.id}
        )
        self._wizard(SHIPMENT_JSON).action_confirm()
        self.assertEqual(existing.expiration_date, date(2027, 4, 15))
        self.assertEqual(self.env["stock.supplier.lot"].search_count([("name", "=", "AD-9002")]), 1)

    def test_report_names_each_mismatch(self):
        other_company = self.env["res.company"].create({"name": "Northern Creamery"})
        other_company.partner_id.lot_traceability_gln = "7612345000008"

        def change(document):
            events = document["epcisBody"]["eventList"]
            shipping = events[3]
            shipping["quantityList"][0]["quantity"] = 120  # 120 + 40 kg of milk > 100 ordered
            shipping["quantityList"].append(
                {"epcClass": "urn:epc:class:lgtin:9506000.013499.X-1", "quantity": 5, "uom": "KGM"}
            )  # GTIN 09506000134994: no product
            shipping["quantityList"].append(
                {"epcClass": "urn:epc:class:lgtin:4006381.033393.Y-1", "quantity": 5}
            )  # the yogurt: not on this receipt
            second = json.loads(json.dumps(shipping))
            second["quantityList"] = [
                {"epcClass": "urn:epc:class:lgtin:9506000.013437.CS-78", "quantity": 1, "uom": "KGM"}
            ]
            second["destinationList"] = [{"type": "owning_party", "destination": "urn:epc:id:pgln:7612345.00000"}]
            second["sourceList"] = [{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00009"}]
            events.append(second)

        before = self._database_state()
        report = self._report(self._wizard(shipment(change)))
        messages = "\n".join(line["message"] for line in report if line["status"] == "mismatch")
        self.assertIn("Quantity 160.0 > 100.0 kg of Organic Whole Milk ordered", messages)
        self.assertIn("GTIN 09506000134994 is not on any product", messages)
        self.assertIn(f"Apple Yogurt 150 g (GTIN 04006381333931) is not on receipt {self.receipt.name}", messages)
        self.assertIn("destination GLN 7612345000008 (owning_party) is Northern Creamery's", messages)
        self.assertIn(
            "source GLN 4012345000092 (owning_party) is not Alpine Dairy Cooperative's (4012345000016)", messages
        )
        self.assertIn("Event 1: event is not shipping", "\n".join(line["message"] for line in report))
        # Sugar CS-77 still matches; the milk lines do not (too much), nor the others.
        statuses = {(line["lot_code"], line["event"]): line["status"] for line in report if line["lot_code"]}
        self.assertEqual(statuses[("CS-77", 4)], "match")
        self.assertEqual(statuses[("AD-9001", 4)], "mismatch")
        with self.assertRaisesRegex(UserError, "does not match receipt .*nothing was imported"):
            self._wizard(shipment(change)).action_confirm()
        self.assertEqual(self._database_state(), before)

    def test_bad_input_is_refused_and_leaves_the_database_as_it_was(self):
        other_company = self.env["res.company"].create({"name": "Northern Creamery"})
        other_company.partner_id.lot_traceability_gln = "7612345000008"

        def to_other_company(document):
            for event in document["epcisBody"]["eventList"]:
                if event.get("destinationList"):
                    event["destinationList"] = [
                        {"type": "owning_party", "destination": "urn:epc:id:pgln:7612345.00000"}
                    ]

        def not_on_receipt(document):
            document["epcisBody"]["eventList"][3]["quantityList"] = [
                {"epcClass": "urn:epc:class:lgtin:4006381.033393.Y-1", "quantity": 5}
            ]

        def wrong_check_digit(document):
            document["epcisBody"]["eventList"][3]["quantityList"][1]["epcClass"] = (
                "https://id.gs1.org/01/09506000134353/10/AD-9002"
            )

        def against_schema(document):
            document["epcisBody"]["eventList"][3]["action"] = "SHIP"

        def no_events(document):
            document["epcisBody"]["eventList"] = []

        def no_shipping(document):
            del document["epcisBody"]["eventList"][3]

        cases = [
            (
                shipment(against_schema),
                r"does not follow GS1's EPCIS 2.0 JSON schema at epcisBody/eventList/3/action: "
                r"'SHIP' is not one of \['OBSERVE', 'ADD', 'DELETE'\]",
            ),
            (
                SHIPMENT_XML.replace(b"<action>OBSERVE</action>", b"<action>SHIP</action>"),
                r"does not follow GS1's EPCIS 2.0 XSD at "
                r"/epcis:EPCISDocument/EPCISBody/EventList/ObjectEvent\[3\]/action",
            ),
            (SHIPMENT_JSON[:200], "is not valid JSON"),
            (SHIPMENT_XML[:300], "is not well-formed XML"),
            (shipment(to_other_company), "destination GLN 7612345000008 \\(owning_party\\) is Northern Creamery's"),
            (shipment(not_on_receipt), "Apple Yogurt 150 g \\(GTIN 04006381333931\\) is not on receipt"),
            (shipment(wrong_check_digit), "GTIN 09506000134353 has a wrong check digit \\(expected 2\\)"),
            (b"", "The file is empty"),
            (shipment(no_events), "holds no ObjectEvent or AggregationEvent"),
            (shipment(no_shipping), "no shipping event with lot quantities"),
        ]
        before = self._database_state()
        for content, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(UserError, message):
                    self._wizard(content).action_confirm()
                self.assertEqual(self._database_state(), before)
        # The report refuses what cannot be read the same way.
        with self.assertRaisesRegex(UserError, "has a wrong check digit"):
            self._wizard(shipment(wrong_check_digit)).action_check()

    def test_failure_during_confirmation_rolls_back_everything(self):
        """A constraint failing on the last line (a lot code the receipt already has for another supplier lot)
        undoes the supplier lots created before it."""
        before = self._database_state()

        def bad_dates(document):  # production after expiration: the supplier lot's own constraint
            document["epcisBody"]["eventList"][0]["ilmd"]["gs1:productionDate"] = "2027-05-01"

        with self.assertRaisesRegex(UserError, "expires on 2027-03-31, before its production date 2027-05-01"):
            self._wizard(shipment(bad_dates)).action_confirm()
        self.assertEqual(self._database_state(), before)

    def test_only_incoming_receipts_still_to_receive(self):
        delivery = self._create_delivery(self.milk, 1)
        with self.assertRaisesRegex(UserError, "is not a receipt"):
            delivery.with_user(self.stock_user).action_open_epcis_import()
        self.receipt.action_cancel()
        with self.assertRaisesRegex(UserError, "is already Cancelled"):
            self.receipt.with_user(self.stock_user).action_open_epcis_import()


@tagged("post_install", "-at_install")
class TestEpcisImportRoundTrip(ExportCommon):
    """Our own EPCIS export of a shipment to a customer, imported back on a receipt of that customer, a company of
    the same database: the same lot, quantity and dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.lot_traceability_gln = "9506000000008"
        cls.company.lot_traceability_gs1_prefix_length = 7
        cls.customer.lot_traceability_gln = "4012345000092"
        cls.customer_2.lot_traceability_gln = "9506000001234"
        cls.customer_company = cls.env["res.company"].create({"name": cls.customer.name, "partner_id": cls.customer.id})
        cls.customer_clerk = new_test_user(
            cls.env,
            "epcis.customer.clerk",
            groups="stock.group_stock_user,stock.group_production_lot",
            company_id=cls.customer_company.id,
            company_ids=[Command.set(cls.customer_company.ids)],
        )
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.customer_company.id)], limit=1)
        warehouse.in_type_id.use_create_lots = True
        cls.customer_receipt = stock_flows.create_pickings(
            cls.env["stock.picking"].with_company(cls.customer_company).env,
            [stock_flows.prepare_picking_vals(warehouse.in_type_id, cls.company.partner_id, [(cls.yogurt, 30)])],
        )

    def test_our_export_imported_back_gives_the_same_lots_quantities_and_dates(self):
        export = self._export("epcis", active_model="stock.lot", active_ids=self.yogurt_lot.ids)
        content = export.attachment_id.raw
        receipt = self.customer_receipt.with_user(self.customer_clerk)
        action = receipt.action_open_epcis_import()
        form = Form(self.env[action["res_model"]].with_user(self.customer_clerk).with_context(**action["context"]))
        form.epcis_file = base64.b64encode(content)
        wizard = form.save()
        wizard.filename = "epcis.json"
        wizard.action_check()
        matched = wizard.line_ids.filtered(lambda line: line.status == "match")
        self.assertEqual(len(matched), 1, wizard.line_ids.mapped("message"))
        # The shipment to the other customer is not for us: named, not imported.
        self.assertIn(
            "shipped to GLN 9506000001234, not to Fresh Market Stores",
            "\n".join(wizard.line_ids.mapped("message")),
        )
        wizard.action_confirm()
        supplier_lot = self.env["stock.supplier.lot"].search([("company_id", "=", self.customer_company.id)])
        self.assertEqual(supplier_lot.name, self.yogurt_lot.name)
        self.assertEqual(supplier_lot.product_id, self.yogurt)
        self.assertEqual(supplier_lot.partner_id, self.company.partner_id)
        self.assertEqual(supplier_lot.expiration_date, self._company_date(self.yogurt_lot.expiration_date))
        self.assertEqual(supplier_lot.production_date, self._company_date(self.yogurt_lot.production_date))
        self.assertEqual(
            self.customer_receipt.move_line_ids.mapped(lambda line: (line.supplier_lot_id, line.quantity)),
            [(supplier_lot, 30.0)],
        )


@tagged("post_install", "-at_install")
class TestEpcisReader(BaseCase):
    def test_what_is_not_read_is_reported(self):
        def change(document):
            events = document["epcisBody"]["eventList"]
            events[0]["ilmd"]["cbvmda:countryOfOrigin"] = "IT"
            events[3]["epcList"] = ["urn:epc:id:sgtin:9506000.013435.1001"]
            events.append(
                {
                    "type": "TransactionEvent",
                    "eventTime": "2026-11-25T07:30:00.000+01:00",
                    "eventTimeZoneOffset": "+01:00",
                    "epcList": [],
                    "action": "ADD",
                    "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000016:PO-1"}],
                }
            )

        document = epcis_reader.read_document(shipment(change))
        self.assertEqual(
            document.notes,
            [
                "Event 1: ILMD field countryOfOrigin not read.",
                "Event 4: 1 instance-level EPC(s) (e.g. urn:epc:id:sgtin:9506000.013435.1001) not read: only lot "
                "classes with quantities are imported.",
                "Event 5: TransactionEvent not read (only ObjectEvent and AggregationEvent are imported).",
            ],
        )
        self.assertEqual(document.sender, SUPPLIER_GLN)
        shipping = document.events[3]
        self.assertEqual(shipping.sources, {"owning_party": SUPPLIER_GLN, "location": SUPPLIER_GLN})
        self.assertEqual(shipping.destinations, {"owning_party": OUR_GLN, "location": OUR_GLN})
        self.assertEqual(document.events[2].parent_sscc, SSCC)
        self.assertEqual(
            [(quantity.gtin, quantity.lot, str(quantity.quantity), quantity.uom) for quantity in shipping.quantities],
            [
                ("09506000134352", "AD-9001", "60", "KGM"),
                ("09506000134352", "AD-9002", "40", "KGM"),
                ("09506000134376", "CS-77", "10", "KGM"),
            ],
        )

    def test_identifiers(self):
        self.assertEqual(
            epcis_reader.read_lot_class("urn:epc:class:lgtin:9506000.013435.L%2F1", "x"), ("09506000134352", "L/1")
        )
        self.assertEqual(
            epcis_reader.read_lot_class("https://id.gs1.org/01/09506000134352/10/L%2F1", "x"), ("09506000134352", "L/1")
        )
        self.assertEqual(epcis_reader.read_gln("urn:epc:id:sgln:4012345.00001.0", "x"), SUPPLIER_GLN)
        self.assertEqual(epcis_reader.read_gln("https://id.gs1.org/414/4012345000016", "x"), SUPPLIER_GLN)
        self.assertEqual(epcis_reader.read_sscc("https://id.gs1.org/00/340123450000000017", "x"), SSCC)
        with self.assertRaisesRegex(epcis_reader.EPCISReadError, "SSCC 340123450000000018 has a wrong check digit"):
            epcis_reader.read_sscc("https://id.gs1.org/00/340123450000000018", "x")
        with self.assertRaisesRegex(epcis_reader.EPCISReadError, "is not a lot class"):
            epcis_reader.read_lot_class("urn:epc:id:sgtin:9506000.013435.1001", "x")


@tagged("post_install", "-at_install")
class TestEpcisImportDemo(DemoHistoryCase):
    def test_demo_file_matches_the_demo_receipt(self):
        """The README's guide: the demo supplier file imported on the demo receipt by a stock user."""
        receipt = self._demo_record("lot_traceability_reports.picking_epcis_receipt_demo")
        content = (Path(__file__).parent.parent / "demo" / "epcis_alpine_dairy_shipment_demo.json").read_bytes()
        clerk = new_test_user(self.env, "epcis.demo.clerk", groups="stock.group_stock_user,stock.group_production_lot")
        wizard = (
            self.env["stock.picking.epcis.import"]
            .with_user(clerk)
            .create({"picking_id": receipt.id, "epcis_file": base64.b64encode(content), "filename": "alpine.json"})
        )
        wizard.action_check()
        self.assertEqual(
            [
                (line.status, line.lot_code, line.quantity, str(line.expiration_date), line.sscc or "")
                for line in wizard.line_ids.filtered(lambda line: line.status != "ignored")
            ],
            [
                ("match", "AD-P2301", 150.0, "2027-11-20", "340123450000000024"),
                ("match", "AD-P2302", 100.0, "2027-11-27", ""),
            ],
        )
        wizard.action_confirm()
        self.assertEqual(receipt.move_line_ids.mapped("supplier_lot_code"), ["AD-P2301", "AD-P2302"])
        self.assertFalse(any(receipt.move_line_ids.mapped("lot_name")), "named by the numbering rule on validation")
        receipt.with_user(clerk).button_validate()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(
            sorted(lot.expiration_date.date().isoformat() for lot in receipt.move_line_ids.lot_id),
            ["2027-11-20", "2027-11-27"],
        )
