from odoo import api, fields, models


class StockLotFefoExplanation(models.TransientModel):
    """Why these lots? Every lot on hand in a move's source location, picked or skipped, and why."""

    _name = "stock.lot.fefo.explanation"
    _description = "Why These Lots?"

    move_ids = fields.Many2many("stock.move", string="Moves")
    line_ids = fields.One2many("stock.lot.fefo.explanation.line", "explanation_id", "Candidate Lots")

    @api.model_create_multi
    def create(self, vals_list):
        explanations = super().create(vals_list)
        for explanation in explanations:
            explanation.line_ids = [fields.Command.create(vals) for vals in explanation._prepare_line_vals()]
        return explanations

    def _prepare_line_vals(self):
        self.ensure_one()
        lines = []
        for move in self.move_ids.filtered(lambda move: move.has_tracking != "none"):
            quants = self.env["stock.quant"].search(
                [
                    ("product_id", "=", move.product_id.id),
                    ("location_id", "child_of", move.location_id.id),
                    ("lot_id", "!=", False),
                    ("quantity", ">", 0),
                ],
                order="removal_date, in_date, id",
            )
            reasons = move._get_lot_rule_violations(quants.lot_id)
            picked = move.move_line_ids.lot_id
            for quant in quants:
                reason = reasons.get(quant.lot_id.id, (None, ""))[1]
                if quant.lot_id in picked:
                    status = "picked"
                elif reason:
                    status = "skipped"
                else:
                    status = "available"
                lines.append(
                    {
                        "move_id": move.id,
                        "lot_id": quant.lot_id.id,
                        "location_id": quant.location_id.id,
                        "quantity": quant.quantity,
                        "reserved_quantity": quant.reserved_quantity,
                        "status": status,
                        "reason": reason or (self.env._("earliest removal date first") if status == "picked" else ""),
                    }
                )
        return lines


class StockLotFefoExplanationLine(models.TransientModel):
    _name = "stock.lot.fefo.explanation.line"
    _description = "Why These Lots? Line"
    _order = "explanation_id, move_id, id"

    explanation_id = fields.Many2one("stock.lot.fefo.explanation", required=True, ondelete="cascade")
    move_id = fields.Many2one("stock.move")
    lot_id = fields.Many2one("stock.lot")
    location_id = fields.Many2one("stock.location")
    quantity = fields.Float("On Hand", digits="Product Unit of Measure")
    reserved_quantity = fields.Float("Reserved", digits="Product Unit of Measure")
    expiration_date = fields.Datetime(related="lot_id.expiration_date")
    removal_date = fields.Datetime(related="lot_id.removal_date")
    qc_state = fields.Selection(related="lot_id.qc_state")
    status = fields.Selection([("picked", "Picked"), ("available", "Available"), ("skipped", "Skipped")])
    reason = fields.Text(help="Why the lot was picked, or the rule that skipped it.")
