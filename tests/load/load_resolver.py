"""A bounded burst of concurrent anonymous requests at the GS1 resolver, then its figures.

Pure Python (asyncio streams, no external tool): ``--clients`` coroutines each send one request after
the other (HTTP/1.0, a new loopback connection each time, as Odoo's prefork workers close it) for
``--duration`` seconds, picking URLs from ``--urls`` (``<kind> <path>`` lines; ``linkset`` lines are sent
with ``Accept: application/linkset+json``). Prints client latency p50/p95/p99, errors and requests/s,
then, from Odoo's request log (``--odoo-log``, werkzeug lines carrying query count, query time and other
time), the server time of the same requests: what DESIGN.md's target is about (p95 < 30 ms, no error).
An error is a failed connection, a time-out, or a status other than the one expected (200, or 404 for
``unknown`` lines); the exit status is 1 when there was any.
"""

import argparse
import asyncio
import random
import re
import statistics
import sys
import time

# 127.0.0.1 - - [date] "GET /01/... HTTP/1.0" 200 - 7 0.004 0.011
LOG_LINE = re.compile(r'"(?:GET|HEAD) (/01/\S*) HTTP/[\d.]+" (\d{3}) \S+ (\d+) ([\d.]+) ([\d.]+)')


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


async def request(host, port, kind, path, timeout):
    headers = "Accept: application/linkset+json\r\n" if kind == "linkset" else "Accept: text/html\r\n"
    data = f"GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\nAccept-Language: en-US\r\n{headers}\r\n".encode()
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(data)
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    return int(response[9:12]) if response.startswith(b"HTTP/") else 0


async def client(host, port, urls, deadline, timeout, results, rng):
    while time.monotonic() < deadline:
        kind, path = rng.choice(urls)
        start = time.monotonic()
        try:
            status = await request(host, port, kind, path, timeout)
            error = status != (404 if kind == "unknown" else 200) and f"status {status}"
        except (TimeoutError, OSError) as exception:
            error = type(exception).__name__
        results.append((time.monotonic() - start, error))


async def burst(args, urls):
    results = []
    deadline = time.monotonic() + args.duration
    rng = random.Random(14)
    started = time.monotonic()
    await asyncio.gather(
        *(
            client(args.host, args.port, urls, deadline, args.timeout, results, random.Random(rng.random()))
            for _index in range(args.clients)
        )
    )
    return results, time.monotonic() - started


def server_times(log_path, skip=0):
    """``(server time in ms, status)`` of the resolver requests in Odoo's log, after the first ``skip``."""
    entries = []
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LOG_LINE.search(line)
            if match:
                entries.append(((float(match[4]) + float(match[5])) * 1000, match[2]))
    return entries[skip:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--urls", required=True)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--odoo-log")
    parser.add_argument("--skip-log-lines", type=int, default=0, help="log lines written before the burst")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the load test sends its burst to the loopback interface only")
    with open(args.urls, encoding="utf-8") as file:
        urls = [tuple(line.split(" ", 1)) for line in file.read().splitlines() if line]
    results, elapsed = asyncio.run(burst(args, urls))
    latencies = [seconds * 1000 for seconds, _error in results]
    errors = [error for _seconds, error in results if error]
    kinds = {}
    for error in errors:
        kinds[error] = kinds.get(error, 0) + 1
    print(
        f"client requests={len(results)} clients={args.clients} duration_s={elapsed:.1f} "
        f"rps={len(results) / elapsed:.1f} errors={len(errors)} {kinds or ''}".rstrip()
    )
    print(
        f"client latency_ms p50={percentile(latencies, 0.5):.1f} p95={percentile(latencies, 0.95):.1f} "
        f"p99={percentile(latencies, 0.99):.1f} (includes waiting for one of the workers)"
    )
    if args.odoo_log:
        time.sleep(1)  # Odoo writes a request's log line once the response is sent
        entries = server_times(args.odoo_log, args.skip_log_lines)
        times = [milliseconds for milliseconds, _status in entries]
        statuses = {}
        for _milliseconds, status in entries:
            statuses[status] = statuses.get(status, 0) + 1
        print(
            f"resolver server_ms requests={len(times)} p50={percentile(times, 0.5):.1f} "
            f"p95={percentile(times, 0.95):.1f} p99={percentile(times, 0.99):.1f} "
            f"mean={statistics.fmean(times) if times else float('nan'):.1f} statuses={statuses} "
            f"errors={len(errors)} rps={len(results) / elapsed:.1f}"
        )
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
