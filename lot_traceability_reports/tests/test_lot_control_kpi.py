from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.addons.lot_traceability_recall.tests.common import send_queued_recall_notices
from odoo.tests import new_test_user, tagged

KPI_MEASURES = [
    "rate:avg",
    "numerator:sum",
    "denominator:sum",
    "scope_duration_ms:avg",
    "scope_duration_median_ms:avg",
    "hours_to_notify:avg",
    "hours_to_acknowledge:avg",
    "pending_count:sum",
    "days_to_release:avg",
]


class LotControlKpiCommon(LotTraceabilityCommon):
    def _kpi(self, kpi, domain):
        """The KPI's figures over ``domain``, aggregated as the pivot view does."""
        Kpi = self.env["stock.lot.control.kpi"]
        groups = Kpi.read_group([*domain, ("kpi", "=", kpi)], KPI_MEASURES, ["kpi"], lazy=False)
        self.assertEqual(len(groups), 1, f"one group of {kpi} rows")
        return groups[0]

    def _milk_lot(self, name, quantity=10, **line_vals):
        self._receive(self.milk, quantity, lot_name=name, **line_vals)
        return self.env["stock.lot"].search([("name", "=", name), ("product_id", "=", self.milk.id)])


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestLotControlKpiStock(LotControlKpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.milk.categ_id.removal_strategy_id = cls.env.ref("product_expiry.removal_fefo")

    def test_fefo_compliance_is_weighted_by_quantity(self):
        # 2 of the late lot leave, then the early lot arrives and leaves 4 + 2: the 2 left before a lot
        # with an earlier removal date, the 6 in FEFO order: 6 / 8 = 75 % (not the mean of the lines' 0, 100, 100).
        self._milk_lot("LATE", supplier_expiration_date=date(2026, 3, 30))
        self._deliver(self.milk, 2)
        self._milk_lot("EARLY", supplier_expiration_date=date(2026, 3, 20))
        self._deliver(self.milk, 4)
        self._deliver(self.milk, 2)
        domain = [("product_id", "=", self.milk.id)]
        figures = self._kpi("fefo", domain)
        self.assertEqual(figures["__count"], 3)
        self.assertEqual(figures["numerator"], 6)
        self.assertEqual(figures["denominator"], 8)
        self.assertAlmostEqual(figures["rate"], 75)
        rows = self.env["stock.lot.control.kpi"].search([*domain, ("kpi", "=", "fefo")])
        self.assertEqual(sorted(rows.mapped("rate")), [0, 100, 100])
        self.assertEqual(rows.warehouse_id, self.warehouse)
        self.assertEqual(rows.company_id, self.company)
        # Each row opens the outgoing line behind it.
        late_row = rows.filtered(lambda row: row.lot_id.name == "LATE")
        action = late_row.action_open_source()
        line = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual((line._name, line.lot_id.name, line.quantity), ("stock.move.line", "LATE", 2))

    def test_inventory_accuracy_counts_lines_without_difference(self):
        right = self._milk_lot("COUNT-RIGHT")
        wrong = self._milk_lot("COUNT-WRONG")
        for lot, counted in ((right, 10), (wrong, 8)):
            quant = self.env["stock.quant"].search(
                [("lot_id", "=", lot.id), ("location_id", "=", self.stock_location.id)]
            )
            quant.inventory_quantity = counted
            quant.action_apply_inventory()
        figures = self._kpi("inventory_accuracy", [("product_id", "=", self.milk.id)])
        self.assertEqual((figures["__count"], figures["numerator"], figures["denominator"]), (2, 1, 2))
        self.assertAlmostEqual(figures["rate"], 50)


@tagged("post_install", "-at_install")
class TestLotControlKpiRecall(LotControlKpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("lot_traceability_recall.group_recall_manager")
        cls.customer.email = "quality@freshmarket.example"

    def test_mock_recall_completeness_and_scope_time(self):
        with freeze_time("2026-03-10 09:00:00"):
            lots = self._milk_lot("MOCK-A") | self._milk_lot("MOCK-B")
            Recall = self.env["stock.lot.recall"]
            recalls = (
                Recall._run_mock_recall(lots[0]) | Recall._run_mock_recall(lots[1]) | Recall._run_mock_recall(lots)
            )
        domain = [("recall_id", "in", recalls.ids)]
        rows = self.env["stock.lot.control.kpi"].search(domain)
        self.assertEqual(rows.mapped("kpi"), ["mock_recall"] * 3)
        self.assertEqual(
            sorted((row.recall_id.id, row.rate, row.scope_duration_ms) for row in rows),
            sorted((recall.id, recall.completeness, recall.scope_duration_ms) for recall in recalls),
        )
        # Known figures: completeness 100, 100, 70 -> 90; scope time 10, 20, 60 ms -> mean 30, median 20.
        for recall, completeness, duration in zip(recalls, (100, 100, 70), (10, 20, 60), strict=True):
            self.env.cr.execute(
                "UPDATE stock_lot_recall SET completeness = %s, scope_duration_ms = %s WHERE id = %s",
                (completeness, duration, recall.id),
            )
        figures = self._kpi("mock_recall", domain)
        self.assertAlmostEqual(figures["rate"], 90)
        self.assertAlmostEqual(figures["scope_duration_ms"], 30)
        self.assertAlmostEqual(figures["scope_duration_median_ms"], 20)
        self.assertEqual(rows[0].date, datetime(2026, 3, 10, 9, 0))

    def test_recall_response_time_from_confirmation(self):
        with freeze_time("2026-03-10 09:00:00"):
            self._milk_lot("RECALLED", 20)
            self._receive(self.sugar, 20, lot_name="SUGAR-R")
            self._produce(100)
            self._deliver(self.yogurt, 30, self.customer)
            recall = self.env["stock.lot.recall"].create(
                {
                    "reason": "Listeria",
                    "lot_ids": [Command.set(self.env["stock.lot"].search([("name", "=", "RECALLED")]).ids)],
                }
            )
            recall.action_compute_scope()
            recall.action_confirm()
        domain = [("recall_id", "=", recall.id)]
        with freeze_time("2026-03-10 11:00:00"):
            recall.action_notify()
            send_queued_recall_notices(self.env)  # the mail queue sends them: now they are sent
        figures = self._kpi("recall_response", domain)
        self.assertAlmostEqual(figures["hours_to_notify"], 2)
        self.assertFalse(figures["hours_to_acknowledge"], "not everyone acknowledged yet")
        self.assertEqual(figures["rate"], 0)
        with freeze_time("2026-03-10 14:30:00"):
            recall.notification_ids.ensure_one()._acknowledge("Ana Ruiz", 0)
        figures = self._kpi("recall_response", domain)
        self.assertAlmostEqual(figures["hours_to_notify"], 2)
        self.assertAlmostEqual(figures["hours_to_acknowledge"], 5.5)
        self.assertAlmostEqual(figures["rate"], 100)


@tagged("post_install", "-at_install")
class TestLotControlKpiRelease(LotControlKpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release({"name": "pH", "min_value": 6.4, "max_value": 6.8})
        cls.qa_manager = new_test_user(
            cls.env, "qa.kpi.manager", groups="lot_traceability.group_qa_manager,stock.group_stock_user", name="Quinn"
        )

    def test_pending_lots_and_days_to_release(self):
        with freeze_time("2026-03-01 09:00:00"):
            pending = self._milk_lot("PENDING")
            released = self._milk_lot("RELEASED")
            quick = self._milk_lot("QUICK")
        # PostgreSQL's clock is not frozen: set the creation dates the ORM took from it.
        self.env.cr.execute(
            "UPDATE stock_lot SET create_date = '2026-03-01 09:00:00' WHERE id IN %s",
            [(pending | released | quick)._ids],
        )
        for lot, signed_at in ((released, "2026-03-04 21:00:00"), (quick, "2026-03-02 09:00:00")):
            with freeze_time(signed_at):
                lot.qc_check_ids.with_user(self.qa_manager).measured_value = 6.6
                lot.with_user(self.qa_manager).qc_sign("release", "Released", "qa.kpi.manager")
        self.assertEqual(pending.qc_state, "pending")
        figures = self._kpi("release", [("product_id", "=", self.milk.id)])
        self.assertEqual(figures["__count"], 3)
        self.assertEqual(figures["pending_count"], 1)
        self.assertAlmostEqual(figures["days_to_release"], (3.5 + 1) / 2)
        row = self.env["stock.lot.control.kpi"].search([("lot_id", "=", released.id), ("kpi", "=", "release")])
        self.assertEqual((row.date, row.res_model, row.res_id), (datetime(2026, 3, 4, 21, 0), "stock.lot", released.id))

    def test_stock_user_reads_own_company_only(self):
        pending = self._milk_lot("PENDING-MC")
        other = self.env["res.company"].create({"name": "Dairy Spain"})
        other_lot = self.env["stock.lot"].create({"name": "OTHER", "product_id": self.milk.id, "company_id": other.id})
        self.assertEqual(other_lot.qc_state, "pending")
        all_rows = self.env["stock.lot.control.kpi"].search([("product_id", "=", self.milk.id)])
        self.assertEqual(all_rows.lot_id, pending | other_lot)
        user = new_test_user(self.env, "stock.kpi", groups="stock.group_stock_user")
        rows = self.env["stock.lot.control.kpi"].with_user(user).search([("product_id", "=", self.milk.id)])
        self.assertEqual(rows.lot_id, pending)
