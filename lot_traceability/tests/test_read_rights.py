"""Reads check rights: the trace, the incident scope and the lot costing answer only what the caller may read,
take bounded input, and refuse arguments of the wrong type with a clear error, the way an RPC caller sends them."""

from odoo import Command, api
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.stock_lot_trace import MAX_TRACE_LOTS
from .common import LotTraceabilityCommon


def rpc(model, method, *args, **kwargs):
    """Call ``method`` as JSON-RPC's call_kw does: ``args[0]`` are the ids of a recordset method."""
    return api.call_kw(model, method, list(args), kwargs)


@tagged("post_install", "-at_install")
class TestReadRights(LotTraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = new_test_user(cls.env, "stock.reads", groups="stock.group_stock_user")
        cls.sales_user = new_test_user(cls.env, "sales.reads", groups="sales_team.group_sale_salesman")
        cls.portal_user = new_test_user(cls.env, "portal.reads", groups="base.group_portal")
        cls.other_company = cls.env["res.company"].create({"name": "Dairy Spain"})

    def _shipped_lot(self):
        self._receive(self.milk, 20, lot_name="MILK-R")
        self._deliver(self.milk, 5)
        return self.env["stock.lot"].search([("name", "=", "MILK-R")])

    # ------------------------------------------------------------------
    # Trace
    # ------------------------------------------------------------------

    def test_a_stock_user_traces_a_lot_of_their_company(self):
        lot = self._shipped_lot()
        result = rpc(self.env["stock.lot"].with_user(self.stock_user), "trace", lot.ids, "both")
        self.assertEqual(result["customer_ids"], self.customer.ids)
        self.assertEqual(result["supplier_ids"], self.supplier.ids)

    def test_a_sales_or_portal_user_gets_nothing_from_the_trace(self):
        lot = self._shipped_lot()
        for user in (self.sales_user, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                rpc(self.env["stock.lot"].with_user(user), "trace", lot.ids, "both")

    def test_a_lot_of_another_company_is_not_traced(self):
        foreign = self.env["stock.lot"].create(
            {"name": "MILK-ES", "product_id": self.milk.id, "company_id": self.other_company.id}
        )
        with self.assertRaises(AccessError):
            rpc(self.env["stock.lot"].with_user(self.stock_user), "trace", foreign.ids, "both")
        # The server itself (sudo) walks only the companies selected: the foreign lot is not even a start.
        result = foreign.sudo().with_context(allowed_company_ids=[self.company.id]).trace("both")
        self.assertEqual(result["lot_ids"], [])

    def test_the_trace_input_is_capped_and_unknown_ids_are_not_echoed(self):
        lot = self._shipped_lot()
        with self.assertRaisesRolledBack(UserError, f"{MAX_TRACE_LOTS:,}"):
            rpc(self.env["stock.lot"], "trace", list(range(1, MAX_TRACE_LOTS + 2)), "both")
        missing = lot.id + 1_000_000
        self.assertEqual(lot.browse([lot.id, missing]).trace("upstream")["lot_ids"], lot.ids)

    def test_the_trace_refuses_arguments_of_the_wrong_type(self):
        lot = self._shipped_lot()
        for ids in (["abc"], [{"id": lot.id}], [None], [True], [1.5]):
            with self.subTest(ids=ids), self.assertRaisesRolledBack(UserError, "list of ids"):
                rpc(self.env["stock.lot"], "trace", ids, "both")
        for direction in ({"a": 1}, ["both"], None, 3):
            with self.subTest(direction=direction), self.assertRaisesRolledBack(UserError, "upstream, downstream"):
                rpc(self.env["stock.lot"], "trace", lot.ids, direction)

    def test_the_supplier_lot_trace_checks_the_same(self):
        self._receive(self.milk, 20, supplier_lot_code="AD-7", lot_name="MILK-AD7")
        supplier_lot = self.env["stock.supplier.lot"].search([("name", "=", "AD-7")])
        with self.assertRaises(AccessError):
            rpc(self.env["stock.supplier.lot"].with_user(self.sales_user), "trace", supplier_lot.ids, "downstream")
        with self.assertRaisesRolledBack(UserError, "upstream, downstream"):
            rpc(self.env["stock.supplier.lot"], "trace", supplier_lot.ids, {"direction": "x"})

    # ------------------------------------------------------------------
    # Incident scope and costing
    # ------------------------------------------------------------------

    def test_the_incident_scope_refuses_arguments_of_the_wrong_type(self):
        lots = self.env["stock.lot"]
        for location in ("WH/Stock", {"id": 1}, [self.stock_location.id], None, 0):
            with self.subTest(location=location), self.assertRaisesRolledBack(UserError, "location"):
                lots._get_lots_in_location(location, "2026-01-01", "2026-01-31")
        for date_from in ("yesterday", {"d": 1}, 20260101, ["2026-01-01"]):
            with self.subTest(date_from=date_from), self.assertRaisesRolledBack(UserError, "date"):
                lots._get_lots_in_location(self.stock_location.id, date_from, "2026-01-31")
        self.assertFalse(lots._get_lots_in_location(self.stock_location.id, "2026-01-01", "2026-01-31"))

    def test_the_incident_scope_answers_only_readable_locations(self):
        foreign = self.env["stock.warehouse"].search([("company_id", "=", self.other_company.id)]).lot_stock_id
        with self.assertRaises(AccessError):
            self.env["stock.lot"].with_user(self.stock_user)._get_lots_in_location(
                foreign.id, "2026-01-01", "2026-01-31"
            )

    def test_the_costing_refuses_ids_of_the_wrong_type(self):
        lot = self._shipped_lot()
        for ids in (["abc"], [None], [{"id": lot.id}]):
            with self.subTest(ids=ids), self.assertRaisesRolledBack(UserError, "list of ids"):
                self.env["stock.lot"].browse(ids)._get_cost_breakdown()
        self.assertIn(lot.id, lot.with_user(self.stock_user)._get_cost_breakdown())

    # ------------------------------------------------------------------
    # Wizards
    # ------------------------------------------------------------------

    def test_every_wizard_is_its_creators_alone(self):
        self._shipped_lot()
        other_user = new_test_user(self.env, "stock.reads.other", groups="stock.group_stock_user")
        move = self._create_delivery(self.milk, 5).move_ids
        wizards = {
            "stock.lot.fefo.explanation": {"move_ids": [Command.set(move.ids)]},
            "stock.lot.incident.scope": {
                "location_id": self.stock_location.id,
                "date_from": "2026-01-01 00:00:00",
                "date_to": "2026-01-31 00:00:00",
            },
        }
        for model, values in wizards.items():
            with self.subTest(model=model):
                wizard = self.env[model].with_user(self.stock_user).create(values)
                self.assertEqual(self.env[model].with_user(self.stock_user).search([("id", "=", wizard.id)]), wizard)
                self.assertFalse(self.env[model].with_user(other_user).search([("id", "=", wizard.id)]))
                with self.assertRaises(AccessError):
                    wizard.with_user(other_user).read([])
        explanation = (
            self.env["stock.lot.fefo.explanation"]
            .with_user(self.stock_user)
            .create(wizards["stock.lot.fefo.explanation"])
        )
        self.assertTrue(explanation.line_ids)
        with self.assertRaises(AccessError):
            explanation.line_ids.with_user(other_user).read([])
