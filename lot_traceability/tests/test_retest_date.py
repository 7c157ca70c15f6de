from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..tools import stock_flows
from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestRetestDate(LotTraceabilityCommon):
    """Retest dates: from its retest date on a lot is pending (not reserved, consumed, shipped) until a signed
    release with the retest's checks sets the next date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release({"name": "pH", "value_type": "numeric", "min_value": 6.4, "max_value": 6.8})
        cls.milk.product_tmpl_id.write({"expiration_time": 365, "use_retest_date": True, "retest_interval": 30})
        cls.qa_manager = new_test_user(
            cls.env, "qa.manager", groups="lot_traceability.group_qa_manager,stock.group_stock_user", name="Quinn"
        )
        cls.stock_user = new_test_user(cls.env, "stock.clerk", groups="stock.group_stock_user,mrp.group_mrp_user")

    def _record_ph(self, lot, value=6.6):
        lot.qc_check_ids.filtered(lambda check: check.result == "pending").measured_value = value

    def _released_milk_lot(self, name="MILK-RT", quantity=20):
        lot = self._milk_lot(name, quantity=quantity)
        self._record_ph(lot)
        self._sign(lot, "release")
        return lot

    def _history(self, lot, field):
        return lot.audit_ids.filtered(lambda row: row.field_name == field).sorted("id")

    @freeze_time("2026-03-01 09:00:00")
    def test_first_retest_date_is_production_date_plus_interval_not_after_expiry(self):
        lot = self.env["stock.lot"].create(
            {"name": "MILK-PROD", "product_id": self.milk.id, "production_date": "2026-01-10 08:00:00"}
        )
        self.assertEqual(str(lot.retest_date), "2026-02-09")
        self.assertIn(
            "First retest date: 2026-01-10 plus the retest interval of 30 days",
            self._history(lot, "retest_date").reason,
        )
        # Received without a production date: the receipt day counts.
        received = self._milk_lot("MILK-REC")
        self.assertEqual(str(received.retest_date), "2026-03-31")
        # Never after the expiry.
        short = self.env["stock.lot"].create(
            {"name": "MILK-SHORT", "product_id": self.milk.id, "expiration_date": "2026-03-20 12:00:00"}
        )
        self.assertEqual(str(short.retest_date), "2026-03-20")
        self.assertFalse(
            self.env["stock.lot"].create({"name": "SUGAR-NORT", "product_id": self.sugar.id}).retest_date,
            "sugar has no retest dates",
        )

    def test_a_lot_due_for_retest_is_not_reserved_consumed_nor_shipped_before_and_after_the_cron(self):
        with freeze_time("2026-03-01 09:00:00"):
            lot = self._released_milk_lot()
            self._receive(self.sugar, 10, lot_name="SUGAR-RT")
            self.assertEqual(str(lot.retest_date), "2026-03-31")
            self.assertEqual(self._create_delivery(self.milk, 2).move_line_ids.lot_id, lot, "released: reserved")
        for when, cron in (("2026-03-31 09:00:00", False), ("2026-04-01 09:00:00", True)):
            with self.subTest(when=when, cron=cron), freeze_time(when):
                if cron:
                    self.env["stock.lot"]._cron_start_due_retests()
                    self.assertEqual(lot.qc_state, "pending")
                else:
                    self.assertEqual(lot.qc_state, "released", "the daily job has not run yet")
                # Not reserved, for a delivery nor a manufacturing order.
                self.assertFalse(self._create_delivery(self.milk, 2).move_line_ids, "due for retest: not reserved")
                production = self.env["mrp.production"].create(
                    {"product_id": self.yogurt.id, "product_qty": 10, "bom_id": self.bom.id}
                )
                production.action_confirm()
                production.action_assign()
                milk_move = production.move_raw_ids.filtered(lambda move: move.product_id == self.milk)
                self.assertFalse(milk_move.move_line_ids, "due for retest: not reserved for production")
                expected = "due for retest since 2026-03-31" if not cron else "Pending Release"
                # Not consumed: picking the lot by hand is refused.
                with self.assertRaisesRolledBack(ValidationError, f"MILK-RT \\({expected}\\)"):
                    stock_flows.set_move_lines(milk_move, [stock_flows.line_vals(milk_move, 2, lot)])
                # Not shipped: a delivery of the lot picked by hand is refused.
                delivery = self._create_delivery(self.milk, 2)
                with self.assertRaisesRolledBack(ValidationError, f"MILK-RT \\({expected}\\)"):
                    stock_flows.set_move_lines(delivery.move_ids, [stock_flows.line_vals(delivery.move_ids, 2, lot)])
                # The rule every screen reads (Why these lots?, the sales order's lot choice).
                rule = delivery.move_ids._get_lot_rule_violations(lot)[lot.id]
                self.assertEqual(rule[0], "retest" if not cron else "qc")

    def test_the_reservation_made_before_the_retest_date_is_refused_at_validation(self):
        with freeze_time("2026-03-01 09:00:00"):
            lot = self._released_milk_lot()
            delivery = self._create_delivery(self.milk, 2)
            self.assertEqual(delivery.move_line_ids.lot_id, lot)
        with freeze_time("2026-04-02 09:00:00"):
            delivery.move_ids.picked = True
            with self.assertRaisesRolledBack(UserError, r"MILK-RT \(due for retest since 2026-03-31\)"):
                delivery.button_validate()
            self.assertEqual(delivery.state, "assigned")

    def test_the_cron_puts_the_lot_back_to_pending_with_its_retest_checks_and_a_signed_release_sets_the_next_date(
        self,
    ):
        with freeze_time("2026-03-01 09:00:00"):
            lot = self._released_milk_lot()
            other = self._released_milk_lot("MILK-LATER")
            other.retest_date = "2026-06-01"
        with freeze_time("2026-04-01 09:00:00"):
            self.assertEqual(self.env["stock.lot"]._cron_start_due_retests(), 1)
            self.assertEqual((lot.qc_state, other.qc_state), ("pending", "released"))
            state_row = self._history(lot, "qc_state")[-1]
            self.assertEqual(
                (state_row.old_value, state_row.new_value, state_row.reason),
                ("Released", "Pending Release", "Retest due since 2026-03-31"),
            )
            self.assertEqual(lot.qc_check_ids.mapped("result"), ["pass", "pending"], "the retest's check is added")
            # The chain of signatures and the state agree: the retest explains the pending state.
            self.assertEqual(lot.action_verify_signatures()["params"]["type"], "success")
            # The release needs the retest's check.
            with self.assertRaisesRolledBack(UserError, "Mandatory checks have not passed"):
                self._sign(lot, "release")
            self._record_ph(lot, 6.5)
        with freeze_time("2026-04-03 10:00:00"):
            self._sign(lot, "release", reason="Retest passed")
            self.assertEqual(lot.qc_state, "released")
            self.assertEqual(str(lot.retest_date), "2026-05-03", "today plus 30 days")
            row = self._history(lot, "retest_date")[-1]
            self.assertEqual((row.old_value, row.new_value), ("2026-03-31", "2026-05-03"))
            self.assertIn(
                "Next retest date set by release signature 2 (Release by Quinn on 2026-04-03 10:00:00 UTC)", row.reason
            )
            self.assertIn('"measured": 6.5', lot.qc_signature_ids[-1].check_snapshot)
            self.assertEqual(self._create_delivery(self.milk, 2).move_line_ids.lot_id, lot, "released again: reserved")
            self.assertEqual(lot.action_verify_signatures()["params"]["type"], "success")

    def test_the_next_retest_date_never_passes_the_expiry(self):
        with freeze_time("2026-03-01 09:00:00"):
            lot = self._released_milk_lot()
            lot.write({"expiration_date": "2026-04-20 12:00:00"})
        with freeze_time("2026-04-01 09:00:00"):
            self.env["stock.lot"]._cron_start_due_retests()
            self._record_ph(lot)
            self._sign(lot, "release")
            self.assertEqual(str(lot.retest_date), "2026-04-20")

    @freeze_time("2026-04-01 09:00:00")
    def test_a_qa_user_starts_the_retest_from_the_lot(self):
        with freeze_time("2026-03-01 09:00:00"):
            lot = self._released_milk_lot()
        qa_user = new_test_user(self.env, "qa.user", groups="lot_traceability.group_qa_user")
        with self.assertRaisesRolledBack(UserError, "Only QA users"):
            lot.with_user(self.stock_user).action_start_retest()
        lot.with_user(qa_user).action_start_retest()
        self.assertEqual(lot.qc_state, "pending")
        with self.assertRaisesRolledBack(UserError, "MILK-RT is not a released lot due for retest"):
            lot.with_user(qa_user).action_start_retest()

    @freeze_time("2026-03-01 09:00:00")
    def test_bad_retest_dates_and_intervals_are_refused(self):
        lot = self.env["stock.lot"].create(
            {
                "name": "MILK-BAD",
                "product_id": self.milk.id,
                "production_date": "2026-01-10 08:00:00",
                "expiration_date": "2026-12-31 12:00:00",
            }
        )
        with self.assertRaisesRolledBack(
            ValidationError, "retest date 2026-01-09 is before its production date 2026-01-10"
        ):
            lot.retest_date = "2026-01-09"
        with self.assertRaisesRolledBack(
            ValidationError, "retest date 2027-01-01 is after its expiration date 2026-12-31"
        ):
            lot.retest_date = "2027-01-01"
        self.assertEqual(str(lot.retest_date), "2026-02-09")
        for days in (0, -5):
            with self.assertRaisesRolledBack(
                ValidationError, f"retest interval must be a positive number of days \\(it is {days}\\)"
            ):
                self.milk.product_tmpl_id.retest_interval = days
        with self.assertRaisesRolledBack(UserError, "retest start is set by Odoo"):
            lot.write({"retest_started_at": "2026-03-01 09:00:00"})
        self.assertEqual(self.milk.retest_interval, 30)
        # The product form asks for the interval once retest dates are on.
        with Form(self.sugar.product_tmpl_id) as template:
            template.use_retest_date = True
            template.retest_interval = 90
        self.assertEqual(self.sugar.retest_interval, 90)

    def test_only_qa_changes_the_retest_date_of_a_released_lot_and_the_history_keeps_it(self):
        with freeze_time("2026-03-01 09:00:00"):
            lot = self._released_milk_lot()
            with self.assertRaisesRolledBack(Exception, "only QA users may change its Retest Date"):
                lot.with_user(self.stock_user).retest_date = "2026-03-15"
            lot.with_user(self.qa_manager).retest_date = "2026-03-15"
            row = self._history(lot, "retest_date")[-1]
            self.assertEqual((row.old_value, row.new_value, row.user_id), ("2026-03-31", "2026-03-15", self.qa_manager))

    def test_expiry_risk_shows_the_lot_due_for_retest_awaiting_qa(self):
        with freeze_time("2026-03-01 09:00:00"):
            due = self._released_milk_lot("MILK-DUE", quantity=10)
            later = self._released_milk_lot("MILK-LATER", quantity=10)
            later.retest_date = "2026-06-01"
        with freeze_time("2026-04-01 09:00:00"):
            rows = {
                row.lot_id.name: row
                for row in self.env["stock.lot.expiry.risk"].search([("product_id", "=", self.milk.id)])
            }
            self.assertEqual(
                (rows["MILK-DUE"].is_retest_due, str(rows["MILK-DUE"].retest_date), rows["MILK-DUE"].suggested_action),
                (True, "2026-03-31", "await_qa"),
            )
            # No sale in the window: all of each lot is at risk; the released lot is used in production (milk is a
            # component), the lot due for retest awaits QA.
            self.assertEqual(
                (rows["MILK-LATER"].is_retest_due, rows["MILK-LATER"].suggested_action), (False, "production")
            )
            self.assertEqual(
                self.env["stock.lot.expiry.risk"].search([("is_retest_due", "=", True)]).lot_id & (due | later), due
            )
