from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError


class MrpProduction(models.Model):
    """Expiry from components: a lot made here expires with the earliest-expiring lot it consumed, minus a margin."""

    _inherit = "mrp.production"

    def _post_inventory(self, cancel_backorder=False):
        # Read and checked before any stock moves: a component lot without an expiry refuses the whole order.
        decisions = {production: production._get_component_expiry() for production in self}
        result = super()._post_inventory(cancel_backorder=cancel_backorder)
        for production, decision in decisions.items():
            if decision:
                production._apply_component_expiry(*decision)
        return result

    def _get_component_expiry(self):
        """``(expiration date, deciding component lot)`` of the lots this order makes, or None when its product
        does not take its expiry from its components.

        :raise UserError: a consumed lot of a component with expiration dates has none, or no consumed lot has one
        """
        self.ensure_one()
        if not self.product_id.expiry_from_components:
            return None
        lines = self.move_raw_ids.move_line_ids.filtered(
            lambda line: line.lot_id and line.quantity and line.product_id.use_expiration_date
        )
        undated = lines.lot_id.filtered(lambda lot: not lot.expiration_date)
        if undated:
            raise UserError(
                self.env._(
                    "%(production)s: component lot %(lot)s (%(product)s) has no expiration date, and %(finished)s "
                    "takes its expiry from its components. Set the component lot's expiration date, or consume "
                    "another lot.",
                    production=self.name,
                    lot=undated[0].name,
                    product=undated[0].product_id.display_name,
                    finished=self.product_id.display_name,
                )
            )
        if not lines:
            raise UserError(
                self.env._(
                    "%(production)s: %(finished)s takes its expiry from its components, but the order consumes no "
                    "lot with an expiration date. Consume the component lots, or turn the product's option off.",
                    production=self.name,
                    finished=self.product_id.display_name,
                )
            )
        deciding = lines.lot_id.sorted(lambda lot: (lot.expiration_date, lot.id))[0]
        margin = self.product_id.expiry_component_margin
        return deciding.expiration_date - timedelta(days=margin), deciding

    def _apply_component_expiry(self, expiration_date, deciding):
        lots = self.move_finished_ids.filtered(lambda move: move.product_id == self.product_id).move_line_ids.lot_id
        if not lots:
            return
        local = fields.Datetime.context_timestamp(self, expiration_date).date()
        margin = self.product_id.expiry_component_margin
        reason = self.env._(
            "Expiry %(date)s from component lot %(lot)s (%(product)s), margin %(margin)s days",
            date=fields.Date.to_string(local),
            lot=deciding.name,
            product=deciding.product_id.display_name,
            margin=margin,
        )
        # The other dates as product_expiry derives them from an expiration date (stock.lot._compute_dates).
        template = self.product_id.product_tmpl_id
        values = {
            "expiration_date": expiration_date,
            "use_date": expiration_date - timedelta(days=template.use_time),
            "removal_date": expiration_date - timedelta(days=template.removal_time),
            "alert_date": expiration_date - timedelta(days=template.alert_time),
        }
        for lot in lots:
            lot_values = dict(values)
            if lot.retest_date and lot.retest_date > local:
                lot_values["retest_date"] = local  # never retested past its expiry
            # The server decides the dates (a production user may not edit a released lot's dates by hand).
            lot.sudo().with_context(lot_traceability_audit_reason=reason).write(lot_values)
