"""A PostgreSQL planner setting for the statements of one block, and only them."""

from contextlib import contextmanager

import psycopg2


@contextmanager
def planner_setting(cr, name, value):
    """Run the block with the planner setting ``name`` at ``value`` (e.g. ``"jit", "off"``), then give it
    back its previous value.

    ``SET LOCAL`` alone would hold until the end of the caller's transaction, for every query after ours;
    this sets it transaction-locally on the cursor that runs the block's queries, and sets it back when
    the block ends, also when it raises. When a query of the block fails, the transaction (or the savepoint
    around it) is rolled back, and the setting with it: nothing is sent on the aborted transaction.
    """
    # One round trip: the current value (read in the subquery, first), then the new one.
    cr.execute(
        "SELECT previous.value, set_config(%s, %s, true) FROM (SELECT current_setting(%s) AS value OFFSET 0) previous",
        [name, value, name],
    )
    previous = cr.fetchone()[0]
    try:
        yield
    except psycopg2.Error:
        raise
    except BaseException:
        cr.execute("SELECT set_config(%s, %s, true)", [name, previous])
        raise
    cr.execute("SELECT set_config(%s, %s, true)", [name, previous])
