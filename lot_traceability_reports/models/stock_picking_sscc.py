from odoo import api, fields, models
from odoo.addons.lot_traceability.tools import gs1, gs1_logistics
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _put_in_pack(self, move_line_ids):
        """A company that opts in gives every new package its SSCC at put in pack."""
        package = super()._put_in_pack(move_line_ids)
        company = self.company_id[:1] or self.env.company
        if company.lot_traceability_sscc_on_put_in_pack and not package.sscc:
            package.with_company(company).action_assign_sscc()
        return package

    sscc_scan = fields.Char(
        "Scan SSCC",
        store=False,
        inverse="_inverse_sscc_scan",
        help="Scan or type a pallet's SSCC (AI 00): at a receipt, the lines not yet packed go onto that pallet "
        "(a supplier's pallet gets its package); at a delivery or transfer, the whole pallet is picked.",
    )

    def _inverse_sscc_scan(self):
        for picking in self:
            if picking.sscc_scan:
                picking._scan_sscc(picking.sscc_scan)

    def _scan_sscc(self, scanned):
        """Select the package of the SSCC ``scanned`` (18 digits, (00) + 18 digits or a GS1-128 scan) on this
        transfer; returns the package. Every refusal is a UserError that leaves the transfer as it was."""
        self.ensure_one()
        sscc = self._parse_sscc_scan(scanned)
        if self.state in ("done", "cancel"):
            raise UserError(
                self.env._(
                    "Transfer %(picking)s is done or cancelled: scan the pallet on an open one.", picking=self.name
                )
            )
        Package = self.env["stock.quant.package"]
        package = Package.search([("sscc", "=", sscc), ("sscc_company_id", "=", self.company_id.id)], limit=1)
        if self.picking_type_code == "incoming":
            return self._scan_sscc_receive(sscc, package)
        if not package:
            raise UserError(
                self.env._(
                    "No pallet of %(company)s has SSCC %(sscc)s. Check the label, or receive the pallet first.",
                    company=self.company_id.display_name,
                    sscc=sscc,
                )
            )
        quants = package.quant_ids.filtered(lambda quant: quant.quantity > 0)
        if not quants or not package.location_id._child_of(self.location_id):
            raise UserError(
                self.env._(
                    "Pallet %(sscc)s (%(package)s) is not in %(location)s, where this transfer picks: it is in "
                    "%(where)s.",
                    sscc=sscc,
                    package=package.name,
                    location=self.location_id.display_name,
                    where=package.location_id.display_name or self.env._("no location (empty)"),
                )
            )
        level = self.package_level_ids.filtered(lambda level: level.package_id == package)
        if not level:
            moves = self.move_ids.filtered(
                lambda move: move.product_id in quants.product_id and move.state not in ("done", "cancel")
            )
            missing = quants.product_id - moves.product_id
            if missing:
                raise UserError(
                    self.env._(
                        "Pallet %(sscc)s holds %(products)s, which transfer %(picking)s does not move.",
                        sscc=sscc,
                        products=", ".join(missing.mapped("display_name")),
                        picking=self.name,
                    )
                )
            # This pallet instead of what was reserved for its products and not picked yet.
            moves.move_line_ids.filtered(lambda line: not line.picked and line.package_id != package).unlink()
            level = self.env["stock.package_level"].create(
                {
                    "package_id": package.id,
                    "picking_id": self.id,
                    "location_id": package.location_id.id,
                    "location_dest_id": self.location_dest_id.id,
                    "company_id": self.company_id.id,
                }
            )
            moves.write({"package_level_id": level.id})
        level.is_done = True
        return package

    def _scan_sscc_receive(self, sscc, package):
        lines = self.move_line_ids.filtered(lambda line: not line.result_package_id and line.quantity > 0)
        if not lines:
            raise UserError(
                self.env._(
                    "Every line of %(picking)s with a quantity is already on a pallet: set the quantities first, "
                    "then scan the pallet's SSCC.",
                    picking=self.name,
                )
            )
        if package.quant_ids.filtered(lambda quant: quant.quantity > 0):
            raise UserError(
                self.env._(
                    "SSCC %(sscc)s is already pallet %(package)s in %(location)s: a received pallet has a new SSCC. "
                    "Check the label.",
                    sscc=sscc,
                    package=package.name,
                    location=package.location_id.display_name,
                )
            )
        if not package:
            package = self.env["stock.quant.package"].create({"sscc": sscc, "sscc_company_id": self.company_id.id})
        lines.write({"result_package_id": package.id})
        return package

    @api.model
    def _parse_sscc_scan(self, scanned):
        """The SSCC of a scan: 18 digits, '(00)' + 18 digits, or a GS1 element string with AI 00."""
        text = (scanned or "").strip()
        try:
            if gs1.looks_like_gs1(text) or (text.startswith("00") and len(text) == 20):
                elements = gs1.parse(text)
                if "00" not in elements.unknown:
                    raise UserError(
                        self.env._("The scanned barcode carries no SSCC (AI 00): scan the pallet label's SSCC.")
                    )
                text = elements.unknown["00"][:18]
            return gs1_logistics.validate_sscc(text)
        except gs1.GS1Error as error:
            raise UserError(self.env._("The scanned SSCC is not valid: %(error)s", error=error)) from error
