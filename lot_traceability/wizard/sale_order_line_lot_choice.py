from odoo import api, fields, models


class SaleOrderLineLotChoice(models.TransientModel):
    """Choose the lot of a sales order line among the lots the customer may receive."""

    _name = "sale.order.line.lot.choice"
    _description = "Choose the Lot of a Sales Order Line"

    sale_line_id = fields.Many2one("sale.order.line", "Order Line", required=True, ondelete="cascade")
    product_id = fields.Many2one(related="sale_line_id.product_id")
    partner_id = fields.Many2one("res.partner", "Customer", compute="_compute_customer")
    min_shelf_life_days = fields.Integer("Customer's Minimum Shelf Life (days)", compute="_compute_customer")
    quantity_needed = fields.Float(digits="Product Unit of Measure", readonly=True)
    uom_id = fields.Many2one(related="sale_line_id.product_id.uom_id", string="Unit")
    last_lot_id = fields.Many2one("stock.lot", "Last Lot Delivered to this Customer", readonly=True)
    last_lot_offered = fields.Boolean(readonly=True, help="The last lot delivered is among the lots offered.")
    last_lot_note = fields.Char("Why Not Offered", readonly=True)
    line_ids = fields.One2many("sale.order.line.lot.choice.line", "choice_id", "Lots the Customer May Receive")

    @api.depends("sale_line_id")
    def _compute_customer(self):
        for choice in self:
            partner = choice.sale_line_id._get_lot_customer()
            choice.partner_id = partner.commercial_partner_id
            choice.min_shelf_life_days = (
                round(partner._get_min_shelf_life_days(choice.product_id)) if partner and choice.product_id else 0
            )

    @api.model_create_multi
    def create(self, vals_list):
        choices = super().create(vals_list)
        for choice in choices:
            line = choice.sale_line_id
            last_lot = line._get_last_delivered_lot()
            candidates = line._get_lot_candidates()
            offered = any(candidate["lot"] == last_lot for candidate in candidates)
            choice.write(
                {
                    "quantity_needed": line._get_lot_quantity_needed(),
                    "last_lot_id": last_lot.id,
                    "last_lot_offered": offered,
                    "last_lot_note": not offered and last_lot and line._get_lot_not_offered_reason(last_lot),
                    "line_ids": [
                        fields.Command.create(
                            {
                                "lot_id": candidate["lot"].id,
                                "quantity": candidate["quantity"],
                                "shelf_life_days": candidate["shelf_life_days"],
                                "is_last_delivered": candidate["lot"] == last_lot,
                                "is_chosen": candidate["lot"] == line.lot_id,
                            }
                        )
                        for candidate in candidates
                    ],
                }
            )
        return choices

    def action_same_lot_as_last_delivery(self):
        self.ensure_one()
        self.sale_line_id.action_same_lot_as_last_delivery()
        return {"type": "ir.actions.act_window_close"}

    def action_clear_lot(self):
        """No lot chosen: the warehouse picks by FEFO."""
        self.ensure_one()
        self.sale_line_id.lot_id = False
        return {"type": "ir.actions.act_window_close"}


class SaleOrderLineLotChoiceLine(models.TransientModel):
    _name = "sale.order.line.lot.choice.line"
    _description = "Candidate Lot for a Sales Order Line"
    _order = "id"

    choice_id = fields.Many2one("sale.order.line.lot.choice", required=True, ondelete="cascade")
    lot_id = fields.Many2one("stock.lot", required=True, readonly=True)
    quantity = fields.Float("Available", digits="Product Unit of Measure", readonly=True)
    expiration_date = fields.Datetime(related="lot_id.expiration_date")
    removal_date = fields.Datetime(related="lot_id.removal_date")
    shelf_life_days = fields.Integer(
        "Shelf Life Left (days)", readonly=True, help="Days before the lot expires, counted from the delivery date."
    )
    min_shelf_life_days = fields.Integer(related="choice_id.min_shelf_life_days")
    qc_state = fields.Selection(related="lot_id.qc_state")
    is_last_delivered = fields.Boolean("Last Delivered", readonly=True)
    is_chosen = fields.Boolean("Chosen", readonly=True)

    def action_choose(self):
        self.ensure_one()
        self.choice_id.sale_line_id.lot_id = self.lot_id
        return {"type": "ir.actions.act_window_close"}
