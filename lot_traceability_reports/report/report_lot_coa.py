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
        # Printed or sent for a customer (a delivery's partner, or ``partner_id`` in the data or context): the
        # customer's own limits (res.partner.lot.spec) beside the results.
        partner_id = (data or {}).get("partner_id") or self.env.context.get("lot_traceability_coa_partner_id")
        partner = self.env["res.partner"].browse(partner_id).commercial_partner_id if partner_id else None
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
                "customer_limits": self._get_customer_limits(lot, partner) if partner else {},
            }
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot",
            "docs": lots,
            "coa": values,
            "coa_partner": partner,
            # The copy a customer downloads from the portal names no supplier.
            "customer_copy": bool(data and data.get("customer_copy")),
        }

    @api.model
    def _get_customer_limits(self, lot, partner):
        """The limits ``partner`` requires of each QC check of ``lot``: dict ``check id -> limits``."""
        requirements = partner._get_lot_specs(lot.product_id, lot.company_id or self.env.company).filtered(
            lambda spec: spec.requirement == "qc"
        )
        limits = {}
        for check in lot.qc_check_ids:
            requirement = requirements.filtered(lambda spec, check=check: spec._matches_check(check))[:1]
            if requirement:
                limits[check.id] = requirement._get_limits_display()
        return limits
