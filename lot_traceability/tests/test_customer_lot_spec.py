from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import LotTraceabilityCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 09:00:00")
class TestCustomerLotSpec(LotTraceabilityCommon):
    """Fresh Market Stores accepts only milk with fat 3.0 to 3.5 % (batch determination)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.milk.categ_id.removal_strategy_id = cls.env.ref("product_expiry.removal_fefo")
        cls._require_milk_release(
            {"name": "Fat", "unit": "%", "value_type": "numeric", "min_value": 2.5, "max_value": 4.5},
            {"name": "Moisture", "unit": "%", "value_type": "numeric", "min_value": 0, "max_value": 90},
        )
        cls.fat = cls.spec.line_ids.filtered(lambda line: line.name == "Fat")
        cls.qa_manager = new_test_user(
            cls.env,
            "qa.manager",
            groups="lot_traceability.group_qa_manager,stock.group_stock_user",
            name="Quinn Auditor",
        )
        cls.qa_user = new_test_user(cls.env, "qa.user", groups="lot_traceability.group_qa_user")
        cls.sales_manager = new_test_user(
            cls.env, "sales.manager", groups="sales_team.group_sale_manager,stock.group_production_lot"
        )
        cls.clerk = new_test_user(cls.env, "clerk", groups="stock.group_stock_user,stock.group_production_lot")

    def _released_lot(self, name, fat, expiration, moisture=80, **line_vals):
        """A milk lot received, measured and released with a signature."""
        lot = self._milk_lot(name, supplier_expiration_date=expiration, **line_vals)
        for check in lot.qc_check_ids:
            check.with_user(self.qa_user).measured_value = fat if check.name == "Fat" else moisture
        self._sign(lot, "release")
        self.assertEqual(lot.qc_state, "released")
        return lot

    def _require(self, **values):
        """The customer's requirement, typed by a Sales Manager in the Lot Specification tab of its form."""
        with (
            Form(self.customer.with_user(self.sales_manager)) as partner_form,
            partner_form.lot_spec_ids.new() as line,
        ):
            for name, value in values.items():
                setattr(line, name, value)
        return self.customer.lot_spec_ids[-1:]

    def _explain(self, delivery):
        explanation = self.env["stock.lot.fefo.explanation"].browse(delivery.action_explain_reservation()["res_id"])
        return {line.lot_id.name: (line.status, line.reason) for line in explanation.line_ids}

    def test_reservation_skips_the_lot_the_specification_refuses_and_why_these_lots_names_the_requirement(self):
        self._released_lot("FAT-HIGH", 3.7, date(2026, 3, 25))  # expires first: FEFO would take it
        self._released_lot("FAT-OK", 3.2, date(2026, 3, 30))
        requirement = self._require(spec_line_id=self.fat, min_value=3.0, max_value=3.5)
        self.assertEqual(requirement.display_name, "Fat: 3 \N{EN DASH} 3.5 %")

        delivery = self._create_delivery(self.milk, 5, self.customer)
        self.assertEqual(delivery.move_line_ids.lot_id.mapped("name"), ["FAT-OK"])
        rows = self._explain(delivery)
        self.assertEqual(rows["FAT-OK"][0], "picked")
        self.assertEqual(
            rows["FAT-HIGH"],
            ("skipped", "Fat 3.7 % outside 3 \N{EN DASH} 3.5 % required by Fresh Market Stores"),
        )
        # Another customer, without a specification, gets the first expiring lot.
        other = self.env["res.partner"].create({"name": "Corner Shop", "is_company": True})
        self.assertEqual(self._create_delivery(self.milk, 5, other).move_line_ids.lot_id.mapped("name"), ["FAT-HIGH"])

    def test_a_lot_without_a_signed_result_does_not_meet_the_specification(self):
        unsigned = self._milk_lot("UNSIGNED", supplier_expiration_date=date(2026, 3, 25))
        for check in unsigned.qc_check_ids:
            check.with_user(self.qa_user).measured_value = 3.2 if check.name == "Fat" else 80
        unsigned._write_qc_state("released", "test fixture: released without a signature")
        self._released_lot("SIGNED", 3.3, date(2026, 3, 30))
        self._require(spec_line_id=self.fat, min_value=3.0, max_value=3.5)
        delivery = self._create_delivery(self.milk, 5, self.customer)
        self.assertEqual(delivery.move_line_ids.lot_id.mapped("name"), ["SIGNED"])
        self.assertEqual(
            self._explain(delivery)["UNSIGNED"],
            ("skipped", "no signed result for Fat, required by Fresh Market Stores"),
        )

    def test_a_contact_of_the_customer_gets_the_companys_specification(self):
        self._released_lot("FAT-HIGH", 3.7, date(2026, 3, 25))
        self._released_lot("FAT-OK", 3.2, date(2026, 3, 30))
        self._require(spec_line_id=self.fat, min_value=3.0, max_value=3.5)
        store = self.env["res.partner"].create({"name": "Store 12", "parent_id": self.customer.id, "type": "delivery"})
        delivery = self._create_delivery(self.milk, 5, store)
        self.assertEqual(delivery.move_line_ids.lot_id.mapped("name"), ["FAT-OK"])
        self.assertIn("required by Fresh Market Stores", self._explain(delivery)["FAT-HIGH"][1])

    def test_validation_refuses_the_refused_lot_picked_by_hand_even_with_an_override_reason(self):
        refused = self._released_lot("FAT-HIGH", 3.7, date(2026, 3, 25))
        self._require(spec_line_id=self.fat, min_value=3.0, max_value=3.5)
        delivery = self._create_delivery(self.milk, 5, self.customer)
        self.assertFalse(delivery.move_line_ids, "the only lot is refused: nothing reserved")
        self.env["stock.move.line"].create(
            {
                "move_id": delivery.move_ids.id,
                "picking_id": delivery.id,
                "product_id": self.milk.id,
                "lot_id": refused.id,
                "quantity": 5,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customer_location.id,
                "fefo_override_reason": "The buyer said it is fine",
            }
        )
        delivery.move_ids.picked = True
        self.env.user.groups_id += self.env.ref("lot_traceability.group_fefo_override")
        with self.assertRaisesRolledBack(
            UserError,
            "Lot FAT-HIGH does not meet the lot specification of the customer: Fat 3.7 % outside "
            "3 \N{EN DASH} 3.5 % required by Fresh Market Stores",
        ):
            delivery.with_user(self.clerk).button_validate()
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(refused.product_qty, 10, "nothing shipped")

    def test_approved_suppliers_and_origins(self):
        self.supplier.country_id = self.env.ref("base.ch")
        self.other_supplier.country_id = self.env.ref("base.es")
        self._released_lot("SUNVALE", 3.2, date(2026, 3, 25), supplier_lot_code="SV-1", partner=self.other_supplier)
        self._released_lot("ALPINE", 3.2, date(2026, 3, 30), supplier_lot_code="AL-1")
        self._require(requirement="supplier", supplier_ids=self.supplier)
        delivery = self._create_delivery(self.milk, 5, self.customer)
        self.assertEqual(delivery.move_line_ids.lot_id.mapped("name"), ["ALPINE"])
        self.assertEqual(
            self._explain(delivery)["SUNVALE"],
            ("skipped", "supplier Sunvale Orchards not approved by Fresh Market Stores"),
        )
        delivery.action_cancel()
        self.customer.lot_spec_ids.unlink()
        self._require(requirement="origin", country_ids=self.env.ref("base.ch"))
        delivery = self._create_delivery(self.milk, 5, self.customer)
        self.assertEqual(delivery.move_line_ids.lot_id.mapped("name"), ["ALPINE"])
        self.assertEqual(
            self._explain(delivery)["SUNVALE"], ("skipped", "origin Spain not approved by Fresh Market Stores")
        )

    def test_a_requirement_for_another_product_leaves_this_product_alone(self):
        self._released_lot("FAT-HIGH", 3.7, date(2026, 3, 25))
        self._require(spec_line_id=self.fat, min_value=3.0, max_value=3.5, product_tmpl_id=self.yogurt.product_tmpl_id)
        self.assertEqual(self._create_delivery(self.milk, 5, self.customer).move_line_ids.lot_id.name, "FAT-HIGH")

    def test_bad_input_is_refused_and_nothing_is_saved(self):
        partner = self.customer.with_user(self.sales_manager)
        with self.assertRaisesRolledBack(
            ValidationError, r"test Fat: the minimum \(3.6\) is above the maximum \(3.5\)"
        ):
            partner.write(
                {"lot_spec_ids": [Command.create({"spec_line_id": self.fat.id, "min_value": 3.6, "max_value": 3.5})]}
            )
        with self.assertRaisesRolledBack(ValidationError, "needs the QC test"):
            partner.write({"lot_spec_ids": [Command.create({"requirement": "qc"})]})
        with self.assertRaisesRolledBack(ValidationError, "list the approved suppliers"):
            partner.write({"lot_spec_ids": [Command.create({"requirement": "supplier"})]})
        contact = self.env["res.partner"].create({"name": "Store 12", "parent_id": self.customer.id})
        with self.assertRaisesRolledBack(ValidationError, "set on the company \\(Fresh Market Stores\\)"):
            self.env["res.partner.lot.spec"].create(
                {"partner_id": contact.id, "spec_line_id": self.fat.id, "min_value": 3, "max_value": 3.5}
            )
        self.assertFalse(self.env["res.partner.lot.spec"].search([("partner_id", "child_of", self.customer.id)]))

    def test_only_sales_and_qa_managers_change_the_specification(self):
        requirement = self._require(spec_line_id=self.fat, min_value=3.0, max_value=3.5)
        salesman = new_test_user(self.env, "salesman", groups="sales_team.group_sale_salesman")
        self.assertEqual(requirement.with_user(salesman).display_name, "Fat: 3 \N{EN DASH} 3.5 %")
        self.assertEqual(requirement.with_user(self.clerk).max_value, 3.5)
        with self.assertRaisesRolledBack(AccessError, "not allowed to modify"):
            requirement.with_user(salesman).max_value = 4
        requirement.with_user(self.qa_manager).max_value = 3.6
        self.assertEqual(requirement.max_value, 3.6)
