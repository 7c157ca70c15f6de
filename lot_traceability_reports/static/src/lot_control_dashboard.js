/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const MODEL = "stock.lot.control.kpi";
// Each KPI is measured by a request of its own, all sent at once: a card shows as soon as its figures
// arrive, and the server measures them side by side.
const KPIS = [
    "inventory_accuracy",
    "fefo",
    "mock_recall",
    "recall_response",
    "near_date_recovery",
    "shrinkage",
    "release",
];

/**
 * Twelve bars, one per month, scaled to the highest month; a month without a figure is a grey tick.
 */
export class LotControlTrend extends Component {
    static template = "lot_traceability_reports.LotControlTrend";
    static props = { trend: Array };

    get bars() {
        const values = this.props.trend.map((month) => month.value).filter((value) => value !== null);
        const highest = Math.max(...values, 0);
        const width = 100 / this.props.trend.length;
        return this.props.trend.map((month, index) => {
            const hasValue = month.value !== null;
            const height = hasValue && highest > 0 ? Math.max((month.value / highest) * 28, 1) : 1;
            return {
                key: index,
                x: index * width + width * 0.15,
                width: width * 0.7,
                y: 30 - height,
                height,
                hasValue,
                isLast: index === this.props.trend.length - 1,
                title: hasValue
                    ? `${month.label}: ${month.display}`
                    : _t("%(month)s: no figure", { month: month.label }),
            };
        });
    }
}

/**
 * Inventory > Reporting > Lot Control: one card per lot control KPI for a period and a warehouse, with the
 * previous period and the last twelve months; a card opens the records behind its figure.
 */
export class LotControlDashboard extends Component {
    static template = "lot_traceability_reports.LotControlDashboard";
    static components = { Layout, LotControlTrend };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.display = { controlPanel: {} };
        this.state = useState({
            period: "this_month",
            dateFrom: "",
            dateTo: "",
            warehouseId: false,
            data: null,
            loading: false,
        });
        onWillStart(() => this.load());
    }

    async load() {
        const custom = this.state.period === "custom";
        const request = (this.request = (this.request || 0) + 1);
        this.state.loading = true;
        const kwargs = {
            period: this.state.period,
            date_from: custom ? this.state.dateFrom : false,
            date_to: custom ? this.state.dateTo : false,
            warehouse_id: this.state.warehouseId || false,
        };
        const cards = KPIS.map(() => null);
        try {
            await Promise.all(
                KPIS.map(async (kpi, index) => {
                    const data = await this.orm.call(MODEL, "get_lot_control_dashboard", [], {
                        ...kwargs,
                        kpis: [kpi],
                    });
                    if (request !== this.request) {
                        return; // a newer choice of period or warehouse is loading
                    }
                    cards[index] = data.cards;
                    if (!this.state.data || this.state.data.request !== request) {
                        this.state.data = { ...data, request, cards: [] };
                        this.state.dateFrom = data.period.date_from;
                        this.state.dateTo = data.period.date_to;
                        this.state.warehouseId = data.warehouse_id;
                    }
                    this.state.data.cards = cards.flatMap((kpiCards) => kpiCards || []);
                })
            );
        } finally {
            if (request === this.request) {
                this.state.loading = false;
            }
        }
    }

    // ------------------------------------------------------------------
    // Filters
    // ------------------------------------------------------------------

    async onPeriodChange(ev) {
        this.state.period = ev.target.value;
        if (this.state.period !== "custom") {
            await this.load();
        }
    }

    async onDateChange(field, ev) {
        this.state[field] = ev.target.value;
        if (this.state.dateFrom && this.state.dateTo) {
            await this.load();
        }
    }

    async onWarehouseChange(ev) {
        this.state.warehouseId = Number(ev.target.value) || false;
        await this.load();
    }

    // ------------------------------------------------------------------
    // Cards
    // ------------------------------------------------------------------

    comparison(card) {
        if (card.value === null || card.previous === null) {
            return null;
        }
        const delta = card.value - card.previous;
        if (Math.abs(delta) < 1e-9) {
            return { icon: "fa-minus", tone: "text-muted" };
        }
        const better = (delta > 0) === (card.better === "higher");
        return {
            icon: delta > 0 ? "fa-caret-up" : "fa-caret-down",
            tone: better ? "text-success" : "text-danger",
        };
    }

    async openCard(key) {
        const period = this.state.data.period;
        const action = await this.orm.call(MODEL, "action_open_lot_control_card", [key], {
            date_from: period.date_from,
            date_to: period.date_to,
            warehouse_id: this.state.warehouseId || false,
            period: "custom",
        });
        await this.actionService.doAction(action);
    }

    async openAnalysis() {
        await this.actionService.doAction("lot_traceability_reports.action_stock_lot_control_kpi");
    }
}

registry.category("actions").add("lot_traceability_lot_control_dashboard", LotControlDashboard);
