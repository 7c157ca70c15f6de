import contextlib
import datetime
import logging
import math

from odoo import models
from odoo.exceptions import AccessDenied

_logger = logging.getLogger(__name__)


class ResUsers(models.Model):
    _inherit = "res.users"

    def _check_signing_password(self, password):
        """Check this user's password for an electronic signature, throttled as Odoo throttles logins.

        After ``base.login_cooldown_after`` wrong passwords in a row (Odoo's login setting, 10 as Odoo installs
        it) the signer waits ``base.login_cooldown_duration`` seconds (60) after each further failure, during which
        not even the right password is tried; a right password starts the count again (``res.users.
        _assert_can_auth``, ``_on_login_cooldown``).

        :raise AccessDenied: wrong password, or the signer is locked out (the message says how long)
        """
        self.ensure_one()
        with self._assert_can_sign():
            self._check_credentials({"type": "password", "password": password}, {"interactive": True})

    @contextlib.contextmanager
    def _assert_can_sign(self):
        """Odoo's ``_assert_can_auth`` for a signature: the count is per signer, not per source address.

        Only the signer's own session can enter the signer's password, so counting per user stops a session
        left open from being used to guess the password from any number of addresses. Like Odoo's login count,
        it lives in the registry (the server process's memory): it outlives the request, which a wrong password
        rolls back.
        """
        failures_map = self._get_signing_failures()
        failures, previous = failures_map.get(self.id, (0, datetime.datetime.min))
        if self._on_login_cooldown(failures, previous):
            _logger.warning(
                "Signature password attempt ignored for user %s on %s: %d wrong passwords in a row, last at %s.",
                self.login,
                self.env.cr.dbname,
                failures,
                previous,
            )
            raise AccessDenied(self._get_signing_lockout_message())
        try:
            yield
        except AccessDenied:
            failures, _previous = failures_map.get(self.id, (0, datetime.datetime.min))
            failures_map[self.id] = (failures + 1, datetime.datetime.now())
            _logger.info("Signature password refused for user %s on %s.", self.login, self.env.cr.dbname)
            raise
        else:
            failures_map.pop(self.id, None)

    def _get_signing_failures(self):
        """Wrong signature passwords in a row per user id: (count, time of the last one), in the registry."""
        registry = self.env.registry
        failures_map = getattr(registry, "_lot_traceability_signing_failures", None)
        if failures_map is None:
            failures_map = registry._lot_traceability_signing_failures = {}
        return failures_map

    def _get_signing_lockout_message(self):
        """What to tell this user when signing is locked out now, else False."""
        self.ensure_one()
        failures, previous = self._get_signing_failures().get(self.id, (0, datetime.datetime.min))
        if not self._on_login_cooldown(failures, previous):
            return False
        duration = int(self.env["ir.config_parameter"].sudo().get_param("base.login_cooldown_duration", 60))
        remaining = duration - (datetime.datetime.now() - previous).total_seconds()
        minutes = max(1, math.ceil(remaining / 60))
        if minutes == 1:
            return self.env._("Too many wrong passwords: try again in 1 minute.")
        return self.env._("Too many wrong passwords: try again in %(minutes)s minutes.", minutes=minutes)
