from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    lot_traceability_ftl = fields.Boolean(
        "Food Traceability List",
        help="On the FDA Food Traceability List (21 CFR 1.1300): its critical tracking events go into the "
        "FSMA 204 sortable spreadsheet, which exports only flagged products by default.",
    )
