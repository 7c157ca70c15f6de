# Helpers importable without a database. gs1, lot_numbering and server_write are pure Python (testable without
# Odoo); arguments checks what RPC callers send to public methods (it raises Odoo's UserError).
