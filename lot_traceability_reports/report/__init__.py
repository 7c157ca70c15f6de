from . import report_lot_coa
from . import report_lot_genealogy_tree
from . import report_lot_recall
from . import stock_lot_expiry_report
from . import stock_lot_supplier_quality_report
from . import stock_lot_qc_failure_report
from . import stock_lot_control_kpi
from . import stock_lot_control_kpi_dashboard
from . import stock_lot_control_kpi_drill

from . import report_gs1_logistics
