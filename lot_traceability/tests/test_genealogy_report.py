from odoo import Command
from odoo.tests import tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestGenealogyReport(LotTraceabilityCommon):
    """The Full Trace page (``_get_genealogy``): the trees it prints, level by level, through manufacturing
    and unbuild orders, each lot with its done moves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pack = cls.env["product.product"].create({"name": "Yogurt 4-pack", "is_storable": True, "tracking": "lot"})
        cls.pack_bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.pack.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [Command.create({"product_id": cls.yogurt.id, "product_qty": 4})],
            }
        )

    def _lot(self, name):
        return self.env["stock.lot"].search([("name", "=", name)])

    def _lines(self, lot):
        return self.env["stock.move.line"].search([("lot_id", "=", lot.id), ("state", "=", "done")])

    def _shape(self, node):
        """``(lot name, [children...])``, the tree as the page prints it."""
        return (node["lot"].name, [self._shape(child) for child in node["children"]])

    def _build_two_levels_and_an_unbuild(self):
        self._receive(self.milk, 20, lot_name="M1")
        self._receive(self.sugar, 20, lot_name="S1")
        production = self._produce(50)  # 10 of M1, 5 of S1
        yogurt = production.lot_producing_id
        pack = self._produce(10, bom=self.pack_bom).lot_producing_id  # 40 of the yogurts
        self._deliver(self.pack, 6, self.customer)
        unbuild = self.env["mrp.unbuild"].create(
            {"product_id": self.yogurt.id, "mo_id": production.id, "product_qty": 10, "lot_id": yogurt.id}
        )
        unbuild.action_unbuild()  # the last 10 yogurts back into milk of M1 and sugar of S1
        return self._lot("M1"), self._lot("S1"), yogurt, pack

    def test_trees_follow_manufacturing_and_unbuild_at_every_level(self):
        milk, sugar, yogurt, pack = self._build_two_levels_and_an_unbuild()

        genealogy = (milk | pack)._get_genealogy()

        by_id = sorted((sugar | pack), key=lambda lot: lot.id)
        self.assertEqual(
            self._shape(genealogy[milk.id]["downstream"]),
            ("M1", [(yogurt.name, [(lot.name, []) for lot in by_id])]),
            "the yogurts made from the milk, then the packs made from them and the sugar their unbuild recovered",
        )
        self.assertEqual(self._shape(genealogy[milk.id]["upstream"]), ("M1", [(yogurt.name, [("S1", [])])]))
        self.assertEqual(
            self._shape(genealogy[pack.id]["upstream"]),
            (pack.name, [(yogurt.name, [(lot.name, []) for lot in sorted(milk | sugar, key=lambda lot: lot.id)])]),
        )
        self.assertEqual(self._shape(genealogy[pack.id]["downstream"]), (pack.name, []))

    def test_each_lot_of_the_tree_comes_with_its_done_moves_oldest_first(self):
        milk, sugar, yogurt, pack = self._build_two_levels_and_an_unbuild()

        downstream = milk._get_genealogy()[milk.id]["downstream"]

        yogurt_node = downstream["children"][0]
        for node, lot in (
            (downstream, milk),
            (yogurt_node, yogurt),
            *zip(yogurt_node["children"], (sugar, pack), strict=True),
        ):
            self.assertEqual(node["lot"], lot)
            self.assertEqual(node["lines"], self._lines(lot).sorted(lambda line: (line.date, line.id)), lot.name)
        self.assertEqual(len(downstream["lines"]), 3, "received, consumed, recovered by the unbuild")
        self.assertEqual(len(yogurt_node["children"][1]["lines"]), 2, "the pack made, then delivered")

    def test_lots_linked_only_through_other_lots_are_not_children(self):
        """A lot is the child of the lot whose line feeds its line, not of every lot of the trace."""
        self._receive(self.milk, 20, lot_name="M1")
        self._receive(self.sugar, 20, lot_name="S1")
        yogurt = self._produce(50).lot_producing_id
        milk, sugar = self._lot("M1"), self._lot("S1")

        genealogy = yogurt._get_genealogy()[yogurt.id]

        self.assertEqual(
            self._shape(genealogy["upstream"]),
            (yogurt.name, [(lot.name, []) for lot in sorted(milk | sugar, key=lambda lot: lot.id)]),
        )
        self.assertEqual(self._shape(genealogy["downstream"]), (yogurt.name, []))
        self.assertEqual(self._shape(milk._get_genealogy()[milk.id]["downstream"]), ("M1", [(yogurt.name, [])]))
