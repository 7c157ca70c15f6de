/** @odoo-module **/
import { registry } from "@web/core/registry";

// A scanner types the label's text into the focused input, then the field commits it.
function scan(text) {
    return function () {
        const input = this.anchor;
        input.value = text;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
    };
}

// README, guide of the warehouse user: on a receipt, scan the supplier's GS1 label into the
// Supplier Lot column of the detailed operations (a label of another product is refused), leave the
// internal lot empty (the numbering rule names it), validate, print the GS1 lot labels.
registry.category("web_tour.tours").add("lot_traceability_warehouse_receipt_tour", {
    steps: () => [
        {
            content: "Open the detailed operations of the received product",
            trigger: ".o_field_widget[name=move_ids_without_package] .o_data_row:contains('Tour Flour') .fa-list",
            run: "click",
        },
        {
            content: "Scan the label of another product into the Supplier Lot column",
            trigger: ".modal .o_data_row:first .o_data_cell[name=supplier_lot_code]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:first .o_field_widget[name=supplier_lot_code] input",
            run: scan("(01)09506000134376(10)WRONG-1"),
        },
        {
            content: "The scan of another product's GTIN is refused, with the reason",
            trigger: ".modal:contains('Scan the label of the right product') .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Scan the supplier's GS1 label of this product",
            trigger: ".modal .o_data_row:first .o_data_cell[name=supplier_lot_code]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:first .o_field_widget[name=supplier_lot_code] input",
            run: scan("(01)09506000134352(10)SUP-2611(17)270131"),
        },
        {
            trigger: ".modal .modal-title",
            run: "click",
        },
        {
            content: "The scan fills the supplier's lot code",
            trigger: ".modal .o_data_row:first .o_data_cell[name=supplier_lot_code]:contains('SUP-2611')",
        },
        {
            content: "Save the detailed operations",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Validate the receipt",
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            content: "The receipt is done",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
        {
            content: "and its GS1 lot labels can be printed",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_print_gs1_lot_labels]",
        },
    ],
});
