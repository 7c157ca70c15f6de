from odoo import fields, models


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def _prepare_stock_lot_values(self):
        vals = super()._prepare_stock_lot_values()
        rule = self.product_id._get_lot_numbering_rule()
        production_date = self.date_start or fields.Datetime.now()
        if rule:
            vals["name"] = rule._generate_lot_names(self.product_id, [production_date.date()])[0]
        vals.setdefault("production_date", production_date)
        vals["origin_production_id"] = self.id
        return vals

    def action_print_gs1_lot_labels(self):
        """One GS1 label per lot (or serial number) this manufacturing order produced."""
        return self.move_finished_ids.move_line_ids.lot_id.action_print_gs1_label()
