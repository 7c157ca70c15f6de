from odoo.tools.sql import drop_index


def uninstall_hook(env):
    """Leave nothing of the addon in the database: drop the index it created by hand (see
    stock.lot.control.kpi ``init``; Odoo drops only the indexes of fields)."""
    drop_index(env.cr, "stock_move_is_inventory_index", "stock_move")
