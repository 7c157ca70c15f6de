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
        return expression.AND([domain, ["|", ("lot_id", "=", False), ("lot_id.qc_state", "in", allowed_states)]])
