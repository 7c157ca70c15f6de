from odoo import api, models
from odoo.exceptions import UserError

from ..tools import gs1


class ReportLotGs1Label(models.AbstractModel):
    _name = "report.lot_traceability.report_lot_gs1_label"
    _description = "GS1 Lot Label"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        labels = {}
        for lot in lots:
            # A lot that cannot be encoded still gets its label, with the reason instead of the QR.
            try:
                uri = lot._get_gs1_digital_link()
                labels[lot.id] = {
                    "uri": uri,
                    "qr": lot._get_gs1_qr_code(uri),
                    # GS1's human readable interpretation of the same data, e.g. (01)...(17)260420(10)LOT-1
                    "hri": gs1.build(lot._get_gs1_elements()),
                }
            except UserError as error:
                labels[lot.id] = {"error": error.args[0]}
        return {"doc_ids": docids, "doc_model": "stock.lot", "docs": lots, "labels": labels}


class ReportLotGs1LabelSmall(models.AbstractModel):
    """The same labels on 50 x 30 mm (a compact layout)."""

    _name = "report.lot_traceability.report_lot_gs1_label_small"
    _inherit = "report.lot_traceability.report_lot_gs1_label"
    _description = "GS1 Lot Label 50 x 30 mm"


class ReportLotGs1LabelCase(models.AbstractModel):
    """The same labels on 100 x 50 mm (the shipping-case label, a smaller QR code)."""

    _name = "report.lot_traceability.report_lot_gs1_label_case"
    _inherit = "report.lot_traceability.report_lot_gs1_label"
    _description = "GS1 Lot Label 100 x 50 mm"
