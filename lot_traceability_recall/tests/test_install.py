from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestRecallInstall(TransactionCase):
    def test_recall_manager_can_do_what_a_qa_user_does(self):
        recall_manager = self.env.ref("lot_traceability_recall.group_recall_manager")
        self.assertIn(self.env.ref("lot_traceability.group_qa_user"), recall_manager.trans_implied_ids)
        # A choice of its own in the Lot Traceability section of the user form (see test_roles).
        self.assertEqual(
            recall_manager.category_id.parent_id, self.env.ref("lot_traceability.module_category_lot_traceability")
        )
