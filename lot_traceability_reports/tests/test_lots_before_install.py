from odoo.addons.lot_traceability import hooks
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.tests import tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install")
class TestAnalysesOfLotsBeforeInstall(LotTraceabilityCommon):
    """The analyses count lots that moved before the addon was installed, once their origin is filled on
    install, and a received lot whose origin is missing still counts for its supplier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release({"name": "Fat", "value_type": "numeric", "min_value": 3, "max_value": 4})

    def _forget_origin(self, lots):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE stock_lot SET origin_picking_id = NULL, origin_production_id = NULL, production_date = NULL "
                "WHERE id = ANY(%s)",
                lots.ids,
            )
        )
        lots.invalidate_recordset(["origin_picking_id", "origin_production_id", "production_date"])

    def test_a_lot_received_before_install_counts_for_its_supplier_and_warehouse(self):
        receipt = self._receive(self.milk, 20, lot_name="MILK-OLD")
        lot = receipt.move_line_ids.lot_id
        self.assertEqual(lot.qc_state, "pending")
        self._forget_origin(lot)
        Quality = self.env["stock.lot.supplier.quality.report"]
        Kpi = self.env["stock.lot.control.kpi"]
        release_row = [("kpi", "=", "release"), ("lot_id", "=", lot.id)]
        self.assertFalse(Quality.search([("lot_id", "=", lot.id)]), "no origin: left out of the supplier quality")
        self.assertFalse(Kpi.search(release_row).warehouse_id, "no origin: in no warehouse")

        hooks.post_init_hook(self.env)
        self.env.invalidate_all()  # the analyses' rows read before

        row = Quality.search([("lot_id", "=", lot.id)])
        self.assertEqual(len(row), 1)
        self.assertEqual(row.supplier_id, self.supplier)
        self.assertEqual(row.picking_id, receipt)
        self.assertEqual(row.date_received, receipt.date_done)
        self.assertEqual(row.pending_count, 1)
        self.assertEqual(Kpi.search(release_row).warehouse_id, self.warehouse)

    def test_a_supplier_lot_without_origin_receipt_still_counts_for_its_supplier(self):
        """A lot whose supplier lot was recorded by hand (no receipt of it in the history) is the supplier's
        lot all the same: the analysis joins the receipt as optional."""
        receipt = self._receive(self.milk, 20, supplier_lot_code="AD-1", lot_name="MILK-AD1")
        lot = receipt.move_line_ids.lot_id
        self._forget_origin(lot)
        self.env["stock.lot.qc.check"].search([("lot_id", "=", lot.id)]).write({"measured_value": 9})

        rows = self.env["stock.lot.supplier.quality.report"].search([("lot_id", "=", lot.id)])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.supplier_id, self.supplier)
        self.assertEqual(rows.supplier_lot_id, lot.supplier_lot_id)
        self.assertFalse(rows.picking_id)
        self.assertEqual(rows.failed_check_count, 1)
        failures = self.env["stock.lot.qc.failure.report"].search([("lot_id", "=", lot.id)])
        self.assertEqual(failures.supplier_id, self.supplier)
