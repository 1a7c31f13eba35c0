/**
 * The "lab" series generator: slow drifts, regime changes and sparse, gappy sampling.
 *
 * `generateSeries(seed)` returns 40–60 series; the same seed always gives the same series (a
 * sfc32 PRNG seeded through splitmix32, no `Math.random`). Each series is built like this:
 *
 * 1. Kind: cost 30%, error_rate 30%, latency 20%, count 20%. Length: 150–1,500 points.
 * 2. Timestamps: a base step of 1, 2, 3, 6, 12 or 24 hours; each step is jittered by ±30%, and with
 *    a per-series probability of 0–4% a step also skips 1–24 whole steps (a gap). Timestamps are
 *    whole milliseconds and strictly increasing.
 * 3. Anomaly plan (decided first, then drawn into the series): ~20% of series get none; the rest get
 *    up to 4 labels whose type depends on the kind (error_rate: spikes and upward level shifts
 *    only). Every label starts at index ≥ 100; a label starts ≥ 30 points after the previous one
 *    ends, and at least 60 points follow a level shift before the next label or the series end.
 * 4. Normal behaviour, none of it labelled, all in log space for latency, cost and count:
 *    - a slow drift: a Gaussian random walk smoothed by an EMA (α = 0.04) and scaled so it never
 *      moves more than ±0.25 (±28%) from its start, plus, in 40% of series, a linear trend of up to
 *      ±0.5 over the whole series;
 *    - seasonality: a daily sine (amplitude ≤ 0.3, only when the step is under 12 h) and a weekly
 *      sine (amplitude ≤ 0.2), evaluated at the real timestamps;
 *    - multiplicative noise: Gaussian with σ 0.04–0.18 clipped at ±3.5σ (latency, count), or
 *      Student-t with 3 degrees of freedom, scale 0.06–0.16, clipped at ±6 scales (cost: heavy
 *      tails, rounded to cents);
 *    - error_rate is k/n with k ~ Binomial(n, p): p is 0.3–4% (times the drift), n is small
 *      (12–250 times the daily/weekly traffic shape, at least 8), so quiet hours are noisy.
 * 5. Anomalies:
 *    - level-shift (regime change): from `index` to the next shift the log level moves by at least
 *      max(0.6, 5 × the larger noise scale) (×1.8 or more, up or down) and the noise scale is
 *      multiplied by 0.6–1.6; for error_rate, p is multiplied by ≥ 3 and rises by at least four
 *      binomial standard deviations at the median n (a shift that would push p past 25% is dropped
 *      from the plan). `end` = `index`.
 *    - spike (1–5 points): the expected value times the largest normal noise factor at that point,
 *      times 3–8; for error_rate, at least max(1.6 × the largest normal value in the series,
 *      that value + 0.15), a spike that would need more than 95% is dropped from the plan.
 *    - dip (1–4 points, latency/cost/count): the expected value times the smallest normal noise
 *      factor, times 0.02–0.3: the metric collapses, e.g. an ingestion outage.
 *    Seasonal amplitudes are bounded so a spike or dip also clears the day's peak or trough.
 */
export type GeneratedSeries = {
  id: string;
  kind: "latency" | "error_rate" | "cost" | "count";
  points: [number, number][];
  labels: { index: number; end: number; type: "spike" | "dip" | "level-shift" }[];
};

type Kind = GeneratedSeries["kind"];
type Label = GeneratedSeries["labels"][number];
type Rng = () => number;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 5);
const FIRST_LABEL = 100;
const LABEL_GAP = 30;
const AFTER_SHIFT = 60;

function splitmix32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function makeRng(seed: number): Rng {
  const mix = splitmix32(seed);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4_294_967_296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
const intBetween = (rng: Rng, lo: number, hi: number) => Math.floor(uniform(rng, lo, hi + 1));
const clip = (x: number, bound: number) => Math.max(-bound, Math.min(bound, x));

function pick<T>(rng: Rng, weighted: [T, number][]): T {
  let r = rng() * weighted.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, w] of weighted) {
    r -= w;
    if (r < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function studentT3(rng: Rng): number {
  const chi2 = gaussian(rng) ** 2 + gaussian(rng) ** 2 + gaussian(rng) ** 2;
  return gaussian(rng) / Math.sqrt(chi2 / 3);
}

/** Binomial draw by inversion (n is small here), using symmetry for p > 0.5. */
function binomial(rng: Rng, n: number, p: number): number {
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  let pmf = (1 - p) ** n;
  let cdf = pmf;
  const u = rng();
  let k = 0;
  while (u > cdf && k < n) {
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
    k++;
    cdf += pmf;
  }
  return k;
}

const LABEL_MIX: Record<Kind, [Label["type"], number][]> = {
  latency: [
    ["spike", 45],
    ["dip", 20],
    ["level-shift", 35],
  ],
  count: [
    ["spike", 30],
    ["dip", 40],
    ["level-shift", 30],
  ],
  cost: [
    ["spike", 50],
    ["dip", 20],
    ["level-shift", 30],
  ],
  error_rate: [
    ["spike", 65],
    ["level-shift", 35],
  ],
};

function makeTimestamps(rng: Rng, n: number): number[] {
  const step = pick(
    rng,
    [1, 2, 3, 6, 12, 24].map((h): [number, number] => [h * HOUR, 1]),
  );
  const gapChance = uniform(rng, 0, 0.04);
  const times: number[] = [];
  let t = START - intBetween(rng, 0, 400) * DAY + intBetween(rng, 0, 23) * HOUR;
  for (let i = 0; i < n; i++) {
    times.push(Math.round(t));
    const skipped = rng() < gapChance ? intBetween(rng, 1, 24) : 0;
    t += step * (1 + skipped + uniform(rng, -0.3, 0.3));
  }
  return times;
}

function overlapsPlan(plan: Label[], candidate: Label): boolean {
  return plan.some((other) => {
    const [first, second] = other.index < candidate.index ? [other, candidate] : [candidate, other];
    const gap = first.type === "level-shift" ? AFTER_SHIFT : LABEL_GAP;
    return second.index - first.end < gap;
  });
}

function planLabels(rng: Rng, kind: Kind, n: number): Label[] {
  if (rng() < 0.2) return [];
  const wanted = intBetween(rng, 1, Math.min(4, Math.floor((n - FIRST_LABEL) / 60)));
  const plan: Label[] = [];
  for (let attempt = 0; attempt < 200 && plan.length < wanted; attempt++) {
    const type = pick(rng, LABEL_MIX[kind]);
    const width = type === "level-shift" ? 0 : intBetween(rng, 1, type === "spike" ? 5 : 4) - 1;
    const last = type === "level-shift" ? n - AFTER_SHIFT : n - 1 - width;
    if (last < FIRST_LABEL) continue;
    const index = intBetween(rng, FIRST_LABEL, last);
    const candidate: Label = { index, end: index + width, type };
    if (!overlapsPlan(plan, candidate)) plan.push(candidate);
  }
  return plan.sort((a, b) => a.index - b.index);
}

/** Smoothed random walk bounded to ±0.25, plus an optional linear trend (log space). */
function makeDrift(rng: Rng, n: number): number[] {
  const walk: number[] = [];
  let raw = 0;
  let smooth = 0;
  for (let i = 0; i < n; i++) {
    raw += gaussian(rng);
    smooth += 0.04 * (raw - smooth);
    walk.push(smooth);
  }
  const span = Math.max(...walk.map(Math.abs), 1e-9);
  const scale = uniform(rng, 0, 0.25) / span;
  const trend = rng() < 0.4 ? uniform(rng, -0.5, 0.5) : 0;
  return walk.map((w, i) => w * scale + (trend * i) / n);
}

function makeSeasonality(rng: Rng, times: number[]): number[] {
  const step = ((times[times.length - 1] ?? 0) - (times[0] ?? 0)) / times.length;
  const daily = step < 12 * HOUR ? uniform(rng, 0, 0.3) : 0;
  const weekly = uniform(rng, 0, 0.2);
  const dayPhase = uniform(rng, 0, 2 * Math.PI);
  const weekPhase = uniform(rng, 0, 2 * Math.PI);
  return times.map(
    (t) =>
      daily * Math.sin((2 * Math.PI * t) / DAY + dayPhase) +
      weekly * Math.sin((2 * Math.PI * t) / (7 * DAY) + weekPhase),
  );
}

type Regimes = { level: number[]; noiseScale: number[] };

function makeRegimes(rng: Rng, n: number, plan: Label[], baseScale: number): Regimes {
  const level: number[] = new Array<number>(n).fill(0);
  const noiseScale: number[] = new Array<number>(n).fill(baseScale);
  let current = 0;
  let scale = baseScale;
  for (const shift of plan.filter((label) => label.type === "level-shift")) {
    const nextScale = scale * uniform(rng, 0.6, 1.6);
    const size = Math.max(0.6, 5 * Math.max(scale, nextScale));
    const up = current < -0.3 ? true : current > 0.9 ? false : rng() < 0.55;
    current += (up ? 1 : -1) * size * uniform(rng, 1, 1.4);
    scale = nextScale;
    level.fill(current, shift.index);
    noiseScale.fill(scale, shift.index);
  }
  return { level, noiseScale };
}

function buildMultiplicative(rng: Rng, kind: Kind, times: number[], plan: Label[]): number[] {
  const n = times.length;
  const isCost = kind === "cost";
  const tail = isCost ? 6 : 3.5;
  const base = Math.log(
    kind === "latency"
      ? uniform(rng, 80, 1200)
      : isCost
        ? uniform(rng, 5, 5000)
        : uniform(rng, 40, 5000),
  );
  const baseScale = isCost ? uniform(rng, 0.06, 0.16) : uniform(rng, 0.04, 0.18);
  const drift = makeDrift(rng, n);
  const season = makeSeasonality(rng, times);
  const { level, noiseScale } = makeRegimes(rng, n, plan, baseScale);
  const values = times.map((_, i) => {
    const z = clip(isCost ? studentT3(rng) : gaussian(rng), tail);
    return base + drift[i]! + season[i]! + level[i]! + z * noiseScale[i]!;
  });
  for (const label of plan) {
    if (label.type === "level-shift") continue;
    for (let i = label.index; i <= label.end; i++) {
      const expected = base + drift[i]! + season[i]! + level[i]!;
      const edge = tail * noiseScale[i]!;
      values[i] =
        label.type === "spike"
          ? expected + edge + Math.log(uniform(rng, 3, 8))
          : expected - edge + Math.log(uniform(rng, 0.02, 0.3));
    }
  }
  return values.map((logValue) => {
    const value = Math.exp(logValue);
    if (kind === "count") return Math.round(value);
    if (isCost) return Math.round(value * 100) / 100;
    return Math.round(value * 10) / 10;
  });
}

function buildErrorRate(rng: Rng, times: number[], plan: Label[]): number[] {
  const n = times.length;
  const baseP = uniform(rng, 0.003, 0.04);
  const traffic = uniform(rng, 12, 250);
  const drift = makeDrift(rng, n);
  const season = makeSeasonality(rng, times);
  const sizes = season.map((s) => Math.max(8, Math.round(traffic * Math.exp(1.5 * s))));
  const medianSize = [...sizes].sort((a, b) => a - b)[Math.floor(n / 2)]!;
  const factor: number[] = new Array<number>(n).fill(1);
  let current = 1;
  for (const shift of plan.filter((label) => label.type === "level-shift")) {
    const p = baseP * current;
    const needed = (p + 4 * Math.sqrt((p * (1 - p)) / medianSize)) / p;
    const multiplier = Math.max(3, needed) * uniform(rng, 1, 1.3);
    if (p * multiplier > 0.25) {
      plan.splice(plan.indexOf(shift), 1);
      continue;
    }
    current *= multiplier;
    factor.fill(current, shift.index);
  }
  const prob = drift.map((d, i) => Math.min(0.35, baseP * Math.exp(d) * factor[i]!));
  const values = sizes.map((size, i) => binomial(rng, size, prob[i]!) / size);
  const normalMax = Math.max(...values);
  const floor = Math.max(1.6 * normalMax, normalMax + 0.15);
  for (const label of [...plan]) {
    if (label.type !== "spike") continue;
    if (floor > 0.95) {
      plan.splice(plan.indexOf(label), 1);
      continue;
    }
    for (let i = label.index; i <= label.end; i++) {
      const size = sizes[i]!;
      const k = binomial(rng, size, uniform(rng, floor, 1));
      values[i] = Math.max(k, Math.ceil(floor * size)) / size;
    }
  }
  return values.map((v) => Math.round(v * 1e6) / 1e6);
}

/** 40–60 seeded series; see the module comment for how they are built and labelled. */
export function generateSeries(seed: number): GeneratedSeries[] {
  const rng = makeRng(seed);
  const count = intBetween(rng, 40, 60);
  const out: GeneratedSeries[] = [];
  for (let s = 0; s < count; s++) {
    const kind = pick<Kind>(rng, [
      ["cost", 30],
      ["error_rate", 30],
      ["latency", 20],
      ["count", 20],
    ]);
    const n = intBetween(rng, 150, 1500);
    const times = makeTimestamps(rng, n);
    const plan = planLabels(rng, kind, n);
    const values =
      kind === "error_rate"
        ? buildErrorRate(rng, times, plan)
        : buildMultiplicative(rng, kind, times, plan);
    out.push({
      id: `lab-${seed}-${s}-${kind}`,
      kind,
      points: times.map((t, i): [number, number] => [t, values[i]!]),
      labels: plan,
    });
  }
  return out;
}
