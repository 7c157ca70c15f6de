from datetime import datetime

from odoo import Command, fields
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestLotsOnCustomerDocuments(LotTraceabilityCommon):
    """A customer's invoice, delivery slip and credit note name the lots they received, each with its use-by
    (or best-before) date: Odoo's lot tables (stock_account, sale_stock, stock, product_expiry) with the date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += (
            cls.env.ref("stock.group_stock_manager")
            | cls.env.ref("sales_team.group_sale_manager")
            | cls.env.ref("account.group_account_invoice")
            | cls.env.ref("stock_account.group_lot_on_invoice")
            | cls.env.ref("stock.group_lot_on_delivery_slip")
            | cls.env.ref("lot_traceability_recall.group_recall_manager")
        )
        cls.env.user.lang = "en_US"
        cls.customer.email = "quality@freshmarket.example"
        cls.milk.invoice_policy = "delivery"
        cls.milk.list_price = 2.0
        fixture = cls._fixture_builder()
        cls.lot_a = fixture._milk_lot("MILK-DOC-A", 10)
        cls.lot_b = fixture._milk_lot("MILK-DOC-B", 10)
        # Lot B's product gives a best-before date only (no expiration date on this lot).
        cls.lot_b.write({"expiration_date": False, "use_date": datetime(2031, 4, 2, 12)})
        cls.lot_a.expiration_date = datetime(2031, 3, 14, 12)
        cls.order = fixture._sell_and_deliver([(cls.lot_a, 6), (cls.lot_b, 4)])
        cls.delivery = cls.order.picking_ids
        cls.invoice = fixture._invoice(cls.order)

    def _sell_and_deliver(self, lots_quantities):
        """A confirmed sale order of milk to the customer, its delivery done with these lots and quantities."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.milk.id,
                            "product_uom_qty": sum(quantity for _lot, quantity in lots_quantities),
                            "price_unit": 2.0,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": picking.move_ids.id,
                    "picking_id": picking.id,
                    "product_id": self.milk.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "location_id": picking.location_id.id,
                    "location_dest_id": picking.location_dest_id.id,
                }
                for lot, quantity in lots_quantities
            ]
        )
        picking.move_ids.picked = True
        picking.button_validate()
        return order

    def _invoice(self, order):
        invoice = order._create_invoices(final=True)
        invoice.invoice_date = fields.Date.today()
        invoice.action_post()
        return invoice

    def _render(self, report_ref, records):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(report_ref, records.ids)
        return html.decode()

    def test_the_invoice_lists_each_lot_with_its_use_by_or_best_before_date(self):
        html = self._render("account.report_invoice", self.invoice)
        self.assertIn("Use by / Best before", html)
        values = {value["lot_name"]: value for value in self.invoice._get_invoiced_lot_values()}
        self.assertEqual(values["MILK-DOC-A"]["lot_date_label"], "Use by")
        self.assertEqual(values["MILK-DOC-A"]["lot_date"], "03/14/2031")
        self.assertEqual(values["MILK-DOC-B"]["lot_date_label"], "Best before")
        self.assertEqual(values["MILK-DOC-B"]["lot_date"], "04/02/2031")
        table = html.split('name="invoice_snln_table"', 1)[1].split("</table>", 1)[0]
        row_a = table.split("MILK-DOC-A", 1)[1].split("</tr>", 1)[0]
        row_b = table.split("MILK-DOC-B", 1)[1].split("</tr>", 1)[0]
        self.assertRegex(row_a, r"Use by\s*<span class=\"o_lot_date\">03/14/2031</span>")
        self.assertRegex(row_b, r"Best before\s*<span class=\"o_lot_date\">04/02/2031</span>")
        self.assertRegex(table.split("MILK-DOC-A", 1)[0], r"6\.00")

    def test_a_company_that_prints_no_lot_dates_keeps_odoos_lot_table(self):
        self.company.lot_dates_on_customer_documents = False
        html = self._render("account.report_invoice", self.invoice)
        self.assertIn("MILK-DOC-A", html)
        self.assertNotIn("Use by / Best before", html)
        self.assertNotIn("03/14/2031", html)

    def test_the_delivery_slip_lists_each_lot_with_its_date(self):
        html = self._render("stock.report_deliveryslip", self.delivery)
        self.assertIn("Use by / Best before", html)
        row_a = html.split("MILK-DOC-A", 1)[1].split("</tr>", 1)[0]
        row_b = html.split("MILK-DOC-B", 1)[1].split("</tr>", 1)[0]
        self.assertRegex(row_a, r"Use by\s*<span class=\"o_lot_date\">03/14/2031</span>")
        self.assertRegex(row_b, r"Best before\s*<span class=\"o_lot_date\">04/02/2031</span>")

    def test_the_delivery_slip_of_a_company_without_lot_dates_has_no_date_column(self):
        self.company.lot_dates_on_customer_documents = False
        html = self._render("stock.report_deliveryslip", self.delivery)
        self.assertIn("MILK-DOC-A", html)
        self.assertNotIn("03/14/2031", html)

    def test_the_setting_turns_on_odoos_lot_options(self):
        self.env.ref("base.group_user").implied_ids -= self.env.ref("stock_account.group_lot_on_invoice")
        settings = self.env["res.config.settings"].create({})
        settings.lot_dates_on_customer_documents = False
        settings.group_lot_on_invoice = False
        settings.lot_dates_on_customer_documents = True
        settings._onchange_lot_dates_on_customer_documents()
        self.assertTrue(settings.group_lot_on_invoice)
        self.assertTrue(settings.group_lot_on_delivery_slip)

    def test_the_credit_note_of_a_recall_return_names_the_returned_lots(self):
        recall = self.env["stock.lot.recall"].create({"reason": "Listeria", "lot_ids": [Command.set(self.lot_a.ids)]})
        recall.action_confirm()
        recall.action_notify()
        recall.action_create_returns()
        returned = recall.return_picking_ids
        self.assertEqual(returned.move_line_ids.lot_id, self.lot_a)
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual(self.order.order_line.qty_delivered, 4.0, "the recall return is taken back from the order")

        credit_note = self._invoice(self.order)

        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.invoice_line_ids.quantity, 6.0)
        values = credit_note._get_invoiced_lot_values()
        self.assertEqual([(value["lot_name"], value["quantity"]) for value in values], [("MILK-DOC-A", "6.00")])
        html = self._render("account.report_invoice", credit_note)
        table = html.split('name="invoice_snln_table"', 1)[1].split("</table>", 1)[0]
        self.assertIn("MILK-DOC-A", table)
        self.assertNotIn("MILK-DOC-B", table)
        self.assertRegex(table, r"Use by\s*<span class=\"o_lot_date\">03/14/2031</span>")

    def test_a_recall_return_takes_back_only_what_an_earlier_return_left_at_the_customer(self):
        # The customer already sent 2 units of lot A back through Odoo's return ("Update quantities on SO").
        earlier = self._return(self.delivery, 2)
        self.assertEqual(earlier.move_line_ids.lot_id, self.lot_a)
        self.assertTrue(earlier.move_ids.to_refund)
        self.assertEqual(self.order.order_line.qty_delivered, 8.0)
        recall = self.env["stock.lot.recall"].create({"reason": "Listeria", "lot_ids": [Command.set(self.lot_a.ids)]})
        recall.action_confirm()
        recall.action_notify()

        recall.action_create_returns()

        returned = recall.return_picking_ids
        self.assertEqual(
            [(line.lot_id, line.quantity) for line in returned.move_line_ids],
            [(self.lot_a, 4.0)],
            "the 4 units of lot A still at the customer, not the 6 delivered",
        )
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual(self.order.order_line.qty_delivered, 4.0, "only lot B is still delivered")
        customer_quants = self.env["stock.quant"].search(
            [("lot_id", "=", self.lot_a.id), ("location_id", "=", self.customer_location.id)]
        )
        self.assertEqual(sum(customer_quants.mapped("quantity")), 0.0, "no negative stock at the customer")
        credit_note = self._invoice(self.order)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.invoice_line_ids.quantity, 6.0, "the 2 + 4 units of lot A, each credited once")

    def test_a_recall_return_lowers_only_the_order_line_that_delivered_the_recalled_lot(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"product_id": self.milk.id, "product_uom_qty": quantity, "price_unit": 2.0})
                    for quantity in (3, 2)
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.move_line_ids.unlink()
        line_a, line_b = order.order_line
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": self.milk.id,
                    "lot_id": lot.id,
                    "quantity": move.product_uom_qty,
                    "location_id": picking.location_id.id,
                    "location_dest_id": picking.location_dest_id.id,
                }
                for move, lot in ((line_a.move_ids, self.lot_a), (line_b.move_ids, self.lot_b))
            ]
        )
        picking.move_ids.picked = True
        picking.button_validate()
        recall = self.env["stock.lot.recall"].create({"reason": "Listeria", "lot_ids": [Command.set(self.lot_b.ids)]})
        recall.action_confirm()
        recall.action_notify()
        recall.action_create_returns()
        returned = recall.return_picking_ids.filtered(lambda return_: return_.return_id == picking)
        self.assertEqual(returned.move_ids.sale_line_id, line_b)
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual((line_a.qty_delivered, line_b.qty_delivered), (3.0, 0.0))
