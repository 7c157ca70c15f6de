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
