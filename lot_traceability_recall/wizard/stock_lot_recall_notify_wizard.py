from odoo import fields, models


class StockLotRecallNotifyWizard(models.TransientModel):
    """What each customer not notified yet will receive: their lots and quantities, the instructions (still
    editable) and a personal acknowledgement link. Nothing is sent until *Send Notices*."""

    _name = "stock.lot.recall.notify.wizard"
    _description = "Preview Recall Notices"

    recall_id = fields.Many2one("stock.lot.recall", required=True, readonly=True)
    customer_instructions = fields.Html(
        related="recall_id.customer_instructions", readonly=False, help="Printed in every customer's notice."
    )
    line_ids = fields.One2many("stock.lot.recall.notify.wizard.line", "wizard_id", "Notices", readonly=True)
    link_example = fields.Char(
        "Acknowledgement Link", readonly=True, help="Each notice carries its own link, with a secret token."
    )

    def action_send(self):
        self.ensure_one()
        self.recall_id.action_notify()
        return {"type": "ir.actions.act_window_close"}


class StockLotRecallNotifyWizardLine(models.TransientModel):
    _name = "stock.lot.recall.notify.wizard.line"
    _description = "Preview of One Recall Notice"

    wizard_id = fields.Many2one("stock.lot.recall.notify.wizard", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    email = fields.Char(related="partner_id.email")
    lots = fields.Char(readonly=True, help="The lots this customer received.")
    quantities = fields.Char(readonly=True, help="What this customer received, per unit of measure.")
