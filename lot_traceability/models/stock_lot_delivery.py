from odoo import models
from odoo.addons.stock.models.stock_lot import StockLot as OdooStockLot
from odoo.osv import expression
from odoo.tools import SQL

# The context key that makes _find_delivery_ids_by_lot run Odoo's own walk (a recursive call per
# level of manufacturing), e.g. to compare both answers.
ODOO_DELIVERY_LOOKUP = "lot_traceability_odoo_delivery_lookup"


class StockLot(models.Model):
    """Odoo's delivery lookup of lots (the lot form's Transfers button, ``delivery_ids``,
    ``delivery_count``, ``last_delivery_partner_id``) answered by the trace engine's walk."""

    _inherit = "stock.lot"

    def _find_delivery_ids_by_lot(self, lot_path=None, delivery_by_lot=None):
        """The outgoing transfers of each lot and of every lot made from it, at any depth of
        manufacturing, in one query.

        Same answer as Odoo's walk: a transfer counts when one of its done lines of a reached lot matches
        ``_get_outgoing_domain`` (an outgoing operation, a dropship with stock_dropshipping) and is
        consumed by no manufacturing order (record rules apply); the lots reached are those made from
        the lot through manufacturing orders (their consume links between done lines of the selected
        companies). Like Odoo's, it does not go through unbuild orders: what an unbuild recovers is no
        delivery of the unbuilt lot here (the trace and a recall do follow it).

        :return: dict ``lot id -> [picking id, ...]`` for each of these lots
        """
        if lot_path is not None or delivery_by_lot is not None or self.env.context.get(ODOO_DELIVERY_LOOKUP):
            # Odoo's own walk, or its recursive call (it passes the lots already walked).
            return super()._find_delivery_ids_by_lot(lot_path=lot_path, delivery_by_lot=delivery_by_lot)
        result = {lot_id: [] for lot_id in self.ids}
        # A lot being created or edited in a form (a new record, its id falsy) has no move: an empty list, as Odoo's.
        lots = self.browse([lot_id for lot_id in self.ids if lot_id])
        if not lots:
            return result
        lots._flush_for_trace()
        for lot_id, picking_ids in self.env.execute_query(lots._get_delivery_ids_by_lot_query()):
            result[lot_id] = picking_ids
        return result

    def _get_delivery_ids_by_lot_query(self):
        """``(start lot id, [picking id, ...])`` per lot of these lots with a delivery, see
        :meth:`_find_delivery_ids_by_lot`. The delivered lines are Odoo's domain (a join; the ORM's query,
        with its record rules, when a module extends it); the lots reached come from the trace engine's step
        (``_get_lot_step_query``, its manufacturing links), each carrying the lot it started from."""
        company_ids = self.env.companies.ids
        if type(self)._get_outgoing_domain is OdooStockLot._get_outgoing_domain:
            # Odoo's domain (an outgoing operation, or consumed by a manufacturing order: walked, not delivered),
            # as a join: the ORM's subqueries for picking_code scan every manufacturing order.
            delivered = SQL(
                """
                SELECT delivered_lot.start_id, array_agg(DISTINCT line.picking_id)
                  FROM delivered_lot
                  JOIN stock_move_line line
                    ON line.lot_id = delivered_lot.lot_id
                   AND line.state = 'done'
                   AND line.company_id = ANY(%(company_ids)s)
                  JOIN stock_picking picking ON picking.id = line.picking_id
                  JOIN stock_picking_type picking_type
                    ON picking_type.id = picking.picking_type_id AND picking_type.code = 'outgoing'
                 WHERE NOT EXISTS (SELECT FROM stock_move_line_consume_rel link WHERE link.produce_line_id = line.id)
                 GROUP BY delivered_lot.start_id
                """,
                company_ids=company_ids,
            )
        else:
            delivered = self._get_delivered_lines_query()
        return SQL(
            """
            WITH RECURSIVE delivered_lot(start_id, lot_id) AS (
                SELECT lot.id, lot.id
                  FROM stock_lot lot
                 WHERE lot.id = ANY(%(lot_ids)s)
                UNION
                %(step)s
            )
            %(delivered)s
            """,
            lot_ids=self.ids,
            step=self._get_lot_step_query(
                "downstream", "delivered_lot", company_ids, carried=("start_id",), unbuild=False
            ),
            delivered=delivered,
        )

    def _get_delivered_lines_query(self):
        """The delivered lines of the lots of ``delivered_lot`` when a module extends ``_get_outgoing_domain``
        (stock_dropshipping): its domain through the ORM, with the record rules."""
        delivered = self.env["stock.move.line"]._search(
            expression.AND(
                [
                    [("state", "=", "done"), ("picking_id", "!=", False)],
                    self._get_outgoing_domain(),
                    [("produce_line_ids", "=", False)],
                ]
            )
        )
        delivered.add_join(
            "JOIN",
            "delivered_lot",
            "delivered_lot",
            SQL("%s = %s", SQL.identifier("delivered_lot", "lot_id"), SQL.identifier(delivered.table, "lot_id")),
        )
        delivered.groupby = SQL.identifier("delivered_lot", "start_id")
        return delivered.select(
            SQL.identifier("delivered_lot", "start_id"),
            SQL("array_agg(DISTINCT %s)", SQL.identifier(delivered.table, "picking_id")),
        )
