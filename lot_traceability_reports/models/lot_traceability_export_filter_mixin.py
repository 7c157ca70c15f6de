from odoo import api, fields, models
from odoo.exceptions import ValidationError

EXPORT_TYPES = [
    ("fsma204", "FSMA 204 Sortable Spreadsheet (XLSX)"),
    ("epcis", "EPCIS 2.0 Events (JSON-LD)"),
    ("lot_costing", "Lot Costing (XLSX)"),
    ("recall", "Recall Report (XLSX)"),
]


class LotTraceabilityExportFilterMixin(models.AbstractModel):
    """What an export holds: its type and filters, said once for the export job and the wizard that
    asks for it (same labels and help texts on both screens)."""

    _name = "lot.traceability.export.filter.mixin"
    _description = "Traceability Export Filters"

    export_type = fields.Selection(EXPORT_TYPES, "Export", required=True, default="fsma204")
    date_from = fields.Date("From", help="First day of events, in the company's time zone.")
    date_to = fields.Date("To", help="Last day of events (included), in the company's time zone.")
    lot_ids = fields.Many2many(
        "stock.lot",
        string="Traceability Lot Codes",
        help="Only events of these lots (and transformations that consumed them). Empty: every lot.",
    )
    include_traced_lots = fields.Boolean(
        help="Add every lot the trace engine reaches from the chosen lots, upstream and downstream.",
    )
    product_ids = fields.Many2many("product.product", string="Products")
    ftl_only = fields.Boolean(
        "Food Traceability List Only",
        default=True,
        help="Only products flagged as on the FDA Food Traceability List (21 CFR 1.1300).",
    )
    recall_id = fields.Many2one("stock.lot.recall")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for record in self:
            if record.date_from and record.date_to and record.date_from > record.date_to:
                raise ValidationError(
                    self.env._(
                        "The export period ends (%(date_to)s) before it starts (%(date_from)s): swap the dates.",
                        date_from=record.date_from,
                        date_to=record.date_to,
                    )
                )
