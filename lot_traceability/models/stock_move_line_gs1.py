from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import gs1


class StockMoveLine(models.Model):
    """A GS1 scan on any detailed operation (receipt, delivery, internal transfer, manufacturing
    components and output) finds or fills the lot, the quantity (AI 30/37) and the expiry (AI 17)."""

    _inherit = "stock.move.line"

    gs1_scan = fields.Char(
        "GS1 Scan",
        store=False,
        help="Scan or type a GS1 barcode (GS1-128, DataMatrix or a Digital Link QR code): it selects the lot (or "
        "names the new one), and sets the quantity (AI 30/37) and the expiry date of a new lot (AI 17) when the "
        "barcode carries them. A barcode of another product is refused.",
    )

    @api.onchange("gs1_scan")
    def _onchange_gs1_scan(self):
        if self.gs1_scan:
            scanned, self.gs1_scan = self.gs1_scan, False
            self.update(self._get_gs1_scan_values(scanned))

    @api.onchange("lot_name")
    def _onchange_lot_name_gs1(self):
        if gs1.looks_like_gs1(self.lot_name):
            self.update(self._get_gs1_scan_values(self.lot_name))

    def _get_gs1_scan_values(self, scanned):
        """Values of this line from a GS1 scan; a UserError says what is wrong with a refused scan."""
        self.ensure_one()
        product = self.product_id
        try:
            elements = gs1.parse(scanned.strip())
        except gs1.GS1Error as error:
            raise UserError(self.env._("The scanned barcode is not valid GS1: %(error)s", error=error)) from error
        self._check_gs1_scan_product(elements, product)
        serial = elements.get("21") if product.tracking == "serial" else None
        name = serial or elements.get("10") or elements.get("21")
        if not name:
            raise UserError(
                self.env._(
                    "The scanned barcode carries no lot or serial number (AI 10 or 21): scan the barcode of "
                    "%(product)s that carries it.",
                    product=product.display_name,
                )
            )
        lot = self.env["stock.lot"].search(
            [
                ("product_id", "=", product.id),
                ("name", "=", name),
                *self.env["stock.lot"]._check_company_domain(self.company_id or self.env.company),
            ],
            limit=1,
        )
        values = {}
        if lot:
            values.update(lot_id=lot.id, lot_name=False)
        elif self.picking_type_use_create_lots and not self.move_id.raw_material_production_id:
            values.update(lot_id=False, lot_name=name)
            if elements.get("17") and product.use_expiration_date:
                values["expiration_date"] = gs1.date_to_datetime(elements["17"])
        else:
            raise UserError(
                self.env._(
                    "Lot %(lot)s of %(product)s does not exist, and this operation takes existing lots only. "
                    "Check the label, or receive the lot first.",
                    lot=name,
                    product=product.display_name,
                )
            )
        count = elements.get("37") or elements.get("30")
        if count:
            values["quantity"] = count
        return values

    @api.model
    def _check_gs1_scan_product(self, elements, product):
        """Refuse a scan whose GTIN (AI 01) is not ``product``'s, naming both."""
        scanned = elements.get("01")
        if not scanned or not product:
            return
        gtin = product._get_gs1_gtin()
        if gtin == scanned:
            return
        other = self.env["product.product"].search([("barcode", "in", gs1.gtin_barcodes(scanned))], limit=1)
        if gtin or other:
            raise UserError(
                self.env._(
                    "The scanned barcode is for %(scanned_product)s (GTIN %(scanned)s), but this line is for "
                    "%(product)s (GTIN %(gtin)s). Scan the label of %(product)s.",
                    scanned_product=other.display_name or self.env._("another product"),
                    scanned=scanned,
                    product=product.display_name,
                    gtin=gtin or self.env._("none"),
                )
            )
