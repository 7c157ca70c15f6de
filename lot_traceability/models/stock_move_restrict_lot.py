from odoo import api, fields, models
from odoo.exceptions import UserError


class StockMove(models.Model):
    _inherit = "stock.move"

    # Odoo 18 community has no lot restriction on moves: the lot chosen on a sales order line travels
    # as a procurement value (sale.order.line._prepare_procurement_values -> stock.rule custom move
    # fields -> stock.move._prepare_procurement_values for the earlier steps of a multi-step route).
    restrict_lot_id = fields.Many2one(
        "stock.lot",
        "Chosen Lot",
        copy=False,  # carried by a split (backorder) only, not by returns or duplicates
        index="btree_not_null",
        check_company=True,
        readonly=True,
        help="The lot chosen on the sales order line: only this lot is reserved and shipped.",
    )

    def _prepare_procurement_values(self):
        values = super()._prepare_procurement_values()
        values["restrict_lot_id"] = self.restrict_lot_id.id
        return values

    @api.model
    def _prepare_merge_moves_distinct_fields(self):
        return [*super()._prepare_merge_moves_distinct_fields(), "restrict_lot_id"]

    def _prepare_move_split_vals(self, qty):
        vals = super()._prepare_move_split_vals(qty)
        if self.restrict_lot_id:
            vals["restrict_lot_id"] = self.restrict_lot_id.id
        return vals

    def _update_reserved_quantity_vals(
        self, need, location_id, lot_id=None, package_id=None, owner_id=None, strict=True
    ):
        if self.restrict_lot_id:
            if lot_id and lot_id != self.restrict_lot_id:
                # A chained step offered another lot its previous step brought: not this order's.
                return [], 0
            lot_id = self.restrict_lot_id
        return super()._update_reserved_quantity_vals(need, location_id, lot_id, package_id, owner_id, strict)

    def _get_available_quantity(
        self, location_id, lot_id=None, package_id=None, owner_id=None, strict=False, allow_negative=False
    ):
        if self.restrict_lot_id:
            if lot_id and lot_id != self.restrict_lot_id:
                return 0
            lot_id = self.restrict_lot_id
        return super()._get_available_quantity(location_id, lot_id, package_id, owner_id, strict, allow_negative)

    def _prepare_move_line_vals(self, quantity=None, reserved_quant=None):
        vals = super()._prepare_move_line_vals(quantity=quantity, reserved_quant=reserved_quant)
        # A lot-less quant of a tracked product gathered for a restricted move still leaves as the chosen lot.
        if self.restrict_lot_id and not vals.get("lot_id"):
            vals["lot_id"] = self.restrict_lot_id.id
        return vals

    def _action_done(self, cancel_backorder=False):
        self._check_restricted_lot()
        return super()._action_done(cancel_backorder=cancel_backorder)

    def _check_restricted_lot(self):
        """A move whose lot was chosen on the sales order ships that lot and no other."""
        for move in self.filtered("restrict_lot_id"):
            other_lots = move.move_line_ids.filtered("quantity").lot_id
            other_lots -= move.restrict_lot_id
            if other_lots:
                raise UserError(
                    self.env._(
                        "%(picking)s: the sales order chose lot %(lot)s for %(product)s, but %(others)s was "
                        "picked. Pick lot %(lot)s, or change the lot on the sales order line first.",
                        picking=move.picking_id.display_name or move.reference,
                        lot=move.restrict_lot_id.name,
                        product=move.product_id.display_name,
                        others=", ".join(other_lots.mapped("name")),
                    )
                )
