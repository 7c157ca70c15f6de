from odoo import api, fields, models
from odoo.exceptions import UserError


class StockLotRecallCloseWizard(models.TransientModel):
    """Closes a recall: what becomes of the stock left and of the lots.

    Nothing is destroyed unless asked, and the wizard lists what would be. Rejecting the lots is the
    recall manager's e-signature: like the QC sign wizard, the password is not stored and travels in
    the Close button's call context only (``lot_recall_close_password``).
    """

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
        help="Scrap every unit of the affected lots still in stock (listed below); the stock valuation books the loss.",
    )
    quant_to_destroy_ids = fields.Many2many(
        "stock.quant", compute="_compute_quant_to_destroy_ids", string="To Be Scrapped"
    )
    lot_outcome = fields.Selection(
        [("reject", "Reject the lots"), ("release", "Keep them on hold for a QA release signature")],
        "Lots",
        default="reject",
        required=True,
    )
    open_return_ids = fields.Many2many(
        "stock.picking",
        compute="_compute_open_return_ids",
        string="Open Returns",
        help="Returns of the recall not validated nor cancelled yet.",
    )
    open_returns = fields.Selection(
        [("cancel", "Cancel them"), ("keep", "Keep them open")],
        "Open Returns Become",
        help="Cancel the open returns, or keep them open to validate what still comes back after the closing.",
    )
    justification = fields.Text(help="Required when shipped units are still unaccounted for.")
    meaning = fields.Char(
        help="What you mean by signing the rejection, stored in each lot's signature chain with your printed "
        "name and the time.",
    )
    password = fields.Char(
        store=False, help="Your Odoo password: rejecting the lots is an electronic signature. Checked, never stored."
    )

    @api.depends("recall_id")
    def _compute_held_qty(self):
        for wizard in self:
            wizard.held_qty = sum(wizard.recall_id._get_held_quants().mapped("quantity"))

    @api.depends("recall_id")
    def _compute_open_return_ids(self):
        for wizard in self:
            wizard.open_return_ids = wizard.recall_id._get_open_returns()

    @api.depends("recall_id", "destroy_remaining")
    def _compute_quant_to_destroy_ids(self):
        for wizard in self:
            wizard.quant_to_destroy_ids = wizard.destroy_remaining and wizard.recall_id._get_held_quants()

    @api.onchange("lot_outcome")
    def _onchange_lot_outcome(self):
        if self.lot_outcome == "reject" and not self.meaning:
            self.meaning = self.env._("Rejected at the close of recall %(recall)s", recall=self.recall_id.name)

    def action_close(self):
        self.ensure_one()
        password = self.env.context.get("lot_recall_close_password") or self.password
        if self.lot_outcome == "reject" and not password:
            raise UserError(self.env._("Enter your password to sign the rejection of the lots."))
        # Nothing called from here needs the password in its context.
        wizard = self.with_context(lot_recall_close_password=None)
        wizard.recall_id.action_close(
            justification=wizard.justification,
            lot_outcome=wizard.lot_outcome,
            destroy_remaining=wizard.destroy_remaining,
            meaning=wizard.meaning,
            password=password,
            open_returns=wizard.open_returns,
        )
        return {"type": "ir.actions.act_window_close"}
