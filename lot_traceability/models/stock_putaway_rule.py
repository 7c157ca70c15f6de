from odoo import api, fields, models
from odoo.exceptions import ValidationError


class StockPutawayRule(models.Model):
    """Expiry-aware put-away: a rule may send lots with little shelf life left to another location
    (a forward pick face or a clearance area) instead of its normal "Store to" location."""

    _inherit = "stock.putaway.rule"

    short_dated_days = fields.Integer(
        "Short-Dated Below (Days)",
        help="A lot with fewer days than this left before its expiration date is stored in the short-dated "
        "location. 0 disables the day threshold.",
    )
    short_dated_percent = fields.Float(
        "Short-Dated Below (%)",
        help="A lot with less than this percentage of the product's total shelf life (its expiration time) left is "
        "stored in the short-dated location. 0 disables the percentage threshold.",
    )
    short_dated_location_id = fields.Many2one(
        "stock.location",
        "Short-Dated Store To",
        domain="[('usage', '=', 'internal')]",
        check_company=True,
        help="Where short-dated lots of this rule go (forward pick face, clearance). Products without expiration "
        "dates always follow the normal rule.",
    )

    @api.constrains("short_dated_days", "short_dated_percent", "short_dated_location_id")
    def _check_short_dated(self):
        for rule in self:
            if rule.short_dated_days < 0 or not 0 <= rule.short_dated_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "Put-away rule for %(location)s: short-dated days must be positive and the percentage "
                        "between 0 and 100.",
                        location=rule.location_in_id.display_name,
                    )
                )
            if rule.short_dated_location_id and not (rule.short_dated_days or rule.short_dated_percent):
                raise ValidationError(
                    self.env._(
                        "Put-away rule for %(location)s: set the days or the percentage of shelf life below which a "
                        "lot goes to %(short_dated)s.",
                        location=rule.location_in_id.display_name,
                        short_dated=rule.short_dated_location_id.display_name,
                    )
                )

    def _is_short_dated(self, product, expiration_date):
        """Whether a lot of ``product`` expiring on ``expiration_date`` has less shelf life left than this
        rule's day or percentage threshold (either one is enough)."""
        self.ensure_one()
        if not (self.short_dated_location_id and expiration_date and product.use_expiration_date):
            return False
        days_left = (fields.Datetime.to_datetime(expiration_date) - fields.Datetime.now()).total_seconds() / 86400
        if self.short_dated_days and days_left < self.short_dated_days:
            return True
        shelf_life = product.expiration_time
        return bool(self.short_dated_percent and shelf_life and days_left * 100 / shelf_life < self.short_dated_percent)
