from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _get_delivery_refusals(self, partner, date):
        """Why each of these lots may not be picked on ``date`` for ``partner`` (a customer, or none).

        The one answer to "may this lot go out?", read by reservation explanations (Why these lots?), the
        validation check and every screen that offers lots to pick.

        :param partner: the customer whose requirements apply (``res.partner``, may be empty)
        :param date: when the rules are evaluated: a move's date (reservation), or now (validation)
        :return: dict ``lot id -> (rule, explanation)``, rule in ``qc``, ``expired``, ``removal``,
            ``shelf_life``; lots that may be picked have no key
        """
        reasons = {}
        unreleased = self._get_unreleased()
        states = dict(self._fields["qc_state"]._description_selection(self.env))
        min_expirations = {}
        if partner:
            min_expirations = {product: partner._get_min_expiration_date(product, date) for product in self.product_id}
        for lot in self:
            min_expiration = min_expirations.get(lot.product_id)
            if lot in unreleased:
                reasons[lot.id] = ("qc", self.env._("QC state is %(state)s", state=states[lot.qc_state]))
            elif lot.expiration_date and lot.expiration_date <= date:
                reasons[lot.id] = ("expired", self.env._("expired"))
            elif lot.removal_date and lot.removal_date <= date:
                reasons[lot.id] = ("removal", self.env._("past its removal date"))
            elif min_expiration and lot.expiration_date and lot.expiration_date < min_expiration:
                reasons[lot.id] = (
                    "shelf_life",
                    self.env._(
                        "too short-dated for %(partner)s (needs %(days)s days of shelf life)",
                        partner=partner.commercial_partner_id.display_name,
                        days=round(partner._get_min_shelf_life_days(lot.product_id)),
                    ),
                )
        return reasons
