import xlsxwriter

from odoo import api, models
from odoo.tools import SQL


class LotTraceabilityExport(models.Model):
    """Lot costing as an export job: one row per lot with its cost breakdown, sales and margin, streamed from
    the costing query (stock.lot._get_cost_breakdown_query) into an XLSX in constant memory."""

    _inherit = "lot.traceability.export"

    @api.model
    def _get_costing_columns(self):
        """(SQL column of the costing query, header) in the order of the sheet."""
        return [
            ("company_name", self.env._("Company")),
            ("product_code", self.env._("Product Reference")),
            ("product_name", self.env._("Product")),
            ("lot_name", self.env._("Lot")),
            ("quantity", self.env._("Quantity")),
            ("material_cost", self.env._("Material Cost")),
            ("landed_cost", self.env._("Landed Costs")),
            ("operation_cost", self.env._("Operation Cost")),
            ("total_cost", self.env._("Total Cost")),
            ("unit_cost", self.env._("Unit Cost")),
            ("valuation_total", self.env._("Valuation Layers")),
            ("valuation_difference", self.env._("Difference")),
            ("cost_method", self.env._("Cost Method")),
            ("quantity_sold", self.env._("Quantity Sold")),
            ("revenue", self.env._("Revenue")),
            ("cogs", self.env._("Cost of Goods Sold")),
            ("margin", self.env._("Margin")),
            ("currency_name", self.env._("Currency")),
        ]

    @api.model
    def _get_lot_costing_query(self, params):
        """One row per lot of the filters (lots, products, companies, period), columns as _get_costing_columns."""
        columns = self._get_costing_columns()
        costing = self.env["stock.lot"]._get_cost_breakdown_query(
            lot_ids=params["lot_ids"],
            product_ids=params["product_ids"],
            date_from=params["date_from"],
            date_to=params["date_to"],
        )
        # The requester's companies, and the lots of no company (shared by all of them).
        return SQL(
            """
            SELECT %s FROM (%s) costing
             WHERE costing.company_id IS NULL OR costing.company_id = ANY(%s::int[])
             ORDER BY costing.company_name, costing.product_name, costing.lot_name%s
            """,
            SQL(", ").join(SQL.identifier("costing", column) for column, _label in columns),
            costing,
            params["company_ids"],
            SQL(" LIMIT %s", params["limit"]) if params.get("limit") else SQL(""),
        )

    @api.model
    def _export_lot_costing(self, params, path, progress):
        """Write the costing of the filtered lots into ``path`` (XLSX): products, lots, the company's period."""
        columns = self._get_costing_columns()
        query = self._get_lot_costing_query(params)
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
        sheet = workbook.add_worksheet(self.env._("Lot Costing"))
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, [label for _column, label in columns], bold)
        rows = 0
        try:
            for batch in self._stream_rows(query):
                for row in batch:
                    rows += 1
                    sheet.write_row(rows, 0, [value if value is not None else "" for value in row])
                progress(rows)
        finally:
            workbook.close()
        return {"rows": rows, "warnings": []}
