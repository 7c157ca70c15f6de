from odoo import fields, models
from odoo.addons.lot_traceability.tools import gs1
from odoo.exceptions import UserError

from .stock_lot_recall import OPEN_RECALL_STATES


class StockLot(models.Model):
    _inherit = "stock.lot"

    complaint_count = fields.Integer(
        compute="_compute_complaint_count", string="Complaints", groups="stock.group_stock_user"
    )

    recall_count = fields.Integer(
        compute="_compute_recall_ids",
        string="Recalls",
        groups="stock.group_stock_user",
        help="Recalls and mock recalls (drills) whose scope holds this lot, cancelled ones left out.",
    )
    open_recall_ids = fields.Many2many(
        "stock.lot.recall",
        compute="_compute_recall_ids",
        string="Open Recalls",
        groups="stock.group_stock_user",
        help="Real recalls of this lot not closed yet: confirmed, notified or recovering.",
    )

    def _compute_recall_ids(self):
        recalls = self.env["stock.lot.recall"].search(
            [("affected_lot_ids", "in", self.ids), ("state", "!=", "cancelled")]
        )
        for lot in self:
            lot_recalls = recalls.filtered(lambda recall, lot=lot: lot in recall.affected_lot_ids)
            lot.recall_count = len(lot_recalls)
            lot.open_recall_ids = lot_recalls.filtered(
                lambda recall: not recall.is_mock and recall.state in OPEN_RECALL_STATES
            )

    def action_view_recalls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lot_traceability_recall.action_stock_lot_recall")
        action.update(domain=[("affected_lot_ids", "in", self.ids), ("state", "!=", "cancelled")], context={})
        return action

    def _compute_complaint_count(self):
        counts = dict(
            self.env["stock.lot.complaint"]._read_group([("lot_id", "in", self.ids)], ["lot_id"], ["__count"])
        )
        for lot in self:
            lot.complaint_count = counts.get(lot, 0)

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lot_traceability_recall.action_stock_lot_complaint")
        action.update(
            domain=[("lot_id", "=", self.id)],
            context={"default_lot_id": self.id, "default_company_id": self.company_id.id},
        )
        return action

    def _get_gs1_digital_link_root(self):
        """A company that answers the scans of its lots (GS1 resolver published) prints labels that lead to this
        database, unless the settings name a resolver of its own (e.g. a proxy in front of Odoo); a company that
        does not answers no scan, so its labels never point here but to GS1's resolver."""
        root = super()._get_gs1_digital_link_root()
        company = (self.company_id or self.env.company).sudo()
        here = self.get_base_url().rstrip("/")
        if company.gs1_resolver_published:
            return here if root.rstrip("/") == gs1.DEFAULT_RESOLVER else root
        return gs1.DEFAULT_RESOLVER if root.rstrip("/") == here else root

    def _lock_for_recall(self, lots):
        lots._lock_or_raise(
            self.env._(
                "Some of the lots are being changed by another user right now (a delivery, a signature or "
                "another recall). Try again in a moment."
            )
        )

    def qc_sign(self, decision, meaning, password, note=None, override_reason=None):
        if decision == "release":
            holds = (
                self.env["stock.lot.recall.hold"]
                .sudo()
                .search(
                    [
                        ("lot_id", "in", self.ids),
                        ("recall_id.state", "in", OPEN_RECALL_STATES),
                    ]
                )
            )
            if holds:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s are held by open recall %(recalls)s: close or cancel the recall before "
                        "releasing them.",
                        lots=", ".join(holds.lot_id.mapped("name")),
                        recalls=", ".join(holds.recall_id.mapped("name")),
                    )
                )
        return super().qc_sign(decision, meaning, password, note=note, override_reason=override_reason)

    def _get_expected_qc_states(self):
        """Recalls decide too: a lot held by an open recall is on hold; a recall closed after the lot's
        last signature left it rejected or on hold, as its outcome says."""
        expected = super()._get_expected_qc_states()
        holds = self.env["stock.lot.recall.hold"].sudo().search([("lot_id", "in", self.ids)])
        for hold in holds.sorted(lambda hold: hold.recall_id.date_confirmed or hold.recall_id.create_date):
            recall, decided_at = hold.recall_id, expected[hold.lot_id.id][1]
            if not recall.date_confirmed or recall.date_confirmed < decided_at:
                continue  # a signature made after the recall held the lot decides
            if recall.state in OPEN_RECALL_STATES:
                expected[hold.lot_id.id] = ("on_hold", recall.date_confirmed)
            elif recall.state == "closed":
                outcome = "rejected" if recall.lot_outcome == "reject" else "on_hold"
                expected[hold.lot_id.id] = (outcome, recall.date_closed)
            elif recall.state == "cancelled":
                expected[hold.lot_id.id] = (hold.previous_qc_state, recall.write_date)
        return expected

    def action_open_recall_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Launch a Recall"),
            "res_model": "stock.lot.recall.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "stock.lot", "active_ids": self.ids},
        }
