from odoo import api, models
from odoo.exceptions import UserError

from ..tools import gs1

# Operators a typed or scanned text is searched with (search boxes, many2one fields).
TEXT_OPERATORS = ("ilike", "=", "=ilike", "like", "=like")


class StockLot(models.Model):
    """GS1 scans wherever a lot is searched: lists of lots, quants and move lines, lot fields."""

    _inherit = "stock.lot"

    @api.model
    def _parse_gs1_search(self, value):
        """The elements of ``value`` when it is a GS1 scan (GS1-128, DataMatrix, Digital Link), else None.

        A scan whose GTIN (or SSCC, GLN) has a wrong check digit is refused, naming the digit; a scan that
        is not complete yet (still being typed) is searched as plain text.
        """
        if not isinstance(value, str) or not gs1.looks_like_gs1(value):
            return None
        try:
            return gs1.parse(value.strip())
        except gs1.GS1CheckDigitError as error:
            raise UserError(self.env._("The scanned barcode is not valid GS1: %(error)s", error=error)) from error
        except gs1.GS1Error:
            return None

    @api.model
    def _get_gs1_scan_domain(self, elements):
        """Lots named by the scan's lot (AI 10) or serial (AI 21), of the product of its GTIN (AI 01)."""
        names = [elements[ai] for ai in ("10", "21") if elements.get(ai)]
        domain = [("name", "in", names)] if names else []
        if elements.get("01"):
            domain.append(("product_id.barcode", "in", gs1.gtin_barcodes(elements["01"])))
        return domain or [("id", "=", False)]

    @api.model
    def _search_display_name(self, operator, value):
        if operator in TEXT_OPERATORS:
            elements = self._parse_gs1_search(value)
            if elements is not None:
                return self._get_gs1_scan_domain(elements)
        return super()._search_display_name(operator, value)

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        # A lot field of a line (context default_product_id) refuses the scan of another product, saying why.
        product = self.env["product.product"].browse(self.env.context.get("default_product_id") or [])
        if product and operator in TEXT_OPERATORS:
            elements = self._parse_gs1_search(name)
            if elements:
                self.env["stock.move.line"]._check_gs1_scan_product(elements, product)
        return super().name_search(name, args, operator, limit)
