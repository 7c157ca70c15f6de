/** @odoo-module **/
import { registry } from "@web/core/registry";

// README, "Choosing the lot on a sales order": on the quotation's line, Choose Lot lists the lots the
// customer may receive (the held lot is not there), Choose puts the lot on the line, Confirm reserves it.
registry.category("web_tour.tours").add("lot_traceability_sale_lot_tour", {
    steps: () => [
        {
            content: "The quotation's line of a lot-tracked product has no lot yet",
            trigger: ".o_field_widget[name=order_line] .o_data_row:contains('Tour Yogurt')",
        },
        {
            content: "Choose Lot",
            trigger: ".o_field_widget[name=order_line] .o_data_row:contains('Tour Yogurt') button[name=action_choose_lot]",
            run: "click",
        },
        {
            content: "The dialog lists the lots the customer may receive, first expiring first",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:eq(0):contains('YOG-TOUR-A')",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:eq(1):contains('YOG-TOUR-B')",
        },
        {
            content: "The held lot is not offered",
            trigger: ".modal .o_field_widget[name=line_ids]:not(:contains('YOG-TOUR-HELD'))",
        },
        {
            content: "Choose the second lot",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains('YOG-TOUR-B') button[name=action_choose]",
            run: "click",
        },
        {
            content: "The line shows the chosen lot",
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=order_line] .o_data_row:contains('Tour Yogurt') .o_data_cell[name=lot_id]:contains('YOG-TOUR-B')",
        },
        {
            content: "Confirm the order",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]:enabled",
            run: "click",
        },
        {
            content: "The order is confirmed (its delivery, an inventory user's, is checked by the test)",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Sales Order')",
        },
    ],
});
