from odoo import models
from odoo.exceptions import UserError


class StockLotCopyMixin(models.AbstractModel):
    """Records keeping a copy of their lot's data in a stored related field, so that searches, record rules
    and reports read it without a join: Odoo's quants (expiration and removal dates, which FEFO reservation
    sorts and filters on), QC checks (the lot's company, for record rules), complaints (the lot's product
    and supplier, for the analyses).

    The copy is the server's: the ORM recomputes it when the lot changes (without calling ``write``). A write
    of a different value, by RPC, an import or a form, is refused, since it would make the copy say something
    else than its lot: good stock hidden from reservation, a lot past its removal date offered first, a check
    moved out of its lot's company.
    """

    _name = "stock.lot.copy.mixin"
    _description = "Copy of Lot Data"
    # The stored related fields (lot_id.<...>) of the inheriting model that copy the lot's data.
    _lot_copy_fields = ()

    def write(self, vals):
        self._check_lot_copies_not_written(vals)
        return super().write(vals)

    def _check_lot_copies_not_written(self, vals):
        for name in self._lot_copy_fields:
            if name not in vals:
                continue
            field = self._fields[name]
            value = field.convert_to_cache(vals[name], self)
            changed = self.filtered(
                lambda record, field=field, value=value: field.convert_to_cache(record[field.name], record) != value
            )
            if changed:
                raise UserError(
                    self.env._(
                        "%(field)s is copied from lot %(lots)s by Odoo and cannot be changed here: change it on the "
                        "lot.",
                        field=field._description_string(self.env),
                        lots=", ".join(changed.lot_id.mapped("display_name")) or "-",
                    )
                )
