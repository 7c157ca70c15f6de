/** @odoo-module **/
import { registry } from "@web/core/registry";

const { DateTime } = luxon;
const twoYearsAgo = DateTime.now().minus({ years: 2 }).toFormat("MM/dd/yyyy");

// An FDA 24-hour request for one lot (two years of events), then a partner's EPCIS request, from the UI.
registry.category("web_tour.tours").add("lot_traceability_compliance_export_tour", {
    steps: () => [
        {
            content: "From the lot the FDA asks about, open the actions",
            trigger: ".o_form_view .o_cp_action_menus button",
            run: "click",
        },
        {
            content: "Choose the traceability export",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Traceability Export (FSMA 204 / EPCIS)')",
            run: "click",
        },
        {
            content: "FSMA 204 is proposed, for this lot",
            trigger: ".modal .o_field_widget[name=export_type] select",
            run() {
                const value = this.anchor.value;
                if (!value.includes("fsma204")) {
                    throw new Error(`FSMA 204 should be the default export, got ${value}`);
                }
            },
        },
        {
            trigger: ".modal .o_field_widget[name=lot_ids] .o_tag",
        },
        {
            content: "Two years of events",
            trigger: ".modal .o_field_widget[name=date_from] input",
            run: `edit ${twoYearsAgo}`,
        },
        {
            content: "Export",
            trigger: ".modal .modal-footer button[name=action_export]",
            run: "click",
        },
        {
            content: "The file is ready at once: a small export",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=attachment_id]:contains('.xlsx')",
        },
        {
            content: "Then a partner's EPCIS request: Reporting",
            trigger: ".o_main_navbar .o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('New Traceability Export')",
            run: "click",
        },
        {
            content: "EPCIS 2.0 events",
            trigger: ".modal .o_field_widget[name=export_type] select",
            run: `select "epcis"`,
        },
        {
            trigger: ".modal .o_field_widget[name=date_from] input",
            run: `edit ${twoYearsAgo}`,
        },
        {
            trigger: ".modal .modal-footer button[name=action_export]",
            run: "click",
        },
        {
            content: "The EPCIS document is attached",
            trigger: ".o_form_view .o_field_widget[name=attachment_id]:contains('.jsonld')",
        },
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
    ],
});
