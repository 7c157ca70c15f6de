from odoo import models


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_custom_move_fields(self):
        # The lot chosen on a sales order line, on every move its procurement creates (each step of a route).
        return [*super()._get_custom_move_fields(), "restrict_lot_id"]

    def _push_prepare_move_copy_values(self, move_to_copy, new_date):
        # The next steps of a multi-step delivery (pack, ship) are pushed copies of the pick move.
        values = super()._push_prepare_move_copy_values(move_to_copy, new_date)
        if move_to_copy.restrict_lot_id:
            values["restrict_lot_id"] = move_to_copy.restrict_lot_id.id
        return values
