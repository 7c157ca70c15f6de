from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..tools import gs1, gs1_measure


class StockMoveLine(models.Model):
    """A GS1 scan on any detailed operation (receipt, delivery, internal transfer, manufacturing
    components and output) finds or fills the lot, the quantity (AI 30/37) and the expiry (AI 17)."""

    _inherit = "stock.move.line"

    gs1_scan = fields.Char(
        "GS1 Scan",
        store=False,
        help="Scan or type a GS1 barcode (GS1-128, DataMatrix or a Digital Link QR code): it selects the lot (or "
        "names the new one), and sets the quantity (AI 30/37) and the expiry date of a new lot (AI 17) when the "
        "barcode carries them. A barcode of another product is refused.",
    )

    gs1_batch_name = fields.Char(
        "Scanned Batch",
        copy=False,
        help="The production batch (AI 10) scanned with a new serial number (AI 21): the serial is created in it "
        "when the operation is validated, and the batch too when it is new.",
    )
    gs1_measure_ai = fields.Char("Measure AI", copy=False, readonly=True)
    gs1_measure_quantity = fields.Float(
        "Measured",
        copy=False,
        digits=(16, 5),
        help="The actual measure scanned on this line (AI 310n-316n: net weight, length, area, volume).",
    )
    gs1_measure_uom_id = fields.Many2one("uom.uom", "Measure Unit", copy=False)

    @api.onchange("gs1_scan")
    def _onchange_gs1_scan(self):
        if self.gs1_scan:
            scanned, self.gs1_scan = self.gs1_scan, False
            self.update(self._get_gs1_scan_values(scanned))

    @api.onchange("lot_name")
    def _onchange_lot_name_gs1(self):
        if gs1.looks_like_gs1(self.lot_name):
            self.update(self._get_gs1_scan_values(self.lot_name))

    def _get_gs1_scan_values(self, scanned):
        """Values of this line from a GS1 scan; a UserError says what is wrong with a refused scan (and quotes
        the scan, so that nothing scanned is lost)."""
        self.ensure_one()
        product = self.product_id
        try:
            elements = gs1.parse(scanned.strip())
            measures = gs1_measure.parse_measures(elements)
        except gs1.GS1Error as error:
            raise UserError(
                self.env._(
                    "The scanned barcode is not valid GS1: %(error)s (scanned: %(scan)s)", error=error, scan=scanned
                )
            ) from error
        self._check_gs1_scan_product(elements, product)
        serial = elements.get("21") if product.tracking == "serial" else None
        name = serial or elements.get("10") or elements.get("21")
        if not name:
            raise UserError(
                self.env._(
                    "The scanned barcode carries no lot or serial number (AI 10 or 21): scan the barcode of "
                    "%(product)s that carries it.",
                    product=product.display_name,
                )
            )
        company = self.company_id or self.env.company
        batch_name = elements.get("10") if serial else None
        batch = self.env["stock.lot"]._get_gs1_batch(product, batch_name, company) if batch_name else None
        lot = self.env["stock.lot"].search(
            [
                ("product_id", "=", product.id),
                ("name", "=", name),
                *self.env["stock.lot"]._check_company_domain(company),
            ],
            limit=1,
        )
        values = {}
        if lot:
            self._check_gs1_scan_batch(lot, batch_name, scanned)
            values.update(lot_id=lot.id, lot_name=False)
        elif self.picking_type_use_create_lots and not self.move_id.raw_material_production_id:
            values.update(lot_id=False, lot_name=name)
            if elements.get("17") and product.use_expiration_date:
                values["expiration_date"] = gs1.date_to_datetime(elements["17"])
            if batch_name:
                # The serial is created under its batch when the line is validated (the batch too, when new,
                # with the scan's dates: stock.move.line._prepare_new_lot_vals).
                values["gs1_batch_name"] = batch_name
                if elements.get("11") and not (batch and batch.production_date):
                    values["supplier_production_date"] = elements["11"]
                if elements.get("17") and not (batch and batch.expiration_date):
                    values["supplier_expiration_date"] = elements["17"]
        else:
            raise UserError(
                self.env._(
                    "Lot %(lot)s of %(product)s does not exist, and this operation takes existing lots only. "
                    "Check the label, or receive the lot first.",
                    lot=name,
                    product=product.display_name,
                )
            )
        values.update(self._get_gs1_scan_quantity_values(elements, measures, scanned, lot))
        return values

    def _check_gs1_scan_batch(self, serial, batch_name, scanned):
        """A scanned serial that exists already must be in the scanned batch."""
        if batch_name and serial.batch_id and serial.batch_id.name != batch_name:
            raise UserError(
                self.env._(
                    "Serial %(serial)s of %(product)s is already in batch %(batch)s, but the scan names batch "
                    "%(scanned_batch)s (scanned: %(scan)s). Check the label: a serial belongs to one batch.",
                    serial=serial.name,
                    product=serial.product_id.display_name,
                    batch=serial.batch_id.name,
                    scanned_batch=batch_name,
                    scan=scanned,
                )
            )

    def _get_gs1_scan_quantity_values(self, elements, measures, scanned, lot):
        """The line's quantity from the count (AI 30/37) or the measure (AI 310n-316n) of a scan, and the measure
        recorded on the line."""
        product = self.product_id
        values = {}
        count = elements.get("37", elements.get("30"))
        if count is not None:
            ai = "37" if "37" in elements else "30"
            if product.tracking == "serial":
                raise UserError(
                    self.env._(
                        "The scan carries a count, (%(ai)s) %(count)s, but %(product)s is tracked by serial number: a "
                        "serial is one unit. Scan each unit's own label (scanned: %(scan)s).",
                        ai=ai,
                        count=count,
                        product=product.display_name,
                        scan=scanned,
                    )
                )
            if count == 0:
                raise UserError(
                    self.env._(
                        "The scan carries a count of 0, (%(ai)s)0: a label never counts nothing. Scan the label "
                        "again or type the quantity (scanned: %(scan)s).",
                        ai=ai,
                        scan=scanned,
                    )
                )
            self._check_gs1_scan_quantity_limit(count, lot, scanned)
            values["quantity"] = count
        if not measures:
            return values
        measure = measures[0]
        measure_uom = self.env.ref(measure.uom_xmlid)
        value = float(measure.value)
        if value <= 0:
            raise UserError(
                self.env._(
                    "The scan's %(title)s, (%(ai)s), is 0: scan the label again or type the quantity (scanned: "
                    "%(scan)s).",
                    title=measure.title.lower(),
                    ai=measure.ai,
                    scan=scanned,
                )
            )
        values.update(gs1_measure_ai=measure.ai, gs1_measure_quantity=value, gs1_measure_uom_id=measure_uom.id)
        line_uom = self.product_uom_id or product.uom_id
        variable = gs1_measure.is_variable_measure(elements.get("01"))
        if line_uom.category_id == measure_uom.category_id:
            if count is None:
                quantity = measure_uom._compute_quantity(value, line_uom)
                self._check_gs1_scan_quantity_limit(quantity, lot, scanned)
                values["quantity"] = quantity
        elif not variable:
            raise UserError(
                self.env._(
                    "The scan carries a %(title)s, (%(ai)s) %(value)s %(unit)s, but %(product)s is counted in "
                    "%(uom)s: it cannot set the quantity. Scan a label of %(product)s without a measure, or set "
                    "the product's unit to one of %(category)s (scanned: %(scan)s).",
                    title=measure.title.lower(),
                    ai=measure.ai,
                    value=value,
                    unit=measure.unit,
                    product=product.display_name,
                    uom=line_uom.name,
                    category=measure_uom.category_id.name,
                    scan=scanned,
                )
            )
        return values

    def _check_gs1_scan_quantity_limit(self, quantity, lot, scanned):
        """A scan takes no more of a lot than its stock where the line takes it from (receipts have no limit)."""
        if not lot or self.location_id.usage not in ("internal", "transit"):
            return
        [(on_hand,)] = self.env["stock.quant"]._read_group(
            [
                ("product_id", "=", self.product_id.id),
                ("lot_id", "=", lot.id),
                ("location_id", "child_of", self.location_id.id),
            ],
            aggregates=["quantity:sum"],
        )
        on_hand = on_hand or 0.0
        quantity_in_product_uom = (self.product_uom_id or self.product_id.uom_id)._compute_quantity(
            quantity, self.product_id.uom_id
        )
        if float_compare(quantity_in_product_uom, on_hand, precision_rounding=self.product_id.uom_id.rounding) > 0:
            raise UserError(
                self.env._(
                    "The scan says %(quantity)s, but lot %(lot)s has %(on_hand)s %(uom)s in %(location)s: a line "
                    "cannot take more than the lot holds there. Scan the label again or type the quantity "
                    "(scanned: %(scan)s).",
                    quantity=quantity,
                    lot=lot.name,
                    on_hand=on_hand,
                    uom=self.product_id.uom_id.name,
                    location=self.location_id.display_name,
                    scan=scanned,
                )
            )

    @api.model
    def _check_gs1_scan_product(self, elements, product):
        """Refuse a scan whose GTIN (AI 01) is not ``product``'s, naming both."""
        scanned = elements.get("01")
        if not scanned or not product:
            return
        gtin = product._get_gs1_gtin()
        if gtin == scanned:
            return
        other = self.env["product.product"].search([("barcode", "in", gs1.gtin_barcodes(scanned))], limit=1)
        if gtin or other:
            raise UserError(
                self.env._(
                    "The scanned barcode is for %(scanned_product)s (GTIN %(scanned)s), but this line is for "
                    "%(product)s (GTIN %(gtin)s). Scan the label of %(product)s.",
                    scanned_product=other.display_name or self.env._("another product"),
                    scanned=scanned,
                    product=product.display_name,
                    gtin=gtin or self.env._("none"),
                )
            )
