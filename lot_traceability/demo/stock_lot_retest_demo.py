from datetime import timedelta

from odoo import api, fields, models

from ..tools import stock_flows


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_retest(self):
        """Retest dates and expiry from components on the demo: lactose lots LAC-2401 (produced 200 days ago,
        retest 180 days after: due for retest since 20 days) and LAC-2402 (produced 10 days ago) received from
        Alpine Dairy Cooperative; a manufacturing order of 100 kg of Infant Formula Base consumes whole milk powder
        and LAC-2402 (LAC-2401 is not reserved): its lot expires 30 days before the earliest component lot."""
        ref = self.env.ref
        lactose = ref("lot_traceability.product_lactose_demo")
        if self.env["stock.lot"].search_count([("product_id", "=", lactose.id)], limit=1):
            return None  # made already: demo data loads again on every update of the module
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        today = fields.Date.context_today(self)
        picking = stock_flows.create_pickings(
            self.env,
            [
                stock_flows.prepare_picking_vals(
                    warehouse.in_type_id,
                    ref("lot_traceability.partner_alpine_dairy_demo"),
                    [(lactose, 400)],
                    destination=warehouse.lot_stock_id,
                    origin="Demo purchase",
                )
            ],
        )
        stock_flows.set_move_lines(
            picking.move_ids,
            [
                stock_flows.line_vals(
                    picking.move_ids,
                    200,
                    lot_name=name,
                    supplier_lot_code=code,
                    supplier_production_date=today - timedelta(days=days_ago),
                )
                for name, code, days_ago in (("LAC-2401", "AD-L2401", 200), ("LAC-2402", "AD-L2402", 10))
            ],
        )
        picking.button_validate()
        formula = ref("lot_traceability.product_infant_formula_base_demo")
        return stock_flows.produce(formula.bom_ids[:1], 100)
