from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..tools.server_write import is_server_write, server_write

# The states of a lot due for retest: released before its retest date came, pending once the retest started.
RETEST_STATES = ("released", "pending")


class StockLot(models.Model):
    """Retest dates (pharmaceutical practice): a lot is re-examined before use, apart from its expiry.

    From its retest date on (the company's today) a lot is treated as pending release: not reserved, not consumed,
    not shipped (``_get_unreleased``, the one answer the release gates and reservation read), even before the daily
    job moved it to Pending Release and gave it its retest checks. A signed release then sets its next retest date.
    """

    _inherit = "stock.lot"

    retest_date = fields.Date(
        copy=False,
        help="From this day on the lot is treated as pending release (not reserved, consumed or shipped) until QA "
        "signs its release again with the retest's checks; that release sets the next retest date. Set from the "
        "production or receipt date and the product's retest interval.",
    )
    retest_started_at = fields.Datetime(
        "Retest Started On",
        readonly=True,
        copy=False,
        help="When the lot last went back to Pending Release because its retest date had come (UTC).",
    )
    is_retest_due = fields.Boolean(
        "Retest Due", compute="_compute_is_retest_due", search="_search_is_retest_due", compute_sudo=False
    )

    def init(self):
        res = super().init()
        # Reservation leaves out the product's lots due for retest (stock.quant._get_unreleased_lot_domain).
        create_index(
            self.env.cr,
            "stock_lot_retest_product_index",
            self._table,
            ["product_id", "retest_date"],
            where=SQL("retest_date IS NOT NULL"),
        )
        return res

    @api.depends("retest_date", "qc_state")
    @api.depends_context("tz")
    def _compute_is_retest_due(self):
        # Due until released again: a lot on hold or rejected waits for another decision than its retest.
        due = self._get_retest_due()
        for lot in self:
            lot.is_retest_due = lot in due and lot.qc_state in RETEST_STATES

    def _search_is_retest_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search lots due for retest with = True or = False."))
        today = fields.Date.context_today(self)
        if (operator == "=") == value:
            return [("retest_date", "<=", today), ("qc_state", "in", RETEST_STATES)]
        return [
            "|",
            "|",
            ("retest_date", "=", False),
            ("retest_date", ">", today),
            ("qc_state", "not in", RETEST_STATES),
        ]

    @api.model_create_multi
    def create(self, vals_list):
        if any("retest_started_at" in vals for vals in vals_list):
            raise UserError(self.env._("A lot's retest start is set by Odoo when its retest date comes."))
        lots = super().create(vals_list)
        lots.filtered(lambda lot: not lot.retest_date and lot.product_id.use_retest_date)._set_first_retest_date()
        return lots

    def write(self, vals):
        if "retest_started_at" in vals and not is_server_write("stock.lot.retest"):
            raise UserError(self.env._("A lot's retest start is set by Odoo when its retest date comes."))
        return super().write(vals)

    def _get_local_date(self, value):
        """The day of a lot's date-time in the user's time zone (the day the lot's form shows)."""
        return fields.Datetime.context_timestamp(self, value).date() if value else False

    def _get_retest_date_from(self, start):
        """``start`` (a date) plus the product's retest interval, not after the lot's expiry."""
        self.ensure_one()
        retest_date = start + timedelta(days=self.product_id.retest_interval)
        expiry = self._get_local_date(self.expiration_date)
        return min(retest_date, expiry) if expiry else retest_date

    def _set_first_retest_date(self):
        """The first retest date of new lots: their production date (else today, the receipt) plus the interval."""
        today = fields.Date.context_today(self)
        for lot in self:
            start = lot._get_local_date(lot.production_date) or today
            lot.sudo().with_context(
                lot_traceability_audit_reason=self.env._(
                    "First retest date: %(start)s plus the retest interval of %(days)s days",
                    start=fields.Date.to_string(start),
                    days=lot.product_id.retest_interval,
                )
            ).write({"retest_date": lot._get_retest_date_from(start)})

    @api.constrains("retest_date", "production_date", "expiration_date")
    def _check_retest_date(self):
        for lot in self.filtered("retest_date"):
            production = lot._get_local_date(lot.production_date)
            if production and lot.retest_date < production:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s: its retest date %(retest)s is before its production date %(production)s. "
                        "Set a retest date on or after the production date.",
                        lot=lot.name,
                        retest=fields.Date.to_string(lot.retest_date),
                        production=fields.Date.to_string(production),
                    )
                )
            expiry = lot._get_local_date(lot.expiration_date)
            if expiry and lot.retest_date > expiry:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s: its retest date %(retest)s is after its expiration date %(expiry)s; a lot is "
                        "never retested past its expiry. Set a retest date on or before the expiration date.",
                        lot=lot.name,
                        retest=fields.Date.to_string(lot.retest_date),
                        expiry=fields.Date.to_string(expiry),
                    )
                )

    # ------------------------------------------------------------------
    # The release gates: a lot due for retest is not released
    # ------------------------------------------------------------------

    def _get_retest_due(self):
        """The lots of ``self`` whose retest date has come (the user's today)."""
        today = fields.Date.context_today(self)
        return self.filtered(lambda lot: lot.retest_date and lot.retest_date <= today)

    def _get_unreleased(self):
        # The one rule, read by every gate: from its retest date on a lot is not released, before the daily job
        # moved it to Pending Release.
        return super()._get_unreleased() | self._get_retest_due()

    def _get_release_state_labels(self):
        labels = super()._get_release_state_labels()
        for lot in self._get_retest_due().filtered(lambda lot: lot.qc_state == "released"):
            labels[lot.id] = self.env._("due for retest since %(date)s", date=fields.Date.to_string(lot.retest_date))
        return labels

    def _get_delivery_refusals(self, partner, date):
        # Rule ``retest``, never overridden (like ``qc``): a released lot whose retest date has come.
        reasons = super()._get_delivery_refusals(partner, date)
        labels = self._get_release_state_labels()
        for lot in self._get_retest_due().filtered(lambda lot: lot.qc_state == "released"):
            reasons[lot.id] = ("retest", labels[lot.id])
        return reasons

    # ------------------------------------------------------------------
    # Retest: back to Pending Release, checks, signed release, next date
    # ------------------------------------------------------------------

    @api.model
    def _cron_start_due_retests(self):
        """Daily: released lots whose retest date has come go back to Pending Release, with their retest checks."""
        lots = self.sudo().search(
            [("qc_state", "=", "released"), ("retest_date", "<=", fields.Date.context_today(self))]
        )
        lots._start_retest()
        return len(lots)

    def _start_retest(self):
        """Put these released lots, due for retest, back to Pending Release with the checks of their specification."""
        lots = self.filtered(lambda lot: lot.qc_state == "released")._get_retest_due()
        if not lots:
            return
        lots._lock_for_signature()
        for retest_date, group in lots.grouped("retest_date").items():
            group._write_qc_state(
                "pending",
                reason=self.env._("Retest due since %(date)s", date=fields.Date.to_string(retest_date)),
            )
        with server_write("stock.lot.retest"):
            lots.sudo().write({"retest_started_at": fields.Datetime.now()})
        lots._create_qc_checks()

    def action_start_retest(self):
        """Start the retest of these lots now, as the daily job does when their retest date has come."""
        if not self.env.user.has_group("lot_traceability.group_qa_user"):
            raise UserError(self.env._("Only QA users may start the retest of a lot."))
        not_due = self.filtered(lambda lot: lot.qc_state != "released") | (self - self._get_retest_due())
        if not_due:
            raise UserError(
                self.env._(
                    "Lot %(lot)s is not a released lot due for retest: only those go back to Pending Release for "
                    "their retest.",
                    lot=not_due[0].name,
                )
            )
        self._start_retest()
        return True

    def _set_next_retest_date(self, signature_label):
        """After a signed release: the next retest date of these lots, today plus the interval, not after expiry."""
        today = fields.Date.context_today(self)
        for lot in self:
            if not lot.product_id.use_retest_date:
                continue
            lot.sudo().with_context(
                lot_traceability_audit_reason=self.env._(
                    "Next retest date set by %(signature)s: %(today)s plus %(days)s days",
                    signature=signature_label,
                    today=fields.Date.to_string(today),
                    days=lot.product_id.retest_interval,
                )
            ).write({"retest_date": lot._get_retest_date_from(today)})

    def _get_expected_qc_states(self):
        """A retest started after the lot's last decision left it pending."""
        expected = super()._get_expected_qc_states()
        for lot in self.filtered("retest_started_at"):
            state, decided_at = expected[lot.id]
            if state == "released" and (not decided_at or lot.retest_started_at > decided_at):
                expected[lot.id] = ("pending", lot.retest_started_at)
        return expected


class StockLotQcSignature(models.Model):
    _inherit = "stock.lot.qc.signature"

    @api.model
    def _sign(self, lots, decision, meaning, password, note=None, override_reason=None):
        due = lots._get_retest_due() if decision == "release" else lots.browse()
        result = super()._sign(lots, decision, meaning, password, note=note, override_reason=override_reason)
        if due:
            signatures = self.sudo().search([("lot_id", "in", due.ids)], order="sequence desc")
            last = {}
            for signature in signatures:
                last.setdefault(signature.lot_id.id, signature)
            for lot in due:
                lot._set_next_retest_date(
                    self.env._(
                        "release signature %(sequence)s (%(signature)s)",
                        sequence=last[lot.id].sequence,
                        signature=last[lot.id].display_name,
                    )
                )
        return result


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_unreleased_lot_domain(self, product):
        domain = super()._get_unreleased_lot_domain(product)
        # The product's lots due for retest: one sub-select in a partial index of the lots that have a retest date.
        due = (
            self.env["stock.lot"]
            .sudo()
            ._search([("product_id", "=", product.id), ("retest_date", "<=", fields.Date.context_today(self))])
        )
        return ["&", *domain, "|", ("lot_id", "=", False), ("lot_id", "not in", due)]
