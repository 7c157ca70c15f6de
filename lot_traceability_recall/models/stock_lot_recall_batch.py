from odoo import models


class StockLotRecall(models.Model):
    """A recall of a production batch starts from every serial in it: a batch never moves itself."""

    _inherit = "stock.lot.recall"

    def _get_seed_lots(self):
        return super()._get_seed_lots()._expand_batches()
