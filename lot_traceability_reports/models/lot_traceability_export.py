import hashlib
import logging
import os
import queue
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, fields, models, sql_db
from odoo.addons.lot_traceability.tools.server_write import is_server_write, server_write
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

# The job inherits this mixin: its class must exist first, whichever module imports this one.
from . import lot_traceability_export_filter_mixin  # noqa: F401

_logger = logging.getLogger(__name__)

# What each type writes: extension and MIME type of its file.
EXPORT_FILES = {
    "fsma204": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "epcis": ("jsonld", "application/ld+json"),
    "lot_costing": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "recall": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
STATES = [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")]
PARAM_RETENTION_DAYS = "lot_traceability_reports.export_retention_days"
PARAM_SYNC_LIMIT = "lot_traceability_reports.export_sync_limit"
DEFAULT_RETENTION_DAYS = 30
DEFAULT_SYNC_LIMIT = 2000
BATCH_SIZE = 5000  # rows fetched from the server-side cursor at a time
PROGRESS_EVERY = 2.0  # seconds between two committed progress updates
STALE_RUNNING = timedelta(hours=2)  # a running job without progress for this long lost its worker
# Written by the export itself (who asked, its run, its file), never by a user: the daily vacuum
# deletes the file of an old done job, the job runs as its requester.
SERVER_FIELDS = {
    "state",
    "user_id",
    "attachment_id",
    "rows_written",
    "date_started",
    "date_done",
    "progress_date",
    "duration",
    "read_source",
    "error_message",
    "warning_message",
    "file_removed_date",
}
# What the file holds: checked against the requester, and left as they were once the job started.
FILTER_FIELDS = {
    "export_type",
    "date_from",
    "date_to",
    "lot_ids",
    "include_traced_lots",
    "product_ids",
    "ftl_only",
    "recall_id",
    "company_id",
    "company_ids",
}


class LotTraceabilityExport(models.Model):
    """A file a regulator, a partner or an accountant asked for, written in the background.

    The UI queues a job and triggers the ``ir.cron`` "Run Traceability Exports", which runs the queue
    one job a batch (:meth:`_cron_run_exports`); small jobs run at once in the user's request
    (:meth:`action_run`). A job reads every row in a read-only transaction (on the replica when
    ``db_replica_host`` is set), streams them from a server-side cursor into the file and attaches it;
    run by the cron, it reports the rows written through short committed transactions. Old files are
    removed by Odoo's daily vacuum (:meth:`_gc_exports`). Each export type plugs in as a method
    ``_export_<type>(params, path, progress)``.
    """

    _name = "lot.traceability.export"
    _description = "Traceability Export"
    _inherit = ["mail.thread", "lot.traceability.export.filter.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default="/")
    export_type = fields.Selection(tracking=True)
    state = fields.Selection(STATES, default="queued", required=True, readonly=True, copy=False, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        "Requested By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        help="Who asked for the file: the export reads what this user may see and notifies them.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        default=lambda self: self.env.companies,
        help="Companies whose moves are exported: those selected by the requester when asking, and "
        "never one the requester may no longer access when the job runs.",
    )
    recall_id = fields.Many2one(check_company=True, index="btree_not_null")
    attachment_id = fields.Many2one("ir.attachment", "File", readonly=True, copy=False)
    file_name = fields.Char(related="attachment_id.name")
    rows_written = fields.Integer(readonly=True, copy=False, help="Rows (events) written so far.")
    date_started = fields.Datetime("Started On", readonly=True, copy=False)
    date_done = fields.Datetime("Finished On", readonly=True, copy=False)
    progress_date = fields.Datetime("Last Progress", readonly=True, copy=False)
    duration = fields.Float("Duration (s)", readonly=True, copy=False, digits=(16, 2))
    read_source = fields.Selection(
        [("replica", "Replica (read-only)"), ("primary", "Primary (read-only transaction)")],
        "Read From",
        readonly=True,
        copy=False,
        help="Where the rows were read: a read-only transaction on the replica set by db_replica_host, "
        "else on the main database.",
    )
    error_message = fields.Text("Error", readonly=True, copy=False)
    warning_message = fields.Text("Warnings", readonly=True, copy=False)
    file_removed_date = fields.Datetime("File Removed On", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if SERVER_FIELDS & set(vals):
                self._check_server_write()
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("lot.traceability.export") or "/"
        exports = super().create(vals_list)
        exports._check_requester_access()
        return exports

    def write(self, vals):
        if SERVER_FIELDS & set(vals):
            self._check_server_write()
        if FILTER_FIELDS & set(vals) and not self._is_server_write():
            started = self.filtered(lambda export: export.state in ("running", "done"))
            if started:
                raise UserError(
                    self.env._(
                        "Export %(name)s has started: its filters cannot be changed any more; request a new export.",
                        name=started[0].name,
                    )
                )
        result = super().write(vals)
        if {"lot_ids", "product_ids", "recall_id", "export_type"} & set(vals):
            self._check_requester_access()
        return result

    def _is_server_write(self):
        return self.env.su or is_server_write("lot.traceability.export")

    def _check_server_write(self):
        if not self._is_server_write():
            raise UserError(
                self.env._(
                    "The requester, state, figures and file of an export are written by the export itself, "
                    "never by hand."
                )
            )

    def _check_requester_access(self):
        """Lots, products and the recall of the filters must be readable by the requester, and what the file
        shows beyond lots and moves too."""
        self._check_requester_rights()
        for export in self:
            for records in (export.lot_ids, export.product_ids, export.recall_id):
                try:
                    records.with_user(export.user_id).check_access("read")
                except AccessError as error:
                    raise AccessError(
                        self.env._(
                            "%(user)s may not read the %(model)s to export: %(error)s",
                            user=export.user_id.name,
                            model=records._description,
                            error=error,
                        )
                    ) from error

    def _check_requester_rights(self):
        """Lot costing shows costs, sales and margins; the recall report the customer notifications: only to
        requesters who may read them in Odoo."""
        for export in self:
            user = export.user_id
            try:
                if export.export_type == "lot_costing":
                    self.env["stock.lot"].with_user(user).check_field_access_rights(
                        "read", ["costing_total", "costing_revenue", "costing_margin"]
                    )
                elif export.export_type == "recall":
                    self.env["stock.lot.recall.notification"].with_user(user).check_access("read")
            except AccessError as error:
                raise AccessError(
                    self.env._(
                        "%(user)s may not read what the %(type)s export holds: %(error)s",
                        user=user.name,
                        type=dict(export._fields["export_type"]._description_selection(self.env))[export.export_type],
                        error=error,
                    )
                ) from error

    # ------------------------------------------------------------------
    # Queue and run
    # ------------------------------------------------------------------

    def action_queue(self):
        """Queue the jobs and wake the export cron up; small exports (up to the synchronous limit of rows,
        a setting) run at once instead."""
        limit = self._get_sync_limit()
        to_queue = self.env["lot.traceability.export"]
        self._check_not_started()
        for export in self:
            export._check_export_type()
            rows = export._count_rows(limit + 1)
            if not rows:
                raise UserError(export._get_no_rows_message())
            if rows <= limit:
                export._run_now()
            else:
                to_queue |= export
        if to_queue:
            with server_write("lot.traceability.export"):
                to_queue.write({"state": "queued"})
            self.env.ref("lot_traceability_reports.ir_cron_run_exports")._trigger()
        return True

    @api.model
    def _get_sync_limit(self):
        """Most rows an export writes in the request of the user who asks for it; larger ones are the cron's."""
        return int(self.env["ir.config_parameter"].sudo().get_param(PARAM_SYNC_LIMIT, DEFAULT_SYNC_LIMIT))

    def action_retry(self):
        """Queue failed jobs again (their error is kept until they run)."""
        for export in self:
            if export.state != "failed":
                raise UserError(
                    self.env._(
                        "Only failed exports can be retried; %(name)s is %(state)s.",
                        name=export.name,
                        state=dict(export._fields["state"]._description_selection(self.env))[export.state],
                    )
                )
        with server_write("lot.traceability.export"):
            self.write({"state": "queued", "rows_written": 0})
        self.env.ref("lot_traceability_reports.ir_cron_run_exports")._trigger()
        return True

    def action_run(self):
        """Do the exports now and leave each file in ``attachment_id``.

        A queued job is the cron's: a user (a button, an RPC call) runs here only a job of at most the
        synchronous limit of rows and is told to queue a larger one (:meth:`action_queue`); server code
        (the cron's run, the benchmark) runs any size. A job runs once: it is locked before it starts, and
        a job the cron or another user is running, or has run, is refused. A failing export leaves the
        job *failed* with its error and no file, never a half-written file marked done.
        """
        self._check_export_type()
        self._check_not_started()
        if not self.env.su:
            limit = self._get_sync_limit()
            for export in self:
                if export._count_rows(limit + 1) > limit:
                    raise UserError(
                        self.env._(
                            "Export %(name)s has more than %(limit)s rows, the most an export writes while you "
                            "wait: queue it (Run on a new export, Retry on a failed one) and the background job "
                            "writes it; you are notified when the file is ready.",
                            name=export.name,
                            limit=limit,
                        )
                    )
        for export in self:
            export._run_now()
        return True

    def _run_now(self):
        """Run this job in the current transaction, under its row lock: a user's direct run (or server code
        such as the benchmark). Nobody sees the job before that transaction ends, so no progress is written
        meanwhile, and nothing here commits."""
        self.ensure_one()
        self._lock_for_run()
        with server_write("lot.traceability.export"):
            run = self._start_run()
            try:
                self._write_file(run)
                self._finish_run(run)
            finally:
                self._remove_file(run)

    def _lock_for_run(self):
        """Lock the job's row at once and read its state again: a job the cron or another user is running
        (its row is locked) or started since this transaction began is refused, never run twice."""
        self.ensure_one()
        self.flush_recordset()
        try:
            # In a savepoint, so that the transaction stays usable to report the error.
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL("SELECT id FROM lot_traceability_export WHERE id = %s FOR NO KEY UPDATE NOWAIT", self.id)
                )
        except (LockNotAvailable, SerializationFailure) as error:
            raise UserError(
                self.env._(
                    "Export %(name)s is being run right now (by the background job or another user): reload it "
                    "to follow it.",
                    name=self.name,
                )
            ) from error
        self.invalidate_recordset(["state"])
        self._check_not_started()

    def _check_not_started(self):
        for export in self:
            if export.state in ("running", "done"):
                raise UserError(
                    self.env._(
                        "Export %(name)s is already %(state)s: it cannot be started twice.",
                        name=export.name,
                        state=dict(export._fields["state"]._description_selection(self.env))[export.state].lower(),
                    )
                )

    def _check_export_type(self):
        for export in self:
            if not hasattr(export, f"_export_{export.export_type}"):
                raise UserError(
                    self.env._(
                        "The %(type)s export is not available yet.",
                        type=dict(export._fields["export_type"]._description_selection(self.env))[export.export_type],
                    )
                )

    def _start_run(self):
        """Set the job running and read what it exports. Returns the run, a dict that
        :meth:`_write_file` and :meth:`_finish_run` complete: the job, its requester, when it started,
        the export's parameters or, when the requester may no longer export them, the error."""
        self.ensure_one()
        self.write(
            {
                "state": "running",
                "date_started": fields.Datetime.now(),
                "progress_date": fields.Datetime.now(),
                "rows_written": 0,
                "error_message": False,
                "warning_message": False,
            }
        )
        extension, mimetype = EXPORT_FILES[self.export_type]
        run = {
            "job_id": self.id,
            "user_id": self.user_id.id,
            "started": time.monotonic(),
            "extension": extension,
            "mimetype": mimetype,
            "path": None,
            "error": None,
        }
        try:
            # a requester who lost access to the companies or the data fails the job
            run["params"] = self._prepare_export_params()
        except Exception as error:  # any failure is stored on the job, which can be retried
            run["error"] = error
        return run

    def _write_file(self, run, progress=None):
        """Write the job's file into a temporary file, reading in a read-only transaction of its own
        (:meth:`_read_only_env`). What came of it goes into ``run``: the file, its rows, warnings and where
        they were read, or the error. Never raises: a failure is the job's (:meth:`_finish_run`).

        :param progress: a callable ``progress(rows)`` told the rows written so far, or None
        """
        self.ensure_one()
        if run["error"]:
            return run
        params = run["params"]
        handle, run["path"] = tempfile.mkstemp(prefix="lot_traceability_export_", suffix=f".{run['extension']}")
        os.close(handle)
        try:
            with self._read_only_env(params["user_id"]) as (env, read_source):
                exporter = env["lot.traceability.export"].with_context(lang=params["lang"])
                result = getattr(exporter, f"_export_{params['export_type']}")(
                    params, run["path"], progress or (lambda rows: None)
                )
            if not result["rows"]:
                raise UserError(self._get_no_rows_message())
            run.update(rows=result["rows"], warnings=result.get("warnings", []), read_source=read_source)
        except Exception as error:  # any failure is stored on the job, which can be retried
            run["error"] = error
        return run

    def _finish_run(self, run):
        """Record on the job what came of its run: done with its file attached, or failed with its error and
        no file (never a half-written file marked done); the requester is notified either way."""
        self.ensure_one()
        error = run["error"]
        if not error:
            try:
                with self.env.cr.savepoint():
                    attachment = self._attach_file(run["path"], run["mimetype"], run["extension"])
                    self.write(
                        {
                            "state": "done",
                            "attachment_id": attachment.id,
                            "rows_written": run["rows"],
                            "read_source": run["read_source"],
                            "date_done": fields.Datetime.now(),
                            "duration": time.monotonic() - run["started"],
                            "warning_message": "\n".join(run["warnings"]) or False,
                        }
                    )
                    self._notify_requester()
                return
            except Exception as failure:  # any failure is stored on the job, which can be retried
                error = failure
        self.env.invalidate_all()
        if not isinstance(error, UserError | ValidationError):
            _logger.error("Traceability export %s failed", self.name, exc_info=error)
        self.write(
            {
                "state": "failed",
                "error_message": str(error.args[0]) if error.args else repr(error),
                "date_done": fields.Datetime.now(),
                "duration": time.monotonic() - run["started"],
                "attachment_id": False,
            }
        )
        self._notify_requester()

    @api.model
    def _remove_file(self, run):
        if run.get("path") and os.path.exists(run["path"]):
            os.unlink(run["path"])

    def _prepare_export_params(self):
        """Everything an export reads from the job, as plain values: the export itself runs on
        another (read-only) cursor, which may not see this job yet."""
        self.ensure_one()
        # Read as superuser: the filters were checked against the requester when the job was made,
        # and the companies are cut down to those the requester may access now.
        export = self.sudo()
        export._check_requester_rights()
        user = export.user_id
        company_ids = (export.company_ids & user.company_ids).ids or (export.company_id & user.company_ids).ids
        if not company_ids:
            raise AccessError(
                self.env._(
                    "%(user)s no longer has access to the companies of export %(name)s.",
                    user=user.name,
                    name=export.name,
                )
            )
        company = export.company_id
        if company.id not in company_ids:
            company = export.env["res.company"].browse(company_ids[0])
        return {
            "job_id": export.id,
            "name": export.name,
            "export_type": export.export_type,
            "user_id": user.id,
            "company_id": company.id,
            "company_ids": company_ids,
            "date_from": export.date_from,
            "date_to": export.date_to,
            "lot_ids": export.lot_ids.ids or None,
            "include_traced_lots": export.include_traced_lots,
            "product_ids": export.product_ids.ids or None,
            "ftl_only": export.ftl_only,
            "recall_id": export.recall_id.id or None,
            "tz": company.partner_id.tz or user.tz or "UTC",
            "lang": user.lang or "en_US",
            # the first rows only (tests/benchmark/bench_export.py's sizes)
            "limit": self.env.context.get("lot_traceability_export_limit"),
        }

    @contextmanager
    def _read_only_env(self, uid=None):
        """An environment of ``uid`` (default: the job's requester) on a read-only transaction: on the
        replica when ``db_replica_host`` is configured (Odoo's readonly cursor), else on the primary with
        ``SET TRANSACTION READ ONLY``. Yields ``(env, read_source)``."""
        self.env.flush_all()
        with self.env.registry.cursor(readonly=True) as cr:
            cr.execute("SET TRANSACTION READ ONLY")
            # Compiling an export's plan (hundreds of expressions, estimated costly because it reads
            # every event) takes longer than running it (README, "Planner settings", has the figures).
            cr.execute("SET LOCAL jit = off")
            # the sort that orders every event before the first row stays in memory (README, "Planner settings")
            cr.execute("SET LOCAL work_mem = '64MB'")
            cr.execute("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")
            in_recovery, read_only = cr.fetchone()
            if read_only != "on":  # never export from a transaction that could write
                raise UserError(self.env._("The export could not open a read-only transaction."))
            env = api.Environment(cr, uid or self.user_id.id or self.env.uid, dict(self.env.context))
            yield env, "replica" if in_recovery else "primary"

    @api.model
    def _get_progress_writer(self, job_id):
        """A callable ``progress(rows)`` writing the rows done on a job the cron set running, at most
        every few seconds, through a short transaction of its own, so that the job's form shows them
        while it runs.

        On a connection of its own (never a test's shared cursor): in a test, the job the test created
        is not committed, so there is nothing to update. A job row someone else holds locked at that
        moment is skipped rather than waited for: the next count, or the final one, is written instead.
        """
        connection = sql_db.db_connect(self.env.cr.dbname)
        last = {"at": time.monotonic()}

        def progress(rows):
            now = time.monotonic()
            if now - last["at"] < PROGRESS_EVERY:
                return
            last["at"] = now
            with connection.cursor() as cr:
                cr.execute(
                    SQL(
                        """
                        UPDATE lot_traceability_export
                           SET rows_written = %(rows)s, progress_date = now() AT TIME ZONE 'UTC'
                         WHERE id = (SELECT id FROM lot_traceability_export
                                      WHERE id = %(id)s AND state = 'running' FOR NO KEY UPDATE SKIP LOCKED)
                        """,
                        rows=rows,
                        id=job_id,
                    )
                )

        return progress

    def _attach_file(self, path, mimetype, extension):
        """The file as an attachment of the job, copied to the filestore in chunks (never held in
        memory whole when attachments live in files, as by default)."""
        attachment_model = self.env["ir.attachment"]
        date_label = fields.Date.context_today(self).isoformat()
        vals = {
            "name": f"{self.name.replace('/', '-')}_{self.export_type}_{date_label}.{extension}",
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": mimetype,
        }
        if attachment_model._storage() != "file":
            with open(path, "rb") as stream:
                vals["raw"] = stream.read()
            return attachment_model.create(vals)
        sha1 = hashlib.sha1(usedforsecurity=False)
        size = 0
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                sha1.update(chunk)
                size += len(chunk)
        checksum = sha1.hexdigest()
        store_fname = f"{checksum[:2]}/{checksum}"
        full_path = attachment_model._full_path(store_fname)
        if not os.path.exists(full_path):
            os.makedirs(os.path.dirname(full_path), exist_ok=True)
            shutil.copyfile(path, full_path)
            attachment_model._mark_for_gc(store_fname)
        attachment = attachment_model.create(vals)
        # ir.attachment computes these from content it holds in memory; the file is already in the
        # filestore, so they are set as _file_write would have set them.
        self.env.cr.execute(
            SQL(
                "UPDATE ir_attachment SET store_fname = %s, checksum = %s, file_size = %s WHERE id = %s",
                store_fname,
                checksum,
                size,
                attachment.id,
            )
        )
        attachment.invalidate_recordset(["store_fname", "checksum", "file_size", "raw", "datas"])
        return attachment

    def _get_no_rows_message(self):
        return self.env._(
            "No critical tracking event matches the filters of %(name)s: check the lots, products, "
            "period and the Food Traceability List option (only flagged products are exported by default).",
            name=self.name,
        )

    def _notify_requester(self):
        """A note on the job for the requester (inbox) and a notification in their browser."""
        self.ensure_one()
        if self.state == "done":
            body = self.env._(
                "Export %(name)s is ready: %(rows)s rows in %(file)s.",
                name=self.name,
                rows=self.rows_written,
                file=self.attachment_id.name,
            )
        else:
            body = self.env._("Export %(name)s failed: %(error)s", name=self.name, error=self.error_message)
        self.sudo().message_post(
            body=body,
            author_id=self.env.ref("base.partner_root").id,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "success" if self.state == "done" else "danger",
                "title": self.env._("Traceability export"),
                "message": body,
            },
        )

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_exports(self):
        """Cron "Run Traceability Exports" (triggered when a job is queued): run the oldest queued job.

        Odoo's cron does the rest: this runs one job and says how many are left
        (``ir.cron._notify_progress``), and the cron calls it again at once while some are, committing in
        between (ten jobs a run, then again as soon as the other crons had their turn). Odoo never runs one
        cron in two workers at once, so jobs run one after the other; a job a user is running directly (its
        row is locked) is skipped (:meth:`_claim_next_job`).

        Besides the read-only transaction it reads from, a job needs two transactions of its own, opened
        here: the first sets it running and commits, so that its requester sees it run and its progress can
        be written on its row by short transactions while the file is written; the second records the file
        or the error, on a snapshot taken after that progress (writing the row from a transaction begun
        before would fail to serialize). In a test, the registry's cursors are views on the test's
        transaction: the same code runs there.
        """
        self.env.flush_all()
        registry = self.env.registry
        with registry.cursor() as cr:
            export = self.with_env(self.env(cr=cr))._claim_next_job()
            if not export:
                return
            run = export.with_user(export.user_id).sudo()._start_run()
        try:
            export = self.browse(run["job_id"]).with_user(run["user_id"]).sudo()
            export._write_file(run, self._get_progress_writer(run["job_id"]))
            with registry.cursor() as cr:
                export = export.with_env(export.env(cr=cr))
                export._finish_run(run)
                remaining = export.search_count([("state", "=", "queued")])
        finally:
            self._remove_file(run)
        # the job was written by transactions of its own: drop what this one may have read of it
        self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=1, remaining=remaining)

    @api.model
    def _claim_next_job(self):
        """The oldest queued job, its row locked until the transaction that sets it running commits
        (:meth:`_cron_run_exports`), or an empty recordset. Odoo's cron lock keeps two workers from
        running the cron at once; what it cannot see is a user's direct run, which holds the job's row
        (:meth:`_lock_for_run`): such a job is skipped, never waited for nor run twice, and a job a user
        ran since this transaction began is left as it is."""
        self.flush_model(["state"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """
                        SELECT id FROM lot_traceability_export
                         WHERE state = 'queued' ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED
                        """
                    )
                )
                row = self.env.cr.fetchone()
        except SerializationFailure:
            return self.browse()
        return self.browse(row[0]) if row else self.browse()

    @api.autovacuum
    def _gc_exports(self):
        """Odoo's daily vacuum: remove the files of exports finished more than the retention period ago
        (setting; the job stays), and fail jobs whose worker stopped while running."""
        days = int(self.env["ir.config_parameter"].sudo().get_param(PARAM_RETENTION_DAYS, DEFAULT_RETENTION_DAYS))
        now = fields.Datetime.now()
        old = self.search(
            [("state", "=", "done"), ("date_done", "<", now - timedelta(days=days)), ("attachment_id", "!=", False)],
            limit=models.GC_UNLINK_LIMIT,
        )
        if len(old) == models.GC_UNLINK_LIMIT:  # the rest on the vacuum's next run, soon
            self.env.ref("base.autovacuum_job")._trigger()
        attachments = old.attachment_id
        with server_write("lot.traceability.export"):
            old.write({"attachment_id": False, "file_removed_date": now})
            attachments.unlink()
            stale = self.search([("state", "=", "running"), ("progress_date", "<", now - STALE_RUNNING)])
            stale.write(
                {
                    "state": "failed",
                    "error_message": self.env._("The export stopped without finishing (worker restarted?): retry it."),
                }
            )
        return old

    # ------------------------------------------------------------------
    # Reading rows
    # ------------------------------------------------------------------

    def _count_rows(self, limit):
        """Rows the export would write, counted up to ``limit`` (decides whether it runs at once)."""
        self.ensure_one()
        if not hasattr(self, f"_get_{self.export_type}_query"):
            return limit
        params = self._prepare_export_params()
        with self._read_only_env() as (env, _source):
            query = getattr(env["lot.traceability.export"], f"_get_{self.export_type}_query")(params)
            env.cr.execute(SQL("SELECT count(*) FROM (%s LIMIT %s) counted", query, limit))
            return env.cr.fetchone()[0]

    @api.model
    def _stream_rows(self, query, prepare=None, batch_size=None):
        """Rows of ``query`` in batches, from a server-side cursor of this (read-only) transaction:
        never more than a few batches in memory.

        A reader thread fetches the next batch (and runs ``prepare(batch)``, which may query this
        cursor too) while the caller writes the current one: PostgreSQL and the file writer work at
        the same time. The cursor is used by the reader thread only until the last batch is out.
        """
        batches = queue.Queue(maxsize=2)
        stop = threading.Event()

        def read():
            try:
                for batch in self._fetch_batches(query, batch_size or BATCH_SIZE):
                    if prepare:
                        prepare(batch)
                    while not stop.is_set():
                        try:
                            batches.put(batch, timeout=0.2)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                batches.put(None)
            except Exception as error:  # handed over to the caller's thread
                batches.put(error)

        reader = threading.Thread(target=read, name="lot_traceability_export_reader", daemon=True)
        reader.start()
        try:
            while (item := batches.get()) is not None:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            stop.set()
            reader.join()

    @api.model
    def _fetch_batches(self, query, batch_size):
        name = SQL.identifier(f"lot_traceability_export_{os.getpid()}_{id(query)}")
        self.env.cr.execute(SQL("DECLARE %s NO SCROLL CURSOR FOR %s", name, query))
        while True:
            self.env.cr.execute(SQL("FETCH FORWARD %s FROM %s", batch_size, name))
            rows = self.env.cr.fetchall()
            if not rows:
                break
            yield rows
        # (the end of the transaction closes it too, when the export stops early)
        self.env.cr.execute(SQL("CLOSE %s", name))

    @api.model
    def _get_period_bounds(self, params):
        """UTC bounds of the period: from the start of ``date_from`` to the end of ``date_to``,
        both days in the company's time zone."""
        tz = params["tz"]
        start = end = None
        if params["date_from"]:
            start = self._local_midnight_utc(params["date_from"], tz)
        if params["date_to"]:
            end = self._local_midnight_utc(params["date_to"] + timedelta(days=1), tz)
        return start, end

    @api.model
    def _local_midnight_utc(self, day, tz):
        from zoneinfo import ZoneInfo

        local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))
        return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
