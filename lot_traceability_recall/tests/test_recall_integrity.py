from odoo import Command
from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRecallIntegrity(LotTraceabilityCommon):
    """Recalls respect signed decisions, and their state and scope are written by their actions only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("lot_traceability_recall.group_recall_manager")
        cls.qa_manager = new_test_user(
            cls.env, "qa.recall.integrity", groups="lot_traceability.group_qa_manager,stock.group_stock_user"
        )
        cls.qa_user = new_test_user(cls.env, "qa.user.recall", groups="lot_traceability.group_qa_user")
        cls.customer.email = "quality@freshmarket.example"

    def setUp(self):
        super().setUp()
        self._receive(self.milk, 20, lot_name="MILK-RI")
        self._receive(self.sugar, 20, lot_name="SUGAR-RI")
        self.milk_lot = self.env["stock.lot"].search([("name", "=", "MILK-RI")])
        self.finished_lot = self._produce(100).lot_producing_id
        self.delivery = self._deliver(self.yogurt, 30, self.customer)

    def _launch(self):
        wizard = Form(
            self.env["stock.lot.recall.wizard"].with_context(active_model="stock.lot", active_ids=self.milk_lot.ids)
        )
        wizard.reason = "Listeria found in the milk"
        return self.env["stock.lot.recall"].browse(wizard.save().action_launch()["res_id"])

    def _sign(self, lot, decision):
        return lot.with_user(self.qa_manager).qc_sign(decision, f"I {decision}", "qa.recall.integrity")

    def test_confirming_never_turns_a_rejected_lot_into_a_held_one(self):
        self._sign(self.finished_lot, "reject")
        recall = self._launch()
        recall.action_confirm()
        self.assertEqual(self.finished_lot.qc_state, "rejected")
        self.assertEqual(self.milk_lot.qc_state, "on_hold")
        self.assertNotIn(self.finished_lot, recall.hold_ids.lot_id)

    def test_cancelling_keeps_a_rejection_signed_during_the_recall(self):
        recall = self._launch()
        recall.action_confirm()
        self._sign(self.finished_lot, "reject")
        recall.action_cancel()
        self.assertEqual(self.finished_lot.qc_state, "rejected", "the signed rejection stands")
        self.assertEqual(self.milk_lot.qc_state, "released", "the other lot gets its state back")
        history = self.milk_lot.audit_ids.filtered(lambda change: change.field_name == "qc_state")
        self.assertEqual(history.mapped("new_value"), ["Released", "On Hold"], "hold and release are in the history")
        self.assertEqual(self.milk_lot.action_verify_signatures()["params"]["type"], "success")

    def test_state_mock_flag_and_scope_are_written_by_the_recall_only(self):
        recall = self._launch()
        for vals in ({"state": "closed"}, {"is_mock": True}, {"affected_lot_ids": [Command.clear()]}):
            with self.subTest(vals=vals), self.assertRaisesRolledBack(UserError, "never edited by hand"):
                recall.write(vals)
        with self.assertRaisesRolledBack(UserError, "starts as a draft"):
            self.env["stock.lot.recall"].create({"reason": "forged", "state": "closed"})
        shipment = recall.shipment_ids[0]
        with self.assertRaises(UserError):  # an AccessError is a UserError too
            shipment.with_user(self.qa_user).write({"quantity": 1})
        with self.assertRaisesRolledBack(UserError, "never edited"):
            shipment.sudo().write({"quantity": 1})
        with self.assertRaisesRolledBack(UserError, "never edited"):
            recall.balance_ids.sudo().unlink()
        self.assertEqual(shipment.quantity, 30)

    def test_a_confirmed_recall_is_never_deleted(self):
        recall = self._launch()
        recall.action_confirm()
        recall.action_cancel()
        with self.assertRaisesRolledBack(UserError, "kept for the record"):
            recall.unlink()
        self.assertTrue(self.env.ref("lot_traceability_recall.stock_lot_recall_hold_rule_company"))

    def test_scope_spans_every_company_the_manager_may_see(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain"})
        self.env.user.company_ids |= company_2
        warehouse_2 = self.env["stock.warehouse"].search([("company_id", "=", company_2.id)], limit=1)
        # The yogurt lot was moved to the other company's warehouse (an inventory in company 2).
        self.env["stock.quant"].with_company(company_2).create(
            {
                "product_id": self.yogurt.id,
                "location_id": warehouse_2.lot_stock_id.id,
                "lot_id": self.finished_lot.id,
                "inventory_quantity": 7,
            }
        ).action_apply_inventory()
        recall = self._launch().with_context(allowed_company_ids=[self.company.id])
        recall.action_compute_scope()
        stock = recall.sudo().stock_ids.filtered(lambda line: line.location_id == warehouse_2.lot_stock_id)
        self.assertEqual(stock.quantity, 7, "the stock in a company not selected is in scope")

    def test_recall_returns_are_odoo_returns(self):
        recall = self._launch()
        recall.action_confirm()
        recall.action_notify()
        recall.action_create_returns()
        returned = recall.return_picking_ids
        self.assertEqual(returned.return_id, self.delivery)
        self.assertEqual(returned.move_ids.origin_returned_move_id, self.delivery.move_ids)
        self.assertIn(returned, self.delivery.return_ids)
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual(self.delivery.move_ids.returned_move_ids, returned.move_ids)

    def test_a_delivery_through_the_vendors_location_is_a_shipment_of_the_recall(self):
        store = self.env["res.partner"].create({"name": "Corner Store", "email": "store@corner.example"})
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.delivery_type.id,
                "partner_id": store.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.supplier_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "yogurt",
                            "product_id": self.yogurt.id,
                            "product_uom_qty": 10,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.supplier_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        recall = self._launch()
        self.assertEqual(recall.customer_ids, self.customer | store)
        self.assertEqual(
            sum(recall.shipment_ids.filtered(lambda line: line.partner_id == store).mapped("quantity")), 10
        )

    def test_every_recall_wizard_is_its_creators_alone(self):
        manager = new_test_user(
            self.env, "recall.manager.own", groups="lot_traceability_recall.group_recall_manager,stock.group_stock_user"
        )
        other = new_test_user(
            self.env,
            "recall.manager.other",
            groups="lot_traceability_recall.group_recall_manager,stock.group_stock_user",
        )
        launch = (
            self.env["stock.lot.recall.wizard"]
            .with_user(manager)
            .create({"lot_ids": [Command.set(self.milk_lot.ids)], "reason": "Listeria found in the milk"})
        )
        recall = self._launch()
        recall.action_confirm()
        close = self.env["stock.lot.recall.close.wizard"].with_user(manager).create({"recall_id": recall.id})
        for wizard in (launch, close):
            with self.subTest(model=wizard._name):
                self.assertEqual(wizard.with_user(manager).read(["id"])[0]["id"], wizard.id)
                self.assertFalse(self.env[wizard._name].with_user(other).search([("id", "=", wizard.id)]))
                with self.assertRaises(AccessError):
                    wizard.with_user(other).read(["id"])
