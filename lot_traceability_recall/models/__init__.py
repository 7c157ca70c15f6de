from . import stock_lot
from . import stock_lot_recall
from . import stock_lot_recall_balance
from . import stock_lot_recall_cost
from . import stock_lot_recall_notification
from . import stock_picking
from . import stock_scrap
from . import stock_warehouse
