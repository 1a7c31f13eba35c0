import { describe, expect, it } from "vitest";
import { differenceInterval, probabilityBeats } from "./beta-math";
import {
  assignArm,
  createExperiment,
  evaluateExperiment,
  hashToUnit,
  recordExperimentOutcome,
  type Experiment,
} from "./experiments";
import { createRng, sampleBeta } from "./random";

/** Runs an experiment on simulated traffic until its stop rule fires (or 10,000 runs). */
function run(
  rates: [number, number],
  seed: number,
  options: Partial<Parameters<typeof createExperiment>[0]> = {},
): Experiment {
  const rng = createRng(seed);
  let experiment = createExperiment({ id: `exp-${seed}`, arms: ["a", "b"], ...options });
  for (let i = 0; i < 10_000 && !experiment.result; i++) {
    const arm = assignArm(experiment, `run-${i}`, rng);
    experiment = recordExperimentOutcome(experiment, arm, {
      success: rng() < (arm === "a" ? rates[0] : rates[1]),
      latencyMs: 100,
      cost: 0.001,
    });
  }
  return experiment;
}

describe("probability of superiority", () => {
  it("is exact for whole-number posteriors (checked against Monte Carlo)", () => {
    const a = { alpha: 31, beta: 71 };
    const b = { alpha: 45, beta: 57 };
    const rng = createRng(5);
    let wins = 0;
    for (let i = 0; i < 100_000; i++)
      if (sampleBeta(rng, b.alpha, b.beta) > sampleBeta(rng, a.alpha, a.beta)) wins++;
    expect(probabilityBeats(a, b)).toBeCloseTo(wins / 100_000, 2);
    expect(probabilityBeats({ alpha: 1, beta: 1 }, { alpha: 1, beta: 1 })).toBeCloseTo(0.5, 10);
    expect(probabilityBeats(a, b) + probabilityBeats(b, a)).toBeCloseTo(1, 8);
  });

  it("gives a credible interval for the difference", () => {
    const interval = differenceInterval({ alpha: 30, beta: 70 }, { alpha: 50, beta: 50 });
    expect(interval.mean).toBeCloseTo(0.2, 3);
    expect(interval.low).toBeGreaterThan(0.05);
    expect(interval.high).toBeLessThan(0.35);
  });
});

describe("A/B experiments", () => {
  it("assigns a run key to the same arm every time and honours the split", () => {
    const experiment = createExperiment({ id: "split", arms: ["v1", "v2"], split: 0.3 });
    expect(assignArm(experiment, "run-17")).toBe(assignArm(experiment, "run-17"));
    let first = 0;
    for (let i = 0; i < 20_000; i++) if (assignArm(experiment, `run-${i}`) === "v1") first++;
    expect(first / 20_000).toBeCloseTo(0.3, 1.5);
    expect(hashToUnit("a")).not.toBe(hashToUnit("b"));
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "stops with the right winner when the arms differ (seed %s)",
    (seed) => {
      const { result } = run([0.3, 0.42], seed);
      expect(result?.status).toBe("stopped");
      expect(result?.winner).toBe("b");
      expect(result?.difference.mean).toBeGreaterThan(0);
      expect(result?.difference.low).toBeLessThan(result?.difference.mean as number);
      expect(result?.reason).toMatch(/^b is better with probability (0\.99|1\.000)/);
    },
  );

  it("does not declare a winner between equal arms in most experiments, nor ever before the minimum sample", () => {
    let falseWinners = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const experiment = run([0.5, 0.5], seed, { stopRule: { maxTotal: 3000 } });
      const [nA, nB] = experiment.result?.samples ?? [0, 0];
      expect(Math.min(nA, nB)).toBeGreaterThanOrEqual(100);
      if (experiment.result?.winner) falseWinners++;
    }
    expect(falseWinners).toBeLessThanOrEqual(12);
  });

  it("reports an undecided experiment at its maximum sample", () => {
    const { result } = run([0.5, 0.5], 3, { stopRule: { maxTotal: 400 } });
    expect(result).toMatchObject({ status: "stopped", winner: null });
    expect(result?.reason).toMatch(/no clear winner/);
  });

  it("keeps running while an arm is short of the minimum sample", () => {
    let experiment = createExperiment({ id: "early", arms: ["a", "b"] });
    for (let i = 0; i < 50; i++)
      experiment = recordExperimentOutcome(experiment, "b", { success: true });
    expect(evaluateExperiment(experiment).status).toBe("running");
    expect(experiment.result).toBeUndefined();
  });

  it("can assign by Thompson sampling, sending more traffic to the winning arm", () => {
    const experiment = run([0.2, 0.5], 11, { assignment: "thompson", stopRule: { minPerArm: 20 } });
    expect(experiment.result?.winner).toBe("b");
    const [a, b] = experiment.arms;
    expect(b.successes + b.failures).toBeGreaterThan(a.successes + a.failures);
    expect(assignArm(experiment, "after-the-end")).toBe("b");
  });

  it("counts a score as that share of a success (an evaluator as the success measure), and stops on scores as on successes", () => {
    let experiment = createExperiment({
      id: "scored",
      arms: ["a", "b"],
      stopRule: { minPerArm: 20, lookEvery: 10 },
    });
    experiment = recordExperimentOutcome(experiment, "a", { success: true, score: 0.25 });
    expect(experiment.arms[0]).toMatchObject({ successes: 0.25, failures: 0.75 });
    for (let i = 1; i < 200 && !experiment.result; i++) {
      experiment = recordExperimentOutcome(experiment, i % 2 ? "b" : "a", {
        success: true,
        score: i % 2 ? 0.9 : 0.3,
      });
    }
    expect(experiment.result).toMatchObject({ status: "stopped", winner: "b" });
    const [first, second] = experiment.result!.samples;
    expect(first + second).toBe(
      Math.round(experiment.arms.reduce((n, arm) => n + arm.successes + arm.failures, 0)),
    );
  });

  it("refuses an unknown arm and twin arms", () => {
    expect(() =>
      recordExperimentOutcome(createExperiment({ id: "x", arms: ["a", "b"] }), "c", {
        success: true,
      }),
    ).toThrow(RangeError);
    expect(() => createExperiment({ id: "x", arms: ["a", "a"] })).toThrow(RangeError);
  });
});
