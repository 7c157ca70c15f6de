"""FSMA 204 and EPCIS export throughput and memory on the trace benchmark database.

For each size (the first N critical tracking events of the database, by date) and each export, a
fresh process runs the export job as the cron does (``action_run``: read-only transaction,
server-side cursor, file, attachment) twice and reports its rows/s (the better run) and the peak
RSS of the process; then, in the same process, the bare writer writes the same rows, fetched into
memory first, and its rows/s (the better of two runs): the cells our FSMA export wrote, through
xlsxwriter in constant-memory mode; the events our EPCIS export wrote, through ``json``, each with
the event ID of the format (GS1's event hash, computed from the event in memory), and, for
comparison, ``json`` alone (``json_only_rows_s``). Nothing is committed (the files the rolled-back
jobs left in the filestore are garbage-collected). The last line printed is
    export rows=<n> ours_rows_s=<x> bare_rows_s=<y> ratio=<x/y> peak_mb=<m>
for the largest FSMA 204 export.

Each line also gives the CPU seconds of the better run, ``cpu_s`` (this process: the query's rows read, the file
written) and ``pg_cpu_s`` (the PostgreSQL backend that ran the export's read-only transaction, read from
``/proc``, so only when the server runs on this machine): on a shared machine the wall time follows the load, the
CPU time much less, which makes them the figures to compare between two runs.

Usage (inside the Odoo environment, see tests/benchmark/run_export):
    python bench_export.py --config odoo.conf --database bench [--sizes 10000,100000,1000000]
"""

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import xlsxwriter

import odoo
from odoo import SUPERUSER_ID, api


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def backend_cpu_s(pid):
    """CPU seconds (user and system) of the PostgreSQL backend ``pid``, or None when it is not a local process."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_backend_cpu(model_class, measured):
    """Make ``_read_only_env`` of the export (the transaction that reads every row) record the CPU its backend
    spent in ``measured["pg_cpu_s"]`` (only in this benchmark process)."""
    read_only_env = model_class._read_only_env

    @contextlib.contextmanager
    def measuring(self, *args, **kwargs):
        with read_only_env(self, *args, **kwargs) as (env, source):
            env.cr.execute("SELECT pg_backend_pid()")
            pid = env.cr.fetchone()[0]
            start = backend_cpu_s(pid)
            yield env, source
            end = backend_cpu_s(pid)
            measured["pg_cpu_s"] = None if start is None or end is None else end - start

    model_class._read_only_env = measuring


def run_one(args):
    """One export in this process: ours, then the bare writer on the same rows."""
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    from odoo.addons.lot_traceability_reports.tools import epcis, fsma204  # importable once the addons path is set

    captured = []
    # Record what our export wrote, for the bare writer (only in this benchmark process).
    fsma_add, epcis_add = fsma204.Fsma204Writer.add, epcis.EPCISDocumentWriter.add_json

    def capture_fsma(writer, values, *args, **kwargs):
        captured.append(values)
        return fsma_add(writer, values, *args, **kwargs)

    def capture_epcis(writer, text, *args, **kwargs):
        captured.append(json.loads(text))  # the event as our export wrote it, as a dict
        return epcis_add(writer, text, *args, **kwargs)

    measured = {}
    measure_backend_cpu(registry["lot.traceability.export"], measured)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        exports = env["lot.traceability.export"].with_context(lot_traceability_export_limit=args.size)
        job = exports.create({"export_type": args.type, "ftl_only": False})
        env.flush_all()
        before_mb = peak_mb()
        started, cpu_started = time.perf_counter(), time.process_time()
        job.action_run()
        ours_s = time.perf_counter() - started
        cpu_s, pg_cpu_s = time.process_time() - cpu_started, measured.get("pg_cpu_s")
        ours_peak = peak_mb()
        if job.state != "done":
            raise SystemExit(f"export failed: {job.error_message}")
        rows = job.rows_written
        file_mb = job.attachment_id.file_size / 1e6
        read_source = job.read_source
        cr.rollback()

        # The same rows again, kept in memory this time, for the bare writer.
        fsma204.Fsma204Writer.add, epcis.EPCISDocumentWriter.add_json = capture_fsma, capture_epcis
        job = exports.create({"export_type": args.type, "ftl_only": False})
        env.flush_all()
        started, cpu_started = time.perf_counter(), time.process_time()
        job.action_run()
        # The better of the two runs (the second one also keeps the rows, a list append per row).
        ours_s = min(ours_s, time.perf_counter() - started)
        cpu_s = min(cpu_s, time.process_time() - cpu_started)
        if pg_cpu_s is not None and measured.get("pg_cpu_s") is not None:
            pg_cpu_s = min(pg_cpu_s, measured["pg_cpu_s"])
        if job.state != "done" or len(captured) != rows:
            raise SystemExit(f"capturing the rows failed: {job.error_message}")
        cr.rollback()
        fsma204.Fsma204Writer.add, epcis.EPCISDocumentWriter.add_json = fsma_add, epcis_add
        # The jobs were rolled back, their files stay in the filestore marked for garbage collection.
        env["ir.attachment"]._gc_file_store_unsafe()
        cr.commit()

    bare_s = json_only_s = None
    with tempfile.TemporaryDirectory() as folder:
        for _run in range(2):  # the better of two runs, as for ours
            started = time.perf_counter()
            if args.type == "fsma204":
                bare_fsma(os.path.join(folder, "bare.xlsx"), captured)
            else:
                bare_json(os.path.join(folder, "bare.jsonld"), captured)
            elapsed = time.perf_counter() - started
            bare_s = elapsed if bare_s is None else min(bare_s, elapsed)
            if args.type == "epcis":
                started = time.perf_counter()
                bare_json(os.path.join(folder, "json.jsonld"), captured, with_ids=False)
                elapsed = time.perf_counter() - started
                json_only_s = elapsed if json_only_s is None else min(json_only_s, elapsed)
    print(
        json.dumps(
            {
                "type": args.type,
                "size": args.size,
                "rows": rows,
                "ours_s": ours_s,
                "cpu_s": cpu_s,
                "pg_cpu_s": pg_cpu_s,
                "bare_s": bare_s,
                "json_only_s": json_only_s,
                "peak_mb": ours_peak,
                "start_mb": before_mb,
                "file_mb": file_mb,
                "read_source": read_source,
            }
        )
    )


def bare_fsma(path, rows):
    """xlsxwriter in constant-memory mode, the same cells and formats, nothing else."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for row_index, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            if column == 3:
                sheet.write_datetime(row_index, column, value, date_format)
            elif column == 5:
                sheet.write_number(row_index, column, value)
            elif value:
                sheet.write_string(row_index, column, value)
    workbook.close()


def bare_json(path, events, with_ids=True):
    """The bare EPCIS writer: ``json`` writing the same events as one document, each with the event
    ID the format asks for (CBV 2.0 8.9.2: GS1's event hash of the event, computed from the event in
    memory by ``epcis.event_hash_id``, which gives the IDs of GS1's reference implementation), or
    ``json`` alone (``with_ids=False``: the events as our export wrote them, IDs included)."""
    from odoo.addons.lot_traceability_reports.tools import epcis

    with open(path, "w", encoding="utf-8") as stream:
        stream.write('{"type": "EPCISDocument", "epcisBody": {"eventList": [\n')
        for index, event in enumerate(events):
            if with_ids:
                event["eventID"] = epcis.event_hash_id(event)
            if index:
                stream.write(",\n")
            stream.write(json.dumps(event, ensure_ascii=False))
        stream.write("\n]}}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--types", default="fsma204,epcis")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--type", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return run_one(args)
    results = []
    for export_type in args.types.split(","):
        for size in (int(size) for size in args.sizes.split(",")):
            process = subprocess.run(
                [
                    *(sys.executable, __file__, "--config", args.config, "--database", args.database, "--one"),
                    *("--type", export_type, "--size", str(size)),
                ],
                check=False,
                capture_output=True,
                text=True,
            )
            if process.returncode:
                sys.exit(f"export type={export_type} size={size} failed:\n{process.stderr[-3000:]}")
            output = process.stdout
            result = json.loads(output.strip().splitlines()[-1])
            results.append(result)
            ours, bare = result["rows"] / result["ours_s"], result["rows"] / result["bare_s"]
            print(
                f"export type={export_type} size={size} rows={result['rows']} ours_s={result['ours_s']:.2f} "
                f"ours_rows_s={ours:.0f} bare_rows_s={bare:.0f} ratio={ours / bare:.2f} "
                f"peak_mb={result['peak_mb']:.1f} start_mb={result['start_mb']:.1f} file_mb={result['file_mb']:.1f} "
                f"read={result['read_source']} cpu_s={result['cpu_s']:.2f}"
                + (f" pg_cpu_s={result['pg_cpu_s']:.2f}" if result.get("pg_cpu_s") is not None else "")
                + (
                    f" json_only_rows_s={result['rows'] / result['json_only_s']:.0f}"
                    f" ratio_json_only={ours / (result['rows'] / result['json_only_s']):.2f}"
                    if result.get("json_only_s")
                    else ""
                ),
                flush=True,
            )
    for export_type in args.types.split(","):
        peaks = [result["peak_mb"] for result in results if result["type"] == export_type]
        print(
            f"export type={export_type} peak_mb min={min(peaks):.1f} max={max(peaks):.1f} "
            f"growth={(max(peaks) / min(peaks) - 1) * 100:.0f}%"
        )
    main_type = "fsma204" if any(result["type"] == "fsma204" for result in results) else results[0]["type"]
    last = max((result for result in results if result["type"] == main_type), key=lambda result: result["rows"])
    ours, bare = last["rows"] / last["ours_s"], last["rows"] / last["bare_s"]
    print(
        f"export rows={last['rows']} ours_rows_s={ours:.0f} bare_rows_s={bare:.0f} ratio={ours / bare:.2f} "
        f"peak_mb={last['peak_mb']:.1f}"
    )


if __name__ == "__main__":
    main()
