// What other features use from components/anomalies/: its public surface. The rest of the
// folder is its own; the layer lint (scripts/eslint-layers.mjs) lets other features import only this.

export { dateTimeFormat } from "./format";
export { OpenAlertsBadge } from "./open-alerts-badge";
export { useLiveAlertCount } from "./use-alerts-live";
