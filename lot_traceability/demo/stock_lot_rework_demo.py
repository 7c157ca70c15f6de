from datetime import timedelta

from odoo import api, fields, models

from ..tools import gs1


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_rework(self):
        """Rework of held stock on the demo: 100 kg of skimmed milk powder received from Alpine Dairy Cooperative
        (supplier lot AD-P2290) held by QA (bag seals found open), of which 60 kg were re-sieved and re-packed by a
        rework order into a new lot, pending release; 40 kg stay on hold."""
        ref = self.env.ref
        if ref("lot_traceability.lot_powder_held_demo", raise_if_not_found=False):
            return None  # made already: demo data loads again on every update of the module
        powder = ref("lot_traceability.product_milk_powder_demo")
        alpine = ref("lot_traceability.partner_alpine_dairy_demo")
        admin = ref("base.user_admin")
        produced = fields.Date.context_today(self) - timedelta(days=9)
        label = gs1.build(
            {"01": powder.barcode, "11": produced, "17": produced + timedelta(days=365), "10": "AD-P2290"}
        )
        picking = self._receive(alpine, powder, [(100, label)])
        held = picking.move_line_ids.lot_id
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": "lot_traceability.lot_powder_held_demo", "record": held, "noupdate": True}]
        )
        self._demo_sign(
            held,
            "hold",
            "Held: bag seals found open at receipt; re-sieve and re-pack ordered",
            fields.Datetime.now() - timedelta(hours=3),
        )
        production = held.with_user(admin)._create_rework_production(60)
        production.qty_producing = production.product_qty
        production._set_qty_producing()
        production.button_mark_done()
        return production
