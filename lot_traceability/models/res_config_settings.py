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
    lot_traceability_expiry_risk_demand_days = fields.Integer(
        "Expiry Risk Demand Window (Days)",
        config_parameter="lot_traceability.expiry_risk_demand_days",
        default=90,
        help="The expiry-risk forecast takes a product's daily demand from its outgoing quantity (to customers and "
        "to production) over this many past days.",
    )
    lot_traceability_expiry_risk_value_threshold = fields.Float(
        "Expiry Risk Activity Threshold",
        config_parameter="lot_traceability.expiry_risk_value_threshold",
        default=500.0,
        help="A lot whose value at risk reaches this amount gets an activity for the product's responsible.",
    )
