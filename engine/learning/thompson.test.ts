import { describe, expect, it } from "vitest";
import { createRng } from "./random";
import { createStats, updateStats, type StrategyStats } from "./strategy-stats";
import { chooseStrategy } from "./thompson";

/** Plays `rounds` runs between strategies with hidden success rates; returns how often each was chosen late on. */
function simulate(rates: Record<string, number>, rounds: number, seed: number) {
  const rng = createRng(seed);
  const stats: Record<string, StrategyStats> = Object.fromEntries(
    Object.keys(rates).map((id) => [id, createStats()]),
  );
  const lateChoices: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    const { id } = chooseStrategy(
      Object.entries(stats).map(([sid, s]) => ({ id: sid, stats: s })),
      rng,
    );
    const success = rng() < (rates[id] as number);
    stats[id] = updateStats(stats[id] as StrategyStats, {
      success,
      latencyMs: 1,
      tokens: 1,
      cost: 0,
    });
    if (round >= rounds - 500) lateChoices[id] = (lateChoices[id] ?? 0) + 1;
  }
  return { lateChoices, stats };
}

describe("chooseStrategy (Thompson sampling)", () => {
  it.each([1, 2, 3, 4, 5])("converges to the better of two strategies (seed %s)", (seed) => {
    const { lateChoices, stats } = simulate({ parallel: 0.62, chain: 0.48 }, 2000, seed);
    expect((lateChoices["parallel"] ?? 0) / 500).toBeGreaterThan(0.85);
    // It still tried the worse one enough to know it is worse.
    expect(stats["chain"]?.n).toBeGreaterThan(20);
  });

  it("returns the draws it compared, and repeats for a seed", () => {
    const arms = [
      { id: "a", stats: { alpha: 3, beta: 3 } },
      { id: "b", stats: { alpha: 3, beta: 3 } },
    ];
    const first = chooseStrategy(arms, createRng(9));
    expect(chooseStrategy(arms, createRng(9))).toEqual(first);
    expect(Object.keys(first.draws)).toEqual(["a", "b"]);
  });

  it("needs at least one strategy", () => {
    expect(() => chooseStrategy([], createRng(1))).toThrow(RangeError);
  });
});
