from . import lot_traceability_demo
from . import res_partner_lot_spec_demo
from . import stock_lot_batch_demo
