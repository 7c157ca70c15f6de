from odoo import api, fields, models
from odoo.addons.lot_traceability.tools.constraints import check_set_value

from ..tools import epcis


class ResPartner(models.Model):
    _inherit = "res.partner"

    lot_traceability_gln = fields.Char(
        "GLN",
        size=13,
        help="GS1 Global Location Number (13 digits): identifies this supplier's or customer's site as the "
        "source or destination of EPCIS events.",
    )

    send_coa_with_delivery = fields.Boolean(
        "Certificates of Analysis with Deliveries",
        help="Attach the certificate of analysis of every lot shipped to the delivery's confirmation e-mail.",
    )

    @api.constrains("lot_traceability_gln")
    def _check_lot_traceability_gln(self):
        check_set_value(
            self,
            "lot_traceability_gln",
            epcis.gln13,
            lambda partner: self.env._(
                "GLN %(gln)s of %(partner)s is not a valid 13-digit GLN (check the last digit).",
                gln=partner.lot_traceability_gln,
                partner=partner.display_name,
            ),
        )
