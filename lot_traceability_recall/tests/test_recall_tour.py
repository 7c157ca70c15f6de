import re

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import send_queued_recall_notices


@tagged("post_install", "-at_install")
class TestRecallTour(HttpCase):
    """In a browser: launch a recall from a lot form, review the scope, confirm it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.admin = env.ref("base.user_admin")
        cls.admin.groups_id += env.ref("lot_traceability_recall.group_recall_manager") + env.ref(
            "stock.group_production_lot"
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", cls.admin.company_id.id)], limit=1)
        stock = warehouse.lot_stock_id
        milk = env["product.product"].create({"name": "Tour milk", "is_storable": True, "tracking": "lot"})
        yogurt = env["product.product"].create({"name": "Tour yogurt", "is_storable": True, "tracking": "lot"})
        cls.milk_lot = env["stock.lot"].create({"name": "MILK-TOUR", "product_id": milk.id})
        yogurt_lot = env["stock.lot"].create({"name": "YOG-TOUR", "product_id": yogurt.id})
        env["stock.quant"]._update_available_quantity(milk, stock, 10, lot_id=cls.milk_lot)
        production = env["mrp.production"].create(
            {
                "product_id": yogurt.id,
                "product_qty": 10,
                "lot_producing_id": yogurt_lot.id,
                "move_raw_ids": [
                    Command.create(
                        {
                            "product_id": milk.id,
                            "product_uom_qty": 10,
                            "location_id": stock.id,
                            "location_dest_id": yogurt.property_stock_production.id,
                        }
                    )
                ],
            }
        )
        production.action_confirm()
        production.action_assign()
        production.qty_producing = 10
        production._set_qty_producing()
        production.move_raw_ids.picked = True
        production.button_mark_done()
        customer = env["res.partner"].create({"name": "Tour Grocers", "email": "recalls@tourgrocers.example"})
        delivery = env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": customer.id,
                "location_id": stock.id,
                "location_dest_id": env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    Command.create(
                        {
                            "name": yogurt.name,
                            "product_id": yogurt.id,
                            "product_uom_qty": 4,
                            "location_id": stock.id,
                            "location_dest_id": env.ref("stock.stock_location_customers").id,
                        }
                    )
                ],
            }
        )
        delivery.action_confirm()
        delivery.action_assign()
        delivery.move_ids.picked = True
        delivery.button_validate()

    def test_launch_review_and_confirm_a_recall_in_the_browser(self):
        url = f"/odoo/action-stock.action_production_lot_form/{self.milk_lot.id}"
        self.start_tour(url, "lot_traceability_recall_tour", login="admin", timeout=120)

        recall = self.env["stock.lot.recall"].search([("lot_ids", "in", self.milk_lot.ids)])
        self.assertEqual(recall.state, "confirmed")
        self.assertEqual(set(recall.affected_lot_ids.mapped("qc_state")), {"on_hold"})
        self.assertEqual(recall.customer_ids.name, "Tour Grocers")

    def test_notify_acknowledge_return_and_close_in_the_browser(self):
        self.env.user.groups_id += self.env.ref("lot_traceability_recall.group_recall_manager")
        recall = self.env["stock.lot.recall"].create({"reason": "tour", "lot_ids": [Command.set(self.milk_lot.ids)]})
        recall.action_confirm()
        url = f"/odoo/action-lot_traceability_recall.action_stock_lot_recall/{recall.id}"
        self.start_tour(url, "lot_traceability_recall_notify_tour", login="admin", timeout=120)
        self.assertEqual(recall.state, "notified")

        # The customer answers on the public page: 3 of the 4 units are still with them.
        notification = recall.notification_ids
        page_url = notification._get_acknowledge_url().removeprefix(notification.get_base_url())
        page = self.url_open(page_url)
        csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        token = page_url.split("token=")[1]
        form = {"token": token, "name": "Ana Ruiz", "quantity": "3", "csrf_token": csrf_token}
        self.assertIn("Thank you", self.url_open(f"/recall/acknowledge/{notification.id}", data=form).text)

        self.start_tour(url, "lot_traceability_recall_return_tour", login="admin", timeout=120)
        self.assertEqual(recall.return_picking_ids.state, "done")
        self.start_tour(url, "lot_traceability_recall_close_tour", login="admin", timeout=120)

        self.assertEqual(recall.state, "closed")
        for lot in recall.affected_lot_ids:
            self.assertEqual(lot.qc_state, "rejected")
            self.assertEqual(lot.qc_signature_ids.sorted("sequence")[-1].decision, "reject")
        self.assertEqual(recall.recovered_qty, 3)

    def test_customer_acknowledges_through_the_public_link(self):
        self.env.user.groups_id += self.env.ref("lot_traceability_recall.group_recall_manager")
        recall = self.env["stock.lot.recall"].create({"reason": "tour", "lot_ids": [Command.set(self.milk_lot.ids)]})
        recall.action_compute_scope()
        recall.action_confirm()
        recall.action_notify()
        send_queued_recall_notices(self.env)
        notification = recall.notification_ids
        url = notification._get_acknowledge_url().removeprefix(notification.get_base_url())

        self.assertEqual(self.url_open(url.replace("token=", "token=wrong")).status_code, 404)
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("YOG-TOUR", page.text)

        token = url.split("token=")[1]
        csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        form = {"token": token, "name": "Ana Ruiz", "quantity": "-2", "csrf_token": csrf_token}
        refused = self.url_open(f"/recall/acknowledge/{notification.id}", data=form)
        self.assertIn("quantity you still hold", refused.text)
        self.assertEqual(notification.state, "sent")

        form.update(quantity="3")
        accepted = self.url_open(f"/recall/acknowledge/{notification.id}", data=form)
        self.assertIn("Thank you", accepted.text)
        notification.invalidate_recordset()
        self.assertEqual(notification.state, "acknowledged")
        self.assertEqual(notification.customer_quantity_on_hand, 3)
