from odoo import fields, models


class StockLot(models.Model):
    """The actual measure of a variable measure item (GTIN indicator digit 9), read from its scan (AI 310n-316n)."""

    _inherit = "stock.lot"

    gs1_measure_ai = fields.Char("Measure AI", readonly=True, copy=False)
    gs1_measure_quantity = fields.Float(
        "Measured",
        readonly=True,
        copy=False,
        digits=(16, 5),
        help="The actual net weight, length, area or volume of this variable measure item, as scanned at receipt "
        "(AI 310n-316n).",
    )
    gs1_measure_uom_id = fields.Many2one("uom.uom", "Measure Unit", readonly=True, copy=False)
