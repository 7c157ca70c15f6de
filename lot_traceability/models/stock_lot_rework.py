from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero, float_round

from ..tools import stock_flows
from ..tools.arguments import check_id
from ..tools.server_write import server_write

# Who may rework a lot on hold: the same people who may consume it in the rework order (stock.move.line rework gate).
REWORK_GROUPS = ("stock.group_stock_manager", "lot_traceability.group_qa_manager")


class StockLot(models.Model):
    _inherit = "stock.lot"

    rework_production_ids = fields.One2many(
        "mrp.production", "rework_lot_id", "Rework Orders", help="The rework orders made for this lot on hold."
    )
    rework_production_count = fields.Integer("Rework Order Count", compute="_compute_rework_production_count")

    @api.depends("rework_production_ids")
    def _compute_rework_production_count(self):
        for lot in self:
            lot.rework_production_count = len(lot.rework_production_ids)

    @api.model
    def _may_rework(self):
        """Whether the current user may rework lots on hold: a stock manager or a QA manager."""
        return any(self.env.user.has_group(group) for group in REWORK_GROUPS)

    def _check_may_rework(self):
        if not self._may_rework():
            raise AccessError(
                self.env._(
                    "Only stock managers and QA managers may rework lots on hold: %(lots)s.",
                    lots=", ".join(self.mapped("name")),
                )
            )

    def _get_rework_available(self, location):
        """The quantity of this lot at ``location`` (internal, its children not counted) a rework may consume:
        on hand and not reserved by another operation."""
        self.ensure_one()
        quants = self.env["stock.quant"].search(
            [("lot_id", "=", self.id), ("location_id", "=", location.id), ("quantity", ">", 0)]
        )
        return sum(quants.mapped(lambda quant: quant.quantity - quant.reserved_quantity))

    def _get_rework_default_location(self):
        """The internal location holding most of this lot, not reserved: where a rework takes it from."""
        self.ensure_one()
        quants = self.env["stock.quant"].search(
            [("lot_id", "=", self.id), ("location_id.usage", "=", "internal"), ("quantity", ">", 0)]
        )
        if not quants:
            return self.env["stock.location"]
        return max(quants, key=lambda quant: (quant.quantity - quant.reserved_quantity, -quant.id)).location_id

    def action_rework(self):
        """Open the Rework dialog of this lot on hold."""
        self.ensure_one()
        self._check_may_rework()
        self._check_rework_state()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Rework %(lot)s", lot=self.name),
            "res_model": "stock.lot.rework.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lot_id": self.id},
        }

    def action_view_rework_productions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mrp.mrp_production_action")
        action.update(
            domain=[("rework_lot_id", "=", self.id)],
            context={"create": False},
        )
        if self.rework_production_count == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.rework_production_ids.id)
        return action

    def _check_rework_state(self):
        states = dict(self._fields["qc_state"]._description_selection(self.env))
        for lot in self:
            if lot.qc_state != "on_hold":
                raise UserError(
                    self.env._(
                        "Lot %(lot)s is %(state)s, not on hold: only a lot held by QA or by a recall is reworked. "
                        "A released lot is used as it is; a pending one is released or rejected first.",
                        lot=lot.name,
                        state=states[lot.qc_state],
                    )
                )

    def _get_rework_hold_vals(self):
        """Values of the rework order saying what held this lot: its latest signed hold. The recall addon adds the
        open recall that holds it."""
        self.ensure_one()
        holds = self.sudo().qc_signature_ids.filtered(lambda signature: signature.decision == "hold")
        last = holds.sorted("sequence")[-1:]
        return {"rework_signature_id": last.id} if last else {}

    def _create_rework_production(
        self, quantity, location=None, product=None, bom=None, product_qty=None, origin_vals=None
    ):
        """A manufacturing order marked as rework that consumes ``quantity`` of this lot on hold from ``location``
        (the lot's main internal location when not given) and makes ``product_qty`` of ``product`` (this lot's
        product and the quantity consumed when not given) by ``bom`` (optional: without one, this lot is its only
        component) into a new lot, pending release with the QC checks of its product.

        The order is confirmed, with this lot picked on its component line: it may consume that lot, and only that
        lot, although it is on hold (stock.move.line rework gate). ``origin_vals`` are more values of the order (the
        recall it reworks for). Everything is checked before anything is created.

        :raise AccessError: the user is neither a stock manager nor a QA manager
        :raise UserError: the lot is not on hold, the quantity or the product is not one it may have
        :return: the rework order (``mrp.production``)
        """
        self.ensure_one()
        self._check_may_rework()
        self._lock_for_signature()  # a release or another rework of the lot waits, then sees this one
        self.invalidate_recordset(["qc_state"])
        self._check_rework_state()
        Product = self.env["product.product"]
        location = (
            self.env["stock.location"].browse(check_id(self.env, location, self.env._("the location")))
            if location
            else self._get_rework_default_location()
        )
        if not location or location.usage != "internal":
            raise UserError(
                self.env._(
                    "Lot %(lot)s has no stock in an internal location to rework: choose the location it is in.",
                    lot=self.name,
                )
            )
        product = Product.browse(check_id(self.env, product, self.env._("the product"))) if product else self.product_id
        company = self.company_id or location.company_id or self.env.company
        # Read as the server: a product of a company the user may not read is refused by name, not by an access error.
        if not product.sudo().exists() or (product.sudo().company_id and product.sudo().company_id != company):
            raise UserError(
                self.env._(
                    "Product %(product)s belongs to another company: a rework of lot %(lot)s in %(company)s makes a "
                    "product of %(company)s or a product shared by all companies.",
                    product=product.sudo().display_name,
                    lot=self.name,
                    company=company.name,
                )
            )
        if not product.is_storable or product.tracking != "lot":
            raise UserError(
                self.env._(
                    "Product %(product)s is not tracked by lots: a rework makes a new lot, so it makes a storable "
                    "product tracked by lots.",
                    product=product.display_name,
                )
            )
        if bom:
            bom = self.env["mrp.bom"].browse(check_id(self.env, bom, self.env._("the bill of materials")))
            if bom.product_tmpl_id != product.product_tmpl_id or (bom.product_id and bom.product_id != product):
                raise UserError(
                    self.env._(
                        "Bill of materials %(bom)s does not make %(product)s: choose one of its bills of materials, or "
                        "none.",
                        bom=bom.display_name,
                        product=product.display_name,
                    )
                )
            if bom.company_id and bom.company_id != company:
                raise UserError(
                    self.env._(
                        "Bill of materials %(bom)s belongs to another company than lot %(lot)s.",
                        bom=bom.display_name,
                        lot=self.name,
                    )
                )
        rounding = self.product_id.uom_id.rounding
        available = self._get_rework_available(location)
        if not isinstance(quantity, int | float) or float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
            raise UserError(self.env._("Give a quantity of lot %(lot)s to rework, above zero.", lot=self.name))
        if float_compare(quantity, available, precision_rounding=rounding) > 0:
            raise UserError(
                self.env._(
                    "Only %(available)s %(unit)s of lot %(lot)s are on hold in %(location)s and not reserved: a rework "
                    "cannot consume %(quantity)s.",
                    available=float_round(available, precision_rounding=rounding),
                    unit=self.product_id.uom_id.name,
                    lot=self.name,
                    location=location.display_name,
                    quantity=quantity,
                )
            )
        if product_qty is None:
            product_qty = quantity if product == self.product_id else 0.0
        if not isinstance(product_qty, int | float) or float_is_zero(
            max(product_qty, 0.0), precision_rounding=product.uom_id.rounding
        ):
            raise UserError(
                self.env._(
                    "Give the quantity of %(product)s the rework makes, above zero.", product=product.display_name
                )
            )
        with server_write("mrp.production.rework"):
            production = (
                self.env["mrp.production"]
                .with_company(company)
                .create(
                    {
                        "product_id": product.id,
                        "product_qty": product_qty,
                        "product_uom_id": product.uom_id.id,
                        "bom_id": bom.id if bom else False,
                        "company_id": company.id,
                        "location_src_id": location.id,
                        "origin": self.name,
                        "is_rework": True,
                        "rework_lot_id": self.id,
                        **self._get_rework_hold_vals(),
                        **(origin_vals or {}),
                    }
                )
            )
        production._prepare_rework_components(self, quantity, location)
        production._create_rework_lot(self)
        production.message_post(body=production.rework_origin)
        return production


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def _prepare_rework_components(self, lot, quantity, location):
        """Confirm the rework order with ``quantity`` of ``lot`` (on hold) picked on its component line, from
        ``location``: a manual consumption, which Odoo's Produce keeps as it is."""
        self.ensure_one()
        move = self.move_raw_ids.filtered(lambda raw: raw.product_id == lot.product_id)[:1]
        if move:
            move.write({"product_uom_qty": quantity, "product_uom": lot.product_id.uom_id.id})
        else:
            self.move_raw_ids = [
                Command.create(self._get_move_raw_values(lot.product_id, quantity, lot.product_id.uom_id))
            ]
            move = self.move_raw_ids.filtered(lambda raw: raw.product_id == lot.product_id)[:1]
        self.action_confirm()
        move = self.move_raw_ids.filtered(lambda raw: raw.product_id == lot.product_id)[:1]
        move._do_unreserve()
        move.manual_consumption = True
        stock_flows.set_move_lines(move, [stock_flows.line_vals(move, quantity, lot, location_id=location.id)])
        move.picked = True

    def _create_rework_lot(self, reworked):
        """The new lot the rework makes: pending release whatever its product, with its product's QC checks, since
        it was made of a lot on hold (``reworked``); its History says so."""
        self.ensure_one()
        lot = self.env["stock.lot"].create(self._prepare_stock_lot_values())
        if lot.qc_state != "pending":
            with server_write("stock.lot.qc_state"):
                lot.write({"qc_release_required": True})
            lot._write_qc_state(
                "pending",
                self.env._(
                    "Reworked from lot %(lot)s on hold (%(order)s): QA releases it.", lot=reworked.name, order=self.name
                ),
            )
            lot._create_qc_checks()
        self.lot_producing_id = lot
        return lot
