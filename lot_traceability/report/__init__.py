from . import report_lot_gs1_label
from . import report_lot_genealogy
from . import stock_lot_fefo_report
from . import stock_lot_margin_report
from . import stock_lot_expiry_risk
