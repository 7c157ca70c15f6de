from odoo import api, models
from odoo.exceptions import UserError

from ..models.stock_lot_genealogy import GENEALOGY_DIRECTIONS

# How far the page's content starts below the top margin of the paper format: the company header of the
# standard layout (logo and a 4-line address) reaches about 56 mm, past Odoo's 52 mm top margin, and covered
# the title (Odoo's documents start with an address block whose padding keeps them clear of it).
HEADER_CLEARANCE_MM = 12


class ReportLotGenealogyTree(models.AbstractModel):
    """The genealogy of lots as a PDF: from the client action, the tree as the user unfolded it; from
    the lot's Print menu (one lot or several), the whole tree both ways. Each lot printed unfolded
    comes with its moves (receipts naming the supplier, deliveries naming the customer, returns,
    manufacturing, scraps, counts), as on screen."""

    _name = "report.lot_traceability_reports.report_lot_genealogy_tree"
    _description = "Lot Genealogy Tree"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        lots = self._get_report_lots(docids, data)
        unfolded = data.get("unfolded")
        if unfolded is None:
            # The Print menu: every lot reached, each printed once per direction with its moves.
            whole = True
            unfolded = {direction: lots.trace(direction)["lot_ids"] for direction in GENEALOGY_DIRECTIONS}
        else:
            whole = False
            self._check_unfolded(unfolded)
        return {
            "doc_ids": lots.ids,
            "doc_model": "stock.lot",
            "docs": lots,
            "trees": self._get_tree_rows(lots, unfolded, whole=whole),
            "whole_tree": whole,
            **self._get_page_margins(),
        }

    @api.model
    def _get_page_margins(self):
        """``data_report_margin_top`` and ``data_report_header_spacing`` (read by ``web.html_container``): the
        top margin of the paper format of the report (or of the company) plus HEADER_CLEARANCE_MM, the header
        where it was (both grow alike), the paper size and the other margins untouched."""
        report = self.env["ir.actions.report"]._get_report_from_name(self._name.removeprefix("report."))
        paperformat = report.get_paperformat()
        margins = {"data_report_margin_top": paperformat.margin_top + HEADER_CLEARANCE_MM}
        if paperformat.header_spacing:
            margins["data_report_header_spacing"] = paperformat.header_spacing + HEADER_CLEARANCE_MM
        return margins

    @api.model
    def _get_report_lots(self, docids, data):
        """The lots to print: the report's records (Print menu), else ``data["lot_ids"]`` (the client
        action's Print, whose report URL carries data and no record ids)."""
        lot_ids = docids or data.get("lot_ids")
        self.env["stock.lot"]._check_genealogy_lot_ids(lot_ids)
        lots = self.env["stock.lot"].browse(lot_ids).exists()
        if not lots:
            raise UserError(self.env._("Select at least one lot to print its genealogy."))
        lots.check_access("read")
        return lots

    @api.model
    def _check_unfolded(self, unfolded):
        if not isinstance(unfolded, dict) or not set(unfolded) <= set(GENEALOGY_DIRECTIONS):
            raise UserError(
                self.env._(
                    "The genealogy report's unfolded lots are a list of lot ids per direction (upstream, "
                    "downstream), not %(value)s.",
                    value=repr(unfolded),
                )
            )
        for lot_ids in unfolded.values():
            self.env["stock.lot"]._check_genealogy_lot_ids(lot_ids)

    @api.model
    def _get_tree_rows(self, lots, unfolded, whole=False):
        """``lot id -> {"root": node, "upstream": rows, "downstream": rows}``, a row being a dict
        ``level, node, lot, unfolded, repeated, moves``: the lots below each root in the order the client
        action shows them, descending only into the lots of ``unfolded[direction]`` (the roots always),
        with the moves of the roots (``root["moves"][direction]``) and of each unfolded lot. With
        ``whole``, a lot reached again in the same tree is printed once more without what is below it
        (``repeated``). A few queries per direction whatever the size of the tree."""
        lots.check_access("read")
        lots._flush_for_trace()
        trees = {lot.id: {} for lot in lots}
        counts, moves = {}, {}
        for direction in GENEALOGY_DIRECTIONS:
            open_ids = set(lots.ids) | {int(lot_id) for lot_id in unfolded.get(direction) or []}
            children = self.env["stock.lot"].browse(open_ids)._get_genealogy_children(direction)
            counts[direction] = {lot_id: len(nodes) for lot_id, nodes in children.items()}
            for lot in lots:
                trees[lot.id][direction] = self._walk_tree(lot.id, children, open_ids, whole=whole)
            shown = set(lots.ids) | {
                row["node"]["id"] for lot in lots for row in trees[lot.id][direction] if row["unfolded"]
            }
            moves[direction] = self.env["stock.lot"].browse(shown)._get_genealogy_moves(direction)
            for lot in lots:
                for row in trees[lot.id][direction]:
                    row["moves"] = moves[direction].get(row["node"]["id"], []) if row["unfolded"] else []
        root_nodes = {node["id"]: node for node in lots._get_genealogy_nodes(counts)}
        for lot in lots:
            root_nodes[lot.id]["moves"] = {
                direction: moves[direction].get(lot.id, []) for direction in GENEALOGY_DIRECTIONS
            }
        rows = [row for tree in trees.values() for direction_rows in tree.values() for row in direction_rows]
        printed = self.env["stock.lot"].browse({row["node"]["id"] for row in rows})
        for row in rows:
            row["lot"] = printed.browse(row["node"]["id"])
        return {lot.id: dict(trees[lot.id], root=root_nodes[lot.id]) for lot in lots}

    @api.model
    def _walk_tree(self, root_id, children, open_ids, whole=False):
        """Depth first below ``root_id``, entering only the lots of ``open_ids``, never a lot twice
        on the same branch; with ``whole``, never a lot twice in the tree."""
        rows, entered = [], {root_id}
        stack = [(node, 1, frozenset({root_id})) for node in reversed(children.get(root_id, []))]
        while stack:
            node, level, path = stack.pop()
            is_open = node["id"] in open_ids and node["id"] not in path
            repeated = whole and is_open and node["id"] in entered
            is_open = is_open and not repeated
            rows.append({"level": level, "node": node, "unfolded": is_open, "repeated": repeated})
            if is_open:
                entered.add(node["id"])
                below = path | {node["id"]}
                stack.extend((child, level + 1, below) for child in reversed(children.get(node["id"], [])))
        return rows
