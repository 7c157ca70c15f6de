from odoo import Command, fields, models
from odoo.exceptions import UserError


class StockLotIncidentScope(models.TransientModel):
    """Which lots were in a place during an incident (contamination, temperature excursion,
    pests)? ``stock.lot._get_lots_in_location`` answers; this wizard asks and acts on the answer."""

    _name = "stock.lot.incident.scope"
    _description = "Incident Scope by Place and Time"

    location_id = fields.Many2one(
        "stock.location",
        required=True,
        domain="[('usage', 'in', ('internal', 'transit'))]",
        help="The place of the incident; its sub-locations are included.",
    )
    date_from = fields.Datetime("From", required=True)
    date_to = fields.Datetime("To", required=True, default=fields.Datetime.now)
    lot_ids = fields.Many2many(
        "stock.lot",
        string="Lots",
        help="The lots that were in the location at some moment of the period. Remove those you do not want to act on.",
    )
    searched = fields.Boolean(readonly=True)

    def action_find_lots(self):
        self.ensure_one()
        lots = self.env["stock.lot"]._get_lots_in_location(self.location_id, self.date_from, self.date_to)
        self.write({"lot_ids": [Command.set(lots.ids)], "searched": True})
        return self._get_reopen_action()

    def action_hold(self):
        """Put the selected lots on hold, through the QC signature."""
        self.ensure_one()
        return self._get_selected_lots()._action_open_qc_sign_wizard("hold")

    def _get_selected_lots(self):
        if not self.lot_ids:
            raise UserError(self.env._("No lot selected: find the lots of the incident first."))
        return self.lot_ids

    def _get_reopen_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Incident Scope"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
