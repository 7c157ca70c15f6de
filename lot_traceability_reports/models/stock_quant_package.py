from odoo import api, fields, models
from odoo.addons.lot_traceability.tools import gs1, gs1_logistics
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_is_zero, float_round

SSCC_SEQUENCE_CODE = "lot_traceability_reports.sscc"


class StockQuantPackage(models.Model):
    """A package (a pallet, a case) identified by its SSCC (GS1 AI 00), unique in its company."""

    _inherit = "stock.quant.package"
    _rec_names_search = ["name", "sscc"]

    sscc = fields.Char(
        "SSCC",
        copy=False,
        index="btree_not_null",
        help="Serial Shipping Container Code (GS1 AI 00, 18 digits): Assign SSCC numbers it from the company's "
        "GS1 company prefix; a supplier's pallet keeps the SSCC of its label (type or scan it). Once set it "
        "cannot change.",
    )
    sscc_company_id = fields.Many2one(
        "res.company",
        "SSCC Company",
        readonly=True,
        copy=False,
        help="The company the SSCC was given in: an SSCC is unique in its company.",
    )

    def init(self):
        result = super().init()
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS stock_quant_package_sscc_company_uniq "
                "ON stock_quant_package (sscc_company_id, sscc) WHERE sscc IS NOT NULL"
            )
        )
        return result

    # ------------------------------------------------------------------
    # Create / write: the SSCC checked, unique, and never changed once set
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("sscc"):
                vals["sscc"] = self._validate_sscc(vals["sscc"])
                vals.setdefault("sscc_company_id", vals.get("company_id") or self.env.company.id)
                self._check_sscc_unique(vals["sscc"], self.env["res.company"].browse(vals["sscc_company_id"]))
        return super().create(vals_list)

    def write(self, vals):
        if "sscc" in vals:
            sscc = vals["sscc"] and self._validate_sscc(vals["sscc"])
            changed = self.filtered(lambda package: package.sscc and package.sscc != sscc)
            if changed:
                raise UserError(
                    self.env._(
                        "The SSCC of package %(package)s is %(sscc)s and cannot change: a label carries it. "
                        "Put the goods in a new package for a new SSCC.",
                        package=changed[0].display_name,
                        sscc=changed[0].sscc,
                    )
                )
            vals = dict(vals, sscc=sscc)
            new = self.filtered(lambda package: not package.sscc)
            if sscc and new:
                if len(new) > 1:
                    raise UserError(self.env._("An SSCC names one package only: set it on one package at a time."))
                company = self.env["res.company"].browse(vals.get("sscc_company_id")) or (
                    new.company_id or self.env.company
                )
                new._check_sscc_unique(sscc, company)
                vals.setdefault("sscc_company_id", company.id)
        return super().write(vals)

    @api.model
    def _validate_sscc(self, sscc):
        try:
            return gs1_logistics.validate_sscc(sscc)
        except gs1.GS1Error as error:
            raise ValidationError(self.env._("This SSCC is not valid: %(error)s", error=error)) from error

    def _check_sscc_unique(self, sscc, company):
        """An SSCC names one package of its company: refuse a second one, naming the first (the unique index
        on the SSCC and its company holds against two users at once)."""
        other = (
            self.sudo()
            .with_context(active_test=False)
            .search([("sscc", "=", sscc), ("sscc_company_id", "=", company.id), ("id", "not in", self.ids)], limit=1)
        )
        if other:
            raise ValidationError(
                self.env._(
                    "SSCC %(sscc)s is already package %(other)s of %(company)s: an SSCC names one pallet only. "
                    "Check the label, or assign a new SSCC.",
                    sscc=sscc,
                    other=other.name,
                    company=company.display_name,
                )
            )

    # ------------------------------------------------------------------
    # Assign SSCC
    # ------------------------------------------------------------------

    def action_assign_sscc(self):
        """Give each package without an SSCC the next SSCC of its company: extension digit, GS1 company
        prefix (from the GLN), serial reference from the SSCC sequence, check digit. All or nothing."""
        if not self.env.user.has_group("stock.group_stock_user"):
            raise UserError(self.env._("Only inventory users assign SSCCs to packages."))
        self.check_access("write")
        for package in self.filtered(lambda package: not package.sscc):
            company = package.company_id or self.env.company
            prefix = company._get_lot_traceability_gs1_company_prefix()
            serial = self.env["ir.sequence"].sudo().with_company(company).next_by_code(SSCC_SEQUENCE_CODE)
            try:
                sscc = gs1_logistics.build_sscc(company.lot_traceability_sscc_extension_digit, prefix, serial)
            except gs1.GS1Error as error:
                raise UserError(
                    self.env._(
                        "No SSCC can be assigned to package %(package)s: %(error)s",
                        package=package.display_name,
                        error=error,
                    )
                ) from error
            package.write({"sscc": sscc, "sscc_company_id": company.id})
        return True

    # ------------------------------------------------------------------
    # Logistic label
    # ------------------------------------------------------------------

    def _get_gs1_logistic_content(self):
        """What the pallet holds, by product and lot: ``[{product, lot, quantity, uom, gtin, count}]``. The quants
        in it, or, for a package being filled (put in pack of a transfer not done yet), the open lines packing into
        it. ``count`` is the quantity as a whole number of trade items (AI 37), or 0 when it is not one."""
        self.ensure_one()
        totals = {}
        quants = self.quant_ids.filtered(lambda quant: quant.quantity > 0)
        if quants:
            rows = [(quant.product_id, quant.lot_id, quant.quantity) for quant in quants]
        else:
            lines = self.env["stock.move.line"].search(
                [("result_package_id", "=", self.id), ("state", "not in", ("done", "cancel"))]
            )
            rows = [
                (
                    line.product_id,
                    line.lot_id,
                    line.product_uom_id._compute_quantity(line.quantity, line.product_id.uom_id),
                )
                for line in lines
            ]
        for product, lot, quantity in rows:
            totals[product, lot] = totals.get((product, lot), 0.0) + quantity
        content = []
        for (product, lot), quantity in totals.items():
            rounding = product.uom_id.rounding
            quantity = float_round(quantity, precision_rounding=rounding)
            whole = float_is_zero(quantity - round(quantity), precision_rounding=rounding)
            content.append(
                {
                    "product": product,
                    "lot": lot,
                    "quantity": quantity,
                    "uom": product.uom_id,
                    "gtin": product._get_gs1_gtin(),
                    "count": round(quantity) if whole and 0 < quantity < 10**8 else 0,
                }
            )
        return content

    def _get_gs1_logistic_destination(self):
        """The partner the pallet goes to: that of the latest delivery packing or moving it, or False."""
        self.ensure_one()
        line = self.env["stock.move.line"].search(
            [
                "|",
                ("result_package_id", "=", self.id),
                ("package_id", "=", self.id),
                ("picking_code", "=", "outgoing"),
                ("state", "!=", "cancel"),
            ],
            order="id desc",
            limit=1,
        )
        return line.picking_id.partner_id

    def action_print_gs1_logistic_label(self):
        return self.env.ref("lot_traceability_reports.action_report_package_gs1_logistic_label").report_action(self)
