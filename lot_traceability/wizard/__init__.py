from . import stock_lot_qc_sign_wizard
