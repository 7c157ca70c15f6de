import logging
import time

from odoo.tools import SQL

from .models.stock_lot_trace import TRACE_FUNCTION

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """Installed on a database with history: the lots that moved before get their origin (receipt or
    manufacturing order) and production date from it (stock.lot._fill_origin_from_history)."""
    started = time.monotonic()
    filled = env["stock.lot"]._fill_origin_from_history()
    _logger.info("Origin and production date of %s existing lots filled in %.1f s", filled, time.monotonic() - started)


def uninstall_hook(env):
    """Drop the trace functions the addon created in the database (see stock.lot._create_trace_functions), and give
    Inventory > Reporting back to inventory managers only (views/lot_traceability_menus.xml opened it)."""
    for direction in ("upstream", "downstream", "on_hand"):
        env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s(int[], int[])", SQL.identifier(TRACE_FUNCTION % direction)))
    reporting = env.ref("stock.menu_warehouse_report", raise_if_not_found=False)
    stock_user = env.ref("stock.group_stock_user", raise_if_not_found=False)
    if reporting and stock_user:
        reporting.groups_id -= stock_user
