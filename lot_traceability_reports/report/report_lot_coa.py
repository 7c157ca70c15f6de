from odoo import api, models


class ReportLotCertificateOfAnalysis(models.AbstractModel):
    """Certificate of analysis of lots: specification, every check, the release signature and the state of
    the signature chain. A lot without checks or signature says so in the document."""

    _name = "report.lot_traceability_reports.report_lot_coa"
    _description = "Certificate of Analysis"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        # sudo: the chain of a lot may hold links signed in a company the reader has not selected.
        signatures = lots.sudo().qc_signature_ids
        specs = self.env["stock.lot.qc.spec"]._get_for_products(lots.product_id)
        values = {}
        for lot in lots:
            chain = signatures.filtered(lambda signature, lot=lot: signature.lot_id == lot).sorted("sequence")
            broken = chain._get_first_broken_link()
            values[lot.id] = {
                "spec": specs.get(lot.product_id.id),
                "checks": lot.qc_check_ids.sorted(lambda check: (check.sequence, check.id)),
                "release": chain.filtered(lambda signature: signature.decision == "release")[-1:],
                "last_signature": chain[-1:],
                "chain_length": len(chain),
                "chain_broken_at": broken.sequence if broken else False,
            }
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot",
            "docs": lots,
            "coa": values,
            # The copy a customer downloads from the portal names no supplier.
            "customer_copy": bool(data and data.get("customer_copy")),
        }
