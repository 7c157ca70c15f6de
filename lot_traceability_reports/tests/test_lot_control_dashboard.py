from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.addons.lot_traceability_recall.tests.common import send_queued_recall_notices
from odoo.addons.lot_traceability_reports.report.stock_lot_control_kpi_dashboard import (
    VALUED_KPIS,
    period_dates,
    previous_period,
    trend_months,
)
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import format_amount

from .test_lot_control_kpi import LotControlKpiCommon

# The figures are dated in 2023, before any demo data, so that they are the test's own.
MARCH = ("2023-03-01", "2023-03-31")
APRIL = ("2023-04-01", "2023-04-30")


class LotControlDashboardCommon(LotControlKpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        cls.milk.categ_id.removal_strategy_id = cls.env.ref("product_expiry.removal_fefo")
        cls.milk.standard_price = 2.0
        cls.Kpi = cls.env["stock.lot.control.kpi"]
        cls.other_warehouse = cls.env["stock.warehouse"].create({"name": "Empty Dairy", "code": "EDY"})

    def _dashboard(self, period=MARCH, warehouse=None, model=None):
        """The cards of the dashboard for ``period`` (first and last day), by key."""
        result = (self.Kpi if model is None else model).get_lot_control_dashboard(
            date_from=period[0], date_to=period[1], warehouse_id=warehouse.id if warehouse else False, period="custom"
        )
        return {card["key"]: card for card in result["cards"]}

    def _card_records(self, card, period=MARCH, warehouse=None, model=None):
        action = (self.Kpi if model is None else model).action_open_lot_control_card(
            card, date_from=period[0], date_to=period[1], warehouse_id=warehouse.id if warehouse else False
        )
        self.assertEqual(action["type"], "ir.actions.act_window")
        return self.env[action["res_model"]].with_context(**action.get("context", {})).search(action["domain"])

    def _count(self, lot, counted):
        quant = self.env["stock.quant"].search([("lot_id", "=", lot.id), ("location_id", "=", self.stock_location.id)])
        quant.inventory_quantity = counted
        quant.action_apply_inventory()

    def _set_dates(self, lot, expiration, removal, alert):
        lot.write(
            {
                "expiration_date": expiration,
                "use_date": removal,
                "removal_date": removal,
                "alert_date": alert,
            }
        )

    def _trend(self, card):
        return {month["label"]: month["value"] for month in card["trend"]}


@tagged("post_install", "-at_install")
class TestLotControlDashboardStock(LotControlDashboardCommon):
    def test_inventory_accuracy_card(self):
        with freeze_time("2023-02-10 10:00:00"):
            lots = [self._milk_lot(name) for name in ("ACC-A", "ACC-B", "ACC-C")]
            self._count(lots[0], 9)  # February: 0 of 1 without difference
        with freeze_time("2023-03-15 10:00:00"):
            self._count(lots[0], 9)
            self._count(lots[1], 10)
            self._count(lots[2], 7)
        card = self._dashboard()["inventory_accuracy"]
        self.assertAlmostEqual(card["value"], 200 / 3)
        self.assertEqual(card["display"], "66.7 %")
        self.assertEqual(card["details"], ["2 of 3 lines counted without difference"])
        self.assertEqual(card["previous"], 0)
        self.assertEqual(card["previous_display"], "0.0 %")
        self.assertFalse(card["empty"])
        trend = self._trend(card)
        self.assertEqual(len(trend), 12)
        self.assertEqual(list(trend)[-1], "Mar 2023")
        self.assertAlmostEqual(trend["Mar 2023"], 200 / 3)
        self.assertEqual(trend["Feb 2023"], 0)
        self.assertIsNone(trend["Jan 2023"])
        # The card opens the three count lines of March.
        lines = self._card_records("inventory_accuracy")
        self.assertEqual(sorted(lines.mapped("quantity")), [0, 0, 3])
        self.assertEqual(lines.lot_id, lots[0] | lots[1] | lots[2])

        # A lot's opening balance (its first stock, entered by a count) has nothing to be compared with: it
        # is not a count of the month.
        with freeze_time("2023-03-20 10:00:00"):
            opening = self.env["stock.lot"].create({"name": "ACC-OPENING", "product_id": self.milk.id})
            self.env["stock.quant"].create(
                {"product_id": self.milk.id, "lot_id": opening.id, "location_id": self.stock_location.id}
            ).with_context(inventory_mode=True).write({"inventory_quantity": 4})
            self.env["stock.quant"].search([("lot_id", "=", opening.id)]).action_apply_inventory()
        self.assertEqual(opening.product_qty, 4)
        self.assertEqual(self._dashboard()["inventory_accuracy"]["details"], card["details"])

        # The web client asks for each KPI in a request of its own: the same card, alone.
        alone = self.Kpi.get_lot_control_dashboard(
            date_from=MARCH[0], date_to=MARCH[1], period="custom", kpis=["inventory_accuracy"]
        )
        self.assertEqual([card["key"] for card in alone["cards"]], ["inventory_accuracy"])
        self.assertEqual(alone["cards"][0], card)

        # An empty period says so instead of 0 % or NaN.
        empty = self._dashboard(("2023-01-01", "2023-01-31"))["inventory_accuracy"]
        self.assertIsNone(empty["value"])
        self.assertEqual(empty["display"], "-")
        self.assertEqual(empty["empty"], "No inventory counts in this period")
        self.assertEqual(empty["details"], [])

    def test_fefo_card_matches_the_fefo_analysis(self):
        with freeze_time("2023-03-02 10:00:00"):
            self._set_dates(self._milk_lot("LATE"), "2023-05-30", "2023-05-25", "2023-05-20")
            self._deliver(self.milk, 2)
        with freeze_time("2023-03-03 10:00:00"):
            self._set_dates(self._milk_lot("EARLY"), "2023-04-30", "2023-04-25", "2023-04-20")
            self._deliver(self.milk, 4)
            self._deliver(self.milk, 2)
        # 2 of LATE left before EARLY, which has an earlier removal date: 6 of 8 in FEFO order.
        card = self._dashboard()["fefo"]
        self.assertAlmostEqual(card["value"], 75)
        self.assertEqual(card["details"], ["2 of 3 outgoing lines in FEFO order"])
        [(outgoing, in_order)] = self.env["stock.lot.fefo.report"]._read_group(
            [("product_id", "=", self.milk.id)], [], ["outgoing_qty:sum", "in_order_qty:sum"]
        )
        self.assertAlmostEqual(card["value"], in_order * 100 / outgoing)
        rows = self._card_records("fefo")
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows.filtered(lambda row: not row.in_order).lot_id.name, "LATE")

    def test_near_date_recovery_and_shrinkage_cards(self):
        with freeze_time("2023-03-01 10:00:00"):
            near = self._milk_lot("NEAR", 10)
            far = self._milk_lot("FAR", 5)
            self._set_dates(near, "2023-03-31 10:00:00", "2023-03-25 10:00:00", "2023-03-15 10:00:00")
            self._set_dates(far, "2023-06-30 10:00:00", "2023-06-25 10:00:00", "2023-06-15 10:00:00")
        with freeze_time("2023-03-10 10:00:00"):
            self._deliver(self.milk, 4)  # before the alert date: 6 at risk on 15 March
        with freeze_time("2023-03-18 10:00:00"):
            sold = self._deliver(self.milk, 3)  # in the alert window: recovered
        with freeze_time("2023-03-19 10:00:00"):
            self._return(sold, 1)  # a customer return is deducted: 2 recovered
        self.assertEqual(sold.move_line_ids.lot_id, near)
        with freeze_time("2023-04-02 10:00:00"):
            # After the expiration date: no longer the alert window's. (Odoo asks to confirm an expired lot.)
            self.env = self.env(context=dict(self.env.context, skip_expired=True))
            self._return(sold, 1)
        with freeze_time("2023-04-05 10:00:00"):
            # NEAR expired on 31 March: its last 5 are scrapped.
            scrap = self.env["stock.scrap"].create(
                {"product_id": self.milk.id, "lot_id": near.id, "scrap_qty": 5, "location_id": self.stock_location.id}
            )
            scrap.action_validate()
        currency = self.company.currency_id

        near_date = self._dashboard(warehouse=self.warehouse)["near_date_recovery"]
        # 2 recovered of 6 at risk, at 2.00 each.
        self.assertAlmostEqual(near_date["value"], 100 / 3)
        self.assertEqual(
            near_date["details"],
            [
                f"{format_amount(self.env, 4, currency)} recovered of {format_amount(self.env, 12, currency)} at risk",
                "Lots that reached their alert date: 1",
            ],
        )
        self.assertEqual(self._card_records("near_date_recovery", warehouse=self.warehouse), near)
        figures = self.Kpi.read_group(
            [("kpi", "=", "near_date_recovery"), ("lot_id", "=", near.id)], ["numerator", "denominator"], ["kpi"]
        )
        self.assertEqual((figures[0]["numerator"], figures[0]["denominator"]), (4, 12))

        shrinkage = self._dashboard(APRIL, warehouse=self.warehouse)["shrinkage"]
        # 5 x 2.00 written off; inventory 9 x 2.00 on 1 April, 5 x 2.00 on 1 May: 10 / 14.
        self.assertAlmostEqual(shrinkage["value"], 10 * 100 / 14)
        self.assertEqual(
            shrinkage["details"],
            [
                f"Written off: {format_amount(self.env, 10, currency)} (lines: 1)",
                f"Average inventory value: {format_amount(self.env, 14, currency)}",
            ],
        )
        # March: nothing written off out of (0 + 18) / 2.
        self.assertEqual(shrinkage["previous"], 0)
        self.assertEqual(self._trend(shrinkage)["Mar 2023"], 0)
        self.assertEqual(self._card_records("shrinkage", APRIL, self.warehouse), scrap.move_ids.move_line_ids)
        # The analysis's monthly rows give the same rate for April.
        [april] = self.Kpi.read_group(
            [
                ("kpi", "=", "shrinkage"),
                ("warehouse_id", "=", self.warehouse.id),
                ("date", ">=", "2023-04-01"),
                ("date", "<", "2023-05-01"),
            ],
            ["rate:avg", "numerator:sum", "denominator:sum"],
            ["kpi"],
        )
        self.assertEqual((april["numerator"], april["denominator"]), (10, 14))
        self.assertAlmostEqual(april["rate"], shrinkage["value"])

        # A warehouse with no moves: every card of its own says there is nothing, none shows 0.
        empty = self._dashboard(APRIL, warehouse=self.other_warehouse)
        for key in ("inventory_accuracy", "fefo", "near_date_recovery", "shrinkage"):
            self.assertIsNone(empty[key]["value"], key)
            self.assertTrue(empty[key]["empty"], key)
        self.assertFalse(self._card_records("shrinkage", APRIL, self.other_warehouse))

    def test_shrinkage_without_stock_at_either_end_of_the_period_says_why(self):
        with freeze_time("2023-03-10 10:00:00"):
            lot = self._milk_lot("GONE", 5)
        with freeze_time("2023-03-20 10:00:00"):
            scrap = self.env["stock.scrap"].create(
                {"product_id": self.milk.id, "lot_id": lot.id, "scrap_qty": 5, "location_id": self.stock_location.id}
            )
            scrap.action_validate()
        card = self._dashboard(warehouse=self.warehouse)["shrinkage"]
        self.assertIsNone(card["value"])
        self.assertEqual(card["display"], "-")
        # Lots were in stock and written off: not "no lot in stock", but nothing to measure them against.
        self.assertEqual(
            card["empty"], "No lot in stock at the start or the end of this period to measure the write-offs against"
        )

    def test_products_without_expiry_are_not_measured_by_date(self):
        plain = self.env["product.product"].create(
            {"name": "Plain Cheese", "is_storable": True, "tracking": "lot", "standard_price": 3.0}
        )
        with freeze_time("2023-03-01 10:00:00"):
            self._receive(plain, 10, lot_name="PLAIN")
        with freeze_time("2023-03-05 10:00:00"):
            self._deliver(plain, 4)
        cards = self._dashboard(warehouse=self.warehouse)
        self.assertIsNone(cards["fefo"]["value"])
        self.assertEqual(cards["fefo"]["empty"], "No lot with a removal date left stock in this period")
        self.assertIsNone(cards["near_date_recovery"]["value"])
        # Its stock is still inventory: 0 on 1 March, 6 x 3.00 on 1 April.
        self.assertEqual(cards["shrinkage"]["value"], 0)
        average = format_amount(self.env, 9, self.company.currency_id)
        self.assertIn(f"Average inventory value: {average}", cards["shrinkage"]["details"])

    def test_period_bounds_follow_the_company_time_zone(self):
        self.company.partner_id.tz = "Europe/Brussels"
        with freeze_time("2023-02-01 10:00:00"):
            lots = [self._milk_lot(name) for name in ("TZ-A", "TZ-B", "TZ-C")]
        with freeze_time("2023-02-28 23:30:00"):  # 1 March 00:30 in Brussels
            self._count(lots[0], 10)
        with freeze_time("2023-03-31 22:30:00"):  # 1 April 00:30 in Brussels (summer time)
            self._count(lots[1], 9)
        with freeze_time("2023-03-31 21:30:00"):  # 31 March 23:30 in Brussels
            self._count(lots[2], 9)
        card = self._dashboard()["inventory_accuracy"]
        self.assertEqual(card["details"], ["1 of 2 lines counted without difference"])
        self.assertEqual(self._trend(card)["Mar 2023"], 50)
        self.assertEqual(len(self._card_records("inventory_accuracy")), 2)

    def test_bad_input_is_refused(self):
        with self.assertRaisesRegex(UserError, "after it ends"):
            self.Kpi.get_lot_control_dashboard(date_from="2023-03-31", date_to="2023-03-01", period="custom")
        with self.assertRaisesRegex(UserError, "after it ends"):
            self.Kpi.action_open_lot_control_card("fefo", date_from="2023-03-31", date_to="2023-03-01")
        with self.assertRaisesRegex(UserError, "both the first and the last day"):
            self.Kpi.get_lot_control_dashboard(date_from="2023-03-01", period="custom")
        with self.assertRaisesRegex(UserError, "must be days"):
            self.Kpi.get_lot_control_dashboard(date_from="March", date_to="2023-03-31", period="custom")
        with self.assertRaisesRegex(UserError, "Unknown period"):
            self.Kpi.get_lot_control_dashboard(period="fortnight")
        with self.assertRaisesRegex(UserError, "Unknown lot control KPI: weather"):
            self.Kpi.get_lot_control_dashboard(period="this_month", kpis=["fefo", "weather"])
        with self.assertRaisesRegex(UserError, "no card"):
            self.Kpi.action_open_lot_control_card("weather", date_from=MARCH[0], date_to=MARCH[1])


@tagged("post_install", "-at_install")
class TestLotControlDashboardPeriods(LotControlDashboardCommon):
    def test_period_presets_previous_periods_and_trend(self):
        today = date(2023, 5, 17)
        self.assertEqual(period_dates("this_month", today), (date(2023, 5, 1), date(2023, 5, 31)))
        self.assertEqual(period_dates("last_30_days", today), (date(2023, 4, 18), date(2023, 5, 17)))
        self.assertEqual(period_dates("last_quarter", today), (date(2023, 1, 1), date(2023, 3, 31)))
        self.assertEqual(period_dates("last_quarter", date(2023, 2, 1)), (date(2022, 10, 1), date(2022, 12, 31)))
        self.assertEqual(period_dates("this_year", today), (date(2023, 1, 1), date(2023, 12, 31)))
        # Whole months compare with as many months before; other periods with as many days.
        self.assertEqual(previous_period(date(2023, 3, 1), date(2023, 3, 31)), (date(2023, 2, 1), date(2023, 2, 28)))
        self.assertEqual(previous_period(date(2023, 1, 1), date(2023, 3, 31)), (date(2022, 10, 1), date(2022, 12, 31)))
        self.assertEqual(previous_period(date(2023, 4, 18), date(2023, 5, 17)), (date(2023, 3, 19), date(2023, 4, 17)))
        months = trend_months(date(2023, 3, 15))
        self.assertEqual((len(months), months[0], months[-1]), (12, date(2022, 4, 1), date(2023, 3, 1)))

    @freeze_time("2023-05-17 10:00:00")
    def test_dashboard_resolves_the_presets(self):
        result = self.Kpi.get_lot_control_dashboard(period="last_quarter")
        self.assertEqual((result["period"]["date_from"], result["period"]["date_to"]), ("2023-01-01", "2023-03-31"))
        self.assertEqual(
            (result["period"]["previous_from"], result["period"]["previous_to"]), ("2022-10-01", "2022-12-31")
        )
        self.assertEqual(result["periods"][0]["key"], "this_month")
        self.assertIn(self.warehouse.id, [warehouse["id"] for warehouse in result["warehouses"]])
        self.assertEqual(
            [card["key"] for card in result["cards"]],
            [
                "inventory_accuracy",
                "fefo",
                "locate_time",
                "mock_recall",
                "recall_response",
                "near_date_recovery",
                "shrinkage",
                "release",
            ],
        )


@tagged("post_install", "-at_install")
class TestLotControlDashboardRecall(LotControlDashboardCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("lot_traceability_recall.group_recall_manager")
        cls.customer.email = "quality@freshmarket.example"

    def test_mock_recall_cards(self):
        with freeze_time("2023-03-10 09:00:00"):
            lots = self._milk_lot("MOCK-A") | self._milk_lot("MOCK-B")
            Recall = self.env["stock.lot.recall"]
            recalls = (
                Recall._run_mock_recall(lots[0]) | Recall._run_mock_recall(lots[1]) | Recall._run_mock_recall(lots)
            )
        self.env.flush_all()
        for recall, completeness, duration in zip(recalls, (100, 100, 70), (10, 20, 60), strict=True):
            self.env.cr.execute(
                "UPDATE stock_lot_recall SET completeness = %s, scope_duration_ms = %s WHERE id = %s",
                (completeness, duration, recall.id),
            )
        self.env.invalidate_all(flush=False)
        cards = self._dashboard()
        self.assertEqual(cards["locate_time"]["value"], 20)
        self.assertEqual(cards["locate_time"]["display"], "20 ms")
        self.assertEqual(cards["locate_time"]["details"], ["Mock recalls: 3; mean 30 ms"])
        self.assertAlmostEqual(cards["mock_recall"]["value"], 90)
        self.assertEqual(cards["mock_recall"]["details"], ["2 of 3 mock recalls complete"])
        self.assertEqual(self._card_records("mock_recall"), recalls)
        # Measured per company: the same with a warehouse chosen, and said so.
        with_warehouse = self._dashboard(warehouse=self.other_warehouse)
        self.assertEqual(with_warehouse["locate_time"]["value"], 20)
        self.assertFalse(with_warehouse["locate_time"]["per_warehouse"])
        self.assertIsNone(self._dashboard(APRIL)["locate_time"]["value"])

    def test_recall_response_card(self):
        with freeze_time("2023-03-10 09:00:00"):
            recalled = self._milk_lot("RECALLED", 20)
            self._receive(self.sugar, 20, lot_name="SUGAR-R")
            self._produce(100)
            self._deliver(self.yogurt, 30, self.customer)
            recall = self.env["stock.lot.recall"].create({"reason": "Listeria", "lot_ids": [Command.set(recalled.ids)]})
            recall.action_compute_scope()
            recall.action_confirm()
        self.assertEqual(
            self._dashboard()["recall_response"]["empty"], "Notices of the recalls of this period not all sent yet"
        )
        with freeze_time("2023-03-10 11:00:00"):
            recall.action_notify()
            send_queued_recall_notices(self.env)  # the mail queue sends them: now they are sent
        with freeze_time("2023-03-10 14:30:00"):
            recall.notification_ids.ensure_one()._acknowledge("Ana Ruiz", 0)
        card = self._dashboard()["recall_response"]
        self.assertAlmostEqual(card["value"], 2)
        self.assertEqual(card["display"], "2.0 h")
        self.assertAlmostEqual(card["secondary"]["value"], 5.5)
        self.assertEqual(
            card["details"],
            [
                "Recalls confirmed: 1; notices acknowledged: 1 of 1",
                "All notices acknowledged 5.5 h after confirmation, on average (recalls: 1)",
            ],
        )
        self.assertEqual(self._card_records("recall_response"), recall)
        self.assertEqual(self._dashboard(APRIL)["recall_response"]["empty"], "No recall confirmed in this period")

    def test_a_recall_without_customer_to_notify_is_not_measured_and_says_so(self):
        with freeze_time("2023-03-10 09:00:00"):
            never_shipped = self._milk_lot("NEVER-SHIPPED", 20)
            recall = self.env["stock.lot.recall"].create(
                {"reason": "Listeria", "lot_ids": [Command.set(never_shipped.ids)]}
            )
            recall.action_compute_scope()
            recall.action_confirm()
        self.assertFalse(recall.notification_ids)
        card = self._dashboard()["recall_response"]
        self.assertIsNone(card["value"])
        self.assertEqual(card["display"], "-")
        self.assertEqual(card["empty"], "No customer to notify for the recalls of this period")
        self.assertEqual(card["secondary"]["display"], "-")
        self.assertFalse([detail for detail in card["details"] if "0 of 0" in detail], card["details"])

    def test_a_card_with_nothing_to_measure_shows_a_dash_and_says_why(self):
        cards = self._dashboard(APRIL)
        self.assertEqual(len(cards), 8)
        for key, card in cards.items():
            with self.subTest(card=key):
                self.assertIsNone(card["value"])
                self.assertEqual(card["display"], "-")
                self.assertTrue(card["empty"], "the reason there is no figure")
                if card["previous"] is None:
                    self.assertEqual(card["previous_display"], "-")
                for month in card["trend"]:
                    if month["value"] is None:
                        self.assertEqual(month["display"], "-")
                if card.get("secondary") and card["secondary"]["value"] is None:
                    self.assertEqual(card["secondary"]["display"], "-")


@tagged("post_install", "-at_install")
class TestLotControlDashboardRelease(LotControlDashboardCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release({"name": "pH", "min_value": 6.4, "max_value": 6.8})
        cls.qa_manager = new_test_user(
            cls.env, "qa.dash.manager", groups="lot_traceability.group_qa_manager,stock.group_stock_user", name="Quinn"
        )

    def test_release_card(self):
        # Lots pending release now, whatever their date: those of the demo data too.
        pending_before = self.env["stock.lot"].search_count(
            self.Kpi._get_pending_lot_domain({"companies": self.company, "warehouse": self.warehouse})
        )
        with freeze_time("2023-03-01 09:00:00"):
            pending = self._milk_lot("PENDING")
            released = self._milk_lot("RELEASED")
            quick = self._milk_lot("QUICK")
        self.env.cr.execute(
            "UPDATE stock_lot SET create_date = '2023-03-01 09:00:00' WHERE id IN %s",
            [(pending | released | quick)._ids],
        )
        for lot, signed_at in ((released, "2023-03-04 21:00:00"), (quick, "2023-03-02 09:00:00")):
            with freeze_time(signed_at):
                lot.qc_check_ids.with_user(self.qa_manager).measured_value = 6.6
                lot.with_user(self.qa_manager).qc_sign("release", "Released", "qa.dash.manager")
        self.env.invalidate_all()
        card = self._dashboard(warehouse=self.warehouse)["release"]
        self.assertAlmostEqual(card["value"], (3.5 + 1) / 2)
        self.assertEqual(card["display"], "2.3 days")
        self.assertEqual(card["secondary"]["value"], pending_before + 1)
        # Each figure once: the days (value), the lots pending release now (secondary), the lots released.
        self.assertEqual(card["details"], ["Lots released in this period: 2"])
        self.assertEqual(
            self._card_records("release", warehouse=self.warehouse) & (pending | released | quick), pending
        )
        self.assertEqual(self._card_records("release_released", warehouse=self.warehouse), released | quick)
        # The lots were received in the first warehouse, none in the other one.
        other = self._dashboard(warehouse=self.other_warehouse)["release"]
        self.assertIsNone(other["value"])
        self.assertEqual(other["secondary"]["value"], 0)


@tagged("post_install", "-at_install")
class TestLotControlDashboardCompanies(LotControlDashboardCommon):
    def test_figures_of_the_selected_companies_only(self):
        spain = self.env["res.company"].create({"name": "Dairy Spain"})
        spain.partner_id.tz = "UTC"
        self.env.user.company_ids += spain
        spain_warehouse = self.env["stock.warehouse"].search([("company_id", "=", spain.id)], limit=1)
        self.assertTrue(spain_warehouse, "Odoo gives a new company its warehouse")
        spain_lot = self.env["stock.lot"].create({"name": "ES-1", "product_id": self.milk.id, "company_id": spain.id})
        with freeze_time("2023-02-01 10:00:00"):
            # Spain's opening balance, entered by an inventory adjustment: not a count to measure.
            self.env["stock.quant"].with_company(spain).with_context(inventory_mode=True).create(
                {
                    "product_id": self.milk.id,
                    "lot_id": spain_lot.id,
                    "location_id": spain_warehouse.lot_stock_id.id,
                    "inventory_quantity": 10,
                }
            ).action_apply_inventory()
            lot = self._milk_lot("HOME")
        with freeze_time("2023-03-10 10:00:00"):
            quant = self.env["stock.quant"].search(
                [("lot_id", "=", spain_lot.id), ("location_id", "=", spain_warehouse.lot_stock_id.id)]
            )
            quant.with_company(spain).inventory_quantity = 10
            quant.with_company(spain).action_apply_inventory()
            self._count(lot, 7)

        home = self.Kpi.with_context(allowed_company_ids=[self.company.id])
        self.assertEqual(
            self._dashboard(model=home)["inventory_accuracy"]["details"], ["0 of 1 lines counted without difference"]
        )
        self.assertNotIn(spain_warehouse.id, [w["id"] for w in home.get_lot_control_dashboard()["warehouses"]])
        with self.assertRaisesRegex(UserError, "not one of the companies you selected"):
            self._dashboard(warehouse=spain_warehouse, model=home)

        abroad = self.Kpi.with_context(allowed_company_ids=[spain.id])
        self.assertEqual(self._dashboard(model=abroad)["inventory_accuracy"]["value"], 100)
        both = self.Kpi.with_context(allowed_company_ids=[self.company.id, spain.id])
        self.assertEqual(self._dashboard(model=both)["inventory_accuracy"]["value"], 50)
        self.assertEqual(self._dashboard(warehouse=spain_warehouse, model=both)["inventory_accuracy"]["value"], 100)
        self.assertEqual(len(self._card_records("inventory_accuracy", model=both)), 2)

    def test_cards_follow_access_rights(self):
        user = new_test_user(self.env, "stock.dash.user", groups="stock.group_stock_user")
        keys = [card["key"] for card in self.Kpi.with_user(user).get_lot_control_dashboard()["cards"]]
        # FEFO compliance is a stock manager's analysis.
        self.assertNotIn("fefo", keys)
        self.assertIn("inventory_accuracy", keys)
        # Values of stock are shown to stock managers only, as Odoo shows the valuation.
        self.assertNotIn("shrinkage", keys)
        self.assertNotIn("near_date_recovery", keys)
        self._count(self._milk_lot("LOSS-1"), 6)  # 4 lost at a count: a shrinkage row
        self.assertTrue(self.Kpi.search([("kpi", "=", "shrinkage")]))
        self.assertFalse(self.Kpi.with_user(user).search([("kpi", "in", VALUED_KPIS)]), "nor their analysis rows")
        user.groups_id += self.env.ref("stock.group_stock_manager")
        keys = [card["key"] for card in self.Kpi.with_user(user).get_lot_control_dashboard()["cards"]]
        self.assertIn("shrinkage", keys)
        self.assertIn("near_date_recovery", keys)
        self.assertTrue(self.Kpi.with_user(user).search([("kpi", "=", "shrinkage")]))


@tagged("post_install", "-at_install")
class TestLotControlDashboardTour(HttpCase):
    """In a browser: the dashboard shows its cards, a warehouse is chosen, a card opens its records."""

    def test_dashboard_cards_open_their_records(self):
        env = self.env
        warehouse = env["stock.warehouse"].create({"name": "Tour Dairy", "code": "TDY"})
        product = env["product.product"].create({"name": "Tour Milk", "is_storable": True, "tracking": "lot"})
        lots = env["stock.lot"].create(
            [{"name": "TOUR-A", "product_id": product.id}, {"name": "TOUR-B", "product_id": product.id}]
        )
        Quant = env["stock.quant"]
        for lot, counted in zip(lots, (10, 8), strict=True):
            # The opening balance (not measured), then a count.
            Quant.with_context(inventory_mode=True).create(
                {
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "inventory_quantity": 10,
                }
            ).action_apply_inventory()
            quant = Quant.search([("lot_id", "=", lot.id), ("location_id", "=", warehouse.lot_stock_id.id)])
            quant.inventory_quantity = counted
            quant.action_apply_inventory()
        self.start_tour(
            "/odoo/action-lot_traceability_reports.action_lot_control_dashboard",
            "lot_traceability_lot_control_dashboard_tour",
            login="admin",
            timeout=120,
        )
