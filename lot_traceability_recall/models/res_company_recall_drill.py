from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    recall_drill_target_minutes = fields.Integer(
        "Recall Drill Target (Minutes)",
        default=120,
        help="A drill passes when it is concluded within this time of its start (a common internal target: 2 h; "
        "BRCGS and SQF auditors expect 4 h).",
    )
    recall_drill_tolerance_min = fields.Float(
        "Drill Reconciliation From (%)", default=99.5, digits=(16, 1), help="BRCGS and SQF: 99.5 %."
    )
    recall_drill_tolerance_max = fields.Float(
        "Drill Reconciliation To (%)", default=104.0, digits=(16, 1), help="BRCGS and SQF: 104 %."
    )

    @api.constrains("recall_drill_target_minutes", "recall_drill_tolerance_min", "recall_drill_tolerance_max")
    def _check_recall_drill_target(self):
        for company in self:
            if company.recall_drill_target_minutes <= 0:
                raise ValidationError(self.env._("The recall drill target must be at least one minute."))
            if not 0 < company.recall_drill_tolerance_min <= 100 <= company.recall_drill_tolerance_max:
                raise ValidationError(
                    self.env._(
                        "The drill's reconciliation tolerance must include 100 %: from at most 100 % to at least "
                        "100 % (BRCGS and SQF: 99.5 % to 104 %)."
                    )
                )
