from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

COMPLAINT_THRESHOLD_PARAM = "lot_traceability_recall.complaint_threshold"
COMPLAINT_PERIOD_PARAM = "lot_traceability_recall.complaint_period_days"
DEFAULT_COMPLAINT_THRESHOLD = 3
DEFAULT_COMPLAINT_PERIOD_DAYS = 30

COMPLAINT_CATEGORIES = [
    ("quality", "Taste, Smell or Texture"),
    ("foreign_body", "Foreign Body"),
    ("illness", "Illness or Allergic Reaction"),
    ("packaging", "Damaged Packaging"),
    ("labelling", "Labelling"),
    ("expiry", "Expired or Short-Dated"),
    ("other", "Other"),
]
COMPLAINT_SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]


class StockLotComplaint(models.Model):
    """A customer complaint about a lot. N complaints on one lot within a period (settings) raise one
    activity to QA, from which a mock recall of the lot is one click away."""

    _name = "stock.lot.complaint"
    _description = "Customer Complaint on a Lot"
    _inherit = ["mail.thread", "mail.activity.mixin", "stock.lot.copy.mixin"]
    _check_company_auto = True
    _order = "date desc, id desc"
    _lot_copy_fields = ("product_id", "supplier_id")

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, tracking=True, check_company=True, index=True
    )
    lot_id = fields.Many2one(
        "stock.lot", required=True, tracking=True, check_company=True, index=True, ondelete="restrict"
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    supplier_id = fields.Many2one(
        "res.partner",
        related="lot_id.supplier_lot_id.partner_id",
        store=True,
        string="Supplier",
        help="The supplier of the lot, for the complaints per supplier.",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        "Delivery",
        check_company=True,
        domain="[('state', '=', 'done'), ('picking_type_code', '=', 'outgoing'), "
        "('move_line_ids.lot_id', '=', lot_id)]",
        help="The delivery that brought the lot to the customer.",
    )
    category = fields.Selection(COMPLAINT_CATEGORIES, required=True, default="quality", tracking=True)
    description = fields.Text()
    severity = fields.Selection(COMPLAINT_SEVERITIES, required=True, default="medium", tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    state = fields.Selection(
        [("new", "New"), ("investigating", "Investigating"), ("closed", "Closed")],
        default="new",
        required=True,
        tracking=True,
    )
    is_threshold_alert = fields.Boolean(
        "Raised the Alert",
        readonly=True,
        copy=False,
        help="This complaint brought its lot to the number of complaints within the period that alerts QA.",
    )
    recall_id = fields.Many2one("stock.lot.recall", "Mock Recall", readonly=True, copy=False, check_company=True)

    @api.depends("lot_id", "partner_id")
    def _compute_display_name(self):
        for complaint in self:
            complaint.display_name = self.env._(
                "%(lot)s - %(customer)s", lot=complaint.lot_id.name or "", customer=complaint.partner_id.name or ""
            )

    @api.constrains("picking_id", "lot_id")
    def _check_picking_delivers_lot(self):
        for complaint in self.filtered("picking_id"):
            picking = complaint.picking_id
            if (
                picking.state != "done"
                or picking.picking_type_code != "outgoing"
                or complaint.lot_id not in picking.move_line_ids.lot_id
            ):
                raise ValidationError(
                    self.env._(
                        "Delivery %(picking)s did not deliver lot %(lot)s: choose a done delivery of that lot.",
                        picking=picking.name,
                        lot=complaint.lot_id.name,
                    )
                )

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.picking_id and self.lot_id not in self.picking_id.move_line_ids.lot_id:
            self.picking_id = False

    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        complaints._check_complaint_threshold()
        return complaints

    @api.model
    def _get_complaint_rule(self):
        """(threshold, period in days) from the settings."""
        params = self.env["ir.config_parameter"].sudo()
        threshold = int(params.get_param(COMPLAINT_THRESHOLD_PARAM, DEFAULT_COMPLAINT_THRESHOLD))
        period = int(params.get_param(COMPLAINT_PERIOD_PARAM, DEFAULT_COMPLAINT_PERIOD_DAYS))
        return max(threshold, 1), max(period, 1)

    def _check_complaint_threshold(self):
        """Raise one activity to QA per lot whose complaints within the period reach the threshold, on the
        complaint that reaches it; later complaints within the same period raise none."""
        threshold, period = self._get_complaint_rule()
        since = fields.Date.context_today(self) - timedelta(days=period - 1)
        recent = self.filtered(lambda complaint: complaint.date >= since)
        if not recent:
            return
        # Server side: a stock user files complaints but does not see or write the alert bookkeeping.
        Complaint = self.sudo()
        domain = [("lot_id", "in", recent.lot_id.ids), ("date", ">=", since)]
        counts = dict(Complaint._read_group(domain, ["lot_id"], ["__count"]))
        alerted = Complaint.search([*domain, ("is_threshold_alert", "=", True)]).lot_id
        for lot in recent.lot_id - alerted:
            if counts.get(lot, 0) >= threshold:
                complaint = recent.filtered(lambda c, lot=lot: c.lot_id == lot).sorted("id")[-1:]
                complaint.sudo()._raise_threshold_alert(counts[lot], period)

    def _raise_threshold_alert(self, count, period):
        self.ensure_one()
        self.is_threshold_alert = True
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=self._get_qa_responsible().id,
            summary=self.env._("Complaints on lot %(lot)s: consider a mock recall", lot=self.lot_id.name),
            note=self.env._(
                "%(count)s complaints on lot %(lot)s within %(period)s days. Open the complaint and click "
                "'Mock Recall' to see at once where the lot went.",
                count=count,
                lot=self.lot_id.name,
                period=period,
            ),
        )

    def _get_qa_responsible(self):
        """Who gets the complaint alert: the company's QA responsible (settings); else the product's responsible
        when that user works in QA; else a QA Manager of the company. Never the superuser (OdooBot), whom Odoo
        makes the responsible of the products created during an installation."""
        self.ensure_one()

        def usable(user):
            return (
                user
                and user.active
                and not user.share
                and not user._is_superuser()
                and self.company_id in user.company_ids
                and user.has_group("lot_traceability.group_qa_user")
            )

        company = self.company_id.sudo()
        if usable(company.lot_qa_responsible_id):
            return company.lot_qa_responsible_id
        responsible = self.lot_id.product_id.with_company(self.company_id).responsible_id
        if usable(responsible):
            return responsible
        managers = self.env.ref("lot_traceability.group_qa_manager").users.filtered(usable)
        return managers.sorted("id")[:1] or self.env.user

    def action_investigate(self):
        self.filtered(lambda complaint: complaint.state == "new").state = "investigating"

    def action_close(self):
        self.state = "closed"

    def action_reopen(self):
        self.state = "investigating"

    def action_mock_recall(self):
        """Run a mock recall of the complaints' lots (one per company) and open it."""
        if not self.env.user.has_group("lot_traceability.group_qa_user"):
            raise AccessError(self.env._("Only QA users can run a mock recall."))
        recalls = self.env["stock.lot.recall"]
        for company, complaints in self.grouped("company_id").items():
            recall = (
                self.env["stock.lot.recall"]
                .with_company(company)
                ._run_mock_recall(
                    complaints.lot_id,
                    reason=self.env._(
                        "Customer complaints on lot(s) %(lots)s", lots=", ".join(complaints.lot_id.mapped("name"))
                    ),
                )
            )
            complaints.recall_id = recall
            complaints.activity_feedback(
                ["mail.mail_activity_data_todo"],
                feedback=self.env._("Mock recall %(recall)s run.", recall=recall.name),
            )
            recalls |= recall
        action = self.env["ir.actions.act_window"]._for_xml_id("lot_traceability_recall.action_stock_lot_recall_mock")
        if len(recalls) == 1:
            action.update(res_id=recalls.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", recalls.ids)]
        return action

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
            return self
        today = fields.Date.context_today(self)
        common = {
            "lot_id": line.lot_id.id,
            "picking_id": line.picking_id.id,
            "partner_id": line.picking_id.partner_id.id,
            "company_id": line.company_id.id,
        }
        return self.create(
            [
                dict(
                    common,
                    date=today - timedelta(days=12),
                    category="quality",
                    severity="low",
                    description=self.env._("A customer finds the yogurt sour two days before its best-before date."),
                ),
                dict(
                    common,
                    date=today - timedelta(days=5),
                    category="packaging",
                    severity="medium",
                    description=self.env._("Three cups of the tray arrived with swollen lids."),
                ),
                dict(
                    common,
                    date=today,
                    category="illness",
                    severity="high",
                    description=self.env._("A customer reports stomach ache after eating a yogurt of this lot."),
                ),
            ]
        )
