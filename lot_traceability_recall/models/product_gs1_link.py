from odoo import api, fields, models
from odoo.exceptions import ValidationError

# GS1 Web Vocabulary link types a product page may point to (https://gs1.org/voc/?show=linktypes), those
# a brand publishes most. The resolver adds gs1:defaultLink and gs1:recallStatus itself.
GS1_LINK_TYPES = [
    ("gs1:pip", "Product information page"),
    ("gs1:certificationInfo", "Certification information"),
    ("gs1:instructions", "Instructions"),
    ("gs1:allergenInfo", "Allergen information"),
    ("gs1:nutritionalInfo", "Nutritional information"),
    ("gs1:safetyInfo", "Safety information"),
    ("gs1:sustainabilityInfo", "Sustainability information"),
    ("gs1:recipeInfo", "Recipe website"),
    ("gs1:support", "Support"),
    ("gs1:faqs", "FAQs"),
]


class ProductGs1Link(models.Model):
    """A link a product publishes on the GS1 resolver, beside the lot page Odoo answers itself."""

    _name = "product.gs1.link"
    _description = "GS1 Resolver Link"
    _order = "product_tmpl_id, sequence, id"

    sequence = fields.Integer(default=10)
    product_tmpl_id = fields.Many2one("product.template", "Product", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="product_tmpl_id.company_id", store=True, index=True)
    link_type = fields.Selection(
        GS1_LINK_TYPES,
        required=True,
        default="gs1:pip",
        help="The GS1 link type: a scanner app asks for it with ?linkType=..., and it is listed in the linkset.",
    )
    url = fields.Char(
        "URL", required=True, help="Public web address (https://...): anyone who scans the product may open it."
    )
    title = fields.Char(required=True, translate=True, help="Shown as the link's text on the public page.")
    lang = fields.Char("Language", help="ISO language code of the target (e.g. en, fr); empty when any.")

    @api.constrains("url")
    def _check_url(self):
        for link in self:
            if not (link.url or "").startswith(("https://", "http://")) or any(c.isspace() for c in link.url):
                raise ValidationError(
                    self.env._(
                        "The link %(title)s must be a web address starting with https:// (or http://), without "
                        "spaces; '%(url)s' is not.",
                        title=link.title or "",
                        url=link.url or "",
                    )
                )
