import threading
import time

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, get_db_name, new_test_user, tagged
from odoo.tools import SQL


class HoldConcurrencyCommon(TransactionCase):
    """The busiest lot: committed in stock, shipped once already, and a delivery of it reserved and picked.

    Another connection (another user) works on it while the test's transaction, whose snapshot is older,
    holds it, as two users of a busy warehouse do. One test per class: a test that commits a change to the
    lot leaves the class's older snapshot unable to lock it.
    """

    @classmethod
    def setUpClass(cls):
        with Registry(get_db_name()).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
            product = env["product.product"].create({"name": "Race milk", "is_storable": True, "tracking": "lot"})
            lot = env["stock.lot"].create({"name": "MILK-RACE", "product_id": product.id})
            customer = env["res.partner"].create({"name": "Race customer", "email": "race@example.com"})
            cls.product_id, cls.lot_id, cls.customer_id = product.id, lot.id, customer.id
            cls.warehouse_id = warehouse.id
            suppliers = env.ref("stock.stock_location_suppliers")
            receipt = env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.in_type_id.id,
                    "location_id": suppliers.id,
                    "location_dest_id": warehouse.lot_stock_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": 20,
                                "location_id": suppliers.id,
                                "location_dest_id": warehouse.lot_stock_id.id,
                            }
                        )
                    ],
                }
            )
            receipt.action_confirm()
            receipt.move_ids.move_line_ids.write({"lot_id": lot.id, "quantity": 20, "picked": True})
            receipt.button_validate()
            # Shipped once: the lot is in stock and at a customer, as a busy lot is (Odoo's stock.lot
            # location_id no longer changes with each delivery).
            cls._create_delivery(env, 2).button_validate()
            cls.delivery_id = cls._create_delivery(env, 4).id
        cls.addClassCleanup(cls._delete_committed_records)
        super().setUpClass()
        cls.qa_manager = new_test_user(
            cls.env, "qa.racing", groups="lot_traceability.group_qa_manager,stock.group_stock_user", name="Rita Race"
        )

    @classmethod
    def _create_delivery(cls, env, quantity):
        """A delivery of ``quantity`` units of the lot, reserved by Odoo and picked: what is left is to validate it."""
        warehouse = env["stock.warehouse"].browse(cls.warehouse_id)
        customers = env.ref("stock.stock_location_customers")
        picking = env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": cls.customer_id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "Race delivery",
                            "product_id": cls.product_id,
                            "product_uom_qty": quantity,
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

    @classmethod
    def _delete_committed_records(cls):
        with Registry(get_db_name()).cursor() as cr:
            cr.execute("SELECT DISTINCT picking_id FROM stock_move WHERE product_id = %s", [cls.product_id])
            picking_ids = [row[0] for row in cr.fetchall()]
            for table in ("stock_valuation_layer", "stock_move_line", "stock_move", "stock_quant"):
                cr.execute(SQL("DELETE FROM %s WHERE product_id = %s", SQL.identifier(table), cls.product_id))
            cr.execute("DELETE FROM stock_picking WHERE id = ANY(%s)", [picking_ids])
            cr.execute("DELETE FROM mail_message WHERE model = 'stock.picking' AND res_id = ANY(%s)", [picking_ids])
            # Signatures are never deleted through the ORM.
            cr.execute("DELETE FROM stock_lot_qc_signature WHERE lot_id = %s", [cls.lot_id])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["stock.lot"].browse(cls.lot_id).unlink()
            env["product.product"].browse(cls.product_id).product_tmpl_id.unlink()
            env["res.partner"].browse(cls.customer_id).unlink()

    def _lot_as_signer(self):
        lot = self.env["stock.lot"].browse(self.lot_id).with_user(self.qa_manager)
        self.assertEqual(lot.qc_state, "released")  # the signer's transaction has begun: its snapshot is taken
        return lot


@tagged("post_install", "-at_install")
class TestHoldWhileReserving(HoldConcurrencyCommon):
    def test_a_hold_signed_while_deliveries_reserve_the_lot_holds_it(self):
        lot = self._lot_as_signer()
        with Registry(get_db_name()).cursor() as warehouse:
            # Another user's delivery reserves the lot and commits: Odoo writes the lot's quant.
            delivery = self._create_delivery(api.Environment(warehouse, SUPERUSER_ID, {}), 3)
            self.assertEqual(delivery.move_line_ids.lot_id.id, self.lot_id)
            warehouse.commit()
        # Before, the hold rewrote the QC state copied on the quant, which the reservation had just written:
        # PostgreSQL refused the hold (serialization failure), and again on each of Odoo's retries.
        lot.qc_sign("hold", "Hold: customer complaint", "qa.racing")
        self.env.flush_all()
        self.assertEqual(lot.qc_state, "on_hold")
        self.assertEqual(lot.qc_signature_ids.mapped("decision"), ["hold"])


@tagged("post_install", "-at_install")
class TestHoldWhileDelivering(HoldConcurrencyCommon):
    def test_a_hold_waits_for_a_delivery_being_validated_then_holds_the_lot(self):
        lot = self._lot_as_signer()
        delivering = Registry(get_db_name()).cursor()
        committing = threading.Timer(1.0, delivering.commit)
        try:
            # Another user validates a delivery of the lot: it locks the lot until it commits, a second later.
            api.Environment(delivering, SUPERUSER_ID, {})["stock.picking"].browse(self.delivery_id).button_validate()
            delivering.flush()
            committing.start()
            started = time.monotonic()
            # Before, the hold failed at once ("another user is signing or moving the lot").
            lot.qc_sign("hold", "Hold: customer complaint", "qa.racing")
            waited = time.monotonic() - started
        finally:
            if committing.is_alive():
                committing.join()
            delivering.close()
        self.env.flush_all()
        self.assertEqual(lot.qc_state, "on_hold")
        self.assertGreater(waited, 0.5, "the hold waited for the delivery to commit")


@tagged("post_install", "-at_install")
class TestDeliveringAfterAHold(HoldConcurrencyCommon):
    def test_a_delivery_validated_after_a_hold_committed_ships_nothing(self):
        delivery = self.env["stock.picking"].browse(self.delivery_id)
        self.assertEqual(delivery.move_line_ids.lot_id.id, self.lot_id)  # the warehouse's transaction has begun
        with Registry(get_db_name()).cursor() as signing:
            # QA's hold commits: what a signature does to the lot, under the signature's lock.
            lot = api.Environment(signing, SUPERUSER_ID, {})["stock.lot"].browse(self.lot_id)
            lot._lock_for_signature()
            lot._write_qc_state("on_hold", reason="Hold signed by QA")
            signing.commit()
        # The validation's lock on the lot sees the committed hold: Odoo retries the request on this error...
        with self.assertRaises(SerializationFailure):
            delivery.button_validate()
        # ... and the retry, a new transaction, finds the lot on hold and ships nothing.
        with Registry(get_db_name()).cursor() as retrying:
            retried = api.Environment(retrying, SUPERUSER_ID, {})["stock.picking"].browse(self.delivery_id)
            with self.assertRaisesRegex(UserError, r"MILK-RACE \(On Hold\)"):
                retried.button_validate()
            self.assertNotEqual(retried.state, "done")
            retrying.rollback()
