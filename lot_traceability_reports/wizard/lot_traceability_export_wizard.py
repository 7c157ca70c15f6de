from odoo import Command, api, fields, models

from ..models.lot_traceability_export import EXPORT_TYPES


class LotTraceabilityExportWizard(models.TransientModel):
    """Asks what to export (from the menu, lots, supplier lots or a recall) and queues the job."""

    _name = "lot.traceability.export.wizard"
    _description = "Traceability Export Request"

    export_type = fields.Selection(EXPORT_TYPES, "Export", required=True, default="fsma204")
    date_from = fields.Date("From", help="First day of events, in the company's time zone.")
    date_to = fields.Date("To", help="Last day of events (included), in the company's time zone.")
    lot_ids = fields.Many2many("stock.lot", string="Traceability Lot Codes")
    include_traced_lots = fields.Boolean(
        help="Add every lot the trace engine reaches from the chosen lots, upstream and downstream.",
    )
    product_ids = fields.Many2many("product.product", string="Products")
    ftl_only = fields.Boolean(
        "Food Traceability List Only",
        default=True,
        help="Only products flagged as on the FDA Food Traceability List.",
    )
    recall_id = fields.Many2one("stock.lot.recall")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            self.env["lot.traceability.export"]._check_period(wizard.date_from, wizard.date_to)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, ids = self.env.context.get("active_model"), self.env.context.get("active_ids") or []
        if model == "stock.lot" and ids:
            values.update(lot_ids=[Command.set(ids)], ftl_only=False)
        elif model == "stock.supplier.lot" and ids:
            lots = self.env["stock.supplier.lot"].browse(ids).lot_ids
            values.update(lot_ids=[Command.set(lots.ids)], ftl_only=False, include_traced_lots=True)
        elif model == "stock.lot.recall" and ids:
            recall = self.env["stock.lot.recall"].browse(ids[:1])
            lots = recall.affected_lot_ids or recall.lot_ids
            values.update(recall_id=recall.id, lot_ids=[Command.set(lots.ids)], ftl_only=False)
        return values

    def _prepare_export_vals(self):
        self.ensure_one()
        return {
            "export_type": self.export_type,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "lot_ids": [Command.set(self.lot_ids.ids)],
            "include_traced_lots": self.include_traced_lots,
            "product_ids": [Command.set(self.product_ids.ids)],
            "ftl_only": self.ftl_only,
            "recall_id": self.recall_id.id,
        }

    def action_export(self):
        export = self.env["lot.traceability.export"].create(self._prepare_export_vals())
        export.action_queue()
        return {
            "type": "ir.actions.act_window",
            "res_model": "lot.traceability.export",
            "res_id": export.id,
            "view_mode": "form",
            "target": "current",
        }
