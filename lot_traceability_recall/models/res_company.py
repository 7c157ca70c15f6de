from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    gs1_resolver_published = fields.Boolean(
        "Publish Lots on the GS1 Resolver",
        help="Anyone who scans the QR code of a lot label of this company (its GS1 Digital Link) sees a public "
        "page with the product, the lot, its expiry and whether it is recalled. Off: every scan of its lots "
        "answers 'not found'.",
    )
    gs1_resolver_contact = fields.Char(
        "Public Contact for Recalls",
        help="Shown on the public page of a recalled lot, e.g. a consumer hotline, an e-mail or a web address.",
    )
    gs1_resolver_recall_instructions = fields.Text(
        "Public Recall Instructions",
        translate=True,
        default=lambda self: self.env._(
            "Do not use or consume this product. Keep it apart and return it to the place of purchase, or contact us."
        ),
        help="What a consumer who scans a recalled lot must do; shown on the public page of the lot.",
    )
