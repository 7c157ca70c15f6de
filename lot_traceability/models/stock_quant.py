from odoo import models
from odoo.osv import expression


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_gather_domain(self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False):
        domain = super()._get_gather_domain(product_id, location_id, lot_id, package_id, owner_id, strict)
        if strict or self.env.context.get("lot_traceability_any_qc_state"):
            return domain
        # Automatic reservation never takes a lot on hold or rejected, nor an unreleased lot of a
        # product that requires release.
        allowed_states = ["released"] if product_id._requires_qc_release() else ["released", "pending"]
        domain = expression.AND([domain, ["|", ("lot_id", "=", False), ("lot_id.qc_state", "in", allowed_states)]])
        # Shelf life (stock.move._get_fefo_context): nothing past its removal or expiration date at
        # the move's date, nothing expiring before the customer's minimum remaining shelf life.
        move_date = self.env.context.get("lot_traceability_move_date")
        if move_date:
            domain = expression.AND(
                [
                    domain,
                    ["|", ("removal_date", "=", False), ("removal_date", ">", move_date)],
                    ["|", ("expiration_date", "=", False), ("expiration_date", ">", move_date)],
                ]
            )
        min_expiration = self.env.context.get("lot_traceability_min_expiration")
        if min_expiration:
            domain = expression.AND([domain, ["|", ("lot_id", "=", False), ("expiration_date", ">=", min_expiration)]])
        return domain
