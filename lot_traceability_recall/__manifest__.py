{
    "name": "Lot Traceability - Recalls",
    "summary": "Real and mock recall cases from the ERP: scope, quarantine, notification, "
    "returns, effectiveness and write-off",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "Lot Traceability Team",
    "website": "https://github.com/lot-traceability/lot-traceability",
    "maintainers": ["lot-traceability"],
    "development_status": "Beta",
    "depends": ["lot_traceability", "portal"],
    "data": [
        "security/lot_traceability_recall_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_template_data.xml",
        "views/stock_lot_recall_views.xml",
        "views/stock_lot_recall_notification_views.xml",
        "views/stock_lot_views.xml",
        "views/stock_picking_views.xml",
        "views/stock_warehouse_views.xml",
        "views/recall_acknowledge_templates.xml",
        "wizard/stock_lot_recall_wizard_views.xml",
        "wizard/stock_lot_recall_close_wizard_views.xml",
        "wizard/stock_lot_recall_notify_wizard_views.xml",
    ],
    "demo": [
        "demo/lot_traceability_recall_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "lot_traceability_recall/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
