from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .stock_lot_complaint import (
    COMPLAINT_PERIOD_PARAM,
    COMPLAINT_THRESHOLD_PARAM,
    DEFAULT_COMPLAINT_PERIOD_DAYS,
    DEFAULT_COMPLAINT_THRESHOLD,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    gs1_resolver_published = fields.Boolean(related="company_id.gs1_resolver_published", readonly=False)
    gs1_resolver_contact = fields.Char(related="company_id.gs1_resolver_contact", readonly=False)
    gs1_resolver_recall_instructions = fields.Text(
        related="company_id.gs1_resolver_recall_instructions", readonly=False
    )
    lot_qa_responsible_id = fields.Many2one(
        related="company_id.lot_qa_responsible_id",
        readonly=False,
        domain=lambda self: self._get_lot_qa_responsible_domain(),
    )
    lot_complaint_threshold = fields.Integer(
        "Complaints Alerting QA",
        config_parameter=COMPLAINT_THRESHOLD_PARAM,
        default=DEFAULT_COMPLAINT_THRESHOLD,
        help="This many complaints on one lot within the period raise an activity to QA with a mock recall.",
    )
    lot_complaint_period_days = fields.Integer(
        "Complaint Period (Days)",
        config_parameter=COMPLAINT_PERIOD_PARAM,
        default=DEFAULT_COMPLAINT_PERIOD_DAYS,
        help="The number of days, today included, over which the complaints on a lot are counted.",
    )

    @api.model
    def _get_lot_qa_responsible_domain(self):
        return self.env["res.company"]._get_lot_qa_responsible_domain()

    @api.constrains("lot_complaint_threshold", "lot_complaint_period_days")
    def _check_lot_complaint_rule(self):
        for settings in self:
            if settings.lot_complaint_threshold <= 0 or settings.lot_complaint_period_days <= 0:
                raise ValidationError(
                    self.env._("The number of complaints and the period that alert QA must both be at least 1.")
                )
