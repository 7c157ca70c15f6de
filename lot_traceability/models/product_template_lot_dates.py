from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    """Dates of the product's lots besides the shelf life: retest dates, expiry carried from the components."""

    _inherit = "product.template"

    use_retest_date = fields.Boolean(
        "Retest Dates",
        help="Lots of this product get a retest date (production or receipt date plus the retest interval, not after "
        "their expiry). From that day on a lot is treated as pending release until QA signs its release again.",
    )
    retest_interval = fields.Integer(
        help="Days from a lot's production (or receipt) to its first retest, and from each signed retest release "
        "to the next.",
    )
    expiry_from_components = fields.Boolean(
        help="A lot made of this product expires with the earliest-expiring component lot the manufacturing order "
        "consumed (minus the margin), instead of its production date plus the expiration time. Its best-before, "
        "removal and alert dates follow, as for any expiration date.",
    )
    expiry_component_margin = fields.Integer(
        "Component Expiry Margin",
        help="Days taken off the earliest expiration date of the consumed component lots.",
    )

    @api.constrains("use_retest_date", "retest_interval")
    def _check_retest_interval(self):
        for template in self.filtered("use_retest_date"):
            if template.retest_interval <= 0:
                raise ValidationError(
                    self.env._(
                        "Product %(product)s: its retest interval must be a positive number of days (it is %(days)s).",
                        product=template.display_name,
                        days=template.retest_interval,
                    )
                )

    @api.constrains("expiry_from_components", "expiry_component_margin", "tracking", "use_expiration_date")
    def _check_expiry_from_components(self):
        for template in self.filtered("expiry_from_components"):
            if template.tracking == "none" or not template.use_expiration_date:
                raise ValidationError(
                    self.env._(
                        "Product %(product)s takes its expiry from its components: it must be tracked by lots or "
                        "serial numbers and use expiration dates.",
                        product=template.display_name,
                    )
                )
            if not template.bom_ids:
                raise ValidationError(
                    self.env._(
                        "Product %(product)s takes its expiry from its components, but it has no bill of materials: "
                        "only a manufactured product has components. Add its bill of materials first.",
                        product=template.display_name,
                    )
                )
            if template.expiry_component_margin < 0:
                raise ValidationError(
                    self.env._(
                        "Product %(product)s: the component expiry margin is days taken off the components' "
                        "expiry; it cannot be negative (%(days)s).",
                        product=template.display_name,
                        days=template.expiry_component_margin,
                    )
                )
