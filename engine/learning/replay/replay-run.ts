import type { Rng } from "../random";

/** One run of a replayed history: what the predictor is told before it, and what then happened. */
export type ReplayRun = {
  /** When it started (unix ms); a history is in this order. */
  at: number;
  workflowId: string;
  versionId: string;
  /** Runs of similar tasks share a class (engine/learning/outcome.ts classifyTask in the app). */
  taskClass: string;
  /** The language model its agents use ("none" for a workflow without one). */
  model: string;
  /** Its workflow's structure tokens (engine/learning/workflow-shape.ts), when the history has them. */
  shape?: readonly string[];
  success: boolean;
  durationMs: number;
  tokens: number;
  costUsd: number;
  /**
   * The generator's own median duration for this run's version at that moment (a successful
   * run's): what a predictor that knew the generator would say, the floor of the duration error.
   */
  medianMs?: number;
  /**
   * The median of its task class's workflows as they start (a new workflow's law before its own
   * offset is drawn): what an oracle that knew the class but not the workflow would say for a
   * workflow's first run, the floor of the cold-start error given what a predictor can know.
   */
  classMedianMs?: number;
  /** The generator's log-scale spread and failure rate for this run (its law, for the floors). */
  spread?: number;
  failureRate?: number;
};

/** A tenant's runs in time order, from one generator. */
export type ReplayHistory = {
  generator: string;
  tenant: string;
  runs: ReplayRun[];
  /**
   * Draws a run's duration over its median (`medianMs`) from the generator's own law for that
   * run (spread, failures, outliers): what the best-point floor is computed from.
   */
  drawDurationRatio?: (run: ReplayRun, rng: Rng) => number;
};
