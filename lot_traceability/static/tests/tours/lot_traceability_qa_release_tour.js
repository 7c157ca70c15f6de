/** @odoo-module **/
import { registry } from "@web/core/registry";

// README, guide of the QA manager: from Lots Awaiting Release, record the checks on the lot's Quality
// tab, then Release: the signature wizard asks the meaning and the password again (a wrong password
// is said in one sentence and the field cleared), and the lot ends Released with its signature.
registry.category("web_tour.tours").add("lot_traceability_qa_release_tour", {
    steps: () => [
        {
            content: "Open the pending lot from Lots Awaiting Release",
            trigger: ".o_list_view .o_data_row:contains('MILK-TOUR-QA') .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "It is Pending Release",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Pending Release')",
        },
        {
            content: "Record the checks on the Quality tab",
            trigger: ".o_notebook .nav-link:contains('Quality')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=qc_check_ids] .o_data_row:eq(0) .o_data_cell[name=measured_value]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=qc_check_ids] .o_data_row:eq(0) .o_field_widget[name=measured_value] input",
            run: "edit 6.6",
        },
        {
            trigger: ".o_field_widget[name=qc_check_ids] .o_data_row:eq(1) .o_data_cell[name=measured_text]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=qc_check_ids] .o_data_row:eq(1) .o_field_widget[name=measured_text] input",
            run: "edit Absent",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Both checks pass",
            trigger: ".o_field_widget[name=qc_check_ids] .o_data_row:contains('Listeria'):contains('Passed')",
        },
        {
            content: "Release: a signature",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_qc_release]",
            run: "click",
        },
        {
            trigger: ".modal .modal-title:contains('Sign the QC Release')",
        },
        {
            content: "State the meaning of the signature",
            trigger: ".modal .o_field_widget[name=meaning] input",
            run: "edit Approved for release",
        },
        {
            content: "Type a wrong password",
            trigger: ".modal .o_field_widget[name=password] input",
            run: "edit not-my-password",
        },
        {
            trigger: ".modal button[name=action_sign]",
            run: "click",
        },
        {
            content: "The wizard says so in one sentence",
            trigger: ".modal .alert-danger:contains('Wrong password: nothing was signed')",
        },
        {
            content: "and the password field is empty again",
            trigger: ".modal .o_field_widget[name=password] input",
            run() {
                if (this.anchor.value) {
                    throw new Error("The wrong password is still in the field.");
                }
            },
        },
        {
            content: "Sign with the right password",
            trigger: ".modal .o_field_widget[name=password] input",
            run: "edit admin",
        },
        {
            trigger: ".modal button[name=action_sign]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The lot is released",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Released')",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Quality')",
            run: "click",
        },
        {
            content: "with the signature on its Quality tab",
            trigger: ".o_field_widget[name=qc_signature_ids] .o_data_row:contains('Approved for release')",
        },
    ],
});
