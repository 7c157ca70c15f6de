from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.arguments import check_datetime, check_id


class StockLot(models.Model):
    _inherit = "stock.lot"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_lots_in_location(self, location, date_from, date_to):
        """The lots that were in ``location`` or any of its children at some moment between
        ``date_from`` and ``date_to``: moved into or out of that subtree during the period, or on
        hand in it when the period began (net done quantity into the subtree before ``date_from``).

        Answers incident scoping (contamination, temperature excursion, pests) in one query over
        done move lines, in the user's companies. Returns a ``stock.lot`` recordset.

        :param location: a ``stock.location`` record or id the user may read
        :param date_from: a datetime, a date or an ISO string; so is ``date_to``
        """
        if not location:
            raise UserError(self.env._("Choose the location of the incident."))
        location = self.env["stock.location"].browse(check_id(self.env, location, self.env._("the location")))
        location.check_access("read")
        if not date_from or not date_to:
            raise UserError(self.env._("Give both the start and the end of the incident period."))
        date_from = check_datetime(self.env, date_from, self.env._("the start of the incident period"))
        date_to = check_datetime(self.env, date_to, self.env._("the end of the incident period"))
        if date_from > date_to:
            raise UserError(
                self.env._(
                    "The incident period is reversed: it starts on %(start)s, after its end on %(end)s.",
                    start=fields.Datetime.to_string(date_from),
                    end=fields.Datetime.to_string(date_to),
                )
            )
        self.env["stock.move.line"].flush_model(
            ["state", "lot_id", "company_id", "date", "location_id", "location_dest_id", "quantity_product_uom"]
        )
        self.env["stock.location"].flush_model(["parent_path"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH subtree AS (SELECT id FROM stock_location WHERE parent_path LIKE %(path)s),
                     moves AS (
                        SELECT line.lot_id, line.date, line.quantity_product_uom AS quantity,
                               line.location_id IN (SELECT id FROM subtree) AS from_inside,
                               line.location_dest_id IN (SELECT id FROM subtree) AS to_inside
                          FROM stock_move_line line
                         WHERE line.state = 'done'
                           AND line.lot_id IS NOT NULL
                           AND line.company_id = ANY(%(company_ids)s)
                           AND line.date <= %(date_to)s
                           AND (line.location_id IN (SELECT id FROM subtree)
                                OR line.location_dest_id IN (SELECT id FROM subtree))
                     )
                SELECT lot_id
                  FROM moves
                 GROUP BY lot_id
                HAVING BOOL_OR(date >= %(date_from)s)
                    OR SUM(CASE WHEN date < %(date_from)s
                                THEN quantity * (to_inside::int - from_inside::int) ELSE 0 END) > 0
                 ORDER BY lot_id
                """,
                path=f"{location.parent_path}%",
                company_ids=self.env.companies.ids,
                date_from=date_from,
                date_to=date_to,
            )
        )
        return self.browse(row[0] for row in rows)
