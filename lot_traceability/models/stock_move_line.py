from collections import defaultdict, namedtuple

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_is_zero, float_round
from odoo.tools.sql import create_index

from ..tools import gs1
from ..tools.constraints import check_expiration_after_production
from ..tools.server_write import server_write

# Where goods are shipped or consumed: only released lots go there, from any source (a drop-shipment too), and
# the shelf-life rules apply (stock.lot._get_unreleased, _check_fefo_overrides).
RELEASE_GATE_USAGES = ("customer", "production", "transit")
# Changing these on a done line moves stock at once (stock.move.line.write), without _action_done.
DONE_LINE_STOCK_FIELDS = {"lot_id", "quant_id", "quantity", "location_id", "location_dest_id", "product_uom_id"}
# What a move line moves: ``quantity`` (product unit) of ``lot`` from ``source`` to ``destination``.
StockFlow = namedtuple("StockFlow", "line lot source destination quantity")


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    supplier_lot_code = fields.Char(
        "Supplier Lot",
        help="The supplier's lot code as printed on the goods. Type it or scan the GS1 barcode "
        "(GTIN, lot, dates are read from it).",
    )
    supplier_lot_id = fields.Many2one(
        "stock.supplier.lot",
        "Supplier Lot Record",
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
        help="Filled when the receipt is validated, from the supplier lot code.",
    )
    fefo_override_reason = fields.Char(
        "FEFO Override Reason",
        help="Why this lot was picked by hand although it is past its removal date or too short-dated "
        "for the customer. Needs the FEFO Override right; logged on the transfer.",
    )
    supplier_production_date = fields.Date()
    supplier_expiration_date = fields.Date()
    supplier_packaging_date = fields.Date(
        help="Packaging date printed by the supplier (GS1 AI 13); read from a scanned label and kept on the "
        "supplier lot.",
    )
    supplier_gtin = fields.Char(
        help="GTIN printed by the supplier (GS1 AI 01), read from a scanned label and kept on the supplier lot.",
    )
    supplier_serial = fields.Char(
        help="Serial number printed by the supplier (GS1 AI 21), read from a scanned label.",
    )
    supplier_scan_extra = fields.Char(
        "Other Scanned Data",
        help="Data of the scanned supplier label this module does not read, as (AI)value pairs, e.g. a net "
        "weight (3103)000500: kept so that nothing scanned is lost.",
    )

    def init(self):
        res = super().init()
        # Odoo declares no index on lot_id: every trace would scan the table. Partial, since
        # most lines of a busy database carry no lot.
        create_index(
            self.env.cr,
            "stock_move_line_lot_id_partial_index",
            self._table,
            ["lot_id"],
            where="lot_id IS NOT NULL",
        )
        # The trace follows unbuild orders through their moves; Odoo does not index unbuild_id.
        create_index(
            self.env.cr,
            "stock_move_unbuild_id_partial_index",
            "stock_move",
            ["unbuild_id"],
            where="unbuild_id IS NOT NULL",
        )
        return res

    # ------------------------------------------------------------------
    # GS1 scans in the supplier lot column
    # ------------------------------------------------------------------

    @api.onchange("supplier_lot_code")
    def _onchange_supplier_lot_code(self):
        if gs1.looks_like_gs1(self.supplier_lot_code):
            self.update(self._get_supplier_lot_scan_values(self.supplier_lot_code, self.product_id))

    @api.model
    def _get_supplier_lot_scan_values(self, scanned, product):
        """Values read from a GS1 barcode scanned in the supplier lot column.

        Raises a UserError when the barcode is malformed, carries no lot, or is another
        product's: a scan is never stored half-understood. AIs of the label that are not read
        here are not lost either: they are kept as "(AI)value" pairs in ``supplier_scan_extra``.
        """
        try:
            elements = gs1.parse(scanned.strip())
        except gs1.GS1Error as error:
            raise UserError(
                self.env._("The scanned supplier barcode is not valid GS1: %(error)s", error=error)
            ) from error
        if not elements.get("10"):
            raise UserError(
                self.env._(
                    "The scanned barcode has no batch/lot (AI 10): scan the barcode that carries the "
                    "supplier's lot code, or type the code."
                )
            )
        if elements.get("01") and product:
            product_gtin = product._get_gs1_gtin()
            if product_gtin and product_gtin != elements["01"]:
                raise UserError(
                    self.env._(
                        "The scanned barcode is for GTIN %(scanned)s, but this line receives %(product)s "
                        "(GTIN %(gtin)s). Scan the label of the right product.",
                        scanned=elements["01"],
                        product=product.display_name,
                        gtin=product_gtin,
                    )
                )
        values = {
            "supplier_lot_code": elements["10"],
            # Replaced by every scan: it describes the label scanned last.
            # Counts (AI 30/37) are read by the GS1 module but not stored on the supplier lot: kept here too.
            "supplier_scan_extra": "".join(
                f"({ai}){value}"
                for ai, value in [
                    *((ai, elements[ai]) for ai in ("30", "37") if ai in elements),
                    *elements.unknown.items(),
                ]
            )
            or False,
        }
        if elements.get("01"):
            values["supplier_gtin"] = elements["01"]
        if elements.get("11"):
            values["supplier_production_date"] = elements["11"]
        if elements.get("13"):
            values["supplier_packaging_date"] = elements["13"]
        if elements.get("21"):
            values["supplier_serial"] = elements["21"]
        if elements.get("17") or elements.get("15"):
            values["supplier_expiration_date"] = elements.get("17") or elements.get("15")
            if product.use_expiration_date:
                values["expiration_date"] = gs1.date_to_datetime(values["supplier_expiration_date"])
        return values

    def _read_supplier_lot_scan(self, vals, product):
        if gs1.looks_like_gs1(vals.get("supplier_lot_code")):
            vals.update(self._get_supplier_lot_scan_values(vals["supplier_lot_code"], product))
        elif vals.get("supplier_lot_code"):
            vals["supplier_lot_code"] = vals["supplier_lot_code"].strip()
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("supplier_lot_code"):
                self._read_supplier_lot_scan(vals, self.env["product.product"].browse(vals.get("product_id")))
        lines = super().create(vals_list)
        lines._check_done_lines_released()
        return lines

    def write(self, vals):
        if gs1.looks_like_gs1(vals.get("supplier_lot_code")):
            product = self.env["product.product"].browse(vals.get("product_id")) or self.product_id
            if len(product) > 1:
                raise UserError(self.env._("Scan a GS1 barcode on one product's lines at a time."))
            vals = self._read_supplier_lot_scan(dict(vals), product)
        elif vals.get("supplier_lot_code"):
            vals = dict(vals, supplier_lot_code=vals["supplier_lot_code"].strip())
        # Odoo moves the stock of a done line at once when it is edited: the old quantity goes back from its
        # destination to its source, the new one from the new source to the new destination. Lowering a
        # done delivery takes goods back; lowering a done customer return sends them out again.
        done = self.filtered(lambda line: line.state == "done") if DONE_LINE_STOCK_FIELDS & set(vals) else None
        before = done._get_stock_flows() if done else []
        result = super().write(vals)
        if done:
            done._check_release_gate(self._get_net_stock_flows(before, done._get_stock_flows()))
        return result

    @api.constrains("supplier_lot_id", "product_id")
    def _check_supplier_lot_product(self):
        for line in self:
            if line.supplier_lot_id and line.supplier_lot_id.product_id != line.product_id:
                raise ValidationError(
                    self.env._(
                        "Supplier lot %(code)s is a lot of %(supplier_product)s, not of %(product)s. "
                        "Choose a supplier lot of the product received.",
                        code=line.supplier_lot_id.name,
                        supplier_product=line.supplier_lot_id.product_id.display_name,
                        product=line.product_id.display_name,
                    )
                )

    @api.constrains("supplier_production_date", "supplier_expiration_date")
    def _check_supplier_dates(self):
        check_expiration_after_production(
            self,
            "supplier_production_date",
            "supplier_expiration_date",
            lambda line: self.env._(
                "Supplier lot %(code)s: the expiration date %(expiry)s is before the production "
                "date %(production)s. Correct one of the two dates.",
                code=line.supplier_lot_code or "",
                expiry=line.supplier_expiration_date,
                production=line.supplier_production_date,
            ),
        )

    def _get_trace_partner(self):
        """The partner a line delivered to or received from, as the trace reports it."""
        self.ensure_one()
        return self.picking_id.partner_id or self.move_id.partner_id

    # ------------------------------------------------------------------
    # QC release: unreleased lots are received, never shipped or consumed
    # ------------------------------------------------------------------

    def _get_lines_to_customers_or_production(self):
        """Lines whose goods leave the controlled stock: to a customer, into production (manufacturing,
        unbuild) or into transit (another warehouse or company, on the way to a customer)."""
        return self.filtered(lambda line: line.location_dest_id.usage in RELEASE_GATE_USAGES)

    def _get_unreleased_lots_message(self, lots):
        states = lots._get_release_state_labels()
        return self.env._(
            "These lots cannot be shipped, consumed or taken out of the stock until QA releases them: %(lots)s.",
            lots=", ".join(f"{lot.name} ({states[lot.id]})" for lot in lots),
        )

    @api.constrains("lot_id", "location_dest_id")
    def _check_lot_released(self):
        unreleased = (
            self._get_lines_to_customers_or_production()
            .filtered(lambda line: line.state != "done")
            .lot_id._get_unreleased()
        )
        if unreleased:
            raise ValidationError(self._get_unreleased_lots_message(unreleased))

    # Where a user picks a lot (Pick From, the lot column): unreleased lots are not offered (view domains on
    # this field) and a lot picked anyway is refused at once, before the line is even saved.
    lot_release_required = fields.Boolean(
        "Released Lots Only",
        compute="_compute_lot_release_required",
        help="The goods of this line leave the controlled stock (to a customer, into production or transit), "
        "now or at the end of their route: only lots released by QA may be picked.",
    )

    @api.depends(
        "picking_code",
        "location_dest_id.usage",
        "move_id.location_final_id.usage",
        "move_id.move_dest_ids.location_dest_id.usage",
    )
    def _compute_lot_release_required(self):
        for line in self:
            usages = {
                line.location_dest_id.usage,
                line.move_id.location_final_id.usage,
                *line.move_id.move_dest_ids.location_dest_id.mapped("usage"),
            }
            line.lot_release_required = line.picking_code != "incoming" and bool(usages & set(RELEASE_GATE_USAGES))

    def _get_release_gate_warning(self, lot):
        """The warning shown when ``lot``, not released, is picked on this line; None if it may be picked."""
        self.ensure_one()
        if not lot or not lot._get_unreleased() or not self.lot_release_required:
            return None
        return {
            "title": self.env._("Lot not released"),
            "message": self.env._(
                "Lot %(lot)s is %(state)s: it cannot be shipped or consumed until QA releases it. Pick a released lot.",
                lot=lot.name,
                state=lot._get_release_state_labels()[lot.id],
            ),
        }

    @api.onchange("quant_id")
    def _onchange_quant_id_release_gate(self):
        warning = self._get_release_gate_warning(self.quant_id.lot_id)
        if warning:
            self.quant_id = False
            return {"warning": warning}
        return None

    @api.onchange("lot_id")
    def _onchange_lot_id_release_gate(self):
        warning = self._get_release_gate_warning(self.lot_id)
        if warning:
            self.lot_id = False
            return {"warning": warning}
        return None

    # ------------------------------------------------------------------
    # The release gate: nothing of a lot that is not released leaves the company's stock
    # ------------------------------------------------------------------

    def _get_stock_flows(self):
        """What these lines move, as StockFlow tuples (lines without a lot move no lot)."""
        return [
            StockFlow(line, line.lot_id, line.location_id, line.location_dest_id, line.quantity_product_uom)
            for line in self
            if line.lot_id
        ]

    @api.model
    def _get_net_stock_flows(self, before, after):
        """What an edit of done lines moved: each line's new flows less its old ones, per lot and path. A flow
        that shrank is undone, so its goods go back the other way (from its destination to its source)."""
        totals = defaultdict(float)
        for sign, flows in ((1, after), (-1, before)):
            for flow in flows:
                totals[flow.line, flow.lot, flow.source, flow.destination] += sign * flow.quantity
        net = []
        for (line, lot, source, destination), quantity in totals.items():
            if float_is_zero(quantity, precision_rounding=lot.product_id.uom_id.rounding):
                continue
            if quantity > 0:
                net.append(StockFlow(line, lot, source, destination, quantity))
            else:
                net.append(StockFlow(line, lot, destination, source, -quantity))
        return net

    @api.model
    def _get_release_gate_exit(self, flow):
        """How ``flow`` leaves the controlled stock of its line's company, or None when it does not.

        ``inventory``: an inventory adjustment, either way; ``scrap``: to a scrap or inventory loss location;
        ``supplier``: to a vendor location; ``out``: anywhere else outside (a customer, production, transit,
        another company's shelf). Shipping and consuming (RELEASE_GATE_USAGES) are exits from any source.
        """
        company = flow.line.company_id
        from_stock = flow.source._is_company_stock(company)
        to_stock = flow.destination._is_company_stock(company)
        if flow.line.move_id.is_inventory:
            return "inventory" if from_stock != to_stock else None
        if to_stock or not (from_stock or flow.destination.usage in RELEASE_GATE_USAGES):
            return None
        if flow.destination.usage == "inventory" or flow.destination.scrap_location:
            return "scrap"
        if flow.destination.usage == "supplier":
            return "supplier"
        return "out"

    def _check_release_gate(self, flows):
        """Refuse any of ``flows`` that takes a lot that is not released out of the company's stock.

        The exceptions, for QA users only and kept in the lot's History: an inventory adjustment of such a lot
        (either way), its scrap (a recall's destruction is a Recall Manager's, a QA user), and the return of a
        rejected lot to a supplier. Anything else (a customer, production, transit, another company, a vendor
        location for a lot pending or on hold) is refused to everyone.

        :raise UserError: a lot that is not released would leave where nobody may send it
        :raise AccessError: an exception above by a user who is not a QA user
        """
        exits = [(flow, kind) for flow in flows if (kind := self._get_release_gate_exit(flow))]
        lots = self.env["stock.lot"].union(*(flow.lot for flow, _kind in exits))
        lots._lock_for_shipping()
        unreleased = lots._get_unreleased()
        if not unreleased:
            return
        exits = [(flow, kind) for flow, kind in exits if flow.lot in unreleased]
        refused = [
            (flow, kind)
            for flow, kind in exits
            if kind == "out" or (kind == "supplier" and flow.lot.qc_state != "rejected")
        ]
        if refused:
            message = self._get_unreleased_lots_message(
                self.env["stock.lot"].union(*(flow.lot for flow, _kind in refused))
            )
            if any(kind == "supplier" for _flow, kind in refused):
                message = self.env._(
                    "%(message)s A lot goes back to its supplier once QA has rejected it, sent by a QA user.",
                    message=message,
                )
            raise UserError(message)
        if not self.env.user.has_group("lot_traceability.group_qa_user"):
            raise AccessError(
                self.env._(
                    "Only QA users may count, scrap or return to their supplier lots that are not released: %(lots)s.",
                    lots=", ".join(self.env["stock.lot"].union(*(flow.lot for flow, _kind in exits)).mapped("name")),
                )
            )
        self._log_release_gate_exits(exits)

    @api.model
    def _log_release_gate_exits(self, exits):
        """Keep each adjustment, scrap or supplier return of a lot that is not released in the lot's History."""
        descriptions = {
            "inventory": self.env._("Inventory adjustment"),
            "scrap": self.env._("Scrap"),
            "supplier": self.env._("Return to supplier"),
        }
        rows = [
            {
                "lot_id": flow.lot.id,
                "field_name": "stock",
                "field_description": descriptions[kind],
                "old_value": flow.source.display_name,
                "new_value": flow.destination.display_name,
                "reason": self.env._(
                    "%(quantity)s %(unit)s: %(reference)s",
                    quantity=float_round(flow.quantity, precision_rounding=flow.lot.product_id.uom_id.rounding),
                    unit=flow.lot.product_id.uom_id.name,
                    reference=flow.line.move_id.reference or flow.line.move_id.name or "",
                ),
            }
            for flow, kind in exits
        ]
        with server_write("stock.lot.audit"):
            self.env["stock.lot.audit"].sudo().create(rows)

    def _check_lots_released_before_done(self):
        self._check_release_gate(self._get_stock_flows())

    def _check_done_lines_released(self):
        """Done lines added after the fact (to a done transfer or manufacturing order) move stock at once,
        without _action_done: they pass the same gate."""
        self.filtered(lambda line: line.state == "done")._check_lots_released_before_done()

    def _check_fefo_overrides(self):
        """Lines that break the shelf-life rules need an override reason from a FEFO Override user.

        The rules are those in force now, at validation, not at the move's scheduled date.
        """
        overrides = []
        lines_by_move = defaultdict(lambda: self.env["stock.move.line"])
        for line in self._get_lines_to_customers_or_production().filtered("lot_id"):
            lines_by_move[line.move_id] |= line
        now = fields.Datetime.now()
        for move, lines in lines_by_move.items():
            reasons = move._get_lot_rule_violations(lines.lot_id, date=now)
            for line in lines:
                rule, reason = reasons.get(line.lot_id.id, (None, None))
                if rule == "spec":
                    # The customer's own specification: never overridden on a delivery. Those who agree a
                    # lot with the customer change the specification (res.partner.lot.spec) instead.
                    raise UserError(
                        self.env._(
                            "Lot %(lot)s does not meet the lot specification of the customer: %(reason)s. Pick "
                            "another lot; a customer's specification is never overridden on a delivery.",
                            lot=line.lot_id.name,
                            reason=reason,
                        )
                    )
                # QC states are never overridable (checked before). Expired lots are treated like lots past
                # their removal date: product_expiry only warns, here they need a reason and the right.
                if rule not in ("expired", "removal", "shelf_life"):
                    continue
                if not line.fefo_override_reason:
                    raise UserError(line._get_fefo_rule_message(rule))
                overrides.append((line, reason))
        if overrides and not self.env.user.has_group("lot_traceability.group_fefo_override"):
            raise AccessError(
                self.env._("Only users with the FEFO Override right may ship or consume lots against the rules.")
            )
        for line, reason in overrides:
            document = line.picking_id or line.move_id.raw_material_production_id or line.move_id.unbuild_id
            if document:
                document.message_post(
                    body=self.env._(
                        "FEFO override by %(user)s: lot %(lot)s (%(rule)s). Reason: %(reason)s",
                        user=self.env.user.name,
                        lot=line.lot_id.name,
                        rule=reason,
                        reason=line.fefo_override_reason,
                    )
                )

    def _get_fefo_rule_message(self, rule):
        """What to tell the user who validates this line against the shelf-life ``rule`` with no reason."""
        self.ensure_one()
        if rule == "expired":
            return self.env._(
                "Lot %(lot)s has expired. Pick another lot, or give an override reason on the line (FEFO "
                "Override right needed).",
                lot=self.lot_id.name,
            )
        if rule == "removal":
            return self.env._(
                "Lot %(lot)s is past its removal date. Pick another lot, or give an override reason on the line "
                "(FEFO Override right needed).",
                lot=self.lot_id.name,
            )
        partner = self.move_id._get_shelf_life_partner()
        return self.env._(
            "Lot %(lot)s is too short-dated for %(partner)s (needs %(days)s days of shelf life). Pick another "
            "lot, or give an override reason on the line (FEFO Override right needed).",
            lot=self.lot_id.name,
            partner=partner.commercial_partner_id.display_name,
            days=round(partner._get_min_shelf_life_days(self.product_id)),
        )

    def _put_unreleased_in_quarantine(self):
        """Receipts put lots waiting for release in the warehouse's quarantine location."""
        for line in self.filtered(
            lambda line: (
                line.picking_code == "incoming"
                and line.picking_type_id.warehouse_id.qc_quarantine_location_id
                and line.product_id._requires_qc_release()
            )
        ):
            warehouse = line.picking_type_id.warehouse_id
            if line.location_dest_id._child_of(warehouse.lot_stock_id):
                line.location_dest_id = warehouse.qc_quarantine_location_id

    # ------------------------------------------------------------------
    # Lot names from numbering rules
    # ------------------------------------------------------------------

    def _assign_lot_names_from_rules(self):
        """Give a name to the lots to create that nobody named, from the product's numbering rule."""
        lines_by_rule_product = defaultdict(lambda: self.env["stock.move.line"])
        for line in self:
            if (
                line.product_id.tracking != "none"
                and not line.lot_id
                and not line.lot_name
                and line.move_id.picking_type_id.use_create_lots
                and line.quantity > 0
            ):
                rule = line.product_id._get_lot_numbering_rule()
                if rule:
                    lines_by_rule_product[rule, line.product_id] |= line
        today = fields.Date.context_today(self)
        for (rule, product), lines in lines_by_rule_product.items():
            dates = [
                (line.supplier_production_date or today) if rule.date_source == "production" else today
                for line in lines
            ]
            for line, name in zip(lines, rule._generate_lot_names(product, dates), strict=True):
                line.lot_name = name

    # ------------------------------------------------------------------
    # Validation: supplier lots, lot origin and production date
    # ------------------------------------------------------------------

    def _prepare_new_lot_vals(self):
        vals = super()._prepare_new_lot_vals()
        if self.supplier_lot_id:
            vals["supplier_lot_id"] = self.supplier_lot_id.id
        production_date = self.supplier_production_date or self.supplier_lot_id.production_date
        if production_date:
            vals["production_date"] = gs1.date_to_datetime(production_date)
        expiration_date = self.supplier_expiration_date or self.supplier_lot_id.expiration_date
        if expiration_date and self.product_id.use_expiration_date:
            vals["expiration_date"] = gs1.date_to_datetime(expiration_date)
        if self.picking_code == "incoming":
            vals["origin_picking_id"] = self.picking_id.id
        return vals

    def _resolve_supplier_lots(self):
        """Find or create the supplier lot of every line that has a supplier lot code."""
        lines = self.filtered(lambda line: line.supplier_lot_code and not line.supplier_lot_id)
        if not lines:
            return
        misplaced = lines.filtered(lambda line: line.picking_code != "incoming")
        if misplaced:
            raise UserError(
                self.env._(
                    "Supplier lot codes are recorded on receipts only; remove %(codes)s from %(operations)s.",
                    codes=", ".join(misplaced.mapped("supplier_lot_code")),
                    operations=", ".join(misplaced.picking_id.mapped("name")),
                )
            )
        without_supplier = lines.filtered(lambda line: not line.picking_id.partner_id)
        if without_supplier:
            raise UserError(
                self.env._(
                    "Set the supplier on receipt %(receipts)s: supplier lot %(codes)s must be recorded "
                    "against the supplier it comes from.",
                    receipts=", ".join(without_supplier.picking_id.mapped("name")),
                    codes=", ".join(without_supplier.mapped("supplier_lot_code")),
                )
            )
        keys = {}
        for line in lines:
            key = line._get_supplier_lot_key()
            keys.setdefault(key, {}).update(
                {
                    field: line[f"supplier_{field}"]
                    for field in ("production_date", "packaging_date", "expiration_date", "gtin")
                    if line[f"supplier_{field}"]
                }
            )
        supplier_lots = self.env["stock.supplier.lot"]._get_or_create(keys)
        for line in lines:
            line.supplier_lot_id = supplier_lots[line._get_supplier_lot_key()]

    def _get_supplier_lot_key(self):
        self.ensure_one()
        return (
            self.company_id.id,
            self.picking_id.partner_id.commercial_partner_id.id,
            self.product_id.id,
            self.supplier_lot_code,
        )

    def _link_lots_to_origin(self):
        """Record on each lot where it came from, the first time it enters stock."""
        lots_by_vals = defaultdict(lambda: self.env["stock.lot"])
        for line in self.filtered("lot_id"):
            lot = line.lot_id
            if line.supplier_lot_id and lot.supplier_lot_id != line.supplier_lot_id:
                if lot.supplier_lot_id:
                    raise UserError(
                        self.env._(
                            "Lot %(lot)s already comes from supplier lot %(linked)s; receive supplier lot "
                            "%(code)s into a new internal lot so that both stay traceable.",
                            lot=lot.name,
                            linked=lot.supplier_lot_id.display_name,
                            code=line.supplier_lot_id.display_name,
                        )
                    )
                lots_by_vals["supplier_lot_id", line.supplier_lot_id.id] |= lot
            if lot.origin_picking_id or lot.origin_production_id:
                continue
            production = line.move_id.production_id
            if production:
                lots_by_vals["origin_production_id", production.id] |= lot
            elif line.picking_code == "incoming":
                lots_by_vals["origin_picking_id", line.picking_id.id] |= lot
            if not lot.production_date and production:
                lots_by_vals["production_date", line.date] |= lot
        for (field, value), lots in lots_by_vals.items():
            lots.write({field: value})

    def _action_done(self):
        self._check_lots_released_before_done()
        self._check_fefo_overrides()
        self._assign_lot_names_from_rules()
        self._resolve_supplier_lots()
        self._put_unreleased_in_quarantine()
        result = super()._action_done()
        # The lines left are the ones moved (their move is set to done right after this).
        self.exists()._link_lots_to_origin()
        return result
