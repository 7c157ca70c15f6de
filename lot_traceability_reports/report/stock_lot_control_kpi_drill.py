from odoo import fields, models


class StockLotControlKpi(models.Model):
    """The Mock Recall card of the Lot Control dashboard shows the last recall drill concluded: its time against
    its target (the card's secondary figure) and its result."""

    _inherit = "stock.lot.control.kpi"

    def _get_mock_completeness_card(self, scope, figures, inventory_values, pending_count):
        card = super()._get_mock_completeness_card(scope, figures, inventory_values, pending_count)
        drill = self._get_last_recall_drill(scope["buckets"]["period"][1])
        if not drill:
            card["secondary"] = {"label": self.env._("no recall drill concluded yet"), "value": None, "display": "-"}
            return card
        Recall = self.env["stock.lot.recall"]
        results = dict(Recall._fields["drill_result"]._description_selection(self.env))
        result = results.get(drill["drill_result"], "")
        card["secondary"] = {
            "label": self.env._(
                "last recall drill (target %(target)s): %(result)s",
                target=Recall._format_drill_minutes(drill["drill_target_minutes"]),
                result=result,
            ),
            "value": drill["drill_elapsed_minutes"],
            "display": Recall._format_drill_minutes(drill["drill_elapsed_minutes"]),
            "result": drill["drill_result"],
        }
        card["details"] = [
            *card["details"],
            self.env._(
                "Last recall drill %(drill)s, concluded on %(date)s: %(result)s in %(time)s (target %(target)s), "
                "%(percent)s reconciled",
                drill=drill["name"],
                date=fields.Date.to_string(drill["drill_concluded_at"].date()),
                result=result,
                time=Recall._format_drill_minutes(drill["drill_elapsed_minutes"]),
                target=Recall._format_drill_minutes(drill["drill_target_minutes"]),
                percent=self._format_percent(drill["drill_reconciliation_pct"]),
            ),
        ]
        return card

    def _get_last_recall_drill(self, before):
        """The last drill concluded in the selected companies before ``before`` (the end of the dashboard's period:
        a past period shows the drill of its time), in one read (False when there is none)."""
        drills = self.env["stock.lot.recall"].search_read(
            [
                ("drill_state", "=", "concluded"),
                ("company_id", "in", self.env.companies.ids),
                ("drill_concluded_at", "<", before),
            ],
            [
                "name",
                "drill_concluded_at",
                "drill_elapsed_minutes",
                "drill_target_minutes",
                "drill_reconciliation_pct",
                "drill_result",
            ],
            order="drill_concluded_at desc, id desc",
            limit=1,
        )
        return drills[0] if drills else False
