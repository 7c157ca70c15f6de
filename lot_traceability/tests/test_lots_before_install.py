from odoo.tests import tagged
from odoo.tools import SQL

from .. import hooks
from .common import LotTraceabilityCommon

ORIGIN_FIELDS = ("origin_picking_id", "origin_production_id", "production_date")


@tagged("post_install", "-at_install")
class TestLotsBeforeInstall(LotTraceabilityCommon):
    """Installing on a database with history: lots that moved before the addon recorded where they came from."""

    def _as_before_install(self, lots):
        """Blank what the addon records on a lot's first entry, as on a database where it was not installed."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE stock_lot SET origin_picking_id = NULL, origin_production_id = NULL, production_date = NULL "
                "WHERE id = ANY(%s)",
                lots.ids,
            )
        )
        lots.invalidate_recordset(ORIGIN_FIELDS)
        self.assertFalse(any(lot[field] for lot in lots for field in ORIGIN_FIELDS))

    def test_install_fills_the_origin_and_production_date_of_lots_from_their_history(self):
        receipt = self._receive(self.milk, 20, lot_name="MILK-OLD")
        self._receive(self.sugar, 20, lot_name="SUGAR-OLD")
        milk_lot, sugar_lot = receipt.move_line_ids.lot_id, self.env["stock.lot"].search([("name", "=", "SUGAR-OLD")])
        production = self._produce(10)
        yogurt_lot = production.lot_producing_id
        produced_line = production.move_finished_ids.move_line_ids
        # counted in stock, never received nor made: nothing says where it came from
        counted = self.env["stock.lot"].create({"name": "SUGAR-COUNTED", "product_id": self.sugar.id})
        self.env["stock.quant"].with_context(inventory_mode=True).create(
            {
                "product_id": self.sugar.id,
                "location_id": self.stock_location.id,
                "lot_id": counted.id,
                "inventory_quantity": 5,
            }
        ).action_apply_inventory()
        self._as_before_install(milk_lot | sugar_lot | yogurt_lot | counted)
        # a lot the addon already knows keeps what it recorded
        known = self._receive(self.milk, 5, lot_name="MILK-KNOWN").move_line_ids.lot_id
        known_origin = known.origin_picking_id

        hooks.post_init_hook(self.env)

        self.assertEqual(milk_lot.origin_picking_id, receipt)
        self.assertFalse(milk_lot.origin_production_id)
        self.assertEqual(milk_lot.origin_type, "receipt")
        self.assertFalse(milk_lot.production_date, "the history holds no supplier production date")
        self.assertEqual(sugar_lot.origin_picking_id.partner_id, self.supplier)
        self.assertEqual(yogurt_lot.origin_production_id, production)
        self.assertFalse(yogurt_lot.origin_picking_id)
        self.assertEqual(yogurt_lot.production_date, produced_line.date, "made when its finished line was done")
        self.assertFalse(counted.origin_picking_id or counted.origin_production_id or counted.production_date)
        self.assertEqual(known.origin_picking_id, known_origin)
