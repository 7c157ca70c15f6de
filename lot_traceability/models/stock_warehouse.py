from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    qc_quarantine_location_id = fields.Many2one(
        "stock.location",
        "QC Quarantine Location",
        check_company=True,
        domain="[('usage', '=', 'internal'), ('warehouse_id', '=', id)]",
        help="Lots of products that require QC release are put away here on receipt, until released.",
    )
