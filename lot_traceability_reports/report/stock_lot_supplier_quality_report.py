from odoo import fields, models, tools
from odoo.addons.lot_traceability.models.stock_lot_qc_signature import QC_STATES
from odoo.tools import SQL

# The receipt a lot came in with, from a supplier: its ``picking``, and the supplier (commercial entity) as
# COALESCE(supplier.commercial_partner_id, partner.commercial_partner_id): the supplier lot's, else the receipt's.
# Outer joins: a lot received from a supplier lot may have no origin receipt (its origin was never recorded, or
# the supplier lot was set by hand); RECEIVED_LOT_CONDITION keeps the lots received one way or the other.
RECEIVED_LOT_JOINS = SQL(
    """
    LEFT JOIN stock_picking picking ON picking.id = lot.origin_picking_id
    LEFT JOIN stock_picking_type picking_type ON picking_type.id = picking.picking_type_id
    LEFT JOIN res_partner partner ON partner.id = picking.partner_id
    LEFT JOIN stock_supplier_lot supplier_lot ON supplier_lot.id = lot.supplier_lot_id
    LEFT JOIN res_partner supplier ON supplier.id = supplier_lot.partner_id
    """
)
RECEIVED_LOT_CONDITION = SQL("(picking_type.code = 'incoming' OR supplier_lot.id IS NOT NULL)")


class StockLotSupplierQualityReport(models.Model):
    """Supplier quality: one row per internal lot received from a supplier, with what QA decided of it.

    Averages read as rates: the average of Rejected (%) over lots is the rejection rate, the average of
    Days to Release is the mean time from receipt to release.
    """

    _name = "stock.lot.supplier.quality.report"
    _description = "Supplier Quality Analysis"
    _auto = False
    _order = "date_received desc, id desc"
    _rec_name = "lot_id"
    _depends = {
        "stock.lot": ["origin_picking_id", "supplier_lot_id", "qc_state", "company_id", "product_id"],
        "stock.picking": ["partner_id", "date_done", "picking_type_id"],
        "stock.picking.type": ["code"],
        "stock.supplier.lot": ["partner_id"],
        "res.partner": ["commercial_partner_id"],
        "stock.lot.qc.check": ["lot_id", "result"],
        "stock.lot.qc.signature": ["lot_id", "decision", "signed_at"],
    }

    date_received = fields.Datetime("Received On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    supplier_id = fields.Many2one("res.partner", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    supplier_lot_id = fields.Many2one("stock.supplier.lot", readonly=True)
    picking_id = fields.Many2one("stock.picking", "Receipt", readonly=True)
    qc_state = fields.Selection(QC_STATES, "QC State", readonly=True)
    lot_count = fields.Integer("Lots", readonly=True)
    released_count = fields.Integer("Released", readonly=True)
    rejected_count = fields.Integer("Rejected", readonly=True)
    held_count = fields.Integer("On Hold", readonly=True)
    pending_count = fields.Integer("Pending", readonly=True)
    failed_check_count = fields.Integer("Failed Checks", readonly=True)
    rejection_rate = fields.Float(
        "Rejected (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="100 for a rejected lot, else 0: its average over lots is the rejection rate.",
    )
    days_to_release = fields.Float(
        "Days to Release",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="From the receipt to the first release signature.",
    )

    def _get_query(self):
        return SQL(
            """
            SELECT lot.id, picking.date_done AS date_received, lot.company_id,
                   COALESCE(supplier.commercial_partner_id, partner.commercial_partner_id) AS supplier_id,
                   lot.product_id, lot.id AS lot_id, lot.supplier_lot_id, picking.id AS picking_id, lot.qc_state,
                   1 AS lot_count,
                   (lot.qc_state = 'released')::int AS released_count,
                   (lot.qc_state = 'rejected')::int AS rejected_count,
                   (lot.qc_state = 'on_hold')::int AS held_count,
                   (lot.qc_state = 'pending')::int AS pending_count,
                   COALESCE(checks.failed, 0) AS failed_check_count,
                   CASE WHEN lot.qc_state = 'rejected' THEN 100.0 ELSE 0.0 END AS rejection_rate,
                   EXTRACT(EPOCH FROM release.signed_at - picking.date_done) / 86400.0 AS days_to_release
              FROM stock_lot lot
              %(received_lot)s
              LEFT JOIN LATERAL (
                   SELECT COUNT(*) AS failed FROM stock_lot_qc_check check_line
                    WHERE check_line.lot_id = lot.id AND check_line.result = 'fail'
              ) checks ON TRUE
              LEFT JOIN LATERAL (
                   SELECT MIN(signature.signed_at) AS signed_at FROM stock_lot_qc_signature signature
                    WHERE signature.lot_id = lot.id AND signature.decision = 'release'
              ) release ON TRUE
             WHERE %(received)s
            """,
            received_lot=RECEIVED_LOT_JOINS,
            received=RECEIVED_LOT_CONDITION,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._get_query()))
