from odoo import models


class StockLotIncidentScope(models.TransientModel):
    _inherit = "stock.lot.incident.scope"

    def action_mock_recall(self):
        """Launch a mock recall of the selected lots: scope computed and timed, nothing held."""
        return self._action_open_recall_wizard(is_mock=True)

    def action_recall(self):
        """Launch a real recall of the selected lots."""
        return self._action_open_recall_wizard(is_mock=False)

    def _action_open_recall_wizard(self, is_mock):
        self.ensure_one()
        lots = self._get_selected_lots()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Launch a Mock Recall") if is_mock else self.env._("Launch a Recall"),
            "res_model": "stock.lot.recall.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "stock.lot",
                "active_ids": lots.ids,
                "default_is_mock": is_mock,
                "default_reason": self.env._(
                    "Incident in %(location)s between %(start)s and %(end)s",
                    location=self.location_id.display_name,
                    start=self.date_from,
                    end=self.date_to,
                ),
            },
        }
