from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _get_delivery_refusals(self, partner, date):
        """Why each of these lots may not be picked on ``date`` for ``partner`` (a customer, or none).

        The one answer to "may this lot go out?", read by reservation explanations (Why these lots?), the
        validation check and every screen that offers lots to pick.

        :param partner: the customer whose requirements apply (``res.partner``, may be empty)
        :param date: when the rules are evaluated: a move's date (reservation), or now (validation)
        :return: dict ``lot id -> (rule, explanation)``, rule in ``qc``, ``spec``, ``expired``, ``removal``,
            ``shelf_life``; lots that may be picked have no key. The rules that are never overridden come
            first (``qc``, then the customer's lot specification ``spec``), so that an override reason given
            for a date never lets through a lot that breaks one of them.
        """
        reasons = {}
        unreleased = self._get_unreleased()
        spec_refusals = self._get_spec_refusals(partner) if partner else {}
        states = dict(self._fields["qc_state"]._description_selection(self.env))
        min_expirations = {}
        if partner:
            min_expirations = {product: partner._get_min_expiration_date(product, date) for product in self.product_id}
        for lot in self:
            min_expiration = min_expirations.get(lot.product_id)
            if lot in unreleased:
                reasons[lot.id] = ("qc", self.env._("QC state is %(state)s", state=states[lot.qc_state]))
            elif lot.id in spec_refusals:
                reasons[lot.id] = ("spec", spec_refusals[lot.id])
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

    def _get_spec_refusals(self, partner):
        """The lots of ``self`` that ``partner``'s lot specification refuses (res.partner.lot.spec), with the first
        requirement each one fails, e.g. "fat 3.7 % outside 3 \N{EN DASH} 3.5 % required by Dairy Co".

        One query per requirement that applies, whatever the number of lots.

        :return: dict ``lot id -> explanation``
        """
        refusals = {}
        lots = self.sudo()  # the checks and supplier lots of a lot decide, whoever asks
        for (product, company), group in lots.grouped(lambda lot: (lot.product_id, lot.company_id)).items():
            remaining = group
            for spec in partner._get_lot_specs(product, company or self.env.company):
                meeting = lots.search([("id", "in", remaining.ids), *spec._get_lot_domain()])
                for lot in remaining - meeting:
                    refusals[lot.id] = spec._explain_refusal(lot)
                remaining = meeting
                if not remaining:
                    break
        return refusals
