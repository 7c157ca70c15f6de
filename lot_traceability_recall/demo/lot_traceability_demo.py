from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.addons.lot_traceability.tools.server_write import server_write


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_recalls(self):
        """A mock recall drill of a milk supplier lot, a real recall of a puree supplier lot left in draft with
        its scope computed, ready for the demo user to confirm and notify, and a confirmed recall of another
        puree lot, whose lots show the recall banner on the public GS1 resolver page."""
        # The demo's recalls of today are the administrator's, like those of its history (not OdooBot's).
        admin = self.env.ref("base.user_admin")
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
                    "reason": "Quarterly mock recall drill: raw milk lot back to every customer.",
                    "responsible_id": admin.id,
                },
                {
                    "supplier_lot_ids": [Command.set(supplier_lots["SV/B-7781"].ids)],
                    "reason": "Sunvale Orchards reports possible glass fragments in puree batch B-7781.",
                    "fda_class": "class_2",
                    "responsible_id": admin.id,
                },
            ]
        )
        recalls.action_compute_scope()
        confirmed = self.env["stock.lot.recall"].create(
            {
                "supplier_lot_ids": [Command.set(supplier_lots["SV/B-7790"].ids)],
                "reason": "Sunvale Orchards found undeclared sulphites in puree batch B-7790.",
                "fda_class": "class_2",
                "responsible_id": admin.id,
                "customer_instructions": (
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
                "gs1_resolver_contact": "Quality line: +1 555 0100, quality@yourcompany.example",
            }
        )
        return recalls | confirmed

    @api.model
    def _create_demo_recall_history(self):
        """The recalls and complaints of the demo history (``lot.traceability.demo._create_demo_history``),
        made through the recall's own actions, each at its date (``_demo_at``):

        - 133 days ago: mock recall drill of the milk lot of month 2 (its scope time recorded);
        - 74 days ago, Fresh Market complains of a bitter taste in yogurt of month 4; 70 days ago Sunvale
          Orchards reports patulin in that month's puree lot: real recall, confirmed the next morning, the three
          customers notified two hours later, all acknowledged within two days, closed a week later with the
          lots rejected and the units eaten before the recall justified;
        - 53 days ago: mock recall of the puree lot of month 5;
        - 15 days ago, Fresh Market complains of a sour taste in the last lot of the history (QA held it).

        Runs before the demo's recalls of today, once.
        """
        held = self.env.ref("lot_traceability.lot_yogurt_at_risk_demo", raise_if_not_found=False)
        if not held or self.env["stock.lot.complaint"].search_count([("lot_id", "=", held.id)], limit=1):
            return self.env["stock.lot.recall"]
        ref = self.env.ref
        fresh, green, bakery = (
            ref(f"lot_traceability.partner_{name}_demo") for name in ("fresh_market", "green_basket", "city_bakery")
        )
        midnight = self._get_demo_history_day()

        def at(days_ago, hour, minute=0):
            return midnight - timedelta(days=days_ago) + timedelta(hours=hour, minutes=minute)

        recalled = ref("lot_traceability.lot_puree_recalled_demo")
        mock_milk = self._demo_mock_recall(
            ref("lot_traceability.lot_milk_mock_recall_demo"),
            "Mock recall drill: raw milk lot to every customer.",
            at(133, 11),
        )
        complaint_date = at(74, 9)
        with self._demo_at(complaint_date):
            complaint = self.env["stock.lot.complaint"].create(
                self._demo_complaint_vals(
                    ref("lot_traceability.lot_yogurt_bitter_demo"),
                    fresh,
                    complaint_date,
                    "quality",
                    "medium",
                    "Several customers find the apple yogurt bitter, with a mouldy aftertaste.",
                )
            )
            complaint.state = "investigating"
        with self._demo_at(at(70, 10)):
            recall = self.env["stock.lot.recall"].create(
                {
                    "lot_ids": [Command.set(recalled.ids)],
                    "reason": "Sunvale Orchards reports patulin above the legal limit in puree batch "
                    f"{recalled.supplier_lot_id.name}.",
                    "fda_class": "class_2",
                    "responsible_id": ref("base.user_admin").id,
                    "customer_instructions": (
                        "<p>Withdraw the apple yogurts of the lots listed from sale and tell us how many you still "
                        "hold: we collect them or you destroy them in store.</p>"
                    ),
                }
            )
        confirmed_at = at(69, 9)
        # The clock runs on while the scope is computed, for the time it took; confirmed at the minute planned.
        with self._demo_at(confirmed_at, tick=True):
            recall.action_confirm()
        with server_write("stock.lot.recall"):
            recall.write({"date_confirmed": confirmed_at, "scope_date": confirmed_at})
        with self._demo_at(at(69, 11)):
            mails_before = self.env["mail.mail"].sudo().search([], order="id desc", limit=1).id or 0
            recall.action_notify()
            # E-mailed months ago: the notices left then, as the mail queue records it (no mail server at install),
            # and nothing of them waits in today's mail queue (demo only; their messages stay).
            notices = self.env["mail.mail"].sudo().search([("id", ">", mails_before)])
            notices.write({"state": "sent"})
            notices._postprocess_sent_message(success_pids=notices.recipient_ids.ids)
            notices.exists().unlink()
        answers = {
            fresh: (at(69, 16, 20), "Claire Martin", 0, "Withdrawn from our shelves: none left."),
            green: (at(68, 10, 30), "Jonas Weber", 24, "24 cups in our Munich store, destroyed today."),
            bakery: (at(67, 9, 15), "Luc Peeters", 0, "All used in our desserts before the notice."),
        }
        for notification in recall.notification_ids:
            date, name, quantity, note = answers[notification.partner_id]
            with self._demo_at(date):
                notification._acknowledge(name, quantity, note)
        closed_at = at(62, 17)
        lots = recall.hold_ids.lot_id
        for lot in lots:
            self._demo_sign(
                lot,
                "reject",
                "Rejected: recalled, never to be used",
                closed_at,
                note=f"Recall {recall.name} closed",
            )
        with self._demo_at(closed_at):
            recall.action_close(
                justification=(
                    "The customers acknowledged: the other units were sold and eaten before the recall, Green "
                    "Basket destroyed its 24 cups in store (certificate on file)."
                ),
                lot_outcome="reject",
            )
            complaint.state = "closed"
        mock_puree = self._demo_mock_recall(
            ref("lot_traceability.lot_puree_mock_recall_demo"),
            "Mock recall drill: apple puree lot to every customer.",
            at(53, 11),
        )
        complaint_date = at(15, 11)
        with self._demo_at(complaint_date):
            self.env["stock.lot.complaint"].create(
                self._demo_complaint_vals(
                    held,
                    fresh,
                    complaint_date,
                    "quality",
                    "medium",
                    "Customers return cups of this lot: sour taste, ten days before the best-before date.",
                )
            ).state = "investigating"
        return mock_milk | recall | mock_puree

    @api.model
    def _demo_mock_recall(self, lot, reason, date):
        """A mock recall of ``lot`` run on ``date``: the clock runs on from ``date`` while it runs, so that its scope
        time is the one measured now; its scope is dated ``date``, to the minute planned."""
        with self._demo_at(date, tick=True):
            recall = self.env["stock.lot.recall"]._run_mock_recall(lot, reason)
        with server_write("stock.lot.recall"):
            # The drill is the administrator's, as every recall of the demo (not OdooBot's, who loads it).
            recall.write({"scope_date": date, "responsible_id": self.env.ref("base.user_admin").id})
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

    @api.model
    def _create_demo_complaints(self):
        """Three complaints within a fortnight on the lot of the latest demo delivery: the third alerts QA."""
        line = self.env["stock.move.line"].search(
            [
                ("state", "=", "done"),
                ("picking_code", "=", "outgoing"),
                ("lot_id", "!=", False),
                ("picking_id.partner_id", "!=", False),
            ],
            order="date desc, id desc",
            limit=1,
        )
        if not line:
            return self.env["stock.lot.complaint"]
        today = fields.Date.context_today(self)
        common = {
            "lot_id": line.lot_id.id,
            "picking_id": line.picking_id.id,
            "partner_id": line.picking_id.partner_id.id,
            "company_id": line.company_id.id,
        }
        return self.env["stock.lot.complaint"].create(
            [
                dict(
                    common,
                    date=today - timedelta(days=12),
                    category="quality",
                    severity="low",
                    description="A customer finds the yogurt sour two days before its best-before date.",
                ),
                dict(
                    common,
                    date=today - timedelta(days=5),
                    category="packaging",
                    severity="medium",
                    description="Three cups of the tray arrived with swollen lids.",
                ),
                dict(
                    common,
                    date=today,
                    category="illness",
                    severity="high",
                    description="A customer reports stomach ache after eating a yogurt of this lot.",
                ),
            ]
        )
