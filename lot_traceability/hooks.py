import logging
import time

from odoo.tools import SQL
from odoo.tools.sql import drop_index

from .models.stock_lot_trace import TRACE_FUNCTION

_logger = logging.getLogger(__name__)

# The indexes this addon creates by hand (stock.quant, stock.move.line and stock.lot ``init``), by table: none is
# Odoo's.
INDEXES = {
    "stock_lot": ("stock_lot_unreleased_product_index",),
    "stock_quant": ("stock_quant_fefo_order_index", "stock_quant_fifo_order_index", "stock_quant_negative_index"),
    "stock_move_line": ("stock_move_line_lot_id_partial_index",),
    "stock_move": ("stock_move_unbuild_id_partial_index",),
}


def post_init_hook(env):
    """Installed on a database with history: the lots that moved before get their origin (receipt or
    manufacturing order) and production date from it (stock.lot._fill_origin_from_history)."""
    started = time.monotonic()
    filled = env["stock.lot"]._fill_origin_from_history()
    _logger.info("Origin and production date of %s existing lots filled in %.1f s", filled, time.monotonic() - started)


def uninstall_hook(env):
    """Leave nothing of the addon in the database: drop the trace functions (see
    stock.lot._create_trace_functions) and the indexes it created by hand (Odoo drops only those of fields), and
    give Inventory > Reporting back to inventory managers only (views/lot_traceability_menus.xml opened it)."""
    for table, indexes in INDEXES.items():
        for index in indexes:
            drop_index(env.cr, index, table)
    for direction in ("upstream", "downstream", "on_hand"):
        env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s(int[], int[])", SQL.identifier(TRACE_FUNCTION % direction)))
    reporting = env.ref("stock.menu_warehouse_report", raise_if_not_found=False)
    stock_user = env.ref("stock.group_stock_user", raise_if_not_found=False)
    if reporting and stock_user:
        reporting.groups_id -= stock_user
