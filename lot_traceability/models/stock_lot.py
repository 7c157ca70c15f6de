import base64
import io
import json

import qrcode
from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..tools import gs1
from ..tools.constraints import check_expiration_after_production
from ..tools.locks import lock_timeout
from ..tools.server_write import is_server_write, server_write
from .res_config_settings import DEFAULT_GS1_RESOLVER
from .stock_lot_qc_signature import QC_STATES, QC_TRANSITIONS, UNRELEASED_STATES

# Set by the server only: the QC state through stock.lot._write_qc_state, the requirement on creation.
PROTECTED_FIELDS = {"qc_state", "qc_release_required"}
LOT_DATE_FIELDS = ("expiration_date", "use_date", "removal_date", "alert_date", "production_date", "retest_date")
# Every change of these is kept in the lot's history (stock.lot.audit).
AUDITED_FIELDS = (*LOT_DATE_FIELDS, "supplier_lot_id", "qc_state")
# How long a signer or a recall waits for lots another user keeps locked (a delivery being validated, another
# signature) before being told to try again.
LOT_LOCK_TIMEOUT_MS = 5000


class StockLot(models.Model):
    _inherit = "stock.lot"

    supplier_lot_id = fields.Many2one(
        "stock.supplier.lot",
        index="btree_not_null",
        # No check_company: a lot of a product shared by all companies has no company itself,
        # while its supplier lot belongs to the company that received it.
        tracking=True,
        domain="[('product_id', '=', product_id)]",
        help="The supplier's lot this internal lot was received from.",
    )
    supplier_lot_code = fields.Char(
        related="supplier_lot_id.name", string="Supplier Lot Code", help="The supplier's own lot code."
    )
    supplier_id = fields.Many2one(related="supplier_lot_id.partner_id", string="Supplier")
    production_date = fields.Datetime(
        tracking=True,
        help="When the goods of this lot were produced: the supplier's production date for "
        "received lots, the manufacturing date for lots made here.",
    )
    origin_picking_id = fields.Many2one(
        "stock.picking",
        "Origin Receipt",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The receipt that first brought this lot into stock.",
    )
    origin_production_id = fields.Many2one(
        "mrp.production",
        "Origin Manufacturing Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The manufacturing order that produced this lot.",
    )
    qc_state = fields.Selection(
        QC_STATES,
        "QC State",
        default="released",
        required=True,
        index=True,
        # Not tracking=True: a change is kept once, in the lot's History, which the chatter shows
        # (stock.lot._write_qc_state).
        copy=False,
        help="Lots of products that require QC release start Pending Release and move only once a QA "
        "manager signs their release. On Hold lots (e.g. in a recall) never move.",
    )
    qc_check_ids = fields.One2many("stock.lot.qc.check", "lot_id", "QC Checks")
    qc_signature_ids = fields.One2many("stock.lot.qc.signature", "lot_id", "Signatures", readonly=True)
    qc_release_required = fields.Boolean(
        "Release Required",
        readonly=True,
        copy=False,
        help="Fixed when the lot is created, from its product or category: a lot that needed a signed "
        "release keeps needing it even if the product's setting changes later.",
    )
    audit_ids = fields.One2many("stock.lot.audit", "lot_id", "History", readonly=True)
    origin_type = fields.Selection(
        [("receipt", "Received"), ("production", "Manufactured")],
        compute="_compute_origin_type",
        string="Origin",
    )

    def init(self):
        res = super().init()
        # Reservation leaves out the product's lots that are not released (stock.quant._get_gather_domain): read in
        # this small index, that costs what the product's unreleased lots count, neither its released lots nor
        # every lot of other products ever rejected. Its condition is the reservation's, for PostgreSQL to use it.
        create_index(
            self.env.cr,
            "stock_lot_unreleased_product_index",
            self._table,
            ["product_id"],
            where=SQL("qc_state IN %s", tuple(UNRELEASED_STATES)),
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        # The server decides a new lot's QC state and whether it needs a release, never the caller:
        # not a form, an import, an RPC call or a default in the context.
        for vals in vals_list:
            product = self.env["product.product"].browse(
                vals.get("product_id") or self.env.context.get("default_product_id")
            )
            required = product._requires_qc_release()
            state = "pending" if required else "released"
            if vals.get("qc_state", state) != state or vals.get("qc_release_required", required) != required:
                raise UserError(
                    self.env._(
                        "Lot %(lot)s: a new lot's QC state is set by Odoo from its product (%(state)s); it "
                        "changes only through a signed QC decision or a recall.",
                        lot=vals.get("name") or "",
                        state=dict(self._fields["qc_state"]._description_selection(self.env))[state],
                    )
                )
            vals.update(qc_state=state, qc_release_required=required)
        lots = super().create(vals_list)
        lots.filtered(lambda lot: lot.qc_state == "pending")._create_qc_checks()
        return lots

    def write(self, vals):
        protected = PROTECTED_FIELDS & set(vals)
        if protected and not is_server_write("stock.lot.qc_state"):
            raise UserError(
                self.env._(
                    "A lot's QC state changes only through a signed QC decision (Release, Reject or Hold on the "
                    "lot) or a recall, never by editing, importing or an RPC call."
                )
            )
        # The use, removal and alert dates follow the expiration date (product_expiry's stored computes),
        # so a write of any audited field is enough to compare them all before and after.
        if not set(AUDITED_FIELDS) & set(vals):
            return super().write(vals)
        self._check_date_edit(vals)
        before = {lot.id: {name: lot[name] for name in AUDITED_FIELDS} for lot in self}
        result = super().write(vals)
        # A server rule that writes a date says why (e.g. the expiry from a component lot, the next retest date).
        self._audit_changes(before, reason=self.env.context.get("lot_traceability_audit_reason"))
        return result

    def _check_date_edit(self, vals):
        """Dates of a released lot (what FEFO and the customers' shelf life rely on) are QA's to change."""
        if self.env.su or self.env.user.has_group("lot_traceability.group_qa_user"):
            return
        changed = [name for name in LOT_DATE_FIELDS if name in vals]
        for lot in self.filtered(lambda lot: lot.qc_state == "released"):
            for name in changed:
                value = self._fields[name].convert_to_cache(vals[name], lot)
                if lot[name] and lot[name] != value:
                    raise AccessError(
                        self.env._(
                            "Lot %(lot)s is released: only QA users may change its %(field)s.",
                            lot=lot.name,
                            field=self._fields[name]._description_string(self.env),
                        )
                    )

    def _audit_changes(self, before, reason=None):
        """Keep every change of the audited fields (see AUDITED_FIELDS) in the lot's history.

        :return: the history rows written (stock.lot.audit)
        """
        rows = []
        for lot in self:
            for name in AUDITED_FIELDS:
                old, new = before[lot.id][name], lot[name]
                if old != new:
                    rows.append(
                        {
                            "lot_id": lot.id,
                            "field_name": name,
                            "field_description": self._fields[name]._description_string(self.env),
                            "old_value": self._get_audit_display(name, old),
                            "new_value": self._get_audit_display(name, new),
                            "reason": reason or False,
                        }
                    )
        if not rows:
            return self.env["stock.lot.audit"]
        with server_write("stock.lot.audit"):
            return self.env["stock.lot.audit"].sudo().create(rows)

    def _get_audit_display(self, name, value):
        field = self._fields[name]
        if not value:
            return False
        if field.type == "many2one":
            return value.display_name
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type == "datetime":
            return fields.Datetime.to_string(value)
        return str(value)

    def _write_qc_state(self, state, reason):
        """Set the QC state of these lots: the only way to, for signatures and recalls. Each change is
        written once, as a row of the lot's History, and shown in the lot's chatter from that row.

        :param reason: what decided it (a signature, a recall), kept in the lots' history
        """
        if state not in dict(QC_STATES):
            raise UserError(self.env._("Unknown QC state '%(state)s'.", state=state))
        before = {lot.id: {name: lot[name] for name in AUDITED_FIELDS} for lot in self}
        with server_write("stock.lot.qc_state"):
            super().write({"qc_state": state})  # not self.write: the history gets the reason below
        self._audit_changes(before, reason=reason).filtered(lambda row: row.field_name == "qc_state")._show_in_chatter()
        return True

    def _create_qc_checks(self):
        """Checks of each lot from its product's (or category's) QC specification."""
        specs = self.env["stock.lot.qc.spec"]._get_for_products(self.product_id)
        with server_write("stock.lot.qc.check.spec"):  # checks of the specification, not added by hand
            self.env["stock.lot.qc.check"].create(
                [
                    self.env["stock.lot.qc.check"]._prepare_from_spec_line(lot, line)
                    for lot in self
                    for line in specs[lot.product_id.id].line_ids
                ]
            )

    @api.model
    def _fill_origin_from_history(self):
        """Origin and production date of the lots that entered stock before this addon recorded them (it was
        installed on a database with history), as stock.move.line._link_lots_to_origin records them: the
        first done line of each lot out of a manufacturing order (origin, and production date: when it was
        made) or into an incoming receipt (origin only: the supplier's production date is not in the
        history). Lots the history says nothing of keep none. Set-based: one UPDATE for every lot.

        :return: the number of lots filled
        """
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH first_entry AS (
                    SELECT DISTINCT ON (line.lot_id) line.lot_id, move.production_id,
                           CASE WHEN move.production_id IS NULL THEN line.picking_id END AS picking_id,
                           line.date
                      FROM stock_move_line line
                      JOIN stock_move move ON move.id = line.move_id
                 LEFT JOIN stock_picking picking ON picking.id = line.picking_id
                 LEFT JOIN stock_picking_type picking_type ON picking_type.id = picking.picking_type_id
                     WHERE line.state = 'done'
                       AND line.lot_id IN (SELECT id FROM stock_lot
                                            WHERE origin_picking_id IS NULL AND origin_production_id IS NULL)
                       AND (move.production_id IS NOT NULL OR picking_type.code = 'incoming')
                  ORDER BY line.lot_id, line.date, line.id
                )
                UPDATE stock_lot lot
                   SET origin_production_id = first_entry.production_id,
                       origin_picking_id = first_entry.picking_id,
                       production_date = COALESCE(
                           lot.production_date,
                           CASE WHEN first_entry.production_id IS NOT NULL THEN first_entry.date END
                       )
                  FROM first_entry
                 WHERE lot.id = first_entry.lot_id
                """
            )
        )
        filled = self.env.cr.rowcount
        self.invalidate_model(["origin_picking_id", "origin_production_id", "production_date"])
        return filled

    @api.depends("origin_picking_id", "origin_production_id")
    def _compute_origin_type(self):
        for lot in self:
            if lot.origin_production_id:
                lot.origin_type = "production"
            elif lot.origin_picking_id:
                lot.origin_type = "receipt"
            else:
                lot.origin_type = False

    @api.constrains("production_date", "expiration_date")
    def _check_expiration_after_production(self):
        check_expiration_after_production(
            self,
            "production_date",
            "expiration_date",
            lambda lot: self.env._(
                "Lot %(lot)s would expire on %(expiry)s, before its production date "
                "%(production)s. Correct the expiration or the production date.",
                lot=lot.name,
                expiry=fields.Datetime.to_string(lot.expiration_date),
                production=fields.Datetime.to_string(lot.production_date),
            ),
        )

    @api.constrains("supplier_lot_id", "product_id")
    def _check_supplier_lot_product(self):
        for lot in self:
            if lot.supplier_lot_id and lot.supplier_lot_id.product_id != lot.product_id:
                raise ValidationError(
                    self.env._(
                        "Supplier lot %(code)s is a lot of %(supplier_product)s; it cannot be the "
                        "origin of lot %(lot)s of %(product)s. Choose a supplier lot of the same product.",
                        code=lot.supplier_lot_id.name,
                        supplier_product=lot.supplier_lot_id.product_id.display_name,
                        lot=lot.name,
                        product=lot.product_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # QC release with e-signatures
    # ------------------------------------------------------------------

    def qc_sign(self, decision, meaning, password, note=None, override_reason=None):
        """Sign a QC decision on these lots as the current user: see ``stock.lot.qc.signature._sign``.

        :param decision: ``"release"``, ``"reject"`` or ``"hold"``
        :param meaning: what the signer means by signing, stored with the signature
        :param password: the user's password, checked again (electronic signature), never stored
        :param override_reason: releases although mandatory checks did not pass, stored
        :raise AccessDenied: wrong password
        :raise AccessError: the user is not a QA Manager
        :raise UserError: the lots cannot take that decision, or another user signs them now
        """
        return self.env["stock.lot.qc.signature"]._sign(
            self, decision, meaning, password, note=note, override_reason=override_reason
        )

    def _lock_for_shipping(self):
        """Lock the lots a validation ships or consumes, and read their QC state again.

        A hold committed by another user since this transaction began makes PostgreSQL refuse the lock
        (Odoo retries the request, which then sees the hold); a hold or signature made while this
        validation runs waits for it to commit (_lock_or_raise), and this lock waits for a hold begun first.
        """
        if not self:
            return
        self.env.execute_query(
            SQL("SELECT id FROM stock_lot WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", self.ids)
        )
        self.invalidate_recordset(["qc_state"])

    def _lock_or_raise(self, message):
        """Lock these lots, or raise ``message`` as a UserError when another transaction keeps one of them
        longer than LOT_LOCK_TIMEOUT_MS.

        A hold must win on the busiest lot, which a delivery being validated locks (_lock_for_shipping) most of
        the time: the signer or the recall waits for that delivery to commit (it then sees it shipped) rather
        than failing, and the deliveries that come after wait for the hold (they then see the lot on hold).
        Validations only lock the lot, they do not write it, so the wait ends without a serialization failure.
        Locked in id order, as validations do, so that two lists of lots never wait for each other.
        """
        if not self:
            return
        try:
            # A savepoint inside the time limit, so that the transaction stays usable to report the error.
            with lock_timeout(self.env.cr, LOT_LOCK_TIMEOUT_MS), self.env.cr.savepoint(flush=False):
                self.env.execute_query(
                    SQL("SELECT id FROM stock_lot WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", self.ids)
                )
        except LockNotAvailable as error:
            raise UserError(message) from error

    def _lock_for_signature(self):
        """Lock the lots so that two signers never fork a chain; the second gets a clear error."""
        self._lock_or_raise(
            self.env._(
                "Another user is signing or moving lot %(lots)s right now; try again in a moment.",
                lots=", ".join(self.mapped("name")),
            )
        )

    def _get_qc_snapshot(self):
        """The checks as a signature keeps them (``stock.lot.qc.check._get_snapshot_values``), hashed with it."""
        self.ensure_one()
        return json.dumps(
            [
                check._get_snapshot_values()
                for check in self.qc_check_ids.sorted(lambda check: (check.sequence, check.id))
            ],
            sort_keys=True,
        )

    def action_verify_signatures(self):
        """Check every signature chain of these lots, and that each lot's QC state is the one its
        signatures (or a recall) give it; say whether all is intact."""
        signatures = self.sudo().qc_signature_ids  # the whole chain, whichever company signed each link
        broken = signatures._get_first_broken_link()
        wrong_state = self._get_lots_with_unexpected_qc_state()
        states = dict(self._fields["qc_state"]._description_selection(self.env))
        if broken:
            message = self.env._(
                "Signature chain broken at lot %(lot)s, signature %(sequence)s (%(signature)s): it was changed "
                "outside Odoo.",
                lot=broken.lot_id.name,
                sequence=broken.sequence,
                signature=broken.display_name,
            )
        elif wrong_state:
            lot, expected = wrong_state[0]
            message = self.env._(
                "Lot %(lot)s is %(state)s, but its signatures and recalls make it %(expected)s: its QC state "
                "was changed outside Odoo.",
                lot=lot.name,
                state=states[lot.qc_state],
                expected=states[expected],
            )
        else:
            message = (
                self.env._("1 signature verified: its chain is intact and the lot's QC state matches it.")
                if len(signatures) == 1
                else self.env._(
                    "%(count)s signatures verified: every chain is intact and every lot's QC state matches them.",
                    count=len(signatures),
                )
            )
        failed = bool(broken or wrong_state)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "danger" if failed else "success", "sticky": failed},
        }

    def _get_expected_qc_states(self):
        """The QC state each lot must have by its signatures: dict lot id -> (state, time of the decision).

        Lots never signed keep the state they were created with. The recall addon adds its holds.
        """
        last = {}
        for signature in self.sudo().qc_signature_ids:
            if signature.sequence > last.get(signature.lot_id.id, (0,))[0]:
                last[signature.lot_id.id] = (signature.sequence, signature)
        return {
            lot.id: (
                (QC_TRANSITIONS[last[lot.id][1].decision][1], last[lot.id][1].signed_at)
                if lot.id in last
                else ("pending" if lot.qc_release_required else "released", lot.create_date)
            )
            for lot in self
        }

    def _get_lots_with_unexpected_qc_state(self):
        expected = self._get_expected_qc_states()
        return [(lot, expected[lot.id][0]) for lot in self if lot.qc_state != expected[lot.id][0]]

    def _action_open_qc_sign_wizard(self, decision):
        return {
            "type": "ir.actions.act_window",
            "name": self.env["stock.lot.qc.sign.wizard"]._get_decision_title(decision),
            "res_model": "stock.lot.qc.sign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lot_ids": self.ids, "default_decision": decision},
        }

    def action_qc_release(self):
        return self._action_open_qc_sign_wizard("release")

    def action_qc_reject(self):
        return self._action_open_qc_sign_wizard("reject")

    def action_qc_hold(self):
        return self._action_open_qc_sign_wizard("hold")

    def _get_unreleased(self):
        """Lots that may not be shipped or consumed: on hold, rejected, or pending release."""
        return self.filtered(lambda lot: lot.qc_state != "released")

    def _get_release_state_labels(self):
        """What the release gates say of each lot's state (dict lot id -> label): its QC state by default."""
        states = dict(self._fields["qc_state"]._description_selection(self.env))
        return {lot.id: states[lot.qc_state] for lot in self}

    # ------------------------------------------------------------------
    # GS1
    # ------------------------------------------------------------------

    def _get_gs1_elements(self):
        """GS1 element values of this lot: GTIN, lot or serial, production and expiry dates."""
        self.ensure_one()
        gtin = self.product_id._get_gs1_gtin()
        if not gtin:
            raise UserError(
                self.env._(
                    "Product %(product)s has no valid GTIN in its barcode field; a GS1 label needs "
                    "one. Set the product's barcode to its GTIN-8, 12, 13 or 14.",
                    product=self.product_id.display_name,
                )
            )
        elements = {"01": gtin, "21" if self.product_id.tracking == "serial" else "10": self.name}
        if self.production_date:
            elements["11"] = fields.Datetime.context_timestamp(self, self.production_date).date()
        if self.expiration_date:
            elements["17"] = fields.Datetime.context_timestamp(self, self.expiration_date).date()
        return elements

    def _get_gs1_digital_link_root(self):
        """Where this lot's GS1 Digital Link URI starts (scheme, host and optional path): the resolver of the
        settings, GS1's global resolver by default. A hook: the recall addon points the labels of a company that
        answers its own scans to this database."""
        self.ensure_one()
        return (
            self.env["ir.config_parameter"].sudo().get_param("lot_traceability.gs1_resolver") or DEFAULT_GS1_RESOLVER
        ).strip()

    def _get_gs1_digital_link(self):
        """The lot's GS1 Digital Link URI on its resolver (``_get_gs1_digital_link_root``)."""
        self.ensure_one()
        try:
            return gs1.build_digital_link(self._get_gs1_elements(), domain=self._get_gs1_digital_link_root())
        except gs1.GS1Error as error:
            raise UserError(
                self.env._("Lot %(lot)s cannot be encoded in GS1: %(error)s", lot=self.name, error=error)
            ) from error

    def _get_gs1_qr_code(self, uri=None):
        """PNG data URI of a QR code holding ``uri``, by default the lot's GS1 Digital Link URI."""
        self.ensure_one()
        image = qrcode.make(
            uri or self._get_gs1_digital_link(), error_correction=qrcode.constants.ERROR_CORRECT_M, border=2
        )
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()

    def action_print_gs1_label(self):
        # config=False: a label uses the basic layout, no need to configure the document layout first.
        return self.env.ref("lot_traceability.action_report_lot_gs1_label").report_action(self, config=False)

    def action_view_supplier_lot(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.supplier.lot",
            "res_id": self.supplier_lot_id.id,
            "view_mode": "form",
        }
