from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.server_write import is_server_write


class StockLotAudit(models.Model):
    """One change of a lot's dates, supplier lot or QC state: who, when, old and new value.

    Written by the server only (``stock.lot._audit_changes``), never changed or deleted, so that the
    history of a lot stays what happened even for an administrator working through the ORM.
    """

    _name = "stock.lot.audit"
    _description = "Lot History"
    _order = "date desc, id desc"
    _rec_name = "field_description"

    lot_id = fields.Many2one("stock.lot", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="lot_id.company_id", store=True, index=True)
    date = fields.Datetime("Changed On", required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", "Changed By", required=True, readonly=True, default=lambda self: self.env.uid
    )
    field_name = fields.Char("Technical Field", required=True, readonly=True)
    field_description = fields.Char("Field", required=True, readonly=True)
    old_value = fields.Char(readonly=True)
    new_value = fields.Char(readonly=True)
    reason = fields.Char(readonly=True, help="What made the change: a signature, a recall, a user's edit.")

    @api.model_create_multi
    def create(self, vals_list):
        if not is_server_write("stock.lot.audit"):
            raise UserError(self.env._("A lot's history is written by Odoo when the lot changes, never by hand."))
        return super().create(vals_list)

    # The history is what happened: write and unlink never reach the ORM.
    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("A lot's history can never be changed."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(self.env._("A lot's history can never be deleted."))
