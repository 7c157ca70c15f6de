from odoo.tools import SQL

from .models.stock_lot_trace import TRACE_FUNCTION


def uninstall_hook(env):
    """Drop the trace functions the addon created in the database (see stock.lot._create_trace_functions), and give
    Inventory > Reporting back to inventory managers only (views/lot_traceability_menus.xml opened it)."""
    for direction in ("upstream", "downstream", "on_hand"):
        env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s(int[], int[])", SQL.identifier(TRACE_FUNCTION % direction)))
    reporting = env.ref("stock.menu_warehouse_report", raise_if_not_found=False)
    stock_user = env.ref("stock.group_stock_user", raise_if_not_found=False)
    if reporting and stock_user:
        reporting.groups_id -= stock_user
