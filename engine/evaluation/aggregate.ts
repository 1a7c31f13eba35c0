import type { TokenUsage } from "../schema/run-events";
import { meanInterval, type Interval } from "./intervals";
import { combineScores, type EvaluatorResult } from "./score-item";
import type { EvaluatorKind } from "./evaluators";

/** One item of an evaluation after its run and its evaluators. */
export type EvaluatedItem = {
  itemId: string;
  results: EvaluatorResult[];
  durationMs?: number;
  /** The run's cost plus the evaluators' (judges, embeddings); absent when not known. */
  costUsd?: number;
  usage?: TokenUsage;
  runFailed?: boolean;
};

export type Distribution = {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
  total: number;
};

export type EvaluationSummary = {
  items: number;
  /** Items with a score; an item whose every evaluator errored has none and is left out of the score. */
  scoredItems: number;
  unscoredItemIds: string[];
  /** Evaluator results skipped because the evaluator could not score (no model, no reference, …). */
  erroredResults: number;
  /** Mean over scored items of each item's mean evaluator score. */
  score: number | null;
  interval: Interval | null;
  passThreshold: number;
  passedItems: number;
  /** Passed items over scored items. */
  passRate: number | null;
  /** Scored items below the threshold, lowest first. */
  failedItems: { itemId: string; score: number }[];
  failedRuns: number;
  byEvaluator: {
    evaluatorId: string;
    kind: EvaluatorKind;
    mean: number | null;
    scored: number;
    errored: number;
    firstError?: string;
  }[];
  /** Over items whose cost is known; `count` says how many. */
  costUsd: Distribution | null;
  durationMs: Distribution | null;
  tokens: TokenUsage;
};

export const DEFAULT_PASS_THRESHOLD = 0.5;

/** Linear interpolation between order statistics (the usual "type 7" quantile). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return (
    (sorted[below] as number) +
    ((sorted[above] as number) - (sorted[below] as number)) * (position - below)
  );
}

/**
 * Count, mean, median, 95th percentile, maximum and total of the values; null without values.
 * @example describeDistribution([100, 200, 300]) // → { count: 3, mean: 200, p50: 200, p95: 290, max: 300, total: 600 }
 */
export function describeDistribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    mean: total / sorted.length,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted[sorted.length - 1] as number,
    total,
  };
}

/** An item's score: the mean of its evaluators' scores, skipping those that errored. */
export function itemScoreOf(item: Pick<EvaluatedItem, "results">): number | null {
  return combineScores(item.results).score;
}

/**
 * Sums up an evaluation: the score (mean over items of each item's mean evaluator score, skipping
 * errored evaluators and counting them), its 95% interval (see intervals.ts), the pass rate against
 * `passThreshold`, per-evaluator means, and cost, latency and tokens.
 * @example summarizeEvaluation([{ itemId: "a", results: [{ evaluatorId: "e", kind: "contains", score: 1, reason: "" }] }]).score // → 1
 */
export function summarizeEvaluation(
  items: readonly EvaluatedItem[],
  options: { passThreshold?: number } = {},
): EvaluationSummary {
  const passThreshold = options.passThreshold ?? DEFAULT_PASS_THRESHOLD;
  const scores: number[] = [];
  const unscoredItemIds: string[] = [];
  const failedItems: { itemId: string; score: number }[] = [];
  let erroredResults = 0;
  const evaluators = new Map<string, EvaluationSummary["byEvaluator"][number] & { sum: number }>();
  for (const item of items) {
    const { score, erroredEvaluators } = combineScores(item.results);
    erroredResults += erroredEvaluators;
    if (score === null) unscoredItemIds.push(item.itemId);
    else {
      scores.push(score);
      if (score < passThreshold) failedItems.push({ itemId: item.itemId, score });
    }
    for (const result of item.results) {
      const entry = evaluators.get(result.evaluatorId) ?? {
        evaluatorId: result.evaluatorId,
        kind: result.kind,
        mean: null,
        scored: 0,
        errored: 0,
        sum: 0,
      };
      if (result.score === null) {
        entry.errored++;
        entry.firstError ??= result.error;
      } else {
        entry.scored++;
        entry.sum += result.score;
      }
      evaluators.set(result.evaluatorId, entry);
    }
  }
  failedItems.sort((a, b) => a.score - b.score || a.itemId.localeCompare(b.itemId));
  const interval = meanInterval(scores);
  const known = <T>(values: (T | undefined)[]) =>
    values.filter((value): value is T => value !== undefined);
  return {
    items: items.length,
    scoredItems: scores.length,
    unscoredItemIds,
    erroredResults,
    score: interval?.mean ?? null,
    interval,
    passThreshold,
    passedItems: scores.length - failedItems.length,
    passRate: scores.length ? (scores.length - failedItems.length) / scores.length : null,
    failedItems,
    failedRuns: items.filter((item) => item.runFailed).length,
    byEvaluator: [...evaluators.values()].map(({ sum, ...entry }) => ({
      ...entry,
      mean: entry.scored ? sum / entry.scored : null,
    })),
    costUsd: describeDistribution(known(items.map((item) => item.costUsd))),
    durationMs: describeDistribution(known(items.map((item) => item.durationMs))),
    tokens: items.reduce(
      (sum, item) => ({
        inputTokens: sum.inputTokens + (item.usage?.inputTokens ?? 0),
        outputTokens: sum.outputTokens + (item.usage?.outputTokens ?? 0),
      }),
      { inputTokens: 0, outputTokens: 0 },
    ),
  };
}
