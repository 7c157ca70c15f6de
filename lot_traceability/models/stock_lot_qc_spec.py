from odoo import api, fields, models
from odoo.exceptions import ValidationError

QC_VALUE_TYPES = [("numeric", "Numeric range"), ("text", "Expected text"), ("boolean", "Pass / fail")]


class StockLotQcSpec(models.Model):
    """The tests a lot of a product (or of a category) must go through before release."""

    _name = "stock.lot.qc.spec"
    _description = "QC Specification"
    _check_company_auto = True
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    product_tmpl_id = fields.Many2one("product.template", "Product", index=True, check_company=True)
    categ_id = fields.Many2one("product.category", "Product Category", index=True)
    line_ids = fields.One2many("stock.lot.qc.spec.line", "spec_id", "Tests", copy=True)

    @api.constrains("product_tmpl_id", "categ_id")
    def _check_target(self):
        for spec in self:
            if bool(spec.product_tmpl_id) == bool(spec.categ_id):
                raise ValidationError(
                    self.env._(
                        "Specification %(spec)s applies to a product or to a category: set one of the two.",
                        spec=spec.name,
                    )
                )

    @api.model
    def _get_for_products(self, products):
        """The specification of each product: its own, else its category's or a parent category's."""
        specs = self.search(["|", ("product_tmpl_id", "in", products.product_tmpl_id.ids), ("categ_id", "!=", False)])
        by_template = {spec.product_tmpl_id.id: spec for spec in specs if spec.product_tmpl_id}
        by_category = {spec.categ_id.id: spec for spec in specs if spec.categ_id}
        result = {}
        for product in products:
            spec = by_template.get(product.product_tmpl_id.id)
            category = product.categ_id
            while not spec and category:
                spec = by_category.get(category.id)
                category = category.parent_id
            result[product.id] = spec or self.browse()
        return result


class StockLotQcSpecLine(models.Model):
    _name = "stock.lot.qc.spec.line"
    _description = "QC Specification Test"
    _order = "spec_id, sequence, id"

    spec_id = fields.Many2one("stock.lot.qc.spec", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Test", required=True, translate=True)
    method = fields.Char(help="Reference of the test method, e.g. ISO 11290-1.")
    unit = fields.Char(help="Unit of the measured value, e.g. cfu/g or pH.")
    value_type = fields.Selection(QC_VALUE_TYPES, default="numeric", required=True)
    min_value = fields.Float("Minimum")
    max_value = fields.Float("Maximum")
    expected_text = fields.Char("Expected Result")
    mandatory = fields.Boolean(default=True, help="Release needs this test passed.")

    @api.constrains("min_value", "max_value", "value_type")
    def _check_range(self):
        for line in self:
            if line.value_type == "numeric" and line.min_value > line.max_value:
                raise ValidationError(self.env._("Test %(test)s: the minimum is above the maximum.", test=line.name))
