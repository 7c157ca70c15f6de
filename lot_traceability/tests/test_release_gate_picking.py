from types import SimpleNamespace

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestReleaseGatePicking(LotTraceabilityCommon):
    """Where a user picks a lot to consume or ship, unreleased lots are not offered, a lot picked anyway
    is refused at once, and a manufacturing order refused for a held lot can still be corrected or
    cancelled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._require_milk_release({"name": "pH", "value_type": "numeric", "min_value": 6.4, "max_value": 6.8})
        cls.env.user.groups_id += cls.env.ref("stock.group_stock_multi_locations")

    def _quant(self, lot):
        return lot.quant_ids.filtered(lambda quant: quant.quantity > 0 and quant.location_id.usage == "internal")

    def _confirmed_production(self, quantity=10):
        production = self.env["mrp.production"].create(
            {"product_id": self.yogurt.id, "product_qty": quantity, "bom_id": self.bom.id}
        )
        production.action_confirm()
        return production

    def _milk_move(self, production):
        return production.move_raw_ids.filtered(lambda move: move.product_id == self.milk)

    def _pick_from_candidates(self, view_xmlid, line, parent):
        """The quants the *Pick From* field of ``view_xmlid`` offers for ``line``, as the web client
        evaluates the field's domain (``parent`` holds the values of the move or transfer)."""
        view = self.env.ref(view_xmlid)
        arch = etree.fromstring(self.env["stock.move.line"].get_view(view.id)["arch"])
        domain = arch.xpath("//field[@name='quant_id']")[0].get("domain")
        values = {name: line[name].id if name.endswith("_id") else line[name] for name in line._fields}
        values["parent"] = SimpleNamespace(**parent)
        return self.env["stock.quant"].search(safe_eval(domain, values))

    # ------------------------------------------------------------------
    # Not offered
    # ------------------------------------------------------------------

    def test_pick_from_offers_only_released_lots_for_components_and_deliveries(self):
        released = self._milk_lot("MILK-OK", 20, state="released")
        pending = self._milk_lot("MILK-PENDING", 20, state="pending")
        held = self._milk_lot("MILK-HELD", 20, state="on_hold")
        rejected = self._milk_lot("MILK-REJECTED", 20, state="rejected")
        all_quants = self._quant(released | pending | held | rejected)
        self.assertEqual(len(all_quants), 4)

        production = self._confirmed_production()
        milk_move = self._milk_move(production)
        line = self.env["stock.move.line"].new(
            milk_move._prepare_move_line_vals(quantity=0) | {"move_id": milk_move.id}
        )
        offered = self._pick_from_candidates(
            "stock.view_stock_move_line_operation_tree", line, {"location_id": milk_move.location_id.id}
        )
        self.assertEqual(offered & all_quants, self._quant(released), "components: released lots only")

        delivery = self._create_delivery(self.milk, 5)
        line = self.env["stock.move.line"].new(
            delivery.move_ids._prepare_move_line_vals(quantity=0) | {"move_id": delivery.move_ids.id}
        )
        for view in ("stock.view_stock_move_line_operation_tree", "stock.view_stock_move_line_detailed_operation_tree"):
            offered = self._pick_from_candidates(view, line, {"location_id": delivery.location_id.id})
            self.assertEqual(offered & all_quants, self._quant(released), f"deliveries ({view}): released lots only")

    def test_picking_components_for_production_offers_only_released_lots(self):
        self._milk_lot("MILK-OK", 20, state="released")
        self._milk_lot("MILK-PENDING", 20, state="pending")
        self.warehouse.manufacture_steps = "pbm"
        production = self._confirmed_production()
        pick_move = production.picking_ids.move_ids.filtered(lambda move: move.product_id == self.milk)
        self.assertEqual(pick_move.location_dest_id.usage, "internal", "to the pre-production location")
        line = self.env["stock.move.line"].new(
            pick_move._prepare_move_line_vals(quantity=0) | {"move_id": pick_move.id}
        )
        offered = self._pick_from_candidates(
            "stock.view_stock_move_line_detailed_operation_tree", line, {"location_id": pick_move.location_id.id}
        )
        self.assertEqual(offered.lot_id.mapped("name"), ["MILK-OK"], "the components go on into production")

    def test_internal_moves_between_stock_locations_still_offer_every_lot(self):
        pending = self._milk_lot("MILK-PENDING", 20, state="pending")
        shelf = self.env["stock.location"].create({"name": "Shelf 2", "location_id": self.stock_location.id})
        move = self.env["stock.move"].create(
            {
                "name": "rearrange",
                "product_id": self.milk.id,
                "product_uom_qty": 5,
                "location_id": self.stock_location.id,
                "location_dest_id": shelf.id,
            }
        )
        line = self.env["stock.move.line"].new(move._prepare_move_line_vals(quantity=0) | {"move_id": move.id})
        offered = self._pick_from_candidates(
            "stock.view_stock_move_line_operation_tree", line, {"location_id": self.stock_location.id}
        )
        self.assertIn(self._quant(pending), offered, "a pending lot may move into quarantine or another shelf")

    # ------------------------------------------------------------------
    # Refused at once
    # ------------------------------------------------------------------

    def test_picking_a_held_lot_for_a_component_is_refused_at_once(self):
        held = self._milk_lot("MILK-HELD", 20, state="on_hold")
        production = self._confirmed_production()
        move_form = Form(self._milk_move(production), view="mrp.view_stock_move_operations_raw")
        with move_form.move_line_ids.new() as line:
            with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                line.quant_id = self._quant(held)
            self.assertFalse(line.quant_id, "the held lot is not kept on the line")
        self.assertIn("MILK-HELD", logs.output[0])
        self.assertIn("On Hold", logs.output[0])

    def test_receipts_still_accept_a_lot_that_is_not_released(self):
        pending = self._milk_lot("MILK-PENDING", 20, state="pending")
        receipt = self._create_receipt(self.milk, 5)
        line = self.env["stock.move.line"].new(
            receipt.move_ids._prepare_move_line_vals(quantity=5) | {"move_id": receipt.move_ids.id}
        )
        line.lot_id = pending
        self.assertFalse(line._onchange_lot_id_release_gate())
        self.assertEqual(line.lot_id, pending)

    # ------------------------------------------------------------------
    # After a refusal: no dead end
    # ------------------------------------------------------------------

    def _production_refused_for_a_held_lot(self):
        lot = self._milk_lot("MILK-MO", 20, state="released")
        self._receive(self.sugar, 10, lot_name="SUGAR-MO")
        production = self._confirmed_production()
        production.action_assign()
        self.assertEqual(self._milk_move(production).move_line_ids.lot_id, lot)
        production.qty_producing = 10
        production._set_qty_producing()
        production.move_raw_ids.picked = True
        production.lot_producing_id = self.env["stock.lot"].create({"name": "YOG-MO", "product_id": self.yogurt.id})
        lot._write_qc_state("on_hold", "recall")
        with self.assertRaisesRolledBack(UserError, "MILK-MO"):
            production.button_mark_done()
        self.assertEqual(production.state, "to_close")
        return production

    def test_a_production_refused_for_a_held_lot_can_be_cancelled(self):
        production = self._production_refused_for_a_held_lot()
        production.action_cancel()
        self.assertEqual(production.state, "cancel")
        self.assertFalse(production.move_raw_ids.move_line_ids)

    def test_a_production_refused_for_a_held_lot_can_be_corrected_with_another_lot(self):
        production = self._production_refused_for_a_held_lot()
        other = self._milk_lot("MILK-OTHER", 20, state="released")
        move_form = Form(self._milk_move(production), view="mrp.view_stock_move_operations_raw")
        with move_form.move_line_ids.edit(0) as line:
            line.quant_id = self._quant(other)
        move_form.save()
        self.assertEqual(self._milk_move(production).move_line_ids.lot_id, other)
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        self.assertEqual(self._milk_move(production).move_line_ids.lot_id, other)

    def test_a_production_refused_for_a_held_lot_can_be_unreserved_and_reserved_again(self):
        production = self._production_refused_for_a_held_lot()
        other = self._milk_lot("MILK-OTHER", 20, state="released")
        production.move_raw_ids.picked = False
        production.do_unreserve()
        production.action_assign()
        self.assertEqual(self._milk_move(production).move_line_ids.lot_id, other)
