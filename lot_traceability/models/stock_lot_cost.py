from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, float_round

from ..tools.arguments import check_ids
from ..tools.planner import planner_setting

# Who sees what a lot cost: accountants (read-only auditors included) and billing users.
# Everyone else sees the quantities only.
COST_GROUPS = "account.group_account_readonly,account.group_account_invoice"

# Why a lot's cost and its valuation layers may differ; shown, never hidden.
RECONCILIATION_STATES = [
    ("reconciled", "Reconciled"),
    ("not_valued", "Not valued (no valuation layers)"),
    ("standard_price", "Standard-price product"),
    ("revaluation", "Manual revaluation"),
    ("product_valuation", "Valued per product, not per lot"),
    ("missing_cost", "Component without a cost basis"),
    ("cost_method", "Cost method (average/FIFO) drift"),
]

# The move lines that bring a lot into existence (its "origin"): received from a supplier,
# produced, or found by an inventory adjustment, into stock; and those that send it back to the
# supplier (counted negatively). Consumption, deliveries, scraps and losses are not its cost.
ORIGIN_LINE_FILTER = SQL(
    """(
        (origin_source.usage IN ('supplier', 'production', 'inventory')
         AND origin_destination.usage IN ('internal', 'transit'))
        OR (origin_source.usage IN ('internal', 'transit') AND origin_destination.usage = 'supplier')
    )"""
)


class StockLot(models.Model):
    """What each lot cost (purchase, landed costs, components and operations, to any depth),
    what it earned, and how that reconciles with Odoo's valuation layers."""

    _inherit = "stock.lot"

    costing_quantity = fields.Float(
        "Costed Quantity",
        compute="_compute_costing",
        digits="Product Unit of Measure",
        help="Quantity the lot came into stock with: received, produced or found by an inventory "
        "adjustment, less what was returned to the supplier.",
    )
    costing_sold_quantity = fields.Float(
        "Invoiced Quantity",
        compute="_compute_costing",
        digits="Product Unit of Measure",
        help="Quantity of this lot on posted customer invoices, less credit notes.",
    )
    costing_currency_id = fields.Many2one("res.currency", compute="_compute_costing")
    costing_material = fields.Monetary(
        "Material Cost",
        compute="_compute_costing",
        currency_field="costing_currency_id",
        groups=COST_GROUPS,
        help="Received lot: its purchase price (purchase order line, in company currency; the "
        "receipt's valuation when there is no purchase order). Manufactured lot: the component lots "
        "it consumed, each at its own full lot cost, plus untracked components at their valuation.",
    )
    costing_landed = fields.Monetary(
        "Landed Costs",
        compute="_compute_costing",
        currency_field="costing_currency_id",
        groups=COST_GROUPS,
        help="Landed costs validated on the lot's receipt and split to this lot by Odoo.",
    )
    costing_operation = fields.Monetary(
        "Operation Cost",
        compute="_compute_costing",
        currency_field="costing_currency_id",
        groups=COST_GROUPS,
        help="Work-centre time of the manufacturing order (duration x cost per hour) and its extra "
        "unit cost, shared over the lots it produced by quantity.",
    )
    costing_total = fields.Monetary(
        "Total Cost", compute="_compute_costing", currency_field="costing_currency_id", groups=COST_GROUPS
    )
    costing_unit = fields.Monetary(
        "Unit Cost", compute="_compute_costing", currency_field="costing_currency_id", groups=COST_GROUPS
    )
    costing_valuation_total = fields.Monetary(
        "Valued by Odoo",
        compute="_compute_costing",
        currency_field="costing_currency_id",
        groups=COST_GROUPS,
        help="Sum of the valuation layers that brought the lot into stock or changed its value "
        "(receipt, production, landed costs, revaluations).",
    )
    costing_valuation_difference = fields.Monetary(
        "Difference",
        compute="_compute_costing",
        currency_field="costing_currency_id",
        groups=COST_GROUPS,
        help="Total cost less the valuation: what Odoo's valuation does not explain.",
    )
    costing_reconciliation = fields.Selection(
        RECONCILIATION_STATES, "Reconciliation", compute="_compute_costing", groups=COST_GROUPS
    )
    costing_valuation_mode = fields.Char("Valuation", compute="_compute_costing", groups=COST_GROUPS)
    costing_revenue = fields.Monetary(
        "Revenue",
        compute="_compute_costing",
        currency_field="costing_currency_id",
        groups=COST_GROUPS,
        help="Posted customer invoices of the sale lines that shipped this lot, less credit notes, in "
        "company currency (converted at the invoice date), shared by the quantity of the lot delivered.",
    )
    costing_cogs = fields.Monetary(
        "Cost of Goods Sold",
        compute="_compute_costing",
        currency_field="costing_currency_id",
        groups=COST_GROUPS,
        help="Invoiced quantity x unit cost of the lot.",
    )
    costing_margin = fields.Monetary(
        "Margin", compute="_compute_costing", currency_field="costing_currency_id", groups=COST_GROUPS
    )
    costing_margin_percent = fields.Float("Margin (%)", compute="_compute_costing", groups=COST_GROUPS)
    costing_valuation_unit_cost = fields.Monetary(
        "Unit Cost in Valuation",
        compute="_compute_costing",
        currency_field="costing_currency_id",
        groups=COST_GROUPS,
        help="The lot's cost in Odoo's valuation: its own Cost when the product is valued per lot, else the "
        "product's Cost. Every value put on stock (expiry risk, a recall's value at risk, Lot Control) uses it; "
        "the unit cost above is what the lot cost to buy or make, and the reconciliation names the difference.",
    )
    costing_tree_html = fields.Html(
        "Cost Tree", compute="_compute_costing_tree_html", sanitize=False, groups=COST_GROUPS
    )
    product_lot_valuated = fields.Boolean(
        related="product_id.lot_valuated",
        string="Valued per Lot",
        help="Odoo values this product per lot (its lots have their own cost).",
    )

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    def _get_cost_breakdown(self):
        """What each of these lots cost and earned, in its company's currency.

        One recursive SQL query walks every lot down through the components its manufacturing
        orders consumed, to any depth, and rolls their costs up.

        :return: dict keyed by lot id of dicts with ``quantity``, ``material_cost``,
            ``landed_cost``, ``operation_cost``, ``total_cost``, ``unit_cost``,
            ``valuation_total`` (sum of the valuation layers that valued the lot in),
            ``valuation_difference``, ``reconciliation`` (see RECONCILIATION_STATES),
            ``lot_valuated``, ``cost_method``, and, non-zero for sold lots, ``quantity_sold``,
            ``revenue``, ``cogs``, ``margin``, ``margin_percent``
        """
        check_ids(self.env, self._ids, self.env._("the lots to cost"))
        if not self.ids:
            return {}
        self._flush_for_costing()
        # JIT off for this query: its cost estimate triggers LLVM compilation that takes longer than
        # the query (README, "Planner settings").
        with planner_setting(self.env.cr, "jit", "off"):
            rows = self.env.execute_query_dict(
                self._get_cost_breakdown_query(lot_ids=self.ids, with_sales=True, with_names=False)
            )
        return self._prepare_cost_breakdowns(rows)

    @api.model
    def _get_unit_cost(self, company=None):
        """The unit cost of each of these lots in ``company`` (default: the lot's company, else the current one),
        keyed by lot id: the one cost put on stock everywhere (expiry risk, recall value at risk, Lot Control,
        expiry analysis). See ``_get_unit_cost_sql``; computed by that SQL, so that the analyses and this method
        never differ."""
        if not self.ids:
            return {}
        company_sql = SQL("%s", company.id) if company else SQL("COALESCE(lot.company_id, %s)", self.env.company.id)
        self.flush_model(["product_id", "company_id", "standard_price"])
        self.env["product.product"].flush_model(["standard_price", "product_tmpl_id"])
        self.env["product.template"].flush_model(["lot_valuated"])
        rows = self.env.execute_query(
            SQL(
                """SELECT lot.id, %(cost)s
                     FROM stock_lot lot
                     JOIN product_product product ON product.id = lot.product_id
                     JOIN product_template template ON template.id = product.product_tmpl_id
                    WHERE lot.id = ANY(%(ids)s)""",
                cost=self._get_unit_cost_sql(company_sql),
                ids=list(self.ids),
            )
        )
        return {lot_id: float(cost) for lot_id, cost in rows}

    @api.model
    def _get_unit_cost_sql(self, company, lot="lot", product="product", template="template"):
        """SQL of a lot's unit cost in the company ``company`` (SQL of a company id): Odoo's cost of the lot (its
        *Cost*, ``stock.lot.standard_price``) when its product is valued per lot, else the product's *Cost*; 0
        when none is set. The aliases of the lot, its product and their template in the query are given.

        It is the cost Odoo's valuation books the lot at, so that a value at risk is what a write-off would
        book. What the lot cost to buy or make is its breakdown (``_get_cost_breakdown``), which reconciles
        with that valuation and names the difference."""
        return SQL(
            """COALESCE(
                CASE WHEN %(lot_valuated)s THEN (%(lot_cost)s ->> %(company)s::text)::numeric END,
                (%(product_cost)s ->> %(company)s::text)::numeric,
                0
            )""",
            lot_valuated=SQL.identifier(template, "lot_valuated"),
            lot_cost=SQL.identifier(lot, "standard_price"),
            product_cost=SQL.identifier(product, "standard_price"),
            company=company,
        )

    @api.model
    def _get_cost_breakdown_query(
        self,
        lot_ids=None,
        product_ids=None,
        company_ids=None,
        date_from=None,
        date_to=None,
        with_sales=True,
        with_names=True,
    ):
        """The costing as one SQL query, one row per lot, for exports that stream it with a
        server-side cursor and for the analyses. Filters: lots, products, companies (default:
        every lot), lot creation between ``date_from`` and ``date_to`` (inclusive dates).

        Columns: ``lot_id``, ``company_id``, ``product_id``, ``quantity``, ``material_cost``,
        ``landed_cost``, ``operation_cost``, ``total_cost``, ``unit_cost``, ``valuation_total``,
        ``valuation_difference``, ``revaluation``, ``missing_costs``, ``lot_valuated``,
        ``cost_method``, ``is_storable``, ``currency_id``; with ``with_sales``: ``quantity_sold``,
        ``revenue``, ``cogs``, ``margin``; with ``with_names``: ``lot_name``, ``product_code``,
        ``product_name``, ``company_name``, ``currency_name``. Amounts are not rounded.
        """
        conditions = [SQL("TRUE")]
        if lot_ids is not None:
            conditions.append(SQL("lot.id = ANY(%s::int[])", list(lot_ids)))
        if product_ids:
            conditions.append(SQL("lot.product_id = ANY(%s::int[])", list(product_ids)))
        if company_ids:
            conditions.append(SQL("lot.company_id = ANY(%s::int[])", list(company_ids)))
        if date_from:
            conditions.append(SQL("lot.create_date >= %s", fields.Date.to_date(date_from)))
        if date_to:
            conditions.append(SQL("lot.create_date < %s::date + 1", fields.Date.to_date(date_to)))
        roots = SQL("SELECT lot.id FROM stock_lot lot WHERE %s", SQL(" AND ").join(conditions))
        return self._get_costing_sql(roots, with_sales=with_sales, with_names=with_names)

    def _get_cost_tree(self):
        """The cost tree of this lot: one dict per component lot reached (the lot itself first),
        depth-first, with ``lot_id``, ``path``, ``depth``, ``consumed_quantity`` (of the
        component, into its parent) and the component's own ``quantity``, costs and ``unit_cost``;
        ``contribution`` is what that branch adds to its parent.

        A lot's ``material_cost`` is the contributions of the lots under it plus what was not made of a
        component lot, named: ``untracked_cost`` (components consumed without a lot), ``counted_cost``
        (``counted_quantity`` found by inventory counts, at their valuation) and ``other_material_cost`` (the
        rest: a purchase or receipt of the lot, value corrections of its moves)."""
        self.ensure_one()
        self._flush_for_costing()
        rows = self.env.execute_query_dict(self._get_costing_sql(SQL("SELECT %s", self.id), tree=True))
        # Roll each node's own costs up from its sub-tree (rows of one query, summed here).
        nodes = {
            tuple(row["path"]): dict(
                row,
                material_cost=row["own_material"],
                other_material_cost=row["own_material"] - row["untracked_cost"] - row["counted_cost"],
            )
            for row in rows
        }
        for path in sorted(nodes, key=len, reverse=True):
            node = nodes[path]
            node["total_cost"] = node["material_cost"] + node["landed_cost"] + node["operation_cost"]
            node["unit_cost"] = node["total_cost"] / node["quantity"] if node["quantity"] else 0.0
            if len(path) > 1:
                parent = nodes[path[:-1]]
                node["contribution"] = (node["consumed_quantity"] or 0.0) * node["unit_cost"]
                parent["material_cost"] += node["contribution"]
        return [nodes[path] for path in sorted(nodes)]

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    @api.depends("stock_valuation_layer_ids", "quant_ids")
    @api.depends_context("company")
    def _compute_costing(self):
        lots = self.filtered("id")
        breakdown = lots._get_cost_breakdown() if lots else {}
        empty = dict.fromkeys(
            (
                "quantity",
                "quantity_sold",
                "material_cost",
                "landed_cost",
                "operation_cost",
                "total_cost",
                "unit_cost",
                "valuation_total",
                "valuation_difference",
                "revenue",
                "cogs",
                "margin",
                "margin_percent",
            ),
            0.0,
        )
        unit_costs = lots._get_unit_cost() if lots else {}
        for lot in self:
            values = breakdown.get(lot.id)
            lot.costing_valuation_unit_cost = unit_costs.get(lot.id, 0.0)
            lot.costing_currency_id = (lot.company_id or self.env.company).currency_id
            lot.costing_reconciliation = values["reconciliation"] if values else "not_valued"
            lot.costing_valuation_mode = lot._get_costing_valuation_mode(values) if values else False
            values = values or empty
            lot.costing_quantity = values["quantity"]
            lot.costing_sold_quantity = values["quantity_sold"]
            lot.costing_material = values["material_cost"]
            lot.costing_landed = values["landed_cost"]
            lot.costing_operation = values["operation_cost"]
            lot.costing_total = values["total_cost"]
            lot.costing_unit = values["unit_cost"]
            lot.costing_valuation_total = values["valuation_total"]
            lot.costing_valuation_difference = values["valuation_difference"]
            lot.costing_revenue = values["revenue"]
            lot.costing_cogs = values["cogs"]
            lot.costing_margin = values["margin"]
            lot.costing_margin_percent = values["margin_percent"]

    @api.depends("stock_valuation_layer_ids")
    def _compute_costing_tree_html(self):
        for lot in self:
            lot.costing_tree_html = lot._get_cost_tree_html() if lot.id else False

    def _get_costing_valuation_mode(self, values):
        methods = dict(self.env["product.category"]._fields["property_cost_method"]._description_selection(self.env))
        method = methods.get(values["cost_method"], values["cost_method"])
        if not values["is_storable"]:
            return self.env._("Not valued (the product is not tracked in inventory value)")
        if values["lot_valuated"]:
            return self.env._("Valued per lot, %(method)s", method=method)
        return self.env._("Valued per product, %(method)s", method=method)

    def _get_cost_tree_html(self):
        """The cost tree as a table; each component lot links to its own form (its own tree)."""
        self.ensure_one()
        currency = (self.company_id or self.env.company).currency_id
        tree = self._get_cost_tree()
        lots = self.browse([row["lot_id"] for row in tree])
        names = {lot.id: (lot.name, lot.product_id.display_name) for lot in lots}
        units = {lot.id: lot.product_id.uom_id.name for lot in lots}

        def money(amount):
            return escape(currency.format(amount))

        header = Markup(
            "<table class='table table-sm o_lot_cost_tree'><thead><tr>"
            "<th>%s</th><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead><tbody>"
        ) % (
            self.env._("Lot"),
            self.env._("Product"),
            self.env._("Consumed"),
            self.env._("Lot Quantity"),
            self.env._("Material"),
            self.env._("Landed"),
            self.env._("Operations"),
            self.env._("Unit Cost"),
            self.env._("Cost in Parent"),
        )
        parents = {tuple(node["path"][:-1]) for node in tree}
        body = Markup()
        for node in tree:
            name, product = names.get(node["lot_id"], ("", ""))
            body += self._get_cost_tree_row(
                node["depth"],
                Markup("<a href='/odoo/stock.lot/%s'>%s</a>") % (node["lot_id"], name),
                product,
                "" if node["depth"] == 0 else f"{round(node['consumed_quantity'] or 0.0, 6):g}",
                f"{round(node['quantity'], 6):g}",
                [node["material_cost"], node["landed_cost"], node["operation_cost"], node["unit_cost"]],
                node.get("contribution", node["total_cost"]),
                money,
            )
            if tuple(node["path"]) not in parents and currency.is_zero(node["untracked_cost"]):
                continue  # a purchased lot: its material is its own, nothing to add up
            # What the lot's material holds besides its component lots, named, so that the rows under a lot add
            # up to its material cost.
            # Formatted outside the translated call: the .pot extraction (babel) cannot read an f-string argument.
            counted = f"{round(node['counted_quantity'], 6):g}"
            for label, amount in (
                (self.env._("Components consumed without a lot"), node["untracked_cost"]),
                (
                    self.env._(
                        "Found by inventory counts: %(quantity)s %(unit)s",
                        quantity=counted,
                        unit=units.get(node["lot_id"], ""),
                    ),
                    node["counted_cost"],
                ),
                (self.env._("Received, or value corrections of its moves"), node["other_material_cost"]),
            ):
                if not currency.is_zero(amount):
                    body += self._get_cost_tree_row(
                        node["depth"] + 1, label, "", "", "", [amount, None, None, None], amount, money, other=True
                    )
        return header + body + Markup("</tbody></table>")

    @api.model
    def _get_cost_tree_row(self, depth, label, product, consumed, quantity, costs, in_parent, money, other=False):
        """A row of the cost tree table: ``costs`` are material, landed, operations and unit cost (None: blank)."""
        indent = Markup("&#160;&#160;&#160;&#160;") * depth
        cells = Markup("").join(
            Markup("<td class='text-end'>%s</td>") % ("" if amount is None else money(amount)) for amount in costs
        )
        return Markup(
            "<tr data-depth='%s' class='%s'><td>%s%s</td><td>%s</td><td class='text-end'>%s</td>"
            "<td class='text-end'>%s</td>%s<td class='text-end'>%s</td></tr>"
        ) % (
            depth,
            "o_lot_cost_tree_other fst-italic" if other else "o_lot_cost_tree_lot",
            indent,
            label,
            product,
            consumed,
            quantity,
            cells,
            money(in_parent),
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_cost_reconciliation(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lot_traceability.action_stock_lot_cost_reconciliation")
        action["domain"] = [("lot_id", "=", self.id)]
        return action

    def action_open_margin_analysis(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lot_traceability.action_stock_lot_margin_report")
        action["domain"] = [("lot_id", "=", self.id)]
        action["view_mode"] = "list,pivot,graph"
        action["views"] = [(False, "list"), (False, "pivot"), (False, "graph")]
        return action

    # ------------------------------------------------------------------
    # The query
    # ------------------------------------------------------------------

    def _prepare_cost_breakdowns(self, rows):
        """The breakdown of each row of the costing query, keyed by lot id: amounts rounded to
        their currency, quantities to the unit of measure precision. Precisions and currency
        roundings are read once, not per lot."""
        rounding = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        price_digits = max(self.env["decimal.precision"].precision_get("Product Price"), 6)
        default_currency = self.env.company.currency_id
        currency_rounding = {
            currency.id: currency.rounding
            for currency in self.env["res.currency"].browse({row["currency_id"] for row in rows if row["currency_id"]})
        }
        breakdown = {}
        for row in rows:
            currency_id = row["currency_id"] if row["currency_id"] in currency_rounding else default_currency.id
            precision = currency_rounding.get(currency_id, default_currency.rounding)
            quantity = round(float(row["quantity"] or 0.0), rounding)
            material = float_round(float(row["material_cost"] or 0.0), precision_rounding=precision)
            landed = float_round(float(row["landed_cost"] or 0.0), precision_rounding=precision)
            operation = float_round(float(row["operation_cost"] or 0.0), precision_rounding=precision)
            total = float_round(material + landed + operation, precision_rounding=precision)
            valuation = float_round(float(row["valuation_total"] or 0.0), precision_rounding=precision)
            unit_cost = float(row["total_cost"] or 0.0) / quantity if quantity else 0.0
            sold = round(float(row.get("quantity_sold") or 0.0), rounding)
            revenue = float_round(float(row.get("revenue") or 0.0), precision_rounding=precision)
            cogs = float_round(sold * unit_cost, precision_rounding=precision)
            margin = float_round(revenue - cogs, precision_rounding=precision)
            breakdown[row["lot_id"]] = {
                "quantity": quantity,
                "material_cost": material,
                "landed_cost": landed,
                "operation_cost": operation,
                "total_cost": total,
                "unit_cost": round(unit_cost, price_digits),
                "valuation_total": valuation,
                "valuation_difference": float_round(total - valuation, precision_rounding=precision),
                "lot_valuated": row["lot_valuated"],
                "cost_method": row["cost_method"],
                "is_storable": row["is_storable"],
                "missing_costs": row["missing_costs"],
                "currency_id": currency_id,
                "quantity_sold": sold,
                "revenue": revenue,
                "cogs": cogs,
                "margin": margin,
                "margin_percent": round(100.0 * margin / revenue, 2) if revenue else 0.0,
                "reconciliation": row["reconciliation"],
            }
        return breakdown

    @api.model
    def _costing_has_landed_costs(self):
        """Landed costs are a soft dependency: their column exists once stock_landed_costs is installed."""
        return "stock.landed.cost" in self.env and "stock_landed_cost_id" in self.env["stock.valuation.layer"]._fields

    def _flush_for_costing(self):
        self.env["stock.move.line"].flush_model(
            [
                "lot_id",
                "state",
                "location_id",
                "location_dest_id",
                "move_id",
                "quantity_product_uom",
                "consume_line_ids",
            ]
        )
        self.env["stock.move"].flush_model(
            ["production_id", "purchase_line_id", "sale_line_id", "unbuild_id", "date", "product_id", "state"]
        )
        self.env["stock.valuation.layer"].flush_model()
        self.env["mrp.production"].flush_model(["product_id", "extra_cost"])
        self.env["mrp.workorder"].flush_model(["duration", "workcenter_id", "production_id"])
        self.env["mrp.workcenter"].flush_model(["costs_hour"])
        self.env["purchase.order.line"].flush_model(["price_subtotal", "product_uom_qty", "currency_id"])
        self.env["account.move.line"].flush_model(
            ["balance", "quantity", "product_uom_id", "parent_state", "display_type", "move_id"]
        )
        self.env["account.move"].flush_model(["move_type", "invoice_date", "state"])
        self.env["sale.order.line"].flush_model(["invoice_lines"])
        self.env["stock.lot"].flush_model(["product_id", "company_id"])

    @api.model
    def _get_costing_sql(self, roots, with_sales=False, with_names=False, tree=False):
        """The costing query. ``roots`` is a SQL query of lot ids.

        The recursive part walks from each root lot to the component lots its manufacturing orders
        consumed (finished line -> component line through stock_move_line_consume_rel, whose column
        names read backwards, see stock_lot_trace.py), carrying along each path the share of the
        component lot's cost that flows into the root: the quantity consumed over the component
        lot's own quantity. A lot's total cost is then the sum, over every node of its tree, of the
        node's own costs (purchase, landed, operations, untracked components) times that share.

        Work is done once per lot reached, not per tree row: a first walk (cost_reach) finds the
        lots, their own quantities and costs (node_cost) and the edges between them (cost_edge)
        are computed set-based, and the second walk (cost_tree) only multiplies shares along the
        materialised edges. Lots shared by many trees (a raw material lot in thousands of finished
        lots) are read once.
        """
        landed = SQL("svl.stock_landed_cost_id IS NOT NULL") if self._costing_has_landed_costs() else SQL("FALSE")
        ctes = SQL(
            """
            WITH RECURSIVE cost_root(lot_id) AS (%(roots)s),
            cost_reach(lot_id) AS (
                -- Every lot reached, once each (UNION), however many trees share it. The lateral
                -- subquery (kept apart by its DISTINCT) looks each lot's lines up by index.
                SELECT cost_root.lot_id FROM cost_root
                UNION
                SELECT component_lot.lot_id
                  FROM cost_reach
                 CROSS JOIN LATERAL (
                        SELECT DISTINCT component.lot_id
                          FROM stock_move_line finished
                          JOIN stock_move finished_move ON finished_move.id = finished.move_id
                          JOIN mrp_production production
                            ON production.id = finished_move.production_id
                           AND production.product_id = finished_move.product_id
                          JOIN stock_move_line_consume_rel link ON link.consume_line_id = finished.id
                          JOIN stock_move_line component
                            ON component.id = link.produce_line_id
                           AND component.state = 'done'
                           AND component.lot_id IS NOT NULL
                         WHERE finished.lot_id = cost_reach.lot_id AND finished.state = 'done'
                 ) component_lot
            ),
            -- A plain (not recursive) relation of the reached lots: PostgreSQL then estimates it
            -- small and reads the lots' lines, moves and layers through their indexes.
            cost_node(lot_id) AS MATERIALIZED (SELECT DISTINCT lot_id FROM cost_reach),
            cost_link AS MATERIALIZED (
                -- The component lines each reached lot's manufacturing orders consumed.
                SELECT finished.lot_id AS parent_id, finished.product_id,
                       finished.quantity_product_uom AS finished_quantity,
                       component.id AS component_line_id, component.lot_id,
                       component.quantity_product_uom AS component_quantity
                  FROM cost_node
                  JOIN stock_move_line finished ON finished.lot_id = cost_node.lot_id AND finished.state = 'done'
                  JOIN stock_move finished_move ON finished_move.id = finished.move_id
                  JOIN mrp_production production
                    ON production.id = finished_move.production_id AND production.product_id = finished_move.product_id
                  JOIN stock_move_line_consume_rel link ON link.consume_line_id = finished.id
                  JOIN stock_move_line component
                    ON component.id = link.produce_line_id AND component.state = 'done' AND component.lot_id IS NOT NULL
            ),
            component_share AS (
                -- What each consumed component line went into, per finished product: a line shared
                -- by several finished lines of the product is split between them by quantity.
                SELECT other_link.produce_line_id AS component_line_id, other.product_id,
                       SUM(other.quantity_product_uom) AS quantity
                  FROM (SELECT DISTINCT component_line_id FROM cost_link) consumed
                  JOIN stock_move_line_consume_rel other_link ON other_link.produce_line_id = consumed.component_line_id
                  JOIN stock_move_line other ON other.id = other_link.consume_line_id AND other.state = 'done'
                 GROUP BY other_link.produce_line_id, other.product_id
            ),
            origin_move AS (
                -- What brought each lot in (or sent it back to the supplier), per move.
                SELECT line.lot_id, line.move_id,
                       CASE WHEN origin_destination.usage = 'supplier' THEN -1 ELSE 1 END AS sign,
                       origin_source.usage AS source_usage,
                       SUM(line.quantity_product_uom) AS quantity
                  FROM cost_node
                  JOIN stock_move_line line ON line.lot_id = cost_node.lot_id AND line.state = 'done'
                  JOIN stock_move move ON move.id = line.move_id AND move.unbuild_id IS NULL
                  JOIN stock_location origin_source ON origin_source.id = line.location_id
                  JOIN stock_location origin_destination ON origin_destination.id = line.location_dest_id
                 WHERE %(origin_filter)s
                 GROUP BY line.lot_id, line.move_id, origin_destination.usage, origin_source.usage
            ),
            origin_value AS (
                SELECT origin_move.*,
                       move.production_id, move.purchase_line_id, move.date,
                       layers.in_value, layers.correction_value, layers.landed_value,
                       (SELECT SUM(move_line.quantity_product_uom) FROM stock_move_line move_line
                         WHERE move_line.move_id = origin_move.move_id AND move_line.state = 'done') AS move_quantity
                  FROM origin_move
                  JOIN stock_move move ON move.id = origin_move.move_id
                  CROSS JOIN LATERAL (
                        -- Layers of the move for this lot; without lot valuation, the move's layers
                        -- shared by the lot's part of the move.
                        SELECT SUM(svl.value * part.share) FILTER (WHERE svl.quantity != 0 AND NOT %(landed)s)
                                   AS in_value,
                               SUM(svl.value * part.share) FILTER (WHERE svl.quantity = 0 AND NOT %(landed)s)
                                   AS correction_value,
                               SUM(svl.value * part.share) FILTER (WHERE %(landed)s) AS landed_value
                          FROM stock_valuation_layer svl
                         CROSS JOIN LATERAL (
                                SELECT CASE WHEN svl.lot_id IS NOT NULL THEN 1.0
                                            ELSE origin_move.quantity / NULLIF(
                                                (SELECT SUM(move_line.quantity_product_uom)
                                                   FROM stock_move_line move_line
                                                  WHERE move_line.move_id = svl.stock_move_id
                                                    AND move_line.state = 'done'), 0)
                                       END AS share
                         ) part
                         WHERE svl.stock_move_id = origin_move.move_id
                           AND (svl.lot_id = origin_move.lot_id OR svl.lot_id IS NULL)
                  ) layers
            ),
            operation AS (
                -- Work-centre cost (duration x cost per hour, as mrp_account values it) and extra
                -- unit cost of each manufacturing order, with the quantity it produced.
                SELECT production.id AS production_id,
                       COALESCE((SELECT SUM(workorder.duration / 60.0 * COALESCE(workcenter.costs_hour, 0))
                                   FROM mrp_workorder workorder
                                   JOIN mrp_workcenter workcenter ON workcenter.id = workorder.workcenter_id
                                  WHERE workorder.production_id = production.id), 0)
                       + COALESCE(production.extra_cost, 0) * produced.quantity AS amount,
                       produced.quantity
                  FROM (SELECT DISTINCT production_id FROM origin_value WHERE production_id IS NOT NULL) produced_by
                  JOIN mrp_production production ON production.id = produced_by.production_id
                 CROSS JOIN LATERAL (
                        SELECT SUM(line.quantity_product_uom) AS quantity
                          FROM stock_move move
                          JOIN stock_move_line line ON line.move_id = move.id AND line.state = 'done'
                         WHERE move.production_id = production.id AND move.product_id = production.product_id
                 ) produced
            ),
            untracked AS (
                -- Components consumed without a lot: at the value of their consumption layers.
                SELECT finished.lot_id,
                       SUM(-consumed.value * component.quantity_product_uom / NULLIF(consumed.quantity, 0)
                           * finished.quantity_product_uom / NULLIF(share.quantity, 0)) AS amount
                  FROM origin_value
                  JOIN stock_move_line finished
                    ON finished.move_id = origin_value.move_id AND finished.lot_id = origin_value.lot_id
                   AND finished.state = 'done'
                  JOIN stock_move_line_consume_rel link ON link.consume_line_id = finished.id
                  JOIN stock_move_line component
                    ON component.id = link.produce_line_id AND component.state = 'done' AND component.lot_id IS NULL
                 CROSS JOIN LATERAL (
                        SELECT SUM(other.quantity_product_uom) AS quantity
                          FROM stock_move_line_consume_rel other_link
                          JOIN stock_move_line other
                            ON other.id = other_link.consume_line_id AND other.state = 'done'
                           AND other.product_id = finished.product_id
                         WHERE other_link.produce_line_id = component.id
                 ) share
                 CROSS JOIN LATERAL (
                        SELECT (SELECT SUM(svl.value) FROM stock_valuation_layer svl
                                 WHERE svl.stock_move_id = component.move_id) AS value,
                               (SELECT SUM(move_line.quantity_product_uom) FROM stock_move_line move_line
                                 WHERE move_line.move_id = component.move_id AND move_line.state = 'done') AS quantity
                 ) consumed
                 WHERE origin_value.production_id IS NOT NULL
                 GROUP BY finished.lot_id
            ),
            node_cost AS (
                SELECT cost_node.lot_id,
                       COALESCE(SUM(origin_value.sign * origin_value.quantity), 0) AS quantity,
                       COALESCE(SUM(CASE
                           WHEN origin_value.purchase_line_id IS NOT NULL AND purchase_line.product_uom_qty != 0
                           THEN origin_value.sign * origin_value.quantity
                                * purchase_line.price_subtotal / purchase_line.product_uom_qty
                                * COALESCE(%(company_rate)s / NULLIF(%(purchase_rate)s, 0), 1)
                           WHEN origin_value.production_id IS NULL THEN origin_value.in_value
                           ELSE 0 END
                           + COALESCE(origin_value.correction_value, 0)), 0)
                       + COALESCE(MAX(untracked.amount), 0) AS material,
                       -- Parts of the material not made of component lots, named on the cost tree.
                       COALESCE(MAX(untracked.amount), 0) AS untracked,
                       COALESCE(SUM(origin_value.quantity) FILTER (WHERE origin_value.source_usage = 'inventory'), 0)
                           AS counted_quantity,
                       COALESCE(SUM(COALESCE(origin_value.in_value, 0) + COALESCE(origin_value.correction_value, 0))
                                FILTER (WHERE origin_value.source_usage = 'inventory'), 0) AS counted,
                       COALESCE(SUM(origin_value.landed_value), 0) AS landed,
                       COALESCE(SUM(operation.amount * origin_value.quantity / NULLIF(operation.quantity, 0)), 0)
                           AS operation,
                       COALESCE(SUM(COALESCE(origin_value.in_value, 0) + COALESCE(origin_value.correction_value, 0)
                                    + COALESCE(origin_value.landed_value, 0)), 0)
                       + COALESCE(MAX(revaluation.value), 0) AS valuation,
                       COALESCE(MAX(revaluation.value), 0) AS revaluation,
                       bool_or(origin_value.in_value IS NOT NULL) OR MAX(revaluation.value) IS NOT NULL AS has_layers
                  FROM cost_node
                  LEFT JOIN origin_value ON origin_value.lot_id = cost_node.lot_id
                  LEFT JOIN purchase_order_line purchase_line ON purchase_line.id = origin_value.purchase_line_id
                  LEFT JOIN purchase_order purchase ON purchase.id = purchase_line.order_id
                  LEFT JOIN res_company purchase_company ON purchase_company.id = purchase.company_id
                  LEFT JOIN operation ON operation.production_id = origin_value.production_id
                  LEFT JOIN untracked ON untracked.lot_id = cost_node.lot_id
                  LEFT JOIN LATERAL (
                        -- Revaluations (a lot's cost changed by hand): layers without a move.
                        SELECT SUM(svl.value) AS value FROM stock_valuation_layer svl
                         WHERE svl.lot_id = cost_node.lot_id AND svl.stock_move_id IS NULL
                  ) revaluation ON TRUE
                 GROUP BY cost_node.lot_id
            ),
            cost_edge AS MATERIALIZED (
                -- Each (lot, component lot) pair once, with the quantity of the component consumed
                -- into the lot and the component lot's own quantity (node_cost).
                SELECT edge.parent_id, edge.lot_id, edge.consumed_qty, node_cost.quantity AS lot_qty
                  FROM (
                        SELECT cost_link.parent_id, cost_link.lot_id,
                               SUM(cost_link.component_quantity * cost_link.finished_quantity
                                   / NULLIF(component_share.quantity, 0)) AS consumed_qty
                          FROM cost_link
                          LEFT JOIN component_share
                            ON component_share.component_line_id = cost_link.component_line_id
                           AND component_share.product_id = cost_link.product_id
                         GROUP BY cost_link.parent_id, cost_link.lot_id
                  ) edge
                  JOIN node_cost ON node_cost.lot_id = edge.lot_id
            ),
            cost_tree(root_id, lot_id, depth, consumed_qty, factor, path) AS (
                -- Each root's tree: the share of each component lot's cost that flows into the root
                -- (quantity consumed over the component lot's own quantity, multiplied down the path).
                SELECT cost_root.lot_id, cost_root.lot_id, 0, NULL::numeric, 1.0::numeric, ARRAY[cost_root.lot_id]
                  FROM cost_root
                UNION ALL
                SELECT cost_tree.root_id, cost_edge.lot_id, cost_tree.depth + 1, cost_edge.consumed_qty,
                       cost_tree.factor * cost_edge.consumed_qty / NULLIF(cost_edge.lot_qty, 0),
                       cost_tree.path || cost_edge.lot_id
                  FROM cost_tree
                  JOIN cost_edge ON cost_edge.parent_id = cost_tree.lot_id
                 WHERE NOT cost_edge.lot_id = ANY(cost_tree.path)
            ),
            tree_cost AS (
                SELECT cost_tree.*, node_cost.quantity, node_cost.material, node_cost.untracked,
                       node_cost.counted, node_cost.counted_quantity, node_cost.landed,
                       node_cost.operation, node_cost.material + node_cost.landed + node_cost.operation AS own_total,
                       node_cost.valuation, node_cost.revaluation, node_cost.has_layers
                  FROM cost_tree
                  JOIN node_cost ON node_cost.lot_id = cost_tree.lot_id
            )
            """,
            roots=roots,
            origin_filter=ORIGIN_LINE_FILTER,
            landed=landed,
            company_rate=self._get_rate_sql(
                SQL("purchase_company.currency_id"), SQL("purchase.company_id"), SQL("origin_value.date")
            ),
            purchase_rate=self._get_rate_sql(
                SQL("purchase_line.currency_id"), SQL("purchase.company_id"), SQL("origin_value.date")
            ),
        )
        if tree:
            return SQL(
                """%s
                SELECT tree_cost.lot_id, tree_cost.depth, tree_cost.path,
                       tree_cost.consumed_qty::float AS consumed_quantity,
                       tree_cost.quantity::float AS quantity, tree_cost.material::float AS own_material,
                       tree_cost.untracked::float AS untracked_cost, tree_cost.counted::float AS counted_cost,
                       tree_cost.counted_quantity::float AS counted_quantity,
                       tree_cost.landed::float AS landed_cost, tree_cost.operation::float AS operation_cost
                  FROM tree_cost ORDER BY tree_cost.path
                """,
                ctes,
            )
        sales_ctes, sales_columns, sales_join = SQL(), SQL(), SQL()
        if with_sales:
            sales_ctes = SQL(
                """,
                lot_sale AS (
                    SELECT lot_invoice.lot_id, SUM(lot_invoice.quantity) AS quantity_sold,
                           SUM(lot_invoice.revenue) AS revenue
                      FROM (%s) lot_invoice
                     GROUP BY lot_invoice.lot_id
                )
                """,
                self._get_lot_invoice_sql(SQL("SELECT lot_id FROM cost_root")),
            )
            sales_columns = SQL(
                """,
                COALESCE(lot_sale.quantity_sold, 0) AS quantity_sold,
                COALESCE(lot_sale.revenue, 0) AS revenue,
                COALESCE(lot_sale.quantity_sold, 0) * root_cost.total_cost / NULLIF(root_cost.quantity, 0) AS cogs,
                COALESCE(lot_sale.revenue, 0)
                    - COALESCE(lot_sale.quantity_sold * root_cost.total_cost / NULLIF(root_cost.quantity, 0), 0)
                    AS margin
                """
            )
            sales_join = SQL("LEFT JOIN lot_sale ON lot_sale.lot_id = root_cost.lot_id")
        name_columns = SQL()
        if with_names:
            name_columns = SQL(
                """,
                lot.name AS lot_name, product.default_code AS product_code,
                COALESCE(template.name->>%(lang)s, template.name->>'en_US') AS product_name,
                company.name AS company_name, currency.name AS currency_name
                """,
                lang=self.env.lang or "en_US",
            )
        return SQL(
            """%(ctes)s%(sales_ctes)s,
            root_cost AS (
                SELECT tree_cost.root_id AS lot_id,
                       SUM(CASE WHEN tree_cost.depth = 0 THEN tree_cost.quantity ELSE 0 END)::numeric AS quantity,
                       SUM(CASE WHEN tree_cost.depth = 0 THEN tree_cost.material
                                ELSE COALESCE(tree_cost.factor, 0) * tree_cost.own_total END)::numeric AS material_cost,
                       SUM(CASE WHEN tree_cost.depth = 0 THEN tree_cost.landed ELSE 0 END)::numeric AS landed_cost,
                       SUM(CASE WHEN tree_cost.depth = 0 THEN tree_cost.operation ELSE 0 END)::numeric
                           AS operation_cost,
                       SUM(COALESCE(tree_cost.factor, 0) * tree_cost.own_total)::numeric AS total_cost,
                       COUNT(*) FILTER (WHERE tree_cost.factor IS NULL) AS missing_costs,
                       -- The root's own valuation, carried here rather than joined back.
                       SUM(CASE WHEN tree_cost.depth = 0 THEN tree_cost.valuation END)::numeric AS valuation,
                       SUM(CASE WHEN tree_cost.depth = 0 THEN tree_cost.revaluation END)::numeric AS revaluation,
                       bool_or(tree_cost.depth = 0 AND tree_cost.has_layers) AS has_layers
                  FROM tree_cost
                 GROUP BY tree_cost.root_id
            )
            SELECT root_cost.lot_id, lot.company_id, lot.product_id,
                   root_cost.quantity, root_cost.material_cost, root_cost.landed_cost, root_cost.operation_cost,
                   root_cost.total_cost,
                   root_cost.total_cost / NULLIF(root_cost.quantity, 0) AS unit_cost,
                   root_cost.valuation AS valuation_total,
                   root_cost.total_cost - root_cost.valuation AS valuation_difference,
                   CASE
                       WHEN ROUND(ROUND(root_cost.material_cost, currency.decimal_places)
                                  + ROUND(root_cost.landed_cost, currency.decimal_places)
                                  + ROUND(root_cost.operation_cost, currency.decimal_places)
                                  - ROUND(root_cost.valuation, currency.decimal_places),
                                  currency.decimal_places) = 0
                           THEN 'reconciled'
                       WHEN NOT COALESCE(template.is_storable, FALSE) OR NOT root_cost.has_layers THEN 'not_valued'
                       WHEN root_cost.missing_costs > 0 THEN 'missing_cost'
                       WHEN %(cost_method)s = 'standard' THEN 'standard_price'
                       WHEN ROUND(root_cost.revaluation, currency.decimal_places) != 0 THEN 'revaluation'
                       WHEN NOT COALESCE(template.lot_valuated, FALSE) THEN 'product_valuation'
                       ELSE 'cost_method'
                   END AS reconciliation,
                   root_cost.revaluation, root_cost.has_layers, root_cost.missing_costs,
                   COALESCE(template.lot_valuated, FALSE) AS lot_valuated,
                   COALESCE(template.is_storable, FALSE) AS is_storable,
                   %(cost_method)s AS cost_method,
                   company.currency_id
                   %(sales_columns)s
                   %(name_columns)s
              FROM root_cost
              JOIN stock_lot lot ON lot.id = root_cost.lot_id
              JOIN product_product product ON product.id = lot.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
              JOIN product_category category ON category.id = template.categ_id
              JOIN res_company company ON company.id = COALESCE(lot.company_id, %(company)s)
              JOIN res_currency currency ON currency.id = company.currency_id
              %(sales_join)s
             ORDER BY root_cost.lot_id
            """,
            ctes=ctes,
            sales_ctes=sales_ctes,
            sales_columns=sales_columns,
            name_columns=name_columns,
            sales_join=sales_join,
            company=self.env.company.id,
            cost_method=SQL(
                """COALESCE(category.property_cost_method->>company.id::text,
                            (SELECT json_value FROM ir_default default_value
                               JOIN ir_model_fields field ON field.id = default_value.field_id
                              WHERE field.model = 'product.category' AND field.name = 'property_cost_method'
                                AND (default_value.company_id = company.id OR default_value.company_id IS NULL)
                              ORDER BY default_value.company_id NULLS LAST LIMIT 1)::jsonb #>> '{}',
                            'standard')"""
            ),
        )

    @api.model
    def _get_rate_sql(self, currency_id, company_id, date):
        """Odoo's rate of a currency at a date (the latest rate on or before it, the company's own
        rate first), 1 when none is recorded."""
        return SQL(
            """COALESCE((SELECT rate.rate FROM res_currency_rate rate
                         WHERE rate.currency_id = %(currency)s AND rate.name <= %(date)s::date
                           AND (rate.company_id = %(company)s OR rate.company_id IS NULL)
                         ORDER BY rate.name DESC, rate.company_id NULLS LAST LIMIT 1), 1.0)""",
            currency=currency_id,
            company=company_id,
            date=date,
        )

    @api.model
    def _get_lot_invoice_sql(self, lots):
        """One row per lot and customer invoice line: the share of the invoice line that the lot
        earned. A sale line's invoices (less its credit notes) are shared over the lots it
        delivered (less returns) by quantity. Amounts are the journal items' balances, i.e. in
        company currency converted at the invoice's rate. ``lots`` is a SQL query of lot ids."""
        return SQL(
            """
            WITH sale_delivery AS (
                SELECT line.lot_id, move.sale_line_id,
                       SUM(CASE WHEN destination.usage = 'customer' THEN 1 ELSE -1 END
                           * line.quantity_product_uom) AS quantity
                  FROM stock_move_line line
                  JOIN stock_move move ON move.id = line.move_id AND move.sale_line_id IS NOT NULL
                  JOIN stock_location source ON source.id = line.location_id
                  JOIN stock_location destination ON destination.id = line.location_dest_id
                 WHERE line.lot_id IN (%(lots)s) AND line.state = 'done'
                   AND (destination.usage = 'customer') != (source.usage = 'customer')
                 GROUP BY line.lot_id, move.sale_line_id
            ),
            sale_line_delivery AS (
                SELECT move.sale_line_id,
                       SUM(CASE WHEN destination.usage = 'customer' THEN 1 ELSE -1 END
                           * line.quantity_product_uom) AS quantity
                  FROM (SELECT DISTINCT sale_line_id FROM sale_delivery) sold
                  JOIN stock_move move ON move.sale_line_id = sold.sale_line_id
                  JOIN stock_move_line line ON line.move_id = move.id AND line.state = 'done'
                  JOIN stock_location source ON source.id = line.location_id
                  JOIN stock_location destination ON destination.id = line.location_dest_id
                 WHERE (destination.usage = 'customer') != (source.usage = 'customer')
                 GROUP BY move.sale_line_id
            )
            SELECT sale_delivery.lot_id, invoice_line.id AS invoice_line_id, invoice.id AS invoice_id,
                   invoice.invoice_date, invoice.commercial_partner_id AS partner_id, invoice.company_id,
                   sale_delivery.sale_line_id,
                   sale_delivery.quantity / sale_line_delivery.quantity AS share,
                   CASE WHEN invoice.move_type = 'out_refund' THEN -1 ELSE 1 END
                       * invoice_line.quantity / invoice_uom.factor * product_uom.factor
                       * sale_delivery.quantity / sale_line_delivery.quantity AS quantity,
                   -invoice_line.balance * sale_delivery.quantity / sale_line_delivery.quantity AS revenue
              FROM sale_delivery
              JOIN sale_line_delivery
                ON sale_line_delivery.sale_line_id = sale_delivery.sale_line_id AND sale_line_delivery.quantity != 0
              JOIN sale_order_line_invoice_rel invoice_link ON invoice_link.order_line_id = sale_delivery.sale_line_id
              JOIN account_move_line invoice_line
                ON invoice_line.id = invoice_link.invoice_line_id AND invoice_line.parent_state = 'posted'
               AND invoice_line.display_type = 'product'
              JOIN account_move invoice
                ON invoice.id = invoice_line.move_id AND invoice.move_type IN ('out_invoice', 'out_refund')
              JOIN product_product product ON product.id = invoice_line.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
              JOIN uom_uom product_uom ON product_uom.id = template.uom_id
              JOIN uom_uom invoice_uom ON invoice_uom.id = COALESCE(invoice_line.product_uom_id, template.uom_id)
            """,
            lots=lots,
        )
