"""Pickings and manufacturing orders made through Odoo's own server API, the way users make them.

One builder for everything that makes stock operations outside the user interface: the demo data
(``demo/``) and the tests' common helpers call it, so both go through the same path.
"""

from odoo import Command


def prepare_picking_vals(
    picking_type, partner, quantities, source=None, destination=None, origin=False, scheduled_date=False
):
    """Values of a picking of ``picking_type`` with one move per ``(product, quantity)`` of ``quantities``,
    from ``source`` to ``destination`` (the type's default locations when not given); ``partner`` may be
    empty, ``scheduled_date`` False for now."""
    source = source or picking_type.default_location_src_id
    destination = destination or picking_type.default_location_dest_id
    return {
        "picking_type_id": picking_type.id,
        "partner_id": partner.id if partner else False,
        "origin": origin,
        "location_id": source.id,
        "location_dest_id": destination.id,
        **({"scheduled_date": scheduled_date} if scheduled_date else {}),
        "move_ids": [
            Command.create(
                {
                    "name": product.name,
                    "product_id": product.id,
                    "product_uom_qty": quantity,
                    "product_uom": product.uom_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                }
            )
            for product, quantity in quantities
        ],
    }


def create_pickings(env, vals_list, assign=False):
    """Pickings created from ``vals_list`` (see prepare_picking_vals) and confirmed; reserved as Odoo's
    automatic reservation decides when ``assign``."""
    pickings = env["stock.picking"].create(vals_list)
    pickings.action_confirm()
    if assign:
        pickings.action_assign()
    return pickings


def set_move_lines(moves, line_vals_list):
    """The detailed operations of ``moves`` replaced by the lines of ``line_vals_list`` (each with its
    ``move_id``, marked picked), as a user types or scans them; returns the lines."""
    moves.move_line_ids.unlink()
    lines = moves.env["stock.move.line"].create([dict(vals, picked=True) for vals in line_vals_list])
    return lines


def line_vals(move, quantity, lot=None, **values):
    """Values of a detailed operation of ``move``: ``quantity`` of its product, from its source to its
    destination, of ``lot`` when given; ``values`` complete or override them."""
    return {
        "move_id": move.id,
        "picking_id": move.picking_id.id,
        "product_id": move.product_id.id,
        "product_uom_id": move.product_id.uom_id.id,
        "location_id": move.location_id.id,
        "location_dest_id": move.location_dest_id.id,
        "quantity": quantity,
        **({"lot_id": lot.id} if lot else {}),
        **values,
    }


def produce(bom, quantity, lot=None, components=None, minutes=None, date_start=None, lot_values=None):
    """A manufacturing order of ``quantity`` by ``bom``, done at once; returns it.

    ``lot`` is the lot it makes (when not given, a new one named by the product's numbering rule, made of
    the order's lot values completed by ``lot_values``);
    ``components`` the component lots it consumes, as ``(lot, quantity)`` pairs (what Odoo reserves when
    not given); ``minutes`` of work on its work orders; ``date_start`` when it starts (now when not given).
    """
    env = bom.env
    product = bom.product_id or bom.product_tmpl_id.product_variant_id
    production = env["mrp.production"].create(
        {
            "product_id": product.id,
            "product_qty": quantity,
            "bom_id": bom.id,
            **({"date_start": date_start} if date_start else {}),
        }
    )
    production.action_confirm()
    if components is None:
        production.action_assign()
    if lot:
        production.lot_producing_id = lot
    elif lot_values:
        production.lot_producing_id = env["stock.lot"].create({**production._prepare_stock_lot_values(), **lot_values})
    else:
        production.action_generate_serial()
    production.qty_producing = quantity
    production._set_qty_producing()
    if components is not None:
        moves = {move.product_id: move for move in production.move_raw_ids}
        set_move_lines(
            production.move_raw_ids,
            [
                line_vals(moves[component.product_id], component_quantity, component)
                for component, component_quantity in components
            ],
        )
    production.move_raw_ids.picked = True
    if minutes is not None:
        production.workorder_ids.duration = minutes
    production.button_mark_done()
    return production
