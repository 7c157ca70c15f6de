from datetime import timedelta

from odoo import api, fields, models

# The concluded drill of the demo: minutes after its start at which each step was done.
DEMO_DRILL_STEPS = (("scope", 12), ("trace", 31), ("reconciliation", 58), ("customers", 66), ("conclusion", 94))


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_recall_drills(self):
        """A recall drill of the main site concluded 40 days ago by the administrator (its evidence pack printed
        from the Print menu), and the other company's site whose yearly drill is due: QA has its activity."""
        day = self._get_demo_history_day()
        lot = self.env.ref("lot_traceability.lot_milk_mock_recall_demo", raise_if_not_found=False)
        Drills = self.env["stock.lot.recall"]
        if not day or not lot or Drills.search_count([("is_drill", "=", True), ("lot_ids", "in", lot.ids)], limit=1):
            return Drills
        admin = self.env.ref("base.user_admin")
        Recall = self.env["stock.lot.recall"].with_user(admin).with_company(lot.company_id or self.env.company)
        start = day - timedelta(days=40) + timedelta(hours=8, minutes=30)
        warehouse = self._demo_warehouse()
        warehouse.recall_drill_user_id = admin
        with self._demo_at(start):
            drill = Recall._start_drill(
                lot, warehouse=warehouse, reason="Yearly recall drill of the site: raw milk lot to every customer."
            )
        actions = {
            "scope": drill.action_compute_scope,
            "trace": drill.action_drill_review_trace,
            "reconciliation": drill.action_drill_compute_reconciliation,
            "customers": drill.action_drill_list_customers,
            "conclusion": lambda: drill._conclude_drill(
                "I confirm the result of this recall drill",
                note="Every unit of the milk lot found within the hour; the customer list was ready for the call.",
            ),
        }
        for step, minutes in DEMO_DRILL_STEPS:
            with self._demo_at(start + timedelta(minutes=minutes)):
                actions[step]()
        # The other company's site: its yearly drill is due, QA is reminded by the daily job.
        other = self.env["stock.warehouse"].search([("company_id", "!=", drill.company_id.id)], limit=1)
        if other:
            other.write(
                {
                    "recall_drill_next_date": fields.Date.context_today(self) - timedelta(days=3),
                    "recall_drill_user_id": admin.id,
                }
            )
            self.env["stock.warehouse"]._cron_recall_drill_reminders()
        return drill
