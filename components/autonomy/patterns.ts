import { PATTERNS, type Pattern } from "@/engine/autonomy/vocabulary";

export { PATTERNS, type Pattern };

/** What each workflow pattern is called in the UI, and what it does in a few words. */
export const PATTERN_LABELS: Record<Pattern, { name: string; gist: string }> = {
  single: { name: "Single agent", gist: "one agent does the whole task" },
  chain: { name: "Chain", gist: "steps in order, each passing on to the next" },
  router: { name: "Router", gist: "each item goes to the handler for its category" },
  parallel: { name: "Parallel", gist: "independent parts at the same time, then combined" },
  orchestrator: { name: "Orchestrator", gist: "a planner splits the work among workers" },
  "evaluator-optimizer": {
    name: "Evaluator–optimizer",
    gist: "write, rate and refine until good enough",
  },
  swarm: { name: "Swarm", gist: "specialists hand the conversation to each other" },
};
