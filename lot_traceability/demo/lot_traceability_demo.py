from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, api, fields, models

from ..models.stock_lot_qc_signature import QC_TRANSITIONS
from ..tools import gs1, stock_flows
from ..tools.server_write import server_write

# How old the demo's lot at risk of expiring unsold is on the day the demo is installed: made this many days before,
# at this hour (UTC). Old enough to be near its removal date today; the install day is found back from it
# (_get_demo_history_day).
AT_RISK_LOT_AGE = (17, 8)


class LotTraceabilityDemo(models.AbstractModel):
    """Builds the demo's operations through the same server API users go through, so the
    demo database has real quants, supplier lots, lot origins and a genealogy to trace.

    The demo history (``_create_demo_history``) adds six months of it, back-dated: see there.
    """

    _name = "lot.traceability.demo"
    _description = "Lot Traceability Demo Data"

    @api.model
    def _create_demo_operations(self):
        ref = self.env.ref
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        warehouse.in_type_id.use_create_lots = True
        today = fields.Date.context_today(self)
        milk, puree, sugar = (ref(f"lot_traceability.product_{name}_demo") for name in ("milk", "puree", "sugar"))
        alpine, sunvale = (
            ref("lot_traceability.partner_alpine_dairy_demo"),
            ref("lot_traceability.partner_sunvale_demo"),
        )

        # Alpine Dairy prints GS1 labels (scanned); Sunvale's codes are typed from the delivery note.
        def alpine_label(product, code, produced_days_ago, shelf_days):
            produced = today - timedelta(days=produced_days_ago)
            return gs1.build(
                {
                    "01": product.barcode,
                    "11": produced,
                    "17": produced + timedelta(days=shelf_days),
                    "10": code,
                }
            )

        self._receive(
            alpine,
            milk,
            [(600, alpine_label(milk, "AD-24117", 4, 14)), (400, alpine_label(milk, "AD-24118", 3, 14))],
        )
        self._receive(alpine, milk, [(500, alpine_label(milk, "AD-24131", 1, 14))])
        self._receive(sunvale, puree, [(120, "SV/B-7781"), (80, "SV/B-7790")])
        self._receive(sunvale, sugar, [(100, "SV/S-1102")])

        yogurt = ref("lot_traceability.product_yogurt_demo")
        productions = [self._produce(yogurt, quantity) for quantity in (2000, 1500, 1000)]
        customers = [
            ref(f"lot_traceability.partner_{name}_demo") for name in ("fresh_market", "green_basket", "city_bakery")
        ]
        for customer, quantity in zip(customers, (1200, 900, 600), strict=True):
            self._deliver(warehouse, customer, yogurt, quantity)
        self._deliver(warehouse, customers[0], yogurt, 800)
        return productions

    @api.model
    def _create_demo_qc_release(self):
        """The QA guides on the demo: units shown, a quarantine location in use, milk powder lots pending
        release (one with its checks recorded, ready to sign), and a receipt of it still to scan."""
        ref = self.env.ref
        ref("base.group_user").implied_ids = [Command.link(ref("uom.group_uom").id)]
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        # Inside WH/Stock: released lots are picked from there without moving; the others are never reserved.
        warehouse.qc_quarantine_location_id = self.env["stock.location"].create(
            {"name": "Quarantine", "usage": "internal", "location_id": warehouse.lot_stock_id.id}
        )
        powder = ref("lot_traceability.product_milk_powder_demo")
        alpine = ref("lot_traceability.partner_alpine_dairy_demo")
        today = fields.Date.context_today(self)

        def label(code, produced_days_ago):
            produced = today - timedelta(days=produced_days_ago)
            return gs1.build({"01": powder.barcode, "11": produced, "17": produced + timedelta(days=365), "10": code})

        picking = self._receive(alpine, powder, [(250, label("AD-P2201", 6)), (250, label("AD-P2202", 2))])
        first = picking.move_line_ids.lot_id.sorted("id")[:1]
        # Measured by the administrator, who signs the release in the guide (not OdooBot).
        for check in first.with_user(self.env.ref("base.user_admin")).qc_check_ids:
            if check.value_type == "numeric":
                check.measured_value = 3.1
            elif check.value_type == "text":
                check.measured_text = "Absent"
        stock_flows.create_pickings(
            self.env,
            [
                stock_flows.prepare_picking_vals(
                    warehouse.in_type_id,
                    alpine,
                    [(powder, 200)],
                    destination=warehouse.lot_stock_id,
                    origin="Demo purchase",
                )
            ],
        )
        return picking

    @api.model
    def _receive(self, supplier, product, lines):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        picking = stock_flows.create_pickings(
            self.env,
            [
                stock_flows.prepare_picking_vals(
                    warehouse.in_type_id,
                    supplier,
                    [(product, sum(quantity for quantity, _code in lines))],
                    destination=warehouse.lot_stock_id,
                    origin="Demo purchase",
                )
            ],
        )
        stock_flows.set_move_lines(
            picking.move_ids,
            [stock_flows.line_vals(picking.move_ids, quantity, supplier_lot_code=code) for quantity, code in lines],
        )
        picking.button_validate()
        return picking

    @api.model
    def _produce(self, product, quantity, minutes=None):
        """A manufacturing order of ``quantity`` done at once; ``minutes`` of work on its work orders."""
        return stock_flows.produce(product.bom_ids[:1], quantity, minutes=minutes)

    @api.model
    def _deliver(self, warehouse, customer, product, quantity):
        picking = stock_flows.create_pickings(
            self.env,
            [
                stock_flows.prepare_picking_vals(
                    warehouse.out_type_id,
                    customer,
                    [(product, quantity)],
                    warehouse.lot_stock_id,
                    self.env.ref("stock.stock_location_customers"),
                    origin="Demo sale",
                )
            ],
            assign=True,
        )
        picking.move_ids.picked = True
        picking.button_validate()
        return picking

    @api.model
    def _create_demo_costing(self):
        """A lot-valued chain an accountant can open: purchased lots (one with a landed cost when
        stock_landed_costs is installed), a yogurt base made on a costed work centre, a finished
        lot made from it, invoiced to a customer with Odoo's lots-on-invoices shown."""
        env = self.env
        ref = env.ref
        env.ref("base.group_user").implied_ids = [Command.link(ref("stock_account.group_lot_on_invoice").id)]
        category = env["product.category"].create(
            {
                "name": "Lot-costed goods (FIFO)",
                "property_cost_method": "fifo",
                "property_valuation": "manual_periodic",
            }
        )
        lot_valued = {"is_storable": True, "tracking": "lot", "lot_valuated": True, "categ_id": category.id}
        cream, honey, base, yogurt = env["product.product"].create(
            [
                dict(lot_valued, name="Organic Cream (1 L)", default_code="RM-CREAM"),
                dict(lot_valued, name="Wildflower Honey (kg)", default_code="RM-HONEY"),
                dict(lot_valued, name="Honey Yogurt Base (kg)", default_code="SF-HONEY-BASE"),
                dict(
                    lot_valued,
                    name="Honey Yogurt 150 g",
                    default_code="FG-YOG-HONEY",
                    list_price=1.8,
                    invoice_policy="delivery",
                ),
            ]
        )
        tank = env["mrp.workcenter"].create({"name": "Fermentation Tank 2", "costs_hour": 45.0})
        env["mrp.bom"].create(
            [
                {
                    "product_tmpl_id": base.product_tmpl_id.id,
                    "product_qty": 100,
                    "bom_line_ids": [
                        Command.create({"product_id": cream.id, "product_qty": 90}),
                        Command.create({"product_id": honey.id, "product_qty": 10}),
                    ],
                    "operation_ids": [
                        Command.create({"name": "Ferment", "workcenter_id": tank.id, "time_cycle_manual": 90})
                    ],
                },
                {
                    "product_tmpl_id": yogurt.product_tmpl_id.id,
                    "product_qty": 600,
                    "bom_line_ids": [Command.create({"product_id": base.id, "product_qty": 90})],
                },
            ]
        )
        cream_picking = self._purchase_demo_lot(ref("lot_traceability.partner_alpine_dairy_demo"), cream, 200, 1.10)
        self._purchase_demo_lot(ref("lot_traceability.partner_sunvale_demo"), honey, 40, 6.50)
        if "stock.landed.cost" in env:
            freight = env["product.product"].create(
                {"name": "Refrigerated freight", "type": "service", "landed_cost_ok": True}
            )
            landed_cost = env["stock.landed.cost"].create(
                {
                    "picking_ids": [Command.set(cream_picking.ids)],
                    "cost_lines": [
                        Command.create(
                            {
                                "name": "Refrigerated freight",
                                "product_id": freight.id,
                                "price_unit": 30.0,
                                "split_method": "equal",
                            }
                        )
                    ],
                }
            )
            landed_cost.compute_landed_cost()
            landed_cost.button_validate()
        for product, quantity, minutes in ((base, 100, 90), (yogurt, 600, 0)):
            production = self._produce(product, quantity, minutes)
        order = env["sale.order"].create(
            {
                "partner_id": ref("lot_traceability.partner_fresh_market_demo").id,
                # the administrator's, as the quotation of the guide: both under Sales' default "My Quotations"
                "user_id": ref("base.user_admin").id,
                "order_line": [Command.create({"product_id": yogurt.id, "product_uom_qty": 400, "price_unit": 1.8})],
            }
        )
        order.action_confirm()
        order.picking_ids.action_assign()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        invoice = order._create_invoices()
        invoice.invoice_date = fields.Date.context_today(self)
        invoice.action_post()
        return production.lot_producing_id

    @api.model
    def _purchase_demo_lot(self, supplier, product, quantity, price):
        order = self.env["purchase.order"].create(
            {
                "partner_id": supplier.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_qty": quantity, "price_unit": price, "taxes_id": False}
                    )
                ],
            }
        )
        order.button_confirm()
        picking = order.picking_ids
        picking.move_ids.move_line_ids.lot_name = f"{product.default_code}-{fields.Date.context_today(self):%y%m%d}"
        picking.move_ids.picked = True
        picking.button_validate()
        return picking

    # ------------------------------------------------------------------
    # Demo history: six months of operations, back-dated (demo data only)
    # ------------------------------------------------------------------

    @api.model
    def _create_demo_history(self):
        """Six months of the dairy's life before today, so that every lot control figure has real numbers.

        Every month (``i`` = 1 for the oldest, 6 for the last): Alpine Dairy delivers raw milk and milk powder,
        Sunvale Orchards apple puree and cane sugar; two manufacturing orders make apple yogurt from them
        (lots ``Y{i}A`` 1,500 and ``Y{i}B`` 1,000 cups); five deliveries ship the yogurt to the three customers,
        City Bakery also buying the month's milk powder once QA signed its release (2 to 5 days after receipt).
        And, month by month:

        - 1: a delivery to City Bakery takes lot B while lot A still waits (out of FEFO order);
        - 2: inventory count of the milk, puree and sugar lots, no difference;
        - 3: 400 L of milk received, 25 L left over, expired and scrapped; a delivery out of FEFO order again;
        - 4: count of the yogurt lot A (12 cups short: broken) and of the sugar (no difference);
        - 5: lot B sells slowly: 500 cups on hand when it enters its alert window, 300 sold in it, 200 scrapped
          once expired;
        - 6: count of the milk (no difference) and of the yogurt lot A (6 cups found).

        Then, 17 days ago, a last lot (1,500 cups, 300 shipped to Fresh Market) is put on hold two days later,
        when Fresh Market complains; ``_create_demo_history_release`` releases it once today's demo deliveries
        are made, too late to sell it all before its removal date: the expiry-risk forecast suggests a markdown.
        The recall addon adds recalls and complaints on these lots.

        How: every operation goes through the server API, one after the other in the order they happened, each
        at its own date (``_demo_at``): Odoo stamps documents, moves, lines, valuation layers, lots, quants and
        messages with that date as it would have then; lot dates follow from it. Runs before today's demo
        operations, which find no stock left from the history but the held lot, and only once.
        """
        if self.env.ref("lot_traceability.lot_yogurt_at_risk_demo", raise_if_not_found=False):
            return self.env["stock.lot"]
        plan = self._get_demo_history_plan()
        self._demo_warehouse().in_type_id.use_create_lots = True
        lots = {}
        counts = defaultdict(list)
        for date, key, difference in plan["counts"]:
            counts[date].append((key, difference))
        steps = [
            *((date, self._demo_receive, (supplier, lines)) for date, supplier, lines in plan["receipts"]),
            *((date, self._demo_count, (date_counts,)) for date, date_counts in counts.items()),
            *(
                (date, self._demo_produce, (key, product, quantity, components))
                for date, key, product, quantity, components in plan["productions"]
            ),
            *(
                (date, self._demo_sign_planned, (key, decision, meaning, measurements))
                for date, key, decision, meaning, measurements in plan["signatures"]
            ),
            *((date, self._demo_deliver, (customer, lines)) for date, customer, lines in plan["deliveries"]),
            *((date, self._demo_scrap, (key, quantity)) for date, key, quantity in plan["scraps"]),
        ]
        for date, step, arguments in sorted(steps, key=lambda step: step[0]):
            with self._demo_at(date):
                step(lots, *arguments)
        self.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": f"lot_traceability.{name}", "record": lots[key], "noupdate": True}
                for name, key in (
                    ("lot_yogurt_at_risk_demo", "YX"),
                    ("lot_yogurt_near_date_demo", "Y5B"),
                    ("lot_milk_expired_demo", "M3"),
                    ("lot_puree_recalled_demo", "P4"),
                    ("lot_yogurt_bitter_demo", "Y4B"),
                    ("lot_milk_mock_recall_demo", "M2"),
                    ("lot_puree_mock_recall_demo", "P5"),
                )
            ]
        )
        return self.env["stock.lot"].union(*lots.values())

    @api.model
    def _get_demo_history_plan(self):
        """The operations of the demo history (see _create_demo_history), each with its date (UTC):
        receipts (supplier, lines: lot key, product, quantity, supplier lot code, days since the supplier
        made it), productions (lot key, product, quantity, components: lot key, quantity), deliveries
        (customer, lines: lot key, quantity, in the order they leave), counts (lot key, difference found),
        scraps (lot key, quantity) and QC signatures (lot key, decision, meaning, check results)."""
        ref = self.env.ref
        milk, puree, sugar, powder, yogurt = (
            ref(f"lot_traceability.product_{name}_demo") for name in ("milk", "puree", "sugar", "milk_powder", "yogurt")
        )
        alpine, sunvale = (
            ref("lot_traceability.partner_alpine_dairy_demo"),
            ref("lot_traceability.partner_sunvale_demo"),
        )
        fresh, green, bakery = (
            ref(f"lot_traceability.partner_{name}_demo") for name in ("fresh_market", "green_basket", "city_bakery")
        )
        # The day the history is made (UTC): its dates are counted back from it.
        midnight = self.env.cr.now().replace(hour=0, minute=0, second=0, microsecond=0)

        def at(days_ago, hour):
            return midnight - timedelta(days=days_ago) + timedelta(hours=hour)

        plan = defaultdict(list)
        release = "Approved for release"
        for i, start in enumerate((183, 153, 123, 93, 63, 33), start=1):

            def day(k, hour, start=start):
                return at(start - k, hour)

            plan["receipts"] += [
                (
                    day(0, 7),
                    alpine,
                    [
                        (f"M{i}", milk, 400 if i == 3 else 375, f"AD-23{i}17", 1),
                        (f"W{i}", powder, 200, f"AD-P21{i}0", 6),
                    ],
                ),
                (
                    day(0, 9),
                    sunvale,
                    [
                        (f"P{i}", puree, 120 if i == 6 else 75, f"SV/B-76{i}0", 14),
                        (f"S{i}", sugar, 40 if i == 6 else 25, f"SV/S-108{i}", 30),
                    ],
                ),
            ]
            plan["productions"] += [
                (day(1, 8), f"Y{i}A", yogurt, 1500, [(f"M{i}", 225), (f"P{i}", 45), (f"S{i}", 15)]),
                (day(5, 8), f"Y{i}B", yogurt, 1000, [(f"M{i}", 150), (f"P{i}", 30), (f"S{i}", 10)]),
            ]
            plan["signatures"].append(
                (
                    day((2, 3, 4, 2, 5, 3)[i - 1], 16),
                    f"W{i}",
                    "release",
                    release,
                    {"Moisture": 3.1, "Salmonella": "Absent"},
                )
            )
            plan["deliveries"] += [
                (day(2, 14), fresh, [(f"Y{i}A", 600)]),
                (day(8, 14), green, [(f"Y{i}B" if i == 3 else f"Y{i}A", 500)]),
                (
                    day(12, 14),
                    bakery,
                    # Lot A's last cups: 400, or what the counts of months 4 and 6 left.
                    [(f"Y{i}B" if i == 1 else f"Y{i}A", {4: 388, 6: 406}.get(i, 400)), (f"W{i}", 200)],
                ),
                (day(15, 14), fresh, {1: [("Y1A", 400), ("Y1B", 100)], 3: [("Y3A", 500)]}.get(i, [(f"Y{i}B", 500)])),
                # Month 5: 300 cups of lot B sold in its alert window; month 6: lot B sold out before the last
                # lot of the history is made.
                (day(24, 14), green, [(f"Y{i}B", 300)])
                if i == 5
                else (day(16 if i == 6 else 22, 14), green, [(f"Y{i}B", 500)]),
            ]
        plan["counts"] = [
            (at(149, 10), "M2", 0),
            (at(149, 10), "P2", 0),
            (at(149, 10), "S2", 0),
            (at(89, 10), "Y4A", -12),
            (at(89, 10), "S4", 0),
            (at(29, 10), "M6", 0),
            (at(29, 10), "Y6A", 6),
        ]
        plan["scraps"] = [(at(111, 9), "M3", 25), (at(29, 9), "Y5B", 200)]
        # The lot at risk today: made 17 days ago, held after Fresh Market's complaint, released today.
        plan["receipts"].append((at(18, 7), alpine, [("MX", milk, 225, "AD-24088", 1)]))
        plan["productions"].append((at(*AT_RISK_LOT_AGE), "YX", yogurt, 1500, [("MX", 225), ("P6", 45), ("S6", 15)]))
        plan["deliveries"].append((at(16, 14), fresh, [("YX", 300)]))
        plan["signatures"].append(
            (at(15, 15), "YX", "hold", "Held: customer complaint of a sour taste, re-test ordered", None)
        )
        return plan

    @api.model
    def _get_demo_history_day(self):
        """Midnight (UTC) of the day the demo history was made (the install), or None without it: the history's
        dates are counted back from it."""
        lot = self.env.ref("lot_traceability.lot_yogurt_at_risk_demo", raise_if_not_found=False)
        if not lot:
            return None
        days, hour = AT_RISK_LOT_AGE
        return lot.production_date - timedelta(hours=hour) + timedelta(days=days)

    @api.model
    def _create_demo_history_release(self):
        """The held lot of the history passed its re-test: released today, after today's deliveries."""
        lot = self.env.ref("lot_traceability.lot_yogurt_at_risk_demo", raise_if_not_found=False)
        if not lot or lot.qc_state != "on_hold":
            return self.env["stock.lot"]
        return self._demo_sign(lot, "release", "Re-test passed: approved for release", fields.Datetime.now())

    # Operations of the demo history, each made at its date (inside ``_demo_at``): ``lots`` maps the plan's lot
    # keys to the lots made so far.

    @api.model
    def _demo_warehouse(self):
        return self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)

    @contextmanager
    def _demo_at(self, date, tick=False):
        """Demo data only: what the block makes is made at ``date``, stamped by Odoo as it would have been then.
        Odoo's clock is set to ``date`` as Odoo's own tests set it (freezegun, one of Odoo's requirements), and
        so is the transaction's timestamp, which the ORM writes as create_date and write_date. With ``tick``,
        the clock runs on from ``date``, for what measures how long it takes."""
        import freezegun  # only installing demo data needs it (one of Odoo's requirements)

        cr = self.env.cr
        self.env.flush_all()
        outer = cr._now
        with freezegun.freeze_time(date, tick=tick):
            cr._now = date
            try:
                yield
                self.env.flush_all()
            finally:
                cr._now = outer

    @api.model
    def _demo_receive(self, lots, supplier, lines):
        """A receipt of supplier lots (lines: lot key, product, quantity, supplier lot code, days since the
        supplier made it), each lot named from the supplier's production date."""
        warehouse = self._demo_warehouse()
        now = fields.Datetime.now()
        picking = stock_flows.create_pickings(
            self.env,
            [
                stock_flows.prepare_picking_vals(
                    warehouse.in_type_id,
                    supplier,
                    [(product, quantity) for _key, product, quantity, _code, _days in lines],
                    destination=warehouse.lot_stock_id,
                    origin="Demo purchase",
                    scheduled_date=now,
                )
            ],
        )
        line_vals = []
        for (_key, product, quantity, code, days), move in zip(lines, picking.move_ids, strict=True):
            produced = now.date() - timedelta(days=days)
            name = product._get_lot_numbering_rule()._generate_lot_names(product, [produced])
            line_vals.append(
                stock_flows.line_vals(
                    move,
                    quantity,
                    lot_name=name[0],
                    supplier_lot_code=code,
                    supplier_production_date=produced,
                    supplier_expiration_date=produced + timedelta(days=product.expiration_time),
                )
            )
        move_lines = stock_flows.set_move_lines(picking.move_ids, line_vals)
        picking.button_validate()
        for (key, *_line), line in zip(lines, move_lines, strict=True):
            lots[key] = line.lot_id
        return picking

    @api.model
    def _demo_produce(self, lots, key, product, quantity, components):
        """A manufacturing order consuming the component lots given (lot key, quantity), making lot ``key``."""
        production = stock_flows.produce(
            product.bom_ids[:1],
            quantity,
            components=[(lots[component], component_quantity) for component, component_quantity in components],
            date_start=fields.Datetime.now(),
        )
        lots[key] = production.lot_producing_id
        return production

    @api.model
    def _demo_deliver(self, lots, customer, lines):
        """A delivery of lots picked by hand (lines: lot key, quantity, in the order they leave)."""
        warehouse = self._demo_warehouse()
        per_product = defaultdict(float)
        for key, quantity in lines:
            per_product[lots[key].product_id] += quantity
        picking = stock_flows.create_pickings(
            self.env,
            [
                stock_flows.prepare_picking_vals(
                    warehouse.out_type_id,
                    customer,
                    per_product.items(),
                    warehouse.lot_stock_id,
                    self.env.ref("stock.stock_location_customers"),
                    origin="Demo sale",
                    scheduled_date=fields.Datetime.now(),
                )
            ],
        )
        moves = {move.product_id: move for move in picking.move_ids}
        stock_flows.set_move_lines(
            picking.move_ids,
            [stock_flows.line_vals(moves[lots[key].product_id], quantity, lots[key]) for key, quantity in lines],
        )
        picking.button_validate()
        return picking

    @api.model
    def _demo_count(self, lots, counts):
        """An inventory count of lots in WH/Stock (counts: lot key, difference found), applied as Odoo's
        physical inventory does: a done line of 0 when nothing differs."""
        quants = self.env["stock.quant"].search(
            [
                ("lot_id", "in", [lots[key].id for key, _difference in counts]),
                ("location_id", "=", self._demo_warehouse().lot_stock_id.id),
            ]
        )
        by_lot = {quant.lot_id: quant for quant in quants}
        for key, difference in counts:
            quant = by_lot[lots[key]]
            quant.with_context(inventory_mode=True).inventory_quantity = quant.quantity + difference
        quants.with_context(inventory_name="Demo cycle count").action_apply_inventory()
        return quants

    @api.model
    def _demo_scrap(self, lots, key, quantity):
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": lots[key].product_id.id,
                "product_uom_id": lots[key].product_id.uom_id.id,
                "lot_id": lots[key].id,
                "scrap_qty": quantity,
                "location_id": self._demo_warehouse().lot_stock_id.id,
                "origin": "Expired",
            }
        )
        scrap.do_scrap()
        return scrap

    @api.model
    def _demo_sign_planned(self, lots, key, decision, meaning, measurements):
        return self._demo_sign(lots[key], decision, meaning, fields.Datetime.now(), measurements)

    @api.model
    def _demo_sign(self, lot, decision, meaning, date, measurements=None, note=None):
        """A QC signature of the administrator on ``lot``, made on ``date``: the values, hash and chain of
        stock.lot.qc_sign (which asks for the signer's password, which demo data cannot give), the QC state set
        by the lot's own method, the chatter log. ``measurements`` (check name prefix: value) are recorded on
        the lot's checks two hours before."""
        admin = self.env.ref("base.user_admin")
        if measurements:
            with self._demo_at(date - timedelta(hours=2)):
                for check in lot.with_user(admin).qc_check_ids:
                    value = next((value for name, value in measurements.items() if check.name.startswith(name)), None)
                    if isinstance(value, str):
                        check.measured_text = value
                    elif value is not None:
                        check.measured_value = value
        with self._demo_at(date):
            last = lot.sudo().qc_signature_ids.sorted("sequence")[-1:]
            with server_write("stock.lot.qc.signature"):
                self.env["stock.lot.qc.signature"].sudo().create(
                    {
                        "lot_id": lot.id,
                        "company_id": lot.company_id.id or self.env.company.id,
                        "sequence": last.sequence + 1,
                        "decision": decision,
                        "meaning": meaning,
                        "signer_id": admin.id,
                        "signer_name": admin.name,
                        "signed_at": date,
                        "note": note or False,
                        "override_reason": False,
                        "check_snapshot": lot._get_qc_snapshot(),
                        "previous_hash": last.hash or False,
                    }
                )
            labels = dict(self.env["stock.lot.qc.signature"]._fields["decision"]._description_selection(self.env))
            lot._write_qc_state(
                QC_TRANSITIONS[decision][1],
                reason=self.env._("%(decision)s signed by %(signer)s", decision=labels[decision], signer=admin.name),
            )
            lot._message_log(
                body=self.env._(
                    "%(decision)s signed by %(signer)s on %(time)s UTC, meaning: %(meaning)s",
                    decision=labels[decision],
                    signer=admin.name,
                    time=fields.Datetime.to_string(date),
                    meaning=meaning,
                ),
                author_id=admin.partner_id.id,
            )
        return lot
