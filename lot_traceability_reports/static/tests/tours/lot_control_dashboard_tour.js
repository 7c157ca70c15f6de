/** @odoo-module **/
import { registry } from "@web/core/registry";

// Inventory > Reporting > Lot Control: the cards, a warehouse chosen, a card opening the records behind it.
registry.category("web_tour.tours").add("lot_traceability_lot_control_dashboard_tour", {
    steps: () => [
        {
            content: "The dashboard shows a card per KPI",
            trigger: ".o_lot_control_card[data-card=inventory_accuracy] .o_lot_control_title",
        },
        {
            content: "Look at the warehouse of the counts",
            trigger: ".o_lot_control_warehouse",
            run: "selectByLabel Tour Dairy",
        },
        {
            content: "One of its two count lines was without difference",
            trigger:
                ".o_lot_control_card[data-card=inventory_accuracy] .o_lot_control_details:contains(1 of 2 lines counted without difference)",
        },
        {
            trigger: ".o_lot_control_card[data-card=inventory_accuracy] .o_lot_control_value:contains(50.0 %)",
        },
        {
            content: "No lot of the warehouse reached its alert date: said so, not 0 %",
            trigger:
                ".o_lot_control_card[data-card=near_date_recovery] .o_lot_control_empty:contains(No lot in stock reached its alert date)",
        },
        {
            content: "The last twelve months are drawn",
            trigger: ".o_lot_control_card[data-card=inventory_accuracy] .o_lot_control_trend rect.o_lot_control_bar_last",
        },
        {
            content: "Open the count lines behind the figure",
            trigger: ".o_lot_control_card[data-card=inventory_accuracy]",
            run: "click",
        },
        {
            content: "The two count lines of the warehouse are listed",
            trigger: ".o_breadcrumb:contains(Inventory Counts of Lots)",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Tour Milk)",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:eq(2)))",
        },
    ],
});
