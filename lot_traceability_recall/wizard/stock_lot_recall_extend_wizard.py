from odoo import api, fields, models


class StockLotRecallExtendWizard(models.TransientModel):
    """Extend the scope of a confirmed recall: the lots or supplier lots to add and why. The recall's
    action_extend_scope does the rest (trace, hold, log)."""

    _name = "stock.lot.recall.extend.wizard"
    _description = "Extend the Scope of a Recall"

    recall_id = fields.Many2one("stock.lot.recall", required=True, readonly=True)
    company_id = fields.Many2one(related="recall_id.company_id")
    current_lot_ids = fields.Many2many(related="recall_id.lot_ids", string="Seed Lots Now")
    lot_ids = fields.Many2many(
        "stock.lot", string="Lots to Add", help="Lots to recall too, with everything made from them."
    )
    supplier_lot_ids = fields.Many2many(
        "stock.supplier.lot", string="Supplier Lots to Add", help="Supplier lots whose internal lots are recalled too."
    )
    reason = fields.Text(required=True, help="Why the scope is extended: kept in the recall's chatter.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if values.get("recall_id"):
            self.env["stock.lot.recall"].browse(values["recall_id"])._check_recall_manager()
        return values

    def action_extend(self):
        self.ensure_one()
        self.recall_id.action_extend_scope(lots=self.lot_ids, supplier_lots=self.supplier_lot_ids, reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
