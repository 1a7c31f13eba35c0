import type { LearnedPatternStats } from "../autonomy/decide-pattern";
import type { Pattern } from "../autonomy/vocabulary";
import type { Outcome } from "./outcome";

/** A running mean and variance (Welford): one pass, no stored samples, stable for long runs. */
export type RunningMean = { n: number; mean: number; m2: number };

/** What is known about one strategy in one class of task. */
export type StrategyStats = {
  /** Beta posterior of the success rate: prior plus successes, prior plus failures. */
  alpha: number;
  beta: number;
  n: number;
  successes: number;
  latencyMs: RunningMean;
  tokens: RunningMean;
  cost: RunningMean;
  rating: RunningMean;
};

export const EMPTY_MEAN: RunningMean = { n: 0, mean: 0, m2: 0 };

/**
 * Fresh statistics with a Beta(alpha, beta) prior (uniform by default).
 * @example createStats().alpha // → 1
 */
export function createStats(
  prior: { alpha: number; beta: number } = { alpha: 1, beta: 1 },
): StrategyStats {
  return {
    alpha: prior.alpha,
    beta: prior.beta,
    n: 0,
    successes: 0,
    latencyMs: EMPTY_MEAN,
    tokens: EMPTY_MEAN,
    cost: EMPTY_MEAN,
    rating: EMPTY_MEAN,
  };
}

/**
 * Adds one value to a running mean.
 * @example addToMean(addToMean(EMPTY_MEAN, 2), 4).mean // → 3
 */
export function addToMean(m: RunningMean, x: number): RunningMean {
  if (!Number.isFinite(x)) return m;
  const n = m.n + 1;
  const delta = x - m.mean;
  const mean = m.mean + delta / n;
  return { n, mean, m2: m.m2 + delta * (x - mean) };
}

/** The sample variance of a running mean (0 below two values). */
export function varianceOf(m: RunningMean): number {
  return m.n > 1 ? m.m2 / (m.n - 1) : 0;
}

/**
 * How much of one success an outcome is: its score in [0, 1] when it has one (a fractional Beta
 * update: a score of 0.8 adds 0.8 to alpha and 0.2 to beta), else 1 or 0.
 * @example successShare({ success: false, score: 0.75 }) // → 0.75
 */
export function successShare(outcome: { success: boolean; score?: number | null }): number {
  if (outcome.score === undefined || outcome.score === null || !Number.isFinite(outcome.score))
    return outcome.success ? 1 : 0;
  return Math.min(1, Math.max(0, outcome.score));
}

/**
 * Folds one outcome into a strategy's statistics. Pure: returns new statistics.
 * @example updateStats(createStats(), { success: true, latencyMs: 900, tokens: 1200, cost: 0.01, ... }).alpha // → 2
 */
export function updateStats(
  stats: StrategyStats,
  outcome: Pick<Outcome, "success" | "score" | "latencyMs" | "tokens" | "cost" | "rating">,
): StrategyStats {
  const won = successShare(outcome);
  return {
    alpha: stats.alpha + won,
    beta: stats.beta + (1 - won),
    n: stats.n + 1,
    successes: stats.successes + won,
    latencyMs: addToMean(stats.latencyMs, outcome.latencyMs),
    tokens: addToMean(stats.tokens, outcome.tokens),
    cost: addToMean(stats.cost, outcome.cost),
    rating: outcome.rating === undefined ? stats.rating : addToMean(stats.rating, outcome.rating),
  };
}

/**
 * Everything learned so far, at three levels: per task class and strategy (what competes), per task
 * class and pattern (what the decision engine reads), per pattern and overall (the fallbacks of
 * the predictor). Plain JSON, so the server can store it as is.
 */
export type LearningBook = {
  byClass: Record<string, Record<string, StrategyStats>>;
  byClassPattern: Record<string, Partial<Record<Pattern, StrategyStats>>>;
  byPattern: Partial<Record<Pattern, StrategyStats>>;
  global: StrategyStats;
};

export function createLearningBook(): LearningBook {
  return { byClass: {}, byClassPattern: {}, byPattern: {}, global: createStats() };
}

/**
 * Records an outcome at every level. Pure: copies only the path it changes.
 * @example book = recordOutcome(book, outcome)
 */
export function recordOutcome(book: LearningBook, outcome: Outcome): LearningBook {
  const { taskClass, strategyId, pattern } = outcome;
  const strategies = book.byClass[taskClass] ?? {};
  const patterns = book.byClassPattern[taskClass] ?? {};
  return {
    byClass: {
      ...book.byClass,
      [taskClass]: {
        ...strategies,
        [strategyId]: updateStats(strategies[strategyId] ?? createStats(), outcome),
      },
    },
    byClassPattern: {
      ...book.byClassPattern,
      [taskClass]: {
        ...patterns,
        [pattern]: updateStats(patterns[pattern] ?? createStats(), outcome),
      },
    },
    byPattern: {
      ...book.byPattern,
      [pattern]: updateStats(book.byPattern[pattern] ?? createStats(), outcome),
    },
    global: updateStats(book.global, outcome),
  };
}

/**
 * The decision engine's view of a task class: the Beta posterior per pattern.
 * @example decidePattern(features, { learned: learnedPatternStats(book, classifyTask(features)) })
 */
export function learnedPatternStats(
  book: LearningBook,
  taskClass: string,
): LearnedPatternStats | undefined {
  const patterns = book.byClassPattern[taskClass];
  if (!patterns) return undefined;
  const learned: LearnedPatternStats = {};
  for (const [pattern, stats] of Object.entries(patterns) as Array<[Pattern, StrategyStats]>)
    learned[pattern] = { alpha: stats.alpha, beta: stats.beta };
  return learned;
}
