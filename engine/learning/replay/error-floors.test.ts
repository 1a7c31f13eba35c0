import { describe, expect, it } from "vitest";
import { createRng, sampleNormal, type Rng } from "../random";
import { errorFloors } from "./error-floors";
import { drawHeldOutRatio } from "./generate-held-out";
import type { ReplayRun } from "./replay-run";

const runOf = (durationMs: number, over: Partial<ReplayRun> = {}): ReplayRun => ({
  at: 0,
  workflowId: "wf",
  versionId: "wf@1",
  taskClass: "c",
  model: "none",
  success: true,
  durationMs,
  tokens: 0,
  costUsd: 0,
  medianMs: 1000,
  ...over,
});

const logNormal = (sigma: number) => (_run: ReplayRun, rng: Rng) =>
  Math.exp(sigma * sampleNormal(rng));

describe("errorFloors", () => {
  it("matches the closed forms for a log-normal law (σ = 0.5)", () => {
    const rng = createRng(9);
    const runs = Array.from({ length: 20_000 }, () =>
      runOf(1000 * Math.exp(0.5 * sampleNormal(rng))),
    );
    const floors = errorFloors(runs, logNormal(0.5), { maxRuns: 400, draws: 1000 });
    // The true median's MdAPE solves Φ(−log(1−t)/σ) − Φ(−log(1+t)/σ) = ½: t = 0.327.
    expect(floors.median).toBeCloseTo(0.327, 2);
    // The best point, median·√(1−t²), has t = tanh(0.6745 σ) = 0.325: barely better for a
    // symmetric law on the log scale.
    expect(floors.bestPoint).toBeGreaterThan(0.315);
    expect(floors.bestPoint).toBeLessThan(0.335);
  });

  it("lies well below the median's floor when failures stop runs part-way", () => {
    const rng = createRng(4);
    const law = { spread: 0.3, failureRate: 0.5 };
    const runs = Array.from({ length: 5000 }, () =>
      runOf(1000 * drawHeldOutRatio(runOf(0, law), rng), law),
    );
    const floors = errorFloors(runs, drawHeldOutRatio, { maxRuns: 300 });
    expect(floors.bestPoint).toBeLessThan(floors.median - 0.02);
  });

  it("has no floor for runs without a known median", () => {
    const floors = errorFloors([runOf(1000, { medianMs: undefined })], logNormal(0.2));
    expect(floors.median).toBeNaN();
    expect(floors.bestPoint).toBeNaN();
  });
});
