"""Controls tried the way a user could try to get around them: RPC as an ordinary user, imports, edits of
done documents, multi-step routes, another company, another connection."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import LotTraceabilityCommon


class IntegrityCommon(LotTraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release({"name": "pH", "min_value": 6.4, "max_value": 6.8})
        cls.qa_manager = new_test_user(
            cls.env, "qa.integrity", groups="lot_traceability.group_qa_manager,stock.group_stock_user", name="Quinn"
        )
        cls.stock_user = new_test_user(cls.env, "stock.integrity", groups="stock.group_stock_user,mrp.group_mrp_user")
        cls.stock_manager = new_test_user(cls.env, "stock.manager.integrity", groups="stock.group_stock_manager")

    def _release(self, lot):
        """Record a passing pH, then release the lot."""
        lot.qc_check_ids.with_user(self.qa_manager).measured_value = 6.6
        return self._sign(lot, "release")

    def _released_milk(self, name="MILK-I", quantity=20, **line_vals):
        lot = self._milk_lot(name, quantity, **line_vals)
        self._release(lot)
        return lot


@tagged("post_install", "-at_install")
class TestSignatureIntegrity(IntegrityCommon):
    def test_the_password_is_never_written_to_the_database(self):
        password = "Correct-Horse-Battery-4711"
        self.qa_manager.password = password
        lot = self._milk_lot("MILK-I", 20)
        lot.qc_check_ids.with_user(self.qa_manager).measured_value = 6.6
        wizard = Form(
            self.env["stock.lot.qc.sign.wizard"]
            .with_user(self.qa_manager)
            .with_context(default_lot_ids=lot.ids, default_decision="release")
        )
        wizard.meaning = "Approved for release"
        wizard.password = password
        record = wizard.save()
        record.with_context(lot_qc_password=password).action_sign()
        self.assertEqual(lot.qc_state, "released")
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = 'public' AND data_type IN ('character varying', 'text', 'jsonb')
            """
        )
        found = []
        for table, column in self.env.cr.fetchall():
            self.env.cr.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1',
                [f"%{password}%"],
            )
            if self.env.cr.fetchone():
                found.append(f"{table}.{column}")
        self.assertEqual(found, [], "the password is stored nowhere")

    def test_a_signing_wizard_is_its_creators_alone(self):
        lot = self._milk_lot("MILK-I", 20)
        other_manager = new_test_user(self.env, "qa.other", groups="lot_traceability.group_qa_manager")
        wizard = (
            self.env["stock.lot.qc.sign.wizard"]
            .with_user(self.qa_manager)
            .create({"lot_ids": [Command.set(lot.ids)], "decision": "hold", "meaning": "hold"})
        )
        self.assertFalse(self.env["stock.lot.qc.sign.wizard"].with_user(other_manager).search([("id", "=", wizard.id)]))
        with self.assertRaises(AccessError):
            wizard.with_user(other_manager).read(["meaning"])

    def test_qc_state_is_written_by_no_one_but_signatures_and_recalls(self):
        lot = self._milk_lot("MILK-I", 20)
        for user in (self.stock_user, self.qa_manager, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login), self.assertRaisesRolledBack(UserError, "signed QC decision"):
                lot.with_user(user).write({"qc_state": "released"})
        with self.assertRaisesRolledBack(UserError, "signed QC decision"):
            lot.sudo().qc_state = "released"
        with self.assertRaisesRolledBack(UserError, "set by Odoo"):
            self.env["stock.lot"].create({"name": "FORGED", "product_id": self.milk.id, "qc_state": "released"})
        forged = (
            self.env["stock.lot"]
            .with_context(default_qc_state="released")
            .create({"name": "DEFAULTED", "product_id": self.milk.id})
        )
        self.assertEqual(forged.qc_state, "pending", "a default in the context changes nothing")
        result = self.env["stock.lot"].load(
            ["name", "product_id/id", "qc_state"],
            [["IMPORTED", self.milk.get_external_id().get(self.milk.id) or self._xmlid(self.milk), "released"]],
        )
        self.assertFalse(result["ids"], "the import is refused")
        self.assertIn("set by Odoo", " ".join(message["message"] for message in result["messages"]))
        self.assertEqual(lot.qc_state, "pending")

    def _xmlid(self, product):
        self.env["ir.model.data"].create(
            {
                "name": f"integrity_product_{product.id}",
                "module": "__test__",
                "model": product._name,
                "res_id": product.id,
            }
        )
        return f"__test__.integrity_product_{product.id}"

    def test_unticking_requires_release_never_releases_a_pending_lot(self):
        lot = self._milk_lot("MILK-I", 20)
        with self.assertRaisesRolledBack(AccessError, "QA Managers"):
            self.category.with_user(self.stock_manager).qc_release_required = False
        with self.assertRaisesRolledBack(AccessError, "QA Managers"):
            self.milk.product_tmpl_id.with_user(self.stock_manager).qc_release_required = True
        self.category.qc_release_required = False  # by a QA Manager with product rights
        self.assertEqual(lot.qc_state, "pending")
        self.assertTrue(lot.qc_release_required)
        self.assertFalse(self._deliver(self.milk, 5).move_line_ids, "the pending lot is still never reserved")

    def test_verify_signatures_finds_a_state_changed_outside_odoo(self):
        lot = self._released_milk()
        self.assertEqual(lot.action_verify_signatures()["params"]["type"], "success")
        self.env.flush_all()
        self.env.cr.execute("UPDATE stock_lot SET qc_state = 'pending' WHERE id = %s", [lot.id])
        lot.invalidate_recordset(["qc_state"])
        result = lot.action_verify_signatures()["params"]
        self.assertEqual(result["type"], "danger")
        self.assertIn("MILK-I", result["message"])

    def test_check_results_and_performers_are_set_by_the_server_and_frozen_once_signed(self):
        lot = self._milk_lot("MILK-I", 20)
        check = lot.qc_check_ids
        with self.assertRaisesRolledBack(UserError, "recorded by Odoo"):
            check.with_user(self.qa_manager).write({"performed_by_id": self.stock_user.id})
        with self.assertRaisesRolledBack(UserError, "recorded by Odoo"):
            self.env["stock.lot.qc.check"].with_user(self.qa_manager).create(
                {"lot_id": lot.id, "name": "Forged", "is_measured": True, "performed_at": "2020-01-01 00:00:00"}
            )
        self._release(lot)
        self.assertEqual(check.performed_by_id, self.qa_manager)
        with self.assertRaisesRolledBack(UserError, "signed off"):
            check.with_user(self.qa_manager).name = "Another test"
        with self.assertRaisesRolledBack(UserError, "signed off"):
            self.env["stock.lot.qc.check"].with_user(self.qa_manager).create({"lot_id": lot.id, "name": "Late"})
        with self.assertRaisesRolledBack(UserError, "never be deleted"):
            check.sudo().unlink()

    def test_the_printed_name_is_frozen_and_a_signer_without_email_signs(self):
        self.qa_manager.partner_id.email = False
        lot = self._released_milk()
        signature = lot.qc_signature_ids
        self.qa_manager.name = "Somebody Else"
        self.assertEqual(signature.signer_name, "Quinn")
        self.assertIn("Quinn", signature.display_name)
        self.assertEqual(lot.action_verify_signatures()["params"]["type"], "success")
        self.assertIn("signed by Quinn", lot.message_ids[0].body)

    def test_a_chain_begun_in_another_company_continues(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain"})
        self.qa_manager.write({"company_ids": [Command.link(company_2.id)]})
        # A lot shared by both companies (no company): each signature belongs to the company it was signed in.
        lot = self.env["stock.lot"].create({"name": "SHARED-1", "product_id": self.milk.id})
        self.assertFalse(lot.company_id)
        lot.with_user(self.qa_manager).qc_sign("hold", "Hold for retest", "qa.integrity")
        lot.qc_check_ids.with_user(self.qa_manager).measured_value = 6.6
        self.env.invalidate_all()  # as in the next request, where the user has selected the other company only
        in_spain = lot.with_user(self.qa_manager).with_context(allowed_company_ids=[company_2.id])
        in_spain.qc_sign("release", "Released in Spain", "qa.integrity")
        signatures = lot.sudo().qc_signature_ids.sorted("sequence")
        self.assertEqual(signatures.mapped("sequence"), [1, 2])
        self.assertEqual(signatures[1].previous_hash, signatures[0].hash)
        self.assertEqual(in_spain.action_verify_signatures()["params"]["type"], "success")


@tagged("post_install", "-at_install")
class TestLotHistory(IntegrityCommon):
    def test_every_date_supplier_lot_and_qc_state_change_is_kept(self):
        lot = self._milk_lot("MILK-I", 20, supplier_expiration_date=date(2026, 12, 31))
        lot.expiration_date = datetime(2026, 12, 20, 12, 0)
        self._release(lot)
        history = lot.audit_ids
        fields_changed = set(history.mapped("field_name"))
        self.assertTrue({"expiration_date", "qc_state"} <= fields_changed)
        qc = history.filtered(lambda change: change.field_name == "qc_state")
        self.assertEqual((qc.old_value, qc.new_value, qc.user_id), ("Pending Release", "Released", self.qa_manager))
        expiry = history.filtered(lambda change: change.field_name == "expiration_date")
        self.assertEqual((expiry.old_value, expiry.new_value), ("2026-12-31 12:00:00", "2026-12-20 12:00:00"))
        with self.assertRaisesRolledBack(UserError, "never be changed"):
            expiry.sudo().new_value = "2030-01-01"
        with self.assertRaisesRolledBack(UserError, "never be deleted"):
            history.sudo().unlink()
        with self.assertRaisesRolledBack(UserError, "never by hand"):
            self.env["stock.lot.audit"].sudo().create(
                {"lot_id": lot.id, "field_name": "qc_state", "field_description": "x"}
            )

    def test_a_non_qa_user_cannot_move_the_dates_of_a_released_lot(self):
        lot = self._released_milk(supplier_expiration_date=date(2026, 12, 31))
        with self.assertRaisesRolledBack(AccessError, "only QA users"):
            lot.with_user(self.stock_manager).expiration_date = datetime(2027, 6, 30, 12, 0)
        self.assertEqual(lot.expiration_date, datetime(2026, 12, 31, 12, 0))


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestReleaseGate(IntegrityCommon):
    """A lot that is not released reaches no customer and no production, by any path."""

    def _held_after_delivery(self):
        lot = self._released_milk(quantity=20)
        delivery = self._deliver(self.milk, 5)
        self.assertEqual(delivery.state, "done")
        self._sign(lot, "hold")
        return lot, delivery

    def test_no_line_of_a_held_lot_is_added_to_a_done_delivery(self):
        lot, delivery = self._held_after_delivery()
        with self.assertRaisesRolledBack(UserError, "MILK-I"):
            self.env["stock.move.line"].with_user(self.stock_manager).create(
                {
                    "move_id": delivery.move_ids.id,
                    "picking_id": delivery.id,
                    "product_id": self.milk.id,
                    "lot_id": lot.id,
                    "quantity": 3,
                    "location_id": self.stock_location.id,
                    "location_dest_id": self.customer_location.id,
                }
            )
        self.assertEqual(sum(delivery.move_line_ids.mapped("quantity")), 5)

    def test_a_done_line_cannot_ship_more_of_a_held_lot_nor_take_a_held_lot(self):
        lot, delivery = self._held_after_delivery()
        line = delivery.move_line_ids
        with self.assertRaisesRolledBack(UserError, "MILK-I"):
            line.quantity = 8
        other = self._milk_lot("MILK-PENDING", 10)
        self._release(lot)
        with self.assertRaisesRolledBack(UserError, "MILK-PENDING"):
            line.lot_id = other  # even as the administrator
        line.quantity = 4  # taking back never ships anything
        self.assertEqual(line.quantity, 4)

    def test_an_expired_lot_needs_an_override_like_a_lot_past_removal(self):
        self._released_milk("MILK-OLD", 10, supplier_expiration_date=date(2026, 3, 20))
        delivery = self._create_delivery(self.milk, 5)
        self.assertEqual(delivery.move_line_ids.lot_id.name, "MILK-OLD")
        delivery.move_ids.picked = True
        with freeze_time("2026-03-25 09:00:00"), self.assertRaisesRolledBack(UserError, "expired"):
            # Rules apply at validation: the lot was fine when reserved, it is expired now.
            delivery.with_context(skip_expired=True).button_validate()
        self.assertEqual(delivery.state, "assigned")

    def test_a_held_lot_does_not_leave_through_transit(self):
        lot = self._released_milk()
        transit = self.env["stock.location"].create({"name": "Inter-company transit", "usage": "transit"})
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.delivery_type.id,
                "location_id": self.stock_location.id,
                "location_dest_id": transit.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "to the other company",
                            "product_id": self.milk.id,
                            "product_uom_qty": 5,
                            "location_id": self.stock_location.id,
                            "location_dest_id": transit.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        self._sign(lot, "hold")
        picking.move_ids.picked = True
        with self.assertRaisesRolledBack(UserError, "MILK-I"):
            picking.button_validate()

    def test_a_held_finished_lot_cannot_be_unbuilt_back_into_production(self):
        self._released_milk(quantity=20)
        self._receive(self.sugar, 10, lot_name="SUGAR-U")
        production = self._produce(10)
        finished = production.lot_producing_id
        finished.with_user(self.qa_manager).qc_sign("hold", "Hold", "qa.integrity")
        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": self.yogurt.id,
                "bom_id": self.bom.id,
                "product_qty": 10,
                "lot_id": finished.id,
                "mo_id": production.id,
            }
        )
        with self.assertRaisesRolledBack(UserError, finished.name):
            unbuild.action_unbuild()

    def test_a_lot_held_mid_route_is_skipped_and_the_scheduler_runs_on(self):
        lot = self._released_milk("MILK-MID", 10)
        output = self.warehouse.wh_output_stock_loc_id
        ship = self.env["stock.move"].create(
            {
                "name": "ship",
                "product_id": self.milk.id,
                "product_uom_qty": 5,
                "location_id": output.id,
                "location_dest_id": self.customer_location.id,
                "picking_type_id": self.delivery_type.id,
                "procure_method": "make_to_order",
            }
        )
        pick = self.env["stock.move"].create(
            {
                "name": "pick",
                "product_id": self.milk.id,
                "product_uom_qty": 5,
                "location_id": self.stock_location.id,
                "location_dest_id": output.id,
                "picking_type_id": self.warehouse.pick_type_id.id or self.delivery_type.id,
                "move_dest_ids": [Command.link(ship.id)],
            }
        )
        (pick | ship)._action_confirm()
        pick._action_assign()
        self.assertEqual(pick.move_line_ids.lot_id, lot)
        pick.picked = True
        pick._action_done()
        ship._do_unreserve()
        self._sign(lot, "hold")
        ship._action_assign()  # Check Availability: no error, nothing reserved
        self.assertFalse(ship.move_line_ids)
        self.assertNotEqual(ship.state, "assigned")
        self.assertEqual(ship.lot_wait_reason, "MILK-MID (On Hold)", "the reason the move waits is shown")
        self.env["procurement.group"].run_scheduler()
