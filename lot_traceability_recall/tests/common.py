from unittest.mock import patch

from odoo.modules import module


def send_queued_recall_notices(env):
    """What Odoo's mail queue (the cron *Mail: Email Queue Manager*) does with the recall notices waiting in
    it: send them. Returns the e-mails it processed.

    Odoo's own test runner marks the running test (``odoo.modules.module.current_test``), so that
    ``ir.mail_server`` goes through the whole sending path without opening an SMTP connection; pytest-odoo sets
    that mark from Odoo 19 only, so it is set here for the sending, as Odoo's runner would."""
    mails = (
        env["mail.mail"].sudo().search([("model", "=", "stock.lot.recall.notification"), ("state", "=", "outgoing")])
    )
    with patch.object(module, "current_test", module.current_test or True):
        mails.process_email_queue(ids=mails.ids)
    return mails
