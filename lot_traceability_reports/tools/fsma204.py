"""The FSMA 204 electronic sortable spreadsheet (21 CFR 1.1455(c)(3)(ii)) as an XLSX file.

Pure Python on top of xlsxwriter in constant-memory mode: each row is flushed to disk as soon as
the next one starts, so memory does not grow with the number of rows. The columns and their
order are a public contract (README, "Compliance exports"): the first sheet's first row is exactly ``COLUMNS``.
"""

import xlsxwriter

COLUMNS = (
    "Traceability Lot Code",
    "Traceability Lot Code Source",
    "Critical Tracking Event",
    "Event Date",
    "Product Description",
    "Quantity",
    "Unit of Measure",
    "From Location",
    "To Location",
    "Reference Document Type",
    "Reference Document Number",
    "Input Traceability Lot Codes",
)
COLUMN_WIDTHS = (22, 45, 16, 17, 40, 11, 10, 45, 45, 26, 28, 50)
DATE_COLUMN = COLUMNS.index("Event Date")
QUANTITY_COLUMN = COLUMNS.index("Quantity")
SHEET_NAME = "FSMA 204"
INFO_SHEET_NAME = "Export Information"
# Our internal lots given in the file under the code their supplier assigned (21 CFR 1.1320), one row each.
LOT_CODES_SHEET_NAME = "Traceability Lot Codes"
LOT_CODES_COLUMNS = (
    "Internal Lot",
    "Product",
    "Traceability Lot Code",
    "Traceability Lot Code Source",
    "Supplier",
)
LOT_CODES_WIDTHS = (22, 40, 22, 45, 30)
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Lot codes and names are data, never formulas, links or numbers.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class Fsma204Writer:
    """Writes event rows (tuples in ``COLUMNS`` order, the date a naive local datetime)."""

    def __init__(self, path):
        self.workbook = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
        self.sheet = self.workbook.add_worksheet(SHEET_NAME)
        self.info_sheet = self.workbook.add_worksheet(INFO_SHEET_NAME)
        self.lot_codes_sheet = self.workbook.add_worksheet(LOT_CODES_SHEET_NAME)
        self.date_format = self.workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        header_format = self.workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "text_wrap": True})
        for column, (title, width) in enumerate(zip(COLUMNS, COLUMN_WIDTHS, strict=True)):
            self.sheet.set_column(column, column, width)
            self.sheet.write_string(0, column, title, header_format)
        self.sheet.freeze_panes(1, 0)
        for column, (title, width) in enumerate(zip(LOT_CODES_COLUMNS, LOT_CODES_WIDTHS, strict=True)):
            self.lot_codes_sheet.set_column(column, column, width)
            self.lot_codes_sheet.write_string(0, column, title, header_format)
        self.lot_codes_sheet.freeze_panes(1, 0)
        self.rows = 0
        self.lot_code_rows = 0

    def add(self, values):
        """One critical tracking event; empty texts are left blank."""
        self.rows += 1
        row, sheet = self.rows, self.sheet
        for column, value in enumerate(values):
            if column == DATE_COLUMN:
                sheet.write_datetime(row, column, value, self.date_format)
            elif column == QUANTITY_COLUMN:
                sheet.write_number(row, column, value)
            elif value:
                sheet.write_string(row, column, value)

    def add_lot_code(self, values):
        """One internal lot and the traceability lot code it is given under (``LOT_CODES_COLUMNS`` order)."""
        self.lot_code_rows += 1
        for column, value in enumerate(values):
            if value:
                self.lot_codes_sheet.write_string(self.lot_code_rows, column, value)

    def close(self, info=()):
        """Finish the file; ``info`` is a list of (label, text) for the second sheet."""
        self.sheet.autofilter(0, 0, self.rows, len(COLUMNS) - 1)
        self.lot_codes_sheet.autofilter(0, 0, self.lot_code_rows, len(LOT_CODES_COLUMNS) - 1)
        self.info_sheet.set_column(0, 0, 28)
        self.info_sheet.set_column(1, 1, 90)
        for row, (label, text) in enumerate(info):
            self.info_sheet.write_string(row, 0, label)
            self.info_sheet.write_string(row, 1, text or "")
        self.workbook.close()
