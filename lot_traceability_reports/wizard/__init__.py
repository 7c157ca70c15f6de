from . import lot_traceability_export_wizard
from . import stock_picking_epcis_import
