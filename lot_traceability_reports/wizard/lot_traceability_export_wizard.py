from odoo import Command, api, models


class LotTraceabilityExportWizard(models.TransientModel):
    """Asks what to export (from the menu, lots, supplier lots or a recall) and queues the job."""

    _name = "lot.traceability.export.wizard"
    _inherit = ["lot.traceability.export.filter.mixin"]
    _description = "Traceability Export Request"

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
