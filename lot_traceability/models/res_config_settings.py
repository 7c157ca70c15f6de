from odoo import fields, models

DEFAULT_GS1_RESOLVER = "https://id.gs1.org"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lot_traceability_gs1_resolver = fields.Char(
        "GS1 Digital Link Resolver",
        config_parameter="lot_traceability.gs1_resolver",
        default=DEFAULT_GS1_RESOLVER,
        help="Domain of the GS1 Digital Link URIs printed in lot label QR codes, e.g. "
        "https://id.gs1.org or your own resolver such as https://id.example.com.",
    )
