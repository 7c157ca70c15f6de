from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    lot_numbering_rule_id = fields.Many2one(
        "stock.lot.numbering.rule",
        help="Names new lots of this category's products (and of its sub-categories') when no "
        "name is given. A rule on the product itself takes precedence.",
    )

    qc_release_required = fields.Boolean(
        "Requires QC Release",
        help="Lots of this category's products (and of its sub-categories') need a signed QC release.",
    )

    def _get_lot_numbering_rule(self):
        """The rule of this category, else of the nearest parent category that has one."""
        self.ensure_one()
        category = self
        while category and not category.lot_numbering_rule_id:
            category = category.parent_id
        return category.lot_numbering_rule_id
