from freezegun import freeze_time

from odoo import Command
from odoo.addons.stock.models.stock_lot import StockLot as OdooStockLot
from odoo.tests import Form, new_test_user, tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestDeliveryLookup(LotTraceabilityCommon):
    """Odoo's delivery lookup of a lot (``_find_delivery_ids_by_lot``: the lot form's Transfers button,
    ``delivery_ids``, ``last_delivery_partner_id``) answered by the trace engine: the same transfers as
    Odoo's own walk, in one query whatever the number of manufacturing levels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_2 = cls.env["res.partner"].create({"name": "Green Basket Grocers", "is_company": True})
        cls.customer_3 = cls.env["res.partner"].create({"name": "Hilltop Deli", "is_company": True})
        cls.pack = cls.env["product.product"].create({"name": "Yogurt 4-pack", "is_storable": True, "tracking": "lot"})
        cls.pack_bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.pack.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [Command.create({"product_id": cls.yogurt.id, "product_qty": 4})],
            }
        )
        cls.stock_user = new_test_user(
            cls.env, login="delivery_lookup_user", groups="stock.group_stock_user,stock.group_production_lot"
        )

    def _lot(self, name):
        return self.env["stock.lot"].search([("name", "=", name)])

    def _odoo_walk(self, lots):
        """Odoo's own implementation (stock), each level of manufacturing walked by its recursive call."""
        return OdooStockLot._find_delivery_ids_by_lot(lots)

    def _build_dairy(self):
        """Milk M1 and sugar S1 make two yogurt lots (Y1, Y2); part of Y1 makes a lot of packs. Y1 goes to two
        customers, Y2 to a third, the packs to the first one; a customer returns part of Y1; 5 sugar go back to
        the supplier; 10 yogurts of Y2 are unbuilt (back into milk and sugar)."""
        self._receive(self.milk, 40, lot_name="M1")
        self._receive(self.sugar, 40, lot_name="S1")
        y1 = self._produce(100).lot_producing_id  # 20 of M1, 10 of S1
        production_2 = self._produce(50)  # 10 of M1, 5 of S1
        y2 = production_2.lot_producing_id
        pack = self._produce(5, bom=self.pack_bom).lot_producing_id  # 20 yogurts, Y1 first (FEFO ties: by lot)
        self.assertEqual(
            self.env["stock.move.line"].search([("lot_id", "=", pack.id)]).move_id.production_id.move_raw_ids.lot_ids,
            y1,
            "the packs are made of Y1",
        )
        deliveries = {
            "y1_customer": self._deliver(self.yogurt, 50, self.customer),
            "y1_customer_2": self._deliver(self.yogurt, 30, self.customer_2),
            "y2_customer_3": self._deliver(self.yogurt, 40, self.customer_3),
            "pack_customer": self._deliver(self.pack, 5, self.customer),
        }
        self.assertEqual(deliveries["y1_customer"].move_line_ids.lot_id, y1)
        self.assertEqual(deliveries["y1_customer_2"].move_line_ids.lot_id, y1)
        self.assertEqual(deliveries["y2_customer_3"].move_line_ids.lot_id, y2)
        self._return(deliveries["y1_customer"], 5)  # an incoming transfer: not a delivery
        sugar_receipt = self.env["stock.picking"].search(
            [("move_line_ids.lot_id", "=", self._lot("S1").id), ("picking_type_id", "=", self.receipt_type.id)]
        )
        deliveries["s1_supplier_return"] = self._return(sugar_receipt, 5)  # Odoo counts it: an outgoing transfer
        self.assertEqual(deliveries["s1_supplier_return"].picking_type_id.code, "outgoing")
        unbuild = self.env["mrp.unbuild"].create(
            {"product_id": self.yogurt.id, "mo_id": production_2.id, "product_qty": 10, "lot_id": y2.id}
        )
        unbuild.action_unbuild()
        return self._lot("M1"), self._lot("S1"), y1, y2, pack, deliveries

    def test_same_transfers_as_odoo_through_manufacturing_returns_and_unbuild(self):
        milk, sugar, y1, y2, pack, deliveries = self._build_dairy()
        lots = milk | sugar | y1 | y2 | pack
        shipped = {name: picking.id for name, picking in deliveries.items()}
        every_shipment = {shipped[name] for name in ("y1_customer", "y1_customer_2", "y2_customer_3", "pack_customer")}
        # Odoo's lookup follows manufacturing orders, not unbuild orders (Odoo 18 links nothing to what an
        # unbuild recovers): the milk and sugar recovered from Y2 are no deliveries of Y2 or of the milk.
        expected = {
            milk.id: every_shipment,
            sugar.id: every_shipment | {shipped["s1_supplier_return"]},
            y2.id: {shipped["y2_customer_3"]},
            y1.id: {shipped["y1_customer"], shipped["y1_customer_2"], shipped["pack_customer"]},
            pack.id: {shipped["pack_customer"]},
        }

        ours = lots._find_delivery_ids_by_lot()

        self.assertEqual({lot_id: set(pickings) for lot_id, pickings in ours.items()}, expected)
        for lot in lots:
            odoo = self._odoo_walk(lot)
            self.assertEqual(set(ours[lot.id]), set(odoo[lot.id]), lot.name)
        self.assertEqual(set(self._odoo_walk(milk | y1 | pack)[milk.id]), expected[milk.id])
        traced = self.env["stock.move.line"].browse(milk.trace("downstream")["move_line_ids"])
        self.assertIn(
            deliveries["s1_supplier_return"], traced.picking_id, "the trace, unlike Odoo's lookup, follows the unbuild"
        )

    def test_the_lot_form_shows_the_transfers_to_a_stock_user(self):
        milk, _sugar, y1, _y2, _pack, deliveries = self._build_dairy()

        lot_form = Form(milk.with_user(self.stock_user))
        self.assertEqual(
            lot_form.delivery_count, 4, "four shipments to customers (the sugar's return is not the milk's)"
        )
        action = y1.with_user(self.stock_user).action_lot_open_transfers()
        self.assertEqual(
            self.env["stock.picking"].search(action["domain"]),
            deliveries["y1_customer"] | deliveries["y1_customer_2"] | deliveries["pack_customer"],
        )

    def test_a_serial_shows_its_last_customer(self):
        scanner = self.env["product.product"].create(
            {"name": "Handheld Scanner", "is_storable": True, "tracking": "serial"}
        )
        with freeze_time("2026-03-02 09:00:00"):
            self._receive(scanner, 1, lot_name="SN-001")
            first = self._deliver(scanner, 1, self.customer)
        with freeze_time("2026-03-09 09:00:00"):
            self._return(first, 1)
        with freeze_time("2026-03-16 09:00:00"):
            second = self._deliver(scanner, 1, self.customer_2)
        serial = self._lot("SN-001")

        self.assertEqual(set(serial._find_delivery_ids_by_lot()[serial.id]), {first.id, second.id})
        self.assertEqual(serial.with_user(self.stock_user).last_delivery_partner_id, self.customer_2)

    def test_lots_without_delivery_get_an_empty_list(self):
        self._receive(self.milk, 10, lot_name="M9")
        never_moved = self.env["stock.lot"].create({"name": "M10", "product_id": self.milk.id})
        lots = self._lot("M9") | never_moved

        self.assertEqual(lots._find_delivery_ids_by_lot(), {lot.id: [] for lot in lots})
        self.assertEqual(self.env["stock.lot"]._find_delivery_ids_by_lot(), {})

    def test_a_lot_being_created_in_a_form_has_no_transfer(self):
        lot_form = Form(self.env["stock.lot"].with_user(self.stock_user))
        lot_form.name = "M11"
        lot_form.product_id = self.milk
        self.assertEqual(lot_form.delivery_count, 0)
        lot = lot_form.save()
        self.assertEqual(lot.delivery_count, 0)

    def test_one_query_whatever_the_manufacturing_depth(self):
        milk, sugar, y1, y2, pack, _deliveries = self._build_dairy()
        lots = milk | sugar | y1 | y2 | pack
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            lots._find_delivery_ids_by_lot()
