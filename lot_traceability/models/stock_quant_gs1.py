from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import gs1, gs1_measure


class StockQuant(models.Model):
    """A GS1 scan in an inventory count (Physical Inventory) finds the product and the lot, and takes the counted
    quantity from the scan: the count (AI 30/37) or the measure (AI 310n-316n) in the product's unit."""

    _inherit = "stock.quant"

    gs1_scan = fields.Char(
        "GS1 Scan",
        store=False,
        help="Scan a GS1 barcode to count: it selects the product and the lot, and sets the counted quantity from "
        "the barcode's count (AI 30/37) or net weight or volume (AI 310n-316n).",
    )

    @api.onchange("gs1_scan")
    def _onchange_gs1_scan(self):
        if self.gs1_scan:
            scanned, self.gs1_scan = self.gs1_scan, False
            self.update(self._get_gs1_scan_values(scanned))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            scanned = vals.pop("gs1_scan", None)
            if scanned:
                quant = self.new({key: value for key, value in vals.items() if key in self._fields})
                vals.update(quant._get_gs1_scan_values(scanned))
                for name in ("product_id", "lot_id"):
                    if isinstance(vals.get(name), models.BaseModel):
                        vals[name] = vals[name].id
        return super().create(vals_list)

    def write(self, vals):
        scanned = vals.get("gs1_scan")
        if scanned:
            vals = dict(vals)
            del vals["gs1_scan"]
            for quant in self:
                # A count line keeps its product and lot (the scan must be of them); it takes the counted quantity.
                quant_vals = {
                    key: value
                    for key, value in quant._get_gs1_scan_values(scanned).items()
                    if key not in ("product_id", "lot_id")
                }
                super(StockQuant, quant).write({**vals, **quant_vals})
            return True
        vals.pop("gs1_scan", None)
        return super().write(vals)

    def _get_gs1_scan_values(self, scanned):
        """The product, lot and counted quantity of this count line from a GS1 scan."""
        self.ensure_one()
        try:
            elements = gs1.parse((scanned or "").strip())
            measures = gs1_measure.parse_measures(elements)
        except gs1.GS1Error as error:
            raise UserError(
                self.env._(
                    "The scanned barcode is not valid GS1: %(error)s (scanned: %(scan)s)", error=error, scan=scanned
                )
            ) from error
        product = self.product_id
        if product and self.id:
            self.env["stock.move.line"]._check_gs1_scan_product(elements, product)
        if not product and elements.get("01"):
            product = self.env["product.product"].search(
                [("barcode", "in", gs1.gtin_barcodes(elements["01"]))], limit=1
            )
            if not product:
                raise UserError(
                    self.env._(
                        "No product has GTIN %(gtin)s as its barcode: choose the product of this count, or set its "
                        "barcode (scanned: %(scan)s).",
                        gtin=elements["01"],
                        scan=scanned,
                    )
                )
        if not product:
            raise UserError(
                self.env._(
                    "The scan carries no GTIN (AI 01): choose the product first (scanned: %(scan)s).", scan=scanned
                )
            )
        line = self.env["stock.move.line"]
        line._check_gs1_scan_product(elements, product)
        values = {"product_id": product}
        company = self.company_id or self.location_id.company_id or self.env.company
        if product.tracking != "none":
            name = (elements.get("21") if product.tracking == "serial" else None) or elements.get("10")
            lot = name and self.env["stock.lot"].search(
                [
                    ("product_id", "=", product.id),
                    ("name", "=", name),
                    *self.env["stock.lot"]._check_company_domain(company),
                ],
                limit=1,
            )
            if not lot:
                raise UserError(
                    self.env._(
                        "Lot %(lot)s of %(product)s does not exist: receive it, or create it on the lots list before "
                        "counting it (scanned: %(scan)s).",
                        lot=name or self.env._("(none)"),
                        product=product.display_name,
                        scan=scanned,
                    )
                )
            if product.tracking == "serial":
                line._check_gs1_scan_batch(lot, elements.get("10"), scanned)
            if self.id and self.lot_id != lot:
                raise UserError(
                    self.env._(
                        "This count line is for lot %(lot)s; the scan is of lot %(scanned_lot)s. Add a new line to "
                        "count it (scanned: %(scan)s).",
                        lot=self.lot_id.name or self.env._("(none)"),
                        scanned_lot=lot.name,
                        scan=scanned,
                    )
                )
            values["lot_id"] = lot
        # The move line's rules for a count and a measure, on a line of the product without a source to take from.
        probe = line.new({"product_id": product.id, "product_uom_id": product.uom_id.id})
        quantity_values = probe._get_gs1_scan_quantity_values(elements, measures, scanned, None)
        if "quantity" in quantity_values:
            values["inventory_quantity"] = quantity_values["quantity"]
        elif product.tracking == "serial":
            values["inventory_quantity"] = 1
        return values
