from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, get_db_name, tagged


class ExportRaceCommon(TransactionCase):
    """A queued export job committed before the test transaction starts, so that another connection (the
    cron's) sees and locks it, as in production. One test per class: a test that commits a change to the
    job leaves the class's older snapshot behind it."""

    @classmethod
    def setUpClass(cls):
        with Registry(get_db_name()).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # every job queued before this one (none in a test database) would be claimed first
            env.cr.execute("SELECT count(*) FROM lot_traceability_export WHERE state = 'queued'")
            cls.queued_before = env.cr.fetchone()[0]
            cls.job_id = env["lot.traceability.export"].create({"ftl_only": False}).id
        cls.addClassCleanup(cls._delete_job)
        super().setUpClass()

    @classmethod
    def _delete_job(cls):
        with Registry(get_db_name()).cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["lot.traceability.export"].browse(cls.job_id).unlink()

    def _cron_locks_the_job(self, cr):
        """What the cron holds in another connection from the moment it picks the job until the
        transaction that sets it running commits: the job's row lock."""
        cr.execute("SELECT id FROM lot_traceability_export WHERE id = %s FOR NO KEY UPDATE", [self.job_id])


@tagged("post_install", "-at_install")
class TestExportRunWhileTheCronClaimsIt(ExportRaceCommon):
    def test_a_direct_run_of_a_job_the_cron_picked_is_refused_at_once(self):
        job = self.env["lot.traceability.export"].browse(self.job_id)
        self.assertEqual(job.state, "queued")
        with Registry(get_db_name()).cursor() as cron_cr:
            self._cron_locks_the_job(cron_cr)
            # (without a lock timeout, a run that waits for the cron's lock would wait for ever here)
            self.env.cr.execute("SET LOCAL lock_timeout = '3s'")
            with self.assertRaisesRegex(UserError, "is being run right now"):
                job.action_run()
            cron_cr.rollback()
        self.assertEqual(job.state, "queued")
        self.assertFalse(job.attachment_id)


@tagged("post_install", "-at_install")
class TestExportRunAfterTheCronStartedIt(ExportRaceCommon):
    def test_a_direct_run_begun_before_the_cron_started_the_job_is_refused(self):
        job = self.env["lot.traceability.export"].browse(self.job_id)
        self.assertEqual(job.state, "queued", "this transaction's snapshot: queued")
        with Registry(get_db_name()).cursor() as cron_cr:
            self._cron_locks_the_job(cron_cr)
            cron_cr.execute("UPDATE lot_traceability_export SET state = 'running' WHERE id = %s", [self.job_id])
            cron_cr.commit()
            try:
                with self.assertRaisesRegex(UserError, "is being run right now|already running"):
                    job.action_run()
                self.assertFalse(job.attachment_id)
            finally:
                cron_cr.execute("UPDATE lot_traceability_export SET state = 'queued' WHERE id = %s", [self.job_id])
                cron_cr.commit()


@tagged("post_install", "-at_install")
class TestCronWhileAUserRunsTheJob(ExportRaceCommon):
    def test_the_cron_skips_a_job_a_user_is_running(self):
        job = self.env["lot.traceability.export"].browse(self.job_id)
        Export = self.env["lot.traceability.export"]
        self.assertFalse(self.queued_before, "no other queued job in the test database")
        with Registry(get_db_name()).cursor() as cron_cr:
            self.assertEqual(api.Environment(cron_cr, SUPERUSER_ID, {})[Export._name]._claim_next_job().id, self.job_id)
            cron_cr.rollback()
        job = Export.browse(self.job_id)
        job._lock_for_run()  # what a user's direct run holds until its request ends
        with Registry(get_db_name()).cursor() as cron_cr:
            cron_exports = api.Environment(cron_cr, SUPERUSER_ID, {})[Export._name]
            self.assertFalse(cron_exports._claim_next_job(), "locked: skipped, never run a second time")
            cron_exports._cron_run_exports()
            cron_cr.rollback()
