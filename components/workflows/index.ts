// What other features use from components/workflows/: its public surface. The rest of the
// folder is its own; the layer lint (scripts/eslint-layers.mjs) lets other features import only this.

export { PausedBanner } from "./paused-banner";
export { publishedLabel } from "./published-label";
export { RunDialog } from "./run-dialog";
