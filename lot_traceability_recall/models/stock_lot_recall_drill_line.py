from odoo import api, fields, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write
from odoo.exceptions import UserError
from odoo.tools import float_compare


class StockLotRecallDrillLine(models.Model):
    """The quantity reconciliation of one lot of a drill, from the recall's mass balance when it was computed:
    kept as it was when the drill was concluded."""

    _name = "stock.lot.recall.drill.line"
    _description = "Recall Drill Reconciliation"
    _order = "recall_id, lot_id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    lot_id = fields.Many2one("stock.lot", required=True, readonly=True, ondelete="restrict")
    product_id = fields.Many2one(related="lot_id.product_id")
    product_uom_id = fields.Many2one(related="lot_id.product_id.uom_id", string="Unit")
    in_qty = fields.Float("Received or Produced", readonly=True, digits="Product Unit of Measure")
    returned_qty = fields.Float("Returned", readonly=True, digits="Product Unit of Measure")
    shipped_qty = fields.Float("Shipped", readonly=True, digits="Product Unit of Measure")
    consumed_qty = fields.Float("Consumed", readonly=True, digits="Product Unit of Measure")
    scrapped_qty = fields.Float("Destroyed or Scrapped", readonly=True, digits="Product Unit of Measure")
    on_hand_qty = fields.Float("On Hand", readonly=True, digits="Product Unit of Measure")
    produced_qty = fields.Float(
        "To Account For", readonly=True, digits="Product Unit of Measure", help="Received or produced, plus returned."
    )
    accounted_qty = fields.Float(
        "Accounted For",
        readonly=True,
        digits="Product Unit of Measure",
        help="Shipped + consumed + destroyed or scrapped + on hand.",
    )
    percent = fields.Float("Reconciliation (%)", readonly=True, digits=(16, 1))
    within_tolerance = fields.Boolean(readonly=True)

    @api.model
    def _get_figure_fields(self):
        return (
            "in_qty",
            "returned_qty",
            "shipped_qty",
            "consumed_qty",
            "scrapped_qty",
            "on_hand_qty",
            "produced_qty",
            "accounted_qty",
            "percent",
        )

    @api.model
    def _get_percent(self, produced, accounted):
        """accounted / produced x 100; a lot that never came in and never left reconciles (100 %), one that left
        without coming in does not (0 %)."""
        if produced:
            return 100.0 * accounted / produced
        return 100.0 if not accounted else 0.0

    @api.model
    def _prepare_drill_line_vals(self, balance, recall):
        """The reconciliation of ``balance`` (a stock.lot.recall.balance) for ``recall``'s tolerance."""
        produced = balance.in_qty + balance.returned_qty
        accounted = balance.shipped_qty + balance.consumed_qty + balance.scrapped_qty + balance.on_hand_qty
        percent = self._get_percent(produced, accounted)
        return {
            "lot_id": balance.lot_id.id,
            "in_qty": balance.in_qty,
            "returned_qty": balance.returned_qty,
            "shipped_qty": balance.shipped_qty,
            "consumed_qty": balance.consumed_qty,
            "scrapped_qty": balance.scrapped_qty,
            "on_hand_qty": balance.on_hand_qty,
            "produced_qty": produced,
            "accounted_qty": accounted,
            "percent": percent,
            "within_tolerance": float_compare(percent, recall.drill_tolerance_min, precision_digits=6) >= 0
            and float_compare(percent, recall.drill_tolerance_max, precision_digits=6) <= 0,
        }

    @api.model_create_multi
    def create(self, vals_list):
        if not is_server_write("stock.lot.recall"):
            raise UserError(self.env._("A drill's reconciliation is computed by the drill, never entered by hand."))
        return super().create(vals_list)

    def write(self, vals):
        if not is_server_write("stock.lot.recall"):
            raise UserError(self.env._("A drill's reconciliation is computed by the drill, never entered by hand."))
        return super().write(vals)

    def unlink(self):
        if not is_server_write("stock.lot.recall"):
            raise UserError(self.env._("A drill's reconciliation is computed by the drill, never deleted by hand."))
        return super().unlink()
