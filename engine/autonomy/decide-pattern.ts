import { betaMean, betaVariance } from "../learning/beta-math";
import { predictLinear, weightOf, type LinearModel } from "./linear-model";
import { predictWithDelta, type PatternDelta } from "./pattern-delta";
import { PATTERN_MODEL } from "./task-models";
import { PATTERNS, type Pattern, type TaskFeatures } from "./vocabulary";

/** Successes and failures seen per pattern for one class of task, as Beta posteriors (engine/learning). */
export type LearnedPatternStats = Partial<Record<Pattern, { alpha: number; beta: number }>>;

export type DecideOptions = {
  learned?: LearnedPatternStats;
  /** Observations each of the two contenders needs before learning may overrule the heuristics. */
  minEvidence?: number;
  /** How close (in log-odds) the two best patterns must be for learning to decide. */
  closeCall?: number;
  /** The pattern model (the committed one by default; bench:autonomy passes models trained without the writer it tests). */
  model?: LinearModel;
  /**
   * The tenant's corrections to the model, learned online (pattern-delta.ts): the one place a
   * tenant's choice of another pattern (in the dialog, before the first publish, by rating) is learned.
   */
  delta?: PatternDelta;
};

export type PatternDecision = {
  pattern: Pattern;
  /** 0.5–0.99: how clearly the best pattern beat the runner-up (its share of the two). */
  confidence: number;
  /** Log-odds of each pattern against a single agent (so "single" is 0). */
  margins: Record<Pattern, number>;
  runnerUp: Pattern;
  reasons: string[];
  learnedOverride: boolean;
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

/** The cues that pushed hardest towards a pattern, for its reason ("each", "until"). */
function strongestCues(model: LinearModel, cues: readonly string[], label: number): string[] {
  return cues
    .filter((cue) => cue.startsWith("w:") || cue.startsWith("b:"))
    .map((cue) => ({ cue, weight: weightOf(model, cue, label) }))
    .filter((c) => c.weight > 0)
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 3)
    .map(({ cue }) => cue)
    .map((cue) => `"${cue.slice(2).replace(/_/g, " ").replace("^ ", "")}"`);
}

/**
 * Picks the workflow pattern for analysed features with the learned pattern model (a linear
 * classifier trained on labelled tasks; see task-models.ts), with a confidence and the reasons.
 * Learned success rates for this class of task may overrule a close call when both contenders
 * have evidence, and the tenant's corrections (`delta`) move the model's weights.
 * @example decidePattern(analyzeTask("Route each ticket to billing, bugs or sales")).pattern // → "router"
 */
export function decidePattern(
  features: Pick<TaskFeatures, "cues">,
  options: DecideOptions = {},
): PatternDecision {
  const model = options.model ?? PATTERN_MODEL;
  const probabilities = options.delta?.corrections
    ? predictWithDelta(model, options.delta, features.cues)
    : predictLinear(model, features.cues);
  const probabilityOf = (pattern: Pattern) => {
    const i = model.labels.indexOf(pattern);
    return i < 0 ? 0 : (probabilities[i] as number);
  };
  // Log-odds against a single agent: "single" is the 0 baseline, as before.
  const floor = 1e-6;
  const single = Math.max(floor, probabilityOf("single"));
  const margins = {} as Record<Pattern, number>;
  for (const pattern of PATTERNS)
    margins[pattern] = Math.log(Math.max(floor, probabilityOf(pattern)) / single);
  let best: Pattern = "single";
  for (const pattern of PATTERNS) if (margins[pattern] > margins[best]) best = pattern;
  let runnerUp: Pattern = best === "single" ? "chain" : "single";
  for (const pattern of PATTERNS)
    if (pattern !== best && margins[pattern] > margins[runnerUp]) runnerUp = pattern;

  const cues = strongestCues(model, features.cues, model.labels.indexOf(best));
  const reasons = [
    `${best}: ${WHY[best]} (learned from labelled tasks: ${(probabilityOf(best) * 100).toFixed(0)}%${cues.length ? `; it reads ${cues.join(", ")}` : ""})`,
  ];
  if (options.delta?.corrections) {
    const before = predictLinear(model, features.cues);
    const was = PATTERNS.reduce((a, b) =>
      (before[model.labels.indexOf(b)] ?? 0) > (before[model.labels.indexOf(a)] ?? 0) ? b : a,
    );
    if (was !== best)
      reasons.push(
        `your corrections to earlier proposals for tasks like this chose ${best} over ${was}`,
      );
  }
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
          `learned: ${runnerUp} succeeded ${(meanB * 100).toFixed(0)}% vs ${best} ${(meanA * 100).toFixed(0)}% on tasks like this, and the model's call was close`,
          `the model preferred ${best}: ${WHY[best]}`,
        );
        learnedOverride = true;
        [best, runnerUp] = [runnerUp, best];
      } else
        reasons.push(
          `learned success rates agree or are too close to overrule (${(meanA * 100).toFixed(0)}% vs ${(meanB * 100).toFixed(0)}%)`,
        );
    }
  }
  if (!learnedOverride && gap < 1) reasons.push(`close call with ${runnerUp}`);
  // The winner's share of the two contenders: 0.5 for a tie, near 1 for a clear call.
  const confidence = 1 / (1 + Math.exp(-Math.abs(margins[best] - margins[runnerUp])));
  return {
    pattern: best,
    confidence: learnedOverride ? 0.6 : Math.min(0.99, Math.max(0.5, confidence)),
    margins,
    runnerUp,
    reasons,
    learnedOverride,
  };
}
