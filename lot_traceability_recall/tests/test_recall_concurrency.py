from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, get_db_name, tagged
from odoo.tools import SQL


class RecallConcurrencyCommon(TransactionCase):
    """A committed lot in stock and a reserved delivery of it. One test per class: a test that commits
    a change to the lot leaves the class's older snapshot unable to reference it."""

    @classmethod
    def setUpClass(cls):
        # The lot and its receipt are committed before the test transaction starts, so that another
        # connection (the other user) sees and locks the lot, as it would in production.
        with Registry(get_db_name()).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
            product = env["product.product"].create({"name": "Race yogurt", "is_storable": True, "tracking": "lot"})
            lot = env["stock.lot"].create({"name": "YOG-RACE", "product_id": product.id})
            receipt = env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.in_type_id.id,
                    "location_id": env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": warehouse.lot_stock_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": 10,
                                "location_id": env.ref("stock.stock_location_suppliers").id,
                                "location_dest_id": warehouse.lot_stock_id.id,
                            }
                        )
                    ],
                }
            )
            receipt.action_confirm()
            receipt.move_ids.move_line_ids.write({"lot_id": lot.id, "quantity": 10, "picked": True})
            receipt.button_validate()
            customer = env["res.partner"].create({"name": "Race customer", "email": "race@example.com"})
            delivery = cls._create_delivery(env, warehouse, product, customer)
            cls.product_id, cls.lot_id, cls.customer_id = product.id, lot.id, customer.id
            cls.picking_ids = (receipt | delivery).ids
            cls.delivery_id = delivery.id
        cls.addClassCleanup(cls._delete_committed_records)
        super().setUpClass()

    @classmethod
    def _delete_committed_records(cls):
        with Registry(get_db_name()).cursor() as cr:
            for table in ("stock_valuation_layer", "stock_move_line", "stock_move", "stock_quant"):
                cr.execute(SQL("DELETE FROM %s WHERE product_id = %s", SQL.identifier(table), cls.product_id))
            cr.execute("DELETE FROM stock_picking WHERE id = ANY(%s)", [cls.picking_ids])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["stock.lot"].browse(cls.lot_id).unlink()
            env["product.product"].browse(cls.product_id).product_tmpl_id.unlink()
            env["res.partner"].browse(cls.customer_id).unlink()

    @classmethod
    def _create_delivery(cls, env, warehouse, product, customer):
        """A delivery of 4 units, reserved and picked: what is left is to validate it."""
        customers = env.ref("stock.stock_location_customers")
        picking = env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": customer.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "Race delivery",
                            "product_id": product.id,
                            "product_uom_qty": 4,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": customers.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        return picking


@tagged("post_install", "-at_install")
class TestRecallWhileDelivering(RecallConcurrencyCommon):
    def test_confirming_while_a_delivery_ships_the_lot_fails_clearly_and_holds_nothing(self):
        lot = self.env["stock.lot"].browse(self.lot_id)
        recall = self.env["stock.lot.recall"].create({"reason": "race", "lot_ids": [Command.set(lot.ids)]})
        recall.action_compute_scope()
        with Registry(get_db_name()).cursor() as delivering:
            # The other user's delivery is being validated: it locks the lot as validation does.
            api.Environment(delivering, SUPERUSER_ID, {})["stock.lot"].browse(self.lot_id)._lock_for_shipping()
            with self.assertRaises(UserError) as capture:
                recall.action_confirm()
            self.assertIn("being changed by another user", str(capture.exception))
            delivering.rollback()
        self.assertEqual(recall.state, "draft")
        self.assertFalse(recall.hold_ids)
        self.assertEqual(lot.qc_state, "released")


@tagged("post_install", "-at_install")
class TestDeliveringWhileRecalled(RecallConcurrencyCommon):
    def test_a_delivery_begun_before_the_hold_was_committed_cannot_ship_the_lot(self):
        delivery = self.env["stock.picking"].browse(self.delivery_id)
        self.assertEqual(delivery.move_line_ids.lot_id.id, self.lot_id)
        with Registry(get_db_name()).cursor() as recalling:
            # The recall manager's confirmation holds the lot and commits first.
            env = api.Environment(recalling, SUPERUSER_ID, {})
            lot = env["stock.lot"].browse(self.lot_id)
            lot._lock_for_recall(lot)
            lot._write_qc_state("on_hold", reason="recall")
            recalling.commit()
            try:
                with self.assertRaises(SerializationFailure):
                    delivery.button_validate()
                self.assertNotEqual(delivery.state, "done")
            finally:
                lot._write_qc_state("released", reason="end of test")
                recalling.commit()


@tagged("post_install", "-at_install")
class TestRecallWhileReserving(RecallConcurrencyCommon):
    def test_confirming_while_deliveries_reserve_the_lot_holds_it(self):
        lot = self.env["stock.lot"].browse(self.lot_id)
        recall = self.env["stock.lot.recall"].create({"reason": "race", "lot_ids": [Command.set(lot.ids)]})
        recall.action_compute_scope()
        with Registry(get_db_name()).cursor() as reserving:
            # Another user's delivery reserves the lot and commits: Odoo writes the lot's quant, which the
            # recall's own release of the reservations it sees writes too.
            env = api.Environment(reserving, SUPERUSER_ID, {})
            warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
            product, customer = (
                env["product.product"].browse(self.product_id),
                env["res.partner"].browse(self.customer_id),
            )
            delivery = self._create_delivery(env, warehouse, product, customer)
            self.assertEqual(delivery.move_line_ids.lot_id.id, self.lot_id)
            self.picking_ids.append(delivery.id)
            reserving.commit()
        # Before, PostgreSQL refused the confirmation (serialization failure), and again on each of Odoo's retries.
        recall.action_confirm()
        self.env.flush_all()
        self.assertEqual(recall.state, "confirmed")
        self.assertEqual(lot.qc_state, "on_hold")
        self.assertEqual(recall.hold_ids.lot_id, lot)
        # The reservations it could not release at once are released by the recall job, triggered now.
        cron = self.env.ref("lot_traceability_recall.ir_cron_release_held_reservations")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
