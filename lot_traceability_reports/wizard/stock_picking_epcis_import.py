from odoo import api, fields, models

from ..models.stock_picking_epcis_import import IGNORED, MATCH, MISMATCH


class StockPickingEpcisImport(models.TransientModel):
    """Upload a supplier's EPCIS file on a receipt, read the report, confirm: the work is done by
    ``stock.picking._analyse_epcis`` (reads only) and ``stock.picking._import_epcis`` (the file read again)."""

    _name = "stock.picking.epcis.import"
    _description = "Import a Supplier's EPCIS File"

    picking_id = fields.Many2one("stock.picking", "Receipt", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="picking_id.company_id")
    epcis_file = fields.Binary(
        "EPCIS File", attachment=False, help="The supplier's EPCIS 2.0 document (JSON-LD or XML)."
    )
    filename = fields.Char("File Name")
    state = fields.Selection([("upload", "Upload"), ("report", "Report")], default="upload", required=True)
    line_ids = fields.One2many("stock.picking.epcis.import.line", "wizard_id", "Report", readonly=True)
    notes = fields.Text("Not Read", readonly=True, help="What the file holds that the import does not use.")
    mismatch_count = fields.Integer(compute="_compute_counts")
    match_count = fields.Integer(compute="_compute_counts")

    @api.depends("line_ids.status")
    def _compute_counts(self):
        for wizard in self:
            wizard.mismatch_count = len(wizard.line_ids.filtered(lambda line: line.status == MISMATCH))
            wizard.match_count = len(wizard.line_ids.filtered(lambda line: line.status == MATCH))

    def _get_content(self):
        self.ensure_one()
        return self.picking_id._decode_epcis_upload(self.epcis_file)

    def action_check(self):
        """Read the file against the receipt and show the report (nothing written but this wizard)."""
        self.ensure_one()
        analysis = self.picking_id._analyse_epcis(self._get_content())
        fields_ = self.env["stock.picking.epcis.import.line"]._fields
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create({key: value for key, value in line.items() if key in fields_})
            for line in analysis["lines"]
        ]
        self.notes = "\n".join(analysis["notes"]) or False
        self.state = "report"
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import EPCIS"),
        }

    def action_confirm(self):
        """Import: the file is read again (the report shown is not trusted), all of it or nothing."""
        self.ensure_one()
        self.picking_id._import_epcis(self._get_content(), self.filename)
        return {"type": "ir.actions.act_window_close"}


class StockPickingEpcisImportLine(models.TransientModel):
    _name = "stock.picking.epcis.import.line"
    _description = "Line of an EPCIS Import Report"
    _order = "id"

    wizard_id = fields.Many2one("stock.picking.epcis.import", required=True, ondelete="cascade")
    event = fields.Integer(help="Position of the event in the file's event list.")
    status = fields.Selection(
        [(MATCH, "Matches"), (MISMATCH, "Does not match"), (IGNORED, "Not imported")], required=True
    )
    message = fields.Char(required=True)
    product_id = fields.Many2one("product.product")
    gtin = fields.Char("GTIN")
    lot_code = fields.Char("Supplier Lot")
    file_quantity = fields.Float("Quantity in the File", digits="Product Unit of Measure")
    file_uom = fields.Char("Unit in the File")
    quantity = fields.Float(digits="Product Unit of Measure")
    uom_id = fields.Many2one("uom.uom", "Unit")
    expiration_date = fields.Date()
    production_date = fields.Date()
    sscc = fields.Char("SSCC")
