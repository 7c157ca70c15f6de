from odoo import models

PUTAWAY_EXPIRY_FIELDS = {"lot_id", "lot_name", "expiration_date"}


class StockMoveLine(models.Model):
    """Hands each line's expiration date to put-away, and puts a line away again once its lot (and so
    its expiration date) is known: on a receipt the line exists before the lot is typed in."""

    _inherit = "stock.move.line"

    def _get_putaway_expiration_date(self):
        """The expiration date put-away goes by, if a short-dated put-away rule may apply to the line."""
        self.ensure_one()
        if not self.product_id.use_expiration_date:
            return False
        if not self.move_id.location_dest_id.sudo().putaway_rule_ids.short_dated_location_id:
            return False
        return self.lot_id.expiration_date or self.expiration_date

    def _apply_putaway_strategy(self):
        if self.env.context.get("avoid_putaway_rules"):
            return super()._apply_putaway_strategy()
        dated = self.filtered(lambda line: not line.result_package_id and line._get_putaway_expiration_date())
        super(StockMoveLine, self - dated)._apply_putaway_strategy()
        dated._apply_expiry_putaway()

    def _apply_expiry_putaway(self, only_from_putaway=False):
        """Put each line away with its lot's expiration date. ``only_from_putaway`` leaves alone lines whose
        destination a user chose: only lines still at the normal or a short-dated put-away location move."""
        excluded = set(self.ids)
        for line in self:
            destination = line.move_id.location_dest_id
            if not destination:
                continue
            expiration_date = line._get_putaway_expiration_date()
            putaway = destination.with_context(exclude_sml_ids=excluded, do_not_unreserve=True)
            best = putaway.with_context(putaway_expiration_date=expiration_date)._get_putaway_strategy(
                line.product_id, quantity=line.quantity, packaging=line.move_id.product_packaging_id
            )
            if only_from_putaway and best != line.location_dest_id:
                normal = putaway._get_putaway_strategy(
                    line.product_id, quantity=line.quantity, packaging=line.move_id.product_packaging_id
                )
                short_dated = destination.putaway_rule_ids.short_dated_location_id
                if line.location_dest_id not in normal | short_dated | destination:
                    best = line.location_dest_id
            if best != line.location_dest_id:
                line.with_context(do_not_unreserve=True).location_dest_id = best
            excluded.discard(line.id)

    def write(self, vals):
        result = super().write(vals)
        if (
            PUTAWAY_EXPIRY_FIELDS & set(vals)
            and "location_dest_id" not in vals
            and not self.env.context.get("avoid_putaway_rules")
        ):
            self.filtered(
                lambda line: (
                    line.state not in ("done", "cancel")
                    and line.move_id
                    and not line.result_package_id
                    and line._get_putaway_expiration_date()
                )
            )._apply_expiry_putaway(only_from_putaway=True)
        return result
