from odoo import api, fields, models
from odoo.exceptions import AccessError


class ProductCategory(models.Model):
    _inherit = "product.category"

    lot_numbering_rule_id = fields.Many2one(
        "stock.lot.numbering.rule",
        help="Names new lots of this category's products (and of its sub-categories') when no "
        "name is given. A rule on the product itself takes precedence.",
    )

    qc_release_required = fields.Boolean(
        "Requires QC Release",
        help="Lots of this category's products (and of its sub-categories') need a signed QC release. Only "
        "QA Managers change it; lots already created keep the requirement they had.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("qc_release_required") for vals in vals_list):
            self._check_qc_release_required_access()
        return super().create(vals_list)

    def write(self, vals):
        if "qc_release_required" in vals:
            self._check_qc_release_required_access()
        return super().write(vals)

    @api.model
    def _check_qc_release_required_access(self):
        """Whether lots need a signed release is QA's decision (the products' and the categories' flag)."""
        if not (self.env.su or self.env.user.has_group("lot_traceability.group_qa_manager")):
            raise AccessError(self.env._("Only QA Managers may change whether products require a QC release."))

    def _get_lot_numbering_rule(self):
        """The rule of this category, else of the nearest parent category that has one."""
        self.ensure_one()
        category = self
        while category and not category.lot_numbering_rule_id:
            category = category.parent_id
        return category.lot_numbering_rule_id
