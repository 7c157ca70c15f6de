from collections import defaultdict

from odoo import api, models
from odoo.tools import html2plaintext


class ReportLotRecall(models.AbstractModel):
    """The recall report for the authority: identity, scope, distribution, notices, recovery, mass balance,
    effectiveness and the timeline of what was done. A draft recall is marked draft on every page."""

    _name = "report.lot_traceability_reports.report_lot_recall"
    _description = "Recall Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        recalls = self.env["stock.lot.recall"].browse(docids)
        values = {}
        for recall in recalls:
            distribution = defaultdict(lambda: {"quantities": defaultdict(float), "lots": set(), "deliveries": set()})
            for shipment in recall.shipment_ids:
                customer = distribution[shipment.partner_id.commercial_partner_id]
                customer["quantities"][shipment.product_uom_id.name] += shipment.quantity
                customer["lots"].add(shipment.lot_id.name)
                customer["deliveries"].add(shipment.picking_id.name or "")
            values[recall.id] = {
                "distribution": [
                    {
                        "customer": customer,
                        "quantities": ", ".join(f"{qty:g} {uom}" for uom, qty in figures["quantities"].items()),
                        "lots": ", ".join(sorted(figures["lots"])),
                        "deliveries": ", ".join(sorted(figures["deliveries"] - {""})),
                    }
                    for customer, figures in sorted(distribution.items(), key=lambda item: item[0].display_name)
                ],
                "timeline": [
                    {
                        "date": message.date,
                        "author": message.author_id.name or "",
                        "text": html2plaintext(message.body or "")
                        or ", ".join(
                            f"{value.field_id.field_description}: {value.old_value_char or ''} → "
                            f"{value.new_value_char or ''}"
                            for value in message.sudo().tracking_value_ids
                        ),
                    }
                    for message in recall.message_ids.sorted("id")
                    if message.message_type in ("comment", "notification")
                ],
            }
        return {"doc_ids": docids, "doc_model": "stock.lot.recall", "docs": recalls, "recall": values}
