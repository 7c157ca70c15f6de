from odoo import api, models


class ReportLotGenealogy(models.AbstractModel):
    _name = "report.lot_traceability.report_lot_genealogy"
    _description = "Lot Genealogy"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot",
            "docs": lots,
            "genealogy": lots._get_genealogy(),
        }
