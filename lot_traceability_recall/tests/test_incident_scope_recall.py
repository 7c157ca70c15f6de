from freezegun import freeze_time

from odoo.addons.lot_traceability.tests.common import LotTraceabilityCommon
from odoo.tests import Form, tagged


@tagged("post_install", "-at_install")
class TestIncidentScopeRecall(LotTraceabilityCommon):
    def test_mock_recall_of_the_lots_found_in_the_incident_location(self):
        with freeze_time("2026-01-01 08:00"):
            self._receive(self.sugar, 10, lot_name="SUGAR-INCIDENT")
        lot = self.env["stock.lot"].search([("name", "=", "SUGAR-INCIDENT")])
        wizard = self.env["stock.lot.incident.scope"].create(
            {
                "location_id": self.stock_location.id,
                "date_from": "2026-01-05 00:00:00",
                "date_to": "2026-01-06 00:00:00",
            }
        )
        wizard.action_find_lots()
        self.assertIn(lot, wizard.lot_ids)
        wizard.lot_ids = lot
        action = wizard.action_mock_recall()
        recall_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertTrue(recall_form.is_mock)
        recall_action = recall_form.save().action_launch()
        recall = self.env["stock.lot.recall"].browse(recall_action["res_id"])
        self.assertTrue(recall.is_mock)
        self.assertEqual(recall.lot_ids, lot)
        self.assertIn(self.stock_location.display_name, recall.reason)
