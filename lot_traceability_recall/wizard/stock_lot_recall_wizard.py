from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.stock_lot_recall import FDA_CLASSES


class StockLotRecallWizard(models.TransientModel):
    _name = "stock.lot.recall.wizard"
    _description = "Launch a Recall"

    lot_ids = fields.Many2many("stock.lot", string="Lots")
    supplier_lot_ids = fields.Many2many("stock.supplier.lot", string="Supplier Lots")
    is_mock = fields.Boolean(
        "Mock Recall", help="Compute and time the scope only: nothing is put on hold, nobody is notified."
    )
    reason = fields.Text(required=True)
    fda_class = fields.Selection(FDA_CLASSES, "FDA Class")
    responsible_id = fields.Many2one("res.users", default=lambda self: self.env.user)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        active_model, active_ids = self.env.context.get("active_model"), self.env.context.get("active_ids") or []
        if active_model == "stock.lot":
            values["lot_ids"] = [Command.set(active_ids)]
        elif active_model == "stock.supplier.lot":
            values["supplier_lot_ids"] = [Command.set(active_ids)]
        return values

    def action_launch(self):
        """Create the recall case, compute its scope and open it."""
        self.ensure_one()
        seeds = self.lot_ids | self.supplier_lot_ids.lot_ids
        if not self.is_mock:
            open_recalls = self.env["stock.lot.recall"].search(
                [("is_mock", "=", False), ("state", "not in", ("closed", "cancelled")), ("lot_ids", "in", seeds.ids)]
            )
            if open_recalls:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s are already in open recall %(recalls)s: extend that recall's scope instead.",
                        lots=", ".join((open_recalls.lot_ids & seeds).mapped("name")),
                        recalls=", ".join(open_recalls.mapped("name")),
                    )
                )
        recall = self.env["stock.lot.recall"].create(
            {
                "is_mock": self.is_mock,
                "lot_ids": [Command.set(self.lot_ids.ids)],
                "supplier_lot_ids": [Command.set(self.supplier_lot_ids.ids)],
                "reason": self.reason,
                "fda_class": self.fda_class,
                "responsible_id": self.responsible_id.id,
            }
        )
        recall.action_compute_scope()
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.lot.recall",
            "res_id": recall.id,
            "view_mode": "form",
        }
