from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ExportCommon
from .test_lot_control_dashboard import MARCH, LotControlDashboardCommon


@tagged("post_install", "-at_install")
class TestLotControlDashboardAccess(LotControlDashboardCommon):
    """The dashboard's RPC methods as ordinary users and with input no web client sends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = new_test_user(
            cls.env,
            "dash.review.user",
            groups="stock.group_stock_user,stock.group_production_lot",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.spain = cls.env["res.company"].create({"name": "Dairy Spain Review"})
        cls.spain_warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.spain.id)], limit=1)

    def test_bad_types_are_refused_with_a_clear_message(self):
        Kpi = self.Kpi.with_user(self.stock_user)
        for warehouse_id in ("main", [self.warehouse.id], {"id": self.warehouse.id}, "1e3", 2**70, -1):
            with self.assertRaisesRegex(UserError, "warehouse"):
                Kpi.get_lot_control_dashboard(*MARCH, warehouse_id=warehouse_id, period="custom")
            with self.assertRaisesRegex(UserError, "warehouse"):
                Kpi.action_open_lot_control_card("inventory_accuracy", *MARCH, warehouse_id=warehouse_id)
        for date_from, date_to in (
            (20230301, MARCH[1]),
            (["2023-03-01"], MARCH[1]),
            (MARCH[0], {"day": 31}),
            ("0001-01-01", "0001-01-31"),
            ("9999-12-01", "9999-12-31"),
        ):
            with self.assertRaises(UserError):
                Kpi.get_lot_control_dashboard(date_from, date_to, period="custom")
            with self.assertRaises(UserError):
                Kpi.action_open_lot_control_card("inventory_accuracy", date_from, date_to)
        for kpis in (5, [["fefo"]], [{"kpi": "fefo"}]):
            with self.assertRaisesRegex(UserError, "KPI"):
                Kpi.get_lot_control_dashboard(*MARCH, period="custom", kpis=kpis)
        for card in (["inventory_accuracy"], {"card": "fefo"}, None):
            with self.assertRaisesRegex(UserError, "no card"):
                Kpi.action_open_lot_control_card(card, *MARCH)

    def test_other_companies_stay_out_of_reach(self):
        Kpi = self.Kpi.with_user(self.stock_user)
        with self.assertRaises(AccessError):
            Kpi.with_context(allowed_company_ids=[self.spain.id]).get_lot_control_dashboard(*MARCH, period="custom")
        with self.assertRaises(AccessError):
            Kpi.with_context(allowed_company_ids=[self.company.id, self.spain.id]).action_open_lot_control_card(
                "inventory_accuracy", *MARCH
            )
        with self.assertRaisesRegex(UserError, "not one of the companies"):
            Kpi.get_lot_control_dashboard(*MARCH, warehouse_id=self.spain_warehouse.id, period="custom")
        with self.assertRaisesRegex(UserError, "not one of the companies"):
            Kpi.action_open_lot_control_card("shrinkage", *MARCH, warehouse_id=self.spain_warehouse.id)
        warehouses = Kpi.get_lot_control_dashboard(*MARCH, period="custom")["warehouses"]
        self.assertNotIn(self.spain_warehouse.id, [warehouse["id"] for warehouse in warehouses])

    def test_recall_response_needs_the_rights_to_read_notifications(self):
        # The card counts the customer notices acknowledged and the hours to send them: stock users may read
        # recalls, not their notifications.
        Kpi = self.Kpi.with_user(self.stock_user)
        with self.assertRaises(AccessError):
            self.env["stock.lot.recall.notification"].with_user(self.stock_user).search([])
        keys = [card["key"] for card in Kpi.get_lot_control_dashboard(*MARCH, period="custom")["cards"]]
        self.assertNotIn("recall_response", keys)
        self.assertIn("mock_recall", keys)
        self.stock_user.groups_id += self.env.ref("lot_traceability.group_qa_user")
        keys = [card["key"] for card in Kpi.get_lot_control_dashboard(*MARCH, period="custom")["cards"]]
        self.assertIn("recall_response", keys)

    def test_portal_and_public_users_get_nothing(self):
        portal = new_test_user(self.env, "dash.review.portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.Kpi.with_user(portal).get_lot_control_dashboard(*MARCH, period="custom")
        with self.assertRaises(AccessError):
            self.Kpi.with_user(portal).action_open_lot_control_card("release", *MARCH)


@tagged("post_install", "-at_install")
class TestExportAccess(ExportCommon):
    """Export jobs requested and tampered with by ordinary users over RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "stock.group_stock_user,stock.group_production_lot"
        cls.stock_user = new_test_user(cls.env, "export.review.user", groups=groups)
        cls.other_user = new_test_user(cls.env, "export.review.other", groups=groups)

    def _user_job(self, user=None, **values):
        Export = self.env["lot.traceability.export"].with_user(user or self.stock_user)
        return Export.create(dict({"lot_ids": [Command.set(self.yogurt_lot.ids)], "ftl_only": False}, **values))

    def test_lot_costing_needs_the_rights_to_see_costs(self):
        # Odoo shows a lot's cost breakdown, sales and margin to accountants and billing users only.
        with self.assertRaisesRegex(AccessError, "Lot Costing"):
            self._user_job(export_type="lot_costing")
        self.stock_user.groups_id += self.env.ref("account.group_account_readonly")
        job = self._user_job(export_type="lot_costing")
        job.action_run()
        self.assertEqual(job.state, "done")

    def test_lot_costing_fails_when_the_rights_are_gone_at_run_time(self):
        self.stock_user.groups_id += self.env.ref("account.group_account_readonly")
        job = self._user_job(export_type="lot_costing")
        self.stock_user.groups_id -= self.env.ref("account.group_account_readonly")
        self.env["lot.traceability.export"]._cron_run_exports()
        self.assertEqual(job.state, "failed")
        self.assertIn("Lot Costing", job.error_message)
        self.assertFalse(job.attachment_id)

    def test_recall_report_needs_the_rights_to_read_notifications(self):
        # Stock users read recalls, not their customer notifications (e-mails, notes, acknowledgements).
        self.env.user.groups_id += self.env.ref("lot_traceability_recall.group_recall_manager")
        recall = self.env["stock.lot.recall"].create(
            {"reason": "Listeria", "lot_ids": [Command.set(self.milk_lot.ids)]}
        )
        self.assertTrue(recall.with_user(self.stock_user).read(["name"]))
        with self.assertRaises(AccessError):
            self.env["stock.lot.recall.notification"].with_user(self.stock_user).search([])
        with self.assertRaisesRegex(AccessError, "Recall Report"):
            self._user_job(export_type="recall", recall_id=recall.id)
        self.stock_user.groups_id += self.env.ref("lot_traceability.group_qa_user")
        self.assertTrue(self._user_job(export_type="recall", recall_id=recall.id))

    def test_recall_response_rows_of_the_analysis_need_the_rights_to_read_notifications(self):
        recall = self._notified_recall()
        domain = [("kpi", "=", "recall_response"), ("recall_id", "=", recall.id)]
        Kpi = self.env["stock.lot.control.kpi"]
        self.assertEqual(Kpi.search_count(domain), 1)
        self.assertEqual(Kpi.with_user(self.stock_user).search_count(domain), 0)
        self.assertTrue(Kpi.with_user(self.stock_user).search_count([("kpi", "!=", "recall_response")]))
        self.stock_user.groups_id += self.env.ref("lot_traceability.group_qa_user")
        self.assertEqual(Kpi.with_user(self.stock_user).search_count(domain), 1)

    def test_filters_are_checked_again_when_changed(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain Review"})
        lot_es = self.env["stock.lot"].create(
            {"name": "MILK-ES", "product_id": self.milk.id, "company_id": company_2.id}
        )
        job = self._user_job()
        with self.assertRaises(AccessError):
            job.write({"lot_ids": [Command.set((self.yogurt_lot | lot_es).ids)]})
        self.assertEqual(job.lot_ids, self.yogurt_lot)
        # A queued (or failed) job's filters may be corrected before it runs, within what the requester may read.
        job.write({"product_ids": [Command.set(self.milk.ids)]})
        self.assertEqual(job.product_ids, self.milk)

    def test_the_job_run_and_its_file_are_written_by_the_server_only(self):
        job = self._user_job()
        manager = self.env.ref("base.user_admin")
        theirs = self._user_job(user=self.other_user)
        theirs.action_run()
        their_file = theirs.sudo().attachment_id
        self.assertTrue(their_file)
        for vals in (
            {"user_id": manager.id},
            {"state": "done"},
            {"attachment_id": their_file.id},
            {"rows_written": 1000},
            {"error_message": "forged"},
        ):
            with self.assertRaisesRegex(UserError, "written by the export"):
                job.write(vals)
        # Without it, the retention cron would have deleted the other user's file.
        self.env["lot.traceability.export"]._gc_exports()
        self.assertTrue(their_file.exists())
        # The user's own run still records its state and file.
        job.action_run()
        self.assertEqual(job.state, "done")
        self.assertTrue(job.attachment_id)
        with self.assertRaisesRegex(UserError, "written by the export|cannot be changed"):
            job.write({"lot_ids": [Command.set(self.milk_lot.ids)]})

    def test_a_done_or_running_job_is_not_queued_again(self):
        self.env["ir.config_parameter"].set_param("lot_traceability_reports.export_sync_limit", 0)
        job = self._user_job()
        job.action_queue()
        self.assertEqual(job.state, "queued")
        self.env["lot.traceability.export"]._cron_run_exports()
        self.assertEqual(job.state, "done")
        attachment = job.attachment_id
        with self.assertRaisesRegex(UserError, "already done"):
            job.action_queue()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.attachment_id, attachment)

    def test_another_users_file_is_not_readable(self):
        theirs = self._user_job(user=self.other_user)
        theirs.action_run()
        attachment = theirs.sudo().attachment_id
        Attachment = self.env["ir.attachment"].with_user(self.stock_user)
        self.assertFalse(Attachment.search([("id", "=", attachment.id)]))
        self.assertFalse(Attachment.search([("res_model", "=", "lot.traceability.export")]))
        with self.assertRaises(AccessError):
            Attachment.browse(attachment.id).read(["raw"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.stock_user).read(["attachment_id"])

    def test_a_job_whose_requester_lost_its_companies_fails_in_the_cron(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain Review"})
        job = self.env["lot.traceability.export"].create(
            {
                "user_id": self.stock_user.id,
                "company_id": company_2.id,
                "company_ids": [Command.set(company_2.ids)],
                "ftl_only": False,
            }
        )
        self.env["lot.traceability.export"]._cron_run_exports()
        self.assertEqual(job.state, "failed")
        self.assertIn("no longer has access", job.error_message)

    def test_a_recall_of_a_company_out_of_the_job_is_never_exported(self):
        # The job's companies are cut down to the requester's at run time: a recall of another company, set
        # when the job was made, stays out of the file.
        self.env.user.groups_id += self.env.ref("lot_traceability_recall.group_recall_manager")
        spain = self.env["res.company"].create({"name": "Dairy Spain Recalls"})
        recall = self.env["stock.lot.recall"].with_company(spain).create({"reason": "Listeria", "company_id": spain.id})
        self.assertEqual(recall.company_id, spain)
        job = self.env["lot.traceability.export"].create(
            {
                "export_type": "recall",
                "recall_id": recall.id,
                "company_id": spain.id,
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        job.action_run()
        self.assertEqual(job.state, "failed")
        self.assertIn("Dairy Spain Recalls", job.error_message)
        self.assertFalse(job.attachment_id)
        # A recall of the job's company with nothing shipped yet says so, in the words of a recall.
        empty = self.env["stock.lot.recall"].create({"reason": "Listeria"})
        job = self.env["lot.traceability.export"].create({"export_type": "recall", "recall_id": empty.id})
        job.action_run()
        self.assertEqual(job.state, "failed")
        self.assertIn("has no shipment, notification or return", job.error_message)
