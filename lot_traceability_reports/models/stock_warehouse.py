from odoo import api, fields, models
from odoo.addons.lot_traceability.tools.constraints import check_set_value

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
        check_set_value(
            self,
            "lot_traceability_gln",
            epcis.gln13,
            lambda warehouse: self.env._(
                "GLN %(gln)s of warehouse %(warehouse)s is not a valid 13-digit GLN (check the last digit).",
                gln=warehouse.lot_traceability_gln,
                warehouse=warehouse.name,
            ),
        )
