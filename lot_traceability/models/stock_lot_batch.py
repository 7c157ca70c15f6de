from odoo import api, fields, models
from odoo.exceptions import MissingError, UserError, ValidationError

from ..tools import gs1
from .stock_lot_qc_signature import QC_TRANSITIONS

# The QC state a batch's decision leads to -> the states of a serial it changes (the decision's own rule:
# releasing a batch leaves a rejected serial rejected).
PROPAGATED_FROM = {new_state: allowed_from for allowed_from, new_state in QC_TRANSITIONS.values()}


class StockLot(models.Model):
    """Serials inside a production batch: for a serial-tracked product, a batch is a lot of the same product
    flagged ``is_batch`` (it never holds stock itself); each serial may belong to one. The batch carries the
    dates and the QC state its serials inherit: a decision signed on the batch is written on every serial
    (History: "from batch B"), and no serial is released while its batch is not."""

    _inherit = "stock.lot"

    is_batch = fields.Boolean(
        "Production Batch",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="A production batch of a serial-tracked product: it holds no stock itself, its serials do. Releasing, "
        "holding or rejecting the batch does the same to every serial in it; tracing or recalling it covers them all.",
    )
    batch_id = fields.Many2one(
        "stock.lot",
        index="btree_not_null",
        ondelete="restrict",
        domain="[('is_batch', '=', True), ('product_id', '=', product_id)]",
        check_company=True,
        help="The production batch this serial number belongs to (AI 10 of its GS1 label): its QC state and dates "
        "come from the batch.",
    )
    serial_ids = fields.One2many("stock.lot", "batch_id", "Serials", readonly=True)
    serial_count = fields.Integer(compute="_compute_serial_count")

    @api.depends("serial_ids")
    def _compute_serial_count(self):
        counts = dict(self.env["stock.lot"]._read_group([("batch_id", "in", self.ids)], ["batch_id"], ["__count"]))
        for lot in self:
            lot.serial_count = counts.get(lot, 0)

    @api.constrains("batch_id", "product_id", "company_id", "is_batch")
    def _check_batch(self):
        for lot in self.filtered(lambda lot: lot.is_batch and lot.product_id.tracking != "serial"):
            raise ValidationError(
                self.env._(
                    "%(lot)s cannot be a production batch: %(product)s is not tracked by serial number (its lots are "
                    "its batches already).",
                    lot=lot.name,
                    product=lot.product_id.display_name,
                )
            )
        for lot in self.filtered("batch_id"):
            batch = lot.batch_id
            if lot.is_batch:
                raise ValidationError(
                    self.env._("%(lot)s is a batch: a batch cannot belong to another batch.", lot=lot.name)
                )
            if batch.product_id != lot.product_id:
                raise ValidationError(
                    self.env._(
                        "Serial %(serial)s of %(product)s cannot belong to batch %(batch)s, a batch of "
                        "%(batch_product)s: choose a batch of the same product.",
                        serial=lot.name,
                        product=lot.product_id.display_name,
                        batch=batch.name,
                        batch_product=batch.product_id.display_name,
                    )
                )
            if not batch.is_batch:
                raise ValidationError(
                    self.env._(
                        "%(batch)s is a serial number, not a production batch: serial %(serial)s can belong to a "
                        "batch only.",
                        batch=batch.name,
                        serial=lot.name,
                    )
                )
            if lot.product_id.tracking != "serial":
                raise ValidationError(
                    self.env._(
                        "%(lot)s: only serial numbers belong to a batch; %(product)s is tracked by lot.",
                        lot=lot.name,
                        product=lot.product_id.display_name,
                    )
                )
            if batch.company_id and batch.company_id != lot.company_id:
                raise ValidationError(
                    self.env._(
                        "Serial %(serial)s and its batch %(batch)s must belong to the same company.",
                        serial=lot.name,
                        batch=batch.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lots = super().create(vals_list)
        lots.filtered("batch_id")._inherit_batch_qc_state()
        return lots

    def write(self, vals):
        changing = "is_batch" in vals and self.filtered(lambda lot: lot.is_batch != bool(vals["is_batch"]))
        if changing and self.env["stock.move.line"].sudo().search_count([("lot_id", "in", changing.ids)], limit=1):
            raise UserError(self.env._("A lot that has moved cannot become a production batch, nor stop being one."))
        result = super().write(vals)
        if vals.get("batch_id"):
            self._inherit_batch_qc_state()
        return result

    def _inherit_batch_qc_state(self):
        """Serials put in a batch take the batch's QC state."""
        for batch, serials in self.grouped("batch_id").items():
            differing = serials.filtered(lambda serial, batch=batch: serial.qc_state != batch.qc_state)
            if differing:
                differing.with_context(lot_traceability_from_batch=True)._write_qc_state(
                    batch.qc_state, reason=self.env._("from batch %(batch)s", batch=batch.name)
                )

    # ------------------------------------------------------------------
    # QC state: one answer for the batch and its serials
    # ------------------------------------------------------------------

    def _write_qc_state(self, state, reason):
        if state == "released" and not self.env.context.get("lot_traceability_from_batch"):
            blocked = self.filtered(
                lambda lot: lot.batch_id and lot.batch_id not in self and lot.batch_id.qc_state != "released"
            )
            if blocked:
                serial = blocked[0]
                raise UserError(
                    self.env._(
                        "Serial %(serial)s belongs to batch %(batch)s, which is %(state)s: it cannot be released "
                        "while its batch is not. Release the batch (it releases its serials).",
                        serial=serial.name,
                        batch=serial.batch_id.name,
                        state=dict(self._fields["qc_state"]._description_selection(self.env))[serial.batch_id.qc_state],
                    )
                )
        result = super()._write_qc_state(state, reason)
        serials = (
            self.filtered("is_batch")
            .sudo()
            .serial_ids.filtered(
                lambda serial: serial.qc_state in PROPAGATED_FROM.get(state, ()) and serial not in self
            )
        )
        for batch, batch_serials in serials.grouped("batch_id").items():
            batch_serials.with_context(lot_traceability_from_batch=True)._write_qc_state(
                state, reason=self.env._("%(reason)s, from batch %(batch)s", reason=reason, batch=batch.name)
            )
        return result

    def _get_expected_qc_states(self):
        """A serial in a batch is in the state its batch's last decision left it, when that decision came after
        the serial's own (or the serial was never signed: it inherited its batch's state)."""
        expected = super()._get_expected_qc_states()
        serials = self.filtered("batch_id")
        if not serials:
            return expected
        signed = {signature.lot_id.id for signature in serials.sudo().qc_signature_ids}
        batch_expected = super(StockLot, serials.batch_id)._get_expected_qc_states()
        for serial in serials:
            state, decided_at = expected[serial.id]
            batch_state, batch_decided_at = batch_expected[serial.batch_id.id]
            if serial.id not in signed:
                expected[serial.id] = (batch_state, max(decided_at, batch_decided_at))
            elif batch_decided_at > decided_at and state in PROPAGATED_FROM.get(batch_state, ()):
                expected[serial.id] = (batch_state, batch_decided_at)
        return expected

    # ------------------------------------------------------------------
    # Trace and labels
    # ------------------------------------------------------------------

    def _expand_batches(self):
        """These lots with each batch replaced by its serials (a batch never moves itself)."""
        batches = self.filtered("is_batch")
        return (self - batches) | batches.sudo().serial_ids.with_env(self.env)

    @api.readonly
    def trace(self, direction="both"):
        """Tracing a batch traces every serial in it (the batch is among the lots of the answer)."""
        self._check_trace_arguments(direction)  # before any read: the ids are a caller's
        try:
            batches = self.filtered("is_batch")
        except MissingError:  # an id of no lot is no start, as in the trace itself (no query spent otherwise)
            batches = self.exists().filtered("is_batch")
        if not batches:
            return super().trace(direction)
        batches.check_access("read")
        lots = (self - batches) | batches.sudo().serial_ids.with_env(self.env)
        if not lots:  # batches without serials yet: nothing moved
            return {
                "lot_ids": sorted(batches.ids),
                "move_line_ids": [],
                "customer_ids": [],
                "supplier_ids": [],
                "on_hand": [],
            }
        result = super(StockLot, lots).trace(direction)
        result["lot_ids"] = sorted(set(result["lot_ids"]) | set(batches.ids))
        return result

    def _get_gs1_elements(self):
        """A serial in a batch is labelled (01)(10 batch)(21 serial); a batch (10 batch)."""
        elements = super()._get_gs1_elements()
        if self.is_batch:
            elements.pop("21", None)
            elements["10"] = self.name
        elif self.batch_id:
            elements["10"] = self.batch_id.name
        return elements

    # ------------------------------------------------------------------
    # Scans: a serial under its batch
    # ------------------------------------------------------------------

    @api.model
    def _get_gs1_batch(self, product, name, company, create_values=None):
        """The batch ``name`` of ``product`` in ``company``; created with ``create_values`` (dates) when it does not
        exist and ``create_values`` is given, else an empty recordset. A batch of that name of another product
        is refused, naming both."""
        domain = [("name", "=", name), ("is_batch", "=", True), *self._check_company_domain(company)]
        batch = self.search([*domain, ("product_id", "=", product.id)], limit=1)
        if batch:
            return batch
        other = self.search(domain, limit=1)
        if other:
            raise UserError(
                self.env._(
                    "Batch %(batch)s is a batch of %(other)s, not of %(product)s: a serial of %(product)s cannot be "
                    "put in it. Check the label: its GTIN (01) and batch (10) must be of the same product.",
                    batch=name,
                    other=other.product_id.display_name,
                    product=product.display_name,
                )
            )
        existing = self.search([*domain[:1], ("product_id", "=", product.id), *domain[2:]], limit=1)
        if existing:
            raise UserError(
                self.env._(
                    "%(name)s is a serial number of %(product)s, not a batch: scan the label that carries the batch "
                    "(10) and the serial (21).",
                    name=name,
                    product=product.display_name,
                )
            )
        if create_values is None:
            return batch
        values = {"name": name, "product_id": product.id, "is_batch": True}
        if product.company_id:
            values["company_id"] = company.id
        for field in ("production_date", "expiration_date"):
            if create_values.get(field) and (field != "expiration_date" or product.use_expiration_date):
                values[field] = gs1.date_to_datetime(create_values[field])
        return self.create(values)
