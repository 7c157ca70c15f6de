from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    lot_traceability_gln = fields.Char(
        "GLN",
        related="partner_id.lot_traceability_gln",
        readonly=False,
        help="GS1 Global Location Number of the company: the sender and the business location of its EPCIS "
        "events (warehouses may have their own).",
    )
    lot_traceability_gs1_prefix_length = fields.Integer(
        "GS1 Company Prefix Length",
        default=7,
        help="Digits of the GS1 company prefix in your GTINs and GLNs (6 to 12, see your GS1 membership): "
        "EPCIS lot classes (urn:epc:class:lgtin) and locations (urn:epc:id:sgln) split the numbers there.",
    )

    @api.constrains("lot_traceability_gs1_prefix_length")
    def _check_lot_traceability_gs1_prefix_length(self):
        for company in self:
            if not 6 <= company.lot_traceability_gs1_prefix_length <= 12:
                raise ValidationError(
                    self.env._(
                        "A GS1 company prefix has 6 to 12 digits, not %(length)s.",
                        length=company.lot_traceability_gs1_prefix_length,
                    )
                )

    lot_dates_on_customer_documents = fields.Boolean(
        "Lot Dates on Customer Documents",
        default=True,
        help="Invoices and delivery slips of this company print, beside each lot, its expiration date (use by) "
        "or, for a product without one, its best-before date. Whether lots are printed at all is Odoo's "
        "option (Display Lots & Serial Numbers on Invoices / on Delivery Slips).",
    )
