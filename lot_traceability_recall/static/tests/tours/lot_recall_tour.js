/** @odoo-module **/
import { registry } from "@web/core/registry";

// From a lot form: launch a recall, review its scope, confirm it (every affected lot goes on hold).
registry.category("web_tour.tours").add("lot_traceability_recall_tour", {
    steps: () => [
        {
            content: "Launch a recall from the lot",
            trigger: ".o_form_view button[name=action_open_recall_wizard]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Listeria found in the milk",
        },
        {
            content: "Compute the scope",
            trigger: ".modal button[name=action_launch]",
            run: "click",
        },
        {
            content: "The scope lists the shipment to the customer",
            trigger: ".o_field_widget[name=shipment_ids] .o_data_cell:contains('Tour Grocers')",
        },
        {
            content: "and the finished lot made from the milk",
            trigger: ".o_notebook .nav-link:contains('Affected Lots')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=affected_lot_ids] .o_data_cell:contains('YOG-TOUR')",
        },
        {
            content: "Confirm and hold",
            trigger: ".o_form_view button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Accept the confirmation",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The recall is confirmed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Confirmed')",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Affected Lots')",
            run: "click",
        },
        {
            content: "and the finished lot is on hold",
            trigger: ".o_field_widget[name=affected_lot_ids] .o_data_row:contains('YOG-TOUR'):contains('On Hold')",
        },
    ],
});

// The recall manager's guide, continued: notify with a preview, then (after the customer answered on
// the public page) take the goods back and close with a signed rejection.
registry.category("web_tour.tours").add("lot_traceability_recall_notify_tour", {
    steps: () => [
        {
            content: "Notify the customers: a preview first",
            trigger: ".o_form_view button[name=action_open_notify_wizard]",
            run: "click",
        },
        {
            content: "The preview lists the customer and the lot they received",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains('Tour Grocers'):contains('YOG-TOUR')",
        },
        {
            content: "Send the notices",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The recall is notified",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Notified')",
        },
    ],
});

registry.category("web_tour.tours").add("lot_traceability_recall_return_tour", {
    steps: () => [
        {
            content: "The customer's answer is on the case",
            trigger: ".o_notebook .nav-link:contains('Notifications')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=notification_ids] .o_data_row:contains('Ana Ruiz'):contains('Acknowledged')",
        },
        {
            content: "Returns go to the recall location, shown on the case",
            trigger: ".o_field_widget[name=recall_location_id] input:value(WH/Recall)",
        },
        {
            content: "Create the return",
            trigger: ".o_form_view button[name=action_create_returns]",
            run: "click",
        },
        {
            content: "Open it",
            trigger: ".o_list_view .o_data_row:contains('Tour Grocers') .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "It asks back what the customer said they still hold, with the lot",
            trigger: ".o_field_widget[name=move_ids_without_package] .o_data_row:contains('Tour yogurt'):contains('3.00')",
        },
        {
            content: "Validate the return",
            trigger: ".o_form_view button[name=button_validate]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
    ],
});

registry.category("web_tour.tours").add("lot_traceability_recall_close_tour", {
    steps: () => [
        {
            content: "What came back is counted at once",
            trigger: ".o_field_widget[name=recovered_qty]:contains('3')",
        },
        {
            content: "Close the recall",
            trigger: ".o_form_view button[name=action_open_close_wizard]",
            run: "click",
        },
        {
            content: "Nothing is destroyed unless asked",
            trigger: ".modal .o_field_widget[name=destroy_remaining] input:not(:checked)",
        },
        {
            content: "Say why one unit is not back",
            trigger: ".modal .o_field_widget[name=justification] textarea",
            run: "edit The customer destroyed the last unit on site",
        },
        {
            content: "Sign the rejection with your password",
            trigger: ".modal .o_field_widget[name=password] input",
            run: "edit admin",
        },
        {
            trigger: ".modal button[name=action_close]",
            run: "click",
        },
        {
            content: "The recall is closed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Closed')",
        },
    ],
});
