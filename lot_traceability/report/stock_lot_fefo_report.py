from odoo import fields, models, tools
from odoo.tools import SQL


class StockLotFefoReport(models.Model):
    """FEFO compliance: every quantity shipped or consumed from stock, and whether it left in
    first-expired-first-out order.

    A quantity left in FEFO order when no lot of the same product and company with an earlier removal
    date left stock after it: an earlier-expiring lot still on the shelf would have had to go first.
    Only lots with a removal date count. Compliance of any grouping is In FEFO Order / Outgoing.
    """

    _name = "stock.lot.fefo.report"
    _description = "FEFO Compliance Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "lot_id"
    _depends = {
        "stock.move.line": [
            "state",
            "date",
            "company_id",
            "product_id",
            "lot_id",
            "location_id",
            "location_dest_id",
            "picking_id",
            "move_id",
            "quantity_product_uom",
        ],
        "stock.move": ["raw_material_production_id"],
        "stock.lot": ["removal_date"],
        "stock.location": ["usage"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["uom_id"],
    }

    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_uom_id = fields.Many2one("uom.uom", "Unit", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    removal_date = fields.Datetime(readonly=True)
    location_id = fields.Many2one("stock.location", "From", readonly=True)
    location_dest_id = fields.Many2one("stock.location", "To", readonly=True)
    picking_id = fields.Many2one("stock.picking", "Transfer", readonly=True)
    production_id = fields.Many2one("mrp.production", "Manufacturing Order", readonly=True)
    flow = fields.Selection([("delivery", "Delivery"), ("consumption", "Consumption")], readonly=True)
    outgoing_qty = fields.Float("Outgoing", digits="Product Unit of Measure", readonly=True)
    in_order_qty = fields.Float("In FEFO Order", digits="Product Unit of Measure", readonly=True)
    out_of_order_qty = fields.Float(
        "Out of FEFO Order",
        digits="Product Unit of Measure",
        readonly=True,
        help="Left while a lot of the same product with an earlier removal date was left for later.",
    )
    in_order = fields.Boolean("In FEFO Order?", readonly=True)
    earliest_removal_after = fields.Datetime(
        "Earlier Lot Left Later",
        readonly=True,
        help="The earliest removal date among the lots of this product that left stock after this line.",
    )

    def _get_query(self):
        return SQL(
            """
            WITH outgoing AS (
                SELECT line.id, line.date, line.company_id, line.product_id, line.lot_id, line.location_id,
                       line.location_dest_id, line.picking_id,
                       move.raw_material_production_id AS production_id,
                       CASE WHEN destination.usage = 'customer' THEN 'delivery' ELSE 'consumption' END AS flow,
                       line.quantity_product_uom AS quantity, lot.removal_date,
                       MIN(lot.removal_date) OVER (
                           PARTITION BY line.company_id, line.product_id ORDER BY line.date DESC, line.id DESC
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                       ) AS earliest_removal_after
                  FROM stock_move_line line
                  JOIN stock_lot lot ON lot.id = line.lot_id AND lot.removal_date IS NOT NULL
                  JOIN stock_location source ON source.id = line.location_id AND source.usage = 'internal'
                  JOIN stock_location destination
                    ON destination.id = line.location_dest_id AND destination.usage IN ('customer', 'production')
                  LEFT JOIN stock_move move ON move.id = line.move_id
                 WHERE line.state = 'done'
            )
            SELECT outgoing.id, outgoing.date, outgoing.company_id, outgoing.product_id,
                   template.uom_id AS product_uom_id, outgoing.lot_id, outgoing.removal_date,
                   outgoing.location_id, outgoing.location_dest_id, outgoing.picking_id, outgoing.production_id,
                   outgoing.flow, outgoing.quantity AS outgoing_qty, outgoing.earliest_removal_after,
                   in_order.value AS in_order,
                   CASE WHEN in_order.value THEN outgoing.quantity ELSE 0 END AS in_order_qty,
                   CASE WHEN in_order.value THEN 0 ELSE outgoing.quantity END AS out_of_order_qty
              FROM outgoing
              JOIN product_product product ON product.id = outgoing.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             CROSS JOIN LATERAL (
                   SELECT outgoing.earliest_removal_after IS NULL
                          OR outgoing.earliest_removal_after >= outgoing.removal_date AS value
             ) in_order
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._get_query()))
