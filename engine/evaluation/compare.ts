import { itemScoreOf, summarizeEvaluation, type EvaluatedItem } from "./aggregate";
import { pairedDifferenceInterval, type Interval } from "./intervals";

/** An evaluation as the comparison needs it: which dataset version it ran, and its items. */
export type EvaluationRun = {
  evaluationId: string;
  datasetVersionId: string;
  items: readonly EvaluatedItem[];
};

export type ItemChange = "regressed" | "improved" | "unchanged" | "unscored";

export type ItemComparison = {
  itemId: string;
  baseScore: number | null;
  candidateScore: number | null;
  /** candidate − base; null when either has no score. */
  delta: number | null;
  change: ItemChange;
  /** Per evaluator present in either, so the page can show which evaluator moved. */
  evaluators: {
    evaluatorId: string;
    base: number | null;
    candidate: number | null;
    delta: number | null;
  }[];
};

export type Delta = { base: number | null; candidate: number | null; delta: number | null };

export type EvaluationComparison = {
  baseId: string;
  candidateId: string;
  /** Regressions first (largest drop first), then items that lost or gained a score, improvements, unchanged. */
  items: ItemComparison[];
  counts: Record<ItemChange, number>;
  /** Items only one of the two evaluated (an evaluation cancelled part way). */
  onlyInBase: string[];
  onlyInCandidate: string[];
  /** Each side's score over the items scored in both, with its interval. */
  score: Delta & { baseInterval: Interval | null; candidateInterval: Interval | null };
  /** The mean of per-item differences over items scored in both, with its 95% interval. */
  pairedDifference: Interval | null;
  passRate: Delta;
  /** Cost and latency over the items both ran. */
  meanCostUsd: Delta;
  totalCostUsd: Delta;
  p50DurationMs: Delta;
  p95DurationMs: Delta;
  byEvaluator: (Delta & { evaluatorId: string })[];
};

export type ComparisonResult =
  { ok: true; value: EvaluationComparison } | { ok: false; error: string };

const CHANGE_ORDER: Record<ItemChange, number> = {
  regressed: 0,
  unscored: 1,
  improved: 2,
  unchanged: 3,
};

function delta(base: number | null | undefined, candidate: number | null | undefined): Delta {
  const [b, c] = [base ?? null, candidate ?? null];
  return { base: b, candidate: c, delta: b === null || c === null ? null : c - b };
}

function scoresByEvaluator(item: EvaluatedItem | undefined): Map<string, number | null> {
  return new Map((item?.results ?? []).map((result) => [result.evaluatorId, result.score]));
}

/**
 * Compares two evaluations of the same dataset version item by item (matched by item id).
 * `tolerance` is how far a score may drop before the item counts as regressed (0: any drop).
 * @example compareEvaluations(v4Run, v5Run).value.items[0] // → the item that got worst, if any did
 */
export function compareEvaluations(
  base: EvaluationRun,
  candidate: EvaluationRun,
  options: { tolerance?: number; passThreshold?: number } = {},
): ComparisonResult {
  if (base.datasetVersionId !== candidate.datasetVersionId)
    return {
      ok: false,
      error: `the evaluations ran different dataset versions (${base.datasetVersionId} and ${candidate.datasetVersionId}); compare evaluations of the same version`,
    };
  const tolerance = options.tolerance ?? 0;
  const epsilon = 1e-12; // sums of equal scores in another order may differ in the last bit
  const baseById = new Map(base.items.map((item) => [item.itemId, item]));
  const candidateById = new Map(candidate.items.map((item) => [item.itemId, item]));
  const items: ItemComparison[] = [];
  const differences: number[] = [];
  for (const [itemId, baseItem] of baseById) {
    const candidateItem = candidateById.get(itemId);
    if (!candidateItem) continue;
    const scores = delta(itemScoreOf(baseItem), itemScoreOf(candidateItem));
    let change: ItemChange = "unscored";
    if (scores.delta !== null) {
      differences.push(scores.delta);
      change =
        scores.delta < -tolerance - epsilon
          ? "regressed"
          : scores.delta > tolerance + epsilon
            ? "improved"
            : "unchanged";
    }
    const [b, c] = [scoresByEvaluator(baseItem), scoresByEvaluator(candidateItem)];
    const evaluatorIds = [...new Set([...b.keys(), ...c.keys()])];
    items.push({
      itemId,
      baseScore: scores.base,
      candidateScore: scores.candidate,
      delta: scores.delta,
      change,
      evaluators: evaluatorIds.map((evaluatorId) => ({
        evaluatorId,
        ...delta(b.get(evaluatorId), c.get(evaluatorId)),
      })),
    });
  }
  items.sort((x, y) => {
    const byChange = CHANGE_ORDER[x.change] - CHANGE_ORDER[y.change];
    if (byChange !== 0) return byChange;
    const byDelta =
      x.change === "improved" ? (y.delta ?? 0) - (x.delta ?? 0) : (x.delta ?? 0) - (y.delta ?? 0);
    return byDelta || x.itemId.localeCompare(y.itemId);
  });

  // Scores over the items both scored, cost and latency over the items both ran: a cancelled
  // evaluation, or an evaluator that errored on one side only, does not skew the deltas.
  const passThreshold = options.passThreshold;
  const scoredInBoth = new Set(
    items.filter((item) => item.delta !== null).map((item) => item.itemId),
  );
  const ranInBoth = new Set(items.map((item) => item.itemId));
  const summarize = (run: EvaluationRun, ids: Set<string>) =>
    summarizeEvaluation(
      run.items.filter((item) => ids.has(item.itemId)),
      { passThreshold },
    );
  const [b, c] = [summarize(base, scoredInBoth), summarize(candidate, scoredInBoth)];
  const [bRan, cRan] = [summarize(base, ranInBoth), summarize(candidate, ranInBoth)];
  const counts: Record<ItemChange, number> = {
    regressed: 0,
    improved: 0,
    unchanged: 0,
    unscored: 0,
  };
  for (const item of items) counts[item.change]++;
  const evaluatorIds = [
    ...new Set([...b.byEvaluator, ...c.byEvaluator].map((entry) => entry.evaluatorId)),
  ];
  const meanOf = (summary: typeof b, id: string) =>
    summary.byEvaluator.find((entry) => entry.evaluatorId === id)?.mean;
  return {
    ok: true,
    value: {
      baseId: base.evaluationId,
      candidateId: candidate.evaluationId,
      items,
      counts,
      onlyInBase: [...baseById.keys()].filter((id) => !candidateById.has(id)),
      onlyInCandidate: [...candidateById.keys()].filter((id) => !baseById.has(id)),
      score: {
        ...delta(b.score, c.score),
        baseInterval: b.interval,
        candidateInterval: c.interval,
      },
      pairedDifference: pairedDifferenceInterval(differences),
      passRate: delta(b.passRate, c.passRate),
      meanCostUsd: delta(bRan.costUsd?.mean, cRan.costUsd?.mean),
      totalCostUsd: delta(bRan.costUsd?.total, cRan.costUsd?.total),
      p50DurationMs: delta(bRan.durationMs?.p50, cRan.durationMs?.p50),
      p95DurationMs: delta(bRan.durationMs?.p95, cRan.durationMs?.p95),
      byEvaluator: evaluatorIds.map((evaluatorId) => ({
        evaluatorId,
        ...delta(meanOf(b, evaluatorId), meanOf(c, evaluatorId)),
      })),
    },
  };
}
