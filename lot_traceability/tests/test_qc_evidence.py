"""What a QC signature rests on is frozen: the limits, expected results, mandatory flags and lot of each check come
from the specification; a QA Manager changes one lot's limits only as an act of its own, with a reason, kept in the
lot's History, and the result starts again; checks are added and removed only in ways that leave a trace and never
take a mandatory check of the specification away."""

import json
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.registry import Registry
from odoo.tests import Form, get_db_name, new_test_user, tagged

from ..tools.server_write import server_write
from .common import CommittedLotCommon, LotTraceabilityCommon


class QcEvidenceCommon(LotTraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release(
            {"name": "pH", "value_type": "numeric", "min_value": 6.4, "max_value": 6.8, "unit": "pH"},
            {"name": "Listeria", "value_type": "text", "expected_text": "Absent"},
            {"name": "Smell", "value_type": "boolean", "mandatory": False},
        )
        cls.qa_manager = new_test_user(
            cls.env, "qa.evidence.manager", groups="lot_traceability.group_qa_manager", name="Quinn Auditor"
        )
        cls.qa_user = new_test_user(
            cls.env, "qa.evidence.user", groups="lot_traceability.group_qa_user", name="Lab Lea"
        )
        cls.stock_user = new_test_user(cls.env, "stock.evidence", groups="stock.group_stock_user")

    def _check(self, lot, name):
        return lot.qc_check_ids.filtered(lambda check: check.name == name)

    def _change_limits_with_wizard(self, check, reason, **values):
        """A QA Manager clicks Change Limits on the check's row and fills the wizard."""
        action = check.with_user(self.qa_manager).action_change_limits()
        wizard = Form(self.env[action["res_model"]].with_user(self.qa_manager).with_context(**action["context"]))
        for name, value in values.items():
            setattr(wizard, name, value)
        wizard.reason = reason
        return wizard.save().action_apply()


@tagged("post_install", "-at_install")
class TestFrozenSpecification(QcEvidenceCommon):
    def test_a_qa_user_cannot_widen_the_limit_of_a_failing_check_to_make_it_pass(self):
        lot = self._milk_lot("MILK-EV")
        ph, listeria = self._check(lot, "pH"), self._check(lot, "Listeria")
        ph.with_user(self.qa_user).measured_value = 7.4
        listeria.with_user(self.qa_user).measured_text = "Present"
        self.assertEqual((ph.result, listeria.result), ("fail", "fail"))

        for check, values in (
            (ph, {"max_value": 10}),
            (ph, {"min_value": 0, "max_value": 14}),
            (ph, {"mandatory": False}),
            (ph, {"value_type": "boolean"}),
            (ph, {"name": "pH (indicative)"}),
            (listeria, {"expected_text": "Present"}),
            (listeria, {"mandatory": False}),
        ):
            for user in (self.qa_user, self.qa_manager):
                with (
                    self.subTest(values=values, user=user.login),
                    self.assertRaisesRolledBack(UserError, "fixed once the check exists"),
                ):
                    check.with_user(user).write(values)
        self.assertEqual((ph.max_value, ph.mandatory, ph.result, ph.performed_by_id), (6.8, True, "fail", self.qa_user))
        self.assertEqual((listeria.expected_text, listeria.result), ("Absent", "fail"))
        # The release still needs the failing checks passed, or an override reason.
        with self.assertRaisesRolledBack(UserError, "Mandatory checks have not passed"):
            self._sign(lot, "release")
        self.assertEqual(lot.qc_state, "pending")

    def test_a_check_cannot_be_moved_to_another_lot(self):
        lot = self._milk_lot("MILK-EV")
        other = self._milk_lot("MILK-EV-2")
        ph = self._check(lot, "pH")
        ph.with_user(self.qa_user).measured_value = 6.6
        with self.assertRaisesRolledBack(UserError, "fixed once the check exists"):
            ph.with_user(self.qa_user).lot_id = other
        # Nor through the lot's list of checks (what a form of the other lot would send).
        with self.assertRaisesRolledBack(UserError, "fixed once the check exists"):
            other.with_user(self.qa_user).write({"qc_check_ids": [Command.link(ph.id)]})
        self.assertEqual(ph.lot_id, lot)
        self.assertEqual(len(other.qc_check_ids), 3)

    def test_writing_the_same_values_again_is_no_change(self):
        # The web client may send a value it did not change: that is not a change of limit.
        lot = self._milk_lot("MILK-EV")
        ph = self._check(lot, "pH")
        ph.with_user(self.qa_user).write({"min_value": 6.4, "max_value": 6.8, "measured_value": 6.6})
        self.assertEqual((ph.result, ph.max_value), ("pass", 6.8))

    def test_the_quality_tab_shows_the_limits_of_existing_checks_read_only(self):
        lot = self._milk_lot("MILK-EV")
        with (
            Form(lot.with_user(self.qa_user).with_context(display_complete=True)) as lot_form,
            lot_form.qc_check_ids.edit(0) as check,
        ):
            with self.assertRaises(AssertionError):  # Form refuses to write a read-only field
                check.max_value = 10
            check.measured_value = 6.6
        self.assertEqual(self._check(lot, "pH").result, "pass")


@tagged("post_install", "-at_install")
class TestChangeOfLimits(QcEvidenceCommon):
    @freeze_time("2026-03-10 09:00:00")
    def test_a_qa_manager_changes_a_limit_with_a_reason_the_result_starts_again_and_history_shows_it(self):
        lot = self._milk_lot("MILK-EV")
        ph = self._check(lot, "pH")
        ph.with_user(self.qa_user).measured_value = 7.4
        self.assertEqual(ph.result, "fail")

        self._change_limits_with_wizard(ph, "Customer contract 2026-12 accepts up to pH 7.6", max_value=7.6)

        self.assertEqual((ph.min_value, ph.max_value), (6.4, 7.6))
        # The measurement was judged against other limits: it is cleared, the check is to do again.
        self.assertEqual((ph.result, ph.is_measured, ph.performed_by_id.id), ("pending", False, False))
        self.assertEqual(ph.limits_changed_by_id, self.qa_manager)
        self.assertEqual(ph.limits_change_reason, "Customer contract 2026-12 accepts up to pH 7.6")
        history = lot.audit_ids.filtered(lambda row: row.field_name.startswith("qc_check_ids"))
        by_field = {row.field_description: row for row in history}
        self.assertEqual(set(by_field), {"pH: Maximum", "pH: Result"})
        limit = by_field["pH: Maximum"]
        self.assertEqual((limit.old_value, limit.new_value, limit.user_id), ("6.8", "7.6", self.qa_manager))
        self.assertIn("Customer contract 2026-12", limit.reason)
        result = by_field["pH: Result"]
        self.assertIn("7.4", result.old_value)
        self.assertIn("Failed", result.old_value)
        self.assertIn("Lab Lea", result.old_value)
        self.assertEqual(result.new_value, "To Do")

        ph.with_user(self.qa_user).measured_value = 7.4
        self._check(lot, "Listeria").with_user(self.qa_user).measured_text = "Absent"
        self.assertEqual(ph.result, "pass")
        self._sign(lot, "release")
        self.assertEqual(lot.qc_state, "released")
        self.assertFalse(lot.qc_signature_ids.override_reason)

    def test_only_a_qa_manager_changes_limits_with_a_reason_and_never_on_a_signed_lot(self):
        lot = self._milk_lot("MILK-EV")
        ph, listeria, smell = self._check(lot, "pH"), self._check(lot, "Listeria"), self._check(lot, "Smell")
        with self.assertRaisesRolledBack(AccessError, "QA Managers"):
            ph.with_user(self.qa_user).change_limits({"max_value": 10}, "because")
        with self.assertRaisesRolledBack(AccessError, "QA Managers"):
            ph.with_user(self.qa_user).action_change_limits()
        with self.assertRaisesRolledBack(UserError, "reason"):
            ph.with_user(self.qa_manager).change_limits({"max_value": 10}, "  ")
        with self.assertRaisesRolledBack(ValidationError, "minimum is above the maximum"):
            ph.with_user(self.qa_manager).change_limits({"min_value": 8}, "wider")
        with self.assertRaisesRolledBack(UserError, "Minimum, Maximum"):
            ph.with_user(self.qa_manager).change_limits({"mandatory": False}, "not needed")
        with self.assertRaisesRolledBack(UserError, "Expected Result"):
            listeria.with_user(self.qa_manager).change_limits({"max_value": 3}, "typo")
        with self.assertRaisesRolledBack(UserError, "Expected Result"):
            listeria.with_user(self.qa_manager).change_limits({"expected_text": " "}, "blank")
        with self.assertRaisesRolledBack(UserError, "no limits"):
            smell.with_user(self.qa_manager).change_limits({"expected_text": "fresh"}, "typo")
        with self.assertRaisesRolledBack(UserError, "nothing to change"):
            ph.with_user(self.qa_manager).change_limits({"max_value": 6.8}, "same")
        with self.assertRaisesRolledBack(UserError, "number"):
            ph.with_user(self.qa_manager).change_limits({"max_value": "ten"}, "text")
        self.assertEqual(ph.max_value, 6.8)
        self.assertFalse(lot.audit_ids.filtered(lambda row: row.field_name.startswith("qc_check_ids")))

        ph.with_user(self.qa_user).measured_value = 6.6
        listeria.with_user(self.qa_user).measured_text = "Absent"
        self._sign(lot, "release")
        with self.assertRaisesRolledBack(UserError, "signed off"):
            ph.with_user(self.qa_manager).change_limits({"max_value": 7}, "after the fact")
        self.assertEqual(ph.max_value, 6.8)

    def test_the_limit_change_is_written_only_by_its_own_method(self):
        lot = self._milk_lot("MILK-EV")
        ph = self._check(lot, "pH")
        with self.assertRaisesRolledBack(UserError, "recorded by Odoo"):
            ph.with_user(self.qa_manager).write({"limits_change_reason": "forged", "limits_changed_by_id": 1})
        with self.assertRaisesRolledBack(UserError, "fixed once the check exists"):
            ph.with_user(self.qa_manager).sudo().write({"max_value": 10})


@tagged("post_install", "-at_install")
class TestChecksAddedAndRemoved(QcEvidenceCommon):
    def test_a_check_added_by_hand_is_kept_in_the_history_and_adds_to_the_specification(self):
        lot = self._milk_lot("MILK-EV")
        with (
            Form(lot.with_user(self.qa_user).with_context(display_complete=True)) as lot_form,
            lot_form.qc_check_ids.new() as check,
        ):
            check.name = "Aflatoxin M1"
            check.max_value = 0.05
            check.unit = "µg/kg"
        added = self._check(lot, "Aflatoxin M1")
        self.assertEqual((added.origin, added.mandatory, added.result), ("manual", True, "pending"))
        row = lot.audit_ids.filtered(lambda row: row.field_name == "qc_check_ids")
        self.assertEqual((row.old_value, row.user_id), (False, self.qa_user))
        self.assertIn("Aflatoxin M1", row.new_value)
        self.assertIn("Added by hand", row.reason)
        # The checks of the specification are all still there and still count.
        self.assertEqual(self._check(lot, "pH").origin, "specification")
        self._check(lot, "pH").with_user(self.qa_user).measured_value = 6.6
        self._check(lot, "Listeria").with_user(self.qa_user).measured_text = "Absent"
        with self.assertRaisesRolledBack(UserError, "Aflatoxin M1"):
            self._sign(lot, "release")

    def test_only_qa_users_add_checks_and_never_as_checks_of_the_specification(self):
        lot = self._milk_lot("MILK-EV")
        with self.assertRaisesRolledBack(AccessError, "QA users"):
            self.env["stock.lot.qc.check"].with_user(self.stock_user).create(
                {"lot_id": lot.id, "name": "pH", "measured_value": 6.6}
            )
        spec_line = self._check(lot, "pH").spec_line_id
        with self.assertRaisesRolledBack(UserError, "specification"):
            self.env["stock.lot.qc.check"].with_user(self.qa_user).create(
                {"lot_id": lot.id, "name": "pH", "spec_line_id": spec_line.id, "min_value": 0, "max_value": 14}
            )
        with self.assertRaisesRolledBack(UserError, "recorded by Odoo"):
            self.env["stock.lot.qc.check"].with_user(self.qa_user).create(
                {"lot_id": lot.id, "name": "pH", "origin": "specification"}
            )
        self.assertEqual(len(lot.qc_check_ids), 3)

    def test_a_check_of_the_specification_is_never_deleted(self):
        lot = self._milk_lot("MILK-EV")
        ph = self._check(lot, "pH")
        with self.assertRaisesRolledBack(UserError, "specification"):
            ph.with_user(self.qa_manager).unlink()
        with self.assertRaisesRolledBack(UserError, "specification"):
            lot.with_user(self.qa_manager).write({"qc_check_ids": [Command.delete(ph.id)]})
        with self.assertRaisesRolledBack(UserError, "specification"):
            lot.with_user(self.qa_manager).write({"qc_check_ids": [Command.set([])]})
        with self.assertRaisesRolledBack(UserError, "specification"):
            ph.sudo().unlink()
        self.assertEqual(len(lot.qc_check_ids), 3)

    def test_a_check_added_by_mistake_is_removed_before_any_result_and_the_history_keeps_it(self):
        lot = self._milk_lot("MILK-EV")
        checks = self.env["stock.lot.qc.check"].with_user(self.qa_user)
        mistake = checks.create({"lot_id": lot.id, "name": "Gluten", "value_type": "boolean"})
        measured = checks.create({"lot_id": lot.id, "name": "Moisture", "max_value": 4, "measured_value": 5})
        self.assertEqual(measured.performed_by_id, self.qa_user)
        with self.assertRaisesRolledBack(UserError, "result"):
            measured.with_user(self.qa_manager).unlink()
        mistake.with_user(self.qa_manager).unlink()
        self.assertFalse(mistake.exists())
        removed = lot.audit_ids.filtered(lambda row: row.field_name == "qc_check_ids" and not row.new_value)
        self.assertIn("Gluten", removed.old_value)
        self.assertEqual(removed.user_id, self.qa_manager)


@tagged("post_install", "-at_install")
class TestRemeasurement(QcEvidenceCommon):
    def test_a_result_measured_again_keeps_the_first_one_in_the_history(self):
        lot = self._milk_lot("MILK-EV")
        ph = self._check(lot, "pH")
        ph.with_user(self.qa_user).measured_value = 7.4
        ph.with_user(self.qa_manager).measured_value = 6.6
        self.assertEqual((ph.result, ph.performed_by_id), ("pass", self.qa_manager))
        row = lot.audit_ids.filtered(lambda row: row.field_name == "qc_check_ids.measured")
        self.assertEqual(row.user_id, self.qa_manager)
        self.assertIn("7.4", row.old_value)
        self.assertIn("Failed", row.old_value)
        self.assertIn("Lab Lea", row.old_value)
        self.assertIn("6.6", row.new_value)
        self.assertIn("Passed", row.new_value)

    def test_a_signed_check_takes_no_note_nor_attachment(self):
        lot = self._milk_lot("MILK-EV")
        self._check(lot, "pH").with_user(self.qa_user).measured_value = 6.6
        self._check(lot, "Listeria").with_user(self.qa_user).measured_text = "Absent"
        self._sign(lot, "release")
        ph = self._check(lot, "pH")
        with self.assertRaisesRolledBack(UserError, "signed off"):
            ph.with_user(self.qa_user).note = "the probe was broken"
        attachment = self.env["ir.attachment"].create({"name": "other-lab-report.pdf", "raw": b"%PDF-1.4"})
        with self.assertRaisesRolledBack(UserError, "signed off"):
            ph.with_user(self.qa_user).attachment_ids = attachment


@tagged("post_install", "-at_install")
class TestSignatureSnapshot(QcEvidenceCommon):
    def _snapshot(self, signature):
        return {check["test"]: check for check in json.loads(signature.check_snapshot)}

    def test_the_snapshot_shows_the_limits_that_applied_in_the_terms_of_each_test(self):
        lot = self._milk_lot("MILK-EV")
        ph, listeria, smell = self._check(lot, "pH"), self._check(lot, "Listeria"), self._check(lot, "Smell")
        ph.with_user(self.qa_user).measured_value = 7.1
        ph.with_user(self.qa_manager).change_limits({"max_value": 7.2}, "Customer contract allows 7.2")
        ph.with_user(self.qa_user).measured_value = 7.1
        listeria.with_user(self.qa_user).measured_text = "Absent"
        smell.with_user(self.qa_user).measured_ok = True
        self._sign(lot, "release")
        snapshot = self._snapshot(lot.qc_signature_ids)

        self.assertEqual(
            {key: snapshot["pH"][key] for key in ("type", "min", "max", "measured", "result", "unit")},
            {"type": "numeric", "min": 6.4, "max": 7.2, "measured": 7.1, "result": "pass", "unit": "pH"},
        )
        self.assertEqual(snapshot["pH"]["limits_changed"]["reason"], "Customer contract allows 7.2")
        self.assertEqual(snapshot["pH"]["limits_changed"]["by"], "Quinn Auditor")
        self.assertEqual(snapshot["pH"]["origin"], "specification")
        self.assertEqual(
            {key: snapshot["Listeria"].get(key) for key in ("type", "expected", "min", "max", "measured")},
            {"type": "text", "expected": "Absent", "min": None, "max": None, "measured": "Absent"},
        )
        self.assertIsNone(snapshot["Listeria"]["limits_changed"])
        self.assertEqual(
            {key: snapshot["Smell"].get(key) for key in ("type", "expected", "min", "max", "measured", "result")},
            {"type": "boolean", "expected": None, "min": None, "max": None, "measured": True, "result": "pass"},
        )
        # The signature shows it to whoever opens it.
        display = lot.qc_signature_ids.check_snapshot_display
        self.assertIn("6.4 \N{EN DASH} 7.2 pH", display)
        self.assertIn("Customer contract allows 7.2", display)

    def test_signatures_with_the_earlier_snapshot_still_verify_and_show(self):
        lot = self._milk_lot("MILK-EV")
        earlier = json.dumps(
            [
                {
                    "test": "pH",
                    "method": "",
                    "unit": "",
                    "min": 6.4,
                    "max": 6.8,
                    "expected": "",
                    "measured": 6.6,
                    "result": "pass",
                    "mandatory": True,
                    "by": "Quinn",
                    "at": "2026-01-01 08:00:00",
                }
            ],
            sort_keys=True,
        )
        with server_write("stock.lot.qc.signature"):
            signature = (
                self.env["stock.lot.qc.signature"]
                .sudo()
                .create(
                    {
                        "lot_id": lot.id,
                        "sequence": 1,
                        "decision": "hold",
                        "meaning": "Hold",
                        "signer_id": self.qa_manager.id,
                        "signer_name": "Quinn",
                        "signed_at": datetime(2026, 1, 1, 9, 0),
                        "note": False,
                        "override_reason": False,
                        "check_snapshot": earlier,
                        "previous_hash": False,
                    }
                )
            )
        self.assertFalse(signature._get_first_broken_link())
        self.assertIn("6.4 \N{EN DASH} 6.8", signature.check_snapshot_display)


@tagged("post_install", "-at_install")
class TestCheckWhileSigning(CommittedLotCommon):
    """A result recorded while a QA Manager signs the same lot never slips in after the signature."""

    committed_product = {"name": "Concurrent QC milk", "qc_release_required": True}
    committed_lot_name = "MILK-QC-RACE"

    @classmethod
    def _commit_history(cls, env, lot):
        with server_write("stock.lot.qc.check.spec"):
            cls.check_id = (
                env["stock.lot.qc.check"]
                .create({"lot_id": lot.id, "name": "pH", "min_value": 6.4, "max_value": 6.8})
                .id
            )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.qa_user = new_test_user(cls.env, "qa.race", groups="lot_traceability.group_qa_manager")

    def test_a_result_entered_while_the_lot_is_being_signed_is_refused_at_once(self):
        check = self.env["stock.lot.qc.check"].browse(self.check_id).with_user(self.qa_user)
        with Registry(get_db_name()).cursor() as signer:
            signer.execute("SELECT id FROM stock_lot WHERE id = %s FOR NO KEY UPDATE", [self.lot_id])
            with self.assertRaises(UserError) as capture:
                check.measured_value = 6.6
            self.assertIn("Another user is signing", str(capture.exception))
            with self.assertRaises(UserError):
                check.change_limits({"max_value": 7}, "contract")
            signer.rollback()
        check.measured_value = 6.6
        self.assertEqual(check.result, "pass")
