from odoo import api, fields, models


class StockLotRecallCloseWizard(models.TransientModel):
    _name = "stock.lot.recall.close.wizard"
    _description = "Close a Recall"

    recall_id = fields.Many2one("stock.lot.recall", required=True, readonly=True)
    currency_id = fields.Many2one(related="recall_id.currency_id")
    effectiveness = fields.Float(related="recall_id.effectiveness")
    unaccounted_qty = fields.Float(related="recall_id.unaccounted_qty")
    discrepancy_count = fields.Integer(related="recall_id.discrepancy_count")
    held_qty = fields.Float(
        "Still in Stock",
        compute="_compute_held_qty",
        digits="Product Unit of Measure",
        help="Units of the affected lots still in your internal locations.",
    )
    destroy_remaining = fields.Boolean(
        "Destroy Remaining Stock",
        default=True,
        help="Scrap every unit of the affected lots still in stock; the stock valuation books the loss.",
    )
    lot_outcome = fields.Selection(
        [("reject", "Reject the lots"), ("release", "Keep them on hold for a QA release signature")],
        "Lots",
        default="reject",
        required=True,
    )
    justification = fields.Text(help="Required when shipped units are still unaccounted for.")

    @api.depends("recall_id")
    def _compute_held_qty(self):
        for wizard in self:
            wizard.held_qty = sum(wizard.recall_id._get_held_quants().mapped("quantity"))

    def action_close(self):
        self.ensure_one()
        self.recall_id.action_close(
            justification=self.justification,
            lot_outcome=self.lot_outcome,
            destroy_remaining=self.destroy_remaining,
        )
        return {"type": "ir.actions.act_window_close"}
