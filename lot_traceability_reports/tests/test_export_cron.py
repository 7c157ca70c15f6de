from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import ExportCommon


@tagged("post_install", "-at_install")
class TestExportsOnOdoosCron(ExportCommon):
    """Background exports run on Odoo's own mechanisms: ir.cron runs the queue in batches (one job each),
    commits between them and records their progress; Odoo's daily vacuum removes old files."""

    def _queued_job(self):
        self.env["ir.config_parameter"].set_param("lot_traceability_reports.export_sync_limit", 0)
        job = self.env["lot.traceability.export"].create({"lot_ids": self.yogurt_lot.ids, "ftl_only": False})
        job.action_queue()
        self.assertEqual(job.state, "queued")
        return job

    def _run_cron_as_odoos_worker(self, cron):
        """What Odoo's cron worker does with a triggered cron (odoo/addons/base/tests/test_ir_cron.py): the
        registry is in test mode (ExportCommon), so its cursors are views on the test's transaction."""
        self.env.flush_all()
        with self.registry.cursor() as cron_cr:
            self.registry["ir.cron"]._process_job(
                self.registry.db_name,
                cron_cr,
                {**cron.read(load=None)[0], "done": 0, "remaining": 0, "timed_out_counter": 0},
            )
        self.env.invalidate_all()

    def test_the_cron_runs_one_job_a_batch_and_says_how_many_remain(self):
        first, second = self._queued_job(), self._queued_job()
        cron = self.env.ref("lot_traceability_reports.ir_cron_run_exports")
        progress_before = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)])

        self._run_cron_as_odoos_worker(cron)

        self.assertEqual((first | second).mapped("state"), ["done", "done"])
        self.assertEqual((first | second).mapped("rows_written"), [3, 3])
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)], order="id") - progress_before
        # one batch per job, each committed by the cron before the next one
        self.assertEqual(
            [(batch.done, batch.remaining) for batch in progress], [(1, 1), (1, 0)], "one job per batch, in order"
        )

    def test_a_users_call_never_commits_whatever_its_context(self):
        """A direct run is the request's transaction: nothing a caller sends makes a model method commit
        (in a test, a commit of the test's cursor raises)."""
        user = new_test_user(self.env, "export.cron.user", groups="stock.group_stock_user,stock.group_production_lot")
        job = (
            self.env["lot.traceability.export"]
            .with_user(user)
            .create({"lot_ids": self.yogurt_lot.ids, "ftl_only": False})
        )
        job.with_context(lot_traceability_export_commit=True).action_run()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.rows_written, 3)

    def test_old_files_are_removed_by_odoos_daily_vacuum(self):
        self.env["ir.config_parameter"].set_param("lot_traceability_reports.export_retention_days", 10)
        old, recent = (
            self.env["lot.traceability.export"].create({"lot_ids": self.yogurt_lot.ids, "ftl_only": False})
            for _i in range(2)
        )
        (old | recent).action_run()
        old.date_done = fields.Datetime.now() - timedelta(days=11)
        attachment = old.attachment_id
        self.assertFalse(
            self.env.ref("lot_traceability_reports.ir_cron_cleanup_exports", raise_if_not_found=False),
            "no cron of its own: Odoo's vacuum does it",
        )

        # As Odoo's own test of @api.autovacuum does (odoo/addons/test_new_api/tests/test_autovacuum.py).
        self.env.flush_all()
        with self.registry.cursor() as cr:
            self.env(cr=cr).ref("base.autovacuum_job").method_direct_trigger()
        self.env.invalidate_all()

        self.assertFalse(attachment.exists())
        self.assertFalse(old.attachment_id)
        self.assertTrue(old.file_removed_date)
        self.assertTrue(recent.attachment_id)
