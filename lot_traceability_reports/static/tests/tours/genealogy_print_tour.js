/** @odoo-module **/
import { registry } from "@web/core/registry";
import { getReportUrl } from "@web/webclient/actions/reports/utils";

// The report action that Print sends, caught on its way to the download; the tour then downloads it
// itself (a file download blocks the headless browser's UI).
const HANDLER = "lot_traceability_genealogy_print_tour";
let printed = null;

async function readPrinted() {
    // Print asks the server for the action first: wait for it (5 s at most).
    for (let wait = 0; !printed && wait < 50; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    registry.category("ir.actions.report handlers").remove(HANDLER);
    if (!printed) {
        throw new Error("Print sent no report action.");
    }
    // The URL the web client downloads the PDF from (in test mode Odoo answers it with the report's HTML).
    const response = await fetch(getReportUrl(printed, "pdf"));
    if (!response.ok) {
        throw new Error(`The report answered ${response.status}.`);
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    return (page.querySelector("main") || page.body).textContent.replace(/\s+/g, " ");
}

// From the flour's form: its receipt and consumption, the dough and the bread unfolded with the bread's
// delivery, then Print: the report of the tree as unfolded, with the moves shown.
registry.category("web_tour.tours").add("lot_traceability_genealogy_print_tour", {
    steps: () => [
        {
            content: "Open the genealogy from the lot",
            trigger: ".o_form_view .o_form_statusbar button.o_lot_genealogy_button",
            run: "click",
        },
        {
            content: "Where the flour comes from: its receipt, naming the supplier",
            trigger:
                ".o_lot_genealogy_upstream .o_lot_genealogy_move:contains('Receipt'):contains('Genealogy Mills')",
        },
        {
            content: "Where it went: consumed by a manufacturing order",
            trigger: ".o_lot_genealogy_downstream .o_lot_genealogy_move:contains('Consumed in manufacturing')",
        },
        {
            content: "Unfold the dough",
            trigger: ".o_lot_genealogy_downstream .o_lot_genealogy_row:contains('DOUGH-TOUR') .o_lot_genealogy_toggle",
            run: "click",
        },
        {
            content: "Unfold the bread made from it",
            trigger: ".o_lot_genealogy_downstream .o_lot_genealogy_row:contains('BREAD-TOUR') .o_lot_genealogy_toggle",
            run: "click",
        },
        {
            content: "The bread's delivery names the customer",
            trigger:
                ".o_lot_genealogy_downstream .o_lot_genealogy_move:contains('Delivery'):contains('Genealogy Grocers')",
        },
        {
            content: "Print",
            trigger: ".o_lot_genealogy_print",
            async run(helpers) {
                printed = null;
                registry.category("ir.actions.report handlers").add(
                    HANDLER,
                    (action) => {
                        printed = action;
                        return true;
                    },
                    { force: true }
                );
                await helpers.click();
            },
        },
        {
            content: "The report Print opened is the tree as unfolded, with its moves and partners",
            trigger: ".o_lot_genealogy_title:contains('FLOUR-TOUR')",
            async run() {
                const text = await readPrinted();
                const expected = [
                    "Genealogy of lot FLOUR-TOUR",
                    "DOUGH-TOUR",
                    "BREAD-TOUR",
                    "Genealogy Mills",
                    "Genealogy Grocers",
                ];
                const missing = expected.filter((part) => !text.includes(part));
                if (missing.length) {
                    throw new Error(`The printed genealogy lacks ${missing.join(", ")}: ${text.slice(0, 300)}`);
                }
            },
        },
    ],
});
