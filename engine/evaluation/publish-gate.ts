import { z } from "zod";
import type { EvaluationSummary } from "./aggregate";
import type { EvaluationComparison } from "./compare";

/** A workflow's gate: publishing needs an evaluation on this dataset scoring at least `minScore`. */
export const PublishGateSettingsSchema = z.object({
  datasetId: z.string().trim().min(1, "choose the dataset the gate evaluates"),
  minScore: z
    .number()
    .min(0, "the minimum score is between 0 and 1")
    .max(1, "the minimum score is between 0 and 1"),
});
export type PublishGateSettings = z.output<typeof PublishGateSettingsSchema>;

/** The evaluation the publish ran (of the draft being published). */
export type GateEvaluation = {
  evaluationId: string;
  datasetId: string;
  status: "completed" | "cancelled" | "failed" | "running" | "queued";
  summary: EvaluationSummary;
};

export type GateRegression = {
  itemId: string;
  score: number | null;
  previousScore?: number | null;
  delta?: number | null;
};

export type GateDecision =
  | { decision: "not-required"; reason: string }
  | { decision: "pass"; reason: string; score: number; regressions: GateRegression[] }
  | { decision: "refuse"; reason: string; score: number | null; regressions: GateRegression[] };

/** How many regressions a decision lists (the comparison page has them all). */
export const MAX_LISTED_REGRESSIONS = 20;

function regressionsOf(
  summary: EvaluationSummary,
  comparison: EvaluationComparison | null | undefined,
): GateRegression[] {
  if (comparison)
    return comparison.items
      .filter(
        (item) =>
          item.change === "regressed" || (item.change === "unscored" && item.baseScore !== null),
      )
      .slice(0, MAX_LISTED_REGRESSIONS)
      .map((item) => ({
        itemId: item.itemId,
        score: item.candidateScore,
        previousScore: item.baseScore,
        delta: item.delta,
      }));
  // No published version to compare with: the items below the pass threshold are what to fix.
  return summary.failedItems
    .slice(0, MAX_LISTED_REGRESSIONS)
    .map((item) => ({ itemId: item.itemId, score: item.score }));
}

const format = (score: number) => score.toFixed(3).replace(/\.?0+$/, "") || "0";

/**
 * Decides whether a publish may go ahead. Pure: the server runs the evaluation, compares it with
 * the published version's evaluation on the same dataset version (when there is one), calls this,
 * and on "refuse" refuses the publish unless an admin overrides it (audited there). The decision
 * is on the mean score, not its interval: the interval is shown beside it.
 * @example decidePublishGate({ datasetId: "d1", minScore: 0.8 }, evaluation, comparison)
 *   // → { decision: "refuse", reason: "scored 0.72 on the gate's dataset; at least 0.8 is required", regressions: [...] }
 */
export function decidePublishGate(
  settings: PublishGateSettings | null,
  evaluation: GateEvaluation | null,
  comparison?: EvaluationComparison | null,
): GateDecision {
  if (!settings)
    return { decision: "not-required", reason: "this workflow has no evaluation gate" };
  if (!evaluation)
    return {
      decision: "refuse",
      reason: "the gate needs an evaluation of this version on its dataset, and none was run",
      score: null,
      regressions: [],
    };
  if (evaluation.datasetId !== settings.datasetId)
    return {
      decision: "refuse",
      reason: "the evaluation ran another dataset than the one the gate requires",
      score: null,
      regressions: [],
    };
  const { summary } = evaluation;
  if (evaluation.status !== "completed")
    return {
      decision: "refuse",
      reason: `the evaluation is ${evaluation.status}, not completed (${summary.items} items evaluated)`,
      score: summary.score,
      regressions: [],
    };
  if (summary.score === null)
    return {
      decision: "refuse",
      reason: "no item could be scored (every evaluator errored); see the evaluators' errors",
      score: null,
      regressions: [],
    };
  const regressions = regressionsOf(summary, comparison);
  const interval = summary.interval
    ? ` (95% interval ${format(summary.interval.low)}–${format(summary.interval.high)})`
    : "";
  const skipped = summary.unscoredItemIds.length
    ? `; ${summary.unscoredItemIds.length} items could not be scored`
    : "";
  // A hair of tolerance: a mean of exact scores can land a last bit below the same written number.
  if (summary.score < settings.minScore - 1e-9)
    return {
      decision: "refuse",
      reason: `scored ${format(summary.score)}${interval} on the gate's dataset; at least ${format(settings.minScore)} is required${skipped}`,
      score: summary.score,
      regressions,
    };
  return {
    decision: "pass",
    reason: `scored ${format(summary.score)}${interval}, at least the required ${format(settings.minScore)}${skipped}`,
    score: summary.score,
    regressions,
  };
}
