from odoo import api, fields, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write
from odoo.exceptions import UserError


class StockLotRecallLinkMixin(models.AbstractModel):
    """A document a recall makes (its returns, its destructions): linked to the recall by the recall only, so that
    what a recall recovered or destroyed is what its own actions did."""

    _name = "stock.lot.recall.link.mixin"
    _description = "Document made by a recall"

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
        if not is_server_write("stock.lot.recall"):
            raise UserError(self._get_recall_link_error())

    @api.model
    def _get_recall_link_error(self):
        """:return: the message refusing a link to a recall set or removed by hand"""
        raise NotImplementedError()
