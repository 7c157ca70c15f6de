from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .stock_lot_qc_check import format_number, format_range

REQUIREMENT_TYPES = [
    ("qc", "QC Result Within Limits"),
    ("supplier", "Approved Suppliers"),
    ("origin", "Approved Origins"),
]


class ResPartnerLotSpec(models.Model):
    """One requirement of a customer's lot specification: the lots it accepts (batch determination).

    Kept on the customer's commercial partner; its contacts and addresses use the company's. Automatic
    reservation takes only lots that meet every requirement applying to the product, *Why these lots?*
    names the one a lot fails, and a delivery never ships such a lot to that customer
    (``stock.lot._get_delivery_refusals``, rule ``spec``).
    """

    _name = "res.partner.lot.spec"
    _description = "Customer Lot Requirement"
    _order = "partner_id, sequence, id"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Deliveries of this company apply the requirement; empty: every company's.",
    )
    requirement = fields.Selection(REQUIREMENT_TYPES, required=True, default="qc")
    product_tmpl_id = fields.Many2one(
        "product.template",
        "Product",
        check_company=True,
        help="Only lots of this product. Empty: every product of the category, or, with no category either, "
        "every product whose QC specification has the test (QC requirement) or every product (others).",
    )
    categ_id = fields.Many2one("product.category", "Product Category", help="Only lots of products of this category.")
    spec_line_id = fields.Many2one(
        "stock.lot.qc.spec.line",
        "QC Test",
        ondelete="restrict",
        help="The test of the QC specifications whose signed result must be within the customer's limits.",
    )
    value_type = fields.Selection(related="spec_line_id.value_type")
    unit = fields.Char(related="spec_line_id.unit")
    min_value = fields.Float("Minimum", help="Numeric tests: the lowest result the customer accepts.")
    max_value = fields.Float("Maximum", help="Numeric tests: the highest result the customer accepts.")
    supplier_ids = fields.Many2many(
        "res.partner",
        "res_partner_lot_spec_supplier_rel",
        "spec_id",
        "partner_id",
        "Suppliers",
        help="Approved suppliers: lots received from other suppliers, or made in house, are refused.",
    )
    country_ids = fields.Many2many(
        "res.country",
        "res_partner_lot_spec_country_rel",
        "spec_id",
        "country_id",
        "Countries of Origin",
        help="Approved origins: the country of the supplier the lot was received from.",
    )

    @api.depends("requirement", "spec_line_id", "min_value", "max_value", "supplier_ids", "country_ids")
    def _compute_display_name(self):
        for spec in self:
            spec.display_name = spec._get_requirement_display()

    @api.constrains(
        "requirement", "spec_line_id", "min_value", "max_value", "supplier_ids", "country_ids", "partner_id"
    )
    def _check_requirement(self):
        for spec in self:
            partner = spec.partner_id.display_name
            if spec.partner_id != spec.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: lot specifications are set on the company (%(company)s); its contacts and "
                        "addresses use the company's.",
                        partner=partner,
                        company=spec.partner_id.commercial_partner_id.display_name,
                    )
                )
            if spec.requirement == "qc" and not spec.spec_line_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: a QC requirement needs the QC test whose results must be within limits. "
                        "Choose the test.",
                        partner=partner,
                    )
                )
            if spec.requirement == "qc" and spec.value_type == "numeric" and spec.min_value > spec.max_value:
                raise ValidationError(
                    self.env._(
                        "%(partner)s, test %(test)s: the minimum (%(min)s) is above the maximum (%(max)s).",
                        partner=partner,
                        test=spec.spec_line_id.name,
                        min=format_number(spec.min_value),
                        max=format_number(spec.max_value),
                    )
                )
            if spec.requirement == "supplier" and not spec.supplier_ids:
                raise ValidationError(
                    self.env._("%(partner)s: list the approved suppliers of the requirement.", partner=partner)
                )
            if spec.requirement == "origin" and not spec.country_ids:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: list the approved countries of origin of the requirement.", partner=partner
                    )
                )

    @api.onchange("spec_line_id")
    def _onchange_spec_line_id(self):
        """Start from the limits of the house specification; the customer's are usually narrower."""
        if self.spec_line_id and self.spec_line_id.value_type == "numeric":
            self.min_value = self.spec_line_id.min_value
            self.max_value = self.spec_line_id.max_value

    # ------------------------------------------------------------------
    # Which lots meet the requirement
    # ------------------------------------------------------------------

    def _applies_to(self, product, company, specs):
        """Whether this requirement applies to lots of ``product`` delivered by ``company``.

        :param specs: the QC specification of each product id (``stock.lot.qc.spec._get_for_products``)
        """
        self.ensure_one()
        if self.company_id and self.company_id != company:
            return False
        if self.product_tmpl_id:
            return product.product_tmpl_id == self.product_tmpl_id
        if self.categ_id:
            return product.categ_id.parent_path.startswith(self.categ_id.parent_path)
        if self.requirement == "qc":
            return any(self._matches_check(line) for line in specs[product.id].line_ids)
        return True

    def _matches_check(self, check):
        """Whether ``check`` (a lot's check or a specification test) is this requirement's test."""
        line = self.spec_line_id
        return check == line or check.name == line.name or getattr(check, "spec_line_id", None) == line

    def _get_lot_domain(self):
        """The domain of the lots (``stock.lot``) that meet this requirement."""
        self.ensure_one()
        if self.requirement == "supplier":
            return [
                ("supplier_lot_id.partner_id.commercial_partner_id", "in", self.supplier_ids.commercial_partner_id.ids)
            ]
        if self.requirement == "origin":
            return [("supplier_lot_id.partner_id.commercial_partner_id.country_id", "in", self.country_ids.ids)]
        # A result counts once signed: the lot is released with a signature, which froze its checks.
        check_domain = [
            "|",
            ("spec_line_id", "=", self.spec_line_id.id),
            ("name", "=", self.spec_line_id.name),
            ("is_measured", "=", True),
        ]
        if self.value_type == "numeric":
            check_domain += [
                ("value_type", "=", "numeric"),
                ("measured_value", ">=", self.min_value),
                ("measured_value", "<=", self.max_value),
            ]
        else:
            check_domain += [("result", "=", "pass")]
        return [
            ("qc_state", "=", "released"),
            ("qc_signature_ids", "!=", False),
            ("qc_check_ids", "any", check_domain),
        ]

    def _get_limits_display(self):
        """The customer's limits as people read them: "3 \N{EN DASH} 3.5 %", "pass", "Absent"."""
        self.ensure_one()
        if self.value_type == "numeric":
            return format_range(self.min_value, self.max_value, self.unit)
        if self.value_type == "text":
            return self.spec_line_id.expected_text or ""
        return self.env._("pass")

    def _get_requirement_display(self):
        self.ensure_one()
        if self.requirement == "supplier":
            return self.env._("Suppliers: %(suppliers)s", suppliers=", ".join(self.supplier_ids.mapped("name")))
        if self.requirement == "origin":
            return self.env._("Origins: %(countries)s", countries=", ".join(self.country_ids.mapped("name")))
        return self.env._("%(test)s: %(limits)s", test=self.spec_line_id.name or "", limits=self._get_limits_display())

    def _explain_refusal(self, lot):
        """Why ``lot`` fails this requirement, e.g. "fat 3.7 % outside 3 \N{EN DASH} 3.5 % required by Dairy Co"."""
        self.ensure_one()
        partner = self.partner_id.display_name
        if self.requirement == "supplier":
            supplier = lot.supplier_lot_id.partner_id.commercial_partner_id
            if not supplier:
                return self.env._(
                    "no supplier: %(partner)s accepts only lots from %(suppliers)s",
                    partner=partner,
                    suppliers=", ".join(self.supplier_ids.mapped("name")),
                )
            return self.env._(
                "supplier %(supplier)s not approved by %(partner)s", supplier=supplier.name, partner=partner
            )
        if self.requirement == "origin":
            country = lot.supplier_lot_id.partner_id.commercial_partner_id.country_id
            if not country:
                return self.env._(
                    "origin unknown: %(partner)s accepts only lots from %(countries)s",
                    partner=partner,
                    countries=", ".join(self.country_ids.mapped("name")),
                )
            return self.env._("origin %(country)s not approved by %(partner)s", country=country.name, partner=partner)
        test = self.spec_line_id.name
        signed = lot.qc_state == "released" and lot.qc_signature_ids
        check = lot.qc_check_ids.filtered(lambda check: check.is_measured and self._matches_check(check))[:1]
        if not signed or not check:
            return self.env._("no signed result for %(test)s, required by %(partner)s", test=test, partner=partner)
        if self.value_type == "numeric" and check.value_type == "numeric":
            return self.env._(
                "%(test)s %(value)s outside %(limits)s required by %(partner)s",
                test=test,
                value=format_number(check.measured_value) + (f" {self.unit}" if self.unit else ""),
                limits=self._get_limits_display(),
                partner=partner,
            )
        return self.env._(
            "%(test)s %(value)s: %(partner)s requires %(limits)s",
            test=test,
            value=check._get_measurement_display(),
            partner=partner,
            limits=self._get_limits_display(),
        )


class ResPartner(models.Model):
    _inherit = "res.partner"

    lot_spec_ids = fields.One2many(
        "res.partner.lot.spec",
        "partner_id",
        "Lot Specification",
        help="What this customer requires of the lots delivered to it. Set on the company; its contacts and "
        "addresses use the company's.",
    )

    def _get_lot_specs(self, product, company):
        """The requirements of this partner's company that apply to lots of ``product`` delivered by ``company``."""
        specs = self.commercial_partner_id.sudo().lot_spec_ids
        if not specs:
            return specs
        qc_specs = self.env["stock.lot.qc.spec"].sudo()._get_for_products(product)
        return specs.filtered(lambda spec: spec._applies_to(product, company, qc_specs))
