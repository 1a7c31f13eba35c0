/**
 * The development generator of run histories (the predictor was built against this one; the
 * held-out one, generate-held-out.ts, checks it was not fitted to its quirks).
 *
 * A tenant here: a few task classes, each with a typical duration, failure rate and token count;
 * workflows of a class start at ×(0.5–2) of the class's time; each workflow's durations are
 * log-normal with its own spread (0.1–0.45) plus rare outliers (1 run in 40 takes 4–15× longer: a
 * retry, a slow tool); failure rates from 0 to 60 %; the median drifts slowly and steadily (up to
 * ±40 % a month); publishing a new version (every 20–150 runs) changes the median by ×0.4–2.5 and
 * the failure rate; runs come in bursts (a schedule or a batch) between quiet hours; tokens are
 * log-normal per workflow and cost is tokens × the model's price (a per-run mix of input and
 * output). Every draw comes from a seeded RNG: the same seed gives the same history.
 *
 * Each workflow also has a structure (`shape`, the tokens of engine/learning/workflow-shape.ts),
 * drawn from a second RNG so the runs' draws stay as they were: its class's main step kind and
 * model, sometimes a router or a transform, and a number of steps that grows with how slow the
 * workflow is within its class (2.5 + 2.5 × log2 of its ×0.5–2 offset, ± about one step): a
 * longer workflow takes longer, loosely, as real ones do. Classes share kinds, so structure is
 * alike across classes too, where it says nothing of the time.
 */
import { createRng, sampleBeta, sampleNormal, type Rng } from "../random";
import type { ReplayHistory, ReplayRun } from "./replay-run";

const HOUR = 3_600_000;

/** $ per million input and output tokens. */
const PRICES: Record<string, [number, number]> = {
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4.1": [2, 8],
  "claude-haiku": [0.8, 4],
  "claude-sonnet": [3, 15],
};

export type GeneratedWorkflow = {
  id: string;
  /** Its structure tokens (workflow-shape.ts). */
  shape: string[];
  taskClass: string;
  model: string;
  /** Log of the current version's median duration (ms). */
  logMedian: number;
  /** Log of its class's median: workflows start within ×0.5–2 of it, evenly on the log scale. */
  classLogMedian: number;
  spread: number;
  failureRate: number;
  /** Change of the log median per run (a slow steady drift). */
  drift: number;
  tokenLogMedian: number;
  version: number;
  /** Runs until the next version is published. */
  nextVersionIn: number;
};

const uniform = (rng: Rng, low: number, high: number) => low + (high - low) * rng();

/** The share of runs that take 4–15× their usual time. */
export const OUTLIER_SHARE = 1 / 40;

type GeneratedClass = {
  name: string;
  logMedian: number;
  failure: number;
  tokens: number;
  model: string;
  /** The kind of its working steps. */
  kind: string;
};

const KINDS = ["llm", "agent", "tool", "transform"] as const;

/** A workflow's structure tokens, as workflow-shape.ts makes them from a document. */
function shapeOf(rng: Rng, cls: GeneratedClass, logOffset: number): string[] {
  const steps = Math.max(
    1,
    Math.min(7, Math.round(2.5 + (2.5 * logOffset) / Math.LN2 + 0.8 * sampleNormal(rng))),
  );
  const counts = new Map<string, number>([
    ["input", 1],
    ["output", 1],
  ]);
  let working = steps;
  if (steps > 1 && rng() < 0.3) {
    counts.set("router", 1);
    working -= 1;
  }
  if (working > 1 && rng() < 0.3) {
    counts.set("transform", (counts.get("transform") ?? 0) + 1);
    working -= 1;
  }
  counts.set(cls.kind, (counts.get(cls.kind) ?? 0) + working);
  const tokens = new Set<string>();
  for (const [kind, n] of counts) {
    tokens.add(`kind:${kind}`);
    if (n >= 2) tokens.add(`kind:${kind}>=2`);
    if (n >= 4) tokens.add(`kind:${kind}>=4`);
  }
  if (cls.kind === "llm" || cls.kind === "agent") tokens.add(`model:${cls.model}`);
  if (cls.kind === "tool") tokens.add(`server:${cls.name}-server`);
  for (const k of [1, 2, 4, 8]) if (steps >= k) tokens.add(`steps>=${k}`);
  return [...tokens].sort();
}

function createWorkflow(
  rng: Rng,
  shapeRng: Rng,
  id: string,
  cls: GeneratedClass,
): GeneratedWorkflow {
  const logMedian = cls.logMedian + uniform(rng, Math.log(0.5), Math.log(2));
  return {
    id,
    shape: shapeOf(shapeRng, cls, logMedian - cls.logMedian),
    taskClass: cls.name,
    model: cls.model,
    logMedian,
    classLogMedian: cls.logMedian,
    spread: uniform(rng, 0.1, 0.45),
    failureRate: Math.min(0.6, cls.failure * uniform(rng, 0.3, 1.7)),
    drift: uniform(rng, -0.4, 0.4) / 300,
    tokenLogMedian: cls.tokens + uniform(rng, -0.5, 0.5),
    version: 1,
    nextVersionIn: Math.round(uniform(rng, 20, 150)),
  };
}

/**
 * One tenant's history of about `runs` runs.
 * @example generateHistory({ seed: 1 }).runs[0].versionId // → "wf-1-0@v1"
 */
export function generateHistory(
  options: { seed: number; runs?: number; workflows?: number } = { seed: 1 },
): ReplayHistory {
  const rng = createRng(options.seed);
  const shapeRng = createRng(options.seed * 7_919 + 17);
  const total = options.runs ?? 3000;
  const models = Object.keys(PRICES);
  const classes: GeneratedClass[] = Array.from({ length: 5 }, (_, i) => ({
    name: `task-${i}`,
    logMedian: Math.log(uniform(rng, 300, 60_000)),
    failure: sampleBeta(rng, 1, 4) * 0.6,
    tokens: rng() < 0.15 ? -Infinity : Math.log(uniform(rng, 500, 30_000)),
    model: models[Math.floor(rng() * models.length)]!,
    kind: "",
  }));
  for (const cls of classes) cls.kind = KINDS[Math.floor(shapeRng() * KINDS.length)]!;
  const count = options.workflows ?? 30;
  const workflows: GeneratedWorkflow[] = [];
  const runs: ReplayRun[] = [];
  let t = Date.UTC(2026, 0, 1);
  // New workflows appear over the first two thirds of the history.
  const appearEvery = Math.floor((total * 0.66) / count);
  while (runs.length < total) {
    if (workflows.length < count && runs.length >= workflows.length * appearEvery) {
      const cls = classes[Math.floor(rng() * classes.length)]!;
      workflows.push(createWorkflow(rng, shapeRng, `wf-${options.seed}-${workflows.length}`, cls));
    }
    // A burst of 1–8 runs of one workflow (busier workflows are picked more), then a quiet gap.
    const wf = workflows[Math.floor(Math.pow(rng(), 1.5) * workflows.length)]!;
    const burst = 1 + Math.floor(rng() * 8);
    for (let i = 0; i < burst && runs.length < total; i++) {
      runs.push(runOf(rng, wf, t));
      t += Math.round(uniform(rng, 1_000, 60_000));
    }
    t += Math.round(uniform(rng, 0.1, 6) * HOUR);
  }
  return {
    generator: "development",
    tenant: `development-${options.seed}`,
    runs,
    drawDurationRatio: drawDevelopmentRatio,
  };
}

function runOf(rng: Rng, wf: GeneratedWorkflow, at: number): ReplayRun {
  if (--wf.nextVersionIn <= 0) {
    wf.version += 1;
    wf.logMedian += uniform(rng, Math.log(0.4), Math.log(2.5));
    wf.failureRate = Math.min(0.6, Math.max(0, wf.failureRate + uniform(rng, -0.2, 0.2)));
    wf.nextVersionIn = Math.round(uniform(rng, 20, 150));
  }
  wf.logMedian += wf.drift;
  const outlier = rng() < OUTLIER_SHARE ? uniform(rng, 4, 15) : 1;
  const durationMs = Math.max(
    1,
    Math.round(Math.exp(wf.logMedian + wf.spread * sampleNormal(rng)) * outlier),
  );
  const price = PRICES[wf.model];
  const tokens = Number.isFinite(wf.tokenLogMedian)
    ? Math.round(Math.exp(wf.tokenLogMedian + 0.3 * sampleNormal(rng)))
    : 0;
  const outputShare = uniform(rng, 0.1, 0.4);
  const costUsd =
    price && tokens
      ? (tokens * ((1 - outputShare) * price[0] + outputShare * price[1])) / 1_000_000
      : 0;
  return {
    at,
    workflowId: wf.id,
    versionId: `${wf.id}@v${wf.version}`,
    taskClass: wf.taskClass,
    model: tokens ? wf.model : "none",
    shape: wf.shape,
    success: rng() >= wf.failureRate,
    durationMs,
    tokens,
    costUsd,
    medianMs: Math.exp(wf.logMedian),
    classMedianMs: Math.exp(wf.classLogMedian),
    spread: wf.spread,
    failureRate: wf.failureRate,
  };
}

/** A duration over its version's median, by this generator's law (rare outliers 4–15× longer). */
export function drawDevelopmentRatio(run: ReplayRun, rng: Rng): number {
  const outlier = rng() < OUTLIER_SHARE ? uniform(rng, 4, 15) : 1;
  return Math.exp((run.spread ?? 0) * sampleNormal(rng)) * outlier;
}
