from odoo import api, models


class StockScrap(models.Model):
    _name = "stock.scrap"
    _inherit = ["stock.scrap", "stock.lot.recall.document.mixin"]

    @api.model
    def _get_recall_link_error(self):
        return self.env._(
            "A scrap order becomes a recall's destruction only through the recall (Destroy Stock); the "
            "link is never set or removed by hand."
        )
