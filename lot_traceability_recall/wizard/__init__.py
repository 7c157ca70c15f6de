from . import stock_lot_recall_wizard
