from . import lot_traceability_demo
from . import stock_lot_recall_drill_demo
