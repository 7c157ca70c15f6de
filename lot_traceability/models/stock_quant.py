from odoo import models
from odoo.osv import expression
from odoo.tools import SQL, float_compare
from odoo.tools.sql import create_index

from .stock_lot_qc_signature import UNRELEASED_STATES

# What a reservation reads of each gathered quant, fetched with the quants in one query.
GATHER_FIELDS = ["quantity", "reserved_quantity", "lot_id", "location_id", "package_id", "owner_id", "in_date"]


class StockQuant(models.Model):
    _name = "stock.quant"
    _inherit = ["stock.quant", "stock.lot.copy.mixin"]

    # product_expiry's stored copies of the lot's dates, which FEFO reservation sorts and filters on.
    _lot_copy_fields = ("expiration_date", "removal_date")

    def _get_gather_domain(self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False):
        domain = super()._get_gather_domain(product_id, location_id, lot_id, package_id, owner_id, strict)
        if self.env.context.get("lot_traceability_native_reservation"):
            return domain
        # A strict gather is a reservation of given lots: a user's choice (left to the validation
        # check), or a move reserving what its previous step brought (stock.move._action_assign on
        # chained moves). The latter obeys the rules below like any automatic reservation, so that a
        # lot held mid-route is skipped and the move waits, instead of failing the whole run.
        if strict and not self.env.context.get("lot_traceability_move_reservation"):
            return domain
        # Automatic reservation never takes a lot that is not released: pending, on hold or rejected. Read on
        # the lots themselves (the product's unreleased lots, few, one sub-select in a partial index of stock_lot),
        # not on a copy kept on each quant: a hold then writes its lot alone, never the quants that every
        # reservation writes too.
        domain = expression.AND([domain, self._get_unreleased_lot_domain(product_id)])
        # Shelf life (stock.move._get_fefo_context): nothing past its removal or expiration date at
        # the move's date, nothing expiring before the customer's minimum remaining shelf life.
        move_date = self.env.context.get("lot_traceability_move_date")
        if move_date:
            domain = expression.AND(
                [
                    domain,
                    ["|", ("removal_date", "=", False), ("removal_date", ">", move_date)],
                    ["|", ("expiration_date", "=", False), ("expiration_date", ">", move_date)],
                ]
            )
        min_expiration = self.env.context.get("lot_traceability_min_expiration")
        if min_expiration:
            domain = expression.AND([domain, ["|", ("lot_id", "=", False), ("expiration_date", ">=", min_expiration)]])
        # The customer's lot specification (batch determination): only lots meeting every requirement that
        # applies, one sub-select of the product's lots in the quants' query.
        spec_partner_id = self.env.context.get("lot_traceability_spec_partner_id")
        if spec_partner_id:
            company = self.env["res.company"].browse(self.env.context.get("lot_traceability_spec_company_id"))
            specs = self.env["res.partner"].browse(spec_partner_id)._get_lot_specs(product_id, company)
            lot_domain = expression.AND(
                [[("product_id", "=", product_id.id)], *(spec._get_lot_domain() for spec in specs)]
            )
            meeting = self.env["stock.lot"].sudo()._search(lot_domain)
            domain = expression.AND([domain, ["|", ("lot_id", "=", False), ("lot_id", "in", meeting)]])
        return domain

    def _get_unreleased_lot_domain(self, product):
        """The quants of ``product`` that automatic reservation may take: those of no lot or of a released lot."""
        unreleased = (
            self.env["stock.lot"]
            .sudo()
            ._search([("product_id", "=", product.id), ("qc_state", "in", list(UNRELEASED_STATES))])
        )
        return ["|", ("lot_id", "=", False), ("lot_id", "not in", unreleased)]

    def init(self):
        res = super().init()
        # Let _gather read quants in removal order and stop after a batch (FEFO, then FIFO/LIFO),
        # instead of sorting every quant of the product; negative quants are few and read apart.
        create_index(
            self.env.cr, "stock_quant_fefo_order_index", self._table, ["product_id", "removal_date", "in_date", "id"]
        )
        create_index(self.env.cr, "stock_quant_fifo_order_index", self._table, ["product_id", "in_date", "id"])
        create_index(self.env.cr, "stock_quant_negative_index", self._table, ["product_id"], where="quantity < 0")
        return res

    def _gather(self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False, qty=0):
        """Read only the quants a reservation needs, in removal order, instead of every quant.

        Odoo reads every quant of the product in the location subtree, twice per move
        (_get_reserve_quantity gathers, then _get_available_quantity gathers the same again). With
        a removal order SQL can express, batches of growing size are read until their available
        quantity covers ``qty``; the second gather reuses them. When reading stops early, negative
        quants are added, so that the available quantity per lot is computed as Odoo computes it.
        """
        gathered = self.env.context.get("lot_traceability_gathered")
        if self and not strict and gathered and gathered == tuple(self.ids):
            return self
        if (
            self
            or strict
            or qty <= 0
            or self.env.context.get("quants_cache") is not None
            or self.env.context.get("lot_traceability_native_reservation")
        ):
            return super()._gather(product_id, location_id, lot_id, package_id, owner_id, strict, qty)
        removal_strategy = self._get_removal_strategy(product_id, location_id)
        if removal_strategy not in ("fifo", "lifo", "fefo"):
            return super()._gather(product_id, location_id, lot_id, package_id, owner_id, strict, qty)
        domain = self._get_gather_domain(product_id, location_id, lot_id, package_id, owner_id, strict)
        order = self._get_removal_strategy_order(removal_strategy)
        rounding = product_id.uom_id.rounding
        quants, offset, batch, available = self.browse(), 0, 50, 0.0
        while True:
            # Fully reserved quants change no lot's availability and are never reserved: leave them in
            # the table, so that a busy product's reservation does not page through them move after move.
            query = self._search(domain, order=order, limit=batch, offset=offset)
            query.add_where(
                SQL(
                    "%s != %s",
                    self._field_to_sql(query.table, "quantity", query),
                    self._field_to_sql(query.table, "reserved_quantity", query),
                )
            )
            batch_quants = self._fetch_query(query, self._determine_fields_to_fetch(GATHER_FIELDS))
            quants |= batch_quants
            if len(batch_quants) < batch:  # every quant was read: exactly the set Odoo reads
                break
            available += sum(max(quant.quantity - quant.reserved_quantity, 0.0) for quant in batch_quants)
            if float_compare(available, qty, precision_rounding=rounding) >= 0:
                # Negative quants further down still lower their lot's availability.
                quants |= self.search(expression.AND([domain, [("quantity", "<", 0)]]), order=order)
                break
            offset += batch
            batch *= 4
        quants = quants.sorted(lambda quant: not quant.lot_id)
        return quants.with_context(lot_traceability_gathered=tuple(quants.ids))
