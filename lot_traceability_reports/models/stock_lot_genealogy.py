from collections import defaultdict

from odoo import api, fields, models
from odoo.addons.lot_traceability.models.stock_lot_trace import MAX_TRACE_LOTS
from odoo.addons.lot_traceability.tools.arguments import check_ids
from odoo.addons.lot_traceability_recall.models.stock_lot_recall import OPEN_RECALL_STATES
from odoo.exceptions import UserError
from odoo.tools import SQL

GENEALOGY_DIRECTIONS = ("upstream", "downstream")
# The records the genealogy client action opens from, and how each gives its starting lots.
GENEALOGY_SOURCES = {
    "stock.lot": lambda records: records,
    "stock.supplier.lot": lambda records: records.lot_ids,
    "stock.lot.recall": lambda records: records.lot_ids | records.supplier_lot_ids.lot_ids,
}
SEARCH_LIMIT = 20
# Where a move of a lot shows in its genealogy: a move that brought the lot into the company's stock
# (received, manufactured, recovered by an unbuild, found by a count) tells where it comes from; every
# other one (internal, delivered, returned by a customer, consumed, scrapped, lost) where it went. A
# dropship (supplier to customer) is both.
ENTRY_USAGES = ("supplier", "production", "inventory")
SEARCH_MAX_LIMIT = 1000


class StockLot(models.Model):
    """The genealogy client action's server side: the tree one level at a time, so that a lot with
    thousands of descendants opens at once and each fold shows how many lots it hides."""

    _inherit = "stock.lot"

    # ------------------------------------------------------------------
    # Public API of the client action
    # ------------------------------------------------------------------

    @api.model
    @api.readonly
    def get_genealogy_roots(self, active_model, active_ids):
        """The starting lots of the genealogy of a lot, a supplier lot or a recall, with their direct
        parents and children already unfolded.

        :return: dict ``title``, ``root_ids`` and ``roots``: one node per starting lot (see
            :meth:`_get_genealogy_nodes`), each with ``upstream`` and ``downstream`` lists of child nodes
            and ``moves``: ``{"upstream": [move, ...], "downstream": [move, ...]}`` (see
            :meth:`_get_genealogy_moves`)
        """
        if not isinstance(active_model, str) or active_model not in GENEALOGY_SOURCES:
            raise UserError(
                self.env._(
                    "The genealogy opens from a lot, a supplier lot or a recall, not from %(model)s.",
                    model=active_model,
                )
            )
        active_ids = check_ids(self.env, active_ids, self.env._("the records to trace"), limit=MAX_TRACE_LOTS)
        records = self.env[active_model].browse(active_ids).exists()
        records.check_access("read")
        lots = GENEALOGY_SOURCES[active_model](records)
        if not lots:
            raise UserError(self.env._("There is no lot to trace: add a lot first."))
        self._flush_for_trace()
        children = {direction: lots._get_genealogy_children(direction) for direction in GENEALOGY_DIRECTIONS}
        counts = {
            direction: {lot_id: len(nodes) for lot_id, nodes in children[direction].items()}
            for direction in GENEALOGY_DIRECTIONS
        }
        moves = {direction: lots._get_genealogy_moves(direction) for direction in GENEALOGY_DIRECTIONS}
        roots = lots._get_genealogy_nodes(counts)
        for root in roots:
            for direction in GENEALOGY_DIRECTIONS:
                root[direction] = children[direction].get(root["id"], [])
            root["moves"] = {direction: moves[direction].get(root["id"], []) for direction in GENEALOGY_DIRECTIONS}
        return {
            "title": self.env._("Genealogy of %(records)s", records=", ".join(records[:3].mapped("display_name"))),
            "root_ids": lots.ids,
            "roots": roots,
        }

    @api.model
    @api.readonly
    def get_genealogy_children(self, lot_ids, direction):
        """The lots one step from each of ``lot_ids`` in ``direction`` (``"upstream"``: the lots they
        were made from; ``"downstream"``: the lots made from them), each with its own child count.

        :return: dict ``lot id -> [node, ...]`` (keys as strings, as JSON sends them)
        """
        lot_ids = check_ids(self.env, lot_ids, self.env._("the lots to unfold"), limit=MAX_TRACE_LOTS)
        self._check_genealogy_direction(direction)
        lots = self.browse(lot_ids).exists()
        lots.check_access("read")
        self._flush_for_trace()
        return {str(lot_id): nodes for lot_id, nodes in lots._get_genealogy_children(direction).items()}

    @api.model
    @api.readonly
    def get_genealogy_moves(self, lot_ids, direction):
        """The done moves of each of ``lot_ids`` on the side of ``direction`` (``"upstream"``: the moves
        that brought it in, receipts, manufacturing, counts; ``"downstream"``: every other one,
        deliveries, returns, consumption, scraps, internal transfers), oldest first.

        :return: dict ``lot id -> [move, ...]`` (keys as strings, as JSON sends them), a move being
            described in :meth:`_get_genealogy_moves`
        """
        self._check_genealogy_direction(direction)
        self._check_genealogy_lot_ids(lot_ids)
        lots = self.browse(lot_ids).exists()
        lots.check_access("read")
        return {str(lot_id): moves for lot_id, moves in lots._get_genealogy_moves(direction).items()}

    @api.model
    @api.readonly
    def search_genealogy(self, root_ids, term, limit=SEARCH_LIMIT):
        """Lots of the genealogy of ``root_ids`` whose number, product or supplier lot contains ``term``.

        :return: list of dicts ``direction``, ``path`` (lot ids from a root to the lot found)
            and ``node``, at most ``limit`` of them, nearest first
        """
        root_ids = check_ids(self.env, root_ids, self.env._("the lots to search from"), limit=MAX_TRACE_LOTS)
        if term and not isinstance(term, str):
            raise UserError(self.env._("Search the genealogy for a text, such as a lot number or a product."))
        if type(limit) is not int or not 0 < limit <= SEARCH_MAX_LIMIT:
            raise UserError(
                self.env._("The search limit must be a whole number from 1 to %(maximum)s.", maximum=SEARCH_MAX_LIMIT)
            )
        term = (term or "").strip()
        roots = self.browse(root_ids).exists()
        roots.check_access("read")
        if not term or not roots:
            return []
        self._flush_for_trace()
        found = []
        for direction in GENEALOGY_DIRECTIONS:
            traced = set(roots.trace(direction)["lot_ids"]) - set(roots.ids)
            if not traced:
                continue
            matches = self.search(
                [
                    ("id", "in", list(traced)),
                    "|",
                    "|",
                    ("name", "ilike", term),
                    ("product_id", "ilike", term),
                    ("supplier_lot_id.name", "ilike", term),
                ],
                limit=limit,
            )
            paths = roots._get_genealogy_paths(direction, set(matches.ids))
            nodes = {node["id"]: node for node in matches._get_genealogy_nodes({direction: {}})}
            found.extend(
                {"direction": direction, "path": paths[lot.id], "node": nodes[lot.id]}
                for lot in matches
                if lot.id in paths
            )
        return sorted(found, key=lambda match: len(match["path"]))[:limit]

    def action_print_genealogy_tree(self, unfolded=None):
        """The tree as the client action shows it, as a PDF: ``unfolded`` maps a direction to the
        lot ids unfolded in it (their lots and moves are printed); without it, the lots and their
        direct parents and children. (The lot's Print menu prints the whole tree.)

        The lots travel in the report's data: the web client puts no record ids in the URL of a
        report action that has data (``getReportUrl``), so the report would print nothing."""
        if not self:
            raise UserError(self.env._("Select at least one lot to trace."))
        return self.env.ref("lot_traceability_reports.action_report_lot_genealogy_tree").report_action(
            self, data={"lot_ids": self.ids, "unfolded": unfolded or {}}, config=False
        )

    # ------------------------------------------------------------------
    # Helpers: one query per direction and level, never one per lot
    # ------------------------------------------------------------------

    def _check_genealogy_direction(self, direction):
        if not isinstance(direction, str) or direction not in GENEALOGY_DIRECTIONS:
            raise UserError(
                self.env._(
                    "Unknown genealogy direction '%(direction)s': use upstream or downstream.",
                    direction=direction,
                )
            )

    def _check_genealogy_lot_ids(self, lot_ids):
        if not isinstance(lot_ids, list | tuple) or not all(
            isinstance(lot_id, int) and not isinstance(lot_id, bool) for lot_id in lot_ids
        ):
            raise UserError(
                self.env._(
                    "The genealogy takes lots by their ids (a list of numbers), not %(value)s.",
                    value=repr(lot_ids),
                )
            )

    def _execute_genealogy_query(self, query):
        # No planner setting: JIT off measured no gain on a step from a thousand lots (README, "Planner settings").
        return self.env.execute_query(query)

    def _get_genealogy_edge_query(self, direction, lot_ids):
        """One step of the trace engine's walk (``_get_linked_line_ids_query``): a row per done line of a lot of
        ``lot_ids`` (an SQL array) linked to a done line of another lot, by a manufacturing order or
        an unbuild order."""
        # The next line is looked up by primary key inside the LATERAL (kept apart by OFFSET 0): joined
        # after it, the planner expects many rows and hashes the whole move line table.
        return SQL(
            """
            SELECT line.lot_id AS parent_id, next_line.lot_id AS child_id,
                   next_line.id AS child_line_id, next_line.quantity_product_uom AS child_qty
              FROM stock_move_line line
              JOIN LATERAL (
                    SELECT next_line.id, next_line.lot_id, next_line.quantity_product_uom,
                           next_line.state, next_line.company_id
                      FROM (%(linked_line_ids)s) linked
                      JOIN stock_move_line next_line ON next_line.id = linked.line_id
                    OFFSET 0
              ) next_line ON next_line.state = 'done'
                         AND next_line.lot_id IS NOT NULL
                         AND next_line.lot_id != line.lot_id
                         AND next_line.company_id = ANY(%(company_ids)s)
             WHERE line.lot_id = ANY(%(lot_ids)s)
               AND line.state = 'done'
               AND line.company_id = ANY(%(company_ids)s)
            """,
            lot_ids=lot_ids,
            company_ids=self.env.companies.ids,
            linked_line_ids=self._get_linked_line_ids_query(direction, SQL("line")),
        )

    def _get_genealogy_edges(self, direction):
        """``(parent id, child id, quantity)`` for each lot one step from these lots, with the
        quantity of the child lot on the linking lines, and each child's own child count, in one
        query: ``(edges, {child id: count})``."""
        if not self:
            return [], {}
        rows = self._execute_genealogy_query(
            SQL(
                """
                WITH edge AS MATERIALIZED (%(edges)s),
                link AS (
                    SELECT parent_id, child_id, SUM(child_qty) AS quantity
                      FROM (SELECT DISTINCT parent_id, child_id, child_line_id, child_qty FROM edge) line
                     GROUP BY parent_id, child_id
                ),
                grandchild AS MATERIALIZED (%(grandchildren)s)
                SELECT link.parent_id, link.child_id, link.quantity, COALESCE(counted.count, 0)
                  FROM link
                  LEFT JOIN (
                        SELECT parent_id, COUNT(DISTINCT child_id) AS count FROM grandchild GROUP BY parent_id
                  ) counted ON counted.parent_id = link.child_id
                 ORDER BY link.parent_id, link.child_id
                """,
                edges=self._get_genealogy_edge_query(direction, SQL("%s::int[]", self.ids)),
                grandchildren=self._get_genealogy_edge_query(
                    direction, SQL("ARRAY(SELECT DISTINCT child_id FROM edge)")
                ),
            )
        )
        edges = [(parent, child, quantity) for parent, child, quantity, _count in rows]
        return edges, {child: count for _parent, child, _quantity, count in rows}

    def _get_genealogy_children(self, direction):
        """``lot id -> [child node, ...]`` one step in ``direction``, children sorted by lot number."""
        edges, counts = self._get_genealogy_edges(direction)
        children = self.browse({child for _parent, child, _quantity in edges})
        nodes = {node["id"]: node for node in children._get_genealogy_nodes({direction: counts})}
        result = defaultdict(list)
        for parent, child, quantity in edges:
            result[parent].append(dict(nodes[child], link_quantity=quantity))
        for child_nodes in result.values():
            child_nodes.sort(key=lambda node: (node["name"], node["id"]))
        return result

    def _get_genealogy_move_domain(self):
        return [
            ("lot_id", "in", self.ids),
            ("state", "=", "done"),
            ("company_id", "in", self.env.companies.ids),
        ]

    @api.model
    def _get_genealogy_move_directions(self, source, destination):
        """The directions (``"upstream"``, ``"downstream"``) in which a move from ``source`` to
        ``destination`` (locations) shows under its lot."""
        upstream = source.usage in ENTRY_USAGES
        downstream = not upstream or destination.usage == "customer"
        return tuple(direction for direction, shown in (("upstream", upstream), ("downstream", downstream)) if shown)

    @api.model
    def _get_genealogy_move_kinds(self):
        """What a move is, as the genealogy names it."""
        return {
            "receipt": self.env._("Receipt"),
            "delivery": self.env._("Delivery"),
            "dropship": self.env._("Dropship"),
            "customer_return": self.env._("Customer return"),
            "supplier_return": self.env._("Return to supplier"),
            "manufactured": self.env._("Manufactured"),
            "consumed": self.env._("Consumed in manufacturing"),
            "unbuild": self.env._("Unbuild"),
            "scrap": self.env._("Scrap"),
            "inventory": self.env._("Inventory adjustment"),
            "transit": self.env._("Transit"),
            "internal": self.env._("Internal transfer"),
        }

    @api.model
    def _get_genealogy_move_kind(self, line):
        """The kind of the move line ``line`` (a key of :meth:`_get_genealogy_move_kinds`)."""
        source, destination, move = line.location_id, line.location_dest_id, line.move_id
        usages = (source.usage, destination.usage)
        if usages == ("supplier", "customer"):
            return "dropship"
        if destination.usage == "customer":
            return "delivery"
        if source.usage == "customer":
            return "customer_return"
        if destination.usage == "supplier":
            return "supplier_return"
        if source.usage == "supplier":
            return "receipt"
        if move.scrap_id or destination.scrap_location:
            return "scrap"
        if move.unbuild_id or move.consume_unbuild_id:
            return "unbuild"
        if destination.usage == "production":
            return "consumed"
        if source.usage == "production":
            return "manufactured"
        if "inventory" in usages:
            return "inventory"
        if "transit" in usages:
            return "transit"
        return "internal"

    def _get_genealogy_moves(self, direction):
        """The done moves of these lots shown in ``direction`` (see ``ENTRY_USAGES``), oldest first, in
        a few queries whatever the number of lots.

        :return: dict ``lot id -> [move, ...]``, a move being a dict ``id`` (of the move line),
            ``date``, ``kind`` and ``kind_label`` (receipt, delivery, customer return, scrap, inventory
            adjustment, ...: :meth:`_get_genealogy_move_kinds`), ``reference``, ``document_model`` and
            ``document_id`` (transfer, manufacturing or unbuild order, scrap, else the move),
            ``location`` and ``location_dest`` (full names), ``partner`` and ``partner_id`` (customer or
            supplier, else False), ``quantity`` and ``uom``
        """
        if not self:
            return {}
        lines = self.env["stock.move.line"].search(self._get_genealogy_move_domain(), order="date, id")
        kinds = self._get_genealogy_move_kinds()
        moves = defaultdict(list)
        for line in lines:
            if direction not in self._get_genealogy_move_directions(line.location_id, line.location_dest_id):
                continue
            kind = self._get_genealogy_move_kind(line)
            move = line.move_id
            document = (
                line.picking_id
                or move.production_id
                or move.raw_material_production_id
                or move.unbuild_id
                or move.consume_unbuild_id
                or move.scrap_id
                or move
            )
            partner = line._get_trace_partner()
            moves[line.lot_id.id].append(
                {
                    "id": line.id,
                    "date": fields.Datetime.to_string(line.date),
                    "kind": kind,
                    "kind_label": kinds[kind],
                    "reference": line.reference or document.display_name,
                    "document_model": document._name,
                    "document_id": document.id,
                    "location": line.location_id.display_name,
                    "location_dest": line.location_dest_id.display_name,
                    "partner": partner.display_name or False,
                    "partner_id": partner.id,
                    "quantity": line.quantity,
                    "uom": line.product_uom_id.name,
                }
            )
        return dict(moves)

    def _get_genealogy_move_counts(self, directions):
        """``direction -> {lot id: number of moves shown in that direction}`` for these lots, in one query."""
        counts = {direction: defaultdict(int) for direction in directions}
        if not self:
            return counts
        groups = self.env["stock.move.line"]._read_group(
            self._get_genealogy_move_domain(), ["lot_id", "location_id", "location_dest_id"], ["__count"]
        )
        for lot, source, destination, count in groups:
            for direction in self._get_genealogy_move_directions(source, destination):
                if direction in counts:
                    counts[direction][lot.id] += count
        return counts

    def _get_genealogy_paths(self, direction, target_ids):
        """Breadth first from these lots, one query per level: the shortest path (lot ids, the root
        first) to each lot of ``target_ids`` reached in ``direction``."""
        parent_of, seen = {}, set(self.ids)
        frontier = self
        while frontier and not target_ids <= parent_of.keys():
            edges = frontier._execute_genealogy_query(
                SQL(
                    "SELECT DISTINCT parent_id, child_id FROM (%s) edge ORDER BY parent_id, child_id",
                    frontier._get_genealogy_edge_query(direction, SQL("%s::int[]", frontier.ids)),
                )
            )
            next_ids = []
            for parent, child in edges:
                if child not in seen:
                    seen.add(child)
                    parent_of[child] = parent
                    next_ids.append(child)
            frontier = self.browse(next_ids)
        paths = {}
        for target in target_ids & parent_of.keys():
            path, lot_id = [], target
            while lot_id in parent_of:
                path.append(lot_id)
                lot_id = parent_of[lot_id]
            paths[target] = [lot_id, *path[::-1]]
        return paths

    def _get_genealogy_nodes(self, counts):
        """What a node of the tree shows, for each of these lots, in one batch.

        :param counts: dict ``direction -> {lot id: number of lots one step away}``
        :return: list of dicts ``id, name, product, product_id, quantity`` (on hand in internal
            locations), ``uom, production_date, expiration_date, create_date, qc_state,
            qc_state_label, supplier_lot, recalls`` (open recalls holding the lot, ``[{id, name}]``),
            and for each direction of ``counts`` ``<direction>_count`` and ``<direction>_move_count`` (the
            moves unfolding the lot shows, see :meth:`_get_genealogy_moves`)
        """
        if not self:
            return []
        move_counts = self._get_genealogy_move_counts(counts)
        on_hand = defaultdict(float)
        for row in self._get_trace_on_hand(self.ids):
            on_hand[row["lot_id"]] += row["quantity"]
        recalls = defaultdict(list)
        holds = (
            self.env["stock.lot.recall.hold"]
            .sudo()
            ._read_group(
                [("lot_id", "in", self.ids), ("recall_id.state", "in", OPEN_RECALL_STATES)],
                ["lot_id", "recall_id"],
            )
        )
        can_read_recalls = self.env["stock.lot.recall"].has_access("read")
        for lot, recall in holds:
            recalls[lot.id].append(
                {"id": recall.id if can_read_recalls else False, "name": recall.name if can_read_recalls else ""}
            )
        qc_labels = dict(self._fields["qc_state"]._description_selection(self.env))
        nodes = []
        for lot in self.with_prefetch(self.ids):
            node = {
                "id": lot.id,
                "name": lot.name,
                "product": lot.product_id.display_name,
                "product_id": lot.product_id.id,
                "quantity": on_hand[lot.id],
                "uom": lot.product_uom_id.name,
                "production_date": fields.Datetime.to_string(lot.production_date) or False,
                "expiration_date": fields.Datetime.to_string(lot.expiration_date) or False,
                "create_date": fields.Datetime.to_string(lot.create_date) or False,
                "qc_state": lot.qc_state,
                "qc_state_label": qc_labels.get(lot.qc_state, lot.qc_state),
                "supplier_lot": lot.supplier_lot_id.display_name or False,
                "recalls": recalls[lot.id],
            }
            for direction, direction_counts in counts.items():
                node[f"{direction}_count"] = direction_counts.get(lot.id, 0)
                node[f"{direction}_move_count"] = move_counts[direction][lot.id]
            nodes.append(node)
        return nodes
