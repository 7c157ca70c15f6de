from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError


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

    lot_qa_responsible_id = fields.Many2one(
        "res.users",
        "QA Responsible",
        domain=lambda self: self._get_lot_qa_responsible_domain(),
        help="Who gets the activity when customer complaints on a lot reach the alert threshold. Empty: the lot's "
        "product responsible when that user is in QA, else a QA Manager of the company.",
    )

    @api.model
    def _get_lot_qa_responsible_domain(self):
        return [("share", "=", False), ("groups_id", "in", self.env.ref("lot_traceability.group_qa_user").ids)]

    @api.constrains("lot_qa_responsible_id")
    def _check_lot_qa_responsible(self):
        for company in self.filtered("lot_qa_responsible_id"):
            user = company.lot_qa_responsible_id
            if user.share or not user.has_group("lot_traceability.group_qa_user") or company not in user.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot be the QA responsible of %(company)s: choose an internal user of that "
                        "company with the QA User rights.",
                        user=user.name,
                        company=company.name,
                    )
                )

    # ------------------------------------------------------------------
    # GS1 resolver: the publishing companies, read on every scan, change rarely
    # ------------------------------------------------------------------

    @api.model
    @tools.ormcache()
    def _get_gs1_resolver_company_ids(self):
        """Ids of the active companies that publish their lots on the GS1 resolver, as a tuple (cached: every
        scan asks; creating, archiving, deleting or (un)publishing a company clears it in every worker)."""
        return tuple(self.sudo().search([("gs1_resolver_published", "=", True), ("active", "=", True)]).ids)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        if any(vals.get("gs1_resolver_published") for vals in vals_list):
            self.env.registry.clear_cache()
        return companies

    def write(self, vals):
        result = super().write(vals)
        if {"gs1_resolver_published", "active"} & vals.keys():
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        published = any(self.mapped("gs1_resolver_published"))
        result = super().unlink()
        if published:
            self.env.registry.clear_cache()
        return result
