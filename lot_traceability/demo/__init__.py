from . import lot_traceability_demo
from . import res_partner_lot_spec_demo
from . import stock_lot_qc_sampling_demo
from . import stock_lot_retest_demo
from . import stock_lot_rework_demo
from . import stock_lot_batch_demo
