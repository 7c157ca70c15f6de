from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import epcis


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    lot_traceability_gln = fields.Char(
        "GLN",
        size=13,
        help="GS1 Global Location Number of this warehouse: the read point and business location of its "
        "EPCIS events. Empty: the GLN of the warehouse's address, else none.",
    )

    @api.constrains("lot_traceability_gln")
    def _check_lot_traceability_gln(self):
        for warehouse in self:
            if warehouse.lot_traceability_gln and not epcis.gln13(warehouse.lot_traceability_gln):
                raise ValidationError(
                    self.env._(
                        "GLN %(gln)s of warehouse %(warehouse)s is not a valid 13-digit GLN (check the last digit).",
                        gln=warehouse.lot_traceability_gln,
                        warehouse=warehouse.name,
                    )
                )
