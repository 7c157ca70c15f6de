from odoo import api, fields, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write
from odoo.exceptions import UserError


class StockScrap(models.Model):
    _inherit = "stock.scrap"

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
        # What a recall destroyed is what its own destruction scrapped: only the recall makes those scraps.
        if not is_server_write("stock.lot.recall"):
            raise UserError(
                self.env._(
                    "A scrap order becomes a recall's destruction only through the recall (Destroy Stock); the "
                    "link is never set or removed by hand."
                )
            )
