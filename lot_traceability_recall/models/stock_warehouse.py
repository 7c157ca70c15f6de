from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    recall_location_id = fields.Many2one(
        "stock.location",
        check_company=True,
        domain="[('usage', '=', 'internal'), ('warehouse_id', '=', id)]",
        help="Units returned by customers for a recall are received here, apart from saleable stock.",
    )

    def _get_recall_location(self):
        """The warehouse's recall location, created on first use: by the recall manager who confirms the first
        recall of the warehouse, who need not be an inventory administrator (hence sudo)."""
        self.ensure_one()
        if not self.recall_location_id:
            location = (
                self.env["stock.location"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Recall"),
                        "usage": "internal",
                        "location_id": self.view_location_id.id,
                        "company_id": self.company_id.id,
                    }
                )
            )
            self.sudo().recall_location_id = location
        return self.recall_location_id
