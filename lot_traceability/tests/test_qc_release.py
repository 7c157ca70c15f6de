from freezegun import freeze_time

from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError
from odoo.modules.registry import Registry
from odoo.tests import Form, get_db_name, new_test_user, tagged

from .common import CommittedLotCommon, LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestQcRelease(LotTraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release(
            {"name": "pH", "value_type": "numeric", "min_value": 6.4, "max_value": 6.8},
            {"name": "Listeria", "value_type": "text", "expected_text": "Absent"},
            {"name": "Smell", "value_type": "boolean", "mandatory": False},
        )
        cls.qa_manager = new_test_user(
            cls.env,
            "qa.manager",
            groups="lot_traceability.group_qa_manager,stock.group_stock_user",
            name="Quinn Auditor",
        )
        cls.qa_user = new_test_user(cls.env, "qa.user", groups="lot_traceability.group_qa_user")

    def _record(self, lot, **results):
        for check in lot.qc_check_ids:
            if check.name in results:
                field = {"numeric": "measured_value", "text": "measured_text", "boolean": "measured_ok"}[
                    check.value_type
                ]
                check.with_user(self.qa_user)[field] = results[check.name]

    def test_new_lots_of_a_release_product_start_pending_with_the_specification_checks(self):
        lot = self._milk_lot("MILK-QC")
        self.assertEqual(lot.qc_state, "pending")
        self.assertEqual(lot.qc_check_ids.mapped("name"), ["pH", "Listeria", "Smell"])
        self.assertEqual(set(lot.qc_check_ids.mapped("result")), {"pending"})
        other = self.env["stock.lot"].create({"name": "SUGAR-QC", "product_id": self.sugar.id})
        self.assertEqual(other.qc_state, "released", "sugar needs no release")

    def test_recorded_values_compute_pass_or_fail_and_who_did_it(self):
        lot = self._milk_lot("MILK-QC")
        self._record(lot, pH=6.6, Listeria="absent", Smell=False)
        results = {check.name: check.result for check in lot.qc_check_ids}
        self.assertEqual(results, {"pH": "pass", "Listeria": "pass", "Smell": "fail"})
        self.assertEqual(lot.qc_check_ids.performed_by_id, self.qa_user)
        self.assertTrue(all(lot.qc_check_ids.mapped("performed_at")))

    @freeze_time("2026-03-10 09:00:00")
    def test_signed_release_through_the_wizard_makes_the_lot_deliverable(self):
        lot = self._milk_lot("MILK-QC")
        # QA records the results on the lot's Quality tab.
        with Form(lot.with_user(self.qa_user).with_context(display_complete=True)) as lot_form:
            with lot_form.qc_check_ids.edit(0) as check:
                check.measured_value = 6.6
            with lot_form.qc_check_ids.edit(1) as check:
                check.measured_text = "Absent"
        self.assertEqual(lot.qc_check_ids.mapped("result"), ["pass", "pass", "pending"])
        self.assertFalse(self._deliver(self.milk, 5).move_line_ids, "a pending lot is not reserved")
        wizard = Form(
            self.env["stock.lot.qc.sign.wizard"]
            .with_user(self.qa_manager)
            .with_context(default_lot_ids=lot.ids, default_decision="release")
        )
        wizard.meaning = "Approved for release"
        wizard.password = "qa.manager"
        # The Sign button sends the (never stored) password in the call's context, as the web client does.
        wizard.save().with_context(lot_qc_password="qa.manager").action_sign()

        self.assertEqual(lot.qc_state, "released")
        signature = lot.qc_signature_ids
        self.assertEqual(
            (signature.decision, signature.signer_name, signature.meaning, str(signature.signed_at)),
            ("release", "Quinn Auditor", "Approved for release", "2026-03-10 09:00:00"),
        )
        self.assertIn('"result": "pass"', signature.check_snapshot)
        self.assertIn("Approved for release", lot.message_ids[0].body)
        delivery = self._deliver(self.milk, 5)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.move_line_ids.lot_id, lot)

    def test_failed_check_then_signed_rejection_makes_the_lot_undeliverable(self):
        lot = self._milk_lot("MILK-QC")
        self._record(lot, pH=7.4, Listeria="Present")
        self._sign(lot, "reject")
        self.assertEqual(lot.qc_state, "rejected")
        delivery = self._deliver(self.milk, 5)
        self.assertFalse(delivery.move_line_ids, "a rejected lot is never reserved")
        with self.assertRaisesRolledBack(ValidationError, "MILK-QC"):
            self.env["stock.move.line"].create(
                {
                    "move_id": delivery.move_ids.id,
                    "picking_id": delivery.id,
                    "product_id": self.milk.id,
                    "lot_id": lot.id,
                    "quantity": 5,
                    "location_id": self.stock_location.id,
                    "location_dest_id": self.customer_location.id,
                }
            )

    def test_validating_a_delivery_of_a_lot_put_on_hold_after_reservation_names_the_lot(self):
        lot = self._milk_lot("MILK-QC")
        self._record(lot, pH=6.6, Listeria="Absent")
        self._sign(lot, "release")
        delivery = self._create_delivery(self.milk, 5)
        self.assertEqual(delivery.move_line_ids.lot_id, lot)
        self._sign(lot, "hold")
        delivery.move_ids.picked = True
        with self.assertRaisesRolledBack(UserError, "MILK-QC"):
            delivery.button_validate()
        self.assertEqual(delivery.state, "assigned")

    def test_manufacturing_never_consumes_a_pending_lot(self):
        self._milk_lot("MILK-QC", quantity=20)
        self._receive(self.sugar, 10, lot_name="SUGAR-MO")
        production = self.env["mrp.production"].create(
            {"product_id": self.yogurt.id, "product_qty": 10, "bom_id": self.bom.id}
        )
        production.action_confirm()
        production.action_assign()
        milk_move = production.move_raw_ids.filtered(lambda move: move.product_id == self.milk)
        self.assertFalse(milk_move.move_line_ids, "the pending milk lot is not reserved for production")
        # Released, the same lot is reserved by the same production.
        lot = self.env["stock.lot"].search([("name", "=", "MILK-QC")])
        self._record(lot, pH=6.6, Listeria="Absent")
        self._sign(lot, "release")
        production.action_assign()
        self.assertEqual(milk_move.move_line_ids.lot_id, lot)
        self.assertEqual(milk_move.quantity, milk_move.product_uom_qty)

    def test_wrong_password_is_refused_and_nothing_is_signed(self):
        lot = self._milk_lot("MILK-QC")
        self._record(lot, pH=6.6, Listeria="Absent")
        with self.assertRaises(AccessDenied):
            self._sign(lot, "release", password="wrong")
        self.assertEqual(lot.qc_state, "pending")
        self.assertFalse(lot.qc_signature_ids)

    def test_a_user_without_the_qa_manager_group_cannot_sign(self):
        lot = self._milk_lot("MILK-QC")
        with self.assertRaisesRolledBack(AccessError, "QA Managers"):
            lot.with_user(self.qa_user).qc_sign("hold", "hold it", "qa.user")
        self.assertEqual(lot.qc_state, "pending")

    def test_a_rejected_lot_cannot_be_signed_again(self):
        lot = self._milk_lot("MILK-QC")
        self._sign(lot, "reject")
        with self.assertRaisesRolledBack(UserError, "is Rejected"):
            self._sign(lot, "release", override_reason="changed my mind")
        self.assertEqual(len(lot.qc_signature_ids), 1)

    def test_release_needs_every_mandatory_check_passed_unless_overridden(self):
        lot = self._milk_lot("MILK-QC")
        self._record(lot, pH=7.4, Listeria="Absent")
        with self.assertRaisesRolledBack(UserError, "MILK-QC: pH"):
            self._sign(lot, "release")
        self.assertEqual(lot.qc_state, "pending")
        self._sign(lot, "release", override_reason="pH probe out of calibration, retest passed on paper")
        self.assertEqual(lot.qc_state, "released")
        self.assertEqual(lot.qc_signature_ids.override_reason, "pH probe out of calibration, retest passed on paper")

    def test_signed_checks_and_signatures_can_never_change(self):
        lot = self._milk_lot("MILK-QC")
        self._record(lot, pH=6.6, Listeria="Absent")
        self._sign(lot, "release")
        signature = lot.qc_signature_ids
        with self.assertRaisesRolledBack(UserError, "never be changed"):
            signature.sudo().write({"meaning": "something else"})
        with self.assertRaisesRolledBack(UserError, "never be deleted"):
            signature.sudo().unlink()
        with self.assertRaisesRolledBack(UserError, "signed off"):
            lot.qc_check_ids[0].measured_value = 9
        with self.assertRaisesRolledBack(UserError, "Sign wizard"):
            self.env["stock.lot.qc.signature"].sudo().create(
                {
                    "lot_id": lot.id,
                    "sequence": 9,
                    "decision": "release",
                    "meaning": "forged",
                    "signer_id": self.qa_manager.id,
                    "signer_name": "x",
                    "signed_at": "2026-01-01 00:00:00",
                }
            )

    def test_verify_signatures_finds_a_link_broken_outside_odoo(self):
        lot = self._milk_lot("MILK-QC")
        self._sign(lot, "hold")
        self._record(lot, pH=6.6, Listeria="Absent")
        self._sign(lot, "release")
        first, second = lot.qc_signature_ids.sorted("sequence")
        self.assertEqual(second.previous_hash, first.hash, "a chain")
        self.assertEqual(lot.action_verify_signatures()["params"]["type"], "success")

        self.env.cr.execute("UPDATE stock_lot_qc_signature SET meaning = 'tampered' WHERE id = %s", [first.id])
        self.env.invalidate_all()
        result = lot.action_verify_signatures()["params"]
        self.assertEqual(result["type"], "danger")
        self.assertIn("signature 1", result["message"])

    def test_pending_lots_are_put_away_in_quarantine(self):
        quarantine = self.env["stock.location"].create(
            {"name": "Quarantine", "usage": "internal", "location_id": self.warehouse.view_location_id.id}
        )
        self.warehouse.qc_quarantine_location_id = quarantine
        lot = self._milk_lot("MILK-QC")
        self.assertEqual(lot.quant_ids.filtered(lambda quant: quant.quantity > 0).location_id, quarantine)
        self._receive(self.sugar, 5, lot_name="SUGAR-Q")
        sugar_lot = self.env["stock.lot"].search([("name", "=", "SUGAR-Q")])
        self.assertEqual(
            sugar_lot.quant_ids.filtered(lambda quant: quant.quantity > 0).location_id,
            self.stock_location,
            "no release needed: stock",
        )


@tagged("post_install", "-at_install")
class TestQcConcurrentSigning(CommittedLotCommon):
    """Two QA managers sign the same lot at once: one wins, the other gets a clear error."""

    committed_product = {"name": "Concurrent milk", "qc_release_required": True}
    committed_lot_name = "MILK-CONCURRENT"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.qa_manager = new_test_user(cls.env, "qa.concurrent", groups="lot_traceability.group_qa_manager")

    def test_the_second_signer_gets_a_clear_error_and_the_chain_does_not_fork(self):
        lot = self.env["stock.lot"].browse(self.lot_id).with_user(self.qa_manager)
        with Registry(get_db_name()).cursor() as other_signer:
            other_signer.execute("SELECT id FROM stock_lot WHERE id = %s FOR UPDATE", [self.lot_id])
            with self.assertRaises(UserError) as capture:
                lot.qc_sign("hold", "Hold for retest", "qa.concurrent")
            self.assertIn("Another user is signing", str(capture.exception))
            other_signer.rollback()
        self.assertFalse(lot.qc_signature_ids)
        lot.qc_sign("hold", "Hold for retest", "qa.concurrent")
        self.assertEqual(lot.qc_signature_ids.mapped("sequence"), [1])
        self.assertEqual(lot.qc_state, "on_hold")

    def test_signing_while_another_user_receives_the_same_lot(self):
        lot = self.env["stock.lot"].browse(self.lot_id).with_user(self.qa_manager)
        with Registry(get_db_name()).cursor() as receiving:
            # Inserting a move line that references the lot takes this lock on it: signing does not wait for
            # it nor fail (the signer's lock is FOR NO KEY UPDATE).
            receiving.execute("SELECT id FROM stock_lot WHERE id = %s FOR KEY SHARE", [self.lot_id])
            lot.qc_sign("hold", "Hold for retest", "qa.concurrent")
            receiving.rollback()
        self.assertEqual(lot.qc_state, "on_hold")
