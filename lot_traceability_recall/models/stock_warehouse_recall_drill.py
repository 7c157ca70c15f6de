from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class StockWarehouse(models.Model):
    """The yearly recall drill of a site: how often, when the next one is due and who is reminded. The reminder is
    an activity on the site (hence its chatter)."""

    _name = "stock.warehouse"
    _inherit = ["stock.warehouse", "mail.thread", "mail.activity.mixin"]

    recall_drill_interval_months = fields.Integer(
        "Recall Drill Every (Months)", default=12, help="How often this site runs a recall drill (12: yearly)."
    )
    recall_drill_next_date = fields.Date(
        "Next Recall Drill",
        help="When this site's next recall drill is due: QA gets an activity from that day. Set again by each "
        "drill concluded for the site.",
    )
    recall_drill_user_id = fields.Many2one(
        "res.users",
        "Recall Drill Responsible",
        domain=lambda self: [
            ("share", "=", False),
            ("groups_id", "in", self.env.ref("lot_traceability.group_qa_user").ids),
        ],
        help="Who is reminded when the drill is due. Empty: the company's QA responsible, else a QA Manager.",
    )
    last_recall_drill_id = fields.Many2one("stock.lot.recall", compute="_compute_last_recall_drill_id")

    def _compute_last_recall_drill_id(self):
        drills = self.env["stock.lot.recall"].search_fetch(
            [("drill_warehouse_id", "in", self.ids), ("drill_state", "=", "concluded")],
            ["drill_warehouse_id", "drill_concluded_at"],
            order="drill_concluded_at desc, id desc",
        )
        last = {}
        for drill in drills:
            last.setdefault(drill.drill_warehouse_id.id, drill)
        for warehouse in self:
            warehouse.last_recall_drill_id = last.get(warehouse.id, False)

    def _set_recall_drill_done(self, day):
        """A drill of the site was concluded on ``day``: the next is due an interval later, the reminder is done."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        summary = self._get_recall_drill_summary()
        for warehouse in self:
            warehouse.recall_drill_next_date = day + relativedelta(months=warehouse.recall_drill_interval_months or 12)
        self.activity_ids.filtered(
            lambda activity: activity.activity_type_id == todo and activity.summary == summary
        ).action_feedback(feedback=self.env._("Recall drill concluded."))

    def _get_recall_drill_summary(self):
        return self.env._("Recall drill due")

    def _get_recall_drill_user(self):
        self.ensure_one()
        if self.recall_drill_user_id:
            return self.recall_drill_user_id
        if self.company_id.lot_qa_responsible_id:
            return self.company_id.lot_qa_responsible_id
        return self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref("lot_traceability.group_qa_manager").ids),
                ("company_ids", "in", self.company_id.ids),
                ("share", "=", False),
            ],
            order="id",
            limit=1,
        )

    @api.model
    def _cron_recall_drill_reminders(self):
        """Remind QA of every site whose recall drill is due: one activity per site until a drill is concluded."""
        today = fields.Date.context_today(self)
        warehouses = self.search([("recall_drill_next_date", "<=", today)])
        todo = self.env.ref("mail.mail_activity_data_todo")
        reminded = {
            res_id
            for [res_id] in self.env["mail.activity"]._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", warehouses.ids),
                    ("activity_type_id", "=", todo.id),
                    ("summary", "=", self._get_recall_drill_summary()),
                ],
                ["res_id"],
            )
        }
        for warehouse in warehouses.filtered(lambda warehouse: warehouse.id not in reminded):
            user = warehouse._get_recall_drill_user()
            if not user:
                continue
            warehouse.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=warehouse.recall_drill_next_date,
                summary=warehouse._get_recall_drill_summary(),
                note=self.env._(
                    "The recall drill of %(site)s is due: start one from a raw or finished lot (Start Recall Drill "
                    "on the lot), trace it both ways, reconcile its quantities and sign its conclusion.",
                    site=warehouse.name,
                ),
                user_id=user.id,
            )
