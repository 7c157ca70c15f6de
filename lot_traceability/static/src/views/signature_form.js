/** @odoo-module **/
import { evaluateExpr } from "@web/core/py_js/py";
import { registry } from "@web/core/registry";
import { FormController } from "@web/views/form/form_controller";
import { formView } from "@web/views/form/form_view";

/**
 * Form of a signing wizard (js_class="lot_traceability_signature_form"), e.g. the QC Sign wizard. Its
 * password field is not stored: clicking a button saves the wizard first, which reloads it with the
 * field empty, and only then would the web client evaluate the button's context. So the button's
 * context (which carries the password to that one call) is evaluated here, before the save.
 */
export class LotTraceabilitySignatureFormController extends FormController {
    async beforeExecuteActionButton(clickParams) {
        if (clickParams.special !== "cancel" && (clickParams.lotSignContext || typeof clickParams.context === "string")) {
            // Keep the expression: every click evaluates it again with what is typed then.
            clickParams.lotSignContext ??= clickParams.context;
            clickParams.context = evaluateExpr(clickParams.lotSignContext, this.model.root.evalContext);
        }
        return super.beforeExecuteActionButton(clickParams);
    }
}

registry.category("views").add("lot_traceability_signature_form", { ...formView, Controller: LotTraceabilitySignatureFormController });
