"""Waiting a bounded time for row locks, instead of PostgreSQL's default of forever (or NOWAIT's not at all)."""

from contextlib import contextmanager


@contextmanager
def lock_timeout(cr, milliseconds):
    """Let the statements of the block wait at most ``milliseconds`` for a lock, then raise LockNotAvailable.

    Put a savepoint inside the block, not around it: the setting is put back after the savepoint was rolled
    back, when the transaction accepts statements again.
    """
    cr.execute("SELECT current_setting('lock_timeout')")
    previous = cr.fetchone()[0]
    cr.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(milliseconds)}ms"])
    try:
        yield
    finally:
        cr.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
