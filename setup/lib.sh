# Shared by the set-up, run and test commands. Sourced, never executed.
# Everything here is idempotent: running a command twice does no work twice.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Where the virtualenv, the Odoo config and the data directory live. Outside the
# repository so that a fresh clone reuses them and nothing of Odoo is committed.
STATE_DIR="${LOT_TRACEABILITY_HOME:-${HOME:-/root}/.local/share/lot_traceability}"
VENV="$STATE_DIR/venv"
# One Odoo config per checkout: its addons_path points at this checkout's addons.
ODOO_CONF="$STATE_DIR/odoo-$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-8).conf"
DATA_DIR="$STATE_DIR/data"
# wkhtmltopdf built on its patched Qt (setup/install fetches it): the only build that prints a report's
# company header and footer. First in PATH, so that Odoo started by these commands finds it before
# Debian's unpatched one (Odoo looks in PATH, then in the config's bin_path).
WKHTMLTOPDF_DIR="$STATE_DIR/wkhtmltopdf-0.12.3-patched-qt"
export PATH="$WKHTMLTOPDF_DIR:$PATH"
# Where Odoo 18.0 is looked for when ODOO_SRC is not set, in this order.
ODOO_DEFAULT_LOCATIONS=(/opt/odoo-18.0 /opt/odoo18 /opt/odoo "$STATE_DIR/odoo-18.0" "$REPO_ROOT/../odoo-18.0")
ODOO_OFFICIAL_GIT="https://github.com/odoo/odoo.git"
OUR_ADDONS=(lot_traceability lot_traceability_recall lot_traceability_reports)
ODOO_DEPENDENCIES=(product_expiry purchase_stock sale_stock mrp stock_account stock_landed_costs)

log() { printf '\033[1m[lot_traceability]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[lot_traceability] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        die "need root (or sudo) to run: $*"; fi
}

is_odoo_18_tree() {
    [ -f "$1/odoo-bin" ] && [ -d "$1/addons/stock" ] \
        && grep -qE '^version_info = \(18, 0,' "$1/odoo/release.py" 2>/dev/null
}

# Sets ODOO_SRC to an Odoo 18.0 source tree: $ODOO_SRC, else a default location,
# else a shallow clone of the official 18.0 branch. Fails loudly otherwise.
resolve_odoo_src() {
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo_18_tree "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (expected odoo-bin, addons/stock and odoo/release.py with version 18.0)."
        ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"; return
    fi
    local candidate
    for candidate in "${ODOO_DEFAULT_LOCATIONS[@]}"; do
        if is_odoo_18_tree "$candidate"; then ODOO_SRC="$(cd "$candidate" && pwd)"; return; fi
    done
    log "No Odoo 18.0 tree found in: ${ODOO_DEFAULT_LOCATIONS[*]}; cloning the official 18.0 branch."
    if command -v git >/dev/null && git clone --quiet --depth 1 --branch 18.0 "$ODOO_OFFICIAL_GIT" "$STATE_DIR/odoo-18.0.partial" 2>/dev/null; then
        mv "$STATE_DIR/odoo-18.0.partial" "$STATE_DIR/odoo-18.0"
        ODOO_SRC="$STATE_DIR/odoo-18.0"; return
    fi
    rm -rf "$STATE_DIR/odoo-18.0.partial"
    die "Odoo 18.0 not found. Looked at \$ODOO_SRC (unset), ${ODOO_DEFAULT_LOCATIONS[*]}, and could not clone $ODOO_OFFICIAL_GIT.
    Point the commands at an Odoo 18.0 Community source tree:  ODOO_SRC=/path/to/odoo-18.0 $0"
}

pg_version() { pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1}'; }

start_postgresql() {
    local version; version="$(pg_version)"
    [ -n "$version" ] || die "no PostgreSQL cluster found (pg_lsclusters is empty)."
    if ! pg_lsclusters --no-header | awk 'NR==1 {print $4}' | grep -q online; then
        log "Starting PostgreSQL $version."
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    fi
    local role; role="$(id -un)"
    if ! as_root su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$role'\"" | grep -q 1; then
        log "Creating PostgreSQL superuser role $role (Odoo refuses to run as postgres)."
        as_root su postgres -c "createuser --superuser $role"
    fi
}

odoo_bin() { "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" "$@"; }

db_exists() { psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; }

# Drops a database and its filestore.
drop_db() {
    if db_exists "$1"; then dropdb --force "$1"; fi
    rm -rf "$DATA_DIR/filestore/$1"
}

# Copies a database and its filestore (createdb -T takes a second, an install minutes).
copy_db() {
    drop_db "$2"
    createdb -T "$1" "$2"
    if [ -d "$DATA_DIR/filestore/$1" ]; then cp -a "$DATA_DIR/filestore/$1" "$DATA_DIR/filestore/$2"; fi
}

join_by_comma() { local IFS=,; echo "$*"; }

# Brings the given addons up to date in a database whatever it holds: installs those that are missing
# and updates every addon of ours that is installed (Odoo's -i alone leaves an installed addon as it
# was, and -u alone skips one that is not installed: a benchmark run after another on the same
# database would then find a model missing, or an addon's tables older than its code).
install_or_update() {
    local db="$1"; shift
    local installed addon missing=() present=() args=()
    installed="$(psql -d "$db" -tAc "SELECT name FROM ir_module_module WHERE state = 'installed'")"
    for addon in "$@"; do
        if ! grep -qx "$addon" <<<"$installed"; then missing+=("$addon"); fi
    done
    for addon in "${OUR_ADDONS[@]}"; do
        if grep -qx "$addon" <<<"$installed"; then present+=("$addon"); fi
    done
    if [ ${#missing[@]} -gt 0 ]; then args+=(-i "$(join_by_comma "${missing[@]}")"); fi
    if [ ${#present[@]} -gt 0 ]; then args+=(-u "$(join_by_comma "${present[@]}")"); fi
    log "$db: installing ${missing[*]:-nothing}, updating ${present[*]:-nothing}."
    odoo_bin -d "$db" "${args[@]}" --without-demo=all --stop-after-init --log-level=warn >&2
}

# The template database of Odoo's own modules (setup/test builds it once per Odoo tree, then copies it).
base_db_name() {
    echo "lot_traceability_base_$( (cat "$ODOO_SRC/odoo/release.py"; echo "$ODOO_SRC ${ODOO_DEPENDENCIES[*]}") \
        | sha256sum | cut -c1-10)"
}

# Builds the template database of Odoo's own modules when it is missing (once per Odoo tree: minutes),
# which setup/test and tests/benchmark/run_write copy in a second. Sets BASE_DB to its name.
ensure_base_db() {
    BASE_DB="$(base_db_name)"
    db_exists "$BASE_DB" && return
    log "Building the template database $BASE_DB with $(join_by_comma "${ODOO_DEPENDENCIES[@]}") (once)."
    drop_db "$BASE_DB.partial"
    createdb "$BASE_DB.partial"
    rm -f "$STATE_DIR/base-install.log"
    odoo_bin -d "$BASE_DB.partial" -i "$(join_by_comma "${ODOO_DEPENDENCIES[@]}")" \
        --stop-after-init --log-level=warn --logfile="$STATE_DIR/base-install.log" \
        || die "installing Odoo's modules failed: see $STATE_DIR/base-install.log"
    psql -d postgres -qc "ALTER DATABASE \"$BASE_DB.partial\" RENAME TO \"$BASE_DB\""
    if [ -d "$DATA_DIR/filestore/$BASE_DB.partial" ]; then
        mv "$DATA_DIR/filestore/$BASE_DB.partial" "$DATA_DIR/filestore/$BASE_DB"
    fi
}
