import type { LinearModel } from "./linear-model";
import capabilities from "./models/capabilities.json";
import patterns from "./models/patterns.json";
import servers from "./models/servers.json";

/**
 * The learned models the planner uses, trained from the labelled corpus by
 * `npm run -s autonomy -- train` (train-task-models.ts) and committed as data:
 * - CAPABILITY_MODEL: one logistic regression per capability (what the task needs from the outside
 *   world), over task cues; its labels come from the corpus's server labels (discovery-terms.ts);
 * - PATTERN_MODEL: multinomial logistic regression, task cues → workflow pattern;
 * - SERVER_MODEL: one logistic regression per catalog short name, plus ANY_SERVER ("does the task
 *   need any server at all?"), over task cues and what retrieval ranked first.
 * Each model also carries the decision thresholds training picked for it on its training writers
 * only (`thresholds`: when a capability counts as needed; when a task needs a server, which servers
 * are listed and which are built with).
 * To teach the planner, add labelled tasks to the corpus and retrain; do not write rules.
 */
export const CAPABILITY_MODEL = capabilities as LinearModel;
export const PATTERN_MODEL = patterns as LinearModel;
export const SERVER_MODEL = servers as LinearModel;
/** The server model's label for "this task needs some server". */
export const ANY_SERVER = "__any";
