from odoo import Command
from odoo.tests import tagged

from .common import ExportCommon


@tagged("post_install", "-at_install")
class TestCostingAndRecallExports(ExportCommon):
    """The lot costing and recall report XLSX, through the same export jobs as FSMA 204 and EPCIS."""

    def test_costing_export_has_one_row_per_lot_with_its_breakdown(self):
        job = self._export("lot_costing", active_model="stock.lot", active_ids=self.yogurt_lot.ids)
        self.assertEqual(job.state, "done")
        sheetnames, sheets = self._read_xlsx(job)
        header, *rows = sheets[sheetnames[0]]
        self.assertEqual(header[:5], ["Company", "Product Reference", "Product", "Lot", "Quantity"])
        by_lot = {row[3]: dict(zip(header, row, strict=True)) for row in rows}
        self.assertIn(self.yogurt_lot.name, by_lot)
        expected = self.yogurt_lot._get_cost_breakdown()[self.yogurt_lot.id]
        row = by_lot[self.yogurt_lot.name]
        self.assertEqual(row["Quantity"], expected["quantity"])
        self.assertAlmostEqual(row["Total Cost"], expected["total_cost"], places=2)
        self.assertAlmostEqual(row["Material Cost"], expected["material_cost"], places=2)
        self.assertEqual(job.rows_written, len(rows))

    def test_recall_export_lists_shipments_notifications_and_returns(self):
        recall = self._notified_recall()
        recall.notification_ids.filtered(lambda n: n.partner_id == self.customer)._acknowledge("Ana Ruiz", 12)
        recall.action_create_returns()

        job = self._export("recall", active_model="stock.lot.recall", active_ids=recall.ids)

        self.assertEqual(job.state, "done")
        sheetnames, sheets = self._read_xlsx(job)
        self.assertEqual(sheetnames, ["Shipments", "Notifications", "Returns"])
        shipments = sheets["Shipments"][1:]
        self.assertEqual(
            sorted((row[0], row[5]) for row in shipments), [("Fresh Market Stores", 30), ("Green Basket Grocers", 20)]
        )
        notifications = {row[0]: row for row in sheets["Notifications"][1:]}
        self.assertEqual(notifications["Fresh Market Stores"][3], "acknowledged")
        self.assertEqual(notifications["Fresh Market Stores"][6], 12)
        self.assertEqual(notifications["Green Basket Grocers"][6], None, "blank until the customer answers")
        returns = sheets["Returns"][1:]
        self.assertEqual(sorted(row[5] for row in returns), [12, 20], "what the customer still holds, else shipped")

    def test_a_recall_export_needs_a_recall(self):
        job = self.env["lot.traceability.export"].create(
            {"export_type": "recall", "lot_ids": [Command.set(self.milk_lot.ids)], "ftl_only": False}
        )
        job.action_run()
        self.assertEqual(job.state, "failed")
        self.assertIn("Choose the recall to export", job.error_message)
        self.assertFalse(job.attachment_id)
