from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    lot_warning = fields.Text(
        compute="_compute_lot_warning",
        help="Lots chosen on the lines that may no longer be delivered to the customer, and why.",
    )

    @api.depends("order_line.lot_warning")
    def _compute_lot_warning(self):
        for order in self:
            order.lot_warning = "\n".join(order.order_line.filtered("lot_warning").mapped("lot_warning")) or False
