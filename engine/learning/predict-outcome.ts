import type { Pattern } from "../autonomy/vocabulary";
import type { LearningBook, RunningMean, StrategyStats } from "./strategy-stats";

export type Prediction = {
  /** Expected probability the run succeeds. */
  successProbability: number;
  /** Expected latency, tokens and cost per run; null when nothing has been observed at any level. */
  latencyMs: number | null;
  tokens: number | null;
  cost: number | null;
  /** How many outcomes back each level of the estimate. */
  observations: { classStrategy: number; pattern: number; global: number };
  /** The most specific level with observations. */
  basis: "class-strategy" | "pattern" | "global" | "prior";
};

/**
 * Shrinks an estimate towards its parent level: `strength` pseudo-observations of the parent's
 * value, so a strategy with 3 runs mostly reports its pattern's rate and one with 300 its own.
 */
function shrink(observedTotal: number, n: number, parent: number, strength: number): number {
  return (observedTotal + strength * parent) / (n + strength);
}

function shrinkMean(
  mean: RunningMean | undefined,
  parent: number | null,
  strength: number,
): number | null {
  if (!mean || mean.n === 0) return parent;
  if (parent === null) return mean.mean;
  return shrink(mean.mean * mean.n, mean.n, parent, strength);
}

/**
 * Predicts a run's outcome for a task class and strategy from everything recorded, falling back
 * from class+strategy → pattern → all runs → a uniform prior, each level shrunk towards the next.
 * @example predictOutcome(book, { taskClass: "files+sqlite|q", strategyId: "chain", pattern: "chain" }).successProbability // → 0.5 with no data
 */
export function predictOutcome(
  book: LearningBook,
  target: { taskClass: string; strategyId: string; pattern: Pattern },
  options: { strength?: number } = {},
): Prediction {
  const strength = options.strength ?? 4;
  const global = book.global;
  const pattern: StrategyStats | undefined = book.byPattern[target.pattern];
  const own: StrategyStats | undefined = book.byClass[target.taskClass]?.[target.strategyId];
  const pGlobal = (global.successes + 1) / (global.n + 2);
  const pPattern = pattern ? shrink(pattern.successes, pattern.n, pGlobal, strength) : pGlobal;
  const pOwn = own ? shrink(own.successes, own.n, pPattern, strength) : pPattern;
  const metric = (pick: (s: StrategyStats) => RunningMean) => {
    const top = global.n > 0 ? pick(global).mean : null;
    return shrinkMean(
      own ? pick(own) : undefined,
      shrinkMean(pattern ? pick(pattern) : undefined, top, strength),
      strength,
    );
  };
  const ownN = own?.n ?? 0;
  const patternN = pattern?.n ?? 0;
  return {
    successProbability: pOwn,
    latencyMs: metric((s) => s.latencyMs),
    tokens: metric((s) => s.tokens),
    cost: metric((s) => s.cost),
    observations: { classStrategy: ownN, pattern: patternN, global: global.n },
    basis:
      ownN > 0 ? "class-strategy" : patternN > 0 ? "pattern" : global.n > 0 ? "global" : "prior",
  };
}
