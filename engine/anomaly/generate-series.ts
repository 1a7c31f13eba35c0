/**
 * A seeded generator of labelled metric series, shared by the tests and bench/anomaly.ts, so that
 * both measure the detectors on the same ground truth.
 *
 * A series is built in three layers:
 * 1. a clean signal: a level (per kind: latency 80–1,500 ms, cost 0.5–200, error rate 0.2–5%,
 *    count 0.3–300 per point), plus optionally a linear trend (10–40 noise scales over the series),
 *    a daily or weekly rhythm (amplitude 3–8 noise scales; weekly = a daily shape damped at
 *    weekends) and level shifts (6–12 noise scales, up or down, kept above zero);
 * 2. noise of the kind: Gaussian (3–10% of the level) for latency and cost, binomial over 200–5,000
 *    calls per point for error rates, Poisson for counts;
 * 3. spikes and dips of 6–12 noise scales lasting 1–3 points; a dip that would go below 20% of the
 *    level becomes a spike.
 * "Noise scale" is the noise's standard deviation where the anomaly starts, floored at 0.5
 * percentage points for error rates, and √max(mean, 1) + ½ for counts (Poisson tails are heavier
 * than normal ones at small means); kind-profiles.ts uses the same floors.
 * Anomalies start after the first 100 points (a detector needs history to judge against) and at
 * least 40 points apart. Timestamps are regular with a little jitter (1, 5 or 60 minutes apart; 5–15
 * minutes with a daily rhythm, hourly with a weekly one); the "gaps" family drops 2–5 runs of 10–80
 * points and jitters timestamps by up to 20%. Labels give the onset index and the last anomalous
 * index; a level shift's label is its onset only.
 */
import { type MetricPoint, SERIES_KINDS, type SeriesKind } from "./types";

export const SCENARIO_FAMILIES = [
  "spikes",
  "dips",
  "level-shifts",
  "trend",
  "trend-spikes",
  "daily",
  "weekly",
  "seasonal-only",
  "noise",
  "gaps",
  "few-points",
  "mixed",
] as const;
export type ScenarioFamily = (typeof SCENARIO_FAMILIES)[number];

export type AnomalyLabel = { index: number; end: number; type: "spike" | "dip" | "level-shift" };
export type LabelledSeries = {
  id: string;
  kind: SeriesKind;
  family: ScenarioFamily;
  points: MetricPoint[];
  labels: AnomalyLabel[];
};

export type Random = {
  next(): number;
  normal(): number;
  between(low: number, high: number): number;
  integer(low: number, high: number): number;
};

/**
 * A small seeded random source (mulberry32), with normal draws by Box–Muller.
 * @example const random = createRandom(42); random.between(0, 10);
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    between: (low, high) => low + (high - low) * next(),
    integer: (low, high) => low + Math.floor(next() * (high - low + 1)),
  };
}

type Recipe = {
  seasonality: "daily" | "weekly" | null;
  trend: boolean;
  gaps: boolean;
  anomalies: AnomalyLabel["type"][];
  length: number;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const FIRST_ANOMALY = 100;
const ANOMALY_SPACING = 40;

/**
 * One labelled series of a scenario family.
 * @example const { points, labels } = generateSeries({ seed: 7, family: "spikes", kind: "latency" });
 */
export function generateSeries(options: {
  seed: number;
  family: ScenarioFamily;
  kind?: SeriesKind;
  length?: number;
}): LabelledSeries {
  const random = createRandom(options.seed);
  const kind = options.kind ?? SERIES_KINDS[random.integer(0, 3)]!;
  const recipe = recipeFor(options.family, options.length ?? 2000, random);
  const n = recipe.length;
  const noise = createNoise(kind, random);
  const minutes = { weekly: [60], daily: [5, 10, 15], none: [1, 5, 60] }[
    recipe.seasonality ?? "none"
  ];
  const interval = minutes[random.integer(0, minutes.length - 1)]! * MINUTE;
  const start = Date.UTC(2026, 0, 5) + random.integer(0, 167) * HOUR;
  const jitter = recipe.gaps ? 0.2 : 0.05;
  // Values belong to their nominal time (the rollup bucket); only the reported timestamp jitters.
  const nominal = (i: number) => start + i * interval;
  const times = Array.from({ length: n }, (_, i) =>
    Math.round(nominal(i) + random.between(-jitter, jitter) * interval),
  );

  const onsets = placeAnomalies(recipe.anomalies.length, n, random);
  const labels: AnomalyLabel[] = [];
  const clean = new Float64Array(n).fill(noise.level);
  const scale = noise.scaleAt(noise.level);
  if (recipe.trend) {
    const sign = random.next() < 0.7 ? 1 : -1;
    const rise = Math.min(random.between(10, 40) * scale, sign > 0 ? Infinity : 0.6 * noise.level);
    for (let i = 0; i < n; i++) clean[i]! += (sign * rise * i) / n;
  }
  if (recipe.seasonality) {
    const amplitude = Math.min(random.between(3, 8) * scale, 0.6 * noise.level);
    const phase = random.between(0, 2 * Math.PI);
    for (let i = 0; i < n; i++)
      clean[i]! += amplitude * rhythm(nominal(i), recipe.seasonality, phase);
  }
  const spikes: { at: number; size: number; length: number }[] = [];
  recipe.anomalies.forEach((type, k) => {
    const at = onsets[k]!;
    const size = random.between(6, 12) * noise.scaleAt(Math.max(0, clean[at]!));
    if (type === "level-shift") {
      const down = random.next() < 0.5 && clean[at]! - size > 0.3 * clean[at]!;
      for (let i = at; i < n; i++) clean[i]! += down ? -size : size;
      labels.push({ index: at, end: at, type });
      return;
    }
    const length = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3][random.integer(0, 9)]!;
    const canDip = type === "dip" && clean[at]! - size >= 0.2 * clean[at]!;
    spikes.push({ at, size: canDip ? -size : size, length });
    labels.push({ index: at, end: at + length - 1, type: canDip ? "dip" : "spike" });
  });

  const values = Array.from(clean, (c) => noise.sample(Math.max(0, c)));
  for (const spike of spikes) {
    for (let i = spike.at; i < Math.min(n, spike.at + spike.length); i++)
      values[i] = noise.bound(values[i]! + spike.size);
  }
  let points: MetricPoint[] = times.map((t, i) => [t, values[i]!]);
  if (recipe.gaps) {
    const cut = dropGaps(points, labels, random);
    points = cut.points;
    labels.splice(0, labels.length, ...cut.labels);
  }
  labels.sort((a, b) => a.index - b.index);
  return {
    id: `${options.family}-${kind}-${options.seed}`,
    kind,
    family: options.family,
    points,
    labels,
  };
}

/**
 * `count` series cycling through `kinds` (all four by default) and `families` ("mixed" by default).
 * @example generateSeriesSet({ seed: 1, count: 200, length: 2000 })
 */
export function generateSeriesSet(options: {
  seed: number;
  count: number;
  length?: number;
  families?: readonly ScenarioFamily[];
  kinds?: readonly SeriesKind[];
}): LabelledSeries[] {
  const families = options.families ?? ["mixed"];
  const kinds = options.kinds ?? SERIES_KINDS;
  return Array.from({ length: options.count }, (_, i) =>
    generateSeries({
      seed: options.seed * 100_003 + i,
      family: families[i % families.length]!,
      kind: kinds[Math.floor(i / families.length) % kinds.length]!,
      length: options.length,
    }),
  );
}

function recipeFor(family: ScenarioFamily, length: number, random: Random): Recipe {
  const base: Recipe = { seasonality: null, trend: false, gaps: false, anomalies: [], length };
  const some = <T>(type: T, low: number, high: number) =>
    Array.from({ length: random.integer(low, high) }, () => type);
  const mixedAnomalies = () =>
    some(null, 2, 6).map(
      () =>
        (["spike", "spike", "spike", "spike", "dip", "dip", "level-shift", "level-shift"] as const)[
          random.integer(0, 7)
        ]!,
    );
  const seasonal = () => (random.next() < 0.5 ? "daily" : "weekly");
  switch (family) {
    case "spikes":
      return { ...base, anomalies: some("spike", 3, 6) };
    case "dips":
      return { ...base, anomalies: some("dip", 3, 6) };
    case "level-shifts":
      return { ...base, anomalies: some("level-shift", 1, 3) };
    case "trend":
      return { ...base, trend: true };
    case "trend-spikes":
      return { ...base, trend: true, anomalies: some("spike", 3, 6) };
    case "daily":
      return { ...base, seasonality: "daily", anomalies: mixedAnomalies() };
    case "weekly":
      return { ...base, seasonality: "weekly", anomalies: mixedAnomalies() };
    case "seasonal-only":
      return { ...base, seasonality: seasonal() };
    case "noise":
      return base;
    case "gaps":
      return { ...base, gaps: true, anomalies: mixedAnomalies() };
    case "few-points":
      return { ...base, length: 12 };
    case "mixed": {
      const roll = random.next();
      return {
        seasonality: roll < 0.5 ? null : roll < 0.75 ? "daily" : "weekly",
        trend: random.next() < 0.3,
        gaps: random.next() < 0.25,
        anomalies: random.next() < 0.15 ? [] : mixedAnomalies(),
        length,
      };
    }
  }
}

/** A kind's noise: its starting level, its scale at a clean value, a noisy draw around one. */
type Noise = {
  level: number;
  scaleAt(clean: number): number;
  sample(clean: number): number;
  bound(value: number): number;
};

function createNoise(kind: SeriesKind, random: Random): Noise {
  const logUniform = (low: number, high: number) =>
    Math.exp(random.between(Math.log(low), Math.log(high)));
  const positive = (value: number) => Math.max(0, value);
  switch (kind) {
    case "latency":
    case "cost": {
      const level = kind === "latency" ? logUniform(80, 1500) : logUniform(0.5, 200);
      const sigma = level * random.between(0.03, 0.1);
      return {
        level,
        scaleAt: () => sigma,
        sample: (clean) => positive(clean + sigma * random.normal()),
        bound: positive,
      };
    }
    case "error_rate": {
      const level = logUniform(0.002, 0.05);
      const calls = random.integer(200, 5000);
      const scaleAt = (clean: number) => Math.max(Math.sqrt((clean * (1 - clean)) / calls), 0.005);
      const bound = (value: number) => Math.min(1, positive(value));
      return {
        level,
        scaleAt,
        sample: (clean) => sampleBinomial(calls, Math.min(1, clean), random) / calls,
        bound,
      };
    }
    case "count": {
      const level = logUniform(0.3, 300);
      const scaleAt = (clean: number) => Math.sqrt(Math.max(clean, 1)) + 0.5;
      return {
        level,
        scaleAt,
        sample: (clean) => samplePoisson(clean, random),
        bound: (v) => Math.round(positive(v)),
      };
    }
  }
}

/** A daily shape (a main wave and a harmonic, so it is not a pure sine), damped at weekends for weekly. */
function rhythm(at: number, period: "daily" | "weekly", phase: number): number {
  const hourOfDay = (at / HOUR) % 24;
  const daily =
    Math.sin((2 * Math.PI * hourOfDay) / 24 + phase) +
    0.35 * Math.sin((4 * Math.PI * hourOfDay) / 24 + 2 * phase);
  if (period === "daily") return daily / 1.2;
  const dayOfWeek = (Math.floor(at / (24 * HOUR)) + 3) % 7; // 0 = Monday
  return dayOfWeek >= 5 ? 0.3 * daily - 0.8 : daily;
}

function placeAnomalies(count: number, n: number, random: Random): number[] {
  const onsets: number[] = [];
  for (let attempt = 0; onsets.length < count && attempt < 1000; attempt++) {
    const at = random.integer(FIRST_ANOMALY, n - 6);
    if (onsets.every((o) => Math.abs(o - at) >= ANOMALY_SPACING)) onsets.push(at);
  }
  return onsets.sort((a, b) => a - b);
}

/** Drops 2–5 runs of points away from every label, renumbering the labels to match. */
function dropGaps(
  points: MetricPoint[],
  labels: AnomalyLabel[],
  random: Random,
): { points: MetricPoint[]; labels: AnomalyLabel[] } {
  const dropped = new Uint8Array(points.length);
  const nearLabel = (i: number) => labels.some((l) => i >= l.index - 5 && i <= l.end + 10);
  for (let gap = random.integer(2, 5); gap > 0; gap--) {
    const length = random.integer(10, 80);
    const from = random.integer(FIRST_ANOMALY, Math.max(FIRST_ANOMALY, points.length - length - 1));
    let clear = true;
    for (let i = from; i < from + length && clear; i++) clear = !nearLabel(i);
    if (clear) dropped.fill(1, from, from + length);
  }
  const renumbered = new Int32Array(points.length);
  const kept: MetricPoint[] = [];
  points.forEach((p, i) => {
    renumbered[i] = kept.length;
    if (!dropped[i]) kept.push(p);
  });
  return {
    points: kept,
    labels: labels.map((l) => ({ ...l, index: renumbered[l.index]!, end: renumbered[l.end]! })),
  };
}

function samplePoisson(mean: number, random: Random): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random.next(); p > limit; p *= random.next()) k++;
  return k;
}

function sampleBinomial(trials: number, p: number, random: Random): number {
  const mean = trials * p;
  if (mean < 30) return Math.min(trials, samplePoisson(mean, random));
  const sd = Math.sqrt(mean * (1 - p));
  return Math.min(trials, Math.max(0, Math.round(mean + sd * random.normal())));
}
