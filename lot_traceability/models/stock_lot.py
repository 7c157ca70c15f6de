import base64
import io

import qrcode

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import gs1
from .res_config_settings import DEFAULT_GS1_RESOLVER


class StockLot(models.Model):
    _inherit = "stock.lot"

    supplier_lot_id = fields.Many2one(
        "stock.supplier.lot",
        index="btree_not_null",
        # No check_company: a lot of a product shared by all companies has no company itself,
        # while its supplier lot belongs to the company that received it.
        tracking=True,
        domain="[('product_id', '=', product_id)]",
        help="The supplier's lot this internal lot was received from.",
    )
    supplier_lot_code = fields.Char(
        related="supplier_lot_id.name", string="Supplier Lot Code", help="The supplier's own lot code."
    )
    supplier_id = fields.Many2one(related="supplier_lot_id.partner_id", string="Supplier")
    production_date = fields.Datetime(
        tracking=True,
        help="When the goods of this lot were produced: the supplier's production date for "
        "received lots, the manufacturing date for lots made here.",
    )
    origin_picking_id = fields.Many2one(
        "stock.picking",
        "Origin Receipt",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The receipt that first brought this lot into stock.",
    )
    origin_production_id = fields.Many2one(
        "mrp.production",
        "Origin Manufacturing Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The manufacturing order that produced this lot.",
    )
    origin_type = fields.Selection(
        [("receipt", "Received"), ("production", "Manufactured")],
        compute="_compute_origin_type",
        string="Origin",
    )

    @api.depends("origin_picking_id", "origin_production_id")
    def _compute_origin_type(self):
        for lot in self:
            if lot.origin_production_id:
                lot.origin_type = "production"
            elif lot.origin_picking_id:
                lot.origin_type = "receipt"
            else:
                lot.origin_type = False

    @api.constrains("production_date", "expiration_date")
    def _check_expiration_after_production(self):
        for lot in self:
            if lot.production_date and lot.expiration_date and lot.expiration_date < lot.production_date:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s would expire on %(expiry)s, before its production date "
                        "%(production)s. Correct the expiration or the production date.",
                        lot=lot.name,
                        expiry=fields.Datetime.to_string(lot.expiration_date),
                        production=fields.Datetime.to_string(lot.production_date),
                    )
                )

    @api.constrains("supplier_lot_id", "product_id")
    def _check_supplier_lot_product(self):
        for lot in self:
            if lot.supplier_lot_id and lot.supplier_lot_id.product_id != lot.product_id:
                raise ValidationError(
                    self.env._(
                        "Supplier lot %(code)s is a lot of %(supplier_product)s; it cannot be the "
                        "origin of lot %(lot)s of %(product)s. Choose a supplier lot of the same product.",
                        code=lot.supplier_lot_id.name,
                        supplier_product=lot.supplier_lot_id.product_id.display_name,
                        lot=lot.name,
                        product=lot.product_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # GS1
    # ------------------------------------------------------------------

    def _get_gs1_elements(self):
        """GS1 element values of this lot: GTIN, lot or serial, production and expiry dates."""
        self.ensure_one()
        gtin = self.product_id._get_gs1_gtin()
        if not gtin:
            raise UserError(
                self.env._(
                    "Product %(product)s has no valid GTIN in its barcode field; a GS1 label needs "
                    "one. Set the product's barcode to its GTIN-8, 12, 13 or 14.",
                    product=self.product_id.display_name,
                )
            )
        elements = {"01": gtin, "21" if self.product_id.tracking == "serial" else "10": self.name}
        if self.production_date:
            elements["11"] = fields.Datetime.context_timestamp(self, self.production_date).date()
        if self.expiration_date:
            elements["17"] = fields.Datetime.context_timestamp(self, self.expiration_date).date()
        return elements

    def _get_gs1_digital_link(self):
        """The lot's GS1 Digital Link URI on the configured resolver."""
        self.ensure_one()
        resolver = (
            self.env["ir.config_parameter"].sudo().get_param("lot_traceability.gs1_resolver")
            or DEFAULT_GS1_RESOLVER
        )
        try:
            return gs1.build_digital_link(self._get_gs1_elements(), domain=resolver)
        except gs1.GS1Error as error:
            raise UserError(
                self.env._("Lot %(lot)s cannot be encoded in GS1: %(error)s", lot=self.name, error=error)
            ) from error

    def _get_gs1_qr_code(self):
        """PNG data URI of a QR code holding the lot's GS1 Digital Link URI."""
        self.ensure_one()
        image = qrcode.make(
            self._get_gs1_digital_link(), error_correction=qrcode.constants.ERROR_CORRECT_M, border=2
        )
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()

    def action_print_gs1_label(self):
        # config=False: a label uses the basic layout, no need to configure the document layout first.
        return self.env.ref("lot_traceability.action_report_lot_gs1_label").report_action(self, config=False)

    def action_view_supplier_lot(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.supplier.lot",
            "res_id": self.supplier_lot_id.id,
            "view_mode": "form",
        }
