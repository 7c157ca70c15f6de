import base64
from collections import defaultdict

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round, html_escape

from ..tools import epcis_reader
from .lot_traceability_export_events import UNECE_UOM_CODES

# Statuses of a line of the import report.
MATCH, MISMATCH, IGNORED = "match", "mismatch", "ignored"


class StockPicking(models.Model):
    """A supplier's EPCIS 2.0 document read against an incoming receipt: what matches is proposed as the receipt's
    lines (supplier lots with their dates), what does not is said with the reason; nothing is written before the
    user confirms, and then all of it or nothing."""

    _inherit = "stock.picking"

    def action_open_epcis_import(self):
        self.ensure_one()
        self._check_epcis_import_receipt()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import EPCIS"),
            "res_model": "stock.picking.epcis.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id},
        }

    def _check_epcis_import_receipt(self):
        self.ensure_one()
        self.check_access("write")
        if self.picking_type_code != "incoming":
            raise UserError(
                self.env._(
                    "%(picking)s is not a receipt: a supplier's EPCIS file is imported on a receipt.", picking=self.name
                )
            )
        if self.state in ("done", "cancel"):
            raise UserError(
                self.env._(
                    "Receipt %(picking)s is already %(state)s: import the supplier's EPCIS file on a receipt still "
                    "to receive.",
                    picking=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )

    # ------------------------------------------------------------------
    # Analysis: read only
    # ------------------------------------------------------------------

    @api.model
    def _read_epcis_file(self, content):
        try:
            return epcis_reader.read_document(content)
        except epcis_reader.EPCISReadError as error:
            raise UserError(self.env._("The EPCIS file cannot be imported: %(error)s", error=error)) from error

    def _get_epcis_our_glns(self):
        """GLNs that are ours for this receipt (its company's and its warehouses'), and GLN -> name of other
        companies of the database."""
        company = self.company_id
        ours = {company.partner_id.lot_traceability_gln} | set(
            self.env["stock.warehouse"].sudo().search([("company_id", "=", company.id)]).mapped("lot_traceability_gln")
        )
        others = {}
        for other in self.env["res.company"].sudo().search([("id", "!=", company.id)]):
            if other.partner_id.lot_traceability_gln:
                others[other.partner_id.lot_traceability_gln] = other.name
        for warehouse in self.env["stock.warehouse"].sudo().search([("company_id", "!=", company.id)]):
            if warehouse.lot_traceability_gln:
                others[warehouse.lot_traceability_gln] = warehouse.company_id.name
        ours.discard(False)
        return ours, {gln: name for gln, name in others.items() if gln not in ours}

    @api.model
    def _get_epcis_uom(self, code):
        """The unit of measure of a UN/CEFACT code (the codes our EPCIS export writes), or None."""
        english = next((name for name, unece in UNECE_UOM_CODES.items() if unece == code), None)
        if not english:
            return None
        return self.env["uom.uom"].with_context(lang="en_US").search([("name", "=", english)], limit=1) or None

    def _find_epcis_products(self, gtins):
        """GTIN-14 -> product, by the product's barcode (as GTIN-8/12/13/14) or the supplier's GTIN on a supplier lot
        of this receipt's supplier."""
        candidates = {}
        for gtin in gtins:
            for length in (14, 13, 12, 8):
                if set(gtin[: 14 - length]) <= {"0"}:
                    candidates[gtin[14 - length :]] = gtin
        products = self.env["product.product"].search(
            [("barcode", "in", list(candidates)), ("company_id", "in", [False, self.company_id.id])]
        )
        found = {}
        receipt_products = self.move_ids.product_id
        for product in products.sorted(lambda product: product not in receipt_products):
            found.setdefault(candidates[product.barcode], product)
        missing = [gtin for gtin in gtins if gtin not in found]
        if missing and self.partner_id:
            for supplier_lot in self.env["stock.supplier.lot"].search(
                [
                    ("gtin", "in", missing),
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("company_id", "=", self.company_id.id),
                ]
            ):
                found.setdefault(supplier_lot.gtin, supplier_lot.product_id)
        return found

    def _analyse_epcis(self, content):
        """What importing ``content`` on this receipt would do, writing nothing.

        :return: dict with ``lines`` (one per event not imported, and per lot quantity of a shipping event: status,
            message, product, move, lot code, quantity in the move's unit, dates, SSCC) and ``notes`` (what the file
            holds that is not used)
        """
        self._check_epcis_import_receipt()
        document = self._read_epcis_file(content)
        notes = list(document.notes)
        ours, others = self._get_epcis_our_glns()
        supplier = self.partner_id.commercial_partner_id
        supplier_glns = {supplier.lot_traceability_gln, self.partner_id.lot_traceability_gln} - {False}
        if not ours:
            notes.append(
                self.env._(
                    "%(company)s has no GLN: the destination of the events is not checked. Set the company's GLN "
                    "in the settings (EPCIS).",
                    company=self.company_id.name,
                )
            )
        if not supplier_glns:
            notes.append(
                self.env._(
                    "%(supplier)s has no GLN: the source of the events is not checked. Set the supplier's GLN on "
                    "its contact.",
                    supplier=supplier.display_name or self.env._("The receipt's supplier"),
                )
            )
        # SSCCs of the pallets the lots were packed on (aggregation events of the document).
        pallets = {}
        for event in document.events:
            if event.type == "AggregationEvent" and event.parent_sscc and event.action in ("ADD", "OBSERVE"):
                for quantity in event.quantities:
                    pallets.setdefault(quantity.epc_class, event.parent_sscc)
        shipping = [
            event
            for event in document.events
            if event.type == "ObjectEvent"
            and event.biz_step == "shipping"
            and event.action in ("OBSERVE", "ADD")
            and event.quantities
        ]
        products = self._find_epcis_products({quantity.gtin for event in shipping for quantity in event.quantities})
        moves_by_product = defaultdict(lambda: self.env["stock.move"])
        for move in self.move_ids.filtered(lambda move: move.state != "cancel"):
            moves_by_product[move.product_id] |= move
        # A file may hold the supplier's shipments to other receivers too: when some shipping events name us as
        # destination, the ones that name only a stranger (no company of this database) are not ours to receive.
        to_us = [event for event in shipping if event.destinations and set(event.destinations.values()) <= ours]
        elsewhere = {
            event
            for event in shipping
            if to_us and event.destinations and not (set(event.destinations.values()) & (ours | set(others)))
        }
        lines = []
        for event in document.events:
            if event in elsewhere:
                lines.append(
                    {
                        "event": event.index,
                        "status": IGNORED,
                        "message": self.env._(
                            "Event %(event)s: shipped to GLN %(glns)s, not to %(company)s: not imported.",
                            event=event.index,
                            glns=", ".join(sorted(set(event.destinations.values()))),
                            company=self.company_id.name,
                        ),
                    }
                )
                continue
            if event not in shipping:
                lines.append(
                    {"event": event.index, "status": IGNORED, "message": self._get_epcis_ignored_reason(event)}
                )
                continue
            event_problems = self._check_epcis_event_parties(event, ours, others, supplier_glns, supplier)
            for quantity in event.quantities:
                lines.append(
                    self._analyse_epcis_quantity(
                        event, quantity, event_problems, products, moves_by_product, document, pallets
                    )
                )
        self._check_epcis_totals(lines, moves_by_product)
        if not shipping:
            raise UserError(
                self.env._(
                    "The EPCIS file holds no shipping event with lot quantities: there is nothing to receive. "
                    "Ask the supplier for the shipping events of this delivery."
                )
            )
        return {"lines": lines, "notes": notes}

    def _get_epcis_ignored_reason(self, event):
        if event.type == "AggregationEvent" and event.parent_sscc:
            return self.env._(
                "Event %(event)s: pallet SSCC %(sscc)s (AggregationEvent, bizStep %(step)s): its lots are received "
                "from the shipping events, with this SSCC.",
                event=event.index,
                sscc=event.parent_sscc,
                step=event.biz_step or self.env._("none"),
            )
        if event.biz_step == "shipping" and not event.quantities:
            return self.env._(
                "Event %(event)s: shipping event without lot quantities (quantityList): not imported.",
                event=event.index,
            )
        if event.biz_step == "shipping":
            return self.env._(
                "Event %(event)s: %(type)s with action %(action)s: not imported.",
                event=event.index,
                type=event.type,
                action=event.action,
            )
        return self.env._(
            "Event %(event)s: event is not shipping (%(type)s, bizStep %(step)s): not imported.",
            event=event.index,
            type=event.type,
            step=event.biz_step or self.env._("none"),
        )

    def _check_epcis_event_parties(self, event, ours, others, supplier_glns, supplier):
        """Why an event's destination or source does not fit this receipt (a list of messages)."""
        problems = []
        for kind, gln in event.destinations.items():
            if gln in others:
                problems.append(
                    self.env._(
                        "destination GLN %(gln)s (%(kind)s) is %(company)s's, not %(ours)s's",
                        gln=gln,
                        kind=kind,
                        company=others[gln],
                        ours=self.company_id.name,
                    )
                )
            elif ours and gln not in ours:
                problems.append(
                    self.env._(
                        "destination GLN %(gln)s (%(kind)s) is not ours (%(ours)s)",
                        gln=gln,
                        kind=kind,
                        ours=", ".join(sorted(ours)),
                    )
                )
        for kind, gln in event.sources.items():
            if supplier_glns and gln not in supplier_glns:
                problems.append(
                    self.env._(
                        "source GLN %(gln)s (%(kind)s) is not %(supplier)s's (%(glns)s)",
                        gln=gln,
                        kind=kind,
                        supplier=supplier.display_name,
                        glns=", ".join(sorted(supplier_glns)),
                    )
                )
        return problems

    def _analyse_epcis_quantity(self, event, quantity, event_problems, products, moves_by_product, document, pallets):
        lot_data = {**document.lot_data.get(quantity.epc_class, {}), **event.ilmd}
        line = {
            "event": event.index,
            "status": MATCH,
            "gtin": quantity.gtin,
            "lot_code": lot_data.get("lot_number") or quantity.lot,
            "file_quantity": float(quantity.quantity) if quantity.quantity is not None else 0.0,
            "file_uom": quantity.uom or "",
            "expiration_date": lot_data.get("expiration_date") or lot_data.get("best_before_date") or False,
            "production_date": lot_data.get("production_date") or False,
            "sscc": event.parent_sscc or pallets.get(quantity.epc_class) or False,
        }
        problems = list(event_problems)
        product = products.get(quantity.gtin)
        move = self.env["stock.move"]
        if not product:
            problems.append(self.env._("GTIN %(gtin)s is not on any product", gtin=quantity.gtin))
        else:
            line["product_id"] = product.id
            move = moves_by_product.get(product, move)[:1]
            if not move:
                problems.append(
                    self.env._(
                        "%(product)s (GTIN %(gtin)s) is not on receipt %(picking)s",
                        product=product.display_name,
                        gtin=quantity.gtin,
                        picking=self.name,
                    )
                )
            elif product.tracking != "lot":
                problems.append(self.env._("%(product)s is not tracked by lots", product=product.display_name))
        if quantity.quantity is None:
            problems.append(self.env._("lot %(lot)s has no quantity", lot=quantity.lot))
        elif move:
            line["move_id"] = move.id
            line["uom_id"] = move.product_uom.id
            uom = self._get_epcis_uom(quantity.uom) if quantity.uom else move.product_uom
            if uom is None:
                problems.append(
                    self.env._(
                        "unit %(uom)s is not one this import knows (%(known)s)",
                        uom=quantity.uom,
                        known=", ".join(UNECE_UOM_CODES.values()),
                    )
                )
            elif uom.category_id != move.product_uom.category_id:
                problems.append(
                    self.env._(
                        "%(quantity)s %(uom)s cannot be counted in %(product_uom)s, the unit of %(product)s",
                        quantity=quantity.quantity,
                        uom=quantity.uom,
                        product_uom=move.product_uom.name,
                        product=product.display_name,
                    )
                )
            else:
                line["quantity"] = float_round(
                    uom._compute_quantity(float(quantity.quantity), move.product_uom, round=False),
                    precision_rounding=move.product_uom.rounding,
                )
        if (
            product
            and line["expiration_date"]
            and line["production_date"]
            and (line["expiration_date"] < line["production_date"])
        ):
            problems.append(
                self.env._(
                    "lot %(lot)s expires on %(expiry)s, before its production date %(production)s",
                    lot=line["lot_code"],
                    expiry=line["expiration_date"],
                    production=line["production_date"],
                )
            )
        if product and self.partner_id:
            existing = self.env["stock.supplier.lot"].search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("product_id", "=", product.id),
                    ("name", "=", line["lot_code"]),
                ],
                limit=1,
            )
            for field_name in ("expiration_date", "production_date"):
                if existing[field_name] and line[field_name] and existing[field_name] != line[field_name]:
                    problems.append(
                        self.env._(
                            "supplier lot %(lot)s is recorded with %(field)s %(recorded)s, the file says %(file)s",
                            lot=line["lot_code"],
                            field=existing._fields[field_name].string,
                            recorded=existing[field_name],
                            file=line[field_name],
                        )
                    )
        if problems:
            line["status"] = MISMATCH
            line["message"] = self.env._(
                "Event %(event)s, lot %(lot)s: %(problems)s.",
                event=event.index,
                lot=quantity.lot,
                problems="; ".join(problems),
            )
        else:
            line["message"] = self.env._(
                "Event %(event)s, lot %(lot)s: %(quantity)s %(uom)s of %(product)s.",
                event=event.index,
                lot=line["lot_code"],
                quantity=line["quantity"],
                uom=move.product_uom.name,
                product=product.display_name,
            )
        return line

    def _check_epcis_totals(self, lines, moves_by_product):
        """A product's lots in the file may not add up to more than the receipt orders of it."""
        totals = defaultdict(float)
        for line in lines:
            if line.get("quantity") and line.get("move_id"):
                totals[line["product_id"]] += line["quantity"]
        for product_id, total in totals.items():
            product = self.env["product.product"].browse(product_id)
            moves = moves_by_product[product]
            ordered = sum(moves.mapped("product_uom_qty"))
            uom = moves[:1].product_uom
            if float_compare(total, ordered, precision_rounding=uom.rounding) > 0:
                for line in lines:
                    if line.get("product_id") == product_id and line.get("quantity"):
                        line["status"] = MISMATCH
                        line["message"] += " " + self.env._(
                            "Quantity %(total)s > %(ordered)s %(uom)s of %(product)s ordered on %(picking)s.",
                            total=total,
                            ordered=ordered,
                            uom=uom.name,
                            product=product.display_name,
                            picking=self.name,
                        )

    # ------------------------------------------------------------------
    # Confirmation: all or nothing
    # ------------------------------------------------------------------

    def _import_epcis(self, content, filename):
        """Create or find the supplier lots of ``content`` and propose the receipt's lines (not validated); the file
        is attached to the receipt with a message. Refused as a whole if anything in the file does not match."""
        analysis = self._analyse_epcis(content)
        mismatches = [line["message"] for line in analysis["lines"] if line["status"] == MISMATCH]
        if mismatches:
            raise UserError(
                self.env._(
                    "The EPCIS file does not match receipt %(picking)s; nothing was imported:\n%(lines)s",
                    picking=self.name,
                    lines="\n".join(f"- {message}" for message in mismatches),
                )
            )
        matched = [line for line in analysis["lines"] if line["status"] == MATCH]
        if not self.partner_id:
            raise UserError(
                self.env._(
                    "Set the supplier on receipt %(picking)s: its supplier lots are recorded against the supplier.",
                    picking=self.name,
                )
            )
        with self.env.cr.savepoint():
            supplier = self.partner_id.commercial_partner_id
            keys = {}
            for line in matched:
                values = {"gtin": line["gtin"]}
                for field_name in ("expiration_date", "production_date"):
                    if line[field_name]:
                        values[field_name] = line[field_name]
                keys.setdefault((self.company_id.id, supplier.id, line["product_id"], line["lot_code"]), {}).update(
                    values
                )
            supplier_lots = self.env["stock.supplier.lot"]._get_or_create(keys)
            for key, values in keys.items():  # an existing supplier lot gets the dates it did not have
                supplier_lot = supplier_lots[key]
                missing = {name: value for name, value in values.items() if not supplier_lot[name]}
                if missing:
                    supplier_lot.write(missing)
            moves = self.env["stock.move"].browse({line["move_id"] for line in matched})
            # The lines Odoo proposed (no lot, nothing typed) give way to the file's.
            moves.move_line_ids.filtered(
                lambda move_line: (
                    not (move_line.lot_id or move_line.lot_name or move_line.supplier_lot_code or move_line.picked)
                )
            ).unlink()
            vals_list = []
            for line in matched:
                move = self.env["stock.move"].browse(line["move_id"])
                product = move.product_id
                supplier_lot = supplier_lots[(self.company_id.id, supplier.id, product.id, line["lot_code"])]
                vals = move._prepare_move_line_vals()
                vals.update(
                    quantity=line["quantity"],
                    product_uom_id=move.product_uom.id,
                    supplier_lot_id=supplier_lot.id,
                    supplier_lot_code=supplier_lot.name,
                    supplier_gtin=line["gtin"],
                    supplier_expiration_date=supplier_lot.expiration_date,
                    supplier_production_date=supplier_lot.production_date,
                    # our lot: named by the product's numbering rule on validation, else after the supplier's code
                    lot_name=False if product._get_lot_numbering_rule() else supplier_lot.name,
                    supplier_scan_extra=f"(00){line['sscc']}" if line["sscc"] else False,
                )
                if product.use_expiration_date and supplier_lot.expiration_date:
                    vals["expiration_date"] = supplier_lot.expiration_date
                vals_list.append(vals)
            self.env["stock.move.line"].create(vals_list)
            attachment = self.env["ir.attachment"].create(
                {
                    "name": filename or "epcis.json",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._(
                    "Supplier EPCIS file %(file)s imported: lines proposed (not received yet).", file=filename or ""
                ),
                Markup("").join(Markup("<li>%s</li>") % line["message"] for line in matched),
            )
            self.message_post(body=body, attachment_ids=attachment.ids)
        return matched

    @api.model
    def _decode_epcis_upload(self, data):
        try:
            return base64.b64decode(data or b"", validate=True)
        except ValueError as error:
            raise UserError(
                self.env._("The uploaded file could not be read: %(error)s", error=html_escape(str(error)))
            ) from error
