from datetime import date, timedelta

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ExportCommon


@tagged("post_install", "-at_install")
class TestExportJobs(ExportCommon):
    def _new_job(self, **values):
        return self.env["lot.traceability.export"].create(
            dict({"lot_ids": self.yogurt_lot.ids, "ftl_only": False}, **values)
        )

    def test_export_reads_in_a_read_only_transaction(self):
        job = self._new_job()
        with job._read_only_env() as (env, source):
            self.assertEqual(source, "primary", "no db_replica_host configured in tests")
            env.cr.execute("SHOW transaction_read_only")
            self.assertEqual(env.cr.fetchone()[0], "on")
            # (not Odoo's assertRaises: its savepoint would flush this test's pending writes here)
            refused = False
            with mute_logger("odoo.sql_db"):
                try:
                    env.cr.execute("UPDATE stock_lot SET name = name WHERE id = %s", [self.yogurt_lot.id])
                except psycopg2.errors.ReadOnlySqlTransaction:
                    refused = True
            self.assertTrue(refused, "the export's transaction must refuse writes")
        job.action_run()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.read_source, "primary")

    def test_large_export_is_queued_and_run_by_the_cron(self):
        self.env["ir.config_parameter"].set_param("lot_traceability_reports.export_sync_limit", 2)
        cron = self.env.ref("lot_traceability_reports.ir_cron_run_exports")
        triggers_before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

        job = self._export(active_model="stock.lot", active_ids=self.yogurt_lot.ids)

        self.assertEqual(job.state, "queued", "3 rows > 2: not run at once")
        self.assertFalse(job.attachment_id)
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers_before + 1)
        self.env["lot.traceability.export"]._cron_run_exports()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.rows_written, 3)
        self.assertTrue(job.attachment_id)
        self.assertEqual(job.attachment_id.res_model, "lot.traceability.export")
        self.assertEqual(job.attachment_id.res_id, job.id)
        notice = job.message_ids.filtered(lambda message: "is ready" in message.body)
        self.assertEqual(len(notice), 1, "the requester is notified")
        self.assertIn(self.env.user.partner_id, notice.partner_ids)

    def test_a_users_direct_run_writes_only_a_small_export(self):
        """A queued job is the cron's: its requester's direct call (a button, RPC) writes it only under the
        synchronous limit, and is told to queue a larger one."""
        user = new_test_user(self.env, "export.direct.user", groups="stock.group_stock_user,stock.group_production_lot")
        self.env["ir.config_parameter"].set_param("lot_traceability_reports.export_sync_limit", 2)
        job = (
            self.env["lot.traceability.export"]
            .with_user(user)
            .create({"lot_ids": self.yogurt_lot.ids, "ftl_only": False})
        )

        with self.assertRaisesRegex(UserError, "more than 2 rows.*queue it"):
            job.action_run()
        self.assertEqual(job.state, "queued")
        self.assertFalse(job.date_started, "never started")
        self.assertFalse(job.attachment_id)

        job.action_queue()
        self.assertEqual(job.state, "queued", "3 rows > 2: left to the cron")
        self.env["lot.traceability.export"]._cron_run_exports()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.rows_written, 3)

        self.env["ir.config_parameter"].set_param("lot_traceability_reports.export_sync_limit", 3)
        small = (
            self.env["lot.traceability.export"]
            .with_user(user)
            .create({"lot_ids": self.yogurt_lot.ids, "ftl_only": False})
        )
        small.action_run()
        self.assertEqual(small.state, "done", "3 rows: written at once")
        self.assertEqual(small.rows_written, 3)

    def test_a_job_is_not_started_twice(self):
        job = self._new_job()
        job.action_run()
        self.assertEqual(job.state, "done")
        with self.assertRaisesRegex(UserError, "already done"):
            job.action_run()
        running = self._new_job()
        running.state = "running"
        with self.assertRaisesRegex(UserError, "already running"):
            running.action_run()
        with self.assertRaisesRegex(UserError, "Only failed exports can be retried"):
            job.action_retry()

    def test_failed_job_keeps_its_error_and_no_file_and_can_be_retried(self):
        job = self._new_job(product_ids=[Command.set(self.sugar.ids)], lot_ids=[Command.set(self.yogurt_lot.ids)])
        job.action_run()

        self.assertEqual(job.state, "failed")
        self.assertIn("No critical tracking event matches", job.error_message)
        self.assertFalse(job.attachment_id, "no half-written file")
        self.assertFalse(
            self.env["ir.attachment"].search([("res_model", "=", job._name), ("res_id", "=", job.id)]),
        )
        self.assertTrue(job.message_ids.filtered(lambda message: "failed" in message.body))

        job.write({"product_ids": [Command.set(self.yogurt.ids)]})
        job.action_retry()
        self.assertEqual(job.state, "queued")
        self.env["lot.traceability.export"]._cron_run_exports()
        self.assertEqual(job.state, "done")
        self.assertFalse(job.error_message)
        self.assertEqual(job.rows_written, 3)

    def test_reversed_date_range_is_refused(self):
        with self.assertRaisesRolledBack(ValidationError, "ends .* before it starts"):
            self._export(date_from=date.today(), date_to=date.today() - timedelta(days=1))
        self.assertFalse(self.env["lot.traceability.export"].search([("date_from", "=", date.today())]))

    def test_no_matching_lots_says_so_and_creates_nothing(self):
        count = self.env["lot.traceability.export"].search_count([])
        with self.assertRaisesRolledBack(UserError, "No critical tracking event matches"):
            self._export(active_model="stock.lot", active_ids=self.yogurt_lot.ids, date_to=date(2000, 1, 1))
        self.assertEqual(self.env["lot.traceability.export"].search_count([]), count)

    def test_an_export_type_without_its_writer_is_not_available_yet(self):
        """Each type plugs in as a method _export_<type>; a declared type without one (lot costing
        and recall until their issues land) is refused by name, nothing created."""
        exports = self.env["lot.traceability.export"]
        missing = [
            value
            for value, _label in exports._fields["export_type"].selection
            if not hasattr(exports, f"_export_{value}")
        ]
        self.assertTrue(hasattr(exports, "_export_fsma204") and hasattr(exports, "_export_epcis"))
        for export_type in missing:
            count = exports.search_count([])
            with self.assertRaisesRolledBack(UserError, "not available yet"):
                self._export(export_type, active_model="stock.lot", active_ids=self.yogurt_lot.ids)
            self.assertEqual(exports.search_count([]), count)

    def test_lots_of_a_company_the_user_cannot_access_are_never_exported(self):
        company_2 = self.env["res.company"].create({"name": "Dairy Spain"})
        self.env.user.company_ids += company_2
        warehouse_2 = self.env["stock.warehouse"].search([("company_id", "=", company_2.id)])
        picking = (
            self.env["stock.picking"]
            .with_company(company_2)
            .create(
                {
                    "picking_type_id": warehouse_2.in_type_id.id,
                    "partner_id": self.supplier.id,
                    "location_id": self.supplier_location.id,
                    "location_dest_id": warehouse_2.lot_stock_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "milk",
                                "product_id": self.milk.id,
                                "product_uom_qty": 5,
                                "location_id": self.supplier_location.id,
                                "location_dest_id": warehouse_2.lot_stock_id.id,
                            }
                        )
                    ],
                }
            )
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.write({"lot_name": "MILK-ES", "quantity": 5, "picked": True})
        picking.button_validate()
        self.assertEqual(picking.move_line_ids.company_id, company_2)
        lot_es = picking.move_line_ids.lot_id
        lot_es.company_id = company_2  # Odoo 18 shares lots of shared products; this one is Dairy Spain's
        user = new_test_user(
            self.env,
            "export_user",
            groups="stock.group_stock_user,stock.group_production_lot",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )

        with self.assertRaises(AccessError):
            self.env["lot.traceability.export"].with_user(user).create({"lot_ids": lot_es.ids, "ftl_only": False})
        job = (
            self.env["lot.traceability.export"]
            .with_user(user)
            .create({"product_ids": self.milk.ids, "company_ids": [Command.set((self.company | company_2).ids)]})
        )
        job.action_run()
        _header, rows = self._read_fsma_rows(job.sudo())
        # (MILK-1 was received under the supplier's code AD-7731, its traceability lot code)
        self.assertEqual({row["Traceability Lot Code"] for row in rows}, {"AD-7731"}, "never MILK-ES of Dairy Spain")

        mine = self._new_job(product_ids=self.milk.ids, company_ids=[Command.set((self.company | company_2).ids)])
        mine.lot_ids = False
        mine.action_run()
        _header, rows = self._read_fsma_rows(mine)
        self.assertEqual({row["Traceability Lot Code"] for row in rows}, {"AD-7731", "MILK-ES"})
        self.assertFalse(
            self.env["lot.traceability.export"].with_user(user).search([("id", "=", mine.id)]),
            "a user sees only their own exports",
        )

    def test_old_files_are_removed_after_the_retention_period(self):
        self.env["ir.config_parameter"].set_param("lot_traceability_reports.export_retention_days", 10)
        old, recent = self._new_job(), self._new_job()
        (old | recent).action_run()
        old.date_done = fields.Datetime.now() - timedelta(days=11)
        attachment = old.attachment_id

        self.env["lot.traceability.export"]._gc_exports()

        self.assertFalse(attachment.exists())
        self.assertFalse(old.attachment_id)
        self.assertTrue(old.file_removed_date)
        self.assertEqual(old.state, "done")
        self.assertTrue(recent.attachment_id)

    def test_menu_wizard_and_settings(self):
        self.env["res.config.settings"].create(
            {"lot_traceability_export_retention_days": 7, "lot_traceability_gs1_prefix_length": 9}
        ).execute()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("lot_traceability_reports.export_retention_days"), "7"
        )
        self.assertEqual(self.company.lot_traceability_gs1_prefix_length, 9)
        with self.assertRaisesRegex(ValidationError, "6 to 12 digits"):
            self.company.lot_traceability_gs1_prefix_length = 13
        with self.assertRaisesRegex(ValidationError, "not a valid 13-digit GLN"):
            self.customer.lot_traceability_gln = "4012345000017"
        wizard = Form(self.env["lot.traceability.export.wizard"])
        self.assertTrue(wizard.ftl_only, "the menu exports Food Traceability List products by default")
        self.assertTrue(self.env.ref("lot_traceability_reports.menu_lot_traceability_export"))
