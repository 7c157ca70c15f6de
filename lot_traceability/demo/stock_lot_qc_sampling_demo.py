from odoo import api, fields, models

from ..tools import stock_flows


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_sampling(self):
        """Sampling plans on the demo: five lots of 1 200 glass jars from Vitrum Glassworks. The first four were
        counted and signed (0, 4, 1 and 3 nonconforming jars in 80: accepted, rejected, accepted, rejected), which
        put the jars on tightened inspection; JAR-4105 waits for its count (n = 80, Ac 1, Re 2)."""
        ref = self.env.ref
        jar = ref("lot_traceability.product_glass_jar_demo")
        if self.env["stock.lot"].search_count([("product_id", "=", jar.id)], limit=1):
            return None  # made already: demo data loads again on every update of the module
        vitrum = ref("lot_traceability.partner_vitrum_glassworks_demo")
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        now = fields.Datetime.now()
        for index, nonconforming in enumerate((0, 4, 1, 3, None)):
            picking = stock_flows.create_pickings(
                self.env,
                [
                    stock_flows.prepare_picking_vals(
                        warehouse.in_type_id,
                        vitrum,
                        [(jar, 1200)],
                        destination=warehouse.lot_stock_id,
                        origin="Demo purchase",
                    )
                ],
            )
            name = f"JAR-41{index + 1:02d}"
            stock_flows.set_move_lines(
                picking.move_ids,
                [stock_flows.line_vals(picking.move_ids, 1200, supplier_lot_code=f"VG-{name}", lot_name=name)],
            )
            picking.button_validate()
            lot = picking.move_line_ids.lot_id
            if nonconforming is None:
                continue
            accepted = nonconforming <= lot.qc_sampling_ids.accept_number
            self._demo_sign(
                lot,
                "release" if accepted else "reject",
                "Approved for release" if accepted else "Rejected: too many nonconforming jars in the sample",
                now,  # today, after the receipt: the lot control history before today stays the one it counts
                {"Sampling": nonconforming},
            )
            lot.qc_sampling_ids._record_outcome()
        return True
