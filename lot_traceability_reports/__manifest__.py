{
    "name": "Lot Traceability - Reports",
    "summary": "Genealogy, FSMA 204, recall, expiry, certificate of analysis, lot costing and EPCIS exports",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "Lot Traceability Team",
    "website": "https://github.com/lot-traceability/lot-traceability",
    "maintainers": ["lot-traceability"],
    "development_status": "Alpha",
    "depends": ["lot_traceability_recall"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
    "application": False,
}
