from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class StockLotFefoCompliance(models.TransientModel):
    """Share of the outgoing quantity of a period that left in FEFO order.

    A shipped or consumed quantity is in FEFO order when no lot of the same product with an earlier
    removal date left stock after it in the period: an earlier-expiring lot still on the shelf
    would have had to go first.
    """

    _name = "stock.lot.fefo.compliance"
    _description = "FEFO Compliance"

    date_from = fields.Datetime(required=True, default=lambda self: fields.Datetime.now() - timedelta(days=30))
    date_to = fields.Datetime(required=True, default=fields.Datetime.now)
    line_ids = fields.One2many("stock.lot.fefo.compliance.line", "compliance_id", readonly=True)
    outgoing_qty = fields.Float(compute="_compute_totals", digits="Product Unit of Measure")
    in_order_qty = fields.Float("In FEFO Order", compute="_compute_totals", digits="Product Unit of Measure")
    compliance = fields.Float("FEFO Compliance (%)", compute="_compute_totals", digits=(16, 1))

    @api.depends("line_ids")
    def _compute_totals(self):
        for wizard in self:
            wizard.outgoing_qty = sum(wizard.line_ids.mapped("outgoing_qty"))
            wizard.in_order_qty = sum(wizard.line_ids.mapped("in_order_qty"))
            wizard.compliance = wizard.outgoing_qty and 100 * wizard.in_order_qty / wizard.outgoing_qty

    def action_compute(self):
        self.ensure_one()
        self.env["stock.move.line"].flush_model(["state", "date", "lot_id", "location_id", "location_dest_id"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH outgoing AS (
                    SELECT line.product_id, line.quantity_product_uom AS quantity, lot.removal_date,
                           MIN(lot.removal_date) OVER (
                               PARTITION BY line.company_id, line.product_id ORDER BY line.date DESC, line.id DESC
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                           ) AS earliest_removal_after
                      FROM stock_move_line line
                      JOIN stock_lot lot ON lot.id = line.lot_id AND lot.removal_date IS NOT NULL
                      JOIN stock_location source ON source.id = line.location_id AND source.usage = 'internal'
                      JOIN stock_location destination
                        ON destination.id = line.location_dest_id AND destination.usage IN ('customer', 'production')
                     WHERE line.state = 'done' AND line.date BETWEEN %(date_from)s AND %(date_to)s
                       AND line.company_id = ANY(%(company_ids)s)
                )
                SELECT product_id, SUM(quantity),
                       SUM(quantity) FILTER (WHERE earliest_removal_after IS NULL
                                                OR earliest_removal_after >= removal_date)
                  FROM outgoing
                 GROUP BY product_id
                """,
                date_from=self.date_from,
                date_to=self.date_to,
                company_ids=self.env.companies.ids,
            )
        )
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create({"product_id": product, "outgoing_qty": total, "in_order_qty": in_order or 0.0})
            for product, total, in_order in rows
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }


class StockLotFefoComplianceLine(models.TransientModel):
    _name = "stock.lot.fefo.compliance.line"
    _description = "FEFO Compliance per Product"

    compliance_id = fields.Many2one("stock.lot.fefo.compliance", required=True, ondelete="cascade")
    product_id = fields.Many2one("product.product")
    outgoing_qty = fields.Float("Outgoing", digits="Product Unit of Measure")
    in_order_qty = fields.Float("In FEFO Order", digits="Product Unit of Measure")
    compliance = fields.Float("Compliance (%)", compute="_compute_compliance", digits=(16, 1))

    @api.depends("outgoing_qty", "in_order_qty")
    def _compute_compliance(self):
        for line in self:
            line.compliance = line.outgoing_qty and 100 * line.in_order_qty / line.outgoing_qty
