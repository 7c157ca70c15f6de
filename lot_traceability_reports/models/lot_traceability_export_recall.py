import xlsxwriter

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


class LotTraceabilityExport(models.Model):
    """The recall report for the working team as an export job: every shipment, notification and return of
    the recall, with its status, one sheet each, streamed from SQL."""

    _inherit = "lot.traceability.export"

    @api.model
    def _get_recall_sheets(self, recall_id):
        """(sheet name, headers, query) of the recall export."""
        shipments = SQL(
            """
            SELECT partner.name, picking.name, shipment.date, lot.name, template.name->>'en_US', shipment.quantity,
                   uom.name->>'en_US', COALESCE(notification.state, 'not notified'),
                   notification.customer_quantity_on_hand
              FROM stock_lot_recall_shipment shipment
              JOIN stock_lot lot ON lot.id = shipment.lot_id
              JOIN product_product product ON product.id = lot.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
              JOIN uom_uom uom ON uom.id = template.uom_id
              LEFT JOIN res_partner partner ON partner.id = shipment.partner_id
              LEFT JOIN stock_picking picking ON picking.id = shipment.picking_id
              LEFT JOIN stock_lot_recall_notification notification
                ON notification.recall_id = shipment.recall_id
               AND notification.partner_id = partner.commercial_partner_id
             WHERE shipment.recall_id = %s
             ORDER BY partner.name, shipment.date, shipment.id
            """,
            recall_id,
        )
        notifications = SQL(
            """
            SELECT partner.name, partner.email, notification.date_sent, notification.state,
                   notification.date_acknowledged, notification.acknowledged_by,
                   CASE WHEN notification.state = 'acknowledged' THEN notification.customer_quantity_on_hand END,
                   notification.customer_note, notification.date_reminded
              FROM stock_lot_recall_notification notification
              JOIN res_partner partner ON partner.id = notification.partner_id
             WHERE notification.recall_id = %s
             ORDER BY partner.name
            """,
            recall_id,
        )
        returns = SQL(
            """
            SELECT picking.name, partner.name, picking.state, picking.date_done, lot.name, line.quantity,
                   destination.complete_name
              FROM stock_picking picking
              JOIN stock_move_line line ON line.picking_id = picking.id
              LEFT JOIN stock_lot lot ON lot.id = line.lot_id
              LEFT JOIN res_partner partner ON partner.id = picking.partner_id
              JOIN stock_location destination ON destination.id = line.location_dest_id
             WHERE picking.lot_recall_id = %s
             ORDER BY picking.name, line.id
            """,
            recall_id,
        )
        return [
            (
                self.env._("Shipments"),
                [
                    self.env._("Customer"),
                    self.env._("Delivery"),
                    self.env._("Date (UTC)"),
                    self.env._("Lot"),
                    self.env._("Product"),
                    self.env._("Quantity"),
                    self.env._("Unit"),
                    self.env._("Notice"),
                    self.env._("Still Held (Declared)"),
                ],
                shipments,
            ),
            (
                self.env._("Notifications"),
                [
                    self.env._("Customer"),
                    self.env._("E-mail"),
                    self.env._("Sent (UTC)"),
                    self.env._("Status"),
                    self.env._("Acknowledged (UTC)"),
                    self.env._("By"),
                    self.env._("Still Held"),
                    self.env._("Customer Note"),
                    self.env._("Last Reminder (UTC)"),
                ],
                notifications,
            ),
            (
                self.env._("Returns"),
                [
                    self.env._("Return"),
                    self.env._("Customer"),
                    self.env._("Status"),
                    self.env._("Done (UTC)"),
                    self.env._("Lot"),
                    self.env._("Quantity"),
                    self.env._("Destination"),
                ],
                returns,
            ),
        ]

    @api.model
    def _get_recall_query(self, params):
        """A row per line of the three sheets (what decides whether the export runs at once)."""
        self._check_recall_param(params)
        return SQL(" UNION ALL ").join(
            SQL("SELECT 1 FROM (%s) sheet", query)
            for _name, _headers, query in self._get_recall_sheets(params["recall_id"])
        )

    @api.model
    def _check_recall_param(self, params):
        if not params["recall_id"]:
            raise UserError(self.env._("Choose the recall to export."))
        # The job's companies are those the requester may still access when it runs.
        recall = self.env["stock.lot.recall"].sudo().browse(params["recall_id"])
        if recall.company_id.id not in params["company_ids"]:
            raise AccessError(
                self.env._(
                    "Recall %(recall)s belongs to %(company)s, which is not one of the companies of this export.",
                    recall=recall.name,
                    company=recall.company_id.name,
                )
            )

    def _get_no_rows_message(self):
        if self.export_type == "recall":
            return self.env._(
                "Recall %(recall)s has no shipment, notification or return to export yet.",
                recall=self.recall_id.name,
            )
        return super()._get_no_rows_message()

    @api.model
    def _export_recall(self, params, path, progress):
        """Write every shipment, notification and return of the job's recall into ``path`` (XLSX)."""
        self._check_recall_param(params)
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "default_date_format": "yyyy-mm-dd hh:mm"})
        bold = workbook.add_format({"bold": True})
        rows = 0
        try:
            for name, headers, query in self._get_recall_sheets(params["recall_id"]):
                sheet = workbook.add_worksheet(name)
                sheet.write_row(0, 0, headers, bold)
                row_number = 0
                for batch in self._stream_rows(query):
                    for row in batch:
                        row_number += 1
                        sheet.write_row(row_number, 0, [value if value is not None else "" for value in row])
                    rows += len(batch)
                    progress(rows)
        finally:
            workbook.close()
        return {"rows": rows, "warnings": []}
