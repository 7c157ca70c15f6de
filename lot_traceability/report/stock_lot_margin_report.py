from odoo import api, fields, models
from odoo.tools import SQL

from ..models.stock_lot_cost import RECONCILIATION_STATES
from ..tools.planner import planner_setting

# What the analyses read: flushed before the view is queried.
COSTING_DEPENDS = {
    "stock.move.line": ["lot_id", "state", "location_id", "location_dest_id", "move_id", "quantity_product_uom"],
    "stock.move": ["production_id", "purchase_line_id", "sale_line_id", "unbuild_id", "date", "product_id"],
    "stock.valuation.layer": ["value", "quantity", "lot_id", "stock_move_id"],
    "mrp.production": ["product_id", "extra_cost"],
    "mrp.workorder": ["duration", "workcenter_id", "production_id"],
    "mrp.workcenter": ["costs_hour"],
    "purchase.order.line": ["price_subtotal", "product_uom_qty", "currency_id"],
    "stock.lot": ["product_id", "company_id", "name"],
}


class LotCostingAnalysis(models.AbstractModel):
    """An analysis whose every read (list, count, group, record) runs the recursive costing query over
    every lot. Its cost estimate makes PostgreSQL compile it with JIT, which takes longer than the query
    itself (README, "Planner settings"): JIT is off while the analysis's own queries run, and only then
    (the ORM runs them where the rows are fetched, counted or grouped, not in ``_search``)."""

    _name = "lot.traceability.costing.analysis"
    _description = "Lot Costing Analysis"

    def _fetch_query(self, query, fields):
        with planner_setting(self.env.cr, "jit", "off"):
            return super()._fetch_query(query, fields)

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        with planner_setting(self.env.cr, "jit", "off"):
            return super()._read_group(
                domain, groupby, aggregates, having=having, offset=offset, limit=limit, order=order
            )

    @api.model
    def search_count(self, domain, limit=None):
        with planner_setting(self.env.cr, "jit", "off"):
            return super().search_count(domain, limit=limit)


class StockLotMarginReport(models.Model):
    """Revenue, cost of goods sold and margin per lot and customer invoice line."""

    _name = "stock.lot.margin.report"
    _description = "Lot Margin Analysis"
    _auto = False
    _rec_name = "lot_id"
    _order = "date desc, id"
    _depends = {
        **COSTING_DEPENDS,
        "account.move.line": ["balance", "quantity", "product_uom_id", "parent_state", "display_type"],
        "account.move": ["move_type", "invoice_date", "commercial_partner_id", "company_id"],
    }

    lot_id = fields.Many2one("stock.lot", "Lot/Serial Number", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_categ_id = fields.Many2one("product.category", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    invoice_id = fields.Many2one("account.move", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date("Invoice Date", readonly=True)
    quantity = fields.Float(
        "Quantity Sold", digits="Product Unit of Measure", readonly=True, help="Credit notes count negatively."
    )
    revenue = fields.Monetary(readonly=True, help="Company currency, at the invoice's rate.")
    cogs = fields.Monetary("Cost of Goods Sold", readonly=True, help="Quantity sold x unit cost of the lot.")
    margin = fields.Monetary(readonly=True)
    margin_percent = fields.Float("Margin (%)", aggregator="avg", readonly=True)

    @property
    def _table_query(self):
        lot = self.env["stock.lot"]
        delivered_lots = SQL(
            """SELECT line.lot_id FROM stock_move_line line
                 JOIN stock_move move ON move.id = line.move_id AND move.sale_line_id IS NOT NULL
                WHERE line.lot_id IS NOT NULL AND line.state = 'done'"""
        )
        return SQL(
            """
            WITH lot_invoice AS (%(lot_invoice)s),
            lot_cost AS (%(costing)s)
            SELECT ROW_NUMBER() OVER (ORDER BY lot_invoice.invoice_line_id, lot_invoice.lot_id)::int AS id,
                   lot_invoice.lot_id, lot_cost.product_id, template.categ_id AS product_categ_id,
                   lot_invoice.partner_id, lot_invoice.invoice_id, lot_invoice.company_id,
                   lot_cost.currency_id, lot_invoice.invoice_date AS date,
                   lot_invoice.quantity, lot_invoice.revenue,
                   lot_invoice.quantity * COALESCE(lot_cost.unit_cost, 0) AS cogs,
                   lot_invoice.revenue - lot_invoice.quantity * COALESCE(lot_cost.unit_cost, 0) AS margin,
                   CASE WHEN lot_invoice.revenue != 0
                        THEN 100.0 * (lot_invoice.revenue - lot_invoice.quantity * COALESCE(lot_cost.unit_cost, 0))
                             / lot_invoice.revenue
                   END AS margin_percent
              FROM lot_invoice
              JOIN lot_cost ON lot_cost.lot_id = lot_invoice.lot_id
              JOIN product_product product ON product.id = lot_cost.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
            """,
            lot_invoice=lot._get_lot_invoice_sql(delivered_lots),
            costing=lot._get_costing_sql(SQL("SELECT DISTINCT lot_id FROM lot_invoice")),
        )


class StockLotCostReconciliation(models.Model):
    """Each lot's cost against the valuation layers Odoo booked for it; differences with their why."""

    _name = "stock.lot.cost.reconciliation"
    _inherit = ["lot.traceability.costing.analysis"]
    _description = "Lot Cost Reconciliation"
    _auto = False
    _rec_name = "lot_id"
    _order = "abs_difference desc, lot_id desc"
    _depends = COSTING_DEPENDS

    lot_id = fields.Many2one("stock.lot", "Lot/Serial Number", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    material_cost = fields.Monetary(readonly=True)
    landed_cost = fields.Monetary(readonly=True)
    operation_cost = fields.Monetary(readonly=True)
    expected = fields.Monetary("Lot Cost", readonly=True, help="Total cost of the lot from its breakdown.")
    valued = fields.Monetary(
        "Valued by Odoo",
        readonly=True,
        help="Sum of the valuation layers that brought the lot into stock or changed its value.",
    )
    difference = fields.Monetary(readonly=True)
    abs_difference = fields.Monetary("Absolute Difference", readonly=True)
    reason = fields.Selection(RECONCILIATION_STATES, "Why", readonly=True)
    cost_method = fields.Selection(
        selection=lambda self: (
            self.env["product.category"]._fields["property_cost_method"]._description_selection(self.env)
        ),
        readonly=True,
    )
    lot_valuated = fields.Boolean("Valued per Lot", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT cost.lot_id AS id, cost.lot_id, cost.product_id, cost.company_id, cost.currency_id,
                   cost.quantity,
                   ROUND(cost.material_cost, currency.decimal_places) AS material_cost,
                   ROUND(cost.landed_cost, currency.decimal_places) AS landed_cost,
                   ROUND(cost.operation_cost, currency.decimal_places) AS operation_cost,
                   %(expected)s AS expected,
                   ROUND(cost.valuation_total, currency.decimal_places) AS valued,
                   %(expected)s - ROUND(cost.valuation_total, currency.decimal_places) AS difference,
                   ABS(%(expected)s - ROUND(cost.valuation_total, currency.decimal_places)) AS abs_difference,
                   cost.reconciliation AS reason, cost.cost_method, cost.lot_valuated
              FROM (%(costing)s) cost
              JOIN res_currency currency ON currency.id = cost.currency_id
            """,
            costing=self.env["stock.lot"]._get_cost_breakdown_query(with_sales=False, with_names=False),
            expected=SQL(
                """(ROUND(cost.material_cost, currency.decimal_places)
                    + ROUND(cost.landed_cost, currency.decimal_places)
                    + ROUND(cost.operation_cost, currency.decimal_places))"""
            ),
        )
