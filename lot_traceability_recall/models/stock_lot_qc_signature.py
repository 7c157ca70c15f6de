from odoo import api, models
from odoo.addons.lot_traceability.tools.server_write import is_server_write


class StockLotQcSignature(models.Model):
    _inherit = "stock.lot.qc.signature"

    @api.model
    def _check_signing_right(self, decision):
        """Closing a recall with its lots rejected is the recall manager's signed decision (stock.lot.recall.
        action_close); anywhere else QA Managers sign."""
        if (
            decision == "reject"
            and is_server_write("stock.lot.recall.close")
            and self.env.user.has_group("lot_traceability_recall.group_recall_manager")
        ):
            return
        super()._check_signing_right(decision)
