from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import iso2859

SAMPLING_LEVELS = [(level, level) for level in iso2859.LEVELS]
SAMPLING_FIELDS = ("sampling_plan", "sampling_level", "sampling_aql", "sampling_skip_after", "sampling_skip_every")


class StockLotQcSpec(models.Model):
    """A sampling plan on a QC specification: ISO 2859-1 / ANSI Z1.4 single sampling by attributes."""

    _inherit = "stock.lot.qc.spec"

    sampling_plan = fields.Boolean(
        help="Lots received from a supplier get a sampling check: how many units to inspect (ISO 2859-1 single "
        "sampling) and the decision the number of nonconforming units gives.",
    )
    sampling_level = fields.Selection(
        SAMPLING_LEVELS, "Inspection Level", default="II", help="General levels I, II, III or special S-1 to S-4."
    )
    sampling_aql = fields.Float(
        "AQL",
        digits=(16, 3),
        default=1.0,
        help="Acceptance quality limit, one of the standard's values: 0.010, 0.015, ... 650, 1000.",
    )
    sampling_reduced_allowed = fields.Boolean(
        "Reduced Inspection Approved",
        help="The responsible authority approves reduced inspection for a steady production: after 10 consecutive "
        "accepted lots a supplier's product moves to reduced inspection (classic rule, not the switching score).",
    )
    sampling_skip_after = fields.Integer(
        "Skip-Lot After",
        help="Skip-lot: after this many consecutive accepted lots of a supplier's product, only every k-th lot is "
        "inspected. 0: no skip-lot.",
    )
    sampling_skip_every = fields.Integer(
        "Inspect Every k-th Lot", default=2, help="Under skip-lot, one lot in this many is inspected."
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_sampling_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_sampling_vals(vals)
        return super().write(vals)

    @api.model
    def _check_sampling_vals(self, vals):
        """An inspection level or an AQL outside the standard's tables is refused before anything is written."""
        if "sampling_aql" in vals:
            try:
                iso2859.normalize_aql(vals["sampling_aql"])
            except iso2859.SamplingError:
                raise ValidationError(
                    self.env._(
                        "AQL %(aql)s is not in the standard's tables. Use one of %(aqls)s.",
                        aql=vals["sampling_aql"],
                        aqls=", ".join(iso2859.AQL_LABELS),
                    )
                ) from None
        level = vals.get("sampling_level")
        if level and level not in iso2859.LEVELS:
            raise ValidationError(
                self.env._(
                    "Inspection level %(level)s is not one of the standard's: %(levels)s.",
                    level=level,
                    levels=", ".join(iso2859.LEVELS),
                )
            )

    @api.constrains(*SAMPLING_FIELDS, "product_tmpl_id")
    def _check_sampling_plan(self):
        for spec in self.filtered("sampling_plan"):
            try:
                iso2859.normalize_aql(spec.sampling_aql)
            except iso2859.SamplingError:
                raise ValidationError(
                    self.env._(
                        "Specification %(spec)s: AQL %(aql)s is not in the standard's tables. Use one of %(aqls)s.",
                        spec=spec.name,
                        aql=spec.sampling_aql,
                        aqls=", ".join(iso2859.AQL_LABELS),
                    )
                ) from None
            if spec.sampling_level not in iso2859.LEVELS:
                raise ValidationError(
                    self.env._(
                        "Specification %(spec)s: choose the inspection level of its sampling plan.", spec=spec.name
                    )
                )
            if spec.product_tmpl_id and spec.product_tmpl_id.tracking != "lot":
                raise ValidationError(
                    self.env._(
                        "Specification %(spec)s: %(product)s is not tracked by lots; a sampling plan decides on lots. "
                        "Track the product by lots first.",
                        spec=spec.name,
                        product=spec.product_tmpl_id.display_name,
                    )
                )
            if spec.sampling_skip_after < 0 or (spec.sampling_skip_after and spec.sampling_skip_every < 2):
                raise ValidationError(
                    self.env._(
                        "Specification %(spec)s: skip-lot needs a number of accepted lots (0 for none) and one lot "
                        "in 2 or more to inspect.",
                        spec=spec.name,
                    )
                )

    def _get_sampling_plan(self, lot_size, severity="normal"):
        """The plan of this specification for a lot of ``lot_size`` units (iso2859.SamplingPlan)."""
        self.ensure_one()
        try:
            return iso2859.sampling_plan(lot_size, self.sampling_level, self.sampling_aql, severity)
        except iso2859.SamplingError as error:
            raise ValidationError(
                self.env._("Specification %(spec)s: %(error)s", spec=self.name, error=str(error))
            ) from None
