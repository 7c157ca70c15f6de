import time

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

FDA_CLASSES = [
    ("class_1", "Class I: serious health consequences or death"),
    ("class_2", "Class II: temporary or reversible health consequences"),
    ("class_3", "Class III: unlikely to cause adverse health consequences"),
]


class StockLotRecall(models.Model):
    """A recall case: seed lots, their scope from the trace engine, the hold of every affected lot.

    A mock recall computes the same scope with no side effect and records how long it took.
    """

    _name = "stock.lot.recall"
    _description = "Lot Recall"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True
    _order = "create_date desc, id desc"

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default=lambda self: self.env._("New"))
    is_mock = fields.Boolean(
        "Mock Recall", tracking=True, help="A drill: the scope is computed and timed, nothing is put on hold."
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("notified", "Notified"),
            ("recovering", "Recovering"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    lot_ids = fields.Many2many(
        "stock.lot",
        "stock_lot_recall_seed_lot_rel",
        "recall_id",
        "lot_id",
        string="Seed Lots",
        help="The lots the recall starts from; everything made from them or shipped with them is in scope.",
    )
    supplier_lot_ids = fields.Many2many(
        "stock.supplier.lot",
        "stock_lot_recall_seed_supplier_lot_rel",
        "recall_id",
        "supplier_lot_id",
        string="Seed Supplier Lots",
        help="Supplier lots the recall starts from: their internal lots become seed lots.",
    )
    reason = fields.Text(tracking=True)
    fda_class = fields.Selection(FDA_CLASSES, "FDA Class", tracking=True)
    responsible_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True, check_company=True)
    date_confirmed = fields.Datetime("Confirmed On", readonly=True, copy=False)
    date_closed = fields.Datetime("Closed On", readonly=True, copy=False)
    affected_lot_ids = fields.Many2many(
        "stock.lot",
        "stock_lot_recall_affected_lot_rel",
        "recall_id",
        "lot_id",
        string="Affected Lots",
        readonly=True,
        copy=False,
    )
    customer_ids = fields.Many2many(
        "res.partner",
        "stock_lot_recall_customer_rel",
        "recall_id",
        "partner_id",
        string="Customers",
        readonly=True,
        copy=False,
    )
    shipment_ids = fields.One2many("stock.lot.recall.shipment", "recall_id", "Shipments", readonly=True)
    stock_ids = fields.One2many("stock.lot.recall.stock", "recall_id", "Stock on Hand", readonly=True)
    hold_ids = fields.One2many("stock.lot.recall.hold", "recall_id", "Holds", readonly=True)
    affected_lot_count = fields.Integer(compute="_compute_counts")
    customer_count = fields.Integer(compute="_compute_counts")
    shipped_qty = fields.Float(compute="_compute_quantities", digits="Product Unit of Measure")
    on_hand_qty = fields.Float(compute="_compute_quantities", digits="Product Unit of Measure")
    value_at_risk = fields.Monetary(
        compute="_compute_quantities",
        help="Cost of the affected quantity, shipped and on hand: lot cost when the product is valued "
        "per lot, else the product cost.",
    )
    scope_duration_ms = fields.Float(
        "Scope Time (ms)", readonly=True, copy=False, digits=(16, 1), help="How long computing the scope took."
    )
    scope_date = fields.Datetime("Scope Computed On", readonly=True, copy=False)
    overlapping_recall_ids = fields.Many2many(
        "stock.lot.recall", compute="_compute_overlapping_recall_ids", string="Overlapping Recalls"
    )

    @api.depends("affected_lot_ids", "customer_ids")
    def _compute_counts(self):
        for recall in self:
            recall.affected_lot_count = len(recall.affected_lot_ids)
            recall.customer_count = len(recall.customer_ids)

    @api.depends("shipment_ids.quantity", "stock_ids.quantity", "affected_lot_ids")
    def _compute_quantities(self):
        for recall in self:
            recall.shipped_qty = sum(recall.shipment_ids.mapped("quantity"))
            recall.on_hand_qty = sum(recall.stock_ids.mapped("quantity"))
            costs = recall.affected_lot_ids._get_recall_unit_cost()
            recall.value_at_risk = sum(
                line.quantity * costs.get(line.lot_id.id, 0.0) for line in [*recall.shipment_ids, *recall.stock_ids]
            )

    @api.depends("affected_lot_ids")
    def _compute_overlapping_recall_ids(self):
        for recall in self:
            recall.overlapping_recall_ids = (
                self.search(
                    [
                        ("id", "!=", recall._origin.id or 0),
                        ("is_mock", "=", False),
                        ("state", "not in", ("closed", "cancelled")),
                        ("affected_lot_ids", "in", recall.affected_lot_ids.ids),
                    ]
                )
                if recall.affected_lot_ids
                else self.browse()
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                code = "stock.lot.recall.mock" if vals.get("is_mock") else "stock.lot.recall"
                vals["name"] = self.env["ir.sequence"].next_by_code(code) or self.env._("New")
        return super().create(vals_list)

    def unlink(self):
        if any(recall.state not in ("draft", "cancelled") and not recall.is_mock for recall in self):
            raise UserError(self.env._("Only draft or cancelled recalls can be deleted; cancel it first."))
        return super().unlink()

    # ------------------------------------------------------------------
    # Scope
    # ------------------------------------------------------------------

    def _get_seed_lots(self):
        self.ensure_one()
        return self.lot_ids | self.supplier_lot_ids.lot_ids

    def _check_seed_lots(self):
        for recall in self:
            seeds = recall._get_seed_lots()
            if not seeds:
                raise UserError(
                    self.env._("Recall %(recall)s has no lot to start from: add seed lots.", recall=recall.name)
                )
            foreign = seeds.filtered(lambda lot: lot.company_id and lot.company_id not in self.env.companies)
            if foreign:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s belong to a company you have not selected; select it before recalling them.",
                        lots=", ".join(foreign.mapped("name")),
                    )
                )
            moved = {
                lot.id
                for [lot] in self.env["stock.move.line"]._read_group(
                    [("lot_id", "in", seeds.ids), ("state", "=", "done")], ["lot_id"]
                )
            }
            unmoved = seeds.filtered(lambda lot, moved=moved: lot.id not in moved)
            if unmoved:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s never moved: there is nothing to recall. Remove them from the seed lots.",
                        lots=", ".join(unmoved.mapped("name")),
                    )
                )

    def action_compute_scope(self):
        """Trace every seed lot downstream and store the affected lots, shipments and stock."""
        self._check_seed_lots()
        for recall in self:
            started = time.perf_counter()
            trace = recall._get_seed_lots().trace("downstream")
            shipments = recall._get_scope_shipments(trace["move_line_ids"])
            duration = (time.perf_counter() - started) * 1000
            recall.write(
                {
                    "affected_lot_ids": [Command.set(trace["lot_ids"])],
                    "customer_ids": [Command.set(trace["customer_ids"])],
                    "shipment_ids": [Command.clear()] + [Command.create(vals) for vals in shipments],
                    "stock_ids": [Command.clear()]
                    + [
                        Command.create(
                            {"lot_id": row["lot_id"], "location_id": row["location_id"], "quantity": row["quantity"]}
                        )
                        for row in trace["on_hand"]
                    ],
                    "scope_duration_ms": duration,
                    "scope_date": fields.Datetime.now(),
                }
            )
        return True

    def _get_scope_shipments(self, move_line_ids):
        """Done deliveries to customers among the traced lines: partner, lot, quantity, document."""
        if not move_line_ids:
            return []
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.id, line.lot_id, line.product_id, line.quantity_product_uom, line.date, line.picking_id,
                       COALESCE(picking.partner_id, move.partner_id)
                  FROM stock_move_line line
                  JOIN stock_location destination ON destination.id = line.location_dest_id
                  LEFT JOIN stock_picking picking ON picking.id = line.picking_id
                  LEFT JOIN stock_move move ON move.id = line.move_id
                 WHERE line.id = ANY(%s) AND destination.usage = 'customer'
                 ORDER BY line.date, line.id
                """,
                move_line_ids,
            )
        )
        return [
            {
                "move_line_id": line_id,
                "lot_id": lot_id,
                "product_id": product_id,
                "quantity": quantity,
                "date": date,
                "picking_id": picking_id,
                "partner_id": partner_id,
            }
            for line_id, lot_id, product_id, quantity, date, picking_id, partner_id in rows
        ]

    # ------------------------------------------------------------------
    # Confirm: hold everything in one transaction
    # ------------------------------------------------------------------

    def _check_recall_manager(self):
        if not self.env.user.has_group("lot_traceability_recall.group_recall_manager"):
            raise AccessError(self.env._("Only Recall Managers can confirm, notify or close a recall."))

    def action_confirm(self):
        """Put every affected lot on hold, release their reservations, flag open operations."""
        self._check_recall_manager()
        for recall in self:
            if recall.is_mock:
                raise UserError(
                    self.env._("%(recall)s is a mock recall: it never puts stock on hold.", recall=recall.name)
                )
            if recall.state != "draft":
                raise UserError(self.env._("Recall %(recall)s is already confirmed.", recall=recall.name))
        self.action_compute_scope()
        for recall in self:
            lots = recall.affected_lot_ids
            # Lock the lots first: a delivery validated at the same moment waits or fails, and
            # then finds them on hold (it re-checks the hold in _action_done).
            self.env["stock.lot"]._lock_for_recall(lots)
            already_held = recall.hold_ids.lot_id
            recall.write(
                {
                    "hold_ids": [
                        Command.create({"lot_id": lot.id, "previous_qc_state": lot.qc_state})
                        for lot in lots - already_held
                    ],
                    "state": "confirmed",
                    "date_confirmed": fields.Datetime.now(),
                }
            )
            lots.with_context(lot_recall_id=recall.id).write({"qc_state": "on_hold"})
            open_lines = self.env["stock.move.line"].search(
                [("lot_id", "in", lots.ids), ("state", "not in", ("done", "cancel"))]
            )
            moves = open_lines.move_id
            open_lines.unlink()
            moves._recompute_state()
            recall._flag_open_operations(moves)
            recall.message_post(
                body=self.env._(
                    "Recall confirmed: %(count)s lots on hold, %(customers)s customers to notify.",
                    count=len(lots),
                    customers=len(recall.customer_ids),
                )
            )
        return True

    def _flag_open_operations(self, moves):
        """Tell the people in charge of transfers and manufacturing orders that held stock left them."""
        self.ensure_one()
        for document in [*moves.picking_id, *moves.raw_material_production_id, *moves.production_id]:
            document.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=self.env._("Recall %(recall)s", recall=self.name),
                note=self.env._(
                    "Lots of this operation are on hold for recall %(recall)s; their reservation was released.",
                    recall=self.name,
                ),
                user_id=document.user_id.id or self.responsible_id.id or self.env.uid,
            )

    def action_cancel(self):
        self._check_recall_manager()
        for recall in self:
            if recall.state == "closed":
                raise UserError(self.env._("Recall %(recall)s is closed; it cannot be cancelled.", recall=recall.name))
            recall._release_holds()
        self.write({"state": "cancelled"})
        return True

    def action_close(self):
        self._check_recall_manager()
        for recall in self:
            if recall.is_mock or recall.state in ("draft", "closed", "cancelled"):
                raise UserError(
                    self.env._("Only a confirmed recall can be closed; %(recall)s is not.", recall=recall.name)
                )
        self.write({"state": "closed", "date_closed": fields.Datetime.now()})
        return True

    def _release_holds(self):
        """Give the lots held by this recall their previous QC state back, unless another open recall holds them."""
        self.ensure_one()
        other_holds = self.env["stock.lot.recall.hold"].search(
            [
                ("lot_id", "in", self.hold_ids.lot_id.ids),
                ("recall_id", "!=", self.id),
                ("recall_id.state", "not in", ("closed", "cancelled")),
            ]
        )
        for hold in self.hold_ids.filtered(lambda hold: hold.lot_id not in other_holds.lot_id):
            hold.lot_id.with_context(lot_recall_id=self.id).qc_state = hold.previous_qc_state

    # ------------------------------------------------------------------
    # Mock recalls
    # ------------------------------------------------------------------

    @api.model
    def _run_mock_recall(self, lots, reason=None):
        """Create and scope a mock recall of ``lots``; the scope time is recorded on it."""
        recall = self.create({"is_mock": True, "lot_ids": [Command.set(lots.ids)], "reason": reason})
        recall.action_compute_scope()
        return recall

    def action_view_affected_lots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_production_lot_form")
        action.update(domain=[("id", "in", self.affected_lot_ids.ids)], context={"display_complete": True})
        return action


class StockLotRecallShipment(models.Model):
    _name = "stock.lot.recall.shipment"
    _description = "Recall Shipment"
    _order = "partner_id, date, id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", "Customer", index=True)
    picking_id = fields.Many2one("stock.picking", "Delivery")
    move_line_id = fields.Many2one("stock.move.line")
    lot_id = fields.Many2one("stock.lot", required=True)
    product_id = fields.Many2one("product.product", required=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id")
    quantity = fields.Float(digits="Product Unit of Measure")
    date = fields.Datetime()


class StockLotRecallStock(models.Model):
    _name = "stock.lot.recall.stock"
    _description = "Recall Stock on Hand"
    _order = "lot_id, location_id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="location_id.company_id", store=True, index=True)
    lot_id = fields.Many2one("stock.lot", required=True)
    product_id = fields.Many2one(related="lot_id.product_id")
    location_id = fields.Many2one("stock.location", required=True)
    quantity = fields.Float(digits="Product Unit of Measure")


class StockLotRecallHold(models.Model):
    """The QC state a lot had before a recall put it on hold, to give it back on cancel."""

    _name = "stock.lot.recall.hold"
    _description = "Recall Hold"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True)
    lot_id = fields.Many2one("stock.lot", required=True, index=True)
    previous_qc_state = fields.Char("Previous QC State")
