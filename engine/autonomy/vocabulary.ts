/**
 * The words the autonomy core speaks in: workflow patterns, the capabilities a task can need, and
 * what a task's structure can ask for. Kept in one file so the analyzer, discovery, decision
 * engine, planner and the learning module agree on them.
 */

/** Workflow patterns the planner can build, simplest first. */
export const PATTERNS = [
  "single",
  "chain",
  "router",
  "parallel",
  "orchestrator",
  "evaluator-optimizer",
  "swarm",
] as const;
export type Pattern = (typeof PATTERNS)[number];

/** What a task needs from the outside world; discovery maps each to catalog entries. */
export const CAPABILITIES = [
  "web-fetch",
  "web-search",
  "files",
  "code-hosting",
  "sqlite",
  "relational-db",
  "browser-automation",
  "documents",
  "memory",
  "reasoning",
  "mcp-testing",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const INTENTS = [
  "read",
  "write",
  "create",
  "search",
  "list",
  "compare",
  "summarise",
  "classify",
  "transform",
  "delete",
  "update",
  "analyse",
  "generate",
  "route",
  "plan",
  "remember",
  "navigate",
  "query",
  "research",
  "review",
] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * Structural signals, each answering "does the task's shape call for this pattern?": the pattern
 * model's probability of that pattern (analyze-task.ts), at least its threshold below.
 */
export type StructureSignals = {
  /** Independent parts: a list of items, several versions, "at the same time". → parallel */
  splits: boolean;
  /** A quality bar to iterate towards: "polish until", "revise until it passes". → evaluator-optimizer */
  iterates: boolean;
  /** Each item goes to one of several handlers by category. → router */
  routes: boolean;
  /** A conversation passed between specialist agents. → swarm */
  handsOff: boolean;
  /** Distinct steps one after another. → chain */
  sequence: boolean;
  /** Open-ended work to decompose. → orchestrator */
  plans: boolean;
};
export type StructureKind = keyof StructureSignals;
export type StructureScores = Record<StructureKind, number>;

export type EntityKind = "url" | "file" | "path" | "database-file" | "sql" | "repository";
export type TaskEntity = { kind: EntityKind; value: string };

export type Complexity = "low" | "medium" | "high";

/** What the analyzer reads from a task's text. Plain data: safe to log, store and compare. */
export type TaskFeatures = {
  text: string;
  intents: Intent[];
  entities: TaskEntity[];
  /** Needed capabilities, in the order the task first mentions them (a data flow reads source first). */
  capabilities: Capability[];
  /** The capability model's probability for each needed capability (0–1). */
  capabilityScores: Partial<Record<Capability, number>>;
  structure: StructureSignals;
  structureScores: StructureScores;
  /** How many independent parts the task names (list items or a number such as "three"), 0 if none. */
  itemCount: number;
  complexity: Complexity;
  /** Words of 4+ letters outside the analyzer's vocabulary, in order: candidate product names ("slack", "jira"). */
  keywords: string[];
  /** The sparse features the learned models read (task-cues.ts): words, word pairs, entity kinds, shape. */
  cues: string[];
};

/** The pattern each structural signal stands for. */
export const STRUCTURE_PATTERN: Readonly<Record<keyof StructureSignals, Pattern>> = {
  splits: "parallel",
  iterates: "evaluator-optimizer",
  routes: "router",
  handsOff: "swarm",
  sequence: "chain",
  plans: "orchestrator",
};

/**
 * Minimum structure score (the pattern model's probability of the signal's pattern) for each
 * signal to count: a shape the model gives at least a fair chance, so a runner-up shape counts too.
 */
export const STRUCTURE_THRESHOLDS: StructureScores = {
  splits: 0.3,
  iterates: 0.3,
  routes: 0.3,
  handsOff: 0.3,
  sequence: 0.3,
  plans: 0.3,
};
