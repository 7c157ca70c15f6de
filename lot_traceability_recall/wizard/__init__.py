from . import stock_lot_recall_close_wizard
from . import stock_lot_recall_wizard
from . import stock_lot_recall_notify_wizard
from . import stock_lot_incident_scope
from . import stock_lot_recall_extend_wizard
from . import stock_lot_recall_drill_conclude_wizard
from . import stock_lot_rework_wizard
