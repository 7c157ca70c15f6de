from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.addons.lot_traceability.tools import gs1, gs1_logistics
from odoo.exceptions import UserError

MAX_CASE_LABELS = 2000


def barcode_src(value, width=600, height=120):
    """The /report/barcode URL of a GS1-128 symbol (Code 128 with FNC1, ``value`` from ``gs1_logistics.gs1_128``)."""
    return "/report/barcode/?" + urlencode(
        {"barcode_type": "Code128", "value": value, "width": width, "height": height, "quiet": 0}
    )


def _symbol(elements, width=600, height=120):
    value, hri = gs1_logistics.gs1_128(elements)
    return {"src": barcode_src(value, width, height), "hri": hri}


class ReportPackageGs1LogisticLabel(models.AbstractModel):
    """The GS1 logistic label of a pallet: from/to, its content (for one product and one lot: the GTIN of the
    trade items (02), their count (37), the lot (10) and dates (15/17) in GS1-128) and the SSCC (00) at the bottom,
    as GS1's Logistic Label Guideline lays it out."""

    _name = "report.lot_traceability_reports.report_sscc_label"
    _description = "GS1 Logistic Label"

    @api.model
    def _get_report_values(self, docids, data=None):
        packages = self.env["stock.quant.package"].browse(docids)
        labels = {}
        for package in packages:
            if not package.sscc:
                raise UserError(
                    self.env._(
                        "Package %(package)s has no SSCC: use Assign SSCC (or type the SSCC of its label) first.",
                        package=package.display_name,
                    )
                )
            labels[package.id] = self._get_label(package)
        return {"doc_ids": docids, "doc_model": "stock.quant.package", "docs": packages, "labels": labels}

    @api.model
    def _get_label(self, package):
        content = package._get_gs1_logistic_content()
        company = package.sscc_company_id or package.company_id or self.env.company
        label = {
            "company": company,
            "to": package._get_gs1_logistic_destination(),
            "content": content,
            "sscc": _symbol([("00", package.sscc)]),
        }
        if len(content) == 1 and content[0]["count"] and content[0]["gtin"]:
            line = content[0]
            elements = [("02", line["gtin"]), ("37", str(line["count"]))]
            if line["lot"]:
                elements.append(("10", line["lot"].name))
                lot_elements = line["lot"]._get_gs1_elements()
                if lot_elements.get("17"):
                    elements.append(("17", gs1.format_date(lot_elements["17"])))
                if line["lot"].use_date:
                    use_date = fields.Datetime.context_timestamp(line["lot"], line["lot"].use_date).date()
                    elements.append(("15", gs1.format_date(use_date)))
            try:
                label["content_symbol"] = _symbol(elements)
            except gs1.GS1Error as error:
                label["error"] = str(error)
        return label


class ReportLotPtiCaseLabel(models.AbstractModel):
    """PTI case labels of a produce lot: GTIN (01), pack date (13) and lot (10) in GS1-128, the same in text, and
    the voice pick code (two small and two large digits); as many labels as cases."""

    _name = "report.lot_traceability_reports.report_lot_pti_case_label"
    _description = "PTI Case Label"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        data = data or {}
        cases = int(data.get("cases") or 1)
        if not 1 <= cases <= MAX_CASE_LABELS:
            raise UserError(
                self.env._(
                    "Print 1 to %(maximum)s case labels at a time, not %(cases)s.", maximum=MAX_CASE_LABELS, cases=cases
                )
            )
        pack_date = fields.Date.to_date(data.get("pack_date")) if data.get("pack_date") else None
        labels = {lot.id: self._get_label(lot, pack_date) for lot in lots}
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot",
            "docs": lots,
            "labels": labels,
            "cases": cases,
            "pack_date": pack_date,
        }

    @api.model
    def _get_label(self, lot, pack_date):
        gtin = lot.product_id._get_gs1_gtin()
        if not gtin:
            raise UserError(
                self.env._(
                    "Product %(product)s has no valid GTIN in its barcode field: a PTI case label needs the case's "
                    "GTIN-14. Set the product's barcode.",
                    product=lot.product_id.display_name,
                )
            )
        elements = [("01", gtin)]
        if pack_date:
            elements.append(("13", gs1.format_date(pack_date)))
        elements.append(("10", lot.name))
        try:
            symbol = _symbol(elements, width=700, height=110)
            code = gs1_logistics.voice_pick_code(gtin, lot.name, pack_date)
        except gs1.GS1Error as error:
            raise UserError(
                self.env._("Lot %(lot)s cannot be printed on a PTI case label: %(error)s", lot=lot.name, error=error)
            ) from error
        small, large = gs1_logistics.voice_pick_code_parts(code)
        return {"gtin": gtin, "symbol": symbol, "voice_pick_code": code, "vpc_small": small, "vpc_large": large}
