from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _send_confirmation_email(self):
        """Deliveries to a customer who asks for certificates of analysis carry the CoA of every lot shipped,
        attached to Odoo's own confirmation e-mail."""
        with_coa = self.filtered(lambda picking: picking._get_coa_lots())
        result = super(StockPicking, self - with_coa)._send_confirmation_email()
        for picking in with_coa:
            attachment = picking._get_coa_attachment()
            with_attachment = picking.with_context(lot_traceability_coa_attachment_ids=attachment.ids)
            super(StockPicking, with_attachment)._send_confirmation_email()
        return result

    def message_post_with_source(self, source_ref, render_values=None, message_type="notification", **kwargs):
        # the CoA of the lots shipped, added to the attachments of the confirmation e-mail
        attachment_ids = self.env.context.get("lot_traceability_coa_attachment_ids")
        if attachment_ids:
            kwargs["attachment_ids"] = [*kwargs.get("attachment_ids", []), *attachment_ids]
        return super().message_post_with_source(
            source_ref, render_values=render_values, message_type=message_type, **kwargs
        )

    def _get_coa_lots(self):
        """The lots this delivery shipped whose certificate goes with its confirmation, if the customer wants it."""
        self.ensure_one()
        if self.picking_type_id.code != "outgoing" or not self.partner_id.commercial_partner_id.send_coa_with_delivery:
            return self.env["stock.lot"]
        return self.move_line_ids.filtered(lambda line: line.quantity).lot_id

    def _get_coa_attachment(self):
        """One PDF with the certificate of analysis of each lot shipped, attached to the delivery."""
        self.ensure_one()
        lots = self._get_coa_lots()
        report = self.env.ref("lot_traceability_reports.action_report_lot_coa")
        # For this customer: its own limits beside the results (res.partner.lot.spec).
        reports = self.env["ir.actions.report"].sudo().with_context(lot_traceability_coa_partner_id=self.partner_id.id)
        pdf, _format = reports._render_qweb_pdf(report, lots.ids)
        return self.env["ir.attachment"].create(
            {
                "name": self.env._("Certificates of Analysis - %(delivery)s.pdf", delivery=self.name),
                "raw": pdf,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf",
            }
        )
