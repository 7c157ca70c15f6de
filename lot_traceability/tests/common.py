from contextlib import contextmanager
from datetime import date
from unittest import SkipTest

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import Form, TransactionCase, get_db_name
from odoo.tools import SQL

from ..tools import stock_flows

# GS1's own example GTINs (valid check digits), used as product barcodes.
GTIN_MILK = "09506000134352"
GTIN_SUGAR = "09506000134376"


# Not on Odoo's TestStockCommon/TestMrpCommon: they switch deliveries to manual reservation (our FEFO tests reserve as
# Odoo does by default), rename and re-round the kg unit, force USD and add products and BoMs our tests never use.
class LotTraceabilityCommon(TransactionCase):
    """Suppliers, a customer, lot-tracked raw materials with expiry, a finished good and its BoM."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stock.group_production_lot")
        cls.company = cls.env.company
        # Lot labels lead to GS1's resolver unless the company answers the scans of its lots itself (the recall
        # addon's setting, on in its demo data): the tests print for a company that does not, unless they say so.
        if "gs1_resolver_published" in cls.company._fields:
            cls.company.gs1_resolver_published = False
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.receipt_type = cls.warehouse.in_type_id
        cls.delivery_type = cls.warehouse.out_type_id
        cls.receipt_type.use_create_lots = True

        cls.supplier = cls.env["res.partner"].create({"name": "Alpine Dairy Cooperative", "is_company": True})
        cls.supplier_contact = cls.env["res.partner"].create(
            {"name": "Greta Keller", "parent_id": cls.supplier.id, "type": "contact"}
        )
        cls.other_supplier = cls.env["res.partner"].create({"name": "Sunvale Orchards", "is_company": True})
        cls.customer = cls.env["res.partner"].create({"name": "Fresh Market Stores", "is_company": True})

        lot_product = {
            "is_storable": True,
            "tracking": "lot",
            "use_expiration_date": True,
            "expiration_time": 20,
            "use_time": 15,
            "removal_time": 5,
            "alert_time": 3,
        }
        cls.category = cls.env["product.category"].create({"name": "Dairy raw materials"})
        cls.milk = cls.env["product.product"].create(
            dict(lot_product, name="Organic Whole Milk", barcode=GTIN_MILK, categ_id=cls.category.id)
        )
        cls.sugar = cls.env["product.product"].create(dict(lot_product, name="Cane Sugar", barcode=GTIN_SUGAR))
        cls.yogurt = cls.env["product.product"].create(
            dict(lot_product, name="Apple Yogurt 150 g", expiration_time=30, barcode="4006381333931")
        )
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.yogurt.product_tmpl_id.id,
                "product_qty": 10,
                "bom_line_ids": [
                    Command.create({"product_id": cls.milk.id, "product_qty": 2}),
                    Command.create({"product_id": cls.sugar.id, "product_qty": 1}),
                ],
            }
        )

    @classmethod
    def _require_milk_release(cls, *spec_lines):
        """Milk's category requires QC release, against a specification of ``spec_lines`` (values)."""
        cls.category.qc_release_required = True
        cls.spec = cls.env["stock.lot.qc.spec"].create(
            {
                "name": "Raw milk release",
                "categ_id": cls.category.id,
                "line_ids": [Command.create(values) for values in spec_lines],
            }
        )

    @contextmanager
    def assertRaisesRolledBack(self, exception, regex):
        """Like assertRaisesRegex, inside a savepoint rolled back on the error, as the request
        of a user would be, so the test can check that nothing was half-written."""
        with self.assertRaises(exception) as capture:  # Odoo's assertRaises wraps a savepoint
            yield capture
        self.assertRegex(str(capture.exception), regex)

    # ------------------------------------------------------------------
    # Flows
    # ------------------------------------------------------------------

    @classmethod
    def _fixture_builder(cls):
        """The flow helpers below for ``setUpClass``: an instance of the class that runs no test, whose
        ``env`` is the class's. Data made there is shared by the class's tests, each of which is rolled
        back to it (a test that must change the history builds its own in the test)."""
        return cls()

    def _create_receipt(self, product, quantity, partner=None):
        return stock_flows.create_pickings(
            self.env,
            [
                stock_flows.prepare_picking_vals(
                    self.receipt_type,
                    (partner or self.supplier) if partner is not False else False,
                    [(product, quantity)],
                    self.supplier_location,
                    self.stock_location,
                )
            ],
        )

    def _receive(self, product, quantity, supplier_lot_code=None, lot_name=None, partner=None, **line_vals):
        """Receive ``quantity`` of ``product`` as one line, through the server API, and validate."""
        picking = self._create_receipt(product, quantity, partner=partner)
        picking.move_ids.move_line_ids.write(
            dict(
                line_vals,
                supplier_lot_code=supplier_lot_code,
                lot_name=lot_name,
                quantity=quantity,
                picked=True,
            )
        )
        picking.button_validate()
        return picking

    def _receive_with_form(self, product, quantity, lines):
        """Receive through the detailed operations dialog as a user does: ``lines`` are dicts of
        lot_name / supplier_lot_code / quantity typed in the list."""
        picking = self._create_receipt(product, quantity)
        picking.move_ids.move_line_ids.unlink()
        with Form(picking.move_ids, view="stock.view_stock_move_operations") as move_form:
            for values in lines:
                with move_form.move_line_ids.new() as line:
                    for field, value in values.items():
                        setattr(line, field, value)
        picking.move_ids.picked = True
        picking.button_validate()
        return picking

    def _deliver(self, product, quantity, partner=None):
        """Deliver through the server API: confirm, reserve, validate what was reserved."""
        picking = self._create_delivery(product, quantity, partner)
        if picking.move_line_ids:
            picking.move_ids.picked = True
            picking.button_validate()
        return picking

    def _create_delivery(self, product, quantity, partner=None):
        """A confirmed delivery, reserved as Odoo's automatic reservation decides."""
        return stock_flows.create_pickings(
            self.env,
            [
                stock_flows.prepare_picking_vals(
                    self.delivery_type,
                    partner or self.customer,
                    [(product, quantity)],
                    self.stock_location,
                    self.customer_location,
                )
            ],
            assign=True,
        )

    def _return(self, picking, quantity):
        wizard = Form(
            self.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking")
        ).save()
        wizard.product_return_moves.quantity = quantity
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        returned.move_ids.picked = True
        returned.button_validate()
        return returned

    def _produce(self, quantity, bom=None, lot=None):
        return stock_flows.produce(bom or self.bom, quantity, lot=lot)

    def _milk_lot(self, name, quantity=10, state=None, **line_vals):
        """Receive ``quantity`` of milk as the new lot ``name`` and return the lot.

        ``line_vals`` go to the receipt line (``supplier_expiration_date``, ``supplier_lot_code``...);
        ``state`` puts the lot in that QC state directly (a fixture, not a signature).
        """
        self._receive(self.milk, quantity, lot_name=name, **line_vals)
        lot = self.env["stock.lot"].search([("name", "=", name), ("product_id", "=", self.milk.id)])
        if state and state != lot.qc_state:
            lot._write_qc_state(state, "test fixture")
        return lot

    def _sign(self, lot, decision, password=None, user=None, reason=None, **kwargs):
        """``user`` (the class's ``qa_manager`` unless given) signs ``decision`` on ``lot`` as the sign wizard does.

        The password is the one ``new_test_user`` gives (the login, padded to 8 characters with "x") unless
        ``password`` is given; ``kwargs`` go to ``qc_sign``.
        """
        user = user or self.qa_manager
        password = password or user.login.ljust(8, "x")
        return lot.with_user(user).qc_sign(decision, reason or f"I {decision} this lot", password, **kwargs)


class CommittedLotCommon(TransactionCase):
    """A lot of a product of its own, committed on a connection of its own before the test's transaction starts, so
    that another connection (another user) sees and locks it, as it would in production; it and all that was
    committed about it are deleted after the class. One test per class when a test commits a change to the lot:
    the class's older snapshot could no longer lock it."""

    committed_product = {"name": "Race milk"}  # the product's values, besides storable and tracked by lot
    committed_lot_name = "MILK-RACE"
    customer_id = None  # a customer the class commits, deleted with the rest

    @classmethod
    def setUpClass(cls):
        with Registry(get_db_name()).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create({"is_storable": True, "tracking": "lot", **cls.committed_product})
            lot = env["stock.lot"].create({"name": cls.committed_lot_name, "product_id": product.id})
            cls.product_id, cls.template_id, cls.lot_id = product.id, product.product_tmpl_id.id, lot.id
            cls._commit_history(env, lot)
        cls.addClassCleanup(cls._delete_committed_records)
        super().setUpClass()

    @classmethod
    def _commit_history(cls, env, lot):
        """What the class commits about ``lot`` with it (checks, stock, deliveries): nothing here."""

    @classmethod
    def _delete_committed_records(cls):
        with Registry(get_db_name()).cursor() as cr:
            cr.execute("SELECT DISTINCT picking_id FROM stock_move WHERE product_id = %s", [cls.product_id])
            picking_ids = [row[0] for row in cr.fetchall()]
            for table in ("stock_valuation_layer", "stock_move_line", "stock_move", "stock_quant"):
                cr.execute(SQL("DELETE FROM %s WHERE product_id = %s", SQL.identifier(table), cls.product_id))
            cr.execute("DELETE FROM stock_picking WHERE id = ANY(%s)", [picking_ids])
            cr.execute("DELETE FROM mail_message WHERE model = 'stock.picking' AND res_id = ANY(%s)", [picking_ids])
            # Signatures are never deleted through the ORM.
            cr.execute("DELETE FROM stock_lot_qc_signature WHERE lot_id = %s", [cls.lot_id])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["stock.lot"].browse(cls.lot_id).unlink()
            env["product.template"].browse(cls.template_id).unlink()
            env["res.partner"].browse(cls.customer_id or []).unlink()


class CommittedDeliveryCommon(CommittedLotCommon):
    """The committed lot in stock, received from a supplier, shipped once when ``shipped_qty`` says so, and a
    delivery of it reserved by Odoo and picked (``delivery_id``): what is left is to validate it."""

    received_qty = 20
    shipped_qty = 0
    reserved_qty = 4

    @classmethod
    def _commit_history(cls, env, lot):
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        customer = env["res.partner"].create({"name": "Race customer", "email": "race@example.com"})
        cls.warehouse_id, cls.customer_id = warehouse.id, customer.id
        receipt = stock_flows.create_pickings(
            env,
            [
                stock_flows.prepare_picking_vals(
                    warehouse.in_type_id,
                    False,
                    [(lot.product_id, cls.received_qty)],
                    env.ref("stock.stock_location_suppliers"),
                    warehouse.lot_stock_id,
                )
            ],
        )
        receipt.move_ids.move_line_ids.write({"lot_id": lot.id, "quantity": cls.received_qty, "picked": True})
        receipt.button_validate()
        if cls.shipped_qty:
            cls._create_delivery(env, cls.shipped_qty).button_validate()
        cls.delivery_id = cls._create_delivery(env, cls.reserved_qty).id

    @classmethod
    def _create_delivery(cls, env, quantity):
        """A delivery of ``quantity`` units of the lot, reserved by Odoo and picked: what is left is to validate it."""
        warehouse = env["stock.warehouse"].browse(cls.warehouse_id)
        picking = stock_flows.create_pickings(
            env,
            [
                stock_flows.prepare_picking_vals(
                    warehouse.out_type_id,
                    env["res.partner"].browse(cls.customer_id),
                    [(env["product.product"].browse(cls.product_id), quantity)],
                    warehouse.lot_stock_id,
                    env.ref("stock.stock_location_customers"),
                )
            ],
            assign=True,
        )
        picking.move_ids.picked = True
        return picking


class DemoHistoryCase(TransactionCase):
    """Tests of the demo history: skipped, saying why, on a database installed without demo data, as Odoo's
    own tests of demo data are (setup/test installs demo data and fails a run that skips a test)."""

    @classmethod
    def _demo_record(cls, xmlid):
        record = cls.env.ref(xmlid, raise_if_not_found=False)
        if not record:
            raise SkipTest(f"{xmlid} is missing: the database has no demo history (installed without demo data?).")
        return record


def yymmdd(value: date):
    return value.strftime("%y%m%d")
