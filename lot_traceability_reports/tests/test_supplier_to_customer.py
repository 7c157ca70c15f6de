"""Cross-addon scenario: a supplier's lot code leads to the customers who received it."""

from freezegun import freeze_time

from odoo.addons.lot_traceability.tests.common import GTIN_MILK, LotTraceabilityCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestSupplierToCustomer(LotTraceabilityCommon):
    def test_supplier_lot_code_reaches_the_customer_of_the_finished_lot(self):
        # Receive: the supplier's GS1 label is scanned; the sugar lot is typed.
        self._receive(self.milk, 20, supplier_lot_code=f"(01){GTIN_MILK}(17)260420(10)AD-777", lot_name="MILK-777")
        self._receive(self.sugar, 10, supplier_lot_code="SV-1", lot_name="SUGAR-1")
        # Produce yogurts from them, then ship to a customer.
        production = self._produce(10)
        finished_lot = production.lot_producing_id
        delivery = self._deliver(self.yogurt, 10, self.customer)

        # QA types the supplier's code and gets the internal lot ...
        internal_lots = self.env["stock.lot"].search([("supplier_lot_code", "=", "AD-777")])
        self.assertEqual(internal_lots.name, "MILK-777")
        self.assertEqual(internal_lots.expiration_date.date().isoformat(), "2026-04-20")
        # ... the manufacturing order that consumed it made the finished lot ...
        consuming = production.move_raw_ids.move_line_ids.filtered(lambda line: line.lot_id == internal_lots)
        self.assertTrue(consuming)
        self.assertEqual(finished_lot.origin_production_id, production)
        # ... and Odoo's own walk from the raw lot reaches the delivery to the customer.
        deliveries = internal_lots._find_delivery_ids_by_lot()
        self.assertIn(delivery.id, deliveries[internal_lots.id])
        self.assertEqual(delivery.partner_id, self.customer)

    def test_the_three_addons_are_installed(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["lot_traceability", "lot_traceability_recall", "lot_traceability_reports"])]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
