from odoo import api, fields, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write
from odoo.exceptions import UserError

DRILL_STEPS = [
    ("start", "Drill started"),
    ("scope", "Scope computed"),
    ("trace", "Trace forward and backward reviewed"),
    ("reconciliation", "Reconciliation computed"),
    ("customers", "Customers listed"),
    ("conclusion", "Concluded and signed"),
]


class StockLotRecallDrillStep(models.Model):
    """One step of a recall drill: what was done, when and by whom, and the time since the drill started."""

    _name = "stock.lot.recall.drill.step"
    _description = "Recall Drill Step"
    _order = "recall_id, date, id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    step = fields.Selection(DRILL_STEPS, required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True)
    user_id = fields.Many2one("res.users", "Done By", required=True, readonly=True)
    elapsed_minutes = fields.Float("Minutes Since Start", readonly=True, digits=(16, 1))

    @api.model_create_multi
    def create(self, vals_list):
        if not is_server_write("stock.lot.recall.drill"):
            raise UserError(self.env._("A drill's steps are recorded by the drill's own buttons, never by hand."))
        return super().create(vals_list)

    def write(self, vals):
        if not is_server_write("stock.lot.recall.drill"):
            raise UserError(self.env._("A drill's steps are its record: they are never changed."))
        return super().write(vals)
