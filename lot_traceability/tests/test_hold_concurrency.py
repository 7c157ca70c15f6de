import threading
import time

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import get_db_name, new_test_user, tagged

from .common import CommittedDeliveryCommon


class HoldConcurrencyCommon(CommittedDeliveryCommon):
    """The busiest lot: committed in stock, shipped once already, and a delivery of it reserved and picked.

    Another connection (another user) works on it while the test's transaction, whose snapshot is older,
    holds it, as two users of a busy warehouse do. One test per class: a test that commits a change to the
    lot leaves the class's older snapshot unable to lock it.
    """

    # Shipped once: the lot is in stock and at a customer, as a busy lot is (Odoo's stock.lot location_id no
    # longer changes with each delivery).
    shipped_qty = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.qa_manager = new_test_user(
            cls.env, "qa.racing", groups="lot_traceability.group_qa_manager,stock.group_stock_user", name="Rita Race"
        )

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
