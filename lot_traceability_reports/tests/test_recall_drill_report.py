from datetime import timedelta

from freezegun import freeze_time
from lxml import html

from odoo.addons.lot_traceability_recall.tests.test_recall_drill import START, RecallDrillCommon
from odoo.tests import tagged

MARCH = ("2026-03-01", "2026-03-31")


@tagged("post_install", "-at_install")
class TestRecallDrillReport(RecallDrillCommon):
    def _concluded_drill(self):
        with freeze_time(START) as frozen:
            drill = self._start()
            frozen.tick(timedelta(minutes=40))
            self._run_steps(drill)
            frozen.tick(timedelta(minutes=79))
            self._conclude(drill)
        return drill

    def _rows(self, page, css_class):
        return [
            [" ".join(cell.text_content().split()) for cell in row.xpath("./td|./th")]
            for row in page.xpath(f"//tr[contains(concat(' ', @class, ' '), ' {css_class} ')]")
        ]

    def _table(self, table):
        return [
            [" ".join(cell.text_content().split()) for cell in row.xpath("./td|./th")] for row in table.xpath(".//tr")
        ]

    def test_evidence_pack_prints_what_was_signed_even_after_a_later_move(self):
        drill = self._concluded_drill()
        self._deliver(self.milk, 10)  # after the conclusion: the pack still shows 30 on hand

        content, _type = self.env["ir.actions.report"]._render_qweb_html(
            "lot_traceability_reports.report_lot_recall_drill", drill.ids
        )
        page = html.fromstring(content)
        unit = self.milk.uom_id.name
        # In the lots' order (by name).
        self.assertEqual(
            self._rows(page, "drill-line"),
            [
                [self.yogurt_lot.name, self.yogurt.display_name, "25", "0", "0", "0", "0", "25", "25", unit, "100.0"],
                ["MILK-D", self.milk.display_name, "100", "0", "60", "5", "5", "30", "100", unit, "100.0"],
            ],
        )
        self.assertEqual(self._rows(page, "drill-total"), [["Total", "125", "", "125", "", "100.0"]])
        self.assertEqual(
            [row[0::2] for row in self._rows(page, "drill-step")],
            [
                ["Drill started", "Dana Driller"],
                ["Scope computed", "Dana Driller"],
                ["Trace forward and backward reviewed", "Dana Driller"],
                ["Reconciliation computed", "Dana Driller"],
                ["Customers listed", "Dana Driller"],
                ["Concluded and signed", "Quinn Auditor"],
            ],
        )
        self.assertEqual([row[3] for row in self._rows(page, "drill-step")], ["0.0", *["40.0"] * 4, "119.0"])
        self.assertEqual(self._rows(page, "drill-time"), [["Time", "1 h 59 min (target 120 min)"]])
        self.assertEqual(
            self._rows(page, "drill-reconciliation"), [["Reconciliation", "100.0 % (tolerance 99.5 % to 104.0 %)"]]
        )
        self.assertEqual(
            self._rows(page, "drill-result"),
            [["Result", "Pass: time within target, reconciliation within tolerance"]],
        )
        self.assertEqual(
            [row for table in page.xpath("//table[contains(@class, 'drill-scope')]") for row in self._table(table)],
            [
                ["Traced forward (made from the drill lots)", self.yogurt_lot.display_name],
                ["Traced backward (what the drill lots came from)", "None"],
                ["Customers to reach (not notified)", "Fresh Market Stores"],
            ],
        )
        signature = dict(
            row for table in page.xpath("//table[contains(@class, 'drill-signature')]") for row in self._table(table)
        )
        self.assertEqual(signature["Signed by"], "Quinn Auditor")
        self.assertEqual(signature["Signed at (UTC)"], "2026-03-10 09:59:00")
        self.assertEqual(signature["SHA-256"], drill.drill_signature_hash)
        text = " ".join(page.text_content().split())
        self.assertNotIn("NOT CONCLUDED", text)

    def test_a_running_drill_is_marked_not_concluded(self):
        drill = self._start()
        content, _type = self.env["ir.actions.report"]._render_qweb_html(
            "lot_traceability_reports.report_lot_recall_drill", drill.ids
        )
        text = " ".join(html.fromstring(content).text_content().split())
        self.assertIn("NOT CONCLUDED", text)
        self.assertIn("The reconciliation has not been computed.", text)
        self.assertIn("Not signed yet.", text)

    def test_the_dashboard_shows_the_last_drill_against_its_target(self):
        # The month of the drill (START): the demo database's own drill, later, is not the last one of that month.
        Kpi = self.env["stock.lot.control.kpi"].with_user(self.qa_user)
        card = next(
            c
            for c in Kpi.get_lot_control_dashboard(*MARCH, period="custom", kpis=["mock_recall"])["cards"]
            if c["key"] == "mock_recall"
        )
        self.assertIsNone(card["secondary"]["value"], "no drill concluded yet")
        drill = self._concluded_drill()

        card = next(
            c
            for c in Kpi.get_lot_control_dashboard(*MARCH, period="custom", kpis=["mock_recall"])["cards"]
            if c["key"] == "mock_recall"
        )

        self.assertEqual(card["secondary"]["value"], 119.0)
        self.assertEqual(card["secondary"]["display"], "1 h 59 min")
        self.assertEqual(card["secondary"]["label"], "last recall drill (target 2 h 00 min): Pass")
        self.assertIn(
            f"Last recall drill {drill.name}, concluded on 2026-03-10: Pass in 1 h 59 min (target 2 h 00 min), "
            "100.0 % reconciled",
            card["details"],
        )
