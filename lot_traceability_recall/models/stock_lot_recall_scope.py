import time

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Bulk inserts of the scope (stock.lot.recall._insert_scope_rows): column -> PostgreSQL array type. Shipments
# are inserted from the move lines in SQL (stock.lot.recall._insert_scope_shipments).
SCOPE_COLUMNS = {
    "stock.lot.recall.stock": {"lot_id": "int4", "location_id": "int4", "quantity": "float8"},
    "stock.lot.recall.balance": {
        "lot_id": "int4",
        "in_qty": "float8",
        "returned_qty": "float8",
        "shipped_qty": "float8",
        "consumed_qty": "float8",
        "scrapped_qty": "float8",
        "on_hand_qty": "float8",
        "discrepancy_qty": "float8",
        "recall_shipped_qty": "float8",
        "recovered_qty": "float8",
        "destroyed_qty": "float8",
        "unaccounted_qty": "float8",
        "reworked_qty": "float8",
    },
}


class StockLotRecall(models.Model):
    """Scope of a recall: the seed lots traced downstream, stored set-based, and the mass balance of
    every affected lot."""

    _inherit = "stock.lot.recall"

    def _get_scope_companies(self):
        """The companies a recall reaches: every company the user may see, the recall's first, whichever
        companies are selected in the switcher."""
        self.ensure_one()
        return self.company_id | self.env.user.company_ids

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
            foreign = seeds.filtered(lambda lot: lot.company_id and lot.company_id not in self.env.user.company_ids)
            if foreign:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s belong to a company you have no access to: they cannot be recalled by you.",
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
        """Trace every seed lot downstream and store the affected lots, shipments and stock, for a draft.

        The trace spans every company the user may see. The scope is stored with set-based inserts:
        a recall of a lot shipped to 10,000 customers writes 10,000 shipment lines in one statement.
        Once confirmed, the scope is the recall's record: it only grows, through action_extend_scope.
        """
        for recall in self:
            if recall.state != "draft":
                raise UserError(
                    self.env._(
                        "Recall %(recall)s is not a draft: its scope is its record and is not computed again. "
                        "To add lots to it, use Extend Scope.",
                        recall=recall.name,
                    )
                )
        self._check_seed_lots()
        for recall in self:
            started = time.perf_counter()
            companies = recall._get_scope_companies()
            seeds = recall._get_seed_lots().with_context(allowed_company_ids=companies.ids)
            trace = seeds.trace("downstream")
            recall._store_scope(trace)
            balances = recall._get_mass_balance(trace["lot_ids"])
            recall._insert_scope_rows("stock.lot.recall.balance", balances)
            recall.invalidate_recordset()
            duration = (time.perf_counter() - started) * 1000
            recall._write_server(
                {
                    "completeness": self._get_completeness(balances),
                    "scope_duration_ms": duration,
                    "scope_date": fields.Datetime.now(),
                }
            )
        return True

    def _store_scope(self, trace, extend=False):
        """Replace the stored scope of this recall: affected lots, shipments (and so customers), stock. With
        ``extend``, add to it instead: the lots and shipments not in it yet, the stock of the new lots; nothing
        already in scope is removed or changed."""
        self.ensure_one()
        self.flush_recordset()
        if extend:
            new_lots = set(trace["lot_ids"]) - set(self.affected_lot_ids.ids)
            self.env.cr.execute(
                SQL(
                    "INSERT INTO stock_lot_recall_affected_lot_rel (recall_id, lot_id) "
                    "SELECT %(recall)s, unnest(%(lots)s::int[]) ON CONFLICT DO NOTHING",
                    recall=self.id,
                    lots=sorted(new_lots),
                )
            )
            on_hand = [row for row in trace["on_hand"] if row["lot_id"] in new_lots]
        else:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM stock_lot_recall_affected_lot_rel WHERE recall_id = %(recall)s; "
                    "INSERT INTO stock_lot_recall_affected_lot_rel (recall_id, lot_id) "
                    "SELECT %(recall)s, unnest(%(lots)s::int[])",
                    recall=self.id,
                    lots=list(trace["lot_ids"]),
                )
            )
            on_hand = trace["on_hand"]
        self._insert_scope_shipments(trace["move_line_ids"], replace=not extend)
        self._insert_scope_rows(
            "stock.lot.recall.stock",
            on_hand,
            extra_columns={
                "company_id": SQL("(SELECT company_id FROM stock_location WHERE id = scope_row.location_id)")
            },
            replace=not extend,
        )
        self.invalidate_recordset(["affected_lot_ids", "customer_ids", "shipment_ids", "stock_ids"])

    def _insert_scope_shipments(self, move_line_ids, replace=True):
        """Replace (or with ``replace=False`` complete) this recall's shipments with the done deliveries to
        partners among the traced lines (customer, delivery, lot, quantity, date): one INSERT ... SELECT, the
        rows never leave PostgreSQL. A delivery is what the trace engine counts as one: to a customer location,
        or out of stock to a vendor location (a return to the supplier, or a delivery made through it)."""
        self.ensure_one()
        if replace:
            self.env.cr.execute(SQL("DELETE FROM stock_lot_recall_shipment WHERE recall_id = %s", self.id))
        if move_line_ids:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO stock_lot_recall_shipment
                           (recall_id, move_line_id, lot_id, quantity, date, picking_id, partner_id)
                    SELECT %(recall)s, line.id, line.lot_id, line.quantity_product_uom, line.date, line.picking_id,
                           -- as the trace engine: the move's partner only for lines whose transfer has none
                           COALESCE(picking.partner_id,
                                    (SELECT move.partner_id FROM stock_move move WHERE move.id = line.move_id))
                      FROM stock_move_line line
                      JOIN stock_location source ON source.id = line.location_id
                      JOIN stock_location destination ON destination.id = line.location_dest_id
                      LEFT JOIN stock_picking picking ON picking.id = line.picking_id
                     WHERE line.id = ANY(%(lines)s)
                       AND (destination.usage = 'customer'
                            OR (destination.usage = 'supplier' AND source.usage IN ('internal', 'transit')))
                       AND NOT EXISTS (SELECT 1 FROM stock_lot_recall_shipment shipment
                                        WHERE shipment.recall_id = %(recall)s AND shipment.move_line_id = line.id)
                    """,
                    recall=self.id,
                    lines=list(move_line_ids),
                )
            )
        self.env["stock.lot.recall.shipment"].invalidate_model()

    def _insert_scope_rows(self, model, rows, extra_columns=None, replace=True):
        """Replace this recall's lines of ``model`` with ``rows`` (dicts of SCOPE_COLUMNS) in one INSERT; with
        ``replace=False``, add ``rows`` to them."""
        self.ensure_one()
        table = self.env[model]._table
        columns = SCOPE_COLUMNS[model]
        extra_columns = {"company_id": SQL("%s", self.company_id.id), **(extra_columns or {})}
        if self.env[model]._log_access:
            now = SQL("now() AT TIME ZONE 'UTC'")
            extra_columns.update(
                create_uid=SQL("%s", self.env.uid), create_date=now, write_uid=SQL("%s", self.env.uid), write_date=now
            )
        if replace:
            self.env.cr.execute(SQL("DELETE FROM %s WHERE recall_id = %s", SQL.identifier(table), self.id))
        if rows:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO %(table)s (recall_id, %(columns)s, %(extra)s)
                    SELECT %(recall)s, %(row_columns)s, %(extra_values)s
                      FROM unnest(%(arrays)s) AS scope_row(%(columns)s)
                    """,
                    table=SQL.identifier(table),
                    columns=SQL(", ").join(SQL.identifier(column) for column in columns),
                    extra=SQL(", ").join(SQL.identifier(column) for column in extra_columns),
                    recall=self.id,
                    row_columns=SQL(", ").join(SQL.identifier("scope_row", column) for column in columns),
                    extra_values=SQL(", ").join(extra_columns.values()),
                    arrays=SQL(", ").join(
                        SQL("%s::%s[]", [None if row[column] is False else row[column] for row in rows], SQL(sql_type))
                        for column, sql_type in columns.items()
                    ),
                )
            )
        self.env[model].invalidate_model()

    # ------------------------------------------------------------------
    # Mass balance
    # ------------------------------------------------------------------

    @api.model
    def _get_completeness(self, balances):
        """Share of the lots' inflow that the mass balance accounts for, in %."""
        inflow = sum(vals["in_qty"] + vals["returned_qty"] for vals in balances)
        missing = sum(abs(vals["discrepancy_qty"]) for vals in balances)
        return 100.0 * max(inflow - missing, 0.0) / inflow if inflow else 100.0

    def _get_mass_balance(self, lot_ids):
        """Values of one balance line per lot: every done flow of the lot by kind, its stock, and what
        this recall shipped (its stored shipments), recovered, destroyed and reworked (consumed by its rework
        orders, part of the consumed quantity), in one query."""
        self.ensure_one()
        if not lot_ids:
            return []
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                WITH flows AS (
                    SELECT line.lot_id,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE source.usage NOT IN ('internal', 'transit', 'customer')
                                 AND destination.usage IN ('internal', 'transit')) AS in_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE source.usage = 'customer'
                                 AND destination.usage IN ('internal', 'transit')) AS returned_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE source.usage IN ('internal', 'transit')
                                 AND destination.usage IN ('customer', 'supplier')) AS shipped_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE source.usage IN ('internal', 'transit')
                                 AND destination.usage = 'production') AS consumed_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE source.usage IN ('internal', 'transit')
                                 AND destination.usage = 'inventory') AS scrapped_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE picking.lot_recall_id = %(recall)s
                                 AND destination.usage IN ('internal', 'transit')) AS recovered_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE scrap.lot_recall_id = %(recall)s) AS destroyed_qty,
                           SUM(line.quantity_product_uom) FILTER (
                               WHERE production.lot_recall_id = %(recall)s
                                 AND source.usage IN ('internal', 'transit')
                                 AND destination.usage = 'production') AS reworked_qty
                      FROM stock_move_line line
                      JOIN stock_location source ON source.id = line.location_id
                      JOIN stock_location destination ON destination.id = line.location_dest_id
                      LEFT JOIN stock_picking picking ON picking.id = line.picking_id
                      LEFT JOIN stock_move move ON move.id = line.move_id
                      LEFT JOIN stock_scrap scrap ON scrap.id = move.scrap_id
                      LEFT JOIN mrp_production production ON production.id = move.raw_material_production_id
                     WHERE line.lot_id = ANY(%(lots)s) AND line.state = 'done'
                     GROUP BY line.lot_id
                ), stock AS (
                    SELECT quant.lot_id, SUM(quant.quantity) AS on_hand_qty
                      FROM stock_quant quant
                      JOIN stock_location location ON location.id = quant.location_id
                     WHERE quant.lot_id = ANY(%(lots)s) AND location.usage IN ('internal', 'transit')
                     GROUP BY quant.lot_id
                ), scope AS (
                    SELECT shipment.lot_id, SUM(shipment.quantity) AS recall_shipped_qty
                      FROM stock_lot_recall_shipment shipment
                     WHERE shipment.recall_id = %(recall)s
                     GROUP BY shipment.lot_id
                )
                SELECT lot.id, COALESCE(in_qty, 0), COALESCE(returned_qty, 0), COALESCE(shipped_qty, 0),
                       COALESCE(consumed_qty, 0), COALESCE(scrapped_qty, 0), COALESCE(on_hand_qty, 0),
                       COALESCE(recovered_qty, 0), COALESCE(destroyed_qty, 0), COALESCE(recall_shipped_qty, 0),
                       COALESCE(reworked_qty, 0)
                  FROM unnest(%(lots)s) AS lot(id)
                  LEFT JOIN flows ON flows.lot_id = lot.id
                  LEFT JOIN stock ON stock.lot_id = lot.id
                  LEFT JOIN scope ON scope.lot_id = lot.id
                 ORDER BY lot.id
                """,
                recall=self.id or 0,
                lots=list(lot_ids),
            )
        )
        balances = []
        for row in rows:
            lot_id, in_qty, returned, shipped, consumed, scrapped, on_hand, recovered, destroyed, in_scope = row[:10]
            reworked = row[10]
            balances.append(
                {
                    "lot_id": lot_id,
                    "in_qty": in_qty,
                    "returned_qty": returned,
                    "shipped_qty": shipped,
                    "consumed_qty": consumed,
                    "scrapped_qty": scrapped,
                    "on_hand_qty": on_hand,
                    "discrepancy_qty": in_qty + returned - shipped - consumed - scrapped - on_hand,
                    "recall_shipped_qty": in_scope,
                    "recovered_qty": recovered,
                    "destroyed_qty": destroyed,
                    "unaccounted_qty": max(in_scope - recovered, 0.0),
                    "reworked_qty": reworked,
                }
            )
        return balances

    def action_compute_balance(self):
        """Recompute the mass balance and recovery of every affected lot, as of now: Recall Managers (and the
        recall's own updates, in sudo), until the recall is closed or cancelled; then its balance is the
        one it ended with."""
        for recall in self:
            if recall.state in ("closed", "cancelled"):
                raise UserError(
                    self.env._(
                        "Recall %(recall)s is closed or cancelled: its mass balance is the one it ended with.",
                        recall=recall.name,
                    )
                )
        if not self.env.su:
            self._check_recall_manager()
        for recall in self:
            balances = recall._get_mass_balance(recall.affected_lot_ids.ids)
            recall._insert_scope_rows("stock.lot.recall.balance", balances)
            # The figures computed from the balance (effectiveness, recovered...) are read again too.
            recall.invalidate_recordset()
        return True

    # ------------------------------------------------------------------
    # Extend Scope: after confirmation, the scope only grows
    # ------------------------------------------------------------------

    def action_open_extend_wizard(self):
        self.ensure_one()
        self._check_recall_manager()
        self._check_open_real_recall("extend")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Extend the Scope of %(recall)s", recall=self.name),
            "res_model": "stock.lot.recall.extend.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id},
        }

    def action_extend_scope(self, lots=None, supplier_lots=None, reason=None):
        """Add seed ``lots`` and ``supplier_lots`` to a confirmed recall, for ``reason``: their downstream
        scope is added to the recall's (nothing already in scope is removed), the new affected lots are put
        on hold as Confirm does, and the chatter says what was added, by whom and why."""
        self.ensure_one()
        self._check_recall_manager()
        # One extension at a time: a second one waits, then adds only what the first did not.
        self.env.execute_query(SQL("SELECT id FROM stock_lot_recall WHERE id = %s FOR NO KEY UPDATE", self.id))
        self.invalidate_recordset()
        self._check_open_real_recall("extend")
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the scope of %(recall)s is extended.", recall=self.name))
        lots = (lots or self.env["stock.lot"]) - self.lot_ids
        supplier_lots = (supplier_lots or self.env["stock.supplier.lot"]) - self.supplier_lot_ids
        new_seeds = (lots | supplier_lots.lot_ids) - self.affected_lot_ids
        if not new_seeds:
            raise UserError(
                self.env._(
                    "These lots are already in the scope of %(recall)s: there is nothing to add.", recall=self.name
                )
            )
        before_lots, before_customers = self.affected_lot_ids, self.customer_ids.commercial_partner_id
        self._write_server(
            {
                "lot_ids": [Command.link(lot.id) for lot in lots],
                "supplier_lot_ids": [Command.link(supplier_lot.id) for supplier_lot in supplier_lots],
            }
        )
        self._check_seed_lots()
        companies = self._get_scope_companies()
        trace = self._get_seed_lots().with_context(allowed_company_ids=companies.ids).trace("downstream")
        self._store_scope(trace, extend=True)
        balances = self._get_mass_balance(self.affected_lot_ids.ids)
        self._insert_scope_rows("stock.lot.recall.balance", balances)
        self.invalidate_recordset()
        added = self.affected_lot_ids - before_lots
        self._hold_lots(
            added,
            {"completeness": self._get_completeness(balances)},
            reason=self.env._("Scope of recall %(recall)s extended", recall=self.name),
        )
        new_customers = self.customer_ids.commercial_partner_id - before_customers
        self._log_event(
            Markup("%s<br/>%s")
            % (
                self.env._(
                    "Scope extended with %(seeds)s: %(count)s lots added and put on hold (%(lots)s); new customers "
                    "to notify: %(customers)s.",
                    seeds=", ".join([*lots.mapped("name"), *supplier_lots.mapped("display_name")]),
                    count=len(added),
                    lots=", ".join(added.mapped("name")) or "-",
                    customers=", ".join(new_customers.mapped("display_name")) or "-",
                ),
                self.env._("Why: %(reason)s", reason=reason),
            )
        )
        return True
