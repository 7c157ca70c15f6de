from odoo import api, fields, models
from odoo.addons.lot_traceability.models.stock_lot_qc_signature import QC_STATES
from odoo.addons.lot_traceability.tools.server_write import is_server_write
from odoo.exceptions import UserError


class StockLotRecallScopeLine(models.AbstractModel):
    """What a recall's actions compute and store (its shipments, stock, holds and mass balance): read by
    everyone who sees the recall, written by its actions only, never by hand."""

    _name = "stock.lot.recall.scope.line"
    _description = "Recall Scope Line"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True)
    lot_id = fields.Many2one("stock.lot", required=True)
    product_id = fields.Many2one(related="lot_id.product_id")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_server_write()
        return super().create(vals_list)

    def write(self, vals):
        self._check_server_write()
        return super().write(vals)

    def unlink(self):
        self._check_server_write()
        return super().unlink()

    @api.model
    def _check_server_write(self):
        if not is_server_write("stock.lot.recall"):
            raise UserError(
                self.env._("A recall's scope is computed by the recall (Compute Scope, Update Balance), never edited.")
            )


class StockLotRecallShipment(models.Model):
    _name = "stock.lot.recall.shipment"
    _inherit = ["stock.lot.recall.scope.line"]
    _description = "Recall Shipment"
    _order = "partner_id, date, id"
    # Written once per scope computation, thousands at a time: no create/write log columns (each is a
    # foreign key checked per row), and company and product follow the recall and the lot.
    _log_access = False

    company_id = fields.Many2one(related="recall_id.company_id")
    partner_id = fields.Many2one("res.partner", "Customer", index=True)
    picking_id = fields.Many2one("stock.picking", "Delivery")
    move_line_id = fields.Many2one("stock.move.line")
    product_uom_id = fields.Many2one(related="product_id.uom_id")
    quantity = fields.Float(digits="Product Unit of Measure")
    date = fields.Datetime()


class StockLotRecallStock(models.Model):
    _name = "stock.lot.recall.stock"
    _inherit = ["stock.lot.recall.scope.line"]
    _description = "Recall Stock on Hand"
    _order = "lot_id, location_id"
    _log_access = False

    company_id = fields.Many2one(related="location_id.company_id", store=True, index=True)
    location_id = fields.Many2one("stock.location", required=True)
    quantity = fields.Float(digits="Product Unit of Measure")


class StockLotRecallHold(models.Model):
    """The QC state a lot had before a recall put it on hold, to give it back on cancel."""

    _name = "stock.lot.recall.hold"
    _inherit = ["stock.lot.recall.scope.line"]
    _description = "Recall Hold"
    _log_access = False

    company_id = fields.Many2one(related="recall_id.company_id", store=True)
    lot_id = fields.Many2one(index=True)  # cancel and close look holds up by lot
    previous_qc_state = fields.Selection(QC_STATES, "Previous QC State")
