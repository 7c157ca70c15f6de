from odoo.tests import TransactionCase, tagged

OUR_ADDONS = ("lot_traceability", "lot_traceability_recall", "lot_traceability_reports")


@tagged("post_install", "-at_install")
class TestHouseRules(TransactionCase):
    """Rules said once: what a reviewer checks by reading, checked on the loaded registry."""

    def _our_models(self):
        names = set(
            self.env["ir.model.data"]
            .search([("module", "in", OUR_ADDONS), ("model", "=", "ir.model")])
            .mapped(lambda data: self.env["ir.model"].browse(data.res_id).model)
        )
        return [self.env[name] for name in sorted(names) if name in self.env]

    def test_company_checks_only_where_a_field_is_checked(self):
        """_check_company_auto checks the fields marked check_company=True: on a model without any it checks nothing."""
        idle = [
            model._name
            for model in self._our_models()
            if model._check_company_auto
            and not any(getattr(field, "check_company", False) for field in model._fields.values())
        ]
        self.assertEqual(idle, [])

    def test_the_export_request_asks_with_the_fields_of_the_job(self):
        """The wizard and the job it creates show the same labels, help texts and choices for what a file holds."""
        job, wizard = self.env["lot.traceability.export"], self.env["lot.traceability.export.wizard"]
        shared = ("export_type", "date_from", "date_to", "lot_ids", "include_traced_lots", "product_ids", "ftl_only")
        for name in (*shared, "recall_id"):
            with self.subTest(field=name):
                self.assertIn(name, wizard._fields)
                self.assertEqual(wizard._fields[name].string, job._fields[name].string)
                self.assertEqual(wizard._fields[name].help, job._fields[name].help)
        self.assertEqual(
            wizard._fields["export_type"]._description_selection(self.env),
            job._fields["export_type"]._description_selection(self.env),
        )
        self.assertEqual(
            wizard.default_get(list(shared)),
            {key: value for key, value in job.default_get(list(shared)).items() if key in shared},
        )

    def test_the_reconciliation_lists_the_costing_methods_of_product_categories(self):
        method = self.env["stock.lot.cost.reconciliation"]._fields["cost_method"]
        original = self.env["product.category"]._fields["property_cost_method"]
        self.assertEqual(method._description_selection(self.env), original._description_selection(self.env))
