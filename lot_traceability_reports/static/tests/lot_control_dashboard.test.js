import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import { click, select } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import { getService, mountWithCleanup, onRpc } from "@web/../tests/web_test_helpers";
import { WebClient } from "@web/webclient/webclient";

describe.current.tags("desktop");
defineMailModels();

const KPIS = [
    "inventory_accuracy",
    "fefo",
    "mock_recall",
    "recall_response",
    "near_date_recovery",
    "shrinkage",
    "release",
];

// Cards as stock.lot.control.kpi.get_lot_control_dashboard sends them.
function card(key, values = {}) {
    return {
        key,
        title: key,
        help: `What ${key} measures`,
        value: 50,
        display: "50.0 %",
        previous: 50,
        previous_display: "50.0 %",
        better: "higher",
        details: [],
        empty: false,
        trend: Array.from({ length: 12 }, (_, index) => ({
            label: `M${index + 1}`,
            value: index === 3 ? null : index,
            display: index === 3 ? "–" : `${index}`,
        })),
        per_warehouse: true,
        links: [],
        ...values,
    };
}

const CARDS = {
    fefo: card("fefo", { title: "FEFO compliance", value: 92.5, display: "92.5 %", previous: 90, previous_display: "90.0 %" }),
    shrinkage: card("shrinkage", {
        title: "Shrinkage",
        value: 3,
        display: "3.0 %",
        previous: 1,
        previous_display: "1.0 %",
        better: "lower",
        per_warehouse: false,
    }),
    mock_recall: card("mock_recall", {
        title: "Mock recall",
        value: null,
        display: "–",
        previous: null,
        previous_display: "–",
        empty: "No mock recall in this period.",
    }),
    release: card("release", {
        title: "Release",
        value: 4,
        display: "4",
        previous: 4,
        previous_display: "4",
        details: ["4 lots waiting for release"],
        links: [{ key: "release_released", label: "Released in the period" }],
    }),
};

function dashboard(kwargs) {
    return {
        period: {
            key: kwargs.period,
            date_from: "2026-03-01",
            date_to: "2026-03-31",
            previous_from: "2026-02-01",
            previous_to: "2026-02-28",
            label: "March 2026",
            previous_label: "February 2026",
            tz: "UTC",
        },
        periods: [
            { key: "this_month", label: "This month" },
            { key: "custom", label: "Custom" },
        ],
        warehouses: [
            { id: 1, name: "WH", company: "YourCompany" },
            { id: 2, name: "CW", company: "YourCompany" },
        ],
        warehouse_id: kwargs.warehouse_id,
        currency_id: 1,
        cards: kwargs.kpis.filter((kpi) => kpi in CARDS).map((kpi) => CARDS[kpi]),
    };
}

async function openDashboard() {
    onRpc("stock.lot.control.kpi", "get_lot_control_dashboard", ({ kwargs }) => {
        expect.step(`${kwargs.kpis.join(",")} ${kwargs.period} ${kwargs.warehouse_id}`);
        return dashboard(kwargs);
    });
    await mountWithCleanup(WebClient);
    await getService("action").doAction({ type: "ir.actions.client", tag: "lot_traceability_lot_control_dashboard" });
    await animationFrame();
}

function cardSelector(key) {
    return `.o_lot_control_card[data-card="${key}"]`;
}

test("each KPI is asked for apart and each card shows the server's figures", async () => {
    await openDashboard();
    expect.verifySteps(KPIS.map((kpi) => `${kpi} this_month false`));
    expect(".o_lot_control_card").toHaveCount(4);
    expect(".o_lot_control_period_label").toHaveText(/^March 2026\s*· compared with February 2026$/);
    expect(`${cardSelector("fefo")} .o_lot_control_title`).toHaveText("FEFO compliance");
    expect(`${cardSelector("fefo")} .o_lot_control_value`).toHaveText("92.5 %");
    expect(`${cardSelector("fefo")} .o_lot_control_previous`).toHaveText("Previous period: 90.0 %");
    expect(`${cardSelector("release")} .o_lot_control_details`).toHaveText("4 lots waiting for release");
    expect(`${cardSelector("release")} .o_lot_control_link`).toHaveText("Released in the period");
    // Twelve months: the month without a figure is a grey tick, the last month stands out.
    expect(`${cardSelector("fefo")} rect`).toHaveCount(12);
    expect(`${cardSelector("fefo")} rect.o_lot_control_bar_empty`).toHaveCount(1);
    expect(`${cardSelector("fefo")} rect.o_lot_control_bar_last`).toHaveCount(1);
});

test("the arrow says whether the change is better or worse for that KPI", async () => {
    await openDashboard();
    expect.verifySteps(KPIS.map((kpi) => `${kpi} this_month false`));
    // FEFO compliance went up and higher is better: a green arrow up.
    expect(`${cardSelector("fefo")} .o_lot_control_previous i`).toHaveClass(["fa-caret-up", "text-success"]);
    // Shrinkage went up and lower is better: a red arrow up.
    expect(`${cardSelector("shrinkage")} .o_lot_control_previous i`).toHaveClass(["fa-caret-up", "text-danger"]);
    // No change: a neutral dash.
    expect(`${cardSelector("release")} .o_lot_control_previous i`).toHaveClass(["fa-minus", "text-muted"]);
});

test("a KPI without a figure says so instead of showing a number", async () => {
    await openDashboard();
    expect.verifySteps(KPIS.map((kpi) => `${kpi} this_month false`));
    expect(`${cardSelector("mock_recall")} .o_lot_control_no_figure`).toHaveText("–");
    expect(`${cardSelector("mock_recall")} .o_lot_control_empty`).toHaveText("No mock recall in this period.");
    expect(`${cardSelector("mock_recall")} .o_lot_control_previous`).toHaveText("No figure in the previous period");
    expect(`${cardSelector("mock_recall")} .o_lot_control_previous i`).toHaveCount(0);
});

test("choosing a warehouse reloads every card for it and flags company-wide figures", async () => {
    await openDashboard();
    expect.verifySteps(KPIS.map((kpi) => `${kpi} this_month false`));
    expect(`${cardSelector("shrinkage")} .o_lot_control_company_wide`).toHaveCount(0);
    await select("2", { target: ".o_lot_control_warehouse" });
    await animationFrame();
    expect.verifySteps(KPIS.map((kpi) => `${kpi} this_month 2`));
    expect(`${cardSelector("shrinkage")} .o_lot_control_company_wide`).toHaveText("All warehouses");
    expect(`${cardSelector("fefo")} .o_lot_control_company_wide`).toHaveCount(0);
});

test("a card opens the records behind its figure for the period shown", async () => {
    onRpc("stock.lot.control.kpi", "action_open_lot_control_card", ({ args, kwargs }) => {
        const { date_from, date_to, warehouse_id, period } = kwargs;
        expect.step(`open ${JSON.stringify(args)} ${JSON.stringify({ date_from, date_to, warehouse_id, period })}`);
        return { type: "ir.actions.act_window_close" };
    });
    await openDashboard();
    expect.verifySteps(KPIS.map((kpi) => `${kpi} this_month false`));
    await click(`${cardSelector("fefo")} .o_lot_control_title`);
    await animationFrame();
    await click(`${cardSelector("release")} .o_lot_control_link`);
    await animationFrame();
    const period = '"date_from":"2026-03-01","date_to":"2026-03-31","warehouse_id":false,"period":"custom"';
    expect.verifySteps([`open ["fefo"] {${period}}`, `open ["release_released"] {${period}}`]);
});
