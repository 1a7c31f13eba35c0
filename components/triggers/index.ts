// What other features use from components/triggers/: its public surface. The rest of the
// folder is its own; the layer lint (scripts/eslint-layers.mjs) lets other features import only this.

export { TriggersDialog } from "./triggers-dialog";
