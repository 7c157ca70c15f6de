from . import stock_lot_qc_sign_wizard
from . import stock_lot_qc_check_limits_wizard
from . import stock_lot_fefo_explanation
from . import stock_lot_incident_scope
from . import sale_order_line_lot_choice
from . import stock_lot_rework_wizard
