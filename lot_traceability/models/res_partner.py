from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    min_shelf_life_days = fields.Integer(
        "Minimum Remaining Shelf Life (days)",
        help="Deliveries to this customer only take lots that arrive with at least this many days before "
        "their expiration date. Set on the company; its contacts and addresses inherit it.",
    )
    min_shelf_life_percent = fields.Float(
        "Minimum Remaining Shelf Life (%)",
        help="Deliveries to this customer only take lots with at least this share of the product's total "
        "shelf life left. When both are set, the stricter one applies.",
    )

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "min_shelf_life_days", "min_shelf_life_percent"]

    @api.constrains("min_shelf_life_days", "min_shelf_life_percent")
    def _check_min_shelf_life(self):
        for partner in self:
            if partner.min_shelf_life_days < 0 or not 0 <= partner.min_shelf_life_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: the minimum remaining shelf life must be a positive number of days and "
                        "a percentage between 0 and 100.",
                        partner=partner.display_name,
                    )
                )

    def _get_min_shelf_life_days(self, product):
        """Days of shelf life a lot of ``product`` must still have when it reaches this partner."""
        self.ensure_one()
        entity = self.commercial_partner_id
        from_percent = entity.min_shelf_life_percent / 100 * product.expiration_time if product.expiration_time else 0
        return max(entity.min_shelf_life_days, from_percent)

    def _get_min_expiration_date(self, product, date):
        """The earliest expiration date a lot may have to be delivered to this partner on ``date``."""
        days = self._get_min_shelf_life_days(product)
        return date + timedelta(days=days) if days else False
