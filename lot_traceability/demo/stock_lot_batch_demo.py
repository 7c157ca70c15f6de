from odoo import api, fields, models

from ..tools import stock_flows

# The labels scanned at the demo's receipts: (01) GTIN, (11) production, (17) expiry, (10) batch, (21) serial.
PEN_SCANS = (
    "(01)09506000888019(11)260105(17)280105(10)PEN-B2601(21)SN-260001",
    "(01)09506000888019(11)260105(17)280105(10)PEN-B2601(21)SN-260002",
    "(01)09506000888019(11)260105(17)280105(10)PEN-B2601(21)SN-260003",
    "(01)09506000888019(11)260112(17)280112(10)PEN-B2602(21)SN-260101",
)
# A cheese wheel, weighed: (3103) is the net weight in kg with 3 decimals.
GOUDA_SCANS = ("(01)99506000888029(10)GOUDA-2601(3103)011850",)


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_serial_batches(self):
        """Serials in batches and quantities from the scan on the demo: the pens' labels scanned at receipt (each
        serial created in its batch, the batch with the label's dates), batch PEN-B2601 released by QA (its three
        pens with it) and one of its pens delivered to Hilltop Pharmacy; a Gouda wheel received with its weight."""
        ref = self.env.ref
        pen = ref("lot_traceability.product_insulin_pen_demo")
        if self.env["stock.lot"].search_count([("product_id", "=", pen.id)], limit=1):
            return None  # made already: demo data loads again on every update of the module
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        supplier = ref("lot_traceability.partner_alpine_dairy_demo")
        for product, scans in ((pen, PEN_SCANS), (ref("lot_traceability.product_gouda_wheel_demo"), GOUDA_SCANS)):
            picking = stock_flows.create_pickings(
                self.env,
                [
                    stock_flows.prepare_picking_vals(
                        warehouse.in_type_id,
                        supplier,
                        [(product, len(scans))],
                        destination=warehouse.lot_stock_id,
                        origin="Demo purchase",
                    )
                ],
            )
            move = picking.move_ids
            lines = []
            for scan in scans:
                line = self.env["stock.move.line"].new(stock_flows.line_vals(move, 1))
                lines.append(stock_flows.line_vals(move, 1, **line._get_gs1_scan_values(scan)))
            stock_flows.set_move_lines(move, lines)
            picking.button_validate()
        batch = self.env["stock.lot"].search([("name", "=", "PEN-B2601"), ("product_id", "=", pen.id)])
        self._demo_sign(batch, "release", "Batch record reviewed, approved for release", fields.Datetime.now())
        delivery = stock_flows.create_pickings(
            self.env,
            [
                stock_flows.prepare_picking_vals(
                    warehouse.out_type_id,
                    ref("lot_traceability.partner_hilltop_pharmacy_demo"),
                    [(pen, 1)],
                    warehouse.lot_stock_id,
                    ref("stock.stock_location_customers"),
                    origin="Demo sale",
                )
            ],
            assign=True,
        )
        delivery.move_ids.picked = True
        delivery.button_validate()
        return delivery
