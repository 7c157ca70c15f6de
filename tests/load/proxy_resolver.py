"""A loopback TCP proxy in front of Odoo's prefork workers for the resolver load test: it queues connections.

Why: in production Odoo runs behind a reverse proxy (nginx, HAProxy) that accepts every visitor's connection
at once and hands Odoo only as many as its workers can take (HAProxy's ``server ... maxconn N``), the others
waiting in the proxy's queue. Odoo's prefork server itself listens with a backlog of 8 per worker (16 with
``--workers 2``, not configurable without patching Odoo): 200 clients connecting at the same instant overflow
it, the kernel drops their handshakes and the clients time out after 30 s, which measures the missing proxy,
not the resolver. This proxy does the proxy's part and nothing else: it listens with a deep backlog
(``--backlog``), opens at most ``--upstream`` connections to Odoo at a time (fewer than Odoo's backlog, so
none is ever dropped) and copies bytes both ways, unchanged. Every request still reaches Odoo and is timed
by Odoo's own request log; the clients' latency includes the wait in this queue, as behind a real proxy.

Runs until SIGTERM/SIGINT; prints ``proxy connections=<n> max_waiting=<n> failed=<n>`` on stderr when stopped.
"""

import argparse
import asyncio
import signal
import sys

CHUNK = 65536


async def pipe(reader, writer):
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except OSError:
            pass


class Proxy:
    def __init__(self, args):
        self.args = args
        self.slots = asyncio.Semaphore(args.upstream)
        self.connections = 0
        self.waiting = 0
        self.max_waiting = 0
        self.failed = 0

    async def handle(self, client_reader, client_writer):
        self.connections += 1
        self.waiting += 1
        self.max_waiting = max(self.max_waiting, self.waiting)
        try:
            async with self.slots:
                self.waiting -= 1
                try:
                    odoo_reader, odoo_writer = await asyncio.open_connection(
                        self.args.target_host, self.args.target_port
                    )
                except OSError:
                    self.failed += 1
                    return
                try:
                    await asyncio.gather(pipe(client_reader, odoo_writer), pipe(odoo_reader, client_writer))
                finally:
                    odoo_writer.close()
        finally:
            client_writer.close()

    async def serve(self):
        server = await asyncio.start_server(
            self.handle, self.args.host, self.args.port, backlog=self.args.backlog, reuse_address=True
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        async with server:
            await stop.wait()
        print(
            f"proxy connections={self.connections} max_waiting={self.max_waiting} failed={self.failed}",
            file=sys.stderr,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--target-host", default="127.0.0.1")
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--upstream", type=int, default=8, help="connections open to Odoo at most")
    parser.add_argument("--backlog", type=int, default=1024, help="listen backlog (capped by net.core.somaxconn)")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the proxy listens on the loopback interface only")
    asyncio.run(Proxy(args).serve())


if __name__ == "__main__":
    main()
