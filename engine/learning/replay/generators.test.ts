import { describe, expect, it } from "vitest";
import { medianOf } from "../weighted-stats";
import { generateHeldOutHistory } from "./generate-held-out";
import { generateHistory, OUTLIER_SHARE } from "./generate-histories";
import type { ReplayHistory, ReplayRun } from "./replay-run";

const groupBy = (runs: ReplayRun[], key: (r: ReplayRun) => string) => {
  const groups = new Map<string, ReplayRun[]>();
  for (const run of runs) groups.set(key(run), [...(groups.get(key(run)) ?? []), run]);
  return groups;
};

/** Robust log-scale spread: 1.4826 × the median absolute deviation of log durations. */
const logSpread = (runs: ReplayRun[]) => {
  const logs = runs.map((r) => Math.log(r.durationMs));
  const m = medianOf(logs);
  return 1.4826 * medianOf(logs.map((x) => Math.abs(x - m)));
};

const generators: Array<[string, (seed: number) => ReplayHistory]> = [
  ["development", (seed) => generateHistory({ seed })],
  ["held-out", (seed) => generateHeldOutHistory({ seed })],
];

describe.each(generators)("the %s generator", (_name, generate) => {
  const history = generate(4);
  const runs = history.runs;

  it("repeats for a seed, differs between seeds, and is in time order", () => {
    expect(generate(4).runs.slice(0, 50)).toEqual(runs.slice(0, 50));
    expect(generate(5).runs.slice(0, 50)).not.toEqual(runs.slice(0, 50));
    expect(runs.length).toBeGreaterThan(1000);
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.at).toBeGreaterThanOrEqual(runs[i - 1]!.at);
  });

  it("gives workflows different medians and spreads, and publishes new versions", () => {
    const versions = [...groupBy(runs, (r) => r.versionId).values()].filter((v) => v.length >= 20);
    const medians = versions.map((v) => medianOf(v.map((r) => r.durationMs)));
    expect(Math.max(...medians) / Math.min(...medians)).toBeGreaterThan(20);
    const spreads = versions.map((v) => logSpread(v.filter((r) => r.success)));
    expect(Math.min(...spreads)).toBeLessThan(0.2);
    expect(Math.max(...spreads)).toBeGreaterThan(0.35);
    const versionsPerWorkflow = groupBy(runs, (r) => r.workflowId);
    const republished = [...versionsPerWorkflow.values()].filter(
      (wfRuns) => new Set(wfRuns.map((r) => r.versionId)).size > 1,
    );
    expect(republished.length).toBeGreaterThan(3);
  });

  it("has failure rates from none to about 60 %", () => {
    const rates = [...groupBy(runs, (r) => r.versionId).values()]
      .filter((v) => v.length >= 40)
      .map((v) => v.filter((r) => !r.success).length / v.length);
    expect(Math.min(...rates)).toBeLessThan(0.1);
    expect(Math.max(...rates)).toBeGreaterThan(0.3);
    expect(Math.max(...rates)).toBeLessThan(0.75);
  });

  it("prices tokens per model: cost is tokens × a price of that model", () => {
    for (const modelRuns of groupBy(runs, (r) => r.model).values()) {
      const perToken = modelRuns.filter((r) => r.tokens > 0).map((r) => r.costUsd / r.tokens);
      if (modelRuns[0]!.model === "none") {
        expect(modelRuns.every((r) => r.tokens === 0 && r.costUsd === 0)).toBe(true);
        continue;
      }
      // Input and output prices mix differently per run, within a factor of a few.
      expect(Math.max(...perToken) / Math.min(...perToken)).toBeLessThan(6);
      expect(Math.min(...perToken)).toBeGreaterThan(0);
    }
    expect(new Set(runs.map((r) => r.model)).size).toBeGreaterThan(2);
  });

  it("draws durations around its stated medians: log-normal, half above and half below", () => {
    const successes = runs.filter((r) => r.success && r.medianMs);
    const above = successes.filter((r) => r.durationMs > r.medianMs!).length / successes.length;
    expect(above).toBeGreaterThan(0.45);
    expect(above).toBeLessThan(0.56);
    // Log-normal: the log ratio to the median is symmetric, most within ±2 spreads.
    const logRatios = successes.map((r) => Math.log(r.durationMs / r.medianMs!));
    expect(Math.abs(medianOf(logRatios))).toBeLessThan(0.05);
  });

  it("starts workflows around their class's stated median, half above and half below, and apart from it", () => {
    const firsts = Array.from({ length: 8 }, (_, i) => generate(40 + i).runs).flatMap((all) =>
      [...groupBy(all, (r) => r.workflowId).values()].map((own) => own[0]!),
    );
    const offsets = firsts.map((r) => Math.log(r.medianMs! / r.classMedianMs!));
    expect(Math.abs(medianOf(offsets))).toBeLessThan(0.15);
    // A class says less than the workflow's own law: typically more than ×1.15 away from it.
    expect(medianOf(offsets.map(Math.abs))).toBeGreaterThan(Math.log(1.15));
  });
});

describe("the development generator", () => {
  it("has rare outliers (a retry, a slow tool) at about the share it states", () => {
    const runs = generateHistory({ seed: 8, runs: 20_000 }).runs;
    const far = runs.filter((r) => r.durationMs > r.medianMs! * 3.5).length / runs.length;
    expect(far).toBeGreaterThan(OUTLIER_SHARE * 0.7);
    expect(far).toBeLessThan(OUTLIER_SHARE * 1.6);
  });

  it("drifts slowly: a version's median moves between its first and last runs", () => {
    const runs = generateHistory({ seed: 2 }).runs;
    const drifts = [...groupBy(runs, (r) => r.versionId).values()]
      .filter((v) => v.length >= 60)
      .map((v) => Math.abs(Math.log(v.at(-1)!.medianMs! / v[0]!.medianMs!)));
    expect(drifts.length).toBeGreaterThan(3);
    expect(Math.max(...drifts)).toBeGreaterThan(0.02);
    expect(Math.max(...drifts)).toBeLessThan(0.3);
  });
});

describe("the held-out generator", () => {
  it("stops failed runs part-way: they take less time than the version's median", () => {
    const runs = generateHeldOutHistory({ seed: 6 }).runs.filter((r) => !r.success);
    const below = runs.filter((r) => r.durationMs < r.medianMs!).length / runs.length;
    expect(below).toBeGreaterThan(0.7);
  });
});

describe("the development generator's structures", () => {
  it("gives each workflow one structure, with more steps where the workflow is slower than its class (loosely)", () => {
    const runs = generateHistory({ seed: 5 }).runs;
    const byWorkflow = groupBy(runs, (r) => r.workflowId);
    const steps = (shape: readonly string[]) =>
      [1, 2, 4, 8].filter((k) => shape.includes(`steps>=${k}`)).length;
    const slower: number[] = [];
    const faster: number[] = [];
    for (const wfRuns of byWorkflow.values()) {
      expect(new Set(wfRuns.map((r) => JSON.stringify(r.shape))).size).toBe(1);
      const first = wfRuns[0]!;
      expect(first.shape!.length).toBeGreaterThan(2);
      (first.medianMs! > first.classMedianMs! ? slower : faster).push(steps(first.shape!));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(slower)).toBeGreaterThan(mean(faster));
  });
});
