from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    recall_drill_target_minutes = fields.Integer(related="company_id.recall_drill_target_minutes", readonly=False)
    recall_drill_tolerance_min = fields.Float(related="company_id.recall_drill_tolerance_min", readonly=False)
    recall_drill_tolerance_max = fields.Float(related="company_id.recall_drill_tolerance_max", readonly=False)
