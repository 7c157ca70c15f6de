from . import lot_traceability_export_wizard
from . import stock_lot_pti_label_wizard
from . import stock_picking_epcis_import
