from odoo import api, fields, models
from odoo.exceptions import UserError


class StockLotRecallCost(models.Model):
    """A cost the recall caused outside the stock: freight, notices, labour, fees."""

    _name = "stock.lot.recall.cost"
    _description = "Recall Cost"
    _order = "date, id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="recall_id.currency_id")
    name = fields.Char("Description", required=True)
    date = fields.Date(default=fields.Date.context_today, required=True)
    partner_id = fields.Many2one("res.partner", "Paid To")
    amount = fields.Monetary(required=True)
    account_move_id = fields.Many2one(
        "account.move", "Journal Entry", readonly=True, copy=False, help="The entry that posted this cost."
    )

    def write(self, vals):
        if self.filtered("account_move_id") and set(vals) - {"account_move_id"}:
            raise UserError(self.env._("A recall cost posted to the accounting cannot be changed; record a new one."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if self.filtered("account_move_id"):
            raise UserError(self.env._("A recall cost posted to the accounting cannot be deleted."))
