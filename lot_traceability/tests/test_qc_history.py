from odoo.tests import new_test_user, tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
class TestQcStateHistory(LotTraceabilityCommon):
    """A change of a lot's QC state is written once, in its History, and the chatter shows that row."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.qa_manager = new_test_user(
            cls.env,
            "qa.history",
            groups="lot_traceability.group_qa_manager,stock.group_stock_user",
            name="Hana History",
        )

    def _qc_state_in_chatter(self, lot):
        values = lot.message_ids.tracking_value_ids.filtered(lambda value: value.field_id.name == "qc_state")
        return sorted((value.old_value_char, value.new_value_char) for value in values)

    def test_a_qc_state_change_is_one_history_row_shown_in_the_chatter(self):
        lot = self.env["stock.lot"].create({"name": "SUGAR-HIST", "product_id": self.sugar.id})
        lot.with_user(self.qa_manager).qc_sign("hold", "Hold for a second opinion", "qa.history")
        lot.with_user(self.qa_manager).qc_sign("release", "Second opinion: fine", "qa.history")

        history = lot.audit_ids.filtered(lambda row: row.field_name == "qc_state").sorted("id")
        self.assertEqual(
            [(row.old_value, row.new_value, row.reason) for row in history],
            [
                ("Released", "On Hold", "Hold signed by Hana History"),
                ("On Hold", "Released", "Release signed by Hana History"),
            ],
        )
        # The chatter shows each change at once, with the History's values and by who made it.
        expected = [("On Hold", "Released"), ("Released", "On Hold")]
        self.assertEqual(self._qc_state_in_chatter(lot), expected)
        shown = lot.message_ids.filtered("tracking_value_ids")
        self.assertEqual(shown.author_id, self.qa_manager.partner_id)
        # When the transaction commits, Odoo's field tracking adds no second record of the same change.
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(self._qc_state_in_chatter(lot), expected)
