from odoo import Command, api, fields, models
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

    def _show_in_chatter(self):
        """Show these rows in their lots' chatter, the way Odoo shows a tracked field: a note a lot with a
        line "field: old value → new value" per row, its values read from the row (the History is the one
        record of the change; the chatter note displays it)."""
        field_ids = {
            name: self.env["ir.model.fields"]._get("stock.lot", name).id for name in set(self.mapped("field_name"))
        }
        for lot, rows in self.grouped("lot_id").items():
            lot._message_log(
                tracking_value_ids=[
                    Command.create(
                        {
                            "field_id": field_ids[row.field_name],
                            "old_value_char": row.old_value or "",
                            "new_value_char": row.new_value or "",
                        }
                    )
                    for row in rows
                ],
            )

    # The history is what happened: write and unlink never reach the ORM.
    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("A lot's history can never be changed."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(self.env._("A lot's history can never be deleted."))
