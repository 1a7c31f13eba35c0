/**
 * Tail tests for values that are counts, or rates of counts, near zero. A z-score there is
 * misleading: at a mean of 0.5 a count of 3 is "5 deviations" up yet happens one time in 70, and an
 * error rate of 0 out of 50 calls is "5 deviations" down from 4 % yet happens one time in 8. So a
 * count or rate flagged by its score must also be that unlikely under a Poisson law (scaled by the
 * overdispersion the series shows, i.e. a quasi-Poisson stand-in for a negative binomial).
 */

const NEAR_ZERO_MEAN = 5;

/**
 * Is `value` as far in its tail as `threshold` normal deviations, for a count with this mean and
 * spread? For a rate, pass the rate and its spread: its number of trials is read from the spread
 * (a binomial rate p over n trials spreads by √(p(1−p)/n)).
 * @example isCountTailExtreme(3, 0.5, 0.7, 5, "count") // false: P(X ≥ 3) ≈ 1/70
 */
export function isCountTailExtreme(
  value: number,
  expected: number,
  spread: number,
  threshold: number,
  kind: "count" | "rate",
): boolean {
  if (!(spread > 0) || !(expected >= 0)) return true;
  let x = value;
  let mean = expected;
  if (kind === "rate") {
    // Near 0 the spread is a floor, not binomial noise at the expected rate, and trials read at
    // p ≈ 0 would be ≈ 0. Reading them at p ≥ the spread keeps them finite, erring towards fewer
    // trials (n ≤ (1 − p) / s), i.e. a milder test.
    const p = Math.min(Math.max(expected, spread), 0.5);
    const trials = (p * (1 - p)) / (spread * spread);
    x = value * trials;
    mean = expected * trials;
  } else {
    // Overdispersed counts: divide by the dispersion, so the Poisson's variance matches the spread.
    // Below a mean of 1 the spread is the kind's floor (one event), not evidence of dispersion:
    // read against a mean near 0 it would make any count look ordinary.
    const dispersion = Math.max(1, (spread * spread) / Math.max(mean, 1));
    x /= dispersion;
    mean /= dispersion;
  }
  // Beyond a handful of events the law is near enough to normal (on the square-root scale the
  // detectors use) that the score already said it.
  if (mean > (kind === "count" ? NEAR_ZERO_MEAN : 50)) return true;
  const tail =
    x > mean ? lowerRegularizedGamma(x, mean) : upperRegularizedGamma(Math.max(0, x) + 1, mean);
  return tail < normalUpperTail(threshold);
}

/** P(Z > z) for a standard normal, by the complementary error function (Numerical Recipes' erfc). */
export function normalUpperTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** P(a, x): for a Poisson with mean x, the chance of at least a events (a > 0, real). */
function lowerRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 0;
  if (a <= 0) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Q(a, x) = 1 − P(a, x): for a Poisson with mean x, the chance of fewer than a events. */
function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 200; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-12) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 200; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-12) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

const LANCZOS = [
  76.18009172947146, -86.50532032941678, 24.01409824083091, -1.231739572450155,
  0.001208650973866179, -0.000005395239384953,
];

/** log Γ(a) for a > 0 (Lanczos). */
function logGamma(a: number): number {
  let y = a;
  const tmp = a + 5.5 - (a + 0.5) * Math.log(a + 5.5);
  let series = 1.00000000019001;
  for (const c of LANCZOS) series += c / ++y;
  return -tmp + Math.log((Math.sqrt(2 * Math.PI) * series) / a);
}
