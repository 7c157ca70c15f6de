from odoo.tools import SQL

from .models.stock_lot_trace import TRACE_FUNCTION


def uninstall_hook(env):
    """Drop the trace functions the addon created in the database (see stock.lot._create_trace_functions)."""
    for direction in ("upstream", "downstream", "on_hand"):
        env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s(int[], int[])", SQL.identifier(TRACE_FUNCTION % direction)))
