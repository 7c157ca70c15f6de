from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _get_invoiced_lot_values(self):
        """Odoo's lots of the invoice (sale_stock: through the sale lines' done moves, on refunds too), each with
        its expiration or best-before date when the company prints lot dates on its customer documents."""
        values = super()._get_invoiced_lot_values()
        if not self.company_id.lot_dates_on_customer_documents:
            return values
        # sudo as Odoo's: whoever prints the invoice may have no access to stock
        lots = self.env["stock.lot"].sudo().browse([value["lot_id"] for value in values if value.get("lot_id")])
        dates = lots._get_customer_date_values()
        for value in values:
            value.update(dates.get(value.get("lot_id"), {}))
        return values
