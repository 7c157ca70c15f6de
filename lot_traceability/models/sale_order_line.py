from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    product_tracking = fields.Selection(related="product_id.tracking", string="Product Tracking")
    lot_id = fields.Many2one(
        "stock.lot",
        copy=False,
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
        help="The lot this line delivers: only this lot is reserved and shipped, on every step of the delivery. "
        "Empty: the warehouse picks by FEFO. Only lots the customer may receive can be chosen.",
    )
    lot_warning = fields.Char(
        compute="_compute_lot_warning",
        help="Why the chosen lot may no longer be delivered to this customer (held, recalled, past its removal "
        "date, too short-dated). Next Lot takes the next acceptable lot by FEFO.",
    )

    # An onchange, not a stored compute: installing on a database of many order lines computes nothing.
    @api.onchange("product_id")
    def _onchange_product_id_lot(self):
        if self.lot_id.sudo().product_id != self.product_id:
            self.lot_id = False

    @api.depends(
        "lot_id.qc_state",
        "lot_id.removal_date",
        "lot_id.expiration_date",
        "order_id.partner_shipping_id",
        "qty_delivered",
        "product_uom_qty",
    )
    def _compute_lot_warning(self):
        self.lot_warning = False
        groups = defaultdict(lambda: self.browse())
        for line in self:
            if line.lot_id and line.state != "cancel" and not line._is_lot_delivered():
                groups[line._get_lot_customer(), line._get_lot_rule_date()] |= line
        for (partner, date), lines in groups.items():
            # Salespeople need no right on lots: the line reads its lot as the server.
            refusals = lines.lot_id.sudo()._get_delivery_refusals(partner, date)
            for line in lines:
                if line.lot_id.id in refusals:
                    line.lot_warning = self.env._(
                        "Lot %(lot)s may no longer be delivered to %(partner)s: %(reason)s. Next Lot takes the next "
                        "lot by FEFO.",
                        lot=line.lot_id.sudo().name,
                        partner=partner.commercial_partner_id.display_name,
                        reason=refusals[line.lot_id.id][1],
                    )

    # ------------------------------------------------------------------
    # What the line's lot is checked against
    # ------------------------------------------------------------------

    def _get_lot_customer(self):
        """The partner whose rules apply: the one the delivery goes to (stock.move._get_shelf_life_partner)."""
        self.ensure_one()
        return self.order_id.partner_shipping_id or self.order_id.partner_id

    def _get_lot_rule_date(self):
        """When the lot leaves: the promised date, never in the past."""
        self.ensure_one()
        now = fields.Datetime.now()
        return max(now, self.order_id.commitment_date or self._expected_date())

    def _is_lot_delivered(self):
        self.ensure_one()
        return (
            float_compare(self.qty_delivered, self.product_uom_qty, precision_rounding=self.product_uom.rounding) >= 0
            and self.qty_delivered > 0
        )

    def _get_lot_moves(self):
        """The warehouse moves of this line on every step of its route (pick, pack, ship), done or not."""
        moves = self.move_ids
        todo = moves
        while todo:
            todo = todo.move_orig_ids.filtered(lambda move: move.location_id.usage == "internal") - moves
            moves |= todo
        return moves.filtered(lambda move: move.state != "cancel")

    def _get_lot_quantities(self):
        """What each lot of the product holds in the line's warehouse for this line, in the product's unit.

        :return: dict ``lot -> quantity``: on hand, less what other moves reserved (this line's own
            reservation counts as available to it)
        """
        self.ensure_one()
        return self._get_lot_quantities_by_line()[self]

    def _get_lot_quantities_by_line(self):
        """:meth:`_get_lot_quantities` of every line: one read of the quants per warehouse.

        :return: dict ``line -> {lot: quantity}``
        """
        result = {line: {} for line in self}
        by_warehouse = defaultdict(lambda: self.browse())
        for line in self.filtered("product_id"):
            warehouse = line.warehouse_id or line.order_id.warehouse_id
            if warehouse:
                by_warehouse[warehouse] |= line
        quants = self.env["stock.quant"].sudo()
        for warehouse, lines in by_warehouse.items():
            groups = quants._read_group(
                [
                    ("product_id", "in", lines.product_id.ids),
                    ("location_id", "child_of", warehouse.lot_stock_id.id),
                    ("lot_id", "!=", False),
                ],
                ["product_id", "lot_id"],
                ["quantity:sum", "reserved_quantity:sum"],
            )
            per_product = defaultdict(dict)
            for product, lot, quantity, reserved in groups:
                per_product[product][lot] = quantity - reserved
            stock_path = warehouse.lot_stock_id.parent_path
            for line in lines:
                quantities = result[line] = dict(per_product[line.product_id])
                own = line.sudo()._get_lot_moves().filtered(lambda move: move.state not in ("done", "cancel"))
                for move_line in own.move_line_ids:
                    if move_line.lot_id in quantities and move_line.location_id.parent_path.startswith(stock_path):
                        quantities[move_line.lot_id] += move_line.quantity_product_uom
        return result

    def _get_lot_quantity_needed(self):
        """What the line still has to deliver, in the product's unit."""
        self.ensure_one()
        remaining = max(self.product_uom_qty - self.qty_delivered, 0.0)
        return self.product_uom._compute_quantity(remaining, self.product_id.uom_id)

    def _get_lot_candidates(self):
        """The lots of the line's product the customer may receive (stock.lot._get_delivery_refusals), in
        the warehouse, in FEFO order.

        :return: list of dicts ``lot``, ``quantity`` (available to this line, product unit),
            ``shelf_life_days`` (days left at the delivery date, or False), ``min_shelf_life_days``
        """
        self.ensure_one()
        quantities = self._get_lot_quantities()
        rounding = self.product_id.uom_id.rounding
        lots = (
            self.env["stock.lot"]
            .sudo()
            .browse(
                [
                    lot.id
                    for lot, quantity in quantities.items()
                    if float_compare(quantity, 0, precision_rounding=rounding) > 0
                ]
            )
        )
        partner = self._get_lot_customer()
        date = self._get_lot_rule_date()
        refusals = lots._get_delivery_refusals(partner, date)
        min_days = partner._get_min_shelf_life_days(self.product_id) if partner else 0
        far = fields.Datetime.to_datetime("9999-12-31")
        candidates = [
            {
                "lot": lot,
                "quantity": quantities[lot],
                "shelf_life_days": (lot.expiration_date - date).days if lot.expiration_date else False,
                "min_shelf_life_days": round(min_days),
            }
            for lot in lots
            if lot.id not in refusals
        ]
        return sorted(
            candidates,
            key=lambda c: (c["lot"].removal_date or far, c["lot"].expiration_date or far, c["lot"].name),
        )

    def _get_lot_not_offered_reason(self, lot):
        """Why ``lot`` is not among the line's candidates: the customer's rule that refuses it, or that the
        warehouse has none of it available for the line."""
        self.ensure_one()
        refusal = lot.sudo()._get_delivery_refusals(self._get_lot_customer(), self._get_lot_rule_date()).get(lot.id)
        if refusal:
            return refusal[1]
        return self.env._(
            "none available in %(warehouse)s",
            warehouse=(self.warehouse_id or self.order_id.warehouse_id).name,
        )

    def _get_last_delivered_lot(self):
        """The lot of the last done delivery of this product to the customer's company."""
        self.ensure_one()
        commercial = self.order_id.partner_id.commercial_partner_id
        if not self.product_id or not commercial:
            return self.env["stock.lot"]
        last = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("product_id", "=", self.product_id.id),
                    ("state", "=", "done"),
                    ("lot_id", "!=", False),
                    ("location_dest_id.usage", "=", "customer"),
                    ("picking_id.partner_id", "child_of", commercial.id),
                    ("company_id", "=", self.company_id.id),
                ],
                order="date desc, id desc",
                limit=1,
            )
        )
        return self.env["stock.lot"].browse(last.lot_id.id)

    # ------------------------------------------------------------------
    # Checks: every bad choice refused at once, nothing half-saved
    # ------------------------------------------------------------------

    @api.constrains("lot_id", "product_id", "product_uom_qty", "product_uom")
    def _check_lot_choice(self):
        lines = self.filtered("lot_id")
        # the customer's rules and the warehouse's quantities, read once for all the lines
        to_check = lines.filtered(lambda line: not line._is_lot_delivered())
        groups = defaultdict(lambda: self.browse())
        for line in to_check:
            groups[line._get_lot_customer(), line._get_lot_rule_date()] |= line
        refusals = {}
        for (partner, date), group in groups.items():
            group_refusals = group.lot_id.sudo()._get_delivery_refusals(partner, date)
            refusals.update({line: group_refusals.get(line.lot_id.id) for line in group})
        quantities = to_check._get_lot_quantities_by_line()
        for line in lines:
            lot = line.lot_id.sudo()
            if lot.product_id != line.product_id:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s is a lot of %(lot_product)s, not of %(product)s: choose a lot of the line's "
                        "product.",
                        lot=lot.name,
                        lot_product=lot.product_id.display_name,
                        product=line.product_id.display_name,
                    )
                )
            if lot.company_id and lot.company_id != line.company_id:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s belongs to %(lot_company)s, but the order is sold by %(company)s: choose a lot "
                        "of %(company)s.",
                        lot=lot.name,
                        lot_company=lot.company_id.name,
                        company=line.company_id.name,
                    )
                )
            if line not in to_check:
                continue
            partner = line._get_lot_customer()
            refusal = refusals[line]
            if refusal:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s may not be delivered to %(partner)s: %(reason)s. Choose another lot (Choose "
                        "Lot lists those the customer may receive).",
                        lot=lot.name,
                        partner=partner.commercial_partner_id.display_name,
                        reason=refusal[1],
                    )
                )
            available = quantities[line].get(lot, 0.0)
            needed = line._get_lot_quantity_needed()
            if float_compare(needed, available, precision_rounding=line.product_id.uom_id.rounding) > 0:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s holds %(available)s %(uom)s available in %(warehouse)s, but the line needs "
                        "%(needed)s %(uom)s: lower the quantity, split the line, or choose another lot.",
                        lot=lot.name,
                        available=round(available, 3),
                        needed=round(needed, 3),
                        uom=line.product_id.uom_id.name,
                        warehouse=(line.warehouse_id or line.order_id.warehouse_id).name,
                    )
                )

    def write(self, vals):
        changed = self.browse()
        if "lot_id" in vals:
            changed = self.filtered(lambda line: line.lot_id.id != (vals["lot_id"] or False))
            changed._check_lot_change_allowed()
        res = super().write(vals)
        if changed:
            changed._apply_lot_to_moves()
        return res

    def _check_lot_change_allowed(self):
        for line in self:
            if line._is_lot_delivered():
                raise UserError(
                    self.env._(
                        "%(order)s: %(product)s is delivered; its lot can no longer be changed.",
                        order=line.order_id.name,
                        product=line.product_id.display_name,
                    )
                )
            moves = line.sudo()._get_lot_moves()
            # Goods already moved by an earlier step (picked into output) wait for the next step: they are the
            # old lot, and the next step would wait for a lot that never comes.
            in_transit = moves.filtered(
                lambda move: (
                    move.state == "done"
                    and move.location_dest_id.usage == "internal"
                    and move.move_dest_ids.filtered(lambda dest: dest.state not in ("done", "cancel"))
                )
            )
            if in_transit:
                raise UserError(
                    self.env._(
                        "%(order)s: %(product)s is already picked (%(transfers)s); ship it, or return it to stock, "
                        "before changing its lot.",
                        order=line.order_id.name,
                        product=line.product_id.display_name,
                        transfers=", ".join(in_transit.picking_id.mapped("name")),
                    )
                )

    def _apply_lot_to_moves(self):
        """The moves still to do reserve the line's (new) lot, on every step of the route."""
        moves = self.sudo()._get_lot_moves().filtered(lambda move: move.state not in ("done", "cancel", "draft"))
        for line in self:
            line_moves = moves.filtered(lambda move, line=line: move in line.sudo()._get_lot_moves())
            if not line_moves:
                continue
            line_moves._do_unreserve()
            line_moves.restrict_lot_id = line.lot_id
            line_moves.filtered(lambda move: move.state in ("confirmed", "partially_available"))._action_assign()

    def _prepare_procurement_values(self, group_id=False):
        values = super()._prepare_procurement_values(group_id)
        values["restrict_lot_id"] = self.lot_id.id
        return values

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_choose_lot(self):
        """The candidate lots: what each holds, its dates, its shelf life against the customer's minimum."""
        self.ensure_one()
        if self.product_tracking != "lot":
            raise UserError(self.env._("%(product)s is not tracked by lots.", product=self.product_id.display_name))
        choice = self.env["sale.order.line.lot.choice"].create({"sale_line_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Choose a lot of %(product)s", product=self.product_id.display_name),
            "res_model": "sale.order.line.lot.choice",
            "res_id": choice.id,
            "view_mode": "form",
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }

    def action_same_lot_as_last_delivery(self):
        """Choose the lot last delivered to this customer, if it may still go to them."""
        for line in self:
            lot = line._get_last_delivered_lot()
            if not lot:
                raise UserError(
                    self.env._(
                        "No lot of %(product)s was delivered to %(partner)s yet: choose a lot.",
                        product=line.product_id.display_name,
                        partner=line.order_id.partner_id.commercial_partner_id.display_name,
                    )
                )
            line.lot_id = lot
        return True

    def action_next_lot(self):
        """Replace the chosen lot by the next lot the customer may receive, in FEFO order, holding enough."""
        for line in self:
            needed = line._get_lot_quantity_needed()
            rounding = line.product_id.uom_id.rounding
            candidates = [
                candidate["lot"]
                for candidate in line._get_lot_candidates()
                if candidate["lot"] != line.lot_id
                and float_compare(candidate["quantity"], needed, precision_rounding=rounding) >= 0
            ]
            if not candidates:
                raise UserError(
                    self.env._(
                        "No other lot of %(product)s that %(partner)s may receive holds %(needed)s %(uom)s: lower "
                        "the quantity or split the line.",
                        product=line.product_id.display_name,
                        partner=line._get_lot_customer().commercial_partner_id.display_name,
                        needed=round(needed, 3),
                        uom=line.product_id.uom_id.name,
                    )
                )
            line.lot_id = candidates[0]
        return True
