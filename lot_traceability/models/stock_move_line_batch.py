from odoo import api, models
from odoo.exceptions import ValidationError

from ..tools import gs1_measure


class StockMoveLine(models.Model):
    """A new serial scanned with its batch is created in the batch (the batch too, when new, with the scan's
    dates); the measure of a variable measure item is kept on its new lot; a batch itself never moves."""

    _inherit = "stock.move.line"

    def _prepare_new_lot_vals(self):
        vals = super()._prepare_new_lot_vals()
        if self.gs1_batch_name and self.product_id.tracking == "serial":
            company = self.company_id or self.env.company
            batch = self.env["stock.lot"]._get_gs1_batch(
                self.product_id,
                self.gs1_batch_name,
                company,
                create_values={
                    "production_date": self.supplier_production_date,
                    "expiration_date": self.supplier_expiration_date
                    or (self.expiration_date and self.expiration_date.date()),
                },
            )
            vals["batch_id"] = batch.id
        if self.gs1_measure_quantity and gs1_measure.is_variable_measure(self.product_id._get_gs1_gtin()):
            vals.update(
                gs1_measure_ai=self.gs1_measure_ai,
                gs1_measure_quantity=self.gs1_measure_quantity,
                gs1_measure_uom_id=self.gs1_measure_uom_id.id,
            )
        return vals

    @api.constrains("lot_id")
    def _check_lot_not_batch(self):
        for line in self.filtered(lambda line: line.lot_id.is_batch):
            raise ValidationError(
                self.env._(
                    "%(batch)s is a production batch of %(product)s: it holds no stock itself. Choose or scan the "
                    "serial numbers in it.",
                    batch=line.lot_id.name,
                    product=line.product_id.display_name,
                )
            )
