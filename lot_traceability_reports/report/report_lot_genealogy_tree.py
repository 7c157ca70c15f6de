from odoo import api, models

from ..models.stock_lot_genealogy import GENEALOGY_DIRECTIONS


class ReportLotGenealogyTree(models.AbstractModel):
    """The genealogy client action's tree as a PDF, unfolded where the user unfolded it."""

    _name = "report.lot_traceability_reports.report_lot_genealogy_tree"
    _description = "Lot Genealogy Tree"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        unfolded = (data or {}).get("unfolded") or {}
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot",
            "docs": lots,
            "trees": self._get_tree_rows(lots, unfolded),
        }

    @api.model
    def _get_tree_rows(self, lots, unfolded):
        """``lot id -> {"root": node, "upstream": rows, "downstream": rows}``, a row being a dict
        ``level, node, lot, unfolded``: the lots below each root in the order the client action shows
        them, descending only into the lots of ``unfolded[direction]`` (the roots always), one
        query per direction whatever the size of the tree."""
        lots.check_access("read")
        lots._flush_for_trace()
        trees = {lot.id: {} for lot in lots}
        counts = {}
        for direction in GENEALOGY_DIRECTIONS:
            open_ids = set(lots.ids) | {int(lot_id) for lot_id in unfolded.get(direction) or []}
            children = self.env["stock.lot"].browse(open_ids)._get_genealogy_children(direction)
            counts[direction] = {lot_id: len(nodes) for lot_id, nodes in children.items()}
            for lot in lots:
                trees[lot.id][direction] = self._walk_tree(lot.id, children, open_ids)
        root_nodes = {node["id"]: node for node in lots._get_genealogy_nodes(counts)}
        rows = [row for tree in trees.values() for direction_rows in tree.values() for row in direction_rows]
        printed = self.env["stock.lot"].browse({row["node"]["id"] for row in rows})
        for row in rows:
            row["lot"] = printed.browse(row["node"]["id"])
        return {lot.id: dict(trees[lot.id], root=root_nodes[lot.id]) for lot in lots}

    @api.model
    def _walk_tree(self, root_id, children, open_ids):
        """Depth first below ``root_id``, entering only the lots of ``open_ids``, never a lot twice
        on the same branch."""
        rows = []
        stack = [(node, 1, frozenset({root_id})) for node in reversed(children.get(root_id, []))]
        while stack:
            node, level, path = stack.pop()
            is_open = node["id"] in open_ids and node["id"] not in path
            rows.append({"level": level, "node": node, "unfolded": is_open})
            if is_open:
                below = path | {node["id"]}
                stack.extend((child, level + 1, below) for child in reversed(children.get(node["id"], [])))
        return rows
