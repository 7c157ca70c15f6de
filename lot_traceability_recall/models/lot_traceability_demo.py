from datetime import timedelta

from odoo import Command, api, models
from odoo.tools import SQL

# The rows a step of the demo history creates, back-dated to the step's date (see lot.traceability.demo._demo_dated).
DEMO_RECALL_COLUMNS = {
    "stock_lot_recall": ("create_date",),
    "stock_lot_recall_notification": ("create_date", "date_sent"),
    "stock_lot_complaint": ("create_date",),
    "stock_lot_audit": ("date",),
    "mail_message": ("date",),
    "mail_activity": ("create_date",),
}


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_recalls(self):
        """A mock recall drill of a milk supplier lot, a real recall of a puree supplier lot left in draft with
        its scope computed, ready for the demo user to confirm and notify, and a confirmed recall of another
        puree lot, whose lots show the recall banner on the public GS1 resolver page."""
        supplier_lots = {
            supplier_lot.name: supplier_lot
            for supplier_lot in self.env["stock.supplier.lot"].search(
                [("name", "in", ("AD-24117", "SV/B-7781", "SV/B-7790"))]
            )
        }
        recalls = self.env["stock.lot.recall"].create(
            [
                {
                    "is_mock": True,
                    "supplier_lot_ids": [Command.set(supplier_lots["AD-24117"].ids)],
                    "reason": self.env._("Quarterly mock recall drill: raw milk lot back to every customer."),
                },
                {
                    "supplier_lot_ids": [Command.set(supplier_lots["SV/B-7781"].ids)],
                    "reason": self.env._("Sunvale Orchards reports possible glass fragments in puree batch B-7781."),
                    "fda_class": "class_2",
                },
            ]
        )
        recalls.action_compute_scope()
        confirmed = self.env["stock.lot.recall"].create(
            {
                "supplier_lot_ids": [Command.set(supplier_lots["SV/B-7790"].ids)],
                "reason": self.env._("Sunvale Orchards found undeclared sulphites in puree batch B-7790."),
                "fda_class": "class_2",
                "customer_instructions": self.env._(
                    "<p>Do not eat the apple yogurts of the lots listed. Bring them back to your store for a full "
                    "refund.</p>"
                ),
            }
        )
        confirmed.action_confirm()
        # The company answers the QR codes of its labels (GS1 resolver): the recalled lots show the banner.
        self.env.company.write(
            {
                "gs1_resolver_published": True,
                "gs1_resolver_contact": self.env._("Quality line: +1 555 0100, quality@yourcompany.example"),
            }
        )
        return recalls | confirmed

    @api.model
    def _create_demo_recall_history(self):
        """The recalls and complaints of the demo history (``lot.traceability.demo._create_demo_history``),
        made through the recall's own actions and back-dated (demo data only):

        - 133 days ago: mock recall drill of the milk lot of month 2 (its scope time recorded);
        - 74 days ago, Fresh Market complains of a bitter taste in yogurt of month 4; 70 days ago Sunvale
          Orchards reports patulin in that month's puree lot: real recall, confirmed the next morning, the three
          customers notified two hours later, all acknowledged within two days, closed a week later with the
          lots rejected and the units eaten before the recall justified;
        - 53 days ago: mock recall of the puree lot of month 5;
        - 15 days ago, Fresh Market complains of a sour taste in the last lot of the history (QA held it).

        Runs before the demo's recalls of today, once.
        """
        held = self.env.ref("lot_traceability.demo_lot_yogurt_at_risk", raise_if_not_found=False)
        if not held or self.env["stock.lot.complaint"].search_count([("lot_id", "=", held.id)], limit=1):
            return self.env["stock.lot.recall"]
        ref = self.env.ref
        fresh, green, bakery = (
            ref(f"lot_traceability.demo_partner_{name}") for name in ("fresh_market", "green_basket", "city_bakery")
        )
        midnight = self._get_demo_history_day()

        def at(days_ago, hour, minute=0):
            return midnight - timedelta(days=days_ago) + timedelta(hours=hour, minutes=minute)

        recalled = ref("lot_traceability.demo_lot_puree_recalled")
        mock_milk = self._demo_mock_recall(
            ref("lot_traceability.demo_lot_milk_mock_recall"),
            self.env._("Mock recall drill: raw milk lot to every customer."),
            at(133, 11),
        )
        complaint_date = at(74, 9)
        with self._demo_dated(complaint_date, DEMO_RECALL_COLUMNS):
            complaint = self.env["stock.lot.complaint"].create(
                self._demo_complaint_vals(
                    ref("lot_traceability.demo_lot_yogurt_bitter"),
                    fresh,
                    complaint_date,
                    "quality",
                    "medium",
                    self.env._("Several customers find the apple yogurt bitter, with a mouldy aftertaste."),
                )
            )
            complaint.state = "investigating"
        with self._demo_dated(at(70, 10), DEMO_RECALL_COLUMNS):
            recall = self.env["stock.lot.recall"].create(
                {
                    "lot_ids": [Command.set(recalled.ids)],
                    "reason": self.env._(
                        "Sunvale Orchards reports patulin above the legal limit in puree batch %(batch)s.",
                        batch=recalled.supplier_lot_id.name,
                    ),
                    "fda_class": "class_2",
                    "responsible_id": ref("base.user_admin").id,
                    "customer_instructions": self.env._(
                        "<p>Withdraw the apple yogurts of the lots listed from sale and tell us how many you still "
                        "hold: we collect them or you destroy them in store.</p>"
                    ),
                }
            )
        confirmed_at = at(69, 9)
        with self._demo_dated(confirmed_at, DEMO_RECALL_COLUMNS):
            recall.action_confirm()
        with self._demo_dated(at(69, 11), DEMO_RECALL_COLUMNS):
            mails_before = self.env["mail.mail"].sudo().search([], order="id desc", limit=1).id or 0
            recall.action_notify()
            # E-mailed months ago: the notices left then, as the mail queue records it (no mail server at install),
            # and nothing of them waits in today's mail queue (demo only; their messages stay).
            notices = self.env["mail.mail"].sudo().search([("id", ">", mails_before)])
            notices.write({"state": "sent"})
            notices._postprocess_sent_message(success_pids=notices.recipient_ids.ids)
            self.env.flush_all()
            self.env.execute_query(SQL("DELETE FROM mail_mail WHERE id > %s", mails_before))
        answers = {
            fresh: (at(69, 16, 20), "Claire Martin", 0, self.env._("Withdrawn from our shelves: none left.")),
            green: (at(68, 10, 30), "Jonas Weber", 24, self.env._("24 cups in our Munich store, destroyed today.")),
            bakery: (at(67, 9, 15), "Luc Peeters", 0, self.env._("All used in our desserts before the notice.")),
        }
        for notification in recall.notification_ids:
            date, name, quantity, note = answers[notification.partner_id]
            with self._demo_dated(date, DEMO_RECALL_COLUMNS):
                notification._acknowledge(name, quantity, note)
            self.env.execute_query(
                SQL(
                    "UPDATE stock_lot_recall_notification SET date_acknowledged = %s WHERE id = %s",
                    date,
                    notification.id,
                )
            )
        closed_at = at(62, 17)
        lots = recall.hold_ids.lot_id
        for lot in lots:
            self._demo_sign(
                lot,
                "reject",
                self.env._("Rejected: recalled, never to be used"),
                closed_at,
                note=self.env._("Recall %(recall)s closed", recall=recall.name),
            )
        with self._demo_dated(closed_at, DEMO_RECALL_COLUMNS):
            recall.action_close(
                justification=self.env._(
                    "The customers acknowledged: the other units were sold and eaten before the recall, Green "
                    "Basket destroyed its 24 cups in store (certificate on file)."
                ),
                lot_outcome="reject",
            )
            complaint.state = "closed"
        self.env.execute_query(
            SQL(
                "UPDATE stock_lot_recall SET date_confirmed = %s, scope_date = %s, date_closed = %s WHERE id = %s",
                confirmed_at,
                confirmed_at,
                closed_at,
                recall.id,
            )
        )
        mock_puree = self._demo_mock_recall(
            ref("lot_traceability.demo_lot_puree_mock_recall"),
            self.env._("Mock recall drill: apple puree lot to every customer."),
            at(53, 11),
        )
        complaint_date = at(15, 11)
        with self._demo_dated(complaint_date, DEMO_RECALL_COLUMNS):
            self.env["stock.lot.complaint"].create(
                self._demo_complaint_vals(
                    held,
                    fresh,
                    complaint_date,
                    "quality",
                    "medium",
                    self.env._("Customers return cups of this lot: sour taste, ten days before the best-before date."),
                )
            ).state = "investigating"
        self.env.invalidate_all()
        return mock_milk | recall | mock_puree

    @api.model
    def _demo_mock_recall(self, lot, reason, date):
        """A mock recall of ``lot`` run on ``date``: its scope time is the one measured now."""
        with self._demo_dated(date, DEMO_RECALL_COLUMNS):
            recall = self.env["stock.lot.recall"]._run_mock_recall(lot, reason)
        self.env.execute_query(SQL("UPDATE stock_lot_recall SET scope_date = %s WHERE id = %s", date, recall.id))
        recall.invalidate_recordset()
        return recall

    @api.model
    def _demo_complaint_vals(self, lot, customer, date, category, severity, description):
        """A complaint of ``customer`` on ``lot``, about its last delivery of the lot before ``date``."""
        delivery = (
            self.env["stock.move.line"]
            .search(
                [
                    ("lot_id", "=", lot.id),
                    ("state", "=", "done"),
                    ("picking_code", "=", "outgoing"),
                    ("picking_id.partner_id", "=", customer.id),
                    ("date", "<", date),
                ],
                order="date desc",
                limit=1,
            )
            .picking_id
        )
        return {
            "lot_id": lot.id,
            "partner_id": customer.id,
            "picking_id": delivery.id,
            "company_id": lot.company_id.id or self.env.company.id,
            "date": date.date(),
            "category": category,
            "severity": severity,
            "description": description,
        }
