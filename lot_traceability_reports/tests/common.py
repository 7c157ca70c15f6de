import io
import json
from datetime import UTC, datetime

import openpyxl
import pytz

from odoo import Command
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.tests import Form


class ExportCommon(LotTraceabilityCommon):
    """Milk and sugar received, yogurt made from them, shipped to two customers, part returned.

    The registry is in test mode, as for HTTP tests: the export's read-only cursor is a view on the
    test's transaction (it runs ``SET TRANSACTION READ ONLY`` there), so the export reads the data
    the test created and can never write.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.env.user.groups_id += cls.env.ref("stock.group_stock_manager")
        cls.env.user.tz = "UTC"
        cls.company.partner_id.write(
            {"street": "1 Dairy Road", "city": "Springfield", "zip": "62701", "tz": "Europe/Brussels"}
        )
        cls.warehouse.partner_id = cls.company.partner_id
        cls.supplier.write({"street": "Via Roma 5", "city": "Bolzano", "zip": "39100"})
        cls.customer.write({"street": "12 Market Street", "city": "Lyon", "zip": "69001"})
        cls.customer_2 = cls.env["res.partner"].create({"name": "Green Basket Grocers", "is_company": True})
        (cls.milk | cls.yogurt).lot_traceability_ftl = True
        fixture = cls._fixture_builder()
        cls.receipt = fixture._receive(cls.milk, 20, supplier_lot_code="AD-7731", lot_name="MILK-1")
        fixture._receive(cls.sugar, 20, lot_name="SUGAR-1")
        cls.milk_lot = cls.env["stock.lot"].search([("name", "=", "MILK-1")])
        cls.sugar_lot = cls.env["stock.lot"].search([("name", "=", "SUGAR-1")])
        cls.production = fixture._produce(100)
        cls.yogurt_lot = cls.production.lot_producing_id
        cls.delivery = fixture._deliver(cls.yogurt, 30, cls.customer)
        cls.delivery_2 = fixture._deliver(cls.yogurt, 20, cls.customer_2)

    # ------------------------------------------------------------------

    def _company_date(self, when=None):
        """The calendar day of ``when`` (UTC, default now) in the company's time zone (Europe/Brussels), the zone
        in which exports read their period and write their dates: after 22:00 or 23:00 UTC it is already
        tomorrow there."""
        when = when or datetime.now(UTC).replace(tzinfo=None)
        return pytz.utc.localize(when).astimezone(pytz.timezone(self.company.partner_id.tz)).date()

    def _notified_recall(self):
        """A recall of the milk lot, confirmed and notified to both customers, by a recall manager."""
        self.env.user.groups_id += self.env.ref("lot_traceability_recall.group_recall_manager")
        self.customer.email = "quality@freshmarket.example"
        self.customer_2.email = "recalls@greenbasket.example"
        recall = self.env["stock.lot.recall"].create(
            {"reason": "Listeria", "lot_ids": [Command.set(self.milk_lot.ids)]}
        )
        recall.action_confirm()
        recall.action_notify()
        return recall

    def _export(self, export_type="fsma204", active_model=None, active_ids=None, **values):
        """Request an export through the wizard, as a user does; returns the job."""
        context = {"active_model": active_model, "active_ids": active_ids} if active_model else {}
        wizard = Form(self.env["lot.traceability.export.wizard"].with_context(**context))
        wizard.export_type = export_type
        for field, value in values.items():
            setattr(wizard, field, value)
        action = wizard.save().action_export()
        return self.env["lot.traceability.export"].browse(action["res_id"])

    def _read_xlsx(self, export):
        workbook = openpyxl.load_workbook(io.BytesIO(export.attachment_id.raw), read_only=True)
        sheets = {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}
        return workbook.sheetnames, sheets

    def _read_fsma_rows(self, export):
        names, sheets = self._read_xlsx(export)
        header, *rows = sheets[names[0]]
        return header, [dict(zip(header, row, strict=True)) for row in rows]

    def _read_epcis(self, export):
        return json.loads(export.attachment_id.raw)
