from odoo import fields, models
from odoo.exceptions import UserError

from .stock_lot_recall import OPEN_RECALL_STATES


class StockLotRecall(models.Model):
    """Rework: held or recovered stock of the recall made into new lots by rework orders, instead of destroyed."""

    _inherit = "stock.lot.recall"

    rework_production_ids = fields.One2many(
        "mrp.production", "lot_recall_id", "Rework Orders", domain=[("is_rework", "=", True)], readonly=True
    )
    rework_production_count = fields.Integer("Rework Order Count", compute="_compute_rework_production_count")

    def _compute_rework_production_count(self):
        for recall in self:
            recall.rework_production_count = len(recall.rework_production_ids)

    def _get_reworkable_lots(self):
        """The recall's lots on hold that have stock in this company's internal locations (held or recovered)."""
        self.ensure_one()
        return self._get_held_quants().lot_id.filtered(lambda lot: lot.qc_state == "on_hold")

    def _check_may_rework(self):
        self.ensure_one()
        if self.is_mock or self.state not in OPEN_RECALL_STATES:
            raise UserError(
                self.env._(
                    "Recall %(recall)s is not confirmed and open (a mock recall holds nothing): none of its stock can "
                    "be reworked.",
                    recall=self.name,
                )
            )

    def action_open_rework_wizard(self):
        """Open the Rework dialog for a lot the recall holds and that has stock."""
        self.ensure_one()
        self._check_may_rework()
        lots = self._get_reworkable_lots()
        lots._check_may_rework()
        if not lots:
            raise UserError(
                self.env._("No lot of recall %(recall)s on hold is left in stock to rework.", recall=self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Rework Stock of %(recall)s", recall=self.name),
            "res_model": "stock.lot.rework.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id, "default_lot_id": lots[:1].id},
        }

    def _create_rework_production(self, lot, quantity, location=None, product=None, bom=None, product_qty=None):
        """A rework order of ``quantity`` of ``lot`` (on hold in this recall, in stock) for this recall: see
        ``stock.lot._create_rework_production``. What it consumes is the recall's Reworked quantity."""
        self.ensure_one()
        self._check_may_rework()
        if lot not in self.affected_lot_ids:
            raise UserError(
                self.env._(
                    "Lot %(lot)s is not in the scope of recall %(recall)s: rework it from the lot itself.",
                    lot=lot.display_name,
                    recall=self.name,
                )
            )
        production = lot.with_env(self.env)._create_rework_production(
            quantity,
            location=location,
            product=product,
            bom=bom,
            product_qty=product_qty,
            origin_vals={"lot_recall_id": self.id},
        )
        self._log_event(
            self.env._(
                "Rework order %(order)s: %(quantity)s %(unit)s of lot %(lot)s reworked into %(product)s.",
                order=production.name,
                quantity=quantity,
                unit=lot.product_id.uom_id.name,
                lot=lot.name,
                product=production.product_id.display_name,
            )
        )
        return production

    def action_view_rework_productions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mrp.mrp_production_action")
        action.update(domain=[("lot_recall_id", "=", self.id), ("is_rework", "=", True)], context={"create": False})
        return action
