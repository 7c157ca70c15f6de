from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.arguments import check_ids

TRACE_DIRECTIONS = ("upstream", "downstream", "both")
# The most lots one call traces: a recall of a hub lot starts from a few, an export from its filter's lots.
MAX_TRACE_LOTS = 100_000
TRACE_FUNCTION = "lot_traceability_trace_%s"  # the database function of a direction, see _create_trace_functions
# In stock_move_line_consume_rel, material flows from produce_line_id (the component line of a
# manufacturing order) to consume_line_id (the finished line): the column names read
# backwards. An unbuild order writes no such link for the unbuilt product in Odoo 18; its moves
# share unbuild_id, the consumed ones going into the production location, the recovered ones
# coming out of it.
TRACE_WALKS = {
    "downstream": {
        "from_column": "produce_line_id",
        "to_column": "consume_line_id",
        "from_side": "location_dest_id",
        "to_side": "location_id",
    },
    "upstream": {
        "from_column": "consume_line_id",
        "to_column": "produce_line_id",
        "from_side": "location_id",
        "to_side": "location_dest_id",
    },
}


class StockLot(models.Model):
    """The trace engine: one recursive SQL query per direction, kept as database functions."""

    _inherit = "stock.lot"

    @api.readonly
    def trace(self, direction="both"):
        """Every lot, move line, customer, supplier and stock connected to these lots.

        One recursive SQL query per direction walks done move lines and the manufacturing and
        unbuild links between them, to any depth (cycles end, cancelled moves are ignored),
        within the companies the user has selected. Read-only, so it can run on a replica.

        Answers only for lots the user may read (AccessError otherwise), at most MAX_TRACE_LOTS at once.

        :param direction: ``"upstream"`` (where the lots come from), ``"downstream"`` (where
            they went) or ``"both"``
        :return: dict with ``lot_ids`` (start lots of the selected companies included),
            ``move_line_ids`` (every done move line of those lots), ``customer_ids`` (partners of
            done deliveries of those lots: to a customer, or out of stock to a vendor location),
            ``supplier_ids`` (partners they were received from) and ``on_hand`` (list of dicts
            ``lot_id, location_id, quantity`` in internal locations)
        """
        self._check_trace_arguments(direction)
        self._flush_for_trace()
        # Start lots come from the query too: an id of no lot, or of a lot of a company not selected, is no start.
        lot_ids, line_ids, customer_ids, supplier_ids = set(), set(), set(), set()
        walks = ("upstream", "downstream") if direction == "both" else (direction,)
        rows = self.env.execute_query(
            SQL(" UNION ALL ").join(
                SQL(
                    "SELECT * FROM %s(%s::int[], %s::int[])",
                    SQL.identifier(TRACE_FUNCTION % walk),
                    self.ids,
                    self.env.companies.ids,
                )
                for walk in walks
            )
        )
        for lots, lines, customers, suppliers in rows:
            lot_ids.update(lots or ())
            line_ids.update(lines or ())
            customer_ids.update(customers or ())
            supplier_ids.update(suppliers or ())
        return {
            "lot_ids": sorted(lot_ids),
            "move_line_ids": sorted(line_ids),
            "customer_ids": sorted(customer_ids),
            "supplier_ids": sorted(supplier_ids),
            "on_hand": self._get_trace_on_hand(sorted(lot_ids)),
        }

    def _check_trace_arguments(self, direction):
        """Refuse what an RPC caller may send wrong: ids that are no record ids, too many lots, an unknown
        direction, lots the user may not read."""
        check_ids(self.env, self._ids, self.env._("the lots to trace"), limit=MAX_TRACE_LOTS)
        if not isinstance(direction, str) or direction not in TRACE_DIRECTIONS:
            raise UserError(
                self.env._(
                    "Unknown trace direction '%(direction)s': use upstream, downstream or both.",
                    direction=direction,
                )
            )
        self.check_access("read")

    def _flush_for_trace(self):
        self.env["stock.move.line"].flush_model(
            [
                "lot_id",
                "state",
                "company_id",
                "location_id",
                "location_dest_id",
                "picking_id",
                "move_id",
                "consume_line_ids",
            ]
        )
        self.env["stock.move"].flush_model(["partner_id", "unbuild_id", "location_id", "location_dest_id"])
        self.env["stock.picking"].flush_model(["partner_id"])
        self.env["stock.quant"].flush_model(["lot_id", "location_id", "quantity", "company_id"])

    def init(self):
        res = super().init()
        self._create_trace_functions()
        return res

    def _create_trace_functions(self):
        """The trace queries (each direction, and the stock on hand) as PL/pgSQL functions.

        PostgreSQL plans such a function's query once per connection and reuses the plan, where a
        plain query is planned on every call: the planning cost more than running a typical trace. The
        generic plan is forced and held to nested loops over the indexes: not knowing the seed lots, the
        planner would otherwise expect thousands of lots and scan the whole lot_id index (a merge join).
        JIT is off: a generic plan's cost estimate would trigger a compilation longer than the trace.
        The figures are in the README ("Trace engine and its benchmark").
        """
        lot_ids, company_ids = SQL("p_lot_ids"), SQL("p_company_ids")
        functions = [
            (
                direction,
                SQL("lot_ids int[], line_ids int[], customer_ids int[], supplier_ids int[]"),
                self._get_trace_query(direction, lot_ids, company_ids),
            )
            for direction in ("upstream", "downstream")
        ]
        functions.append(
            (
                "on_hand",
                SQL("lot_id int, location_id int, quantity numeric"),
                self._get_trace_on_hand_query(lot_ids, company_ids),
            )
        )
        for name, columns, query in functions:
            self.env.cr.execute(
                SQL(
                    """
                    CREATE OR REPLACE FUNCTION %(name)s(p_lot_ids int[], p_company_ids int[])
                    RETURNS TABLE (%(columns)s)
                    LANGUAGE plpgsql STABLE
                    SET plan_cache_mode = force_generic_plan
                    SET enable_hashjoin = off
                    SET enable_mergejoin = off
                    SET jit = off
                    AS $trace$
                    #variable_conflict use_column
                    BEGIN
                        RETURN QUERY %(query)s;
                    END
                    $trace$
                    """,
                    name=SQL.identifier(TRACE_FUNCTION % name),
                    columns=columns,
                    query=query,
                )
            )

    def _get_trace_query(self, direction, lot_ids=None, company_ids=None):
        """The recursive query of one direction: lots reached, their done lines, the partners
        those lines delivered to and received from. ``lot_ids`` and ``company_ids`` are SQL
        arrays, by default these lots and the user's companies."""
        company_ids = SQL("%s::int[]", self.env.companies.ids) if company_ids is None else company_ids
        return SQL(
            """
            WITH RECURSIVE traced_lot(lot_id) AS (
                SELECT lot.id
                  FROM stock_lot lot
                 WHERE lot.id = ANY(%(lot_ids)s)
                   AND (lot.company_id IS NULL OR lot.company_id = ANY(%(company_ids)s))
                UNION
                %(step)s
            ),
            walked_line AS (
                SELECT line.id, line.location_id, line.location_dest_id, line.picking_id, line.move_id
                  FROM traced_lot
                  JOIN stock_move_line line
                    ON line.lot_id = traced_lot.lot_id
                   AND line.state = 'done'
                   AND line.company_id = ANY(%(company_ids)s)
            ),
            partner_line AS (
                -- The move's partner is read only for lines whose transfer has none (COALESCE is lazy).
                SELECT COALESCE(picking.partner_id,
                                (SELECT move.partner_id FROM stock_move move WHERE move.id = walked_line.move_id))
                           AS partner_id,
                       source.usage = 'supplier' AS received,
                       -- A delivery to a partner: to a customer location, or out of stock to a vendor location
                       -- (a return to the supplier, or a delivery made through it), as the recall's mass balance
                       -- counts a shipment.
                       (destination.usage = 'customer'
                        OR (destination.usage = 'supplier' AND source.usage IN ('internal', 'transit'))) AS delivered
                  FROM walked_line
                  JOIN stock_location source ON source.id = walked_line.location_id
                  JOIN stock_location destination ON destination.id = walked_line.location_dest_id
                  LEFT JOIN stock_picking picking ON picking.id = walked_line.picking_id
                 WHERE source.usage = 'supplier' OR destination.usage IN ('customer', 'supplier')
            )
            SELECT (SELECT array_agg(lot_id) FROM traced_lot),
                   (SELECT array_agg(id) FROM walked_line),
                   (SELECT array_agg(DISTINCT partner_id) FROM partner_line WHERE delivered AND partner_id IS NOT NULL),
                   (SELECT array_agg(DISTINCT partner_id) FROM partner_line WHERE received AND partner_id IS NOT NULL)
            """,
            lot_ids=SQL("%s::int[]", self.ids) if lot_ids is None else lot_ids,
            company_ids=company_ids,
            step=self._get_lot_step_query(direction, "traced_lot", company_ids),
        )

    @api.model
    def _get_lot_step_query(self, direction, walked, company_ids, carried=(), unbuild=True):
        """The recursive step of a walk of the lot graph in ``direction``: the lots (``next_line.lot_id``) one
        step from the lots of ``walked`` (the name of the walk's recursive CTE, with a ``lot_id`` column),
        through their done lines and the done lines linked to them (``_get_linked_line_ids_query``, with or
        without ``unbuild``), of the companies ``company_ids`` (an SQL array, or a list of ids). ``carried``
        names columns of ``walked`` each row carries on, before the lot (e.g. the lot a walk started from).
        The trace engine and Odoo's delivery lookup (``_find_delivery_ids_by_lot``) walk with it."""
        return SQL(
            """
                SELECT %(columns)s
                  FROM %(walked)s
                  JOIN stock_move_line line
                    ON line.lot_id = %(walked_lot_id)s
                   AND line.state = 'done'
                   AND line.company_id = ANY(%(company_ids)s)
                  JOIN LATERAL (%(linked_line_ids)s) linked ON TRUE
                  JOIN stock_move_line next_line
                    ON next_line.id = linked.line_id
                   AND next_line.state = 'done'
                   AND next_line.lot_id IS NOT NULL
                   AND next_line.company_id = ANY(%(company_ids)s)
            """,
            columns=SQL(", ").join([*(SQL.identifier(walked, column) for column in carried), SQL("next_line.lot_id")]),
            walked=SQL.identifier(walked),
            walked_lot_id=SQL.identifier(walked, "lot_id"),
            company_ids=company_ids,
            linked_line_ids=self._get_linked_line_ids_query(direction, SQL("line"), unbuild=unbuild),
        )

    @api.model
    def _get_linked_line_ids_query(self, direction, line, unbuild=True):
        """The ids (``line_id``) of the move lines one step from the move line ``line`` (an SQL alias)
        in ``direction``: the lines of its consume links, or the other side of its unbuild order. Any
        state and lot: the caller filters them (the trace engine, the genealogy and the delivery lookup
        share this walk). Without ``unbuild``, the consume links only (manufacturing orders, as Odoo's
        own walks follow them)."""
        walk = TRACE_WALKS[direction]
        consume_links = SQL(
            """
                        SELECT link.%(to_column)s AS line_id
                          FROM stock_move_line_consume_rel link
                         WHERE link.%(from_column)s = %(line)s.id
            """,
            line=line,
            from_column=SQL.identifier(walk["from_column"]),
            to_column=SQL.identifier(walk["to_column"]),
        )
        if not unbuild:
            return consume_links
        return SQL(
            """
                        %(consume_links)s
                     UNION ALL
                        SELECT next_move_line.id
                          FROM stock_move move
                          JOIN stock_location move_side
                            ON move_side.id = move.%(from_side)s AND move_side.usage = 'production'
                          JOIN stock_move next_move
                            ON next_move.unbuild_id = move.unbuild_id AND next_move.id != move.id
                          JOIN stock_location next_side
                            ON next_side.id = next_move.%(to_side)s AND next_side.usage = 'production'
                          JOIN stock_move_line next_move_line ON next_move_line.move_id = next_move.id
                         WHERE move.id = %(line)s.move_id AND move.unbuild_id IS NOT NULL
            """,
            consume_links=consume_links,
            line=line,
            from_side=SQL.identifier(walk["from_side"]),
            to_side=SQL.identifier(walk["to_side"]),
        )

    def _get_trace_on_hand_query(self, lot_ids, company_ids):
        return SQL(
            """
            SELECT quant.lot_id, quant.location_id, SUM(quant.quantity)
              FROM stock_quant quant
              JOIN stock_location location ON location.id = quant.location_id AND location.usage = 'internal'
             WHERE quant.lot_id = ANY(%s) AND quant.company_id = ANY(%s)
             GROUP BY quant.lot_id, quant.location_id
            HAVING SUM(quant.quantity) != 0
             ORDER BY quant.lot_id, quant.location_id
            """,
            lot_ids,
            company_ids,
        )

    def _get_trace_on_hand(self, lot_ids):
        if not lot_ids:
            return []
        rows = self.env.execute_query(
            SQL(
                "SELECT * FROM %s(%s::int[], %s::int[])",
                SQL.identifier(TRACE_FUNCTION % "on_hand"),
                lot_ids,
                self.env.companies.ids,
            )
        )
        return [{"lot_id": lot, "location_id": location, "quantity": quantity} for lot, location, quantity in rows]
