/**
 * The held-out generator of run histories: written from the description alone, before the
 * predictor was measured on anything, and never tuned against. The benchmark reports the
 * predictor on it beside the generator it was developed on (generate-histories.ts), so a model
 * fitted to one generator's quirks shows up as a gap between the two.
 *
 * A tenant here: workflows created one after another over 60 days, each of a task class whose
 * runs take a class-typical time; runs arrive as a Poisson process per workflow (busy and quiet
 * workflows); durations log-normal around the version's median with the workflow's spread; a
 * failure rate from 0 to 60 %, and failed runs stop part-way (shorter); the median drifts slowly
 * (a random walk per day); a new version, published now and then, changes the median by up to
 * about ×3 either way and may change the failure rate; tokens log-normal per workflow, priced per
 * model with a mix of input and output prices.
 */
import { createRng, sampleNormal, type Rng } from "../random";
import type { ReplayHistory, ReplayRun } from "./replay-run";

const DAY = 86_400_000;

/** $ per token for input and output, and the typical share of output tokens. */
const MODELS: Record<string, { input: number; output: number; outputShare: number }> = {
  "gpt-4o-mini": { input: 0.15e-6, output: 0.6e-6, outputShare: 0.25 },
  "gpt-4o": { input: 2.5e-6, output: 10e-6, outputShare: 0.2 },
  "claude-sonnet-4": { input: 3e-6, output: 15e-6, outputShare: 0.3 },
  "llama-3.1-local": { input: 0.05e-6, output: 0.05e-6, outputShare: 0.3 },
};
const MODEL_NAMES = Object.keys(MODELS);

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const uniform = (rng: Rng, low: number, high: number) => low + (high - low) * rng();

/** An exponential wait with this mean. */
const exponential = (rng: Rng, mean: number) => -Math.log(1 - rng()) * mean;

type Workflow = {
  id: string;
  taskClass: string;
  model: string;
  createdAt: number;
  /** Runs per day. */
  rate: number;
  logMedian: number;
  /** Its class's log median, around which workflows of the class start (the cold-start floor). */
  classLogMedian: number;
  spread: number;
  failureRate: number;
  /** Random-walk step of the log median per day. */
  driftPerDay: number;
  tokenLogMedian: number;
  tokenSpread: number;
  version: number;
};

/**
 * One tenant's history.
 * @example generateHeldOutHistory({ seed: 3 }).runs.length // → about 2,000 runs in time order
 */
export function generateHeldOutHistory(
  options: { seed: number; workflows?: number; days?: number } = { seed: 1 },
): ReplayHistory {
  const rng = createRng(options.seed * 7919 + 17);
  const days = options.days ?? 60;
  const classes = Array.from({ length: 6 }, (_, i) => ({
    name: `class-${i}`,
    // From half a second to about two minutes.
    logMedian: Math.log(uniform(rng, 500, 120_000)),
    usesModel: rng() < 0.8,
    tokenLogMedian: Math.log(uniform(rng, 300, 20_000)),
  }));
  const workflows: Workflow[] = Array.from({ length: options.workflows ?? 24 }, (_, i) => {
    const cls = pick(rng, classes);
    return {
      id: `wf-${options.seed}-${i}`,
      taskClass: cls.name,
      model: cls.usesModel ? pick(rng, MODEL_NAMES) : "none",
      createdAt: uniform(rng, 0, days * 0.8) * DAY,
      rate: Math.exp(uniform(rng, Math.log(0.5), Math.log(40))),
      // A workflow of a class takes about its class's time: within about ×1.5 of it mostly.
      logMedian: cls.logMedian + 0.4 * sampleNormal(rng),
      classLogMedian: cls.logMedian,
      spread: uniform(rng, 0.1, 0.6),
      failureRate: uniform(rng, 0, 0.6),
      driftPerDay: 0.03 * sampleNormal(rng),
      tokenLogMedian: cls.tokenLogMedian + 0.5 * sampleNormal(rng),
      tokenSpread: uniform(rng, 0.1, 0.5),
      version: 1,
    };
  });

  const runs: ReplayRun[] = [];
  for (const wf of workflows) {
    let t = wf.createdAt + exponential(rng, DAY / wf.rate);
    let day = Math.floor(t / DAY);
    while (t < days * DAY) {
      const today = Math.floor(t / DAY);
      for (; day < today; day++) wf.logMedian += wf.driftPerDay + 0.02 * sampleNormal(rng);
      // About one new version per 60 runs.
      if (rng() < 1 / 60) {
        wf.version += 1;
        wf.logMedian += uniform(rng, -1.1, 1.1);
        if (rng() < 0.5) wf.failureRate = uniform(rng, 0, 0.6);
      }
      const success = rng() >= wf.failureRate;
      const fullMs = Math.exp(wf.logMedian + wf.spread * sampleNormal(rng));
      const durationMs = Math.max(1, Math.round(success ? fullMs : fullMs * uniform(rng, 0.2, 1)));
      const price = MODELS[wf.model];
      const tokens = price
        ? Math.round(Math.exp(wf.tokenLogMedian + wf.tokenSpread * sampleNormal(rng)))
        : 0;
      const outputShare = price ? Math.min(0.9, price.outputShare * uniform(rng, 0.7, 1.3)) : 0;
      const costUsd = price
        ? tokens * ((1 - outputShare) * price.input + outputShare * price.output)
        : 0;
      runs.push({
        at: Math.round(t),
        workflowId: wf.id,
        versionId: `${wf.id}@v${wf.version}`,
        taskClass: wf.taskClass,
        model: wf.model,
        success,
        durationMs,
        tokens,
        costUsd,
        medianMs: Math.exp(wf.logMedian),
        classMedianMs: Math.exp(wf.classLogMedian),
        spread: wf.spread,
        failureRate: wf.failureRate,
      });
      t += exponential(rng, DAY / wf.rate);
    }
  }
  runs.sort((a, b) => a.at - b.at);
  return {
    generator: "held-out",
    tenant: `held-out-${options.seed}`,
    runs,
    drawDurationRatio: drawHeldOutRatio,
  };
}

/** A duration over its version's median, by this generator's law (failures stop part-way). */
export function drawHeldOutRatio(run: ReplayRun, rng: Rng): number {
  const full = Math.exp((run.spread ?? 0) * sampleNormal(rng));
  return rng() < (run.failureRate ?? 0) ? full * uniform(rng, 0.2, 1) : full;
}
