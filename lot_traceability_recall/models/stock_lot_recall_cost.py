from odoo import fields, models


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
