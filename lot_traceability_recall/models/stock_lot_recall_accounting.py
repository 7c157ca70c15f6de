from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    recall_cost_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the entries that post a recall's recorded costs (a miscellaneous journal by default).",
    )
    recall_expense_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        help="Debited with the costs recorded on a recall (freight, notices, labour, fees).",
    )
    recall_counterpart_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        help="Credited when a recall's costs are posted: typically accrued expenses, until the bills arrive.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    recall_cost_journal_id = fields.Many2one(related="company_id.recall_cost_journal_id", readonly=False)
    recall_expense_account_id = fields.Many2one(related="company_id.recall_expense_account_id", readonly=False)
    recall_counterpart_account_id = fields.Many2one(related="company_id.recall_counterpart_account_id", readonly=False)


class StockLotRecall(models.Model):
    """The accounting of a recall: its recorded costs posted as a journal entry (the value at risk and the
    write-off are at the lots' unit cost in the valuation, stock.lot._get_unit_cost)."""

    _inherit = "stock.lot.recall"  # pylint: disable=consider-merging-classes-inherited

    cost_move_ids = fields.Many2many(
        "account.move", compute="_compute_cost_move_ids", string="Cost Entries", groups="account.group_account_readonly"
    )
    cost_move_count = fields.Integer(compute="_compute_cost_move_ids")
    unposted_cost = fields.Monetary(
        compute="_compute_cost_move_ids", help="Recorded costs not posted to the accounting yet."
    )

    @api.depends("cost_ids.account_move_id", "cost_ids.amount")
    def _compute_cost_move_ids(self):
        for recall in self:
            moves = recall.cost_ids.sudo().account_move_id
            recall.cost_move_ids = moves
            recall.cost_move_count = len(moves)
            recall.unposted_cost = sum(recall.cost_ids.filtered(lambda cost: not cost.account_move_id).mapped("amount"))

    def action_post_costs(self):
        """Post the recorded costs not posted yet as one journal entry per recall: each cost debits
        the company's recall expense account, the total credits its counterpart account."""
        self._check_recall_manager()
        moves = self.env["account.move"]
        for recall in self:
            costs = recall.cost_ids.filtered(lambda cost: not cost.account_move_id)
            if recall.is_mock:
                raise UserError(self.env._("A mock recall has no costs to post."))
            if not costs:
                raise UserError(self.env._("Recall %(recall)s has no recorded cost left to post.", recall=recall.name))
            company = recall.company_id
            if not company.recall_expense_account_id or not company.recall_counterpart_account_id:
                raise UserError(
                    self.env._(
                        "Set the recall expense and counterpart accounts of %(company)s in Inventory > "
                        "Configuration > Settings before posting the costs of recall %(recall)s.",
                        company=company.name,
                        recall=recall.name,
                    )
                )
            journal = company.recall_cost_journal_id or self.env["account.journal"].search(
                [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "general")], limit=1
            )
            if not journal:
                raise UserError(
                    self.env._(
                        "Company %(company)s has no miscellaneous journal to post recall costs in.",
                        company=company.name,
                    )
                )
            lines = [
                Command.create(
                    {
                        "name": self.env._("%(recall)s: %(cost)s", recall=recall.name, cost=cost.name),
                        "account_id": company.recall_expense_account_id.id,
                        "partner_id": cost.partner_id.id,
                        "debit": cost.amount if cost.amount > 0 else 0.0,
                        "credit": -cost.amount if cost.amount < 0 else 0.0,
                    }
                )
                for cost in costs
            ]
            total = sum(costs.mapped("amount"))
            lines.append(
                Command.create(
                    {
                        "name": self.env._("%(recall)s: recall costs", recall=recall.name),
                        "account_id": company.recall_counterpart_account_id.id,
                        "debit": -total if total < 0 else 0.0,
                        "credit": total if total > 0 else 0.0,
                    }
                )
            )
            move = (
                self.env["account.move"]
                .sudo()
                .with_company(company)
                .create(
                    {
                        "move_type": "entry",
                        "journal_id": journal.id,
                        "date": fields.Date.context_today(self),
                        "ref": self.env._("Recall %(recall)s costs", recall=recall.name),
                        "line_ids": lines,
                    }
                )
            )
            move.action_post()
            costs.sudo().write({"account_move_id": move.id})
            recall._log_event(
                self.env._(
                    "Recall costs of %(amount)s posted in journal entry %(move)s.",
                    amount=recall.currency_id.format(total),
                    move=move.name,
                )
            )
            moves |= move
        return moves

    def action_view_cost_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_journal_line")
        action["domain"] = [("id", "in", self.cost_move_ids.ids)]
        action["context"] = {}
        return action
