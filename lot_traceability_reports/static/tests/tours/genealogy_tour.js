/** @odoo-module **/
import { registry } from "@web/core/registry";

// From a lot form: open the genealogy, unfold a folded lot, find a lot with the search box, open a lot.
registry.category("web_tour.tours").add("lot_traceability_genealogy_tour", {
    steps: () => [
        {
            content: "Open the genealogy from the lot",
            trigger: ".o_form_view .o_form_statusbar button.o_lot_genealogy_button",
            run: "click",
        },
        {
            content: "The flour went into the dough, shown with the lots hidden below it",
            trigger:
                ".o_lot_genealogy_downstream .o_lot_genealogy_row:contains('DOUGH-TOUR') .o_lot_genealogy_count:contains('+1')",
        },
        {
            content: "and the flour came from its supplier lot's receipt, with its QC state",
            trigger: ".o_lot_genealogy_title:contains('FLOUR-TOUR')",
        },
        {
            content: "Unfold the dough",
            trigger: ".o_lot_genealogy_downstream .o_lot_genealogy_row:contains('DOUGH-TOUR') .o_lot_genealogy_toggle",
            run: "click",
        },
        {
            content: "The bread made from the dough appears, on hold by the recall",
            trigger:
                ".o_lot_genealogy_downstream .o_lot_genealogy_row:contains('BREAD-TOUR') .o_lot_genealogy_recall",
        },
        {
            content: "Fold the dough again",
            trigger: ".o_lot_genealogy_downstream .o_lot_genealogy_row:contains('DOUGH-TOUR') .o_lot_genealogy_toggle",
            run: "click",
        },
        {
            trigger: ".o_lot_genealogy_downstream:not(:has(.o_lot_genealogy_row:contains('BREAD-TOUR')))",
        },
        {
            content: "Search the bread",
            trigger: ".o_lot_genealogy_search_input",
            run: "edit BREAD",
        },
        {
            trigger: ".o_lot_genealogy_search_input",
            run: "press Enter",
        },
        {
            content: "Go to the match: the tree unfolds down to it",
            trigger: ".o_lot_genealogy_match:contains('BREAD-TOUR')",
            run: "click",
        },
        {
            trigger: ".o_lot_genealogy_highlighted:contains('BREAD-TOUR')",
        },
        {
            content: "Open the bread lot",
            trigger: ".o_lot_genealogy_row:contains('BREAD-TOUR') .o_lot_genealogy_lot_link",
            run: "click",
        },
        {
            content: "The lot's form is open",
            trigger: ".o_form_view .o_field_widget[name=name] input:value('BREAD-TOUR')",
        },
    ],
});
