from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    gs1_resolver_published = fields.Boolean(related="company_id.gs1_resolver_published", readonly=False)
    gs1_resolver_contact = fields.Char(related="company_id.gs1_resolver_contact", readonly=False)
    gs1_resolver_recall_instructions = fields.Text(
        related="company_id.gs1_resolver_recall_instructions", readonly=False
    )
