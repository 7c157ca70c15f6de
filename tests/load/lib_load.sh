# Shared by the load tests (tests/load/run_*): Odoo with --workers on the loopback interface, started and
# stopped by the test itself. Sourced after setup/lib.sh, never executed.

free_port() { "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Odoo's prefork server always starts its gevent (websocket) process, which imports pkg_resources: with a
# setuptools too old to read the normalized dist-info names of current wheels (zope_interface-*.dist-info,
# zope_event-*.dist-info), gevent's requirements do not resolve, that process dies at import and is respawned
# over and over, burning a CPU of this 2-CPU machine during the load. setup/install gives the virtualenv a
# setuptools that reads them; refuse to measure without it.
# Usage: check_gevent_requirements
check_gevent_requirements() {
    "$VENV/bin/python" -W ignore -c 'import pkg_resources; pkg_resources.require("gevent")' \
        || die "gevent's requirements do not resolve in $VENV (setuptools too old): run setup/install"
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
