from odoo import api, fields, models

from ..tools import gs1


class ProductTemplate(models.Model):
    _inherit = "product.template"

    lot_numbering_rule_id = fields.Many2one(
        "stock.lot.numbering.rule",
        help="Names new lots of this product on receipts and manufacturing orders when no name "
        "is given. Empty: the rule of the product category applies.",
    )

    qc_release_required = fields.Boolean(
        "Requires QC Release",
        help="New lots start Pending Release and cannot be reserved, consumed or shipped until a QA "
        "manager signs their release. Also set on the product category. Only QA Managers change it; "
        "lots already created keep the requirement they had.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("qc_release_required") for vals in vals_list):
            self.env["product.category"]._check_qc_release_required_access()
        return super().create(vals_list)

    def write(self, vals):
        if "qc_release_required" in vals:
            self.env["product.category"]._check_qc_release_required_access()
        return super().write(vals)


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _requires_qc_release(self):
        if not self:  # a lot being created in a form before its product is chosen
            return False
        self.ensure_one()
        if self.qc_release_required:
            return True
        category = self.categ_id
        while category:
            if category.qc_release_required:
                return True
            category = category.parent_id
        return False

    def _get_lot_numbering_rule(self):
        self.ensure_one()
        return self.lot_numbering_rule_id or self.categ_id._get_lot_numbering_rule()

    def _get_gs1_gtin(self):
        """The product's barcode as a 14-digit GTIN, or False when it is not a valid GTIN."""
        self.ensure_one()
        if not self.barcode:
            return False
        try:
            return gs1.normalize_gtin(self.barcode)
        except gs1.GS1Error:
            return False
