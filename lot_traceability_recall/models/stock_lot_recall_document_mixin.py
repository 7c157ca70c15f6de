from odoo import api, fields, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write
from odoo.exceptions import UserError


class StockLotRecallDocumentMixin(models.AbstractModel):
    """A document a recall makes (its returns, the scrap orders of its destruction), linked to the recall by the
    recall only: what a recall recovered or destroyed is what its own documents did."""

    _name = "stock.lot.recall.document.mixin"
    _description = "Document Made by a Recall"

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
        """What a user who sets or removes the link by hand is told: which recall action makes the document."""
        return self.env._("A recall's documents are made by the recall only; the link is never set or removed by hand.")
