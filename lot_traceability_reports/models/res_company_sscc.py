from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class ResCompany(models.Model):
    """SSCC settings of a company: the extension digit and whether put in pack assigns SSCCs; the GS1
    company prefix is the first digits of the company's GLN (its GS1 settings: GLN and prefix length)."""

    _inherit = "res.company"

    lot_traceability_sscc_extension_digit = fields.Integer(
        "SSCC Extension Digit",
        default=0,
        help="First digit of the SSCCs this company assigns (0 to 9, chosen freely: e.g. one per site or per "
        "year, to have more serial references).",
    )
    lot_traceability_sscc_on_put_in_pack = fields.Boolean(
        "SSCC on Put in Pack",
        help="Every package made with Put in Pack gets an SSCC at once (otherwise: Assign SSCC on the package).",
    )

    @api.constrains("lot_traceability_sscc_extension_digit")
    def _check_lot_traceability_sscc_extension_digit(self):
        for company in self:
            if not 0 <= company.lot_traceability_sscc_extension_digit <= 9:
                raise ValidationError(
                    self.env._(
                        "The SSCC extension digit is one digit, 0 to 9, not %(digit)s.",
                        digit=company.lot_traceability_sscc_extension_digit,
                    )
                )

    def _get_lot_traceability_gs1_company_prefix(self):
        """The GS1 company prefix: the first prefix-length digits of the company's GLN; a UserError says
        what to set when the GLN is missing."""
        self.ensure_one()
        gln = self.lot_traceability_gln or ""
        if not gln:
            raise UserError(
                self.env._(
                    "Company %(company)s has no GLN: an SSCC starts with the GS1 company prefix, read from the GLN. "
                    "Set the GLN and the GS1 company prefix length in Inventory > Configuration > Settings "
                    "(GS1 identifiers).",
                    company=self.display_name,
                )
            )
        return gln[: self.lot_traceability_gs1_prefix_length]
