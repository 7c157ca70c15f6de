from odoo import api, fields, models

from ..tools import stock_flows


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_lot_spec(self):
        """Customer lot specifications on the demo: two lots of whole milk powder received from Alpine Dairy
        Cooperative and released, WMP-3101 with 3.8 % moisture, WMP-3102 with 3.2 %; a delivery to Little
        Sprouts Baby Food (at most 3.5 %) reserves WMP-3102, where Odoo's removal order would take WMP-3101."""
        ref = self.env.ref
        powder = ref("lot_traceability.product_whole_milk_powder_demo")
        alpine = ref("lot_traceability.partner_alpine_dairy_demo")
        if self.env["stock.lot"].search_count([("product_id", "=", powder.id)], limit=1):
            return None  # made already: demo data loads again on every update of the module
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        for name, code, moisture in (("WMP-3101", "AD-W3101", 3.8), ("WMP-3102", "AD-W3102", 3.2)):
            picking = stock_flows.create_pickings(
                self.env,
                [
                    stock_flows.prepare_picking_vals(
                        warehouse.in_type_id,
                        alpine,
                        [(powder, 200)],
                        destination=warehouse.lot_stock_id,
                        origin="Demo purchase",
                    )
                ],
            )
            stock_flows.set_move_lines(
                picking.move_ids,
                [stock_flows.line_vals(picking.move_ids, 200, supplier_lot_code=code, lot_name=name)],
            )
            picking.button_validate()
            self._demo_sign(
                picking.move_line_ids.lot_id,
                "release",
                "Approved for release",
                fields.Datetime.now(),
                {"Moisture": moisture, "Salmonella": "Absent"},
            )
        return stock_flows.create_pickings(
            self.env,
            [
                stock_flows.prepare_picking_vals(
                    warehouse.out_type_id,
                    ref("lot_traceability.partner_little_sprouts_contact_demo"),
                    [(powder, 100)],
                    warehouse.lot_stock_id,
                    self.env.ref("stock.stock_location_customers"),
                    origin="Demo sale",
                )
            ],
            assign=True,
        )
