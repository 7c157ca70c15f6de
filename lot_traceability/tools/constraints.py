"""Rules that several models check on their own fields, written once; each model keeps the message its
users see (it names the record the way that screen does)."""

from odoo.exceptions import ValidationError


def expires_before_production(production_date, expiration_date):
    """Whether goods produced on ``production_date`` would expire on ``expiration_date`` before they were
    made; never when either date is unknown."""
    return bool(production_date and expiration_date and expiration_date < production_date)


def check_expiration_after_production(records, production_field, expiration_field, message):
    """Refuse the first of ``records`` whose ``expiration_field`` is before its ``production_field``.

    :param message: callable ``record -> str``, the error shown for that record
    :raise ValidationError: with that message
    """
    for record in records:
        if expires_before_production(record[production_field], record[expiration_field]):
            raise ValidationError(message(record))


def check_set_value(records, field, is_valid, message):
    """Refuse the first of ``records`` whose ``field`` is set to a value ``is_valid`` rejects (empty is
    accepted: the field is optional).

    :param is_valid: callable ``value -> bool`` (a pure check, e.g. a GS1 check digit)
    :param message: callable ``record -> str``, the error shown for that record
    :raise ValidationError: with that message
    """
    for record in records:
        if record[field] and not is_valid(record[field]):
            raise ValidationError(message(record))
