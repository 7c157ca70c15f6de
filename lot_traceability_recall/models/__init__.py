from . import stock_lot_recall
from . import stock_lot
