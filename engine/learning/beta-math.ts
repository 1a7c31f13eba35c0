/** Closed forms over Beta posteriors: means, the probability one beats another, credible intervals. */

export type BetaPosterior = { alpha: number; beta: number };

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7): about 15 significant digits. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < 9; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

export function betaMean(p: BetaPosterior): number {
  return p.alpha / (p.alpha + p.beta);
}

export function betaVariance(p: BetaPosterior): number {
  const n = p.alpha + p.beta;
  return (p.alpha * p.beta) / (n * n * (n + 1));
}

/** Φ(z), the standard normal CDF (Abramowitz–Stegun 7.1.26 through erf; error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * P(p_B > p_A) for independent Beta posteriors. Exact (Evan Miller's sum, O(alpha_B)) when
 * alpha_B is a whole number up to 50,000; otherwise a normal approximation.
 * @example probabilityBeats({ alpha: 1, beta: 1 }, { alpha: 1, beta: 1 }) // → 0.5
 */
export function probabilityBeats(a: BetaPosterior, b: BetaPosterior): number {
  if (Number.isInteger(b.alpha) && b.alpha <= 50_000) {
    let total = 0;
    const base = lnBeta(a.alpha, a.beta);
    for (let i = 0; i < b.alpha; i++) {
      total += Math.exp(
        lnBeta(a.alpha + i, a.beta + b.beta) - Math.log(b.beta + i) - lnBeta(1 + i, b.beta) - base,
      );
    }
    return Math.min(1, Math.max(0, total));
  }
  const sd = Math.sqrt(betaVariance(a) + betaVariance(b));
  return sd === 0 ? 0.5 : normalCdf((betaMean(b) - betaMean(a)) / sd);
}

/**
 * A credible interval for p_B − p_A (normal approximation of the two posteriors).
 * @example differenceInterval({ alpha: 30, beta: 70 }, { alpha: 50, beta: 50 }) // → { mean: 0.2, low: ~0.07, high: ~0.33 }
 */
export function differenceInterval(
  a: BetaPosterior,
  b: BetaPosterior,
  level = 0.95,
): { mean: number; low: number; high: number } {
  const z = level >= 0.99 ? 2.576 : level >= 0.95 ? 1.96 : level >= 0.9 ? 1.645 : 1.282;
  const mean = betaMean(b) - betaMean(a);
  const sd = Math.sqrt(betaVariance(a) + betaVariance(b));
  return { mean, low: mean - z * sd, high: mean + z * sd };
}

/**
 * A posterior's mean and an approximate 95 % credible interval (normal approximation, clipped to
 * [0, 1]): what the Learning page and experiment pages draw as a success rate.
 * @example credibleInterval({ alpha: 10, beta: 2 }) // → { mean: 0.833, low: 0.62…, high: 1 }
 */
export function credibleInterval(p: BetaPosterior): { mean: number; low: number; high: number } {
  const mean = betaMean(p);
  const sd = Math.sqrt(betaVariance(p));
  return { mean, low: Math.max(0, mean - 1.96 * sd), high: Math.min(1, mean + 1.96 * sd) };
}
