from odoo import api, fields, models
from odoo.tools import float_is_zero


class StockLotRecallBalance(models.Model):
    """Mass balance and recovery of one affected lot, as of the last computation.

    received or produced + returned = shipped + consumed + scrapped + on hand; what does not add
    up is the discrepancy. Of what the recall found shipped, recovered is what came back through
    its returns; the rest is unaccounted.
    """

    _name = "stock.lot.recall.balance"
    _inherit = ["stock.lot.recall.scope.line"]
    _description = "Recall Mass Balance"
    _order = "recall_id, discrepancy_qty desc, lot_id"
    _log_access = False

    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    product_uom_id = fields.Many2one(related="lot_id.product_id.uom_id")
    in_qty = fields.Float("Received or Produced", digits="Product Unit of Measure")
    returned_qty = fields.Float("Returned", digits="Product Unit of Measure", help="Came back from customers.")
    shipped_qty = fields.Float(
        "Shipped", digits="Product Unit of Measure", help="Sent to customers or back to suppliers."
    )
    consumed_qty = fields.Float("Consumed", digits="Product Unit of Measure")
    scrapped_qty = fields.Float(
        "Scrapped", digits="Product Unit of Measure", help="Scrapped or lost in inventory adjustments."
    )
    on_hand_qty = fields.Float("On Hand", digits="Product Unit of Measure")
    discrepancy_qty = fields.Float(
        "Discrepancy",
        digits="Product Unit of Measure",
        help="Received, produced and returned minus shipped, consumed, scrapped and on hand: should be 0.",
    )
    recall_shipped_qty = fields.Float(
        "Shipped in Scope", digits="Product Unit of Measure", help="Shipped to customers as the recall scope found."
    )
    recovered_qty = fields.Float(
        "Recovered", digits="Product Unit of Measure", help="Received back through the recall's returns."
    )
    destroyed_qty = fields.Float(
        "Destroyed", digits="Product Unit of Measure", help="Scrapped by the recall's destruction."
    )
    reworked_qty = fields.Float(
        "Reworked",
        digits="Product Unit of Measure",
        help="Consumed by the recall's rework orders (part of Consumed), made into new lots pending release.",
    )
    unaccounted_qty = fields.Float(
        "Unaccounted", digits="Product Unit of Measure", help="Shipped in scope and not recovered."
    )
    effectiveness = fields.Float("Effectiveness (%)", compute="_compute_effectiveness", digits=(16, 1))
    has_discrepancy = fields.Boolean(compute="_compute_effectiveness")

    @api.depends("recall_shipped_qty", "unaccounted_qty", "discrepancy_qty")
    def _compute_effectiveness(self):
        for balance in self:
            shipped = balance.recall_shipped_qty
            balance.effectiveness = 100.0 * (shipped - balance.unaccounted_qty) / shipped if shipped else 100.0
            balance.has_discrepancy = not float_is_zero(
                balance.discrepancy_qty, precision_rounding=balance.product_uom_id.rounding or 0.001
            )
