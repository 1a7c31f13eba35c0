import { z } from "zod";
import { knownFeatureCount, predictLinear, type LinearModel } from "./linear-model";
import { PATTERNS, type Pattern } from "./vocabulary";

/**
 * One tenant's corrections to the pattern model, learned online: a sparse set of weights added to
 * the committed model's (feature → pattern → weight), so a correction moves the tasks that share
 * its words and shape, for that tenant only. Stored as JSON per tenant
 * (server/services/planner-corrections.ts); the committed model stays as it is.
 */
export type PatternDelta = {
  /** feature → weight per pattern (absent: 0). */
  weights: Record<string, Partial<Record<Pattern, number>>>;
  /** How many corrections went into it. */
  corrections: number;
};

export const PatternDeltaSchema: z.ZodType<PatternDelta> = z.object({
  weights: z.record(z.string(), z.partialRecord(z.enum(PATTERNS), z.number().finite())),
  corrections: z.number().int().nonnegative(),
});

export const emptyPatternDelta = (): PatternDelta => ({ weights: {}, corrections: 0 });

/** Features a delta keeps at most: the largest weights stay, so a tenant's row stays small. */
const MAX_FEATURES = 4000;
/** A correction is learned until the corrected pattern has this probability on its own task… */
const TARGET = 0.8;
/** …in at most this many gradient steps of this size (a passive-aggressive update: as small as it can be). */
const MAX_STEPS = 40;
const RATE = 1;

/**
 * The pattern probabilities for a task's cues under the model plus a tenant's delta, in
 * `model.labels` order.
 * @example predictWithDelta(PATTERN_MODEL, delta, features.cues)
 */
export function predictWithDelta(
  model: LinearModel,
  delta: PatternDelta | undefined,
  cues: readonly string[],
): number[] {
  const base = predictLinear(model, cues);
  if (!delta || delta.corrections === 0) return base;
  // The model's features scale as 1/√n over the features it knows (linear-model.ts); the delta's too.
  const value = 1 / Math.sqrt(Math.max(1, knownFeatureCount(model, cues)));
  const logits = base.map((p) => Math.log(Math.max(1e-12, p)));
  for (const cue of cues) {
    const row = delta.weights[cue];
    if (!row) continue;
    model.labels.forEach((label, c) => {
      logits[c] = (logits[c] as number) + (row[label as Pattern] ?? 0) * value;
    });
  }
  const max = Math.max(...logits);
  const exp = logits.map((z) => Math.exp(z - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

/**
 * Learns one correction: `pattern` is what the tenant wanted for a task with these cues (an edit
 * to a proposal, a good rating) or, with `away`, what it did not want (a bad rating). Gradient
 * steps on the delta's weights for these cues only, until the wanted pattern reaches TARGET (or
 * the unwanted one falls below the runner-up). Pure: returns a new delta.
 * @example learnPatternCorrection(emptyPatternDelta(), PATTERN_MODEL, features.cues, "router")
 */
export function learnPatternCorrection(
  delta: PatternDelta,
  model: LinearModel,
  cues: readonly string[],
  pattern: Pattern,
  options: { away?: boolean } = {},
): PatternDelta {
  const target = model.labels.indexOf(pattern);
  if (target < 0 || cues.length === 0) return delta;
  const weights: PatternDelta["weights"] = { ...delta.weights };
  for (const cue of cues) weights[cue] = { ...weights[cue] };
  const next: PatternDelta = { weights, corrections: delta.corrections + 1 };
  const value = 1 / Math.sqrt(Math.max(1, knownFeatureCount(model, cues)));
  for (let step = 0; step < MAX_STEPS; step++) {
    const p = predictWithDelta(model, next, cues);
    const wanted = p[target] as number;
    if (!options.away && wanted >= TARGET) break;
    if (options.away && p.some((q, c) => c !== target && q > wanted)) break;
    // Softmax cross-entropy towards the pattern (or its opposite: gradient ascent on log(1 − p)).
    for (let c = 0; c < p.length; c++) {
      const q = p[c] as number;
      let gradient: number;
      if (!options.away) gradient = q - (c === target ? 1 : 0);
      else gradient = c === target ? q : -(q * wanted) / Math.max(1e-9, 1 - wanted);
      const label = model.labels[c] as Pattern;
      for (const cue of cues) {
        const row = weights[cue] as Partial<Record<Pattern, number>>;
        row[label] = (row[label] ?? 0) - RATE * gradient * value;
      }
    }
  }
  return prune(next);
}

/** Rounds the weights, drops those that round to nothing, and keeps the MAX_FEATURES largest rows. */
function prune(delta: PatternDelta): PatternDelta {
  const rows: [string, Partial<Record<Pattern, number>>, number][] = [];
  for (const [cue, row] of Object.entries(delta.weights)) {
    const kept: Partial<Record<Pattern, number>> = {};
    let size = 0;
    for (const [label, weight] of Object.entries(row) as [Pattern, number][]) {
      const rounded = Math.round(weight * 1000) / 1000;
      if (rounded !== 0) {
        kept[label] = rounded;
        size = Math.max(size, Math.abs(rounded));
      }
    }
    if (size > 0) rows.push([cue, kept, size]);
  }
  rows.sort((a, b) => b[2] - a[2]);
  return {
    weights: Object.fromEntries(rows.slice(0, MAX_FEATURES).map(([cue, row]) => [cue, row])),
    corrections: delta.corrections,
  };
}
