from odoo import models


class StockLocation(models.Model):
    _inherit = "stock.location"

    def _get_putaway_strategy(self, product, quantity=0, package=None, packaging=None, additional_qty=None):
        """A lot's expiration date reaches put-away through the ``putaway_expiration_date`` context key (set by
        the move line, see stock_move_line_putaway.py): the most specific matching rule with a short-dated
        location sends a short-dated lot there; everything else follows Odoo's rules."""
        expiration_date = self.env.context.get("putaway_expiration_date")
        if expiration_date and product and product.use_expiration_date:
            rule = self._check_access_putaway()._get_short_dated_putaway_rule(product)
            if rule and rule._is_short_dated(product, expiration_date):
                return rule.short_dated_location_id
        return super()._get_putaway_strategy(
            product, quantity=quantity, package=package, packaging=packaging, additional_qty=additional_qty
        )

    def _get_short_dated_putaway_rule(self, product):
        """The put-away rule with a short-dated location that applies to ``product`` here, ordered as Odoo
        orders its rules (product before category, closest category first, then sequence)."""
        self.ensure_one()
        categs = self.env["product.category"].search([("id", "parent_of", product.categ_id.id)])
        rules = self.putaway_rule_ids.filtered(
            lambda rule: (
                rule.short_dated_location_id
                and (not rule.product_id or rule.product_id == product)
                and (not rule.category_id or rule.category_id in categs)
            )
        )
        return rules.sorted(
            lambda rule: (bool(rule.product_id), rule.category_id == product.categ_id, bool(rule.category_id)),
            reverse=True,
        )[:1]

    def _is_company_stock(self, company):
        """Whether this location holds ``company``'s own stock: internal, not for scrap, and of that company (or
        of none). Goods that leave it for anywhere else leave the company's controlled stock."""
        self.ensure_one()
        return (
            self.usage == "internal"
            and not self.scrap_location
            and (not self.company_id or not company or self.company_id == company)
        )
