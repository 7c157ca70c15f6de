from odoo import api, models


class MrpProduction(models.Model):
    """A rework order made for a recall (its Rework action, or the Rework of a lot the recall holds): what it consumes
    of the recall's lots is the recall's Reworked quantity."""

    _name = "mrp.production"
    _inherit = ["mrp.production", "stock.lot.recall.document.mixin"]

    @api.model
    def _get_recall_link_error(self):
        return self.env._(
            "A manufacturing order becomes a recall's rework only through the recall (Rework); the link is never set "
            "or removed by hand."
        )

    def _get_rework_hold_name(self):
        if self.lot_recall_id:
            return self.env._("recall %(recall)s", recall=self.lot_recall_id.sudo().name)
        return super()._get_rework_hold_name()
