"""Invariants of a hold load run (tests/load/run_hold), read from the database once Odoo has stopped.

- holds: requested, committed, refused at once with a clear message, failed otherwise (must be 0), for the
  QA manager's signatures and the recall manager's recalls, and how long a committed hold took;
- shipped after a hold committed (must be 0), counted twice: by the database (a done delivery line of a lot
  dated strictly inside a period where the lot's history says it was not released) and by the clients (a
  validation sent after the hold's answer came back and before its release was sent, that shipped the lot);
- serialization failures and deadlocks any request answered (must be 0), other unexpected errors (must be 0);
- nothing lost (must be 0): every hold answered as committed is signed or recalled in the database and
  every validation answered as done is done; stock on hand is what was put in stock minus what was shipped;
  every quant's reserved quantity is what its open move lines reserve; every signature chain verifies;
- throughput: calls and validated deliveries per second; the retries Odoo made on its own (from its log).

Prints the figures, last a single line of invariants; exits 1 when one is broken.
"""

import argparse
import json
import re
import sys
from collections import Counter, defaultdict

import odoo
from odoo import SUPERUSER_ID, api, fields

CONCURRENCY_ERRORS = re.compile(
    r"serializ|deadlock|TransactionRollback|LockNotAvailable|could not obtain lock|lock timeout", re.I
)
# Answers a user gets when the lot is busy or held: expected under this load, and clear.
CLEAR_REFUSALS = re.compile(
    r"right now; try again|being changed by another user|cannot be shipped|cannot be put on hold"
    r"|no quantities are reserved"
)


LOG_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def held_periods(cr, lot_ids):
    """{lot id: [(start, end or None)]}: when each lot was not released, from its history."""
    cr.execute(
        "SELECT lot_id, date, new_value FROM stock_lot_audit WHERE field_name = 'qc_state' AND lot_id = ANY(%s)"
        " ORDER BY lot_id, date, id",
        [lot_ids],
    )
    periods = defaultdict(list)
    for lot_id, date, new_value in cr.fetchall():
        if new_value != "Released" and (not periods[lot_id] or periods[lot_id][-1][1] is not None):
            periods[lot_id].append((date, None))
        elif new_value == "Released" and periods[lot_id] and periods[lot_id][-1][1] is None:
            periods[lot_id][-1] = (periods[lot_id][-1][0], date)
    return periods


def client_holds(records, hold_call, release_call):
    """[(lot id, hold answered at, release sent at or None)] of the holds the clients saw committed."""
    holds = []
    for record in sorted(records, key=lambda record: record["t0"]):
        if record["call"] == hold_call and record["ok"]:
            holds.append([record["lot_id"], record["t1"], None])
        elif record["call"] == release_call:
            for hold in holds:
                if hold[0] == record["lot_id"] and hold[2] is None and record["t0"] > hold[1]:
                    hold[2] = record["t0"]
    return holds


def read_odoo_log(path):
    """(retries Odoo made on its own by kind, every other ERROR or CRITICAL entry) from Odoo's log.

    A query refused by a concurrency error is logged as an ERROR ("bad query", then the error on the next line)
    and then either retried by Odoo (odoo.service.model) or answered as a clear message (a lock waited for too
    long): those are the retries counted, not errors.
    """
    retries, errors, entry = Counter(), [], None
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in [*log, "0000-00-00 00:00:00,000 0 INFO end of log"]:
            if LOG_ENTRY.match(line):
                if entry and not CONCURRENCY_ERRORS.search(entry):
                    errors.append(entry)
                entry = line if re.search(r" (ERROR|CRITICAL) ", line[:80]) else None
                match = re.search(r"odoo\.service\.model: (\w+), \d+ tries left", line)
                if match:
                    retries[match[1]] += 1
            elif entry is not None:
                entry += line
    return retries, errors


def reservation_mismatches(cr, product_ids):
    """[(lot, location, reserved on quants, reserved by open move lines)] of the quant keys where they differ."""
    cr.execute(
        """
        WITH quants AS (
            SELECT product_id, location_id, lot_id, package_id, owner_id, sum(reserved_quantity) AS reserved
              FROM stock_quant WHERE product_id = ANY(%(products)s)
             GROUP BY product_id, location_id, lot_id, package_id, owner_id
        ), lines AS (
            SELECT product_id, location_id, lot_id, package_id, owner_id, sum(quantity_product_uom) AS reserved
              FROM stock_move_line
             WHERE product_id = ANY(%(products)s) AND state NOT IN ('draft', 'done', 'cancel')
             GROUP BY product_id, location_id, lot_id, package_id, owner_id
        )
        SELECT quants.lot_id, quants.location_id, quants.reserved, COALESCE(lines.reserved, 0)
          FROM quants LEFT JOIN lines ON lines.product_id = quants.product_id
               AND lines.location_id = quants.location_id AND lines.lot_id IS NOT DISTINCT FROM quants.lot_id
               AND lines.package_id IS NOT DISTINCT FROM quants.package_id
               AND lines.owner_id IS NOT DISTINCT FROM quants.owner_id
         WHERE abs(quants.reserved - COALESCE(lines.reserved, 0)) > 0.001
        """,
        {"products": product_ids},
    )
    return cr.fetchall()


def check(env, run, results, odoo_log):
    cr = env.cr
    records = results["records"]
    lot_ids = run["lots"]["signature"] + run["lots"]["recall"]
    product_ids = list(run["products"].values())
    figures, broken = [], Counter()

    # Holds requested, committed, refused.
    for label, hold_call in (("signature", "hold"), ("recall", "recall_confirm")):
        calls = [record for record in records if record["call"] == hold_call]
        committed = [record for record in calls if record["ok"]]
        clear = [record for record in calls if not record["ok"] and CLEAR_REFUSALS.search(record.get("message") or "")]
        other = len(calls) - len(committed) - len(clear)
        broken[f"{label}_holds_failed_other"] += other
        durations = [(record["t1"] - record["t0"]) * 1000 for record in committed]
        figures.append(
            f"hold_load {label} holds requested={len(calls)} committed={len(committed)} "
            f"refused_clearly={len(clear)} failed_other={other} hold_ms p50={percentile(durations, 0.5):.0f} "
            f"max={max(durations, default=float('nan')):.0f}"
        )

    # Shipped after a hold committed: the database's view.
    periods = held_periods(cr, lot_ids)
    cr.execute(
        "SELECT sml.lot_id, sml.date, sml.picking_id FROM stock_move_line sml"
        " JOIN stock_location dest ON dest.id = sml.location_dest_id"
        " WHERE sml.state = 'done' AND dest.usage = 'customer' AND sml.lot_id = ANY(%s)",
        [lot_ids],
    )
    shipped = cr.fetchall()
    lots_by_picking = defaultdict(set)
    for lot_id, _date, picking_id in shipped:
        lots_by_picking[picking_id].add(lot_id)
    db_violations = sum(
        1
        for lot_id, date, _picking_id in shipped
        for start, end in periods.get(lot_id, [])
        if start < date and (end is None or date < end)
    )
    broken["shipped_after_hold_db"] += db_violations
    # The clients' view: validations sent after a hold was answered and before its release was sent.
    client_violations = 0
    for hold_call, release_call in (("hold", "release"), ("recall_confirm", "recall_cancel")):
        for lot_id, held_at, released_at in client_holds(records, hold_call, release_call):
            client_violations += sum(
                1
                for record in records
                if record["call"] == "button_validate"
                and record["ok"]
                and record["answer"] is True
                and held_at < record["t0"]
                and (released_at is None or record["t0"] < released_at)
                and lot_id in lots_by_picking.get(record["picking_id"], ())
            )
    broken["shipped_after_hold_clients"] += client_violations

    # Errors any request answered.
    failed = [record for record in records if not record["ok"]]
    concurrency = [
        record for record in failed if CONCURRENCY_ERRORS.search(f"{record['error']} {record.get('message')}")
    ]
    broken["serialization_or_deadlock_errors"] += len(concurrency)
    expected = [record for record in failed if CLEAR_REFUSALS.search(record.get("message") or "")]
    unexpected = [record for record in failed if record not in concurrency and record not in expected]
    broken["other_errors"] += len(unexpected)
    for record in (concurrency + unexpected)[:5]:
        message = (record.get("message") or "").strip()
        figures.append(f"hold_load error {record['who']} {record['call']}: {record['error']}: {message}")

    # Nothing lost.
    signature_holds = sum(1 for record in records if record["call"] == "hold" and record["ok"])
    cr.execute(
        "SELECT count(*) FROM stock_lot_qc_signature WHERE decision = 'hold' AND lot_id = ANY(%s)",
        [run["lots"]["signature"]],
    )
    broken["lost_signature_holds"] += abs(cr.fetchone()[0] - signature_holds)
    recall_holds = {record["recall_id"] for record in records if record["call"] == "recall_confirm" and record["ok"]}
    cr.execute(
        "SELECT id FROM stock_lot_recall WHERE date_confirmed IS NOT NULL AND id IN"
        " (SELECT recall_id FROM stock_lot_recall_seed_lot_rel WHERE lot_id = ANY(%s))",
        [run["lots"]["recall"]],
    )
    broken["lost_recall_holds"] += len(recall_holds ^ {row[0] for row in cr.fetchall()})
    validated = {
        record["picking_id"]
        for record in records
        if record["call"] == "button_validate" and record["ok"] and record["answer"] is True
    }
    created = [record["picking_id"] for record in records if record["call"] == "button_validate"]
    cr.execute("SELECT id FROM stock_picking WHERE state = 'done' AND id = ANY(%s)", [created])
    broken["lost_or_phantom_validations"] += len(validated ^ {row[0] for row in cr.fetchall()})
    cr.execute(
        "SELECT sum(q.quantity) FROM stock_quant q JOIN stock_location l ON l.id = q.location_id"
        " WHERE l.usage = 'internal' AND q.product_id = ANY(%s)",
        [product_ids],
    )
    on_hand = cr.fetchone()[0] or 0.0
    cr.execute(
        "SELECT sum(sml.quantity_product_uom) FROM stock_move_line sml JOIN stock_location dest"
        " ON dest.id = sml.location_dest_id WHERE sml.state = 'done' AND dest.usage = 'customer'"
        " AND sml.product_id = ANY(%s)",
        [product_ids],
    )
    shipped_quantity = cr.fetchone()[0] or 0.0
    put_in = run["quantity"] * len(lot_ids)
    broken["stock_not_reconciled"] += int(abs(put_in - shipped_quantity - on_hand) > 0.001)
    # Per quant key: under load Odoo may split a key over several quants (stock.quant._update_available_quantity
    # skips locked ones) and then, freeing a reservation on the other quant, floor it at 0: its own drift, which
    # its scheduler's quant tasks (_clean_reservations) repair. Counted, then checked again after those tasks.
    drift = reservation_mismatches(cr, product_ids)
    if drift:
        env["stock.quant"]._quant_tasks()
        env.flush_all()
    mismatches = reservation_mismatches(cr, product_ids)
    for lot_id, location_id, on_quants, on_lines in mismatches[:5]:
        figures.append(
            f"hold_load reservation mismatch lot={lot_id} location={location_id} quants={on_quants} lines={on_lines}"
        )
    broken["reservations_not_reconciled"] += len(mismatches)
    lots = env["stock.lot"].browse(lot_ids)
    broken["broken_signature_chains"] += int(lots.action_verify_signatures()["params"]["type"] != "success")
    held_now = lots.filtered(lambda lot: lot.qc_state != "released")
    cr.execute(
        "SELECT count(*) FROM stock_move_line WHERE lot_id = ANY(%s) AND state NOT IN ('done', 'cancel')",
        [held_now.ids or [0]],
    )
    left_reserved = cr.fetchone()[0]

    # Throughput, and the retries Odoo made by itself.
    elapsed = results["elapsed"]
    validations = [record for record in records if record["call"] == "button_validate"]
    validate_ms = [(record["t1"] - record["t0"]) * 1000 for record in validations if record["ok"]]
    refused = sum(
        1 for record in validations if not record["ok"] and CLEAR_REFUSALS.search(record.get("message") or "")
    )
    figures.append(
        f"hold_load deliveries validated={len(validated)} per_s={len(validated) / elapsed:.2f} "
        f"refused_lot_on_hold={refused} validate_ms p50={percentile(validate_ms, 0.5):.0f} "
        f"p95={percentile(validate_ms, 0.95):.0f} held_lots_still_reserved={left_reserved} "
        f"odoo_reservation_drift={len(drift)} (repaired by Odoo's quant tasks: {len(drift) - len(mismatches)})"
    )
    retries, odoo_errors = read_odoo_log(odoo_log)
    broken["odoo_errors"] += len(odoo_errors)
    figures.extend(f"hold_load odoo error: {entry[:300]}" for entry in odoo_errors[:5])
    broken = {name: count for name, count in broken.items() if count}
    shipped_after = sum(count for name, count in broken.items() if name.startswith("shipped_after_hold"))
    lost = sum(
        count
        for name, count in broken.items()
        if name.startswith("lost") or name.endswith("reconciled") or name == "broken_signature_chains"
    )
    figures.append(
        f"hold_load calls={len(records)} duration_s={elapsed:.1f} calls_per_s={len(records) / elapsed:.1f} "
        f"shipped_after_hold={shipped_after} serialization_or_deadlock_errors={len(concurrency)} "
        f"other_errors={len(unexpected)} odoo_log_errors={len(odoo_errors)} holds_failed_other="
        f"{broken.get('signature_holds_failed_other', 0) + broken.get('recall_holds_failed_other', 0)} lost={lost} "
        f"server_retries={dict(retries) or '{}'}"
    )
    return figures, broken


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--odoo-log", required=True)
    args = parser.parse_args()
    with open(args.run, encoding="utf-8") as file:
        run = json.load(file)
    with open(args.results, encoding="utf-8") as file:
        results = json.load(file)
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        figures, broken = check(env, run, results, args.odoo_log)
        cr.rollback()
    for line in figures:
        print(line)
    if broken:
        print(f"hold_load BROKEN: {broken} (at {fields.Datetime.now()} UTC)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
