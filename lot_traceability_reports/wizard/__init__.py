from . import lot_traceability_export_wizard
