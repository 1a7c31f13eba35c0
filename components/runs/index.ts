// What other features use from components/runs/: its public surface. The rest of the
// folder is its own; the layer lint (scripts/eslint-layers.mjs) lets other features import only this.

export { orderSteps } from "./ordered-steps";
export { RunActions } from "./run-actions";
export { StepDetail } from "./step-detail";
export { useRunLive } from "./use-run-live";
export { useWorkflowPlan } from "./use-workflow-plan";
