from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _put_in_pack(self, move_line_ids):
        """A company that opts in gives every new package its SSCC at put in pack."""
        package = super()._put_in_pack(move_line_ids)
        company = self.company_id[:1] or self.env.company
        if company.lot_traceability_sscc_on_put_in_pack and not package.sscc:
            package.with_company(company).action_assign_sscc()
        return package
