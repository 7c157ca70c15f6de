from collections import defaultdict

from odoo import Command, api, models
from odoo.addons.lot_traceability.tools.server_write import server_write
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, formatLang


class StockLotRecall(models.Model):
    """Recovery: notify the customers, take the goods back through returns, destroy what is left."""

    _inherit = "stock.lot.recall"

    def _check_shipments_have_customers(self):
        self.ensure_one()
        unnamed = self.shipment_ids.filtered(lambda shipment: not shipment.partner_id)
        if unnamed:
            raise UserError(
                self.env._(
                    "Deliveries %(pickings)s name no customer: set their customer so that the recall can "
                    "notify it and take the goods back.",
                    pickings=", ".join(unnamed.mapped(lambda shipment: shipment.picking_id.name or "?")),
                )
            )

    def _get_customers_to_notify(self):
        """The customers of the shipments in scope not notified yet; a UserError when a delivery names no
        customer, a customer has no e-mail address, or everyone was notified."""
        self.ensure_one()
        self._check_shipments_have_customers()
        customers = self.shipment_ids.partner_id.commercial_partner_id - self.notification_ids.partner_id
        without_email = customers.filtered(lambda partner: not partner.email)
        if without_email:
            raise UserError(
                self.env._(
                    "Customers %(customers)s have no e-mail address: add one to each, then notify again. "
                    "Nothing was sent.",
                    customers=", ".join(without_email.mapped("display_name")),
                )
            )
        if not customers:
            raise UserError(
                self.env._("Every customer of recall %(recall)s has already been notified.", recall=self.name)
            )
        return customers

    def action_open_notify_wizard(self):
        """Preview the notices (per customer: lots, quantities, instructions, link) before sending them."""
        self.ensure_one()
        self._check_recall_manager()
        self._check_open_real_recall("notify")
        customers = self._get_customers_to_notify()
        wizard = self.env["stock.lot.recall.notify.wizard"].create(
            {
                "recall_id": self.id,
                "link_example": f"{self.get_base_url()}/recall/acknowledge/…?token=…",
                "line_ids": [Command.create(values) for values in self._prepare_notice_previews(customers)],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Notify Customers of %(recall)s", recall=self.name),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _prepare_notice_previews(self, customers):
        """Values of one preview line per customer: the lots they received and the quantities per unit."""
        lots, quantities = defaultdict(set), defaultdict(lambda: defaultdict(float))
        for shipment in self.shipment_ids:
            customer = shipment.partner_id.commercial_partner_id
            lots[customer].add(shipment.lot_id.name)
            quantities[customer][shipment.product_uom_id] += shipment.quantity
        return [
            {
                "partner_id": customer.id,
                "lots": ", ".join(sorted(lots[customer])),
                "quantities": ", ".join(
                    f"{formatLang(self.env, quantity)} {uom.name}" for uom, quantity in quantities[customer].items()
                ),
            }
            for customer in customers
        ]

    def action_notify(self):
        """Send every customer not notified yet one notice listing their lots, with an acknowledgement link,
        and plan a follow-up activity for the notices still unanswered after the reminder delay."""
        self._check_recall_manager()
        self._check_open_real_recall("notify")
        for recall in self:
            customers = recall._get_customers_to_notify()
            with server_write("stock.lot.recall.notification"):
                notifications = self.env["stock.lot.recall.notification"].create(
                    [{"recall_id": recall.id, "partner_id": partner.id} for partner in customers]
                )
            notifications._send_notice()
            notifications._schedule_follow_up()
            recall._log_event(
                self.env._(
                    "Recall notice queued for %(count)s customers: %(customers)s. Each notice shows when its e-mail "
                    "has left (or failed).",
                    count=len(customers),
                    customers=", ".join(customers.mapped("display_name")),
                )
            )
            if recall.state == "confirmed":
                recall._write_server({"state": "notified"})
        return True

    def action_remind_unanswered(self):
        """E-mail the notice again to every customer who has not acknowledged it: notices sent, and notices whose
        e-mail failed or bounced (retried). Notices still in the outgoing queue are left to it."""
        self.ensure_one()
        to_remind = self.notification_ids.filtered(lambda notification: notification.state in ("sent", "failed"))
        if not to_remind:
            raise UserError(
                self.env._(
                    "No notice to remind: every customer of %(recall)s answered, or their notice still waits in "
                    "the outgoing mail queue.",
                    recall=self.name,
                )
            )
        to_remind.action_remind()
        return True

    def action_view_notifications(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Notifications"),
            "res_model": "stock.lot.recall.notification",
            "view_mode": "list,form",
            "domain": [("recall_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Recover: returns from customers, destruction
    # ------------------------------------------------------------------

    def _get_recall_location(self):
        self.ensure_one()
        if not self.recall_location_id:
            warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)], limit=1)
            if not warehouse:
                raise UserError(
                    self.env._("Company %(company)s has no warehouse to receive returns.", company=self.company_id.name)
                )
            self.recall_location_id = warehouse._get_recall_location()
        return self.recall_location_id

    def _get_quantities_to_return(self):
        """{(delivery move, lot): quantity} to take back: shipped in scope and not yet in a return of that
        delivery (one of this recall's, or any other: Odoo's return of what the customer sent back, which
        its credit note already counted), and for a customer who acknowledged, no more than what they said
        they still hold after this recall's returns (taken from their latest deliveries first)."""
        self.ensure_one()
        to_return = defaultdict(float)
        for shipment in self.shipment_ids:
            to_return[shipment.move_line_id.move_id, shipment.lot_id] += shipment.quantity
        own_returns = self.return_picking_ids.filtered(lambda picking: picking.state != "cancel")
        returning = self.env["stock.move.line"].search(
            [
                ("move_id.origin_returned_move_id", "in", [move.id for move, _lot in to_return]),
                ("move_id.state", "!=", "cancel"),
            ]
        )
        returning_by_customer = defaultdict(float)
        for line in returning:
            key = line.move_id.origin_returned_move_id, line.lot_id
            if key in to_return:
                to_return[key] -= line.quantity_product_uom
                if line.picking_id in own_returns:
                    returning_by_customer[self._get_move_customer(key[0])] += line.quantity_product_uom
        declared = {
            notification.partner_id.commercial_partner_id: notification.customer_quantity_on_hand
            for notification in self.notification_ids
            if notification.state == "acknowledged"
        }
        left = {
            customer: max(quantity - returning_by_customer[customer], 0.0) for customer, quantity in declared.items()
        }
        quantities = {}
        for key in sorted(to_return, key=lambda key: key[0].date, reverse=True):
            move, lot = key
            quantity = to_return[key]
            customer = self._get_move_customer(move)
            if customer in left:
                quantity = min(quantity, left[customer])
                left[customer] -= max(quantity, 0.0)
            if quantity > 0 and not float_is_zero(quantity, precision_rounding=lot.product_id.uom_id.rounding):
                quantities[key] = quantity
        return quantities

    @api.model
    def _get_move_customer(self, move):
        """The customer (commercial partner) a delivery move shipped to."""
        return (move.picking_id.partner_id or move.partner_id).commercial_partner_id

    def action_create_returns(self):
        """One return per customer, from the customer to the recall location, for the shipped quantities
        not returned yet, with the lots already set: the warehouse only has to validate it."""
        self._check_recall_manager()
        self._check_open_real_recall("return")
        for recall in self:
            # The returns belong to the recall's company, whichever companies the user has selected.
            recall.with_company(recall.company_id)._create_returns()
        return self.action_view_returns() if len(self) == 1 else True

    def _create_returns(self):
        """The returns of one recall, in the environment's company (the recall's)."""
        self.ensure_one()
        self._check_shipments_have_customers()
        to_return = self._get_quantities_to_return()
        if not to_return:
            raise UserError(
                self.env._(
                    "Every shipped quantity of %(recall)s already has a return, or the customers who answered "
                    "hold none of it any more.",
                    recall=self.name,
                )
            )
        destination = self._get_recall_location()
        picking_type = destination.warehouse_id.in_type_id
        # One return per delivery, linked to it as Odoo's own returns are (return_id on the transfer,
        # origin_returned_move_id on each move), so that Odoo's reports count what came back.
        per_delivery = defaultdict(lambda: defaultdict(list))
        for (move, lot), quantity in to_return.items():
            per_delivery[move.picking_id][move].append((lot, quantity))
        pickings_vals = []
        for delivery, moves in per_delivery.items():
            partner = delivery.partner_id or next(iter(moves)).partner_id
            source = partner.property_stock_customer
            pickings_vals.append(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": partner.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "origin": self.name,
                    "return_id": delivery.id,
                    "lot_recall_id": self.id,
                    "company_id": self.company_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.name,
                                "product_id": move.product_id.id,
                                "product_uom": move.product_id.uom_id.id,
                                "product_uom_qty": sum(quantity for _lot, quantity in lot_lines),
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                                "origin_returned_move_id": move.id,
                                "procure_method": "make_to_stock",
                                # As Odoo's return with "Update quantities on SO": the sale line's delivered
                                # quantity drops, so that its credit note (sale_stock) names the returned lots.
                                "sale_line_id": move.sale_line_id.id,
                                "to_refund": bool(move.sale_line_id),
                            }
                        )
                        for move, lot_lines in moves.items()
                    ],
                }
            )
        with server_write("stock.lot.recall"):
            pickings = self.env["stock.picking"].create(pickings_vals)
        # The lines carry the lots shipped, so the warehouse only validates what comes back.
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": move.picking_id.id,
                    "product_id": move.product_id.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
                for move in pickings.move_ids
                for lot, quantity in per_delivery[move.origin_returned_move_id.picking_id][move.origin_returned_move_id]
            ]
        )
        pickings.action_confirm()
        self._write_server({"state": "recovering"})
        self._log_event(
            self.env._(
                "Returns created for %(count)s customers: %(pickings)s.",
                count=len(pickings.partner_id.commercial_partner_id),
                pickings=", ".join(pickings.mapped("name")),
            )
        )

    def action_view_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action.update(domain=[("lot_recall_id", "=", self.id)], context={"create": False})
        return action

    def _get_held_quants(self):
        """Stock of the affected lots in this company's internal locations: what destruction scraps."""
        self.ensure_one()
        return self.env["stock.quant"].search(
            [
                ("lot_id", "in", self.affected_lot_ids.ids),
                ("location_id.usage", "=", "internal"),
                ("company_id", "=", self.company_id.id),
                ("quantity", ">", 0),
            ]
        )

    def action_destroy(self):
        """Scrap every unit of the affected lots still in stock (held or recovered), through Odoo's scrap
        orders: the stock valuation books the loss."""
        self._check_recall_manager()
        self._check_open_real_recall("destroy")
        for recall in self:
            quants = recall._get_held_quants()
            if not quants:
                raise UserError(self.env._("No unit of the affected lots is left in stock to destroy."))
            reserved = quants.filtered(lambda quant: quant.reserved_quantity > 0)
            if reserved:
                raise UserError(
                    self.env._(
                        "Lots %(lots)s are reserved by an operation: cancel its reservation first.",
                        lots=", ".join(reserved.lot_id.mapped("name")),
                    )
                )
            with server_write("stock.lot.recall"):
                scraps = self.env["stock.scrap"].create(
                    [
                        {
                            "product_id": quant.product_id.id,
                            "product_uom_id": quant.product_id.uom_id.id,
                            "lot_id": quant.lot_id.id,
                            "location_id": quant.location_id.id,
                            "package_id": quant.package_id.id,
                            "owner_id": quant.owner_id.id,
                            "scrap_qty": quant.quantity,
                            "company_id": quant.company_id.id,
                            "origin": recall.name,
                            "lot_recall_id": recall.id,
                        }
                        for quant in quants
                    ]
                )
            scraps.do_scrap()
            recall._log_event(
                self.env._(
                    "%(count)s scrap orders destroyed the remaining stock: %(scraps)s.",
                    count=len(scraps),
                    scraps=", ".join(scraps.mapped("name")),
                )
            )
        self.action_compute_balance()
        return True
