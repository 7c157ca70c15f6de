from odoo import api, fields, models


class StockLotReworkWizard(models.TransientModel):
    """Rework a lot on hold: how much, from where, into which product. The lot's method makes the order."""

    _name = "stock.lot.rework.wizard"
    _description = "Rework a Lot on Hold"

    lot_id = fields.Many2one("stock.lot", "Lot on Hold", required=True, domain="[('qc_state', '=', 'on_hold')]")
    lot_product_id = fields.Many2one(related="lot_id.product_id", string="Product on Hold")
    company_id = fields.Many2one(related="lot_id.company_id")
    location_id = fields.Many2one(
        "stock.location",
        "From",
        compute="_compute_location_id",
        store=True,
        readonly=False,
        required=True,
        domain="[('usage', '=', 'internal'), ('quant_ids.lot_id', '=', lot_id)]",
        help="Where the rework takes the lot from: where most of it is, unless you choose.",
    )
    available_qty = fields.Float(
        "On Hold There",
        compute="_compute_available_qty",
        digits="Product Unit of Measure",
        help="On hand at that location and not reserved by another operation.",
    )
    quantity = fields.Float(
        "Quantity to Rework",
        compute="_compute_quantity",
        store=True,
        readonly=False,
        digits="Product Unit of Measure",
        help="How much of the lot the rework order consumes: all of it at that location unless you say less.",
    )
    product_id = fields.Many2one(
        "product.product",
        "Product to Make",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        required=True,
        domain="[('is_storable', '=', True), ('tracking', '=', 'lot')]",
        help="The same product unless the rework makes another one. It is made into a new lot, pending release.",
    )
    bom_id = fields.Many2one(
        "mrp.bom",
        "Bill of Materials",
        domain="[('product_tmpl_id.product_variant_ids', '=', product_id)]",
        help="Optional: the components and operations of the rework. Without one, the lot on hold is the only "
        "component.",
    )
    product_qty = fields.Float(
        "Quantity to Make",
        compute="_compute_product_qty",
        store=True,
        readonly=False,
        digits="Product Unit of Measure",
    )

    @api.depends("lot_id")
    def _compute_location_id(self):
        for wizard in self:
            wizard.location_id = wizard.lot_id._get_rework_default_location() if wizard.lot_id else False

    @api.depends("lot_id", "location_id")
    def _compute_available_qty(self):
        for wizard in self:
            wizard.available_qty = (
                wizard.lot_id._get_rework_available(wizard.location_id) if wizard.lot_id and wizard.location_id else 0.0
            )

    @api.depends("available_qty")
    def _compute_quantity(self):
        for wizard in self:
            wizard.quantity = wizard.available_qty

    @api.depends("lot_id")
    def _compute_product_id(self):
        for wizard in self:
            wizard.product_id = wizard.lot_id.product_id

    @api.depends("quantity", "product_id", "lot_id")
    def _compute_product_qty(self):
        for wizard in self:
            wizard.product_qty = wizard.quantity if wizard.product_id == wizard.lot_id.product_id else 0.0

    def _create_production(self):
        self.ensure_one()
        return self.lot_id._create_rework_production(
            self.quantity,
            location=self.location_id,
            product=self.product_id,
            bom=self.bom_id or None,
            product_qty=self.product_qty,
        )

    def action_create(self):
        """Make the rework order and open it."""
        self.ensure_one()
        production = self._create_production()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mrp.production",
            "res_id": production.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
