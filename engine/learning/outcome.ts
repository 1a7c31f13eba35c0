import type { Capability, Pattern, StructureKind, TaskFeatures } from "../autonomy/vocabulary";

/** One finished run, as the learning module records it. */
export type Outcome = {
  /** From classifyTask(features): runs of similar tasks share a class. */
  taskClass: string;
  pattern: Pattern;
  /** What competed: a pattern variant, a workflow version ("wf_12@v3"), a prompt or model choice. */
  strategyId: string;
  success: boolean;
  /**
   * A graded success in [0, 1] (an evaluation's score) instead of success or failure: it counts
   * as `score` of a success and `1 - score` of a failure in the Beta posterior.
   */
  score?: number;
  latencyMs: number;
  tokens: number;
  cost: number;
  /** The user's rating, 1–5, when given. */
  rating?: number;
};

const CAPABILITY_CODE: Record<Capability, string> = {
  "web-fetch": "fetch",
  "web-search": "search",
  files: "files",
  "code-hosting": "code",
  sqlite: "sqlite",
  "relational-db": "sql",
  "browser-automation": "browser",
  documents: "docs",
  memory: "memory",
  reasoning: "think",
  "mcp-testing": "test",
};
const STRUCTURE_CODE: Record<StructureKind, string> = {
  splits: "s",
  iterates: "i",
  routes: "r",
  handsOff: "h",
  sequence: "q",
  plans: "p",
};
const STRUCTURE_KINDS = Object.keys(STRUCTURE_CODE) as StructureKind[];

/**
 * A stable short key for a class of tasks: the capabilities it needs (sorted) and its structural
 * signals. Coarse on purpose, so a class gathers enough runs to learn from.
 * @example classifyTask(analyzeTask("Read data/events.csv and load it into SQLite")) // → "files+sqlite|q"
 */
export function classifyTask(features: Pick<TaskFeatures, "capabilities" | "structure">): string {
  const capabilities =
    features.capabilities
      .map((c) => CAPABILITY_CODE[c])
      .sort()
      .join("+") || "none";
  const structure =
    STRUCTURE_KINDS.filter((kind) => features.structure[kind])
      .map((kind) => STRUCTURE_CODE[kind])
      .join("") || "-";
  return `${capabilities}|${structure}`;
}
