from datetime import timedelta

from odoo import api, fields, models

# The concluded drill of the demo: minutes after its scope was computed at which each later step was done.
DEMO_DRILL_STEPS = (("trace", 19), ("reconciliation", 46), ("customers", 54), ("conclusion", 82))
# Minutes between the drill's start and its scope.
DEMO_DRILL_SCOPE_MINUTES = 12


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_recall_drills(self):
        """The history's mock recall of the milk lot (133 days ago) was the main site's yearly recall drill: the
        administrator started it 12 minutes before its scope, reviewed the trace, reconciled the quantities,
        listed the customers and signed its conclusion within the target (its evidence pack is in the Print menu).
        The other company's site has its yearly drill due: QA has its activity."""
        lot = self.env.ref("lot_traceability.lot_milk_mock_recall_demo", raise_if_not_found=False)
        Recall = self.env["stock.lot.recall"]
        mock = lot and Recall.search(
            [("is_mock", "=", True), ("lot_ids", "in", lot.ids), ("scope_date", "!=", False)],
            order="scope_date",
            limit=1,
        )
        if not mock or mock.is_drill:
            return Recall
        admin = self.env.ref("base.user_admin")
        drill = mock.with_user(admin).with_company(mock.company_id)
        warehouse = self._demo_warehouse()
        warehouse.recall_drill_user_id = admin
        scope_date = mock.scope_date
        start = scope_date - timedelta(minutes=DEMO_DRILL_SCOPE_MINUTES)
        # A drill is started before its scope is computed (stock.lot.recall._start_drill): here the scope of the
        # history's mock recall stands as computed then, the drill is recorded around it.
        drill.sudo()._write_server(
            {
                "is_drill": True,
                "drill_state": "running",
                "drill_warehouse_id": warehouse.id,
                "drill_started_at": start,
                "drill_started_by_id": admin.id,
                "drill_target_minutes": mock.company_id.recall_drill_target_minutes,
                "drill_tolerance_min": mock.company_id.recall_drill_tolerance_min,
                "drill_tolerance_max": mock.company_id.recall_drill_tolerance_max,
            }
        )
        for step, date in (("start", start), ("scope", scope_date)):
            with self._demo_at(date):
                drill._add_drill_step(step)
        actions = {
            "trace": drill.action_drill_review_trace,
            "reconciliation": drill.action_drill_compute_reconciliation,
            "customers": drill.action_drill_list_customers,
            "conclusion": lambda: drill._conclude_drill(
                "I confirm the result of this recall drill",
                note="Every unit of the milk lot found within the hour; the customer list was ready for the call.",
            ),
        }
        for step, minutes in DEMO_DRILL_STEPS:
            with self._demo_at(scope_date + timedelta(minutes=minutes)):
                actions[step]()
        # The other company's site: its yearly drill is due, QA is reminded by the daily job.
        other = self.env["stock.warehouse"].search([("company_id", "!=", mock.company_id.id)], limit=1)
        if other:
            other.write(
                {
                    "recall_drill_next_date": fields.Date.context_today(self) - timedelta(days=3),
                    "recall_drill_user_id": admin.id,
                }
            )
            self.env["stock.warehouse"]._cron_recall_drill_reminders()
        return mock
