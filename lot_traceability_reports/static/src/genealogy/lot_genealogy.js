/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { Component, onWillStart, useState } from "@odoo/owl";
import { deserializeDateTime, formatDate, formatDateTime } from "@web/core/l10n/dates";
import { formatFloat } from "@web/core/utils/numbers";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

// Children (and moves) shown at once under a node; "Show more" reveals the next page, so a lot with
// thousands of descendants stays usable.
const PAGE_SIZE = 80;
const DIRECTIONS = ["upstream", "downstream"];

function makeNode(data, direction, parent) {
    const path = parent ? [...parent.path, data.id] : [data.id];
    const isCycle = Boolean(parent && parent.path.includes(data.id));
    return {
        key: path.join("/"),
        data,
        direction,
        level: parent ? parent.level + 1 : 0,
        path,
        count: isCycle ? 0 : data[`${direction}_count`] || 0,
        moveCount: isCycle ? 0 : data[`${direction}_move_count`] || 0,
        isCycle,
        children: null,
        moves: null,
        movesShown: PAGE_SIZE,
        isFolded: true,
        isLoading: false,
        shown: PAGE_SIZE,
    };
}

function setChildren(node, childrenData, moves) {
    node.children = childrenData.map((child) => makeNode(child, node.direction, node));
    node.count = node.children.length;
    node.moves = moves;
    node.moveCount = moves.length;
}

function canUnfold(node) {
    return Boolean((node.count || node.moveCount) && !node.isCycle);
}

export class LotGenealogy extends Component {
    static template = "lot_traceability_reports.LotGenealogy";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.actionService = useService("action");
        this.orm = useService("orm");
        this.directions = DIRECTIONS;
        this.directionLabels = {
            upstream: _t("Upstream: where it comes from"),
            downstream: _t("Downstream: where it went"),
        };
        const context = this.props.action.context || {};
        // Reloaded from its URL, the action finds the record in the router's state.
        const params = { ...(this.props.action.params || {}), ...(context.params || {}) };
        this.activeModel = context.active_model || params.active_model || "stock.lot";
        const activeId = context.active_id || params.active_id;
        this.activeIds = context.active_ids || (activeId ? [activeId] : []);
        this.props.updateActionState({ active_model: this.activeModel });
        this.display = { controlPanel: {}, searchPanel: false };
        this.state = useState({
            title: "",
            rootIds: [],
            trees: [],
            searchTerm: "",
            matches: null,
            highlighted: false,
        });
        onWillStart(() => this.load());
    }

    async load() {
        const result = await this.orm.call("stock.lot", "get_genealogy_roots", [
            this.activeModel,
            this.activeIds,
        ]);
        this.state.title = result.title;
        this.state.rootIds = result.root_ids;
        this.state.trees = result.roots.map((root) => ({
            id: root.id,
            data: root,
            sections: DIRECTIONS.map((direction) => {
                const node = makeNode(root, direction, null);
                setChildren(node, root[direction], root.moves[direction]);
                node.isFolded = false;
                return node;
            }),
        }));
    }

    // ------------------------------------------------------------------
    // Formatting
    // ------------------------------------------------------------------

    formatDate(value) {
        return value ? formatDate(deserializeDateTime(value)) : "";
    }

    formatDateTime(value) {
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }

    formatQuantity(value) {
        return value || value === 0 ? formatFloat(value, { digits: [false, 2] }) : "";
    }

    qcBadgeClass(state) {
        return (
            {
                released: "text-bg-success",
                pending: "text-bg-warning",
                on_hold: "text-bg-danger",
                rejected: "text-bg-dark",
            }[state] || "text-bg-secondary"
        );
    }

    moveBadgeClass(kind) {
        return (
            {
                receipt: "text-bg-success",
                manufactured: "text-bg-success",
                delivery: "text-bg-primary",
                dropship: "text-bg-primary",
                customer_return: "text-bg-warning",
                supplier_return: "text-bg-warning",
                consumed: "text-bg-info",
                unbuild: "text-bg-info",
                scrap: "text-bg-danger",
                inventory: "text-bg-secondary",
            }[kind] || "text-bg-light"
        );
    }

    canUnfold(node) {
        return canUnfold(node);
    }

    visibleChildren(node) {
        return node.children.slice(0, node.shown);
    }

    visibleMoves(node) {
        return node.moves.slice(0, node.movesShown);
    }

    // ------------------------------------------------------------------
    // Folding
    // ------------------------------------------------------------------

    async loadChildren(nodes) {
        const pending = nodes.filter((node) => node.children === null && canUnfold(node));
        if (!pending.length) {
            return;
        }
        for (const direction of DIRECTIONS) {
            const group = pending.filter((node) => node.direction === direction);
            if (!group.length) {
                continue;
            }
            group.forEach((node) => (node.isLoading = true));
            const lotIds = [...new Set(group.map((node) => node.data.id))];
            const [children, moves] = await Promise.all([
                this.orm.call("stock.lot", "get_genealogy_children", [lotIds, direction]),
                this.orm.call("stock.lot", "get_genealogy_moves", [lotIds, direction]),
            ]);
            for (const node of group) {
                setChildren(node, children[node.data.id] || [], moves[node.data.id] || []);
                node.isLoading = false;
            }
        }
    }

    async toggle(node) {
        if (!canUnfold(node)) {
            return;
        }
        if (node.isFolded) {
            await this.loadChildren([node]);
        }
        node.isFolded = !node.isFolded;
    }

    showMore(node) {
        node.shown += PAGE_SIZE;
    }

    showMoreMoves(node) {
        node.movesShown += PAGE_SIZE;
    }

    // ------------------------------------------------------------------
    // Opening records
    // ------------------------------------------------------------------

    openRecord(model, id) {
        if (!model || !id) {
            return;
        }
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: model,
            res_id: id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    // ------------------------------------------------------------------
    // Search
    // ------------------------------------------------------------------

    onSearchInput(ev) {
        this.state.searchTerm = ev.target.value;
        if (!this.state.searchTerm.trim()) {
            this.state.matches = null;
        }
    }

    async onSearchKeydown(ev) {
        if (ev.key === "Enter") {
            await this.search();
        }
    }

    async search() {
        const term = this.state.searchTerm.trim();
        if (!term) {
            this.state.matches = null;
            return;
        }
        this.state.matches = await this.orm.call("stock.lot", "search_genealogy", [
            this.state.rootIds,
            term,
        ]);
    }

    async reveal(match) {
        const tree = this.state.trees.find((tree) => tree.id === match.path[0]);
        if (!tree) {
            return;
        }
        let node = tree.sections.find((section) => section.direction === match.direction);
        for (const lotId of match.path.slice(1)) {
            await this.loadChildren([node]);
            node.isFolded = false;
            const index = node.children.findIndex((child) => child.data.id === lotId);
            if (index < 0) {
                return;
            }
            node.shown = Math.max(node.shown, index + 1);
            node = node.children[index];
        }
        this.state.highlighted = node.key;
        this.state.matches = null;
        requestAnimationFrame(() => {
            const row = document.querySelector(`.o_lot_genealogy_row[data-key="${node.key}"]`);
            row?.scrollIntoView({ block: "center" });
        });
    }

    // ------------------------------------------------------------------
    // Print and export
    // ------------------------------------------------------------------

    collectUnfolded(node, unfolded) {
        if (!node.isFolded && node.children) {
            unfolded[node.direction].push(node.data.id);
            node.children.forEach((child) => this.collectUnfolded(child, unfolded));
        }
    }

    async onClickPrint() {
        const unfolded = { upstream: [], downstream: [] };
        for (const tree of this.state.trees) {
            tree.sections.forEach((section) => this.collectUnfolded(section, unfolded));
        }
        const action = await this.orm.call("stock.lot", "action_print_genealogy_tree", [
            this.state.rootIds,
            unfolded,
        ]);
        await this.actionService.doAction(action);
    }

    async onClickExport() {
        const action = await this.orm.call("stock.lot", "action_export_genealogy", [
            this.state.rootIds,
        ]);
        await this.actionService.doAction(action);
    }
}

registry.category("actions").add("lot_traceability_genealogy", LotGenealogy);
