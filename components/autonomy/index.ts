// What other features use from components/autonomy/: its public surface. The rest of the
// folder is its own; the layer lint (scripts/eslint-layers.mjs) lets other features import only this.

export { DescribeTaskDialog } from "./describe-task-dialog";
export { nodeReasonsOf } from "./node-reasons";
export { PATTERN_LABELS } from "./patterns";
export { RecommendedServers } from "./recommended-servers";
