from odoo import api, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    lot_wait_reason = fields.Char(
        "Waiting For Release",
        compute="_compute_lot_wait_reason",
        help="Lots the previous step brought that this step does not take: not released (pending, on hold "
        "or rejected). The move waits for them; other lots are reserved instead.",
    )

    @api.depends("state", "move_orig_ids.move_line_ids.lot_id.qc_state")
    def _compute_lot_wait_reason(self):
        for move in self:
            lots = self.env["stock.lot"]
            if move.state in ("confirmed", "waiting", "partially_available") and move.move_orig_ids:
                lots = move.move_orig_ids.filtered(lambda orig: orig.state == "done").move_line_ids.lot_id
            unreleased = lots._get_unreleased()
            states = unreleased._get_release_state_labels()
            move.lot_wait_reason = (
                ", ".join(f"{lot.name} ({states[lot.id]})" for lot in unreleased) if unreleased else False
            )

    def _get_fefo_context(self):
        """What automatic reservation must respect for this move (read by stock.quant._get_gather_domain)."""
        self.ensure_one()
        context = {}
        if self.product_id.tracking == "none" and not self.product_id.use_expiration_date:
            return context
        partner = self._get_shelf_life_partner()
        if self.product_id.use_expiration_date:
            context["lot_traceability_move_date"] = self.date
            if partner:
                context["lot_traceability_min_expiration"] = partner._get_min_expiration_date(
                    self.product_id, self.date
                )
        # The customer's lot specification (res.partner.lot.spec): only lots that meet it.
        if partner and self.product_id.tracking != "none" and partner._get_lot_specs(self.product_id, self.company_id):
            context["lot_traceability_spec_partner_id"] = partner.commercial_partner_id.id
            context["lot_traceability_spec_company_id"] = self.company_id.id
        return context

    def _get_shelf_life_partner(self):
        """The customer whose minimum remaining shelf life applies: deliveries to customers only."""
        self.ensure_one()
        # In multi-step deliveries the pick and pack steps already serve the customer (final location).
        if self.location_dest_id.usage != "customer" and self.location_final_id.usage != "customer":
            return self.env["res.partner"]
        return self.picking_id.partner_id or self.partner_id or self.move_dest_ids.picking_id.partner_id[:1]

    def _update_reserved_quantity_vals(
        self, need, location_id, lot_id=None, package_id=None, owner_id=None, strict=True
    ):
        # Both automatic reservation and chained moves (strict, lots their previous step brought) go here.
        move = self.with_context(lot_traceability_move_reservation=True, **self._get_fefo_context())
        return super(StockMove, move)._update_reserved_quantity_vals(
            need, location_id, lot_id, package_id, owner_id, strict
        )

    def _get_available_quantity(
        self, location_id, lot_id=None, package_id=None, owner_id=None, strict=False, allow_negative=False
    ):
        move = self.with_context(lot_traceability_move_reservation=True, **self._get_fefo_context())
        return super(StockMove, move)._get_available_quantity(
            location_id, lot_id, package_id, owner_id, strict, allow_negative
        )

    def _get_lot_rule_violations(self, lots, date=None):
        """Why each of ``lots`` may not be picked for this move (stock.lot._get_delivery_refusals).

        :param date: when the rules are evaluated: the move's date (reservation), or now (validation)
        """
        self.ensure_one()
        return lots._get_delivery_refusals(self._get_shelf_life_partner(), date or self.date)

    def action_explain_reservation(self):
        """Why these lots? Every candidate lot in the source location, picked or skipped, and why."""
        wizard = self.env["stock.lot.fefo.explanation"].create({"move_ids": [(6, 0, self.ids)]})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Why these lots?"),
            "res_model": "stock.lot.fefo.explanation",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            # Wide enough for whole lot names; the reasons wrap.
            "context": {"dialog_size": "extra-large"},
        }
