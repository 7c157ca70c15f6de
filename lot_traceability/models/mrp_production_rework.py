from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.server_write import is_server_write

# Written by stock.lot._create_rework_production only: they open the release gate for the lot reworked.
REWORK_FIELDS = {"is_rework", "rework_lot_id", "rework_signature_id"}


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    is_rework = fields.Boolean(
        "Rework",
        readonly=True,
        copy=False,
        help="Made by the Rework action of a lot on hold (a QA hold or a recall): it may consume that lot, and that "
        "lot only, although it is not released. What it produces is a new lot, pending release.",
    )
    rework_lot_id = fields.Many2one(
        "stock.lot",
        "Reworked Lot",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The lot on hold this rework order was made for: the only lot on hold it may consume.",
    )
    rework_signature_id = fields.Many2one(
        "stock.lot.qc.signature",
        "Hold Signature",
        readonly=True,
        copy=False,
        help="The signed QA hold of the reworked lot, when a signature put it on hold.",
    )
    rework_origin = fields.Char(
        "Rework Of", compute="_compute_rework_origin", help="The lot reworked and what held it."
    )

    @api.depends("is_rework", "rework_lot_id", "rework_signature_id")
    def _compute_rework_origin(self):
        for production in self:
            production.rework_origin = (
                self.env._(
                    "Rework of %(lot)s for %(origin)s",
                    lot=production.rework_lot_id.name,
                    origin=production._get_rework_hold_name(),
                )
                if production.is_rework
                else False
            )

    def _get_rework_hold_name(self):
        """What held the reworked lot, as the order shows it; the recall addon names its recall."""
        self.ensure_one()
        if self.rework_signature_id:
            return self.env._(
                "QA hold signed by %(signer)s on %(date)s",
                signer=self.rework_signature_id.sudo().signer_name,
                date=fields.Datetime.to_string(self.rework_signature_id.sudo().signed_at),
            )
        return self.env._("QA hold")

    @api.model_create_multi
    def create(self, vals_list):
        if any(REWORK_FIELDS & set(vals) for vals in vals_list):
            self._check_rework_write()
        return super().create(vals_list)

    def write(self, vals):
        if REWORK_FIELDS & set(vals):
            self._check_rework_write()
        return super().write(vals)

    @api.model
    def _check_rework_write(self):
        if not is_server_write("mrp.production.rework"):
            raise UserError(
                self.env._(
                    "A manufacturing order becomes a rework order only through the Rework action of a lot on hold; "
                    "the rework mark and its lot are never set or changed by hand."
                )
            )

    @api.onchange("product_id", "move_raw_ids", "never_product_template_attribute_value_ids")
    def _onchange_product_id(self):
        # Odoo drops a component that is the product made; a rework makes its own product from it on purpose.
        if self.is_rework:
            return None
        return super()._onchange_product_id()

    def copy(self, default=None):
        # Odoo's Duplicate keeps the components; a rework order is made for one hold only, by its action.
        reworks = self.filtered("is_rework")
        if reworks:
            raise UserError(
                self.env._(
                    "Rework orders %(orders)s cannot be duplicated: use the Rework action of the lot on hold.",
                    orders=", ".join(reworks.mapped("name")),
                )
            )
        return super().copy(default=default)
