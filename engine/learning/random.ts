/**
 * A small seeded PRNG and the samplers Thompson sampling needs. Seeded so simulations and tests
 * repeat exactly; injected (never Math.random inside the engine) so callers choose determinism.
 */

/** A uniform random number in [0, 1). */
export type Rng = () => number;

/**
 * sfc32 seeded through splitmix32: fast, 128 bits of state, good enough for simulation.
 * @example const rng = createRng(42); rng() // → the same number in [0, 1) on every run
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

/**
 * A standard normal draw (Box–Muller; one of the pair is dropped to keep the sampler stateless).
 * @example sampleNormal(createRng(1)) // → a number around 0
 */
export function sampleNormal(rng: Rng): number {
  let u = rng();
  while (u <= Number.EPSILON) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * A Gamma(shape, 1) draw by Marsaglia and Tsang's method; shapes below 1 use the boost
 * Gamma(shape) = Gamma(shape + 1) · U^(1/shape).
 * @example sampleGamma(createRng(1), 2.5) // → a positive number, mean 2.5
 */
export function sampleGamma(rng: Rng, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`Gamma shape must be positive, got ${shape}`);
  if (shape < 1) {
    let u = rng();
    while (u <= Number.EPSILON) u = rng();
    return sampleGamma(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * A Beta(alpha, beta) draw as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta).
 * @example sampleBeta(createRng(7), 8, 2) // → a number near 0.8
 */
export function sampleBeta(rng: Rng, alpha: number, beta: number): number {
  const x = sampleGamma(rng, alpha);
  const y = sampleGamma(rng, beta);
  return x / (x + y);
}
