from . import lot_traceability_demo
