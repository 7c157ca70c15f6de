import re
from datetime import timedelta

from lxml import etree
from lxml import html as lxml_html

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval


def header_figures(lot, user):
    """The values the lot form shows ``user`` in its header (the group main_group), by field name: the fields of
    the form as ``user`` gets it (groups applied) whose ``invisible`` (and their parents') is false for this lot."""
    lot = lot.with_user(user)
    arch = etree.fromstring(lot.get_views([(False, "form")])["views"]["form"]["arch"])
    [header] = arch.xpath("//group[@name='main_group']")
    nodes = header.xpath(".//field")
    names = {node.get("name") for node in arch.xpath("//field")}
    [record] = lot.read([name for name in names if name in lot._fields])
    values = {name: value[0] if isinstance(value, tuple) else value for name, value in record.items()}

    def visible(node):
        while node is not None and node is not header.getparent():
            if safe_eval(node.get("invisible") or "False", dict(values, context={})):
                return False
            node = node.getparent()
        return True

    return {node.get("name"): values[node.get("name")] for node in nodes if visible(node)}


def cost_tree_rows(lot):
    """The rows of the lot's cost tree as shown: (depth, label, material, cost in parent) per row."""
    rows = []
    for row in lxml_html.fromstring(lot.costing_tree_html).xpath("//tbody/tr"):
        cells = [cell.text_content().replace("\xa0", " ").strip() for cell in row.xpath("./td")]
        rows.append((int(row.get("data-depth")), cells[0], _amount(cells[4]), _amount(cells[-1])))
    return rows


def _amount(text):
    return float(re.sub(r"[^0-9.\-]", "", text) or 0)


@tagged("post_install", "-at_install")
class TestLotCosting(TransactionCase):
    """Purchase -> landed cost -> two-level manufacturing -> invoiced delivery -> return and credit
    note, every figure checked against values computed by hand (see the comments).

    Milk  (lot, valued per lot, FIFO)    : PO 100 @ 2.00 = 200.00, landed cost 20.00 -> 2.20/unit
    Sugar (lot, valued per lot, AVCO)    : PO  50 @ 3.00 = 150.00                      -> 3.00/unit
    Cup   (no lot, FIFO)                 : PO 100 @ 0.10 =  10.00
    Base  (level 1, 10 units)            : 8 milk = 17.60 + 4 sugar = 12.00 -> material 29.60
                                           30 min at 60.00/h = 30.00 + extra 0.50/unit x 10 = 5.00
                                           -> operation 35.00, total 64.60, 6.46/unit
    Yogurt (level 2, 5 units)            : 4 base = 25.84 + 5 cups = 0.50 -> 26.34, 5.268/unit
    Sale                                 : 3 yogurts @ 20.00 invoiced = 60.00; 1 returned and credited
                                           -> 2 sold, revenue 40.00, COGS 10.536 = 10.54, margin 29.46
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stock.group_production_lot") + cls.env.ref(
            "stock_account.group_lot_on_invoice"
        )
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.warehouse.in_type_id.use_create_lots = True
        cls.supplier = cls.env["res.partner"].create({"name": "Alpine Dairy Cooperative", "is_company": True})
        cls.customer = cls.env["res.partner"].create({"name": "Fresh Market Stores", "is_company": True})

        def category(name, cost_method):
            return cls.env["product.category"].create(
                {"name": name, "property_cost_method": cost_method, "property_valuation": "manual_periodic"}
            )

        cls.categ_fifo = category("Costing FIFO", "fifo")
        cls.categ_avco = category("Costing AVCO", "average")
        cls.categ_standard = category("Costing standard", "standard")

        def product(name, categ, tracking="lot", **extra):
            return cls.env["product.product"].create(
                {
                    "name": name,
                    "is_storable": True,
                    "tracking": tracking,
                    "lot_valuated": tracking != "none",
                    "categ_id": categ.id,
                    **extra,
                }
            )

        cls.milk = product("Costing Milk", cls.categ_fifo)
        cls.sugar = product("Costing Sugar", cls.categ_avco)
        cls.cup = product("Costing Cup", cls.categ_fifo, tracking="none")
        cls.base = product("Costing Yogurt Base", cls.categ_fifo)
        cls.yogurt = product("Costing Yogurt", cls.categ_fifo, list_price=20.0, invoice_policy="delivery")
        cls.workcenter = cls.env["mrp.workcenter"].create({"name": "Costing Fermenter", "costs_hour": 60.0})
        cls.bom_base = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.base.product_tmpl_id.id,
                "product_qty": 10,
                "bom_line_ids": [
                    Command.create({"product_id": cls.milk.id, "product_qty": 8}),
                    Command.create({"product_id": cls.sugar.id, "product_qty": 4}),
                ],
                "operation_ids": [
                    Command.create({"name": "Ferment", "workcenter_id": cls.workcenter.id, "time_cycle_manual": 30})
                ],
            }
        )
        cls.bom_yogurt = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.yogurt.product_tmpl_id.id,
                "product_qty": 5,
                "bom_line_ids": [
                    Command.create({"product_id": cls.base.id, "product_qty": 4}),
                    Command.create({"product_id": cls.cup.id, "product_qty": 5}),
                ],
            }
        )

        cls.milk_lot = cls._purchase(cls.milk, 100, 2.0)
        cls.sugar_lot = cls._purchase(cls.sugar, 50, 3.0)
        cls._purchase(cls.cup, 100, 0.10)
        cls.landed_cost = cls._add_landed_cost(cls.milk_lot, 20.0)
        cls.base_production = cls._produce(cls.base, 10, workorder_minutes=30, extra_cost=0.5)
        cls.base_lot = cls.base_production.lot_producing_id
        cls.yogurt_production = cls._produce(cls.yogurt, 5)
        cls.yogurt_lot = cls.yogurt_production.lot_producing_id

    # ------------------------------------------------------------------
    # Flows
    # ------------------------------------------------------------------

    @classmethod
    def _purchase(cls, product, quantity, price, partner=None, currency=None):
        order = cls.env["purchase.order"].create(
            {
                "partner_id": (partner or cls.supplier).id,
                **({"currency_id": currency.id} if currency else {}),
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_qty": quantity, "price_unit": price, "taxes_id": False}
                    )
                ],
            }
        )
        order.button_confirm()
        picking = order.picking_ids
        if product.tracking != "none":
            number = cls.env["stock.lot"].search_count([("product_id", "=", product.id)]) + 1
            picking.move_ids.move_line_ids.lot_name = f"{product.name} {number}"
        picking.move_ids.picked = True
        picking.button_validate()
        return picking.move_ids.move_line_ids.lot_id

    @classmethod
    def _add_landed_cost(cls, lot, amount):
        freight = cls.env["product.product"].create(
            {"name": "Costing Freight", "type": "service", "landed_cost_ok": True}
        )
        picking = cls.env["stock.move.line"].search([("lot_id", "=", lot.id)], limit=1).picking_id
        landed = cls.env["stock.landed.cost"].create(
            {
                "picking_ids": [Command.set(picking.ids)],
                "cost_lines": [
                    Command.create(
                        {"name": "Freight", "product_id": freight.id, "price_unit": amount, "split_method": "equal"}
                    )
                ],
            }
        )
        landed.compute_landed_cost()
        landed.button_validate()
        return landed

    @classmethod
    def _produce(cls, product, quantity, workorder_minutes=0, extra_cost=0.0):
        production_form = Form(cls.env["mrp.production"])
        production_form.product_id = product
        production_form.product_qty = quantity
        production = production_form.save()
        production.extra_cost = extra_cost
        production.action_confirm()
        production.action_assign()
        production.action_generate_serial()
        production.qty_producing = quantity
        production._set_qty_producing()
        production.move_raw_ids.picked = True
        for workorder in production.workorder_ids:
            workorder.duration = workorder_minutes
        production.button_mark_done()
        return production

    @classmethod
    def _sell(cls, lot, quantity, price, pricelist=None):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                **({"pricelist_id": pricelist.id} if pricelist else {}),
                "order_line": [
                    Command.create(
                        {
                            "product_id": lot.product_id.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "tax_id": False,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": lot.product_id.id,
                            "lot_id": lot.id,
                            "quantity": quantity,
                            "location_id": picking.location_id.id,
                            "location_dest_id": picking.location_dest_id.id,
                        }
                    )
                ],
                "picked": True,
            }
        )
        picking.button_validate()
        return order

    @classmethod
    def _return(cls, order, quantity):
        picking = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        wizard = Form(cls.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking"))
        with wizard.product_return_moves.edit(0) as line:
            line.quantity = quantity
        return_picking = cls.env["stock.picking"].browse(wizard.save().action_create_returns()["res_id"])
        return_picking.move_ids.picked = True
        return_picking.button_validate()
        return return_picking

    @classmethod
    def _invoice(cls, order, date=None):
        invoices = order._create_invoices(final=True)
        invoices.invoice_date = date or fields.Date.today()
        invoices.action_post()
        return invoices

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def assertBreakdown(self, lot, **expected):
        values = lot._get_cost_breakdown()[lot.id]
        for key, value in expected.items():
            self.assertAlmostEqual(values[key], value, places=4, msg=f"{lot.name}: {key}")
        return values

    def test_a_purchased_lot_costs_its_purchase_price_and_its_landed_cost(self):
        # 100 @ 2.00 = 200.00, freight 20.00 split by Odoo to the lot still fully in stock.
        values = self.assertBreakdown(
            self.milk_lot,
            quantity=100,
            material_cost=200.0,
            landed_cost=20.0,
            operation_cost=0.0,
            total_cost=220.0,
            unit_cost=2.2,
            valuation_total=220.0,
            valuation_difference=0.0,
        )
        self.assertEqual(values["reconciliation"], "reconciled")
        self.assertTrue(values["lot_valuated"])
        self.assertEqual(values["cost_method"], "fifo")
        self.assertBreakdown(self.sugar_lot, quantity=50, material_cost=150.0, landed_cost=0.0, total_cost=150.0)

    def test_a_manufactured_lot_rolls_up_its_component_lots_and_operations(self):
        # Level 1: 8 x 2.20 + 4 x 3.00 = 29.60; 0.5 h x 60.00 + 10 x 0.50 = 35.00.
        self.assertBreakdown(
            self.base_lot,
            quantity=10,
            material_cost=29.6,
            landed_cost=0.0,
            operation_cost=35.0,
            total_cost=64.6,
            unit_cost=6.46,
            valuation_total=64.6,
            valuation_difference=0.0,
        )
        # Level 2: 4 x 6.46 = 25.84 + 5 untracked cups x 0.10 = 0.50.
        values = self.assertBreakdown(
            self.yogurt_lot,
            quantity=5,
            material_cost=26.34,
            operation_cost=0.0,
            total_cost=26.34,
            unit_cost=5.268,
            valuation_total=26.34,
        )
        self.assertEqual(values["reconciliation"], "reconciled")

    def test_the_cost_tree_reaches_every_component_lot_in_one_query(self):
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            tree = self.yogurt_lot._get_cost_tree()
        by_lot = {node["lot_id"]: node for node in tree}
        self.assertEqual(tree[0]["lot_id"], self.yogurt_lot.id)
        self.assertEqual(set(by_lot), {self.yogurt_lot.id, self.base_lot.id, self.milk_lot.id, self.sugar_lot.id})
        self.assertEqual(by_lot[self.milk_lot.id]["depth"], 2)
        self.assertAlmostEqual(by_lot[self.base_lot.id]["consumed_quantity"], 4)
        self.assertAlmostEqual(by_lot[self.base_lot.id]["contribution"], 25.84)
        self.assertAlmostEqual(by_lot[self.milk_lot.id]["consumed_quantity"], 8)
        self.assertAlmostEqual(by_lot[self.milk_lot.id]["contribution"], 17.6)
        self.assertAlmostEqual(by_lot[self.yogurt_lot.id]["total_cost"], 26.34)
        html = self.yogurt_lot.costing_tree_html
        self.assertIn(f"/odoo/stock.lot/{self.milk_lot.id}", html)
        self.assertIn(self.base_lot.name, html)

    def test_breakdown_of_many_lots_is_one_query(self):
        lots = self.milk_lot | self.sugar_lot | self.base_lot | self.yogurt_lot
        self.milk_lot._get_cost_breakdown()  # currency and precisions in cache: what is left is the query
        # One query, between the two statements that turn JIT off for it and give the setting back
        # (tools/planner.py: a constant two, whatever the number of lots).
        with self.assertQueryCount(3):
            breakdown = lots._get_cost_breakdown()
        self.assertEqual(set(breakdown), set(lots.ids))
        self.assertEqual(self.env["stock.lot"]._get_cost_breakdown(), {})

    def test_a_component_lot_shared_by_several_lots_costs_the_same_in_one_call(self):
        # A second yogurt order consumes 4 more units of the same base lot: 25.84 + 0.50 again.
        second_yogurt_lot = self._produce(self.yogurt, 5).lot_producing_id
        self.assertEqual(
            self.env["stock.move.line"]
            .search([("lot_id", "=", self.base_lot.id), ("quantity", "=", 4)])
            .mapped("move_id.raw_material_production_id.lot_producing_id"),
            self.yogurt_lot | second_yogurt_lot,
        )
        lots = self.yogurt_lot | second_yogurt_lot | self.base_lot | self.milk_lot
        together = lots._get_cost_breakdown()
        for lot in lots:
            self.assertEqual(together[lot.id], lot._get_cost_breakdown()[lot.id], lot.name)
        self.assertAlmostEqual(together[second_yogurt_lot.id]["total_cost"], 26.34)
        self.assertAlmostEqual(together[self.yogurt_lot.id]["total_cost"], 26.34)
        self.assertAlmostEqual(together[self.base_lot.id]["total_cost"], 64.6)
        self.assertEqual(together[second_yogurt_lot.id]["reconciliation"], "reconciled")

    def test_invoiced_delivery_and_credit_note_give_revenue_and_margin(self):
        order = self._sell(self.yogurt_lot, 3, 20.0)
        invoice = self._invoice(order)
        # Odoo's own "lots on invoices" shows the lot we attribute the revenue to.
        lot_values = invoice._get_invoiced_lot_values()
        self.assertEqual([(value["lot_id"], value["quantity"]) for value in lot_values], [(self.yogurt_lot.id, "3.00")])
        self.assertBreakdown(self.yogurt_lot, quantity_sold=3, revenue=60.0, cogs=15.8, margin=44.2)
        # 60.00 - 3 x 5.268 = 44.196
        self.assertAlmostEqual(self.yogurt_lot.costing_margin_percent, 73.67, places=2)

        self._return(order, 1)
        refund = self._invoice(order)
        self.assertEqual(refund.move_type, "out_refund")
        # 2 sold: 40.00 - 2 x 5.268 = 29.464
        self.assertBreakdown(self.yogurt_lot, quantity_sold=2, revenue=40.0, cogs=10.54, margin=29.46)
        rows = self.env["stock.lot.margin.report"].search([("lot_id", "=", self.yogurt_lot.id)])
        self.assertEqual(len(rows), 2)
        self.assertAlmostEqual(sum(rows.mapped("revenue")), 40.0)
        self.assertAlmostEqual(sum(rows.mapped("quantity")), 2.0)
        self.assertAlmostEqual(sum(rows.mapped("cogs")), 10.536)
        self.assertEqual(rows.partner_id, self.customer)
        grouped = self.env["stock.lot.margin.report"]._read_group(
            [("lot_id", "=", self.yogurt_lot.id)], ["product_id"], ["margin:sum"]
        )
        self.assertAlmostEqual(grouped[0][1], 29.464)

    def test_a_foreign_currency_invoice_is_converted_at_the_invoice_date(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        invoice_date = fields.Date.today() - timedelta(days=3)
        self.env["res.currency.rate"].create(
            [
                {"currency_id": eur.id, "name": invoice_date - timedelta(days=10), "rate": 4.0},
                {"currency_id": eur.id, "name": invoice_date, "rate": 2.0},
                {"currency_id": eur.id, "name": fields.Date.today(), "rate": 1.0},
            ]
        )
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        order = self._sell(self.yogurt_lot, 2, 30.0, pricelist=pricelist)
        self._invoice(order, date=invoice_date)
        # 2 x 30.00 EUR at 2 EUR per USD = 30.00 USD; COGS 2 x 5.268 = 10.536.
        self.assertBreakdown(self.yogurt_lot, quantity_sold=2, revenue=30.0, cogs=10.54, margin=19.46)

    def test_reconciliation_lists_a_standard_price_lot_and_a_revaluation(self):
        standard = self.env["product.product"].create(
            {
                "name": "Costing Standard Cream",
                "is_storable": True,
                "tracking": "lot",
                "lot_valuated": True,
                "categ_id": self.categ_standard.id,
                "standard_price": 2.5,
            }
        )
        standard_lot = self._purchase(standard, 10, 2.0)
        # Bought at 2.00, valued by Odoo at the standard 2.50.
        values = self.assertBreakdown(
            standard_lot, material_cost=20.0, total_cost=20.0, valuation_total=25.0, valuation_difference=-5.0
        )
        self.assertEqual(values["reconciliation"], "standard_price")

        self.sugar_lot.standard_price = 3.5  # a manual revaluation of the 46 units left: +23.00
        values = self.assertBreakdown(
            self.sugar_lot, total_cost=150.0, valuation_total=173.0, valuation_difference=-23.0
        )
        self.assertEqual(values["reconciliation"], "revaluation")

        rows = self.env["stock.lot.cost.reconciliation"].search(
            [("lot_id", "in", (standard_lot | self.sugar_lot | self.base_lot).ids)]
        )
        by_lot = {row.lot_id: row for row in rows}
        self.assertEqual(by_lot[standard_lot].reason, "standard_price")
        self.assertAlmostEqual(by_lot[standard_lot].expected, 20.0)
        self.assertAlmostEqual(by_lot[standard_lot].valued, 25.0)
        self.assertAlmostEqual(by_lot[standard_lot].difference, -5.0)
        self.assertEqual(by_lot[self.sugar_lot].reason, "revaluation")
        self.assertEqual(by_lot[self.base_lot].reason, "reconciled")
        self.assertEqual(by_lot[self.base_lot].cost_method, "fifo")

    def _receive_flour(self):
        """30 units of a lot-tracked product valued per product (AVCO, not per lot) bought at 1.50: lots FLOUR-A
        (10) and FLOUR-B (20)."""
        product = self.env["product.product"].create(
            {
                "name": "Costing Flour",
                "is_storable": True,
                "tracking": "lot",
                "lot_valuated": False,
                "categ_id": self.categ_avco.id,
            }
        )
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.supplier.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_qty": 30, "price_unit": 1.5, "taxes_id": False})
                ],
            }
        )
        order.button_confirm()
        move = order.picking_ids.move_ids
        move.move_line_ids.unlink()
        move.write(
            {
                "move_line_ids": [
                    Command.create({"product_id": product.id, "lot_name": name, "quantity": quantity})
                    for name, quantity in (("FLOUR-A", 10), ("FLOUR-B", 20))
                ],
                "picked": True,
            }
        )
        order.picking_ids.button_validate()
        return move.move_line_ids.lot_id.sorted("name")

    def test_without_lot_valuation_the_move_layers_are_shared_by_quantity(self):
        lot_a, lot_b = self._receive_flour()
        values = self.assertBreakdown(lot_a, quantity=10, total_cost=15.0, valuation_total=15.0)
        self.assertFalse(values["lot_valuated"])
        self.assertEqual(values["reconciliation"], "reconciled")
        self.assertBreakdown(lot_b, quantity=20, total_cost=30.0, valuation_total=30.0)
        self.assertIn("per product", lot_a.costing_valuation_mode)

    def test_a_consumable_lot_has_a_purchase_cost_and_no_valuation(self):
        consumable = self.env["product.product"].create(
            {"name": "Costing Label Roll", "is_storable": False, "type": "consu", "tracking": "lot"}
        )
        lot = self._purchase(consumable, 4, 1.25)
        values = self.assertBreakdown(lot, quantity=4, material_cost=5.0, total_cost=5.0, valuation_total=0.0)
        self.assertEqual(values["reconciliation"], "not_valued")

    def test_a_lot_shipped_before_it_was_received_breaks_nothing(self):
        lot = self.env["stock.lot"].create({"name": "NEG-1", "product_id": self.milk.id})
        self._sell(lot, 2, 5.0)
        self.assertEqual(lot.product_qty, -2)
        values = self.assertBreakdown(lot, quantity=0, total_cost=0.0, unit_cost=0.0)
        self.assertEqual(values["quantity_sold"], 0.0)

    def test_a_user_without_accounting_rights_sees_quantities_not_costs(self):
        user = new_test_user(self.env, "costing_stock_user", groups="stock.group_stock_user")
        lot = self.base_lot.with_user(user)
        self.assertEqual(lot.costing_quantity, 10)
        with self.assertRaises(AccessError):
            lot.read(["costing_total"])
        with self.assertRaises(AccessError):
            self.env["stock.lot.margin.report"].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.env["stock.lot.cost.reconciliation"].with_user(user).search([])
        accountant = new_test_user(
            self.env, "costing_accountant", groups="stock.group_stock_user,account.group_account_readonly"
        )
        self.assertAlmostEqual(self.base_lot.with_user(accountant).costing_total, 64.6)

    def test_the_costing_query_streams_one_row_per_lot_with_filters(self):
        query = self.env["stock.lot"]._get_cost_breakdown_query(product_ids=self.base.ids)
        self.assertIsInstance(query, SQL)
        self.env["stock.lot"]._flush_for_costing()
        # Streamed through a server-side (named) cursor, as an export reads it.
        with self.env.cr._cnx.cursor("lot_costing_stream") as stream:
            stream.itersize = 1
            stream.execute(query.code, query.params)
            self.assertEqual([row[0] for row in stream], self.base_lot.ids)
        rows = self.env.execute_query_dict(query)
        self.assertEqual([row["lot_id"] for row in rows], self.base_lot.ids)
        self.assertEqual(rows[0]["lot_name"], self.base_lot.name)
        self.assertAlmostEqual(float(rows[0]["total_cost"]), 64.6)
        tomorrow = fields.Date.today() + timedelta(days=1)
        self.assertFalse(self.env.execute_query(self.env["stock.lot"]._get_cost_breakdown_query(date_from=tomorrow)))
        other_company = self.env["res.company"].create({"name": "Costing Other Co"})
        self.assertFalse(
            self.env.execute_query(self.env["stock.lot"]._get_cost_breakdown_query(company_ids=other_company.ids))
        )

    # ------------------------------------------------------------------
    # Figures that agree: the header, the Costing tab, the cost tree
    # ------------------------------------------------------------------

    def test_the_lot_header_shows_the_cost_of_its_costing_tab(self):
        accountant = new_test_user(
            self.env, "costing_header", groups="stock.group_stock_user,account.group_account_readonly"
        )
        flour_lot, _other = self._receive_flour()
        for lot, total in ((flour_lot, 15.0), (self.yogurt_lot, 26.34)):
            with self.subTest(lot=lot.name):
                figures = header_figures(lot, accountant)
                self.assertAlmostEqual(figures.get("costing_total"), total, msg="the header's lot cost")
                self.assertAlmostEqual(lot.with_user(accountant).costing_total, total, msg="the Costing tab")
        # Valued per product: Odoo's lot valuation (total value, average cost, cost) is 0.00 by construction and
        # is not shown beside the lot's cost.
        figures = header_figures(flour_lot, accountant)
        self.assertFalse({"total_value", "avg_cost", "standard_price"} & set(figures), figures)
        # Valued per lot, Odoo's figures are shown and agree: the 5 units at 5.268 each.
        figures = header_figures(self.yogurt_lot, accountant)
        self.assertAlmostEqual(figures["avg_cost"], 5.27)
        self.assertAlmostEqual(figures["total_value"], 26.34)

    def test_the_cost_tree_lines_add_up_to_each_lots_material_cost(self):
        # The yogurt: 4 units of the base lot (25.84) and 5 cups consumed without a lot (0.50): 26.34.
        rows = cost_tree_rows(self.yogurt_lot)
        self.assertEqual(rows[0][0], 0)
        self.assertAlmostEqual(rows[0][2], 26.34)
        children = [row for row in rows if row[0] == 1]
        self.assertAlmostEqual(sum(row[3] for row in children), 26.34, msg=children)
        self.assertIn(("Components consumed without a lot", 0.5), [(row[1], row[3]) for row in children])
        self._assert_tree_adds_up(self.yogurt_lot)

    def _assert_tree_adds_up(self, lot):
        """Each row's material is the sum of the rows just under it (when it has any), in the data and on screen."""
        tree = lot._get_cost_tree()
        for node in tree:
            children = [child for child in tree if child["path"][:-1] == node["path"]]
            if children:
                self.assertAlmostEqual(
                    sum(child["contribution"] for child in children)
                    + node["untracked_cost"]
                    + node["counted_cost"]
                    + node["other_material_cost"],
                    node["material_cost"],
                    places=2,
                    msg=node,
                )
        rows = cost_tree_rows(lot)
        for index, (depth, label, material, _cost) in enumerate(rows):
            under = []
            for row in rows[index + 1 :]:
                if row[0] <= depth:
                    break
                if row[0] == depth + 1:
                    under.append(row)
            if under:
                self.assertAlmostEqual(sum(row[3] for row in under), material, places=2, msg=(label, under))
