from odoo import models
from odoo.tools import format_date


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _get_customer_date_values(self):
        """The date a customer reads beside each lot: its expiration date ("Use by") or, for a product that sets
        none, its best-before date, as the GS1 label prints it.

        :return: dict ``lot id -> {"lot_date_label", "lot_date"}`` (the date formatted in the user's language),
            only for the lots with one of these dates
        """
        result = {}
        for lot in self:
            if lot.expiration_date:
                label, date = self.env._("Use by"), lot.expiration_date
            elif lot.use_date:
                label, date = self.env._("Best before"), lot.use_date
            else:
                continue
            result[lot.id] = {"lot_date_label": label, "lot_date": format_date(self.env, date)}
        return result
