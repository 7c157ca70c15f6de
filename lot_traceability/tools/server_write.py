"""Writes that only the server may make, whatever the caller puts in its context.

A context key can be set by any RPC caller, so it cannot tell the server's own writes of protected
state (a lot's QC state, a signature, a lot's history, a recall's scope) from a user's. A context
variable can: it lives in the server's Python code path only, per thread and per task, and nothing
a request sends can set it. The one method that owns a protected value opens ``server_write(key)``
around its write; the model's ``create``/``write``/``unlink`` accept the value only inside it.
"""

import contextvars
from contextlib import contextmanager

_ALLOWED = contextvars.ContextVar("lot_traceability_server_write", default=frozenset())


@contextmanager
def server_write(*keys):
    """Allow the protected writes named ``keys`` for the duration of the block."""
    token = _ALLOWED.set(_ALLOWED.get() | frozenset(keys))
    try:
        yield
    finally:
        _ALLOWED.reset(token)


def is_server_write(key):
    """Whether the code running now was allowed to make the protected write ``key``."""
    return key in _ALLOWED.get()
