from odoo import api, fields, models, tools
from odoo.addons.lot_traceability.models.stock_lot_qc_signature import QC_STATES
from odoo.tools import SQL

EXPIRY_BUCKETS = [
    ("expired", "Expired"),
    ("under_7", "Less than 7 days"),
    ("under_30", "7 to 30 days"),
    ("under_90", "30 to 90 days"),
    ("later", "90 days or more"),
    ("no_date", "No date"),
]


class StockLotExpiryReport(models.Model):
    """Expiry and aging: stock on hand per lot, location and company, with the days left before its removal
    (else expiration) date in buckets, and its value (the lot's cost when valued per lot, else the
    product's)."""

    _name = "stock.lot.expiry.report"
    _description = "Expiry and Aging Analysis"
    _auto = False
    _order = "days_to_removal, lot_id"
    _rec_name = "lot_id"
    _depends = {
        "stock.quant": ["quantity", "lot_id", "location_id", "company_id", "product_id", "in_date"],
        "stock.lot": ["expiration_date", "removal_date", "qc_state", "standard_price", "retest_date"],
        "stock.location": ["usage", "warehouse_id"],
        "product.product": ["product_tmpl_id", "standard_price"],
        "product.template": ["uom_id", "lot_valuated"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    location_id = fields.Many2one("stock.location", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_uom_id = fields.Many2one("uom.uom", "Unit", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    qc_state = fields.Selection(QC_STATES, "QC State", readonly=True)
    expiration_date = fields.Datetime(readonly=True)
    removal_date = fields.Datetime(readonly=True)
    in_date = fields.Datetime("Incoming Date", readonly=True)
    days_to_expiry = fields.Integer("Days to Expiry", readonly=True, aggregator="min")
    days_to_removal = fields.Integer(
        "Days to Removal", readonly=True, aggregator="min", help="Days left before the removal date, else the expiry."
    )
    age_days = fields.Integer("Age (Days)", readonly=True, aggregator="max", help="Days since the stock came in.")
    bucket = fields.Selection(EXPIRY_BUCKETS, "Shelf Life Left", readonly=True)
    is_past_removal = fields.Boolean("Past Removal Date", readonly=True)
    retest_date = fields.Date(readonly=True)
    is_retest_due = fields.Boolean(
        "Retest Due", readonly=True, help="The lot's retest date has come: it is pending until QA releases it again."
    )
    retest_status = fields.Char(
        "Retest", compute="_compute_retest_status", help='"Retest due <date>" for a lot whose retest date has come.'
    )
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    value = fields.Float(readonly=True, groups="stock.group_stock_manager")

    @api.depends("retest_date", "is_retest_due")
    def _compute_retest_status(self):
        for row in self:
            row.retest_status = (
                self.env._("Retest due %(date)s", date=fields.Date.to_string(row.retest_date))
                if row.is_retest_due
                else False
            )

    def _get_query(self):
        return SQL(
            """
            SELECT quant.id, quant.company_id, location.warehouse_id, quant.location_id, quant.product_id,
                   template.uom_id AS product_uom_id, quant.lot_id, lot.qc_state, lot.expiration_date,
                   lot.removal_date, quant.in_date,
                   (lot.expiration_date::date - CURRENT_DATE) AS days_to_expiry,
                   (COALESCE(lot.removal_date, lot.expiration_date)::date - CURRENT_DATE) AS days_to_removal,
                   (CURRENT_DATE - quant.in_date::date) AS age_days,
                   CASE
                       WHEN COALESCE(lot.removal_date, lot.expiration_date) IS NULL THEN 'no_date'
                       WHEN lot.expiration_date <= now() AT TIME ZONE 'UTC'
                         OR COALESCE(lot.removal_date, lot.expiration_date) <= now() AT TIME ZONE 'UTC'
                           THEN 'expired'
                       WHEN COALESCE(lot.removal_date, lot.expiration_date)::date - CURRENT_DATE < 7 THEN 'under_7'
                       WHEN COALESCE(lot.removal_date, lot.expiration_date)::date - CURRENT_DATE < 30 THEN 'under_30'
                       WHEN COALESCE(lot.removal_date, lot.expiration_date)::date - CURRENT_DATE < 90 THEN 'under_90'
                       ELSE 'later'
                   END AS bucket,
                   COALESCE(lot.removal_date <= now() AT TIME ZONE 'UTC', FALSE) AS is_past_removal,
                   lot.retest_date,
                   COALESCE(lot.retest_date <= CURRENT_DATE AND lot.qc_state IN ('released', 'pending'), FALSE)
                       AS is_retest_due,
                   quant.quantity,
                   quant.quantity * %(unit_cost)s AS value
              FROM stock_quant quant
              JOIN stock_location location ON location.id = quant.location_id AND location.usage = 'internal'
              JOIN stock_lot lot ON lot.id = quant.lot_id
              JOIN product_product product ON product.id = quant.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE quant.quantity != 0
            """,
            unit_cost=self.env["stock.lot"]._get_unit_cost_sql(SQL("quant.company_id")),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._get_query()))
