from odoo import Command, api, models


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_recalls(self):
        """A mock recall drill of a milk supplier lot, and a real recall of a puree supplier lot left
        in draft with its scope computed, ready for the demo user to confirm and notify."""
        supplier_lots = {
            supplier_lot.name: supplier_lot
            for supplier_lot in self.env["stock.supplier.lot"].search([("name", "in", ("AD-24117", "SV/B-7781"))])
        }
        recalls = self.env["stock.lot.recall"].create(
            [
                {
                    "is_mock": True,
                    "supplier_lot_ids": [Command.set(supplier_lots["AD-24117"].ids)],
                    "reason": self.env._("Quarterly mock recall drill: raw milk lot back to every customer."),
                },
                {
                    "supplier_lot_ids": [Command.set(supplier_lots["SV/B-7781"].ids)],
                    "reason": self.env._("Sunvale Orchards reports possible glass fragments in puree batch B-7781."),
                    "fda_class": "class_2",
                },
            ]
        )
        recalls.action_compute_scope()
        return recalls
