from odoo import api, fields, models

from .lot_traceability_export import DEFAULT_RETENTION_DAYS, DEFAULT_SYNC_LIMIT


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lot_traceability_export_retention_days = fields.Integer(
        "Keep Export Files (days)",
        config_parameter="lot_traceability_reports.export_retention_days",
        default=DEFAULT_RETENTION_DAYS,
        help="Files of finished traceability exports are removed after this many days (the job stays).",
    )
    lot_traceability_export_sync_limit = fields.Integer(
        "Run Exports at Once up to (rows)",
        config_parameter="lot_traceability_reports.export_sync_limit",
        default=DEFAULT_SYNC_LIMIT,
        help="Exports of at most this many rows are written at once; larger ones run in the background.",
    )
    lot_traceability_gs1_prefix_length = fields.Integer(
        related="company_id.lot_traceability_gs1_prefix_length", readonly=False
    )
    lot_traceability_gln = fields.Char(related="company_id.lot_traceability_gln", readonly=False)
    lot_dates_on_customer_documents = fields.Boolean(
        related="company_id.lot_dates_on_customer_documents", readonly=False
    )
    lot_traceability_sscc_extension_digit = fields.Integer(
        related="company_id.lot_traceability_sscc_extension_digit", readonly=False
    )
    lot_traceability_sscc_on_put_in_pack = fields.Boolean(
        related="company_id.lot_traceability_sscc_on_put_in_pack", readonly=False
    )

    @api.onchange("lot_dates_on_customer_documents")
    def _onchange_lot_dates_on_customer_documents(self):
        # The dates go beside the lots: printing them turns on Odoo's options that print the lots (global groups).
        if self.lot_dates_on_customer_documents:
            self.group_lot_on_invoice = True
            self.group_lot_on_delivery_slip = True
