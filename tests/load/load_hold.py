"""Clients of the hold load test: warehouse users validating deliveries while QA holds the busiest lots.

Pure Python (threads, urllib, JSON-RPC over loopback with a session per user, as the web client calls Odoo):

- ``--clerks`` stock users each create a delivery of 1 to 3 units (alternately of the two products), confirm
  it (Odoo reserves it) and validate it (what is reserved is picked), one call after the other, as fast as
  Odoo answers. A validation refused because its lot went on hold is answered as a user would: unreserve,
  reserve again (another lot) and validate again.
- a QA manager holds the lot Odoo reserved for the latest delivery of the first product (``qc_sign`` hold,
  with the password), keeps it on hold ``--hold-seconds``, releases it (signed), waits ``--gap-seconds``
  (the lot is the busiest again) and starts over;
- a recall manager does the same with the second product through recalls: create, confirm (holds the lot),
  cancel (gives it back).

Every call is recorded (who, what, wall-clock start and end, answer or error) in ``--results`` (JSON) for
tests/load/check_hold.py. Stops by itself after ``--duration`` seconds (a call in flight then is awaited,
with a time-out). Prints the calls per second and the errors by kind.
"""

import argparse
import functools
import itertools
import json
import random
import re
import threading
import time
import urllib.error
import urllib.request

# A validation refused because the lot went on hold after it was reserved.
RESERVE_AGAIN = re.compile(r"cannot be shipped|no quantities are reserved")


class RpcError(Exception):
    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


class Client:
    """One user's session on Odoo, on the loopback interface only."""

    def __init__(self, port, database, user, timeout):
        self.url = f"http://127.0.0.1:{port}"
        self.database, self.user, self.timeout = database, user, timeout
        self.cookie = None
        self.ids = itertools.count(1)

    def _post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": next(self.ids)}).encode()
        headers = {"Content-Type": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        request = urllib.request.Request(self.url + path, data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            cookie = response.headers.get("Set-Cookie") or ""
            if cookie.startswith("session_id="):
                self.cookie = cookie.split(";", 1)[0]
            answer = json.loads(response.read())
        if "error" in answer:
            data = answer["error"].get("data") or {}
            raise RpcError(data.get("name") or answer["error"].get("message"), data.get("message") or "")
        return answer.get("result")  # Odoo leaves the key out for None

    def login(self):
        result = self._post(
            "/web/session/authenticate",
            {"db": self.database, "login": self.user["login"], "password": self.user["password"]},
        )
        if not result.get("uid"):
            raise RuntimeError(f"{self.user['login']} could not log in")

    def call(self, model, method, *args, **kwargs):
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}", {"model": model, "method": method, "args": args, "kwargs": kwargs}
        )


class Recorder:
    def __init__(self):
        self.records = []
        self.lock = threading.Lock()

    def call(self, who, what, function, **extra):
        """Run ``function`` (one RPC call), record it; return (ok, result or the RpcError)."""
        record = dict(extra, who=who, call=what, t0=time.time())
        try:
            result = function()
            # Ids and booleans as answered; an action (a wizard instead of a validation) by its kind.
            record.update(ok=True, answer=result if isinstance(result, (bool, int, type(None))) else "action")
            outcome = (True, result)
        except RpcError as error:
            record.update(ok=False, error=error.name, message=error.message[:300])
            outcome = (False, error)
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            record.update(ok=False, error=f"transport:{type(error).__name__}", message=str(error)[:300])
            outcome = (False, RpcError(record["error"], record["message"]))
        record["t1"] = time.time()
        with self.lock:
            self.records.append(record)
        return outcome


def latest_reserved_lot(client, product_id):
    """The lot Odoo reserved for the latest delivery of the product."""
    lines = client.call(
        "stock.move.line",
        "search_read",
        [("product_id", "=", product_id), ("lot_id", "!=", False)],
        ["lot_id"],
        limit=1,
        order="id desc",
    )
    return lines[0]["lot_id"][0] if lines else None


def clerk(client, run, recorder, deadline, rng, who):
    products = itertools.cycle([run["products"]["signature"], run["products"]["recall"]])
    while time.time() < deadline:
        product_id = next(products)
        ok, picking_id = recorder.call(
            who,
            "create",
            functools.partial(
                client.call,
                "stock.picking",
                "create",
                {
                    "picking_type_id": run["picking_type_id"],
                    "partner_id": rng.choice(run["customers"]),
                    "location_id": run["stock_location_id"],
                    "location_dest_id": run["customer_location_id"],
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Hold load delivery",
                                "product_id": product_id,
                                "product_uom_qty": rng.randint(1, 3),
                                "location_id": run["stock_location_id"],
                                "location_dest_id": run["customer_location_id"],
                            },
                        )
                    ],
                },
            ),
            product_id=product_id,
        )
        if not ok:
            continue
        # Confirming reserves (Odoo reserves deliveries at confirmation); validating marks what is reserved picked.
        recorder.call(
            who, "action_confirm", functools.partial(client.call, "stock.picking", "action_confirm", [picking_id])
        )
        for _attempt in range(3):
            ok, answer = recorder.call(
                who,
                "button_validate",
                functools.partial(client.call, "stock.picking", "button_validate", [picking_id]),
                picking_id=picking_id,
            )
            if ok or not RESERVE_AGAIN.search(answer.message):
                break
            # The lot went on hold since it was reserved (a recall released the reservation, or validation refused
            # the held lot): reserve another one, as a user would.
            recorder.call(
                who, "do_unreserve", functools.partial(client.call, "stock.picking", "do_unreserve", [picking_id])
            )
            recorder.call(
                who, "action_assign", functools.partial(client.call, "stock.picking", "action_assign", [picking_id])
            )


def until_done(recorder, who, what, function, deadline, **extra):
    """Give a held lot back even if the first try fails (e.g. the lot was busy): nothing stays held by the test."""
    for _attempt in range(10):
        ok, _answer = recorder.call(who, what, function, **extra)
        if ok or time.time() > deadline:
            return ok
        time.sleep(1)
    return False


def qa_manager(client, run, recorder, deadline, args):
    password = run["users"]["qa"]["password"]
    product_id = run["products"]["signature"]
    time.sleep(args.gap_seconds)
    while time.time() < deadline - args.hold_seconds:
        lot_id = latest_reserved_lot(client, product_id)
        if not lot_id:
            time.sleep(0.5)
            continue
        ok, _answer = recorder.call(
            "qa",
            "hold",
            functools.partial(client.call, "stock.lot", "qc_sign", [lot_id], "hold", "Load test: hold", password),
            lot_id=lot_id,
        )
        if ok:
            time.sleep(args.hold_seconds)
            until_done(
                recorder,
                "qa",
                "release",
                functools.partial(
                    client.call, "stock.lot", "qc_sign", [lot_id], "release", "Load test: release", password
                ),
                deadline + 60,
                lot_id=lot_id,
            )
        time.sleep(args.gap_seconds)


def recall_manager(client, run, recorder, deadline, args):
    product_id = run["products"]["recall"]
    time.sleep(args.gap_seconds * 1.5)
    while time.time() < deadline - args.hold_seconds:
        lot_id = latest_reserved_lot(client, product_id)
        if not lot_id:
            time.sleep(0.5)
            continue
        ok, recall_id = recorder.call(
            "recall",
            "recall_create",
            functools.partial(
                client.call, "stock.lot.recall", "create", {"reason": "Hold load test", "lot_ids": [(6, 0, [lot_id])]}
            ),
            lot_id=lot_id,
        )
        if not ok:
            time.sleep(args.gap_seconds)
            continue
        ok, _answer = recorder.call(
            "recall",
            "recall_confirm",
            functools.partial(client.call, "stock.lot.recall", "action_confirm", [recall_id]),
            lot_id=lot_id,
            recall_id=recall_id,
        )
        if ok:
            time.sleep(args.hold_seconds)
            until_done(
                recorder,
                "recall",
                "recall_cancel",
                functools.partial(client.call, "stock.lot.recall", "action_cancel", [recall_id]),
                deadline + 60,
                lot_id=lot_id,
                recall_id=recall_id,
            )
        time.sleep(args.gap_seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--run", required=True, help="the JSON written by prepare_hold.py")
    parser.add_argument("--results", required=True)
    parser.add_argument("--duration", type=float, default=90)
    parser.add_argument("--hold-seconds", type=float, default=3)
    parser.add_argument("--gap-seconds", type=float, default=2)
    parser.add_argument("--timeout", type=float, default=120, help="of one call")
    args = parser.parse_args()
    with open(args.run, encoding="utf-8") as file:
        run = json.load(file)
    users = run["users"]
    clients = {
        name: Client(args.port, run["database"], user, args.timeout)
        for name, user in [
            *((f"clerk{index}", user) for index, user in enumerate(users["clerks"], 1)),
            ("qa", users["qa"]),
            ("recall", users["recall"]),
        ]
    }
    for client in clients.values():
        client.login()
    recorder = Recorder()
    started = time.time()
    deadline = started + args.duration
    rng = random.Random(21)
    threads = [
        threading.Thread(
            target=clerk, args=(client, run, recorder, deadline, random.Random(rng.random()), name), daemon=True
        )
        for name, client in clients.items()
        if name.startswith("clerk")
    ]
    threads.append(
        threading.Thread(target=qa_manager, args=(clients["qa"], run, recorder, deadline, args), daemon=True)
    )
    threads.append(
        threading.Thread(target=recall_manager, args=(clients["recall"], run, recorder, deadline, args), daemon=True)
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.duration + 2 * args.timeout + 90)
    elapsed = time.time() - started
    records = recorder.records
    errors = {}
    for record in records:
        if not record["ok"]:
            errors[record["error"]] = errors.get(record["error"], 0) + 1
    with open(args.results, "w", encoding="utf-8") as file:
        json.dump({"started": started, "elapsed": elapsed, "records": records}, file)
    print(
        f"hold_load clients={len(clients)} calls={len(records)} duration_s={elapsed:.1f} "
        f"calls_per_s={len(records) / elapsed:.1f} errors_by_kind={errors or '{}'}"
    )


if __name__ == "__main__":
    main()
