import json

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from ..tools import iso2859
from .common import DemoHistoryCase, LotTraceabilityCommon

# Published ISO 2859-1 / ANSI Z1.4 Table 2-A (normal), columns AQL 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10, 15, rows A to
# Q: the rejection number Re (Ac = Re - 1), "v" to use the first plan below the arrow, "^" the first plan above.
NORMAL_COLUMNS = (0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10, 15)
PUBLISHED_NORMAL = {
    "A": "v v v v v 1 ^ v",
    "B": "v v v v 1 ^ v 2",
    "C": "v v v 1 ^ v 2 3",
    "D": "v v 1 ^ v 2 3 4",
    "E": "v 1 ^ v 2 3 4 6",
    "F": "1 ^ v 2 3 4 6 8",
    "G": "^ v 2 3 4 6 8 11",
    "H": "v 2 3 4 6 8 11 15",
    "J": "2 3 4 6 8 11 15 22",
    "K": "3 4 6 8 11 15 22 ^",
    "L": "4 6 8 11 15 22 ^ ^",
    "M": "6 8 11 15 22 ^ ^ ^",
    "N": "8 11 15 22 ^ ^ ^ ^",
    "P": "11 15 22 ^ ^ ^ ^ ^",
    "Q": "15 22 ^ ^ ^ ^ ^ ^",
}
# Table 2-B (tightened), same columns, rows A to L.
PUBLISHED_TIGHTENED = {
    "A": "v v v v v v v v",
    "B": "v v v v v 1 v v",
    "C": "v v v v 1 v v 2",
    "D": "v v v 1 v v 2 3",
    "E": "v v 1 v v 2 3 4",
    "F": "v 1 v v 2 3 4 6",
    "G": "1 v v 2 3 4 6 9",
    "H": "v v 2 3 4 6 9 13",
    "J": "v 2 3 4 6 9 13 19",
    "K": "2 3 4 6 9 13 19 ^",
    "L": "3 4 6 9 13 19 ^ ^",
}
# Table 1, (lot size, level) -> code letter, read off the published table.
PUBLISHED_CODE_LETTERS = [
    (2, "II", "A"),
    (8, "III", "B"),
    (100, "S-1", "B"),
    (100, "S-3", "C"),
    (100, "I", "D"),
    (100, "III", "G"),
    (151, "S-1", "B"),
    (40, "S-4", "C"),
    (1200, "II", "J"),
    (1201, "II", "K"),
    (10000, "I", "J"),
    (10001, "S-2", "D"),
    (35001, "II", "N"),
    (500000, "S-4", "J"),
    (600000, "III", "R"),
    (600000, "S-1", "D"),
]
# (lot size, level, AQL, severity) -> (code letter, plan letter, n, Ac, Re), worked by hand from Tables 1 and 2.
HAND_WORKED_PLANS = [
    (1200, "II", 1.0, "normal", ("J", "J", 80, 2, 3)),  # the brief's example
    (1200, "II", 0.65, "normal", ("J", "J", 80, 1, 2)),
    (1200, "II", 0.25, "normal", ("J", "H", 50, 0, 1)),  # up arrow: H's plan, n = 50
    (1200, "II", 0.10, "normal", ("J", "K", 125, 0, 1)),  # down arrow: K's plan, n = 125
    (1200, "II", 15, "normal", ("J", "J", 80, 21, 22)),
    (3200, "II", 4.0, "normal", ("K", "K", 125, 10, 11)),
    (3200, "II", 15, "normal", ("K", "J", 80, 21, 22)),  # up arrow at the end of row K
    (100, "S-1", 2.5, "normal", ("B", "C", 5, 0, 1)),  # down arrow
    (35001, "II", 0.10, "normal", ("N", "N", 500, 1, 2)),
    (50, "II", 1000, "normal", ("D", "B", 3, 44, 45)),
    (1200, "II", 1.0, "tightened", ("J", "J", 80, 1, 2)),
    (1200, "II", 6.5, "tightened", ("J", "J", 80, 8, 9)),
    (3200, "II", 1.0, "reduced", ("K", "K", 50, 1, 2)),
]


@tagged("post_install", "-at_install")
class TestIso2859Tables(TransactionCase):
    """The standard's tables as tools/iso2859.py writes them, against the published values."""

    def _published_cell(self, severity, letter, column, text):
        cell = iso2859._cell(severity, iso2859.LETTERS.index(letter), iso2859.AQLS.index(column))
        if text == "v":
            return cell == iso2859.DOWN
        if text == "^":
            return cell == iso2859.UP
        return isinstance(cell, tuple) and cell[2] == int(text) and cell[1] == int(text) - 1

    def test_master_tables_match_the_published_cells(self):
        for severity, table in (("normal", PUBLISHED_NORMAL), ("tightened", PUBLISHED_TIGHTENED)):
            for letter, row in table.items():
                for column, text in zip(NORMAL_COLUMNS, row.split(), strict=True):
                    with self.subTest(severity=severity, letter=letter, aql=column):
                        self.assertTrue(self._published_cell(severity, letter, column, text))

    def test_code_letters(self):
        for lot_size, level, letter in PUBLISHED_CODE_LETTERS:
            with self.subTest(lot_size=lot_size, level=level):
                self.assertEqual(iso2859.code_letter(lot_size, level), letter)

    def test_plans_with_arrows(self):
        for lot_size, level, aql, severity, expected in HAND_WORKED_PLANS:
            with self.subTest(lot_size=lot_size, level=level, aql=aql, severity=severity):
                plan = iso2859.sampling_plan(lot_size, level, aql, severity)
                self.assertEqual(
                    (plan.code_letter, plan.plan_letter, plan.sample_size, plan.accept, plan.reject), expected
                )

    def test_sample_size_at_or_above_the_lot_size_means_full_inspection(self):
        # Lot of 10 at level II is B; AQL 0.65 points down to F (n = 20): all 10 units are inspected.
        plan = iso2859.sampling_plan(10, "II", 0.65)
        self.assertEqual((plan.code_letter, plan.plan_letter), ("B", "F"))
        self.assertEqual((plan.sample_size, plan.accept, plan.reject, plan.full_inspection), (10, 0, 1, True))
        self.assertFalse(iso2859.sampling_plan(1200, "II", 1.0).full_inspection)

    def test_decision(self):
        plan = iso2859.sampling_plan(1200, "II", 1.0)
        self.assertEqual([plan.decide(d) for d in (0, 2, 3, 80)], ["accept", "accept", "reject", "reject"])
        with self.assertRaises(iso2859.SamplingError):
            plan.decide(81)

    def test_bad_input(self):
        for args in ((1200, "II", 0.5), (1200, "II", 2000), (0, "II", 1.0), (-5, "II", 1.0), (1200, "IV", 1.0)):
            with self.subTest(args=args), self.assertRaises(iso2859.SamplingError):
                iso2859.sampling_plan(*args)

    def test_switching_sequences(self):
        # Hand-worked: accept, reject, accept, reject: 2 of the last 4 lots on normal not accepted -> tightened.
        states = iso2859.replay(["accept", "reject", "accept", "reject"])
        self.assertEqual([s.severity for s in states], ["normal", "normal", "normal", "tightened"])
        # Rejections 5 lots apart do not switch: reject, accept x4, reject.
        states = iso2859.replay(["reject", "accept", "accept", "accept", "accept", "reject"])
        self.assertEqual(states[-1].severity, "normal")
        # Tightened -> normal after 5 consecutive accepted (4 are not enough).
        states = iso2859.replay(["reject", "reject"] + ["accept"] * 5)
        self.assertEqual([s.severity for s in states][2:], ["tightened"] * 4 + ["normal"])
        # 5 lots not accepted on tightened inspection (not necessarily in a row) -> discontinued; resumed on
        # tightened. The first 2 rejections are on normal inspection: tightened begins after them.
        states = iso2859.replay(["reject", "reject", "reject", "accept", "reject", "reject", "reject", "reject"])
        self.assertEqual((states[-2].severity, states[-2].rejected_on_tightened), ("tightened", 4))
        self.assertEqual(states[-1].severity, "discontinued")
        self.assertEqual(iso2859.next_state(states[-1], "resume").severity, "tightened")
        # Normal -> reduced after 10 accepted, only when approved; reduced -> normal on a rejection.
        self.assertEqual(iso2859.replay(["accept"] * 10)[-1].severity, "normal")
        states = iso2859.replay(["accept"] * 10 + ["reject"], reduced_allowed=True)
        self.assertEqual([states[8].severity, states[9].severity, states[10].severity], ["normal", "reduced", "normal"])
        # Skip-lot after 3 accepted, every 2nd lot inspected: lot 4 skipped, lot 5 inspected.
        states = iso2859.replay(["accept"] * 3, skip_after=3)
        self.assertTrue(states[-1].skip_active)
        self.assertTrue(iso2859.is_skipped(states[-1], 2))
        after_skip = iso2859.next_state(states[-1], "skip", skip_after=3)
        self.assertFalse(iso2859.is_skipped(after_skip, 2))
        self.assertFalse(iso2859.next_state(after_skip, "reject", skip_after=3).skip_active)


@tagged("post_install", "-at_install")
class TestQcSampling(LotTraceabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category.qc_release_required = True
        cls.spec = cls.env["stock.lot.qc.spec"].create(
            {
                "name": "Milk incoming inspection",
                "product_tmpl_id": cls.milk.product_tmpl_id.id,
                "sampling_plan": True,
                "sampling_level": "II",
                "sampling_aql": 1.0,
            }
        )
        cls.qa_manager = new_test_user(
            cls.env, "qa.manager", groups="lot_traceability.group_qa_manager,stock.group_stock_user", name="Quinn"
        )
        cls.qa_user = new_test_user(cls.env, "qa.user", groups="lot_traceability.group_qa_user")
        cls.lot_count = 0

    def _lot(self, quantity=1200, partner=None):
        type(self).lot_count += 1
        name = f"MILK-S{self.lot_count:03d}"
        self._receive(self.milk, quantity, lot_name=name, partner=partner)
        return self.env["stock.lot"].search([("name", "=", name), ("product_id", "=", self.milk.id)])

    def _count(self, lot, nonconforming):
        """The QA user enters the count on the lot's sampling, as in its form."""
        with Form(lot.qc_sampling_ids.with_user(self.qa_user)) as sampling_form:
            sampling_form.nonconforming_count = nonconforming

    def _inspect(self, nonconforming):
        """A lot received, counted and signed: released when the count accepts it, rejected otherwise."""
        lot = self._lot()
        self._count(lot, nonconforming)
        decision = "release" if lot.qc_sampling_ids.decision == "accept" else "reject"
        self._sign(lot, decision)
        return lot

    def _state(self, partner=None):
        return self.env["stock.lot.qc.sampling.state"].search(
            [("partner_id", "=", (partner or self.supplier).id), ("product_id", "=", self.milk.id)]
        )

    def test_the_check_shows_what_to_sample_and_the_decision(self):
        lot = self._lot(1200)
        sampling = lot.qc_sampling_ids.with_user(self.qa_user)
        self.assertEqual(lot.qc_state, "pending")
        self.assertEqual(
            (sampling.lot_size, sampling.code_letter, sampling.sample_size, sampling.accept_number),
            (1200, "J", 80, 2),
        )
        self.assertEqual((sampling.reject_number, sampling.severity, sampling.decision), (3, "normal", "pending"))
        check = sampling.check_id
        self.assertIn(check, lot.qc_check_ids)
        self.assertEqual(check.name, "Sampling: nonconforming units (code J, n = 80, Ac 2 / Re 3, normal)")
        self.assertEqual((check.min_value, check.max_value, check.mandatory), (0, 2, True))
        with self.assertRaisesRegex(UserError, "Mandatory checks have not passed"):
            self._sign(lot, "release")
        self._count(lot, 3)
        self.assertEqual((sampling.nonconforming_count, sampling.decision, check.result), (3, "reject", "fail"))
        self._count(lot, 2)
        self.assertEqual((sampling.decision, check.result, check.performed_by_id), ("accept", "pass", self.qa_user))
        self._sign(lot, "release")
        self.assertEqual((lot.qc_state, sampling.outcome), ("released", "accept"))
        snapshot = json.loads(lot.qc_signature_ids.check_snapshot)
        self.assertEqual(snapshot[0]["test"], check.name)
        self.assertEqual((snapshot[0]["measured"], snapshot[0]["max"], snapshot[0]["result"]), (2.0, 2.0, "pass"))
        with self.assertRaisesRegex(UserError, "signed off"):
            sampling.nonconforming_count = 0

    def test_switching_to_tightened_and_back(self):
        for nonconforming in (0, 3, 1, 5):  # accept, reject, accept, reject
            self._inspect(nonconforming)
        state = self._state()
        self.assertEqual(state.severity, "tightened")
        self.assertEqual(
            state.line_ids.sorted("sequence").mapped("severity_after"), ["normal", "normal", "normal", "tightened"]
        )
        lot = self._lot(1200)
        self.assertEqual(
            (lot.qc_sampling_ids.severity, lot.qc_sampling_ids.accept_number, lot.qc_sampling_ids.reject_number),
            ("tightened", 1, 2),
        )
        self._count(lot, 1)
        self._sign(lot, "release")
        for _index in range(3):
            self._inspect(0)
        self.assertEqual(state.severity, "tightened")
        self._inspect(1)  # the 5th consecutive accepted lot on tightened inspection
        self.assertEqual(state.severity, "normal")
        self.assertEqual(self._lot(1200).qc_sampling_ids.severity, "normal")

    def test_discontinued_lots_are_held_until_qa_resumes(self):
        for nonconforming in (3, 3, 2, 2, 2, 2):  # 2 rejected on normal, then 4 rejected on tightened (Ac 1)
            self._inspect(nonconforming)
        state = self._state()
        self.assertEqual((state.severity, state.rejected_on_tightened), ("tightened", 4))
        self._inspect(2)
        self.assertEqual(state.severity, "discontinued")
        held = self._lot(1200)
        self.assertEqual((held.qc_sampling_ids.severity, held.qc_sampling_ids.check_id.id), ("discontinued", False))
        with self.assertRaisesRegex(UserError, "is held: inspection of .* is discontinued"):
            self._sign(held, "release")
        with self.assertRaises(AccessError):
            state.with_user(self.qa_user).action_resume()
        state.with_user(self.qa_manager).action_resume()
        self.assertEqual(state.severity, "tightened")
        self.assertEqual((held.qc_sampling_ids.severity, held.qc_sampling_ids.accept_number), ("tightened", 1))
        self.assertTrue(held.qc_sampling_ids.check_id)
        self.assertEqual(state.line_ids.filtered(lambda line: line.event == "resume").user_id, self.qa_manager)

    def test_skip_lot_releases_with_a_signature_and_ends_on_a_rejection(self):
        self.spec.write({"sampling_skip_after": 2, "sampling_skip_every": 2})
        self._inspect(0)
        self._inspect(1)
        state = self._state()
        self.assertTrue(state.skip_active)
        skipped = self._lot(1200)
        self.assertEqual((skipped.qc_state, skipped.qc_sampling_ids.severity), ("released", "skipped"))
        self.assertFalse(skipped.qc_sampling_ids.check_id)
        signature = skipped.qc_signature_ids
        self.assertEqual((signature.decision, signature.meaning), ("release", "Released by skip-lot rule"))
        self.assertIn("Released by the skip-lot rule of specification Milk incoming inspection", signature.note)
        self.assertIn("lot 1 of every 2 skipped after 2 consecutive accepted lots", signature.note)
        self.assertEqual(signature.hash, signature._compute_hash(signature._get_hashed_values()))
        inspected = self._lot(1200)  # the 2nd lot under skip-lot is inspected
        self.assertEqual(inspected.qc_sampling_ids.severity, "normal")
        self._count(inspected, 3)
        self._sign(inspected, "reject")
        self.assertFalse(state.skip_active)
        self.assertIn("skip-lot ended by a rejection", state.line_ids.sorted("sequence")[-1].note)
        self.assertEqual(self._lot(1200).qc_sampling_ids.severity, "normal")

    def test_each_supplier_has_its_own_state(self):
        self._inspect(3)
        self._inspect(3)
        self.assertEqual(self._state().severity, "tightened")
        lot = self._lot(1200, partner=self.other_supplier)
        self.assertEqual(lot.qc_sampling_ids.severity, "normal")
        self.assertEqual(self._state(self.other_supplier).severity, "normal")

    def test_bad_input(self):
        spec_vals = self.spec.read(["sampling_aql", "sampling_level"])[0]
        with self.assertRaisesRegex(ValidationError, "AQL 0.5 is not in the standard's tables"):
            self.spec.sampling_aql = 0.5
        with self.assertRaisesRegex(ValidationError, "Inspection level IV is not one of"):
            self.spec.write({"sampling_level": "IV"})
        self.spec.invalidate_recordset()
        self.assertEqual(self.spec.read(["sampling_aql", "sampling_level"])[0], spec_vals)
        for lot_size in (0, -5):
            with self.assertRaisesRegex(ValidationError, "Lot size .* is not in the standard's tables"):
                self.spec._get_sampling_plan(lot_size)
        lot = self._lot(50)  # level II: D, AQL 1.0 points down to E's plan, n = 13
        self.assertEqual((lot.qc_sampling_ids.sample_size, lot.qc_sampling_ids.accept_number), (13, 0))
        with self.assertRaisesRegex(ValidationError, "from 0 to the 13 units sampled; 14"):
            self._count(lot, 14)
        self.assertFalse(lot.qc_sampling_ids.check_id.is_measured)
        untracked = self.env["product.product"].create({"name": "Loose tea", "is_storable": True})
        with self.assertRaisesRegex(ValidationError, "Loose tea is not tracked by lots"):
            self.env["stock.lot.qc.spec"].create(
                {"name": "Tea", "product_tmpl_id": untracked.product_tmpl_id.id, "sampling_plan": True}
            )
        with self.assertRaisesRegex(UserError, "made by Odoo when the lot is received"):
            self.env["stock.lot.qc.sampling"].create({"lot_id": lot.id})
        with self.assertRaisesRegex(UserError, "Only the number of nonconforming units"):
            lot.qc_sampling_ids.with_user(self.qa_user).write({"accept_number": 80})


@tagged("post_install", "-at_install")
class TestQcSamplingDemo(DemoHistoryCase):
    """The README's sampling plan guide, on the demo."""

    def test_glass_jars_are_on_tightened_inspection(self):
        jar = self._demo_record("lot_traceability.product_glass_jar_demo")
        vitrum = self._demo_record("lot_traceability.partner_vitrum_glassworks_demo")
        state = self.env["stock.lot.qc.sampling.state"].search(
            [("partner_id", "=", vitrum.id), ("product_id", "=", jar.id)]
        )
        self.assertEqual(state.severity, "tightened")
        lines = state.line_ids.sorted("sequence")
        self.assertEqual(lines.lot_id.mapped("name"), ["JAR-4101", "JAR-4102", "JAR-4103", "JAR-4104"])
        self.assertEqual(lines.mapped("event"), ["accept", "reject", "accept", "reject"])
        self.assertEqual(lines.mapped("severity_after"), ["normal", "normal", "normal", "tightened"])
        waiting = self.env["stock.lot"].search([("name", "=", "JAR-4105"), ("product_id", "=", jar.id)])
        sampling = waiting.qc_sampling_ids
        self.assertEqual((waiting.qc_state, sampling.lot_size, sampling.code_letter), ("pending", 1200, "J"))
        self.assertEqual((sampling.sample_size, sampling.accept_number, sampling.reject_number), (80, 1, 2))
        self.assertEqual(
            sampling.check_id.name, "Sampling: nonconforming units (code J, n = 80, Ac 1 / Re 2, tightened)"
        )
