from contextlib import suppress
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestServerCaches(LotTraceabilityCommon):
    """What a lot knows (its QC state, its dates, its company) and Odoo keeps a copy of on other records
    (quants for reservation, checks for record rules) is the server's: no user's write makes a copy
    say something else than its lot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.milk.categ_id.removal_strategy_id = cls.env.ref("product_expiry.removal_fefo")
        cls.clerk = new_test_user(
            cls.env, "stock.clerk", groups="stock.group_stock_user,stock.group_production_lot", name="Sam Clerk"
        )
        cls.qa_user = new_test_user(
            cls.env, "qa.caches", groups="lot_traceability.group_qa_user,stock.group_stock_user", name="Quincy Lab"
        )

    def _milk_lot(self, name, expiry, state="released"):
        self._receive(self.milk, 10, lot_name=name, supplier_expiration_date=expiry)
        lot = self.env["stock.lot"].search([("name", "=", name)])
        if state != "released":
            lot._write_qc_state(state, "test fixture")
        return lot

    def _stock_quants(self, lot):
        return lot.quant_ids.filtered(lambda quant: quant.location_id == self.stock_location)

    def _clerk_writes(self, lot, vals):
        """What a stock user can send over RPC: a write on the quants of ``lot``, whatever Odoo answers."""
        with suppress(UserError, ValueError), self.env.cr.savepoint():
            self._stock_quants(lot).with_user(self.clerk).write(vals)
        self.env.invalidate_all()

    def _reserved_lots(self):
        return self._create_delivery(self.milk, 5).move_line_ids.lot_id

    def test_a_stock_user_cannot_make_reservation_take_a_lot_on_hold(self):
        held = self._milk_lot("HELD", date(2026, 3, 25), state="on_hold")
        good = self._milk_lot("GOOD", date(2026, 3, 30))
        self._clerk_writes(held, {"lot_qc_state": "released"})
        self.assertEqual(held.qc_state, "on_hold")
        # Before, the quant said released: FEFO took the held lot first, and the release check on the new
        # move line then refused the whole reservation of the product.
        self.assertEqual(self._reserved_lots(), good)

    def test_a_stock_user_cannot_hide_released_stock_from_reservation(self):
        good = self._milk_lot("GOOD", date(2026, 3, 30))
        self._clerk_writes(good, {"lot_qc_state": "on_hold"})
        self.assertEqual(good.qc_state, "released")
        self.assertEqual(self._reserved_lots(), good, "the released lot is still reserved")

    def test_a_stock_user_cannot_rewrite_the_lot_dates_copied_on_quants(self):
        early = self._milk_lot("EARLY", date(2026, 3, 25))
        late = self._milk_lot("LATE", date(2026, 3, 30))
        quants = self._stock_quants(early).with_user(self.clerk)
        for name in ("removal_date", "expiration_date"):
            with self.assertRaisesRolledBack(UserError, "copied from lot"):
                quants.write({name: datetime(2026, 3, 1)})
        self._clerk_writes(late, {"removal_date": datetime(2026, 3, 11)})
        for lot in early | late:
            self.assertEqual(self._stock_quants(lot).removal_date, lot.removal_date)
            self.assertEqual(self._stock_quants(lot).expiration_date, lot.expiration_date)
        self.assertEqual(self._reserved_lots(), early, "FEFO still takes the lot to remove first")

    def test_a_date_changed_on_the_lot_reaches_its_quants(self):
        lot = self._milk_lot("REDATED", date(2026, 3, 25))
        lot.with_user(self.qa_user).expiration_date = datetime(2026, 4, 20, 12, 0)
        self.assertEqual(self._stock_quants(lot).expiration_date, datetime(2026, 4, 20, 12, 0))
        self.assertEqual(self._stock_quants(lot).removal_date, lot.removal_date)

    def test_a_qa_user_cannot_move_a_check_to_another_company(self):
        self._require_milk_release({"name": "pH", "value_type": "numeric", "min_value": 6.4, "max_value": 6.8})
        lot = self._milk_lot("MILK-CHECK", date(2026, 3, 30))
        other_company = self.env["res.company"].create({"name": "Dairy Spain"})
        self.qa_user.company_ids += other_company
        check = lot.qc_check_ids.with_user(self.qa_user)
        with self.assertRaisesRolledBack(UserError, "copied from lot"):
            check.write({"company_id": other_company.id})
        self.assertEqual(check.company_id, lot.company_id)
