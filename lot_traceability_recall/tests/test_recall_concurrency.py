from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.addons.lot_traceability.tests.common import CommittedDeliveryCommon
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import get_db_name, tagged


class RecallConcurrencyCommon(CommittedDeliveryCommon):
    """A committed lot in stock and a reserved delivery of it. One test per class: a test that commits
    a change to the lot leaves the class's older snapshot unable to reference it."""

    committed_product = {"name": "Race yogurt"}
    committed_lot_name = "YOG-RACE"
    received_qty = 10


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
            delivery = self._create_delivery(api.Environment(reserving, SUPERUSER_ID, {}), 4)
            self.assertEqual(delivery.move_line_ids.lot_id.id, self.lot_id)
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
