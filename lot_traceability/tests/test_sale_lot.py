from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestSaleLot(LotTraceabilityCommon):
    """A salesperson chooses the lot on a sales order line; the warehouse ships that lot on every route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.milk.categ_id.removal_strategy_id = cls.env.ref("product_expiry.removal_fefo")
        cls.salesperson = new_test_user(
            cls.env, "lot_salesperson", groups="sales_team.group_sale_salesman", email="sales@example.com"
        )
        builder = cls._fixture_builder()
        # FEFO order: first A, then B, then C (removal dates 5 days before expiry).
        cls.lot_a = builder._milk_lot("MILK-A", 10, supplier_expiration_date=date(2026, 3, 30))
        cls.lot_b = builder._milk_lot("MILK-B", 10, supplier_expiration_date=date(2026, 4, 5))
        cls.lot_c = builder._milk_lot("MILK-C", 10, supplier_expiration_date=date(2026, 4, 10))

    # ------------------------------------------------------------------
    # Helpers: the salesperson's order, the warehouse's validation
    # ------------------------------------------------------------------

    def _order_form(self, quantity, product=None, partner=None):
        order_form = Form(self.env["sale.order"].with_user(self.salesperson))
        order_form.partner_id = partner or self.customer
        with order_form.order_line.new() as line:
            line.product_id = product or self.milk
            line.product_uom_qty = quantity
        return order_form

    def _choose(self, line, lot):
        """The salesperson's Choose Lot dialog: Choose on the row of ``lot``."""
        action = line.with_user(self.salesperson).action_choose_lot()
        choice = self.env[action["res_model"]].with_user(self.salesperson).browse(action["res_id"])
        row = choice.line_ids.filtered(lambda row: row.lot_id == lot)
        self.assertTrue(row, f"{lot.name} is offered")
        self.assertEqual(row.action_choose(), {"type": "ir.actions.act_window_close"})

    def _quotation(self, quantity, lot=None):
        order = self._order_form(quantity).save()
        if lot:
            self._choose(order.order_line, lot)
            self.assertEqual(order.order_line.lot_id, lot)
        return order

    def _confirmed_order(self, quantity, lot=None):
        order = self._quotation(quantity, lot)
        order.with_user(self.salesperson).action_confirm()
        return order

    def _validate(self, picking, quantity=None):
        """Validate ``picking`` as the warehouse does: all it reserved, or ``quantity`` and a backorder."""
        picking = picking.with_env(self.env)
        if quantity is not None:
            picking.move_ids.move_line_ids[1:].unlink()
            picking.move_ids.move_line_ids.quantity = quantity
        picking.move_ids.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            Form(self.env["stock.backorder.confirmation"].with_context(**result["context"])).save().process()
        self.assertEqual(picking.state, "done")

    def _shipped(self, order):
        """Lot name -> quantity of the done move lines that reached the customer."""
        lines = order.with_env(self.env).picking_ids.move_line_ids.filtered(
            lambda line: line.state == "done" and line.location_dest_id.usage == "customer"
        )
        shipped = {}
        for line in lines:
            shipped[line.lot_id.name] = shipped.get(line.lot_id.name, 0) + line.quantity
        return shipped

    def _picking_to_do(self, order, picking_type):
        return order.with_env(self.env).picking_ids.filtered(
            lambda picking: picking.picking_type_id == picking_type and picking.state not in ("done", "cancel")
        )

    # ------------------------------------------------------------------
    # Choosing and shipping
    # ------------------------------------------------------------------

    def test_salesperson_chooses_a_lot_and_the_one_step_delivery_ships_it(self):
        order = self._confirmed_order(4, self.lot_b)
        self.assertEqual(order.order_line.lot_id, self.lot_b)
        delivery = order.picking_ids
        self.assertEqual(delivery.move_ids.restrict_lot_id, self.lot_b)
        self.assertEqual(delivery.move_line_ids.lot_id, self.lot_b, "the chosen lot, not FEFO's first (MILK-A)")
        # The salesperson has no right on lots, yet reads the line's lot as the form does.
        spec = {"order_line": {"fields": {"lot_id": {"fields": {"display_name": {}}}}}}
        read = order.with_user(self.salesperson).web_read(spec)
        self.assertEqual(read[0]["order_line"][0]["lot_id"]["display_name"], "MILK-B")
        self._validate(delivery)
        self.assertEqual(self._shipped(order), {"MILK-B": 4})
        self.assertEqual(order.order_line.qty_delivered, 4)

    def test_lot_check_reads_rules_and_stock_once_for_all_lines(self):
        """Checking the lots of an order's lines costs the same queries for three lines as for one."""

        def check_queries(lots):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create({"product_id": self.milk.id, "product_uom_qty": 2, "lot_id": lot.id})
                        for lot in lots
                    ],
                }
            )
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            order.order_line._check_lot_choice()
            return self.env.cr.sql_log_count - before

        one, three = check_queries(self.lot_a), check_queries(self.lot_a | self.lot_b | self.lot_c)
        self.assertEqual(three, one, f"{one} queries for one line, {three} for three")

    def test_without_a_chosen_lot_fefo_decides_as_before(self):
        order = self._confirmed_order(4)
        self.assertFalse(order.order_line.lot_id)
        self.assertEqual(order.picking_ids.move_line_ids.lot_id, self.lot_a)
        self._validate(order.picking_ids)
        self.assertEqual(self._shipped(order), {"MILK-A": 4})

    def test_two_step_delivery_with_backorders_ships_only_the_chosen_lot(self):
        self.warehouse.delivery_steps = "pick_ship"
        order = self._confirmed_order(6, self.lot_b)
        pick = self._picking_to_do(order, self.warehouse.pick_type_id)
        self.assertEqual(pick.move_ids.restrict_lot_id, self.lot_b)
        self.assertEqual(pick.move_line_ids.lot_id, self.lot_b)
        self._validate(pick, quantity=4)  # backorder of 2
        pick_backorder = self._picking_to_do(order, self.warehouse.pick_type_id)
        self.assertEqual(pick_backorder.move_ids.restrict_lot_id, self.lot_b, "the backorder keeps the lot")
        self.assertEqual(pick_backorder.move_line_ids.lot_id, self.lot_b)

        ship = self._picking_to_do(order, self.warehouse.out_type_id)
        self.assertEqual(ship.move_ids.restrict_lot_id, self.lot_b, "the lot stays restricted on the last step")
        self.assertEqual(ship.move_line_ids.lot_id, self.lot_b)
        self._validate(ship)  # the 4 picked; backorder of 2
        self._validate(pick_backorder)
        ship_backorder = self._picking_to_do(order, self.warehouse.out_type_id)
        self.assertEqual(ship_backorder.move_ids.restrict_lot_id, self.lot_b)
        self._validate(ship_backorder)
        self.assertEqual(self._shipped(order), {"MILK-B": 6})
        self.assertEqual(order.order_line.qty_delivered, 6)

    def test_three_step_delivery_ships_only_the_chosen_lot(self):
        self.warehouse.delivery_steps = "pick_pack_ship"
        order = self._confirmed_order(3, self.lot_c)
        for picking_type in (self.warehouse.pick_type_id, self.warehouse.pack_type_id, self.warehouse.out_type_id):
            picking = self._picking_to_do(order, picking_type)
            self.assertEqual(picking.move_ids.restrict_lot_id, self.lot_c, picking_type.name)
            self.assertEqual(picking.move_line_ids.lot_id, self.lot_c, picking_type.name)
            self._validate(picking)
        self.assertEqual(self._shipped(order), {"MILK-C": 3})

    def test_same_lot_as_last_delivery_to_this_customer(self):
        self._validate(self._confirmed_order(2, self.lot_c).picking_ids)
        contact = self.env["res.partner"].create({"name": "Store 7", "parent_id": self.customer.id})
        order = self._order_form(2, partner=contact).save()
        order.order_line.with_user(self.salesperson).action_same_lot_as_last_delivery()
        self.assertEqual(order.order_line.lot_id, self.lot_c, "the last lot delivered to the customer's company")

    def test_the_dialog_says_why_the_last_delivered_lot_is_not_offered(self):
        self._validate(self._confirmed_order(2, self.lot_c).picking_ids)
        order = self._order_form(2).save()

        def open_choice():
            action = order.order_line.with_user(self.salesperson).action_choose_lot()
            return self.env[action["res_model"]].with_user(self.salesperson).browse(action["res_id"])

        choice = open_choice()
        self.assertEqual((choice.last_lot_id, choice.last_lot_offered, choice.last_lot_note), (self.lot_c, True, False))
        self.lot_c._write_qc_state("on_hold", "recall")
        choice = open_choice()
        self.assertEqual(choice.last_lot_id, self.lot_c)
        self.assertFalse(choice.last_lot_offered, "Same Lot as Last Delivery is not offered for a held lot")
        self.assertIn("On Hold", choice.last_lot_note)
        self.assertNotIn(self.lot_c, choice.line_ids.lot_id)
        # Released again but gone from the warehouse: not offered either, and the dialog says so.
        self.lot_c._write_qc_state("released", "recall closed")
        self._validate(self._confirmed_order(8, self.lot_c).picking_ids)
        choice = open_choice()
        self.assertFalse(choice.last_lot_offered)
        self.assertIn("none available", choice.last_lot_note)

    def test_the_candidate_dialog_lists_only_lots_the_customer_may_receive(self):
        self.customer.min_shelf_life_days = 22
        self._milk_lot("MILK-HELD", 10, state="on_hold", supplier_expiration_date=date(2026, 4, 20))
        order = self._order_form(3).save()
        line = order.order_line.with_user(self.salesperson)
        action = line.action_choose_lot()
        choice = self.env[action["res_model"]].with_user(self.salesperson).browse(action["res_id"])
        self.assertEqual(choice.min_shelf_life_days, 22)
        # MILK-A expires in 20 days (too short for 22), MILK-HELD is on hold: neither is offered.
        self.assertEqual(choice.line_ids.lot_id.sudo().mapped("name"), ["MILK-B", "MILK-C"])
        self.assertEqual(choice.line_ids.mapped("quantity"), [10, 10])
        self.assertEqual(choice.line_ids.mapped("shelf_life_days"), [26, 31])
        self.assertEqual(choice.line_ids.mapped("qc_state"), ["released", "released"])
        self.assertEqual(choice.line_ids[0].removal_date, self.lot_b.removal_date)
        choice.line_ids[1].action_choose()
        self.assertEqual(order.order_line.lot_id, self.lot_c)

    def test_the_candidate_dialog_counts_what_other_orders_reserved(self):
        self._confirmed_order(7, self.lot_a)
        order = self._order_form(2).save()
        action = order.order_line.with_user(self.salesperson).action_choose_lot()
        choice = self.env[action["res_model"]].browse(action["res_id"])
        offered = {line.lot_id.name: line.quantity for line in choice.line_ids}
        self.assertEqual(offered, {"MILK-A": 3, "MILK-B": 10, "MILK-C": 10}, "MILK-A: 7 of 10 reserved")

    # ------------------------------------------------------------------
    # A lot that became unusable before delivery
    # ------------------------------------------------------------------

    def test_lot_held_after_confirmation_is_not_shipped_the_order_says_why_and_offers_the_next(self):
        order = self._confirmed_order(4, self.lot_a)
        delivery = order.picking_ids
        self.assertEqual(delivery.move_line_ids.lot_id, self.lot_a)
        self.lot_a._write_qc_state("on_hold", "recall")
        line = order.order_line.with_user(self.salesperson)
        self.assertIn("MILK-A", line.lot_warning)
        self.assertIn("On Hold", line.lot_warning)
        self.assertIn("On Hold", order.with_user(self.salesperson).lot_warning)
        with self.assertRaisesRolledBack(UserError, "MILK-A"):
            self._validate(delivery)
        # Reservation does not take it again either.
        delivery.do_unreserve()
        delivery.action_assign()
        self.assertFalse(delivery.move_line_ids, "the held lot is not reserved; no other lot is taken")

        line.action_next_lot()
        self.assertEqual(order.order_line.lot_id, self.lot_b, "the next lot by FEFO")
        self.assertFalse(line.lot_warning)
        self.assertEqual(delivery.move_ids.restrict_lot_id, self.lot_b)
        self.assertEqual(delivery.move_line_ids.lot_id, self.lot_b)
        self._validate(delivery)
        self.assertEqual(self._shipped(order), {"MILK-B": 4})

    def test_lot_past_its_removal_date_at_delivery_is_not_reserved(self):
        order = self._quotation(4, self.lot_a)
        order.commitment_date = "2026-03-26 09:00:00"  # MILK-A's removal date is 2026-03-25
        self.assertIn("past its removal date", order.order_line.lot_warning)
        with self.assertRaisesRolledBack(ValidationError, "past its removal date"):
            order.order_line.product_uom_qty = 5

    def test_a_hand_picked_other_lot_is_refused_at_validation(self):
        order = self._confirmed_order(4, self.lot_b)
        delivery = order.picking_ids
        delivery.move_line_ids.lot_id = self.lot_c
        with self.assertRaisesRolledBack(UserError, "chose lot MILK-B"):
            self._validate(delivery)

    # ------------------------------------------------------------------
    # Bad input: refused at once, nothing half-saved
    # ------------------------------------------------------------------

    def test_lot_of_another_product_is_refused(self):
        sugar_lot = self.env["stock.lot"].create({"name": "SUGAR-1", "product_id": self.sugar.id})
        order = self._quotation(2, self.lot_b)
        with self.assertRaisesRolledBack(ValidationError, "SUGAR-1 is a lot of Cane Sugar, not of Organic Whole Milk"):
            order.order_line.with_user(self.salesperson).write({"lot_id": sugar_lot.id})
        self.assertEqual(order.order_line.lot_id, self.lot_b)
        with self.assertRaisesRolledBack(ValidationError, "SUGAR-1 is a lot of Cane Sugar"):
            self.env["sale.order"].with_user(self.salesperson).create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create({"product_id": self.milk.id, "product_uom_qty": 1, "lot_id": sugar_lot.id})
                    ],
                }
            )

    def test_lot_of_another_company_is_refused(self):
        other_company = self.env["res.company"].create({"name": "Other Dairy Ltd"})
        foreign_lot = self.env["stock.lot"].create(
            {"name": "MILK-FOREIGN", "product_id": self.milk.id, "company_id": other_company.id}
        )
        order = self._order_form(2).save()
        with self.assertRaisesRolledBack(UserError, "MILK-FOREIGN"):
            order.order_line.with_env(self.env).write({"lot_id": foreign_lot.id})
        self.assertFalse(order.order_line.lot_id)

    def test_quantity_above_what_the_lot_holds_is_refused(self):
        order = self._order_form(12).save()
        with self.assertRaisesRolledBack(ValidationError, "MILK-B holds 10.0 Units .*, but the line needs 12.0"):
            order.order_line.with_user(self.salesperson).lot_id = self.lot_b
        self.assertFalse(order.order_line.lot_id)
        order = self._quotation(10, self.lot_b)
        with self.assertRaisesRolledBack(ValidationError, "MILK-B holds 10"):
            order.order_line.with_user(self.salesperson).product_uom_qty = 11
        self.assertEqual(order.order_line.product_uom_qty, 10)

    def test_lot_the_customers_rules_refuse_is_refused(self):
        self.customer.min_shelf_life_days = 22
        order = self._order_form(2).save()
        line = order.order_line.with_user(self.salesperson)
        with self.assertRaisesRolledBack(ValidationError, "MILK-A may not be delivered to Fresh Market Stores: too "):
            line.lot_id = self.lot_a
        held = self._milk_lot("MILK-HELD", 10, state="on_hold", supplier_expiration_date=date(2026, 4, 20))
        with self.assertRaisesRolledBack(ValidationError, "MILK-HELD may not be delivered .*On Hold"):
            line.lot_id = held
        self.assertFalse(order.order_line.lot_id)

    def test_changing_the_lot_after_the_delivery_is_done_is_refused(self):
        order = self._confirmed_order(4, self.lot_b)
        self._validate(order.picking_ids)
        with self.assertRaisesRolledBack(UserError, "delivered; its lot can no longer be changed"):
            order.order_line.with_user(self.salesperson).lot_id = self.lot_c
        self.assertEqual(order.order_line.lot_id, self.lot_b)

    def test_changing_the_lot_once_picked_on_a_two_step_route_is_refused(self):
        self.warehouse.delivery_steps = "pick_ship"
        order = self._confirmed_order(4, self.lot_b)
        self._validate(self._picking_to_do(order, self.warehouse.pick_type_id))
        with self.assertRaisesRolledBack(UserError, "already picked"):
            order.order_line.with_user(self.salesperson).lot_id = self.lot_c
        self.assertEqual(order.order_line.lot_id, self.lot_b)

    def test_changing_the_lot_before_delivery_moves_the_reservation(self):
        self.warehouse.delivery_steps = "pick_ship"
        order = self._confirmed_order(4, self.lot_b)
        order.order_line.with_user(self.salesperson).lot_id = self.lot_c
        pick = self._picking_to_do(order, self.warehouse.pick_type_id)
        self.assertEqual(pick.move_line_ids.lot_id, self.lot_c)
        self.assertEqual(order.picking_ids.move_ids.restrict_lot_id, self.lot_c)
        self._validate(pick)
        self._validate(self._picking_to_do(order, self.warehouse.out_type_id))
        self.assertEqual(self._shipped(order), {"MILK-C": 4})
