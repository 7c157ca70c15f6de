# Pure Python helpers (no Odoo import): importable and testable without a database.
