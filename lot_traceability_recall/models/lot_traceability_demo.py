from odoo import Command, api, models


class LotTraceabilityDemo(models.AbstractModel):
    _inherit = "lot.traceability.demo"

    @api.model
    def _create_demo_recalls(self):
        """A mock recall drill of a milk supplier lot, a real recall of a puree supplier lot left in draft with
        its scope computed, ready for the demo user to confirm and notify, and a confirmed recall of another
        puree lot, whose lots show the recall banner on the public GS1 resolver page."""
        supplier_lots = {
            supplier_lot.name: supplier_lot
            for supplier_lot in self.env["stock.supplier.lot"].search(
                [("name", "in", ("AD-24117", "SV/B-7781", "SV/B-7790"))]
            )
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
        confirmed = self.env["stock.lot.recall"].create(
            {
                "supplier_lot_ids": [Command.set(supplier_lots["SV/B-7790"].ids)],
                "reason": self.env._("Sunvale Orchards found undeclared sulphites in puree batch B-7790."),
                "fda_class": "class_2",
                "customer_instructions": self.env._(
                    "<p>Do not eat the apple yogurts of the lots listed. Bring them back to your store for a full "
                    "refund.</p>"
                ),
            }
        )
        confirmed.action_confirm()
        # The company answers the QR codes of its labels (GS1 resolver): the recalled lots show the banner.
        self.env.company.write(
            {
                "gs1_resolver_published": True,
                "gs1_resolver_contact": self.env._("Quality line: +1 555 0100, quality@yourcompany.example"),
            }
        )
        return recalls | confirmed
