import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import { click, edit, press, queryAllTexts, queryOne } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import { getService, mountWithCleanup, onRpc } from "@web/../tests/web_test_helpers";
import { WebClient } from "@web/webclient/webclient";

describe.current.tags("desktop");
defineMailModels();

// Nodes and moves as stock.lot.get_genealogy_roots / _children / _moves send them.
function lotNode(id, name, values = {}) {
    return {
        id,
        name,
        product: "Whole Milk",
        product_id: 10,
        quantity: 20,
        uom: "L",
        production_date: false,
        expiration_date: "2026-04-20 12:00:00",
        create_date: "2026-03-01 09:00:00",
        qc_state: "released",
        qc_state_label: "Released",
        supplier_lot: false,
        recalls: [],
        upstream_count: 0,
        downstream_count: 0,
        upstream_move_count: 0,
        downstream_move_count: 0,
        ...values,
    };
}

function move(id, kind, reference, values = {}) {
    return {
        id,
        date: "2026-03-01 09:00:00",
        kind,
        kind_label: kind,
        reference,
        document_model: "stock.picking",
        document_id: id,
        location: "WH/Stock",
        location_dest: "Partners/Customers",
        partner: false,
        partner_id: false,
        quantity: 10,
        uom: "Units",
        ...values,
    };
}

const YOGURT = lotNode(2, "YOG-1", {
    product: "Strawberry Yogurt",
    quantity: 0,
    uom: "Units",
    link_quantity: 10,
    qc_state: "on_hold",
    qc_state_label: "On Hold",
    downstream_move_count: 1,
});

function milkRoot(values = {}) {
    return {
        ...lotNode(1, "MILK-777", { supplier_lot: "AD-777", downstream_count: 1, upstream_move_count: 1 }),
        upstream: [],
        downstream: [YOGURT],
        moves: {
            upstream: [
                move(11, "receipt", "WH/IN/00001", {
                    location: "Partners/Vendors",
                    location_dest: "WH/Stock",
                    partner: "Alpine Dairy Cooperative",
                    partner_id: 7,
                    quantity: 20,
                    uom: "L",
                }),
            ],
            downstream: [],
        },
        ...values,
    };
}

async function openGenealogy(root = milkRoot()) {
    onRpc("stock.lot", "get_genealogy_roots", ({ args }) => {
        expect.step(`roots ${JSON.stringify(args)}`);
        return { title: "Genealogy of MILK-777", root_ids: [root.id], roots: [root] };
    });
    await mountWithCleanup(WebClient);
    await getService("action").doAction({
        type: "ir.actions.client",
        tag: "lot_traceability_genealogy",
        context: { active_model: "stock.lot", active_id: 1 },
    });
    await animationFrame();
}

function row(lotId) {
    return `.o_lot_genealogy_row[data-lot-id="${lotId}"]`;
}

test("the lot opens with its direct links and moves, as the server sent them", async () => {
    await openGenealogy();
    expect.verifySteps(['roots ["stock.lot",[1]]']);
    expect(".o_lot_genealogy_title").toHaveText("Genealogy of MILK-777");
    expect(".o_lot_genealogy_root_link").toHaveText("MILK-777");
    expect(".o_lot_genealogy_root_details").toHaveText(/supplier lot AD-777/);
    // Upstream: the supplier's receipt, and no lot it was made from.
    expect(".o_lot_genealogy_upstream .o_lot_genealogy_move").toHaveCount(1);
    expect(".o_lot_genealogy_upstream .o_lot_genealogy_move").toHaveAttribute("data-kind", "receipt");
    expect(".o_lot_genealogy_upstream .o_lot_genealogy_document").toHaveText("WH/IN/00001");
    expect(".o_lot_genealogy_upstream .o_lot_genealogy_partner").toHaveText("Alpine Dairy Cooperative");
    expect(".o_lot_genealogy_upstream .o_lot_genealogy_empty").toHaveText("Not made from another lot.");
    // Downstream: the yogurt lot made from it, with the quantity linking them and its QC state.
    expect(`.o_lot_genealogy_downstream ${row(2)}`).toHaveCount(1);
    expect(`${row(2)} .o_lot_genealogy_lot_link`).toHaveText("YOG-1");
    expect(queryAllTexts(`${row(2)} td`).slice(1, 4)).toEqual(["Strawberry Yogurt", "10.00", "0.00 Units"]);
    expect(`${row(2)} .o_lot_genealogy_qc`).toHaveText("On Hold");
    expect(`${row(2)} .o_lot_genealogy_qc`).toHaveClass("text-bg-danger");
    expect(`${row(2)} .o_lot_genealogy_move_count`).toHaveText("1");
});

test("unfolding a lot reads its children and moves once; folding hides them", async () => {
    onRpc("stock.lot", "get_genealogy_children", ({ args }) => {
        expect.step(`children ${JSON.stringify(args)}`);
        return { 2: [] };
    });
    onRpc("stock.lot", "get_genealogy_moves", ({ args }) => {
        expect.step(`moves ${JSON.stringify(args)}`);
        return { 2: [move(21, "delivery", "WH/OUT/00001", { partner: "Fresh Market Stores", partner_id: 8 })] };
    });
    await openGenealogy();
    expect.verifySteps(['roots ["stock.lot",[1]]']);
    expect(".o_lot_genealogy_moves_row").toHaveCount(0);

    await click(`${row(2)} .o_lot_genealogy_toggle`);
    await animationFrame();
    expect.verifySteps(['children [[2],"downstream"]', 'moves [[2],"downstream"]']);
    expect(".o_lot_genealogy_moves_row .o_lot_genealogy_move").toHaveAttribute("data-kind", "delivery");
    expect(".o_lot_genealogy_moves_row .o_lot_genealogy_document").toHaveText("WH/OUT/00001");
    expect(".o_lot_genealogy_moves_row .o_lot_genealogy_partner").toHaveText("Fresh Market Stores");

    await click(`${row(2)} .o_lot_genealogy_toggle`);
    await animationFrame();
    expect(".o_lot_genealogy_moves_row").toHaveCount(0);
    await click(`${row(2)} .o_lot_genealogy_toggle`);
    await animationFrame();
    expect(".o_lot_genealogy_moves_row").toHaveCount(1);
    expect.verifySteps([]); // already loaded: no second request
});

test("a lot already above in its branch is marked as a cycle and cannot be unfolded", async () => {
    const looping = lotNode(1, "MILK-777", { link_quantity: 5, downstream_count: 1 });
    await openGenealogy(milkRoot({ downstream: [looping], downstream_count: 1 }));
    expect.verifySteps(['roots ["stock.lot",[1]]']);
    expect(`.o_lot_genealogy_downstream ${row(1)} .fa-refresh`).toHaveCount(1);
    expect(`.o_lot_genealogy_downstream ${row(1)} .o_lot_genealogy_toggle`).toHaveCount(0);
    expect(`.o_lot_genealogy_downstream ${row(1)} .o_lot_genealogy_count`).toHaveCount(0);
});

test("a search lists the server's matches and reveals the one chosen", async () => {
    onRpc("stock.lot", "search_genealogy", ({ args }) => {
        expect.step(`search ${JSON.stringify(args)}`);
        return [{ direction: "downstream", path: [1, 2], node: YOGURT }];
    });
    await openGenealogy();
    await click(".o_lot_genealogy_search_input");
    await edit("yogurt");
    await press("Enter");
    await animationFrame();
    expect.verifySteps(['roots ["stock.lot",[1]]', 'search [[1],"yogurt"]']);
    expect(".o_lot_genealogy_match").toHaveCount(1);
    expect(".o_lot_genealogy_match").toHaveText(/YOG-1 · Strawberry Yogurt · downstream, level 1/);
    await click(".o_lot_genealogy_match");
    await animationFrame();
    expect(".o_lot_genealogy_matches").toHaveCount(0);
    expect(".o_lot_genealogy_highlighted").toHaveAttribute("data-lot-id", "2");
});

test("print sends the lots unfolded on screen", async () => {
    onRpc("stock.lot", "action_print_genealogy_tree", ({ args }) => {
        expect.step(`print ${JSON.stringify(args)}`);
        return { type: "ir.actions.act_window_close" };
    });
    await openGenealogy();
    await click(".o_lot_genealogy_print");
    await animationFrame();
    expect.verifySteps([
        'roots ["stock.lot",[1]]',
        'print [[1],{"upstream":[1],"downstream":[1]}]',
    ]);
    expect(queryOne(".o_lot_genealogy_title")).toHaveText("Genealogy of MILK-777");
});
