# Shared by the load tests (tests/load/run_*): Odoo with --workers on the loopback interface, started and
# stopped by the test itself. Sourced after setup/lib.sh, never executed.

free_port() { "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Odoo's prefork server always starts its gevent (longpolling) process. When pkg_resources cannot resolve
# gevent's own requirements (an old setuptools does not read the normalized names zope_interface-*.dist-info
# and zope_event-*.dist-info of current wheels), that process dies at import and is respawned at once,
# over and over, burning a CPU of this 2-CPU machine during the load. Then give the processes of this run
# (only them: PYTHONPATH of the calling script) the two distributions' metadata under their dotted names.
# Usage: gevent_metadata_workaround <work directory of the run>
gevent_metadata_workaround() {
    local check='import pkg_resources; pkg_resources.require("gevent")'
    "$VENV/bin/python" -W ignore -c "$check" 2>/dev/null && return 0
    local meta_dir="$1/dist-metadata"
    "$VENV/bin/python" - "$meta_dir" <<'PY'
import importlib.metadata
import pathlib
import sys

for name in ("zope.interface", "zope.event"):
    version = importlib.metadata.version(name)
    info = pathlib.Path(sys.argv[1]) / f"{name}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
PY
    export PYTHONPATH="$meta_dir${PYTHONPATH:+:$PYTHONPATH}"
    "$VENV/bin/python" -W ignore -c "$check" || die "gevent's requirements do not resolve in $VENV"
    log "gevent's requirements did not resolve (old setuptools, normalized dist-info names): metadata in $meta_dir."
}

# Usage: stop_process <pid>  (TERM, then KILL after 20 s; only the process given)
stop_process() {
    local pid="$1"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}

# Odoo's workers and gevent process leave with their master; say so if one of this run's is left behind.
# Usage: check_no_odoo_left <http port of the run>
check_no_odoo_left() {
    for _ in $(seq 1 25); do pgrep -f -- "--http-port $1 " >/dev/null || break; sleep 0.2; done
    if pgrep -f -- "--http-port $1 " >&2; then
        printf '[lot_traceability] ERROR: Odoo processes of this run (above) are still running\n' >&2
    fi
}

# Usage: wait_for_odoo <port> <pid of Odoo> <its log file>
wait_for_odoo() {
    for _ in $(seq 1 120); do
        curl -sf "http://127.0.0.1:$1/web/health" >/dev/null 2>&1 && break
        kill -0 "$2" 2>/dev/null || die "Odoo stopped while starting: see $3"
        sleep 0.5
    done
    curl -sf "http://127.0.0.1:$1/web/health" >/dev/null || die "Odoo did not answer on port $1"
}
