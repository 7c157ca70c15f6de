from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import gs1
from ..tools.arguments import check_ids
from .stock_lot_trace import MAX_TRACE_LOTS


class StockSupplierLot(models.Model):
    """A supplier's own lot code, as printed on the goods received.

    One supplier lot may be received several times and split into several internal
    lots; each internal lot comes from at most one supplier lot (``stock.lot.supplier_lot_id``).
    """

    _name = "stock.supplier.lot"
    _description = "Supplier Lot"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True
    _order = "create_date desc, id desc"
    _rec_names_search = ["name", "partner_id.name", "product_id.default_code"]

    name = fields.Char(
        "Supplier Lot Code",
        required=True,
        index="trigram",
        tracking=True,
        help="The lot or batch code printed by the supplier on the goods (GS1 AI 10).",
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Supplier",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The supplier (its commercial entity) whose lot code this is.",
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('tracking', '!=', 'none'), ('is_storable', '=', True)]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit of Measure")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    production_date = fields.Date(
        "Supplier Production Date", tracking=True, help="Production date given by the supplier (GS1 AI 11)."
    )
    expiration_date = fields.Date(
        "Supplier Expiration Date", tracking=True, help="Expiration date given by the supplier (GS1 AI 17)."
    )
    packaging_date = fields.Date(
        "Supplier Packaging Date", tracking=True, help="Packaging date given by the supplier (GS1 AI 13)."
    )
    gtin = fields.Char(
        "Supplier GTIN",
        tracking=True,
        help="The GTIN on the supplier's label (GS1 AI 01), read from a scanned barcode: with the supplier lot "
        "code it identifies the lot in EPCIS files. Empty: the product's barcode.",
    )
    tlc_source_reference = fields.Char(
        "TLC Source Reference",
        tracking=True,
        help="Where the supplier assigned this traceability lot code, as FSMA 204 (21 CFR 1.1320) allows it to be "
        "given instead of the location: e.g. the FDA Food Facility Registration or FEI number of the packing "
        "site, or a web address. Empty: FSMA 204 files give the supplier's business name and address.",
    )
    coa_attachment_ids = fields.Many2many(
        "ir.attachment",
        "stock_supplier_lot_coa_attachment_rel",
        "supplier_lot_id",
        "attachment_id",
        string="Certificates of Analysis",
        help="The supplier's certificates of analysis for this lot.",
    )
    note = fields.Html("Notes")
    lot_ids = fields.One2many("stock.lot", "supplier_lot_id", "Internal Lots", readonly=True)
    lot_count = fields.Integer("Internal Lot Count", compute="_compute_lot_count")
    move_line_ids = fields.One2many(
        "stock.move.line",
        "supplier_lot_id",
        "Receipt Lines",
        readonly=True,
        domain=[("state", "=", "done")],
    )
    received_qty = fields.Float(
        "Received Quantity",
        compute="_compute_received_qty",
        digits="Product Unit of Measure",
        help="Quantity received from this supplier lot in done receipts, in the product's unit of measure.",
    )

    _sql_constraints = [
        (
            "supplier_lot_unique",
            # Deferred so that _check_unique_code reports duplicates by name first; the
            # constraint still stops two users creating the same code at once.
            "unique(company_id, partner_id, product_id, name) DEFERRABLE INITIALLY DEFERRED",
            "A supplier lot code must be unique per company, supplier and product.",
        ),
    ]

    @api.depends("lot_ids")
    def _compute_lot_count(self):
        counts = {
            supplier_lot.id: count
            for supplier_lot, count in self.env["stock.lot"]._read_group(
                [("supplier_lot_id", "in", self.ids)], ["supplier_lot_id"], ["__count"]
            )
        }
        for supplier_lot in self:
            supplier_lot.lot_count = counts.get(supplier_lot.id, 0)

    @api.depends("move_line_ids.quantity_product_uom")
    def _compute_received_qty(self):
        quantities = {
            supplier_lot.id: quantity
            for supplier_lot, quantity in self.env["stock.move.line"]._read_group(
                [
                    ("supplier_lot_id", "in", self.ids),
                    ("state", "=", "done"),
                    ("picking_code", "=", "incoming"),
                ],
                ["supplier_lot_id"],
                ["quantity_product_uom:sum"],
            )
        }
        for supplier_lot in self:
            supplier_lot.received_qty = quantities.get(supplier_lot.id, 0.0)

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for supplier_lot in self:
            supplier_lot.display_name = (
                f"{supplier_lot.name} ({supplier_lot.partner_id.name})"
                if supplier_lot.partner_id
                else supplier_lot.name
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name"):
                vals["name"] = vals["name"].strip()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("name"):
            vals["name"] = vals["name"].strip()
        return super().write(vals)

    @api.constrains("name", "partner_id", "product_id", "company_id")
    def _check_unique_code(self):
        """Say which code is duplicated before the SQL constraint does it with a bare message."""
        duplicates = self._read_group(
            [
                ("name", "in", self.mapped("name")),
                ("product_id", "in", self.product_id.ids),
                ("partner_id", "in", self.partner_id.ids),
            ],
            ["company_id", "partner_id", "product_id", "name"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if duplicates:
            lines = "\n".join(
                self.env._(
                    "- %(code)s from %(supplier)s for %(product)s",
                    code=name,
                    supplier=partner.display_name,
                    product=product.display_name,
                )
                for _company, partner, product, name, _count in duplicates
            )
            raise ValidationError(
                self.env._(
                    "A supplier lot code can be recorded only once per supplier and product. "
                    "Open the existing supplier lot instead of creating it again:\n%(lines)s",
                    lines=lines,
                )
            )

    @api.constrains("gtin")
    def _check_gtin(self):
        for supplier_lot in self.filtered("gtin"):
            try:
                gs1.normalize_gtin(supplier_lot.gtin)
            except gs1.GS1Error as error:
                raise ValidationError(
                    self.env._(
                        "Supplier lot %(code)s: %(error)s Correct its GTIN or leave it empty.",
                        code=supplier_lot.name,
                        error=error,
                    )
                ) from error

    @api.constrains("name")
    def _check_name(self):
        for supplier_lot in self:
            if not (supplier_lot.name or "").strip():
                raise ValidationError(self.env._("The supplier lot code cannot be empty."))

    @api.constrains("production_date", "expiration_date")
    def _check_dates(self):
        for supplier_lot in self:
            if (
                supplier_lot.production_date
                and supplier_lot.expiration_date
                and supplier_lot.expiration_date < supplier_lot.production_date
            ):
                raise ValidationError(
                    self.env._(
                        "Supplier lot %(code)s expires on %(expiry)s, before its production date "
                        "%(production)s. Correct one of the two dates.",
                        code=supplier_lot.name,
                        expiry=supplier_lot.expiration_date,
                        production=supplier_lot.production_date,
                    )
                )

    @api.constrains("product_id")
    def _check_product_of_internal_lots(self):
        for supplier_lot in self:
            if supplier_lot.lot_ids.product_id - supplier_lot.product_id:
                raise ValidationError(
                    self.env._(
                        "Supplier lot %(code)s is linked to internal lots of another product; "
                        "its product cannot change.",
                        code=supplier_lot.name,
                    )
                )

    @api.model
    def _get_or_create(self, keys):
        """Return the supplier lots for ``keys``, creating the missing ones in one batch.

        :param keys: dict ``(company_id, partner_id, product_id, code) -> extra create vals``
        :return: dict ``(company_id, partner_id, product_id, code) -> stock.supplier.lot``
        """
        if not keys:
            return {}
        existing = self.search(
            [
                ("company_id", "in", list({key[0] for key in keys})),
                ("partner_id", "in", list({key[1] for key in keys})),
                ("product_id", "in", list({key[2] for key in keys})),
                ("name", "in", list({key[3] for key in keys})),
            ]
        )
        found = {(lot.company_id.id, lot.partner_id.id, lot.product_id.id, lot.name): lot for lot in existing}
        missing = [key for key in keys if key not in found]
        created = self.create(
            [
                {
                    "company_id": company_id,
                    "partner_id": partner_id,
                    "product_id": product_id,
                    "name": code,
                    **keys[(company_id, partner_id, product_id, code)],
                }
                for company_id, partner_id, product_id, code in missing
            ]
        )
        found.update(zip(missing, created, strict=True))
        return found

    @api.readonly
    def trace(self, direction="downstream"):
        """The trace of the internal lots received from these supplier lots (``stock.lot.trace``)."""
        check_ids(self.env, self._ids, self.env._("the supplier lots to trace"), limit=MAX_TRACE_LOTS)
        self.check_access("read")
        return self.lot_ids.trace(direction)

    def action_open_genealogy(self):
        if not self.lot_ids:
            raise UserError(
                self.env._("No internal lot was received from supplier lot %(code)s yet.", code=self[:1].name)
            )
        return self.lot_ids.action_open_genealogy()

    def action_view_lots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_production_lot_form")
        action.update(
            domain=[("supplier_lot_id", "=", self.id)],
            context={"default_product_id": self.product_id.id, "display_complete": True},
        )
        return action
