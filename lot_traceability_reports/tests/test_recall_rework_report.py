import re

from odoo import Command
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestRecallReworkReport(LotTraceabilityCommon):
    """The recall report prints the reworked quantity as its own column of the mass balance."""

    def test_recall_report_shows_the_reworked_column(self):
        self.env.user.groups_id += self.env.ref("lot_traceability_recall.group_recall_manager")
        self.env.user.groups_id += self.env.ref("stock.group_stock_manager")
        self._receive(self.sugar, 20, lot_name="SUGAR-RR")
        self._receive(self.milk, 20, lot_name="MILK-RR")
        milk_lot = self.env["stock.lot"].search([("name", "=", "MILK-RR")])
        finished = self._produce(10).lot_producing_id
        recall = self.env["stock.lot.recall"].create(
            {"reason": "Foreign body in the milk", "fda_class": "class_2", "lot_ids": [Command.set(milk_lot.ids)]}
        )
        recall.action_compute_scope()
        recall.action_confirm()
        production = recall._create_rework_production(finished, 4)
        production.qty_producing = 4
        production._set_qty_producing()
        production.button_mark_done()

        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "lot_traceability_reports.report_lot_recall", recall.ids
        )
        table = re.search(r"<table[^>]*recall-balance.*?</table>", html.decode(), re.S).group(0)
        headers = re.findall(r"<th>(.*?)</th>", table)
        self.assertEqual(headers[headers.index("Destroyed") + 1], "Reworked")
        row = next(
            re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
            for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)
            if finished.name in tr
        )
        # Hand-worked: 10 made, 4 reworked (consumed), 6 on hand.
        self.assertEqual(row[headers.index("Consumed")].strip(), "4.0")
        self.assertEqual(row[headers.index("On hand")].strip(), "6.0")
        self.assertEqual(row[headers.index("Reworked")].strip(), "4.0")
