import io
from collections import defaultdict

import xlsxwriter

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class StockLot(models.Model):
    """Genealogy of lots built from the trace engine: the tree the report prints, and its XLSX."""

    _inherit = "stock.lot"

    def _get_genealogy(self):
        """Upstream and downstream trees of each lot, built from one ``trace("both")`` call.

        :return: dict ``lot id -> {"upstream": node, "downstream": node}`` where a node is
            ``{"lot": stock.lot, "lines": stock.move.line, "children": [node, ...]}``
        """
        result = self.trace("both")
        lines = self.env["stock.move.line"].browse(result["move_line_ids"])
        lines_by_lot = defaultdict(lambda: self.env["stock.move.line"])
        for line in lines.sorted(lambda line: (line.date, line.id)):
            lines_by_lot[line.lot_id.id] |= line
        downstream, upstream = defaultdict(set), defaultdict(set)
        if lines:
            # One step of the trace engine's walk (downstream) between the traced lines: which lot feeds which.
            for source_lot, target_lot in self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT line.lot_id, next_line.lot_id
                      FROM stock_move_line line
                      JOIN LATERAL (%(linked_line_ids)s) linked ON TRUE
                      JOIN stock_move_line next_line ON next_line.id = linked.line_id
                     WHERE line.id = ANY(%(line_ids)s)
                       AND next_line.id = ANY(%(line_ids)s)
                       AND next_line.lot_id != line.lot_id
                    """,
                    linked_line_ids=self._get_linked_line_ids_query("downstream", SQL("line")),
                    line_ids=lines.ids,
                )
            ):
                downstream[source_lot].add(target_lot)
                upstream[target_lot].add(source_lot)
        lots = self.env["stock.lot"].browse(result["lot_ids"]).with_prefetch(result["lot_ids"])

        def node(lot_id, edges, path):
            children = [node(child, edges, path | {child}) for child in sorted(edges[lot_id]) if child not in path]
            return {"lot": lots.browse(lot_id), "lines": lines_by_lot[lot_id], "children": children}

        return {
            lot.id: {
                "upstream": node(lot.id, upstream, {lot.id}),
                "downstream": node(lot.id, downstream, {lot.id}),
            }
            for lot in self
        }

    def action_open_genealogy(self):
        """Upstream and downstream genealogy of these lots on one screen."""
        if not self:
            raise UserError(self.env._("Select at least one lot to trace."))
        return self.env.ref("lot_traceability.action_report_lot_genealogy").report_action(self, config=False)

    def action_export_genealogy(self):
        """Every traced move line of these lots, both directions, as an XLSX file."""
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._("Genealogy %(lots)s.xlsx", lots=", ".join(self[:3].mapped("name"))),
                "raw": self._get_genealogy_xlsx(),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "new",
        }

    def _get_genealogy_xlsx(self):
        genealogy = self._get_genealogy()
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Genealogy"))
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        headers = [
            self.env._("Traced lot"),
            self.env._("Direction"),
            self.env._("Level"),
            self.env._("Lot"),
            self.env._("Product"),
            self.env._("Date"),
            self.env._("Reference"),
            self.env._("From"),
            self.env._("To"),
            self.env._("Partner"),
            self.env._("Quantity"),
            self.env._("Unit"),
        ]
        sheet.write_row(0, 0, headers, bold)
        row = 1

        def write_node(start, direction, node, level):
            nonlocal row
            for line in node["lines"]:
                sheet.write_row(row, 0, [start.name, direction, level, node["lot"].name, line.product_id.display_name])
                sheet.write_datetime(row, 5, line.date, date_format)
                sheet.write_row(
                    row,
                    6,
                    [
                        line.reference or "",
                        line.location_id.complete_name,
                        line.location_dest_id.complete_name,
                        line._get_trace_partner().display_name or "",
                        line.quantity,
                        line.product_uom_id.name,
                    ],
                )
                row += 1
            for child in node["children"]:
                write_node(start, direction, child, level + 1)

        for lot in self:
            write_node(lot, self.env._("Upstream"), genealogy[lot.id]["upstream"], 0)
            write_node(lot, self.env._("Downstream"), genealogy[lot.id]["downstream"], 0)
        sheet.autofilter(0, 0, max(row - 1, 1), len(headers) - 1)
        sheet.freeze_panes(1, 0)
        workbook.close()
        return buffer.getvalue()
