import { describe, expect, it } from "vitest";
import { createRng, sampleBeta, type Rng } from "../learning/random";
import { meanInterval, normalQuantile, pairedDifferenceInterval, tQuantile } from "./intervals";

describe("quantiles", () => {
  it("match published tables", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    for (const [df, t] of [
      [1, 12.7062],
      [2, 4.3027],
      [3, 3.1824],
      [5, 2.5706],
      [10, 2.2281],
      [30, 2.0423],
      [200, 1.9719],
    ] as const)
      expect(Math.abs(tQuantile(0.975, df) - t) / t, `df ${df}`).toBeLessThan(0.002);
  });
});

describe("meanInterval", () => {
  it("is null without scores, and never leaves [0, 1] or excludes the mean", () => {
    expect(meanInterval([])).toBeNull();
    expect(meanInterval([1])).toMatchObject({ mean: 1, low: expect.any(Number), high: 1 });
    for (const scores of [[1, 1, 1], [0, 0], [0.5], [1, 0, 1, 1, 0.25]]) {
      const interval = meanInterval(scores);
      expect(
        interval &&
          interval.low >= 0 &&
          interval.low <= interval.mean &&
          interval.mean <= interval.high &&
          interval.high <= 1,
      ).toBe(true);
    }
  });

  it("does not collapse to a point when every item passes", () => {
    const interval = meanInterval(Array.from({ length: 20 }, () => 1));
    expect(interval?.high).toBe(1);
    expect(interval?.low).toBeLessThan(0.95);
    expect(interval?.low).toBeGreaterThan(0.75);
  });

  it("narrows as items are added", () => {
    const widths = [10, 100, 1000].map((n) => {
      const rng = createRng(n);
      const interval = meanInterval(Array.from({ length: n }, () => rng()));
      return (interval?.high ?? 0) - (interval?.low ?? 0);
    });
    expect(widths[1]).toBeLessThan(widths[0] as number);
    expect(widths[2]).toBeLessThan(widths[1] as number);
  });
});

/*
 * Coverage on held-out data. The number of pseudo-observations (PSEUDO_PAIRS) was picked on other
 * distributions (Bernoulli 0.5/0.8/0.95, Beta(2,2), Beta(8,2), a 0/0.5/1 mixture at 10, 30 and 100
 * items, other seeds). These distributions, sizes and seeds were not looked at then.
 */
type Source = { name: string; mean: number; draw: (rng: Rng) => number };
const bernoulli = (p: number): Source => ({
  name: `Bernoulli(${p})`,
  mean: p,
  draw: (rng) => (rng() < p ? 1 : 0),
});
const beta = (a: number, b: number): Source => ({
  name: `Beta(${a},${b})`,
  mean: a / (a + b),
  draw: (rng) => sampleBeta(rng, a, b),
});
/** The mean of three pass/fail evaluators that pass with different rates. */
const threeEvaluators: Source = {
  name: "mean of 3 pass/fail",
  mean: (0.97 + 0.85 + 0.6) / 3,
  draw: (rng) => ((rng() < 0.97 ? 1 : 0) + (rng() < 0.85 ? 1 : 0) + (rng() < 0.6 ? 1 : 0)) / 3,
};
const uniform: Source = { name: "Uniform", mean: 0.5, draw: (rng) => rng() };
const HELD_OUT = [
  bernoulli(0.9),
  bernoulli(0.99),
  bernoulli(0.3),
  beta(5, 1),
  beta(1, 3),
  threeEvaluators,
  uniform,
];
const SIZES = [15, 50, 200];
const REPEATS = 800;

function coverage(source: Source, n: number, seed: number, pairs?: number): number {
  const rng = createRng(seed);
  let covered = 0;
  for (let r = 0; r < REPEATS; r++) {
    const interval = meanInterval(
      Array.from({ length: n }, () => source.draw(rng)),
      0.95,
      pairs,
    );
    if (interval && interval.low <= source.mean && source.mean <= interval.high) covered++;
  }
  return covered / REPEATS;
}

describe("95% intervals cover the true mean on held-out score distributions", () => {
  it("at least 92% of the time for every distribution and size (800 samples each)", () => {
    const misses: string[] = [];
    HELD_OUT.forEach((source, i) =>
      SIZES.forEach((n) => {
        const rate = coverage(source, n, 900_001 + i * 1000 + n);
        if (rate < 0.92) misses.push(`${source.name}, ${n} items: ${rate}`);
      }),
    );
    expect(misses).toEqual([]);
  });

  it("where the plain t-interval does not (so this check can fail)", () => {
    expect(coverage(bernoulli(0.99), 50, 7_000_001, 0)).toBeLessThan(0.8);
  });

  it("for paired differences between two correlated versions", () => {
    const misses: string[] = [];
    for (const [base, candidate, agreement] of [
      [0.85, 0.85, 0.9],
      [0.9, 0.97, 0.6],
      [0.4, 0.6, 0.3],
    ] as const)
      for (const n of SIZES) {
        const rng = createRng(31 * n + Math.round(base * 100));
        let covered = 0;
        for (let r = 0; r < REPEATS; r++) {
          const differences = Array.from({ length: n }, () => {
            const u = rng();
            const b = u < base ? 1 : 0;
            // With probability `agreement` the candidate passes the same items the base passes.
            const c = (rng() < agreement ? u : rng()) < candidate ? 1 : 0;
            return c - b;
          });
          const interval = pairedDifferenceInterval(differences);
          const truth = candidate - base;
          if (interval && interval.low <= truth && truth <= interval.high) covered++;
        }
        if (covered / REPEATS < 0.92)
          misses.push(`${base} → ${candidate}, ${n} items: ${covered / REPEATS}`);
      }
    expect(misses).toEqual([]);
  });
});
