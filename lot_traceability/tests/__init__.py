from . import test_supplier_lot
from . import test_lot_master_data
from . import test_gs1_odoo
from . import test_lot_label
from . import test_trace
from . import test_qc_release
from . import test_fefo
from . import test_integrity
