// What other features use from components/evaluations/: its public surface. The rest of the
// folder is its own; the layer lint (scripts/eslint-layers.mjs) lets other features import only this.

export { AddToDatasetDialog } from "./add-to-dataset-dialog";
export { EvaluationList } from "./evaluation-list";
