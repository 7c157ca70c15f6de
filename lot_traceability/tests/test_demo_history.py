from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import DemoHistoryCase
from .test_lot_costing import cost_tree_rows, header_figures


@tagged("post_install", "-at_install")
class TestDemoHistory(DemoHistoryCase):
    """The demo database has six months of history behind every lot control figure (lot.traceability.demo.
    _create_demo_history): checked against the figures worked out by hand from its plan.

    The test databases are installed with demo data; without it these tests skip, naming what is missing.
    Dates are relative to the day the demo was installed (``self.day``, midnight UTC).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.at_risk = cls._demo_record("lot_traceability.lot_yogurt_at_risk_demo")
        cls.day = cls.env["lot.traceability.demo"]._get_demo_history_day()
        cls.milk, cls.puree, cls.sugar, cls.powder, cls.yogurt = (
            cls.env.ref(f"lot_traceability.product_{name}_demo")
            for name in ("milk", "puree", "sugar", "milk_powder", "yogurt")
        )
        # The history's products only: Odoo's own demo data, installed with the test template (on another day),
        # has done lines dated before the demo's day too.
        cls.products = cls.milk | cls.puree | cls.sugar | cls.powder | cls.yogurt
        cls.history = [("date", "<", cls.day), ("state", "=", "done"), ("product_id", "in", cls.products.ids)]

    def _since(self, days_ago):
        return self.day - timedelta(days=days_ago)

    def test_every_month_has_receipts_production_and_deliveries(self):
        alpine = self.env.ref("lot_traceability.partner_alpine_dairy_demo")
        sunvale = self.env.ref("lot_traceability.partner_sunvale_demo")
        customers = [
            self.env.ref(f"lot_traceability.partner_{name}_demo")
            for name in ("fresh_market", "green_basket", "city_bakery")
        ]
        for start in (183, 153, 123, 93, 63, 33):
            begin, end = self._since(start), self._since(start - 30)
            pickings = self.env["stock.picking"].search(
                [
                    ("state", "=", "done"),
                    ("date_done", ">=", begin),
                    ("date_done", "<", end),
                    ("product_id", "in", self.products.ids),
                ]
            )
            receipts = pickings.filtered(lambda picking: picking.picking_type_code == "incoming")
            deliveries = pickings.filtered(lambda picking: picking.picking_type_code == "outgoing")
            self.assertEqual(receipts.partner_id, alpine | sunvale, f"receipts of the month {start} days ago")
            self.assertEqual(set(deliveries.partner_id), set(customers), f"deliveries of the month {start} days ago")
            productions = self.env["mrp.production"].search(
                [
                    ("state", "=", "done"),
                    ("date_finished", ">=", begin),
                    ("date_finished", "<", end),
                    ("product_id", "in", self.products.ids),
                ]
            )
            self.assertGreaterEqual(len(productions), 2, f"manufacturing of the month {start} days ago")
            consumed = productions.move_raw_ids.move_line_ids.lot_id
            self.assertEqual(consumed.product_id, self.milk | self.puree | self.sugar)
            self.assertTrue(set(consumed.supplier_lot_id.partner_id) <= {alpine, sunvale})

    def test_history_is_dated_in_the_past_and_quants_follow_the_lines(self):
        lines = self.env["stock.move.line"].search([*self.history, ("lot_id.product_id", "=", self.yogurt.id)])
        self.assertEqual(min(lines.mapped("date")), self._since(182) + timedelta(hours=8), "first order: 182 days ago")
        for line in lines.filtered(lambda line: line.location_id.usage == "production"):
            self.assertEqual(line.lot_id.create_date, line.date, "a made lot is created by its order")
            self.assertEqual(line.lot_id.expiration_date, line.date + timedelta(days=28))
        on_hand = self.at_risk.quant_ids.filtered(lambda quant: quant.location_id.usage == "internal")
        self.assertEqual(sum(on_hand.mapped("quantity")), 1200)
        self.assertEqual(set(self.at_risk.quant_ids.mapped("in_date")), {self.at_risk.create_date})
        # Nothing else of the history is left on hand: today's demo operations started from clean stock.
        history_lots = lines.lot_id | self.env["stock.move.line"].search(self.history).lot_id
        left = history_lots.quant_ids.filtered(lambda quant: quant.location_id.usage == "internal" and quant.quantity)
        self.assertEqual(left.lot_id, self.at_risk)

    def test_inventory_counts_five_of_seven_lines_without_difference(self):
        lines = self.env["stock.move.line"].search([*self.history, ("move_id.is_inventory", "=", True)])
        self.assertEqual(len(lines), 7)
        self.assertEqual(len(lines.filtered(lambda line: line.quantity == 0)), 5)
        differences = {
            (line.lot_id.product_id, line.location_id.usage, line.location_dest_id.usage, line.quantity)
            for line in lines.filtered("quantity")
        }
        self.assertEqual(
            differences,
            {(self.yogurt, "internal", "inventory", 12), (self.yogurt, "inventory", "internal", 6)},
            "12 cups short in one count, 6 found in another",
        )
        self.assertEqual(len(set(lines.mapped("date"))), 3, "three counts, in three months")

    def test_fefo_report_has_two_deliveries_out_of_fefo_order(self):
        report = self.env["stock.lot.fefo.report"].search(
            [("date", "<", self.day), ("product_id", "in", self.products.ids)]
        )
        # Yogurt 2,500 cups a month (2,488, 2,300 + 200 scrapped, 2,506 in months 4 to 6) and 300 of the last
        # lot; milk powder 6 x 200; consumed: 6 x (375 + 75 + 25) and 225 + 45 + 15 for the last lot.
        self.assertAlmostEqual(sum(report.mapped("outgoing_qty")), 15094 + 1200 + 3135)
        out_of_order = report.filtered(lambda line: not line.in_order)
        self.assertEqual(sorted(out_of_order.mapped("outgoing_qty")), [400, 500])
        self.assertEqual(out_of_order.product_id, self.yogurt)
        self.assertEqual(
            set(out_of_order.picking_id.partner_id.mapped("name")), {"Green Basket Grocers", "City Bakery Supply"}
        )
        self.assertAlmostEqual(sum(report.mapped("in_order_qty")), 19429 - 900)

    def test_near_date_lot_partly_sold_in_its_alert_window_then_scrapped(self):
        lot = self._demo_record("lot_traceability.lot_yogurt_near_date_demo")
        self.assertEqual((lot.alert_date - lot.production_date).days, 18)
        lines = self.env["stock.move.line"].search([("lot_id", "=", lot.id), ("state", "=", "done")])
        before_alert = lines.filtered(lambda line: line.date < lot.alert_date)
        on_hand_at_alert = sum(
            before_alert.filtered(lambda line: line.location_dest_id.usage == "internal").mapped("quantity")
        ) - sum(before_alert.filtered(lambda line: line.location_id.usage == "internal").mapped("quantity"))
        self.assertEqual(on_hand_at_alert, 500)
        in_window = lines.filtered(lambda line: lot.alert_date <= line.date < lot.expiration_date)
        self.assertEqual(in_window.location_dest_id.usage, "customer")
        self.assertEqual(sum(in_window.mapped("quantity")), 300, "60 % recovered before expiry")
        scrapped = lines.filtered(lambda line: line.location_dest_id.scrap_location)
        self.assertEqual(sum(scrapped.mapped("quantity")), 200)
        self.assertGreater(scrapped.date, lot.expiration_date)

    def test_shrinkage_is_two_expired_lots_scrapped_and_a_count_short(self):
        lines = self.env["stock.move.line"].search(
            [*self.history, ("location_id.usage", "=", "internal"), ("location_dest_id.usage", "=", "inventory")]
        )
        lines = lines.filtered("quantity")
        scrapped = lines.filtered("move_id.scrap_id")
        self.assertEqual(
            scrapped.lot_id,
            self._demo_record("lot_traceability.lot_milk_expired_demo")
            | self._demo_record("lot_traceability.lot_yogurt_near_date_demo"),
        )
        self.assertTrue(all(line.date > line.lot_id.expiration_date for line in scrapped), "scrapped once expired")
        self.assertEqual((lines - scrapped).move_id.is_inventory, True, "and 12 cups short at a count")
        value = sum(line.quantity * line.product_id.standard_price for line in lines)
        self.assertAlmostEqual(value, 25 * 0.85 + (200 + 12) * 0.42)

    def test_lots_released_by_signature_days_after_receipt(self):
        lots = self.env["stock.lot"].search([("product_id", "=", self.powder.id), ("create_date", "<", self.day)])
        self.assertEqual(len(lots), 6)
        self.assertEqual(set(lots.mapped("qc_state")), {"released"})
        days = sorted(
            round((lot.qc_signature_ids.signed_at - lot.create_date).total_seconds() / 86400, 3) for lot in lots
        )
        self.assertEqual(days, [2.375, 2.375, 3.375, 3.375, 4.375, 5.375])
        pending = self.env["stock.lot"].search(
            [("product_id", "=", self.powder.id), ("qc_state", "=", "pending"), ("origin_picking_id", "!=", False)]
        )
        self.assertEqual(len(pending), 2, "today's two milk powder lots received still wait for QA")
        signed = self.env["stock.lot"].search([("qc_signature_ids", "!=", False)])
        self.assertEqual(signed.action_verify_signatures()["params"]["type"], "success", "back-dated, still verified")

    def test_forecast_suggests_a_markdown_for_the_lot_held_too_long(self):
        # Frozen the day after the install: the lot made 17 days before at 08:00 is removed in 3 days 8 hours.
        # Yogurt out in the 90 days before: 1,888 (month 4, from day 85) + 2,300 + 2,506 + 300 of the lot itself
        # + today's 3,500 = 10,494, 116.6 a day: 388.7 leave, 811.3 of 1,200 at risk (67.6 %): markdown of
        # 67.6 / 2 + 10 (removal within a week) = 43.8, rounded to 45 %.
        with freeze_time(self.day + timedelta(days=1)):
            risk = self.env["stock.lot.expiry.risk"].search([("lot_id", "=", self.at_risk.id)])
            self.assertEqual(len(risk), 1)
            self.assertAlmostEqual(risk.days_until_removal, 10 / 3)
            self.assertEqual(risk.quantity_on_hand, 1200)
            self.assertAlmostEqual(risk.daily_demand, 116.6)
            self.assertAlmostEqual(risk.forecast_quantity_at_risk, 1200 - 116.6 * 10 / 3)
            self.assertAlmostEqual(risk.value_at_risk, (1200 - 116.6 * 10 / 3) * 0.42, places=2)
            self.assertEqual((risk.suggested_action, risk.markdown_percent), ("markdown", 45))
            self.assertEqual(self.at_risk.qc_signature_ids.mapped("decision"), ["hold", "release"])

    def test_costs_of_the_yogurt_lot_found_richer_at_a_count_agree(self):
        # Made 1,500 from milk, puree and sugar lots (315.75), 6 found by a count at the product's cost (2.52).
        found = self.env["stock.move.line"].search(
            [*self.history, ("lot_id.product_id", "=", self.yogurt.id), ("location_id.usage", "=", "inventory")]
        )
        self.assertEqual(len(found), 1, "the demo has one yogurt lot found richer at a count")
        lot = found.lot_id
        accountant = new_test_user(
            self.env, "demo.accountant", groups="stock.group_stock_user,account.group_account_readonly"
        )
        total = lot.with_user(accountant).costing_total
        self.assertAlmostEqual(total, 318.27)
        self.assertAlmostEqual(header_figures(lot, accountant)["costing_total"], total, msg="header == Costing tab")
        rows = cost_tree_rows(lot)
        self.assertAlmostEqual(rows[0][2], 318.27)
        under = [row for row in rows if row[0] == 1]
        self.assertAlmostEqual(sum(row[3] for row in under), 318.27, places=2, msg=under)
        self.assertIn(("Found by inventory counts: 6 Units", 2.52), [(row[1], row[3]) for row in under])

    def test_the_demo_is_done_by_people_not_by_odoobot(self):
        """Checks, recalls and signatures of the demo name the administrator, who walks the guides, never OdooBot
        (the user demo data is loaded as)."""
        admin = self.env.ref("base.user_admin")
        checks = self.env["stock.lot.qc.check"].search([("performed_by_id", "!=", False)])
        self.assertTrue(checks)
        self.assertEqual(checks.performed_by_id, admin)
        ready = self.env["stock.lot"].search([("supplier_lot_id.name", "=", "AD-P2201")])
        self.assertTrue(ready.qc_check_ids.filtered("performed_by_id"), "the lot the QA guide signs is measured")
