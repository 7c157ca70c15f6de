import io
import json
from datetime import date, timedelta

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..tools.fsma204 import COLUMNS


@tagged("post_install", "-at_install")
class TestComplianceExportTour(HttpCase):
    """On the demo database, in a browser: an FDA 24-hour request for one lot (two years of events)
    from the lot's form, then a partner's EPCIS request from the menu; the files are then opened and
    their rows checked against the move lines."""

    def _critical_tracking_lines(self, domain):
        """Done lot lines that are receiving, shipping or transformation events, read independently of
        the export's SQL."""
        lines = self.env["stock.move.line"].search([("state", "=", "done"), ("lot_id", "!=", False), *domain])
        events = {}
        for line in lines:
            source, destination = line.location_id.usage, line.location_dest_id.usage
            if source in ("supplier", "customer") and destination == "internal":
                events[line] = "Receiving"
            elif source == "internal" and destination in ("customer", "supplier"):
                events[line] = "Shipping"
            elif (
                source == "production"
                and destination == "internal"
                and (line.move_id.production_id or line.move_id.unbuild_id)
            ):
                events[line] = "Transformation"
        return events

    def test_fda_request_and_partner_epcis_request_from_the_ui(self):
        yogurt = self.env.ref("lot_traceability.product_yogurt_demo", raise_if_not_found=False)
        self.assertTrue(yogurt, "the demo data (lot_traceability's demo yogurt) is needed by this test")
        self.env.ref("base.user_admin").groups_id += self.env.ref("stock.group_production_lot")
        shipped = self.env["stock.move.line"].search(
            [("product_id", "=", yogurt.id), ("state", "=", "done"), ("location_dest_id.usage", "=", "customer")],
            order="date desc",
            limit=1,
        )
        self.assertTrue(shipped, "the demo ships yogurt")
        lot = shipped.lot_id
        Export = self.env["lot.traceability.export"]
        existing = Export.search([])

        self.start_tour(
            f"/odoo/action-stock.action_production_lot_form/{lot.id}",
            "lot_traceability_compliance_export_tour",
            login="admin",
            timeout=180,
        )

        new_exports = Export.search([("id", "not in", existing.ids)], order="id")
        self.assertEqual(len(new_exports), 2, "one job per request")
        fsma, epcis_export = new_exports
        self.assertEqual((fsma.export_type, fsma.state), ("fsma204", "done"), fsma.error_message)
        self.assertEqual(fsma.lot_ids, lot)
        # The tour types two years before the browser's today; the web client dates in the browser's zone, which
        # is this machine's (not the user's: after 23:00 UTC it is already tomorrow in the demo user's Brussels).
        self.assertEqual(fsma.date_from, date.today() - relativedelta(years=2))
        workbook = openpyxl.load_workbook(io.BytesIO(fsma.attachment_id.raw), read_only=True)
        header, *rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        self.assertEqual(tuple(header), COLUMNS)
        rows = [dict(zip(header, row, strict=True)) for row in rows]
        expected = self._critical_tracking_lines([("lot_id", "=", lot.id)])
        self.assertTrue(expected)
        self.assertEqual(
            sorted((row["Traceability Lot Code"], row["Critical Tracking Event"], row["Quantity"]) for row in rows),
            sorted((line.lot_id.name, event, line.quantity) for line, event in expected.items()),
        )
        documents = {row["Reference Document Number"] for row in rows}
        for line, event in expected.items():
            if event == "Transformation":
                self.assertIn(line.move_id.production_id.name, documents)
            else:
                self.assertTrue(any(line.picking_id.name in document for document in documents), line.picking_id.name)

        self.assertEqual((epcis_export.export_type, epcis_export.state), ("epcis", "done"), epcis_export.error_message)
        document = json.loads(epcis_export.attachment_id.raw)
        events = document["epcisBody"]["eventList"]
        start = fields.Datetime.to_datetime(epcis_export.date_from) - timedelta(days=1)  # time zones aside
        expected = self._critical_tracking_lines(
            [("product_id.lot_traceability_ftl", "=", True), ("date", ">=", start)]
        )
        self.assertEqual(len(events), len(expected))
        steps = {"Receiving": "receiving", "Shipping": "shipping", "Transformation": "commissioning"}
        self.assertEqual(
            sorted(
                (event["bizStep"], (event.get("quantityList") or event["outputQuantityList"])[0]["quantity"])
                for event in events
            ),
            sorted((steps[event], line.quantity) for line, event in expected.items()),
        )
        self.assertTrue(all(event["eventID"].startswith("ni:///sha-256;") for event in events))
