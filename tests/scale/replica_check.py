"""Runs a trace, the reads of a recall scope and an export job with Odoo's replica configured, and
checks from the standby's statement log that they ran there. Called by tests/scale/run_replica.

The trace and the recall scope's reads use Odoo's readonly cursor, which is what Odoo gives
read-only requests (``@api.readonly`` methods called from the web client, ``readonly=True`` routes)
when ``db_replica_host`` is set; the export job runs through its cron, whose job opens that
cursor itself. The last line printed is
    replica trace=<ok|FAIL> recall_scope=<ok|FAIL> export=<ok|FAIL> read_source=<replica|primary>
"""

import argparse
import os
import sys

import odoo
from odoo import SUPERUSER_ID, api


def log_since(path, offset):
    with open(path, encoding="utf-8", errors="replace") as stream:
        stream.seek(offset)
        return stream.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--standby-log", required=True)
    parser.add_argument("--primary-log", required=True)
    parser.add_argument("--standby-port", required=True)
    parser.add_argument("--socket-dir", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    if registry._db_readonly is None:
        sys.exit("Odoo has no replica connection: db_replica_host is not set")

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute(
            """
            SELECT lot_id FROM stock_move_line line JOIN stock_location dest ON dest.id = line.location_dest_id
             WHERE line.state = 'done' AND line.lot_id IS NOT NULL AND dest.usage = 'customer'
             ORDER BY line.id LIMIT 1
            """
        )
        row = cr.fetchone()
        if not row:
            sys.exit("the database has no delivered lot to trace")
        lot_id = row[0]
        recall = env["stock.lot.recall"].search([], limit=1)
        job = env["lot.traceability.export"].create(
            {"export_type": "fsma204", "lot_ids": [lot_id], "include_traced_lots": True, "ftl_only": False}
        )
        cr.commit()
        job_id = job.id

    offset = os.path.getsize(args.standby_log)
    checks = {}
    with registry.cursor(readonly=True) as cr:  # what a read-only request gets
        cr.execute("SELECT pg_is_in_recovery(), current_setting('port')")
        in_recovery, port = cr.fetchone()
        print(f"readonly cursor: pg_is_in_recovery={in_recovery} port={port}")
        env = api.Environment(cr, SUPERUSER_ID, {})
        lot = env["stock.lot"].browse(lot_id)
        trace = lot.trace("both")
        print(f"trace of lot {lot.name}: {len(trace['lot_ids'])} lots, {len(trace['move_line_ids'])} move lines")
        if recall:
            recall = recall.with_env(env)
            seeds = recall._get_seed_lots()
            scope = seeds.trace("downstream")
            balances = recall._get_mass_balance(scope["lot_ids"])
            print(f"recall {recall.name} scope: {len(scope['lot_ids'])} lots, {len(balances)} balance lines")
        else:
            seeds = lot
            scope = lot.trace("downstream")
            print(f"recall scope (no recall in the database; seed {lot.name}): {len(scope['lot_ids'])} lots")

    # Progress after every row, so that this tiny export shows it: each count is committed by a
    # transaction of its own while the job's own transaction runs.
    from odoo.addons.lot_traceability_reports.models import lot_traceability_export as export_module

    export_module.BATCH_SIZE, export_module.PROGRESS_EVERY = 1, 0
    primary_offset = os.path.getsize(args.primary_log)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["lot.traceability.export"]._cron_run_exports()
        job = env["lot.traceability.export"].browse(job_id)
        print(
            f"export {job.name}: state={job.state} rows={job.rows_written} read_source={job.read_source} "
            f"error={job.error_message or ''}"
        )
        read_source = job.read_source
        checks["export_done"] = job.state == "done"
        cr.commit()

    progress = [line for line in log_since(args.primary_log, primary_offset).splitlines() if "SET rows_written" in line]
    checks["progress"] = bool(progress)
    print(f"progress committed while running: {len(progress)} updates on the primary, e.g.")
    for line in progress[:2]:
        print("  " + line[:160])
    statements = log_since(args.standby_log, offset)
    checks["trace"] = all(f"lot_traceability_trace_{walk}" in statements for walk in ("upstream", "downstream"))
    checks["recall_scope"] = (not recall) or "WITH flows AS" in statements
    checks["export"] = 'DECLARE "lot_traceability_export_' in statements and checks["export_done"]
    print("standby statement log (excerpts):")
    for line in statements.splitlines():
        if any(key in line for key in ("lot_traceability_trace_", "WITH flows AS", 'DECLARE "lot_traceability_export')):
            print("  " + line[:160])
    verdict = {name: "ok" if passed else "FAIL" for name, passed in checks.items()}
    export_ok = "ok" if checks["export"] and read_source == "replica" else "FAIL"
    print(
        f"replica trace={verdict['trace']} recall_scope={verdict['recall_scope']} export={export_ok} "
        f"read_source={read_source} progress={verdict['progress']}"
    )
    if not (all(checks.values()) and read_source == "replica"):
        sys.exit(1)


if __name__ == "__main__":
    main()
