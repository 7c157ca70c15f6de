"""Checks of the arguments of public methods, as an RPC caller may send anything: a wrong type is a UserError that
says what was expected, never a Python or SQL error (a string of ids reaching ``%s::int[]`` fails in PostgreSQL).
"""

from datetime import date

from odoo import fields
from odoo.exceptions import UserError
from odoo.models import BaseModel

# How much of a wrong argument an error message repeats.
MAX_SHOWN = 60


def shown(value):
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else f"{text[:MAX_SHOWN]}..."


def is_record_id(value):
    """Whether ``value`` is the id of a stored record: a positive int (not a bool, a float or a NewId)."""
    return type(value) is int and value > 0


def check_ids(env, ids, noun, limit=None):
    """``ids`` (a list or tuple of record ids, or a recordset) as a list of ints.

    :param noun: what the ids are, as the message names them (e.g. "the lots to trace")
    :param limit: the most ids accepted
    :raise UserError: anything else, or more than ``limit`` ids
    """
    if isinstance(ids, BaseModel):
        ids = list(ids._ids)
    is_sequence = isinstance(ids, list | tuple)
    if is_sequence and limit is not None and len(ids) > limit:  # before looking at each id: the answer comes at once
        # Formatted outside the translated call: the .pot extraction (babel) cannot read an f-string argument.
        limit_shown, count_shown = f"{limit:,}", f"{len(ids):,}"
        raise UserError(
            env._(
                "At most %(limit)s of %(noun)s can be given at once; %(count)s were given. Split the request.",
                limit=limit_shown,
                noun=noun,
                count=count_shown,
            )
        )
    if not is_sequence or not all(is_record_id(value) for value in ids):
        raise UserError(
            env._(
                "Give %(noun)s as a list of ids (positive whole numbers), not %(value)s.",
                noun=noun,
                value=shown(ids),
            )
        )
    return list(ids)


def check_id(env, value, noun):
    """``value`` (a record id, or a recordset of one record) as an int; a UserError otherwise."""
    if isinstance(value, BaseModel) and len(value) == 1:
        value = value._ids[0]
    if not is_record_id(value):
        raise UserError(
            env._("Give %(noun)s as one id (a positive whole number), not %(value)s.", noun=noun, value=shown(value))
        )
    return value


def check_datetime(env, value, noun):
    """``value`` (a datetime, a date or an ISO string such as 2026-03-10 or 2026-03-10 09:00:00) as a naive
    datetime; a UserError otherwise."""
    if isinstance(value, date | str):
        try:
            result = fields.Datetime.to_datetime(value)
        except ValueError:
            result = None
        if result:
            return result
    raise UserError(
        env._(
            "Give %(noun)s as a date or a date and time such as 2026-03-10 09:00:00, not %(value)s.",
            noun=noun,
            value=shown(value),
        )
    )
