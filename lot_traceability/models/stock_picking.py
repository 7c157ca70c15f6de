from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _sanity_check(self, separate_pickings=True):
        # Name the lots that have a numbering rule before Odoo asks for the missing names.
        self.move_line_ids._assign_lot_names_from_rules()
        return super()._sanity_check(separate_pickings=separate_pickings)

    def action_print_gs1_lot_labels(self):
        """Print one GS1 label per lot received (or moved) in these transfers."""
        return self.move_line_ids.lot_id.action_print_gs1_label()

    def action_explain_reservation(self):
        """Why these lots? for every move of these transfers."""
        return self.move_ids.action_explain_reservation()
