import type { BetaPosterior } from "./beta-math";
import { sampleBeta, type Rng } from "./random";

export type StrategyArm = { id: string; stats: BetaPosterior };

/**
 * Thompson sampling: draws a success rate from each strategy's Beta posterior and picks the
 * highest draw, so a strategy is chosen as often as it is likely to be the best. Exploration
 * fades by itself as evidence accumulates. The RNG is injected (seeded in tests).
 * @example chooseStrategy([{ id: "chain", stats: { alpha: 30, beta: 5 } }, { id: "parallel", stats: { alpha: 3, beta: 9 } }], createRng(1)).id // → "chain" (almost always)
 */
export function chooseStrategy(
  arms: readonly StrategyArm[],
  rng: Rng,
): { id: string; draws: Record<string, number> } {
  if (arms.length === 0) throw new RangeError("chooseStrategy needs at least one strategy");
  const draws: Record<string, number> = {};
  let best = arms[0] as StrategyArm;
  let bestDraw = -1;
  for (const arm of arms) {
    const draw = sampleBeta(rng, arm.stats.alpha, arm.stats.beta);
    draws[arm.id] = draw;
    if (draw > bestDraw) {
      best = arm;
      bestDraw = draw;
    }
  }
  return { id: best.id, draws };
}
