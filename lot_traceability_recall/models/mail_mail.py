from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # Called by the mail queue after every sending, success or failure, before an auto-deleted e-mail goes:
        # a recall notice records when its e-mail left, or why it failed.
        self.env["stock.lot.recall.notification"]._record_mail_outcome(
            self, failure_type=failure_type, failure_reason=failure_reason
        )
        return super()._postprocess_sent_message(success_pids, failure_reason=failure_reason, failure_type=failure_type)
