from odoo import api, models
from odoo.addons.lot_traceability.tools.server_write import server_write


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "stock.lot.recall.document.mixin"]

    @api.model
    def _get_recall_link_error(self):
        return self.env._(
            "A transfer becomes a recall's return only through the recall (Create Returns); the link is "
            "never set or removed by hand."
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
