from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.lot_numbering import compose_lot_name


class StockLotNumberingRule(models.Model):
    """How new lots of a product or category are named when nobody typed a name.

    Applied on receipts (operation types that create lots) and on manufacturing orders.
    """

    _name = "stock.lot.numbering.rule"
    _description = "Lot Numbering Rule"
    _check_company_auto = True
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    prefix = fields.Char(help="Text put before the date code, e.g. 'FG'.")
    date_source = fields.Selection(
        [
            ("production", "Production date"),
            ("operation", "Receipt or manufacturing date"),
        ],
        default="production",
        required=True,
        help="Production date: the supplier's production date on receipts, the manufacturing "
        "order's start on production. Receipt or manufacturing date: the day the lot is created.",
    )
    date_format = fields.Selection(
        [
            ("none", "No date code"),
            ("yymmdd", "YYMMDD (241231)"),
            ("yyyymmdd", "YYYYMMDD (20241231)"),
            ("yyddd", "YYDDD, Julian (24366)"),
            ("yyyyddd", "YYYYDDD, Julian (2024366)"),
            ("yyww", "YYWW, week (2452)"),
        ],
        default="yymmdd",
        required=True,
    )
    line_code = fields.Char("Line / Site Code", help="Code of the production line or site, e.g. 'L2' or 'BCN'.")
    separator = fields.Char(default="-", help="Put between the date code, the line code and the number.")
    padding = fields.Integer(default=4, required=True, help="Digits of the sequence number.")
    sequence_id = fields.Many2one("ir.sequence", readonly=True, copy=False, ondelete="restrict", check_company=True)
    number_next = fields.Integer("Next Number", related="sequence_id.number_next_actual", readonly=False)
    product_tmpl_ids = fields.One2many("product.template", "lot_numbering_rule_id", "Products")
    categ_ids = fields.One2many("product.category", "lot_numbering_rule_id", "Product Categories")
    preview = fields.Char(
        compute="_compute_preview", help="The name the next lot would get today (no number is used up)."
    )

    @api.constrains("padding")
    def _check_padding(self):
        for rule in self:
            if not 1 <= rule.padding <= 12:
                raise ValidationError(self.env._("The sequence padding must be between 1 and 12 digits."))

    @api.constrains("prefix", "line_code", "separator")
    def _check_printable_parts(self):
        for rule in self:
            for part in (rule.prefix, rule.line_code, rule.separator):
                if part and any(char.isspace() for char in part):
                    raise ValidationError(
                        self.env._(
                            "Lot names are printed in barcodes, which cannot carry spaces: remove the "
                            "spaces from '%(part)s'.",
                            part=part,
                        )
                    )

    @api.depends("prefix", "date_format", "line_code", "separator", "padding", "number_next")
    def _compute_preview(self):
        today = fields.Date.context_today(self)
        for rule in self:
            rule.preview = rule._compose_name(rule.number_next or 1, today)

    def _compose_name(self, number, date):
        self.ensure_one()
        return compose_lot_name(
            number,
            date=date,
            date_format=self.date_format,
            prefix=self.prefix,
            line_code=self.line_code,
            separator=self.separator,
            padding=self.padding,
        )

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        for rule in rules:
            rule.sequence_id = self.env["ir.sequence"].sudo().create(rule._prepare_sequence_vals())
        return rules

    def _prepare_sequence_vals(self):
        self.ensure_one()
        return {
            "name": self.env._("Lot numbering: %(rule)s", rule=self.name),
            "code": "stock.lot.numbering.rule",
            "implementation": "no_gap",
            "padding": 0,
            "number_increment": 1,
            "company_id": self.company_id.id,
        }

    def _generate_lot_names(self, product, dates):
        """Return one new lot name per date in ``dates`` for ``product``, skipping existing names."""
        self.ensure_one()
        sequence = self.sequence_id.sudo()
        names = []
        for date in dates:
            names.append(self._compose_name(int(sequence.next_by_id()), date))
        # A name typed by hand earlier may already exist: take the next numbers instead.
        taken = set(
            self.env["stock.lot"].sudo().search([("product_id", "=", product.id), ("name", "in", names)]).mapped("name")
        )
        for index, (name, date) in enumerate(zip(names, dates, strict=True)):
            while name in taken or names.count(name) > 1:
                name = self._compose_name(int(sequence.next_by_id()), date)
                names[index] = name
                if (
                    self.env["stock.lot"]
                    .sudo()
                    .search_count([("product_id", "=", product.id), ("name", "=", name)], limit=1)
                ):
                    taken.add(name)
        return names
