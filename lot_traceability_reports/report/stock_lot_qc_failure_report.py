from odoo import fields, models, tools
from odoo.tools import SQL

from .stock_lot_supplier_quality_report import RECEIVED_LOT_CONDITION, RECEIVED_LOT_JOINS


class StockLotQcFailureReport(models.Model):
    """Failed QC checks of the lots received from suppliers, by test: which tests fail, for which supplier."""

    _name = "stock.lot.qc.failure.report"
    _description = "Failed Checks by Test"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "test_name"
    _depends = {
        "stock.lot.qc.check": ["lot_id", "name", "result", "performed_at"],
        "stock.lot": ["origin_picking_id", "supplier_lot_id", "company_id", "product_id"],
        "stock.picking": ["partner_id", "date_done", "picking_type_id"],
        "stock.picking.type": ["code"],
        "stock.supplier.lot": ["partner_id"],
        "res.partner": ["commercial_partner_id"],
    }

    date = fields.Datetime("Checked On", readonly=True)
    date_received = fields.Datetime("Received On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    supplier_id = fields.Many2one("res.partner", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    test_name = fields.Char("Test", readonly=True)
    failure_count = fields.Integer("Failed Checks", readonly=True)

    def _get_query(self):
        return SQL(
            """
            SELECT check_line.id, check_line.performed_at AS date, picking.date_done AS date_received,
                   lot.company_id,
                   COALESCE(supplier.commercial_partner_id, partner.commercial_partner_id) AS supplier_id,
                   lot.product_id, lot.id AS lot_id, check_line.name AS test_name, 1 AS failure_count
              FROM stock_lot_qc_check check_line
              JOIN stock_lot lot ON lot.id = check_line.lot_id
              %(received_lot)s
             WHERE check_line.result = 'fail' AND %(received)s
            """,
            received_lot=RECEIVED_LOT_JOINS,
            received=RECEIVED_LOT_CONDITION,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._get_query()))
