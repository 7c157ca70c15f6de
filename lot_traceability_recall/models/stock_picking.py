from odoo import api, fields, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write, server_write
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    lot_recall_id = fields.Many2one(
        "stock.lot.recall", "Recall", index="btree_not_null", readonly=True, copy=False, check_company=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("lot_recall_id") for vals in vals_list):
            self._check_recall_link()
        return super().create(vals_list)

    def write(self, vals):
        if "lot_recall_id" in vals:
            self._check_recall_link()
        return super().write(vals)

    @api.model
    def _check_recall_link(self):
        # What a recall recovered is what came back through its returns: only the recall makes them.
        if not is_server_write("stock.lot.recall"):
            raise UserError(
                self.env._(
                    "A transfer becomes a recall's return only through the recall (Create Returns); the link is "
                    "never set or removed by hand."
                )
            )

    def _create_backorder_picking(self):
        # The rest of a recall return still to come back is a return of the same recall.
        backorder = super()._create_backorder_picking()
        if self.lot_recall_id:
            with server_write("stock.lot.recall"):
                backorder.lot_recall_id = self.lot_recall_id
        return backorder

    def _check_expired_lots(self):
        # product_expiry asks to confirm before moving expired lots; a recall return brings expired goods back
        # on purpose, into the recall location: never ask then.
        return super()._check_expired_lots().filtered(lambda picking: not picking.lot_recall_id)
