/**
 * Service-telemetry series for judging anomaly detectors, written from an on-call engineer's view
 * of dashboards ("ops" writer). Deterministic: everything comes from one seeded PRNG (sfc32,
 * seeded through splitmix32), so the same seed always yields the same series.
 *
 * How a series is built, in order:
 * 1. Kind and grid. 40–60 series per seed; the kind is latency (ms), error_rate (a fraction 0..1),
 *    count (requests per bucket, integers) or cost (USD per bucket). Latency, error_rate and count
 *    are scraped every 1, 2 or 5 minutes; cost every 5, 15 or 60 minutes. The grid has 170–1,500
 *    slots starting at a random time of day in autumn 2026.
 * 2. Scrape gaps and irregular timestamps. About half the series lose 1–6 runs of 1–12
 *    consecutive slots, never more than 3 hours (at most 8% of the grid), so the final series
 *    has 150–1,500 points with holes in time. About 40% of the series have jittered timestamps
 *    (each point moved by up to ±30% of the step, order kept); another 15% have occasional late
 *    scrapes (+20–45% of a step).
 * 3. Normal behaviour (never labelled). A daily cycle `1 + A·d(hour)` where `d` is a cosine with a
 *    second harmonic peaking mid-afternoon in a random timezone (A: count 0.35–0.65, latency
 *    0.1–0.4, error_rate 0.1–0.3, cost 0.08–0.25); for series spanning at least 14 days a smooth
 *    weekend dip to 60–90% (count, cost); a slow multiplicative drift of −25%..+35% over the
 *    series. Noise by kind:
 *    - latency: log-normal, `expected·exp(σz)` with σ 0.04–0.10, plus harmless single-point
 *      jitter on ~1.5% of points (×1.1–1.42);
 *    - error_rate: requests per bucket `R` (1,000–8,000 with a ±50% daily cycle) and errors
 *      drawn from Poisson(R·p), p (0.1–2%) following the daily cycle and a ±20% drift; value =
 *      errors / R; ~1% of points get a few extra errors (+0.5–1.5 percentage points);
 *    - count: `expected·exp(σz)` (σ 0.02–0.05) plus Poisson-like √λ noise, rounded; ~1% of
 *      points are partial or doubled-up scrapes (×0.75–0.9 or ×1.1–1.3);
 *    - cost: log-normal σ 0.02–0.04 and ~1% of points ×1.1–1.3.
 * 4. Anomalies (labelled). ~80% of the series get 1–3 anomalies, placed on the final points at
 *    index ≥ 105, at least 30 points after the previous anomaly's end (60 around level shifts),
 *    with at least 10 points after a spike or dip and 60 after a level shift:
 *    - `spike`: latency 1–6 points at `expected + peak·(2..5)` (peak = the highest value the
 *      daily cycle reaches at that level, so a spike tops the whole chart); error_rate outages of
 *      2–25 points at `max(0.25..0.9, 4·p)`; count bursts of 2–15 points at
 *      `expected + peak·(2..3)`; cost runaway jobs of 2–20 points at `expected + peak·(1.8..3.5)`.
 *    - `dip`: latency 2–8 points at 10–25% of expected (requests short-circuited); count outages
 *      of 3–20 points at 2–20% of expected (placed where traffic is above its daily mean); cost
 *      3–12 points at 5–25% of expected (scaled to zero after a crash). error_rate has no dips.
 *    - `level-shift`: a deploy changes the level for good (until the next shift): latency, count
 *      and cost ×1.8–2.4 or ×0.4–0.55; error_rate (once per series) either a bad deploy adding
 *      4–10 percentage points (70%) or a fix that takes a rate elevated from the start (6–12%)
 *      down to 5–20% of it (30%). `index` = `end` = the first point at the new level.
 *    Spike and dip values use one-sided noise so every labelled point stays clearly anomalous.
 */

export type GeneratedSeries = {
  id: string;
  kind: "latency" | "error_rate" | "cost" | "count";
  points: [number, number][];
  labels: { index: number; end: number; type: "spike" | "dip" | "level-shift" }[];
};

type Kind = GeneratedSeries["kind"];
type LabelType = GeneratedSeries["labels"][number]["type"];
type Label = GeneratedSeries["labels"][number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 2026-09-07T00:00:00Z, a Monday. */
const EPOCH = Date.UTC(2026, 8, 7);

/** `xs[i]`, which the caller knows exists. */
function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new RangeError(`index ${i} outside 0..${xs.length - 1}`);
  return x;
}

/** sfc32 seeded through splitmix32: small, fast and well distributed. */
class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return at(items, Math.floor(this.next() * items.length));
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}

/** The daily shape in [-1, 1]: one broad afternoon hump with a smaller late-morning shoulder. */
function dailyShape(hour: number): number {
  const x = (2 * Math.PI * (hour - 14)) / 24;
  const y = (4 * Math.PI * (hour - 11)) / 24;
  return (Math.cos(x) + 0.25 * Math.cos(y)) / 1.25;
}

type Params = {
  amplitude: number;
  tzHours: number;
  weekendFactor: number;
  drift: number;
  base: number;
  sigma: number;
};

type Planned = { index: number; end: number; type: LabelType; factor: number; magnitude: number };

const STEPS: Record<Kind, number[]> = {
  latency: [MINUTE, 2 * MINUTE, 5 * MINUTE],
  error_rate: [MINUTE, 2 * MINUTE, 5 * MINUTE],
  count: [MINUTE, 2 * MINUTE, 5 * MINUTE],
  cost: [5 * MINUTE, 15 * MINUTE, HOUR],
};

const TYPE_WEIGHTS: Record<Kind, [LabelType, number][]> = {
  latency: [
    ["spike", 0.5],
    ["level-shift", 0.4],
    ["dip", 0.1],
  ],
  error_rate: [
    ["spike", 0.65],
    ["level-shift", 0.35],
  ],
  count: [
    ["dip", 0.45],
    ["spike", 0.25],
    ["level-shift", 0.3],
  ],
  cost: [
    ["spike", 0.45],
    ["level-shift", 0.4],
    ["dip", 0.15],
  ],
};

function pickType(rng: Rng, kind: Kind): LabelType {
  let r = rng.next();
  for (const [type, weight] of TYPE_WEIGHTS[kind]) {
    if (r < weight) return type;
    r -= weight;
  }
  return "spike";
}

/** The seasonal and drift multiplier at time `t` (no level shifts, no noise). */
function seasonal(p: Params, t: number, start: number, span: number): number {
  const hour = ((((t + p.tzHours * HOUR) % DAY) + DAY) % DAY) / HOUR;
  let f = 1 + p.amplitude * dailyShape(hour);
  if (p.weekendFactor < 1) {
    // Smooth weekend: a raised-cosine window over Saturday and Sunday (local time).
    const dayOfWeek = ((((t + p.tzHours * HOUR - EPOCH) / DAY) % 7) + 7) % 7; // 0 = Monday
    const w = dayOfWeek >= 5 ? Math.sin((Math.PI * (dayOfWeek - 5)) / 2) ** 2 : 0;
    f *= 1 - (1 - p.weekendFactor) * w;
  }
  const frac = span > 0 ? (t - start) / span : 0;
  return f * Math.exp(p.drift * frac);
}

function buildTimestamps(rng: Rng, step: number, slots: number): number[] {
  const start =
    EPOCH +
    rng.int(0, 40) * DAY +
    rng.int(0, Math.floor(DAY / step) - 1) * step +
    rng.int(0, 3) * 1000;
  const dropped = new Set<number>();
  if (rng.chance(0.5)) {
    const budget = Math.floor(slots * 0.08);
    const runs = rng.int(1, 6);
    for (let r = 0; r < runs; r++) {
      const len = rng.int(1, Math.max(1, Math.min(12, Math.floor((3 * HOUR) / step))));
      const at = rng.int(1, slots - len - 1);
      if (dropped.size + len > budget) continue;
      for (let k = at; k < at + len; k++) dropped.add(k);
    }
  }
  const mode = rng.next();
  const times: number[] = [];
  for (let i = 0; i < slots; i++) {
    if (dropped.has(i)) continue;
    let t = start + i * step;
    if (mode < 0.4) t += Math.round(rng.uniform(-0.3, 0.3) * step);
    else if (mode < 0.55 && rng.chance(0.05)) t += Math.round(rng.uniform(0.2, 0.45) * step);
    times.push(t);
  }
  return times;
}

function plan(rng: Rng, kind: Kind, n: number, times: number[], p: Params): Planned[] {
  if (!rng.chance(0.8)) return [];
  const wanted = rng.int(1, 3);
  const planned: Planned[] = [];
  const start = at(times, 0);
  const span = at(times, n - 1) - start;
  let errorShiftUsed = false;
  for (let a = 0; a < wanted; a++) {
    let type = pickType(rng, kind);
    if (type === "level-shift" && kind === "error_rate" && errorShiftUsed) type = "spike";
    const length =
      type === "level-shift"
        ? 1
        : kind === "latency"
          ? type === "spike"
            ? rng.int(1, 6)
            : rng.int(2, 8)
          : kind === "error_rate"
            ? rng.int(2, 25)
            : kind === "count"
              ? type === "spike"
                ? rng.int(2, 15)
                : rng.int(3, 20)
              : type === "spike"
                ? rng.int(2, 20)
                : rng.int(3, 12);
    const tail = type === "level-shift" ? 60 : 10;
    if (n - tail - length < 105) continue;
    for (let attempt = 0; attempt < 200; attempt++) {
      const index = rng.int(105, n - tail - length);
      const end = index + length - 1;
      if (index < 105 || end >= n - tail) continue;
      const clear = planned.every((o) => {
        const gap = o.type === "level-shift" || type === "level-shift" ? 60 : 30;
        return index - o.end >= gap || o.index - end >= gap;
      });
      if (!clear) continue;
      if (type === "dip" && (kind === "count" || kind === "cost")) {
        // Outages are placed where traffic is above its daily mean, so the drop is unmistakable.
        let ok = true;
        for (let k = index - 3; k <= end; k++) {
          if (seasonal({ ...p, drift: 0 }, at(times, k), start, span) < 1) ok = false;
        }
        if (!ok) continue;
      }
      const up = rng.chance(0.5);
      const factor =
        type !== "level-shift"
          ? 1
          : kind === "error_rate"
            ? 1
            : up
              ? rng.uniform(1.8, 2.4)
              : rng.uniform(0.4, 0.55);
      planned.push({ index, end, type, factor, magnitude: rng.next() });
      if (type === "level-shift" && kind === "error_rate") errorShiftUsed = true;
      break;
    }
  }
  planned.sort((x, y) => x.index - y.index);
  // Keep multiplicative levels within a sane range (a deploy and its rollback, not a runaway).
  let level = 1;
  for (const o of planned) {
    if (o.type !== "level-shift" || kind === "error_rate") continue;
    if (level * o.factor > 4 || level * o.factor < 0.25) o.factor = 1 / o.factor;
    level *= o.factor;
  }
  return planned;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function makeSeries(rng: Rng, seed: number, ordinal: number): GeneratedSeries {
  const kind = rng.pick<Kind>(["latency", "latency", "error_rate", "error_rate", "count", "cost"]);
  const step = rng.pick(STEPS[kind]);
  const slots = rng.int(170, 1500);
  const times = buildTimestamps(rng, step, slots);
  const n = times.length;
  const start = at(times, 0);
  const span = at(times, n - 1) - start;
  const longEnough = span >= 14 * DAY;
  const p: Params = {
    amplitude:
      kind === "count"
        ? rng.uniform(0.35, 0.65)
        : kind === "latency"
          ? rng.uniform(0.1, 0.4)
          : kind === "error_rate"
            ? rng.uniform(0.1, 0.3)
            : rng.uniform(0.08, 0.25),
    tzHours: rng.uniform(-8, 9),
    weekendFactor: longEnough && (kind === "count" || kind === "cost") ? rng.uniform(0.6, 0.9) : 1,
    drift: rng.uniform(-0.25, 0.35),
    base:
      kind === "latency"
        ? rng.uniform(60, 450)
        : kind === "error_rate"
          ? rng.uniform(1000, 8000)
          : kind === "count"
            ? rng.uniform(300, 20000) * (step / MINUTE)
            : rng.uniform(0.4, 30) * (step / (5 * MINUTE)),
    sigma:
      kind === "latency"
        ? rng.uniform(0.04, 0.1)
        : kind === "count"
          ? rng.uniform(0.02, 0.05)
          : rng.uniform(0.02, 0.04),
  };
  const planned = plan(rng, kind, n, times, p);

  // Error rate: the base failure probability, elevated from the start when a fix is coming.
  const errorShift = planned.find((o) => o.type === "level-shift");
  const fixComing = kind === "error_rate" && errorShift !== undefined && errorShift.magnitude < 0.3;
  let errorP = fixComing ? rng.uniform(0.06, 0.12) : rng.uniform(0.001, 0.02);
  const errorDrift = rng.uniform(-0.2, 0.2);

  const values: number[] = [];
  let level = 1;
  let cursor = 0;
  for (let i = 0; i < n; i++) {
    const t = at(times, i);
    const s = seasonal(p, t, start, span);
    const hour = ((((t + p.tzHours * HOUR) % DAY) + DAY) % DAY) / HOUR;
    const active = planned[cursor];
    if (active && active.type === "level-shift" && active.index === i) {
      if (kind === "error_rate") {
        errorP = fixComing ? errorP * (0.05 + 0.15 * rng.next()) : errorP + rng.uniform(0.04, 0.1);
      } else {
        level *= active.factor;
      }
    }
    const inAnomaly = active !== undefined && active.index <= i && i <= active.end;
    const anomalyType = inAnomaly ? active.type : undefined;
    if (active && i >= active.end) cursor++;

    if (kind === "error_rate") {
      const requests = Math.round(p.base * (1 + 0.5 * dailyShape(hour)));
      const frac = span > 0 ? (t - start) / span : 0;
      let prob = errorP * (1 + p.amplitude * dailyShape(hour)) * Math.exp(errorDrift * frac);
      if (anomalyType === "spike") {
        const outage = 0.25 + 0.65 * active!.magnitude;
        prob = Math.min(0.95, Math.max(outage, 4 * prob) * rng.uniform(0.85, 1.05));
      }
      let errors = rng.poisson(requests * prob);
      if (anomalyType === undefined && rng.chance(0.01)) {
        errors += rng.poisson(requests * rng.uniform(0.005, 0.015));
      }
      values.push(round(Math.min(1, errors / requests), 6));
      continue;
    }

    const expected = p.base * s * level;
    // The highest value the daily cycle reaches at this level (and drift), for spike heights.
    const peak = p.base * level * (1 + p.amplitude) * withoutDaily(p, s, hour);
    const noise = Math.exp(p.sigma * rng.normal());
    let v: number;
    if (anomalyType === "spike") {
      const m =
        kind === "latency"
          ? 2 + 3 * active!.magnitude
          : kind === "count"
            ? 2 + active!.magnitude
            : 1.8 + 1.7 * active!.magnitude;
      v =
        (expected + peak * m * rng.uniform(0.9, 1.1)) * Math.exp(Math.abs(p.sigma * rng.normal()));
    } else if (anomalyType === "dip") {
      const m =
        kind === "latency"
          ? 0.1 + 0.15 * active!.magnitude
          : kind === "count"
            ? 0.02 + 0.18 * active!.magnitude
            : 0.05 + 0.2 * active!.magnitude;
      v = expected * m * Math.exp(-Math.abs(p.sigma * rng.normal()));
    } else if (kind === "latency") {
      v = expected * noise;
      if (rng.chance(0.015)) v *= rng.uniform(1.1, 1.42);
    } else if (kind === "count") {
      v = expected * noise + Math.sqrt(expected) * rng.normal();
      if (rng.chance(0.01)) v *= rng.chance(0.5) ? rng.uniform(0.75, 0.9) : rng.uniform(1.1, 1.3);
    } else {
      v = expected * noise;
      if (rng.chance(0.01)) v *= rng.uniform(1.1, 1.3);
    }
    values.push(
      kind === "count"
        ? Math.max(0, Math.round(v))
        : round(Math.max(0, v), kind === "cost" ? 4 : 1),
    );
  }

  const labels: Label[] = planned.map((o) => ({
    index: o.index,
    end: o.type === "level-shift" ? o.index : o.end,
    type: o.type,
  }));
  const scenario = labels.length === 0 ? "clean" : labels.map((l) => l.type).join("+");
  return {
    id: `ops-${seed}-${ordinal}-${kind}-${scenario}`,
    kind,
    points: times.map((t, i) => [t, values[i]] as [number, number]),
    labels,
  };
}

/** The seasonal multiplier without its daily part, so `peak` keeps the weekend dip and drift. */
function withoutDaily(p: Params, s: number, hour: number): number {
  return s / (1 + p.amplitude * dailyShape(hour));
}

export function generateSeries(seed: number): GeneratedSeries[] {
  const rng = new Rng(seed);
  const count = rng.int(40, 60);
  const out: GeneratedSeries[] = [];
  for (let i = 0; i < count; i++) {
    // Each series draws from its own stream, so adding a series never reshuffles the others.
    out.push(
      makeSeries(new Rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ (i * 0x85ebca6b)) >>> 0), seed, i),
    );
  }
  return out;
}
