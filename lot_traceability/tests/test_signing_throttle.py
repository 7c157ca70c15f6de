"""A signature's password behaves like a login: after Odoo's number of wrong passwords in a row
(``base.login_cooldown_after``) the signer waits Odoo's cooldown (``base.login_cooldown_duration``) and is told so."""

from freezegun import freeze_time

from odoo.exceptions import AccessDenied
from odoo.tests import Form, new_test_user, tagged

from .common import LotTraceabilityCommon


class SigningThrottleCommon(LotTraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release({"name": "pH", "min_value": 6.4, "max_value": 6.8})
        cls.qa_manager = new_test_user(cls.env, "qa.throttle", groups="lot_traceability.group_qa_manager")
        cls.other_manager = new_test_user(cls.env, "qa.throttle.other", groups="lot_traceability.group_qa_manager")
        # Odoo's login settings as base installs them: 10 failures in a row, then 60 s after each further one.
        parameters = cls.env["ir.config_parameter"].sudo()
        parameters.set_param("base.login_cooldown_after", 10)
        parameters.set_param("base.login_cooldown_duration", 60)

    def setUp(self):
        super().setUp()
        # The count lives in the server's memory, as Odoo's login count does: it outlives the test's transaction.
        self.addCleanup(self._forget_failures)

    def _forget_failures(self):
        failures = getattr(self.env.registry, "_lot_traceability_signing_failures", {})
        for user in (self.qa_manager, self.other_manager):
            failures.pop(user.id, None)

    def _milk_lot(self, name="MILK-T"):
        self._receive(self.milk, 10, lot_name=name)
        return self.env["stock.lot"].search([("name", "=", name)])

    def _sign(self, lot, decision, password, user=None):
        return lot.with_user(user or self.qa_manager).qc_sign(decision, f"I {decision} this lot", password)

    def _fail(self, lot, times, user=None):
        for _attempt in range(times):
            with self.assertRaises(AccessDenied):
                self._sign(lot, "hold", "wrong", user=user)


@tagged("post_install", "-at_install")
class TestSigningThrottle(SigningThrottleCommon):
    def test_wrong_passwords_in_a_row_lock_the_signer_out_like_logins_do(self):
        lot = self._milk_lot()
        with freeze_time("2026-03-10 09:00:00") as frozen:
            self._fail(lot, 10)
            # Even the right password is not tried during the cooldown.
            with self.assertRaisesRolledBack(AccessDenied, "Too many wrong passwords: try again in 1 minute"):
                self._sign(lot, "hold", "qa.throttle")
            self.assertEqual(lot.qc_state, "pending")
            self.assertFalse(lot.qc_signature_ids)
            frozen.tick(30)
            with self.assertRaisesRolledBack(AccessDenied, "Too many wrong passwords"):
                self._sign(lot, "hold", "qa.throttle")
            frozen.tick(31)
            self._sign(lot, "hold", "qa.throttle")
        self.assertEqual(lot.qc_state, "on_hold")

    def test_a_signature_with_the_right_password_starts_the_count_again(self):
        lot = self._milk_lot()
        self._fail(lot, 9)
        self._sign(lot, "hold", "qa.throttle")
        self._fail(lot, 9)
        self._sign(lot, "reject", "qa.throttle")
        self.assertEqual(lot.qc_state, "rejected")

    def test_the_lockout_is_the_signers_own(self):
        lot = self._milk_lot()
        self._fail(lot, 10)
        self._sign(lot, "hold", "qa.throttle.other", user=self.other_manager)
        self.assertEqual(lot.qc_signature_ids.signer_id, self.other_manager)
        with self.assertRaisesRolledBack(AccessDenied, "Too many wrong passwords"):
            self._sign(lot, "reject", "qa.throttle")

    def test_odoos_login_cooldown_settings_apply(self):
        parameters = self.env["ir.config_parameter"].sudo()
        parameters.set_param("base.login_cooldown_after", 2)
        parameters.set_param("base.login_cooldown_duration", 600)
        lot = self._milk_lot()
        self._fail(lot, 2)
        with self.assertRaisesRolledBack(AccessDenied, "try again in 10 minutes"):
            self._sign(lot, "hold", "qa.throttle")

        parameters.set_param("base.login_cooldown_after", 0)  # Odoo's way to turn the cooldown off
        self._fail(lot, 8)
        self._sign(lot, "hold", "qa.throttle")
        self.assertEqual(lot.qc_state, "on_hold")

    def test_the_sign_wizard_tells_a_locked_out_signer(self):
        lot = self._milk_lot()
        wizard_model = (
            self.env["stock.lot.qc.sign.wizard"]
            .with_user(self.qa_manager)
            .with_context(default_lot_ids=lot.ids, default_decision="hold")
        )

        def sign(password):
            wizard = Form(wizard_model)
            wizard.meaning = "Hold for retest"
            wizard.password = password
            record = wizard.save()
            record.with_context(lot_qc_password=password).action_sign()
            return record.sign_error

        for _attempt in range(9):
            self.assertIn("Wrong password", sign("wrong"))
        self.assertIn("Too many wrong passwords: try again in 1 minute", sign("wrong"))
        self.assertIn("Too many wrong passwords: try again in 1 minute", sign("qa.throttle"))
        self.assertEqual(lot.qc_state, "pending")
        self.assertFalse(lot.qc_signature_ids)
