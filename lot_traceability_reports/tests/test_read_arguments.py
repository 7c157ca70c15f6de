"""The public read methods of the reports (genealogy, Lot Control dashboard) refuse arguments of the wrong type
with a clear error, as an RPC caller may send them, and answer only users who may read the lots."""

from odoo import api
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ExportCommon


def rpc(model, method, *args, **kwargs):
    """Call ``method`` as JSON-RPC's call_kw does."""
    return api.call_kw(model, method, list(args), kwargs)


@tagged("post_install", "-at_install")
class TestReadArguments(ExportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_user = new_test_user(cls.env, "sales.genealogy", groups="sales_team.group_sale_salesman")

    def test_genealogy_roots_refuse_a_wrong_model_or_ids(self):
        lots = self.env["stock.lot"]
        for model in ({"model": "stock.lot"}, ["stock.lot"], None, 3):
            with self.subTest(model=model), self.assertRaisesRolledBack(UserError, "opens from a lot"):
                rpc(lots, "get_genealogy_roots", model, self.milk_lot.ids)
        for ids in ("abc", {"id": self.milk_lot.id}, [None], ["1"], None):
            with self.subTest(ids=ids), self.assertRaisesRolledBack(UserError, "list of ids"):
                rpc(lots, "get_genealogy_roots", "stock.lot", ids)
        roots = rpc(lots, "get_genealogy_roots", "stock.lot", self.milk_lot.ids)
        self.assertEqual(roots["root_ids"], self.milk_lot.ids)

    def test_genealogy_children_refuse_wrong_ids_or_direction(self):
        lots = self.env["stock.lot"]
        for ids in ("abc", {"id": 1}, [1.5], [True]):
            with self.subTest(ids=ids), self.assertRaisesRolledBack(UserError, "list of ids"):
                rpc(lots, "get_genealogy_children", ids, "downstream")
        for direction in ({"d": 1}, ["upstream"], None):
            with self.subTest(direction=direction), self.assertRaisesRolledBack(UserError, "upstream or downstream"):
                rpc(lots, "get_genealogy_children", self.milk_lot.ids, direction)

    def test_genealogy_search_refuses_wrong_types(self):
        lots = self.env["stock.lot"]
        with self.assertRaisesRolledBack(UserError, "list of ids"):
            rpc(lots, "search_genealogy", "abc", "MILK")
        for term in ({"t": 1}, ["MILK"], 42):
            with self.subTest(term=term), self.assertRaisesRolledBack(UserError, "text"):
                rpc(lots, "search_genealogy", self.milk_lot.ids, term)
        for limit in ("ten", -1, 0, {"l": 1}, 10_000_000):
            with self.subTest(limit=limit), self.assertRaisesRolledBack(UserError, "limit"):
                rpc(lots, "search_genealogy", self.milk_lot.ids, "YOG", limit)
        found = rpc(lots, "search_genealogy", self.milk_lot.ids, self.yogurt_lot.name)
        self.assertEqual([match["node"]["id"] for match in found], self.yogurt_lot.ids)

    def test_the_genealogy_answers_only_users_who_may_read_lots(self):
        with self.assertRaises(AccessError):
            rpc(
                self.env["stock.lot"].with_user(self.sales_user),
                "get_genealogy_children",
                self.milk_lot.ids,
                "downstream",
            )

    def test_the_dashboard_refuses_wrong_types(self):
        kpi = self.env["stock.lot.control.kpi"]
        for period in ({"p": 1}, ["custom"], 3):
            with self.subTest(period=period), self.assertRaisesRolledBack(UserError, "Unknown period"):
                rpc(kpi, "get_lot_control_dashboard", period=period)
        for date_from in ({"d": 1}, ["2026-01-01"], 20260101):
            with self.subTest(date_from=date_from), self.assertRaisesRolledBack(UserError, "must be days"):
                rpc(kpi, "get_lot_control_dashboard", date_from=date_from, date_to="2026-01-31", period="custom")
        for warehouse in ({"w": 1}, "main", [1]):
            with self.subTest(warehouse=warehouse), self.assertRaisesRolledBack(UserError, "warehouse"):
                rpc(kpi, "get_lot_control_dashboard", warehouse_id=warehouse)
        for kpis in ("fefo", {"fefo": 1}):
            with self.subTest(kpis=kpis), self.assertRaisesRolledBack(UserError, "list of their keys"):
                rpc(kpi, "get_lot_control_dashboard", kpis=kpis)
        for card in ({"c": 1}, None, ["fefo"]):
            with self.subTest(card=card), self.assertRaisesRolledBack(UserError, "no card"):
                rpc(kpi, "action_open_lot_control_card", card, period="this_month")
