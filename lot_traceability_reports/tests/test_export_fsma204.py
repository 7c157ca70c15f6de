from datetime import datetime, timedelta

from odoo.tests import Form, tagged

from ..tools.fsma204 import COLUMNS
from .common import ExportCommon


@tagged("post_install", "-at_install")
class TestExportFsma204(ExportCommon):
    def test_fda_request_for_one_tlc_lists_its_events_with_their_key_data_elements(self):
        """An FDA request: one TLC, two years of events, asked from the lot's form."""
        export = self._export(
            active_model="stock.lot",
            active_ids=self.yogurt_lot.ids,
            date_from=self._company_date() - timedelta(days=730),
            date_to=self._company_date(),
        )

        self.assertEqual(export.state, "done", export.error_message)
        self.assertEqual(export.read_source, "primary")
        self.assertTrue(export.attachment_id.name.endswith(".xlsx"))
        header, rows = self._read_fsma_rows(export)
        self.assertEqual(tuple(header), COLUMNS, "first sheet, first row: the columns of DESIGN.md, in order")
        self.assertEqual(export.rows_written, len(rows))
        self.assertEqual(
            [(row["Critical Tracking Event"], row["Quantity"]) for row in rows],
            [("Transformation", 100), ("Shipping", 30), ("Shipping", 20)],
        )
        made, shipped, shipped_2 = rows
        site = f"{self.company.partner_id.complete_name}, 1 Dairy Road, 62701 Springfield"
        self.assertEqual(made["Traceability Lot Code"], self.yogurt_lot.name)
        self.assertTrue(made["Traceability Lot Code Source"].startswith(site), made["Traceability Lot Code Source"])
        self.assertEqual(made["Product Description"], "Apple Yogurt 150 g")
        self.assertEqual(made["Unit of Measure"], "Units")
        self.assertEqual(made["Reference Document Type"], "Manufacturing Order")
        self.assertEqual(made["Reference Document Number"], self.production.name)
        # the milk by the code its supplier assigned (21 CFR 1.1320), the sugar came without one
        self.assertEqual(made["Input Traceability Lot Codes"], "AD-7731 (20 Units); SUGAR-1 (10 Units)")
        self.assertTrue(made["From Location"].startswith(site))
        self.assertEqual(shipped["Reference Document Type"], "Delivery")
        self.assertEqual(shipped["Reference Document Number"], self.delivery.name)
        self.assertTrue(shipped["From Location"].startswith(site))
        self.assertEqual(shipped["To Location"], "Fresh Market Stores, 12 Market Street, 69001 Lyon")
        self.assertIsNone(shipped["Input Traceability Lot Codes"])
        self.assertEqual(shipped_2["To Location"], "Green Basket Grocers (no address on record)")
        self.assertIn("Green Basket Grocers", export.warning_message, "missing addresses are named on the job")

    def test_event_dates_are_in_the_company_time_zone_stated_in_the_file(self):
        self.delivery.move_line_ids.date = datetime(2026, 7, 1, 22, 30)  # UTC
        export = self._export(active_model="stock.lot", active_ids=self.yogurt_lot.ids)

        _header, rows = self._read_fsma_rows(export)
        shipped = next(row for row in rows if row["Reference Document Number"] == self.delivery.name)
        self.assertEqual(shipped["Event Date"], datetime(2026, 7, 2, 0, 30), "Brussels is UTC+2 in July")
        names, sheets = self._read_xlsx(export)
        info = dict(sheets[names[1]])
        self.assertEqual(info["Time zone of the dates"], "Europe/Brussels")

    def test_an_input_lot_brings_the_transformation_that_consumed_it(self):
        self.milk_lot.company_id = False  # Odoo 18 shares lots of products without a company
        export = self._export(active_model="stock.lot", active_ids=self.milk_lot.ids)

        _header, rows = self._read_fsma_rows(export)
        self.assertEqual(
            [(row["Traceability Lot Code"], row["Critical Tracking Event"]) for row in rows],
            [("AD-7731", "Receiving"), (self.yogurt_lot.name, "Transformation")],
            "MILK-1 by the code its supplier assigned",
        )
        received = rows[0]
        self.assertEqual(received["From Location"], "Alpine Dairy Cooperative, Via Roma 5, 39100 Bolzano")
        self.assertEqual(received["Reference Document Type"], "Receipt")
        self.assertEqual(received["Reference Document Number"], self.receipt.name)
        self.assertEqual(received["Quantity"], 20)
        self.assertEqual(received["Traceability Lot Code Source"], received["From Location"], "the supplier's")

        self.sugar_lot.company_id = False  # received without its supplier's code: ours
        export = self._export(active_model="stock.lot", active_ids=self.sugar_lot.ids)
        _header, rows = self._read_fsma_rows(export)
        self.assertEqual(rows[0]["Traceability Lot Code"], "SUGAR-1")
        self.assertTrue(
            rows[0]["Traceability Lot Code Source"].startswith(self.company.partner_id.complete_name),
            "a shared lot's code was assigned by the company that received it",
        )

    def test_supplier_lot_export_follows_its_lots_downstream(self):
        supplier_lot = self.milk_lot.supplier_lot_id
        export = self._export(active_model="stock.supplier.lot", active_ids=supplier_lot.ids)

        self.assertTrue(export.include_traced_lots)
        _header, rows = self._read_fsma_rows(export)
        self.assertEqual(
            [row["Critical Tracking Event"] for row in rows],
            ["Receiving", "Transformation", "Shipping", "Shipping"],
            "the milk, the yogurt made from it and the yogurt's deliveries",
        )

    def test_menu_export_takes_only_food_traceability_list_products_by_default(self):
        self.yogurt.lot_traceability_ftl = False
        export = self._export(product_ids=self.milk | self.sugar | self.yogurt)  # not the demo data's

        self.assertTrue(export.ftl_only)
        _header, rows = self._read_fsma_rows(export)
        # (MILK-1 by the code its supplier assigned)
        self.assertEqual({row["Traceability Lot Code"] for row in rows}, {"AD-7731"}, "sugar and yogurt not flagged")

    def test_filters_by_product_and_period(self):
        self.delivery_2.move_line_ids.date = datetime.now() - timedelta(days=400)
        export = self._export(product_ids=self.yogurt, date_from=self._company_date() - timedelta(days=30))

        _header, rows = self._read_fsma_rows(export)
        self.assertEqual(
            [(row["Critical Tracking Event"], row["Reference Document Number"]) for row in rows],
            [("Transformation", self.production.name), ("Shipping", self.delivery.name)],
        )

    def test_customer_return_and_unbuild_appear_as_what_they_are(self):
        returned = self._return(self.delivery, 5)
        unbuild_form = Form(self.env["mrp.unbuild"])
        unbuild_form.mo_id = self.production
        unbuild_form.product_qty = 10
        unbuild = unbuild_form.save()
        unbuild.action_unbuild()

        export = self._export(active_model="stock.lot", active_ids=self.yogurt_lot.ids)

        _header, rows = self._read_fsma_rows(export)
        by_document = {row["Reference Document Number"]: row for row in rows}
        self.assertEqual(by_document[returned.name]["Critical Tracking Event"], "Receiving")
        self.assertEqual(by_document[returned.name]["Reference Document Type"], "Customer Return")
        self.assertEqual(
            by_document[returned.name]["From Location"], "Fresh Market Stores, 12 Market Street, 69001 Lyon"
        )
        unbuilt = [row for row in rows if row["Reference Document Type"] == "Unbuild Order"]
        self.assertEqual(
            sorted((row["Traceability Lot Code"], row["Quantity"]) for row in unbuilt),
            [("MILK-1", 2), ("SUGAR-1", 1)],
            "recovered components are transformations of the unbuilt lot",
        )
        self.assertEqual(
            {row["Input Traceability Lot Codes"] for row in unbuilt}, {f"{self.yogurt_lot.name} (10 Units)"}
        )
        self.assertEqual({row["Critical Tracking Event"] for row in unbuilt}, {"Transformation"})

    def test_recall_export_covers_the_affected_lots(self):
        self.env.user.groups_id += self.env.ref("lot_traceability_recall.group_recall_manager")
        wizard = Form(
            self.env["stock.lot.recall.wizard"].with_context(active_model="stock.lot", active_ids=self.milk_lot.ids)
        )
        wizard.reason = "Listeria in the milk"
        recall = self.env["stock.lot.recall"].browse(wizard.save().action_launch()["res_id"])

        export = self._export(active_model="stock.lot.recall", active_ids=recall.ids)

        self.assertEqual(export.recall_id, recall)
        self.assertEqual(export.lot_ids, self.milk_lot | self.yogurt_lot)
        _header, rows = self._read_fsma_rows(export)
        self.assertEqual(
            [row["Critical Tracking Event"] for row in rows],
            ["Receiving", "Transformation", "Shipping", "Shipping"],
            "milk received, yogurt made from it, both deliveries; not the sugar",
        )

    def test_received_lots_keep_the_suppliers_code_as_tlc_and_ours_is_the_tlc_of_what_we_make(self):
        """21 CFR 1.1320 and 1.1345: a receiver keeps the traceability lot code its supplier assigned; we assign
        ours only where we transform (or initially pack) the food."""
        supplier_lot = self.milk_lot.supplier_lot_id
        self.assertEqual(supplier_lot.name, "AD-7731")
        self._receive(self.milk, 10, supplier_lot_code="AD-7732", lot_name="MILK-2")
        milk_2 = self.env["stock.lot"].search([("name", "=", "MILK-2")])
        milk_2.supplier_lot_id.tlc_source_reference = "FDA FEI 3012345678"
        shipped_milk = self._deliver(self.milk, 4, self.customer)  # shipped as received, not transformed

        export = self._export(product_ids=self.milk | self.sugar | self.yogurt, ftl_only=False)

        self.assertEqual(export.state, "done", export.error_message)
        header, rows = self._read_fsma_rows(export)
        self.assertEqual(tuple(header), COLUMNS, "the first sheet's header is unchanged")
        by_document = {(row["Reference Document Number"], row["Traceability Lot Code"]): row for row in rows}
        supplier_site = "Alpine Dairy Cooperative, Via Roma 5, 39100 Bolzano"
        our_site = f"{self.company.partner_id.complete_name}, 1 Dairy Road, 62701 Springfield"
        received = by_document[self.receipt.name, "AD-7731"]
        self.assertEqual(received["Critical Tracking Event"], "Receiving")
        self.assertEqual(received["Traceability Lot Code Source"], supplier_site, "the supplier assigned it")
        self.assertEqual(received["From Location"], supplier_site)
        made = next(row for row in rows if row["Critical Tracking Event"] == "Transformation")
        self.assertEqual(made["Traceability Lot Code"], self.yogurt_lot.name, "we made it: our lot is its TLC")
        self.assertTrue(made["Traceability Lot Code Source"].startswith(our_site))
        self.assertEqual(
            made["Input Traceability Lot Codes"],
            "AD-7731 (20 Units); SUGAR-1 (10 Units)",
            "inputs by the codes their suppliers assigned (sugar came without a supplier lot code)",
        )
        milk_2_rows = [row for row in rows if row["Traceability Lot Code"] == "AD-7732"]
        self.assertEqual(
            [(row["Critical Tracking Event"], row["Reference Document Number"]) for row in milk_2_rows],
            [("Receiving", milk_2.origin_picking_id.name), ("Shipping", shipped_milk.name)],
        )
        self.assertEqual(
            {row["Traceability Lot Code Source"] for row in milk_2_rows},
            {"FDA FEI 3012345678"},
            "the supplier's TLC source reference, in receiving and untransformed shipping rows",
        )
        self.assertFalse(
            {"MILK-1", "MILK-2"} & {row["Traceability Lot Code"] for row in rows},
            "our internal code of a received lot is never given as its TLC",
        )
        sugar = next(row for row in rows if row["Traceability Lot Code"] == "SUGAR-1")
        self.assertTrue(sugar["Traceability Lot Code Source"].startswith(our_site))
        self.assertIn("SUGAR-1", export.warning_message, "a received lot without its supplier's code is named")

        names, sheets = self._read_xlsx(export)
        self.assertEqual(names[0], "FSMA 204")
        lot_codes = sheets["Traceability Lot Codes"]
        self.assertEqual(
            lot_codes[0][:4], ["Internal Lot", "Product", "Traceability Lot Code", "Traceability Lot Code Source"]
        )
        self.assertEqual(
            sorted(tuple(row[:4]) for row in lot_codes[1:]),
            [
                ("MILK-1", "Organic Whole Milk", "AD-7731", supplier_site),
                ("MILK-2", "Organic Whole Milk", "AD-7732", "FDA FEI 3012345678"),
            ],
        )
        info = dict(row[:2] for row in sheets[names[1]])
        self.assertIn("21 CFR 1.1320", info["Traceability Lot Code"])
