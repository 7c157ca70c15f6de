from . import report_lot_gs1_label
from . import report_lot_genealogy
