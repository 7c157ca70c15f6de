from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

START = datetime(2026, 3, 10, 8, 0, 0)


@tagged("post_install", "-at_install")
class RecallDrillCommon(LotTraceabilityCommon):
    """A known genealogy: raw milk MILK-D received 100, 5 consumed into yogurt lot YOG-D (25 produced, all on hand),
    60 shipped to Fresh Market Stores, 5 scrapped, 30 on hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "lot_traceability.group_qa_user,stock.group_stock_user,stock.group_production_lot"
        cls.qa_user = new_test_user(cls.env, "drill.user", groups=groups, name="Dana Driller")
        cls.qa_manager = new_test_user(
            cls.env, "drill.manager", groups=groups + ",lot_traceability.group_qa_manager", name="Quinn Auditor"
        )
        fixture = cls._fixture_builder()
        fixture._receive(cls.milk, 100, lot_name="MILK-D")
        fixture._receive(cls.sugar, 20, lot_name="SUGAR-D")
        cls.milk_lot = cls.env["stock.lot"].search([("name", "=", "MILK-D")])
        cls.sugar_lot = cls.env["stock.lot"].search([("name", "=", "SUGAR-D")])
        production = fixture._produce(25, lot=None)
        cls.yogurt_lot = production.lot_producing_id
        fixture._deliver(cls.milk, 60)
        scrap = cls.env["stock.scrap"].create(
            {
                "product_id": cls.milk.id,
                "lot_id": cls.milk_lot.id,
                "scrap_qty": 5,
                "location_id": cls.stock_location.id,
            }
        )
        scrap.do_scrap()

    def _start(self, lot=None, user=None):
        return self.env["stock.lot.recall"].with_user(user or self.qa_user)._start_drill(lot or self.milk_lot)

    def _run_steps(self, drill, user=None):
        drill = drill.with_user(user or self.qa_user)
        drill.action_compute_scope()
        drill.action_drill_review_trace()
        drill.action_drill_compute_reconciliation()
        drill.action_drill_list_customers()
        return drill

    def _conclude(self, drill, password=None, user=None):
        user = user or self.qa_manager
        return drill.with_user(user).action_drill_conclude(password or user.login.ljust(8, "x"), note="All found")

    def _figures(self, drill):
        return {
            line.lot_id.name: (
                line.in_qty,
                line.shipped_qty,
                line.consumed_qty,
                line.scrapped_qty,
                line.on_hand_qty,
                line.accounted_qty,
                round(line.percent, 1),
                line.within_tolerance,
            )
            for line in drill.drill_line_ids
        }


@tagged("post_install", "-at_install")
class TestRecallDrill(RecallDrillCommon):
    def test_reconciliation_of_a_known_genealogy_is_100_percent(self):
        drill = self._run_steps(self._start())

        self.assertEqual(
            self._figures(drill),
            {
                # produced 100 = shipped 60 + consumed 5 + scrapped 5 + on hand 30
                "MILK-D": (100.0, 60.0, 5.0, 5.0, 30.0, 100.0, 100.0, True),
                self.yogurt_lot.name: (25.0, 0.0, 0.0, 0.0, 25.0, 25.0, 100.0, True),
            },
        )
        self.assertEqual((drill.drill_produced_qty, drill.drill_accounted_qty), (125.0, 125.0))
        self.assertAlmostEqual(drill.drill_reconciliation_pct, 100.0)
        # The same figures as the recall's mass balance, not computed a second way.
        balance = drill.balance_ids.filtered(lambda line: line.lot_id == self.milk_lot)
        self.assertEqual((balance.shipped_qty, balance.on_hand_qty), (60.0, 30.0))
        self.assertEqual(drill.drill_downstream_lot_ids, self.yogurt_lot, "forward: the yogurt made from the milk")
        self.assertFalse(drill.drill_upstream_lot_ids, "backward: the milk was received, made from no lot")
        self.assertEqual(drill.drill_customer_ids, self.customer)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "stock.lot.recall"), ("res_id", "=", drill.id)]))
        self.assertFalse(drill.notification_ids, "a drill notifies no one")
        self.assertEqual(set(drill.affected_lot_ids.mapped("qc_state")), {"released"}, "a drill holds nothing")

    def test_drill_from_a_finished_lot_traces_back_to_its_components(self):
        drill = self._run_steps(self._start(self.yogurt_lot))
        self.assertEqual(drill.drill_upstream_lot_ids, self.milk_lot | self.sugar_lot)
        self.assertFalse(drill.drill_downstream_lot_ids)
        self.assertEqual(self._figures(drill)[self.yogurt_lot.name][6], 100.0)

    def test_two_missing_units_give_98_percent_and_fail(self):
        # 2 units gone without any recorded move: on hand 28 where the flows say 30.
        self.env["stock.quant"]._update_available_quantity(self.milk, self.stock_location, -2, lot_id=self.milk_lot)
        drill = self._run_steps(self._start())
        self.assertEqual(self._figures(drill)["MILK-D"], (100.0, 60.0, 5.0, 5.0, 28.0, 98.0, 98.0, False))
        self.assertAlmostEqual(drill.drill_reconciliation_pct, 123 / 125 * 100)
        self._conclude(drill)
        self.assertEqual(
            (drill.drill_result, drill.drill_time_ok, drill.drill_reconciliation_ok), ("fail", True, False)
        )

    def test_steps_are_timed_with_their_user_and_the_result_is_against_the_target(self):
        with freeze_time(START) as frozen:
            drill = self._start()
            frozen.tick(timedelta(minutes=20))
            drill.with_user(self.qa_user).action_compute_scope()
            frozen.tick(timedelta(minutes=30))
            drill.with_user(self.qa_user).action_drill_review_trace()
            frozen.tick(timedelta(minutes=25))
            drill.with_user(self.qa_manager).action_drill_compute_reconciliation()
            frozen.tick(timedelta(minutes=15))
            drill.with_user(self.qa_user).action_drill_list_customers()
            frozen.tick(timedelta(minutes=29))
            self._conclude(drill)

        self.assertEqual(
            [(step.step, step.date, step.user_id, round(step.elapsed_minutes, 1)) for step in drill.drill_step_ids],
            [
                ("start", START, self.qa_user, 0.0),
                ("scope", START + timedelta(minutes=20), self.qa_user, 20.0),
                ("trace", START + timedelta(minutes=50), self.qa_user, 50.0),
                ("reconciliation", START + timedelta(minutes=75), self.qa_manager, 75.0),
                ("customers", START + timedelta(minutes=90), self.qa_user, 90.0),
                ("conclusion", START + timedelta(minutes=119), self.qa_manager, 119.0),
            ],
        )
        self.assertEqual(drill.drill_target_minutes, 120, "the company's default target: 2 h")
        self.assertEqual((drill.drill_tolerance_min, drill.drill_tolerance_max), (99.5, 104.0))
        self.assertEqual(drill.drill_elapsed_minutes, 119.0)
        self.assertEqual(drill.drill_elapsed_display, "1 h 59 min")
        self.assertEqual((drill.drill_result, drill.drill_time_ok), ("pass", True))
        self.assertEqual((drill.drill_signer_id, drill.drill_signer_name), (self.qa_manager, "Quinn Auditor"))
        self.assertTrue(drill._check_drill_signature())

    def test_a_drill_over_the_target_fails(self):
        self.company.recall_drill_target_minutes = 90
        with freeze_time(START) as frozen:
            drill = self._start()
            self._run_steps(drill)
            frozen.tick(timedelta(minutes=91))
            self._conclude(drill)
        self.assertEqual(drill.drill_target_minutes, 90)
        self.assertEqual(
            (drill.drill_result, drill.drill_time_ok, drill.drill_reconciliation_ok), ("fail", False, True)
        )

    def test_the_signed_conclusion_stays_as_signed_after_a_later_move(self):
        drill = self._run_steps(self._start())
        self._conclude(drill)
        signed = self._figures(drill)
        signature = drill.drill_signature_hash

        self._deliver(self.milk, 10)

        drill.invalidate_recordset()
        self.assertEqual(self._figures(drill), signed, "the figures signed, not today's stock")
        self.assertEqual(self._figures(drill)["MILK-D"][4], 30.0)
        self.assertEqual(drill.drill_signature_hash, signature)
        self.assertTrue(drill._check_drill_signature())
        for action in ("action_compute_scope", "action_drill_compute_reconciliation", "action_drill_review_trace"):
            with self.assertRaisesRolledBack(UserError, "concluded and signed"):
                getattr(drill.with_user(self.qa_user), action)()
        self.assertEqual(self._figures(drill), signed)

    def test_concluding_through_the_wizard_and_a_wrong_password(self):
        drill = self._run_steps(self._start())
        action = drill.with_user(self.qa_manager).action_open_drill_conclude_wizard()
        wizard_form = Form(self.env[action["res_model"]].with_user(self.qa_manager).with_context(**action["context"]))
        wizard_form.password = "wrong password"
        wizard = wizard_form.save()
        again = wizard.with_context(lot_recall_drill_password="wrong password").action_conclude()
        self.assertEqual(again["res_id"], wizard.id, "the wizard opens again, saying why")
        self.assertIn("Wrong password", wizard.sign_error)
        self.assertEqual(drill.drill_state, "running")
        self.assertNotIn("conclusion", drill.drill_step_ids.mapped("step"))

        wizard.with_context(lot_recall_drill_password="drill.manager").action_conclude()
        self.assertEqual(drill.drill_state, "concluded")
        self.assertEqual(drill.drill_conclusion_note, False)


@tagged("post_install", "-at_install")
class TestRecallDrillBadInput(RecallDrillCommon):
    def test_concluding_without_a_computed_reconciliation(self):
        drill = self._start()
        drill.with_user(self.qa_user).action_compute_scope()
        drill.with_user(self.qa_user).action_drill_review_trace()
        drill.with_user(self.qa_user).action_drill_list_customers()
        with self.assertRaisesRolledBack(UserError, "no computed reconciliation: compute it before concluding"):
            self._conclude(drill)
        with self.assertRaisesRolledBack(UserError, "no computed reconciliation"):
            drill.with_user(self.qa_manager).action_open_drill_conclude_wizard()
        self.assertEqual(drill.drill_state, "running")
        self.assertFalse(drill.drill_concluded_at)
        self.assertNotIn("conclusion", drill.drill_step_ids.mapped("step"))

    def test_a_new_scope_makes_the_reconciliation_computed_again(self):
        drill = self._run_steps(self._start())
        drill.with_user(self.qa_user).action_compute_scope()
        self.assertFalse(drill.drill_line_ids)
        with self.assertRaisesRolledBack(UserError, "no computed reconciliation"):
            self._conclude(drill)

    def test_a_drill_on_a_lot_of_another_company(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain"})
        self.qa_user.company_ids += company_2
        lot = self.env["stock.lot"].create({"name": "MILK-ES", "product_id": self.milk.id, "company_id": company_2.id})
        drills_before = self.env["stock.lot.recall"].search_count([])
        user_env = self.env(user=self.qa_user, context={"allowed_company_ids": [self.company.id, company_2.id]})
        with self.assertRaisesRolledBack(UserError, "MILK-ES belongs to Dairy Spain, not to"):
            user_env["stock.lot.recall"]._start_drill(user_env["stock.lot"].browse(lot.id))
        self.assertEqual(self.env["stock.lot.recall"].search_count([]), drills_before, "no drill half-started")

    def test_concluding_twice(self):
        drill = self._run_steps(self._start())
        self._conclude(drill)
        concluded_at, signature = drill.drill_concluded_at, drill.drill_signature_hash
        with self.assertRaisesRolledBack(UserError, "concluded and signed"):
            self._conclude(drill)
        self.assertEqual((drill.drill_concluded_at, drill.drill_signature_hash), (concluded_at, signature))
        self.assertEqual(drill.drill_step_ids.mapped("step").count("conclusion"), 1)

    def test_a_wrong_password_signs_nothing(self):
        drill = self._run_steps(self._start())
        with self.assertRaises(AccessDenied):
            self._conclude(drill, password="not my password")
        self.assertEqual(drill.drill_state, "running")
        self.assertFalse(drill.drill_result or drill.drill_signer_id or drill.drill_signature_hash)
        self.assertNotIn("conclusion", drill.drill_step_ids.mapped("step"))

    def test_only_qa_managers_sign_a_drill(self):
        drill = self._run_steps(self._start())
        with self.assertRaisesRolledBack(AccessError, "Only QA Managers and Recall Managers"):
            self._conclude(drill, user=self.qa_user)
        self.assertEqual(drill.drill_state, "running")

    def test_a_drill_edited_after_its_conclusion(self):
        drill = self._run_steps(self._start())
        self._conclude(drill)
        as_manager = drill.with_user(self.qa_manager)
        for vals in ({"reason": "rewritten"}, {"drill_warehouse_id": False}, {"responsible_id": self.qa_user.id}):
            with self.assertRaisesRolledBack(UserError, "concluded and signed: its record no longer changes"):
                as_manager.write(vals)
        with self.assertRaisesRolledBack(UserError, "concluded and signed: its record no longer changes"):
            as_manager.write({"drill_result": "pass", "drill_elapsed_minutes": 1})
        with self.assertRaisesRolledBack(UserError, "kept as evidence"):
            drill.unlink()
        with self.assertRaisesRolledBack(UserError, "computed by the drill"):
            drill.drill_line_ids[0].sudo().write({"on_hand_qty": 0})
        with self.assertRaisesRolledBack(UserError, "never changed"):
            drill.drill_step_ids[0].sudo().write({"user_id": self.qa_user.id})
        self.assertTrue(drill._check_drill_signature())

    def test_drill_fields_are_never_written_by_hand_on_a_running_drill(self):
        drill = self._start()
        with self.assertRaisesRolledBack(UserError, "written by its actions"):
            drill.with_user(self.qa_manager).write({"drill_started_at": START})
        with self.assertRaisesRolledBack(UserError, "lots and company are set when it starts"):
            drill.with_user(self.qa_manager).write({"lot_ids": [Command.set(self.yogurt_lot.ids)]})
        self.assertEqual(drill.lot_ids, self.milk_lot)
        with self.assertRaisesRolledBack(UserError, "starts as a draft"):
            self.env["stock.lot.recall"].create({"is_mock": True, "is_drill": True, "lot_ids": self.milk_lot.ids})

    def test_a_tolerance_that_excludes_100_percent_is_refused(self):
        with self.assertRaisesRolledBack(ValidationError, "must include 100 %"):
            self.company.recall_drill_tolerance_min = 100.5


@tagged("post_install", "-at_install")
class TestRecallDrillSchedule(RecallDrillCommon):
    def _drill_activities(self, warehouse):
        return self.env["mail.activity"].search(
            [("res_model", "=", "stock.warehouse"), ("res_id", "=", warehouse.id), ("summary", "=", "Recall drill due")]
        )

    def test_a_due_site_gets_one_qa_activity_and_a_concluded_drill_closes_it(self):
        # Today, after any drill of the demo database (its history is dated before today).
        today = datetime.now().replace(hour=8, minute=0, second=0, microsecond=0)
        with freeze_time(today):
            self.warehouse.write({"recall_drill_next_date": today.date(), "recall_drill_user_id": self.qa_manager.id})
            self.env["stock.warehouse"]._cron_recall_drill_reminders()
            self.env["stock.warehouse"]._cron_recall_drill_reminders()
            activity = self._drill_activities(self.warehouse)
            self.assertEqual(len(activity), 1, "one reminder per site, not one per run")
            self.assertEqual((activity.user_id, activity.date_deadline), (self.qa_manager, today.date()))

            drill = self._run_steps(self._start())
            self.assertEqual(drill.drill_warehouse_id, self.warehouse, "the site holding the lot's stock")
            self._conclude(drill)

        self.assertFalse(self._drill_activities(self.warehouse), "done with the drill")
        self.assertEqual(self.warehouse.recall_drill_next_date, today.date() + relativedelta(months=12))
        self.assertEqual(self.warehouse.last_recall_drill_id, drill)

    def test_a_site_not_due_gets_no_activity(self):
        self.warehouse.recall_drill_next_date = datetime.now().date() + timedelta(days=1)
        self.env["stock.warehouse"]._cron_recall_drill_reminders()
        self.assertFalse(self._drill_activities(self.warehouse))

    def test_start_drill_from_the_lot_form(self):
        action = self.milk_lot.with_user(self.qa_user).action_start_recall_drill()
        drill = self.env["stock.lot.recall"].browse(action["res_id"])
        self.assertEqual(
            (drill.is_mock, drill.is_drill, drill.drill_state, drill.lot_ids), (True, True, "running", self.milk_lot)
        )
        self.assertTrue(drill.name.startswith("MOCK/"))
        self.assertEqual(drill.drill_step_ids.mapped("step"), ["start"])
