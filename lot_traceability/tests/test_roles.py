from lxml import etree

from odoo.addons.base.models.res_users import name_selection_groups
from odoo.tests import Form, TransactionCase, new_test_user, tagged


class RolesCommon(TransactionCase):
    """What a manager sees in Settings > Users (without developer mode) and what each role finds in the menus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Access Rights: may give rights to users; no developer mode (base.group_no_one).
        cls.user_admin = new_test_user(cls.env, "rights.admin", groups="base.group_user,base.group_erp_manager")
        cls.qa_user = cls.env.ref("lot_traceability.group_qa_user")
        cls.qa_manager = cls.env.ref("lot_traceability.group_qa_manager")
        cls.fefo_override = cls.env.ref("lot_traceability.group_fefo_override")

    def _user_form_section(self, name="Lot Traceability"):
        """The fields of the section ``name`` of the rights in the user form, as the rights manager sees it."""
        self.assertFalse(self.user_admin.has_group("base.group_no_one"))
        form = self.env.ref("base.view_users_form")  # the form of Settings > Users
        view = self.env["res.users"].with_user(self.user_admin).get_views([(form.id, "form")])["views"]["form"]
        arch = etree.fromstring(view["arch"])
        sections = arch.xpath(f"//group[@string='{name}']")
        self.assertEqual(len(sections), 1, f"one section {name} in the user form")
        return sections[0].xpath(".//field/@name")

    def _selection(self, groups):
        """The choices of the selection field of ``groups`` (a chain of implied groups), as offered."""
        field = name_selection_groups(groups.ids)
        return field, [label for _value, label in self.env["res.users"].fields_get([field])[field]["selection"]]

    def _visible_menus(self, *group_xmlids):
        user = new_test_user(
            self.env, "role." + "+".join(group_xmlids), groups=",".join(("base.group_user", *group_xmlids))
        )
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def assertMenus(self, visible, shown=(), hidden=()):
        for xmlid in shown:
            self.assertIn(self.env.ref(xmlid).id, visible, f"{xmlid} is shown")
        for xmlid in hidden:
            self.assertNotIn(self.env.ref(xmlid).id, visible, f"{xmlid} is not shown")


@tagged("post_install", "-at_install")
class TestRoles(RolesCommon):
    def test_quality_rights_are_one_choice_in_the_lot_traceability_section(self):
        field, choices = self._selection(self.qa_user | self.qa_manager)
        self.assertIn(field, self._user_form_section())
        self.assertEqual(choices, ["", "QA User", "QA Manager"])

    def test_fefo_override_is_given_in_the_same_section(self):
        field, choices = self._selection(self.fefo_override)
        self.assertIn(field, self._user_form_section())
        self.assertEqual(choices, ["", "FEFO Override"])

    def test_the_rights_manager_makes_a_qa_manager_from_the_user_form(self):
        user = new_test_user(self.env, "future.qa", groups="base.group_user")
        field, _choices = self._selection(self.qa_user | self.qa_manager)
        with Form(user.with_user(self.user_admin), view="base.view_users_form") as form:
            setattr(form, field, self.qa_manager.id)
        self.assertTrue(user.has_group("lot_traceability.group_qa_manager"))
        self.assertTrue(user.has_group("lot_traceability.group_qa_user"), "implied")
        self.assertTrue(user.has_group("stock.group_stock_user"), "implied: QA works in Inventory")

    def test_each_role_finds_the_menus_of_its_guide(self):
        odoo_reports = ("stock.menu_product_stock", "stock.stock_move_line_menu", "stock.stock_move_menu")
        # An inventory user working on lot control: Inventory > Reporting > Expiry Risk and Incident Scope; Odoo's
        # own reports stay its managers'.
        self.assertMenus(
            self._visible_menus("stock.group_stock_user", "stock.group_production_lot"),
            shown=(
                "stock.menu_warehouse_report",
                "lot_traceability.menu_stock_lot_expiry_risk",
                "lot_traceability.menu_stock_lot_incident_scope",
            ),
            hidden=(*odoo_reports, "lot_traceability.menu_stock_lot_fefo_report", "lot_traceability.menu_lot_quality"),
        )
        # A QA user: Quality > Lots Awaiting Release and Signatures, Incident Scope.
        self.assertMenus(
            self._visible_menus("lot_traceability.group_qa_user"),
            shown=(
                "lot_traceability.menu_stock_lot_awaiting_release",
                "lot_traceability.menu_stock_lot_qc_signature",
                "lot_traceability.menu_stock_lot_incident_scope",
                "lot_traceability.menu_stock_supplier_lot",
            ),
            hidden=(*odoo_reports, "lot_traceability.menu_stock_lot_qc_spec_quality"),
        )
        # A QA manager: the QC specifications where QA works (Inventory > Quality), not only in Configuration,
        # which is the inventory managers'.
        self.assertMenus(
            self._visible_menus("lot_traceability.group_qa_manager"),
            shown=(
                "lot_traceability.menu_stock_lot_qc_spec_quality",
                "lot_traceability.menu_stock_lot_awaiting_release",
            ),
            hidden=odoo_reports,
        )
        # An inventory manager keeps Odoo's reports and FEFO Compliance.
        self.assertMenus(
            self._visible_menus("stock.group_stock_manager", "stock.group_production_lot"),
            shown=(*odoo_reports, "lot_traceability.menu_stock_lot_fefo_report"),
        )
