import { betaMean, betaVariance } from "../learning/beta-math";
import {
  PATTERNS,
  STRUCTURE_THRESHOLDS,
  type Pattern,
  type StructureKind,
  type TaskFeatures,
} from "./vocabulary";

/** Successes and failures seen per pattern for one class of task, as Beta posteriors (engine/learning). */
export type LearnedPatternStats = Partial<Record<Pattern, { alpha: number; beta: number }>>;
/** Additive nudges per pattern, e.g. from the user's past edits (engine/learning preferences). */
export type PatternBias = Partial<Record<Pattern, number>>;

export type DecideOptions = {
  learned?: LearnedPatternStats;
  bias?: PatternBias;
  /** Observations each of the two contenders needs before learning may overrule the heuristics. */
  minEvidence?: number;
  /** How close (in margin points) the two best patterns must be for learning to decide. */
  closeCall?: number;
};

export type PatternDecision = {
  pattern: Pattern;
  /** 0.5–0.99: how clearly the best pattern beat the runner-up (a heuristic, not a calibrated probability). */
  confidence: number;
  /** Score above the pattern's threshold; "single" is the 0 baseline. */
  margins: Record<Pattern, number>;
  runnerUp: Pattern;
  reasons: string[];
  learnedOverride: boolean;
};

const PATTERN_OF: Record<StructureKind, Pattern> = {
  splits: "parallel",
  iterates: "evaluator-optimizer",
  routes: "router",
  handsOff: "swarm",
  sequence: "chain",
  plans: "orchestrator",
};
const KINDS = Object.keys(PATTERN_OF) as StructureKind[];
const KIND_OF = Object.fromEntries(KINDS.map((kind) => [PATTERN_OF[kind], kind])) as Record<
  Exclude<Pattern, "single">,
  StructureKind
>;
/** Ties go to the more specific shape: a plan or a conversation says more than "several steps". */
const PRIORITY: Pattern[] = [
  "orchestrator",
  "swarm",
  "router",
  "evaluator-optimizer",
  "parallel",
  "chain",
  "single",
];
const RANK = new Map(PRIORITY.map((p, i) => [p, i]));
/**
 * A chain is what several capabilities make by default, so its margin counts for less than the
 * explicit shapes: "plan and carry out … research online and write" is an orchestrator even though
 * it also reads as steps.
 */
const WEIGHT: Record<StructureKind, number> = {
  splits: 1,
  iterates: 1,
  routes: 1,
  handsOff: 1,
  sequence: 0.6,
  plans: 1,
};

const WHY: Record<Pattern, string> = {
  single:
    "one agent can do it: no independent parts, quality loop, routing, hand-offs or distinct steps",
  chain: "distinct steps in order",
  router: "each item goes to one of several handlers by category",
  parallel: "independent parts that can run at the same time",
  orchestrator: "open-ended work to decompose into subtasks",
  "evaluator-optimizer": "a quality bar to iterate towards",
  swarm: "a conversation handed between specialist agents",
};

function beats(margins: Record<Pattern, number>, a: Pattern, b: Pattern): boolean {
  return (
    margins[a] > margins[b] ||
    (margins[a] === margins[b] && (RANK.get(a) as number) < (RANK.get(b) as number))
  );
}

function evidenceFor(features: TaskFeatures, pattern: Pattern): string {
  if (pattern === "single") return "";
  const kind = KIND_OF[pattern];
  return ` (signal ${features.structureScores[kind]}, needs ${STRUCTURE_THRESHOLDS[kind]})`;
}

/**
 * Picks the workflow pattern for analysed features, with a confidence and the reasons. Learned
 * success rates for this class of task may overrule a close call when both contenders have evidence.
 * @example decidePattern(analyzeTask("Route each ticket to billing, bugs or sales")).pattern // → "router"
 */
export function decidePattern(
  features: TaskFeatures,
  options: DecideOptions = {},
): PatternDecision {
  const margins = {
    single: 0,
    chain: 0,
    router: 0,
    parallel: 0,
    orchestrator: 0,
    "evaluator-optimizer": 0,
    swarm: 0,
  } as Record<Pattern, number>;
  for (const kind of KINDS) {
    const pattern = PATTERN_OF[kind];
    margins[pattern] = (features.structureScores[kind] - STRUCTURE_THRESHOLDS[kind]) * WEIGHT[kind];
  }
  if (options.bias) for (const pattern of PATTERNS) margins[pattern] += options.bias[pattern] ?? 0;

  // A shape must reach its threshold to replace "single"; the runner-up may be any other pattern.
  // Steps in order are what every explicit shape has too (a loop, a plan, a route all take steps),
  // so a chain wins only when no explicit shape reaches its threshold.
  const explicit = PRIORITY.some((p) => p !== "single" && p !== "chain" && margins[p] >= 0);
  let best: Pattern = "single";
  for (const pattern of PRIORITY) {
    if (
      pattern !== "single" &&
      !(explicit && pattern === "chain") &&
      margins[pattern] >= 0 &&
      beats(margins, pattern, best)
    )
      best = pattern;
  }
  let runnerUp: Pattern = best === "single" ? "chain" : "single";
  for (const pattern of PRIORITY)
    if (pattern !== best && beats(margins, pattern, runnerUp)) runnerUp = pattern;

  const reasons = [`${best}: ${WHY[best]}${evidenceFor(features, best)}`];
  if (options.bias && (options.bias[best] ?? 0) !== 0)
    reasons.push(`your past edits nudge towards ${best} (${(options.bias[best] ?? 0).toFixed(2)})`);
  let learnedOverride = false;
  const gap = margins[best] - margins[runnerUp];
  const learned = options.learned;
  if (learned && gap <= (options.closeCall ?? 1.5)) {
    const a = learned[best];
    const b = learned[runnerUp];
    const minEvidence = options.minEvidence ?? 10;
    if (a && b && a.alpha + a.beta - 2 >= minEvidence && b.alpha + b.beta - 2 >= minEvidence) {
      const meanA = betaMean(a);
      const varA = betaVariance(a);
      const meanB = betaMean(b);
      const varB = betaVariance(b);
      // 1.28 standard errors: the runner-up is better with probability ≥ 0.9 under a normal approximation.
      if (meanB - meanA > 1.28 * Math.sqrt(varA + varB)) {
        reasons.length = 0;
        reasons.push(
          `learned: ${runnerUp} succeeded ${(meanB * 100).toFixed(0)}% vs ${best} ${(meanA * 100).toFixed(0)}% on tasks like this, and the heuristics were close`,
          `heuristics preferred ${best}: ${WHY[best]}`,
        );
        learnedOverride = true;
        [best, runnerUp] = [runnerUp, best];
      } else
        reasons.push(
          `learned success rates agree or are too close to overrule (${(meanA * 100).toFixed(0)}% vs ${(meanB * 100).toFixed(0)}%)`,
        );
    }
  }
  const finalGap = Math.abs(margins[best] - margins[runnerUp]);
  const confidence = Math.min(0.99, Math.max(0.5, 1 / (1 + Math.exp(-(finalGap + 0.5)))));
  if (!learnedOverride && gap < 1) reasons.push(`close call with ${runnerUp}`);
  return {
    pattern: best,
    confidence: learnedOverride ? 0.6 : confidence,
    margins,
    runnerUp,
    reasons,
    learnedOverride,
  };
}
