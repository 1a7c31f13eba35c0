/**
 * "biz" anomaly series generator: the metrics a small business's operations lead watches —
 * orders, till transactions, support tickets, sign-ups, bookings and refunds (counts), ad spend,
 * hosting, courier, card-fee and oven-energy costs, checkout / booking latency, and payment-failure
 * or email-bounce rates. Seeded and deterministic: the same seed always gives the same series
 * (own PRNG: a splitmix32-seeded sfc32; nothing else random is used).
 *
 * ## How a series is built
 * 1. A scenario is drawn (40–60 series per seed; two series in three are a count or a cost, the
 *    third a latency or an error rate; a series name says its scenario). It fixes the kind, the
 *    step (15 min, 30 min, hourly or daily), the point count (150–1,500), a
 *    daily profile for sub-daily steps (sums of Gaussian bumps on the hour of day, normalised to
 *    mean 1: "retail" shops that are shut at night, "online" with an evening peak, "office" hours,
 *    "flat", or "ovens" running 04:00–14:00), a weekly profile (weekend dips: Saturday and Sunday
 *    multiplied by 0.1–0.97 depending on the scenario), a linear trend over the whole span (mostly
 *    gradual growth, up to +80%; a few slight declines), and the noise model.
 * 2. Timestamps: a regular grid from a Monday-aligned start; in ~35% of series each timestamp is
 *    jittered by up to ±20% of the step (irregular, still strictly increasing); 0–3% of grid points
 *    are dropped at random and ~30% of series also lose one contiguous run of 3–12 points
 *    (collector outage). For error rates, a point only exists when its number of attempts is at
 *    least `MIN_ATTEMPTS` (50), so quiet nights are missing rather than noisy.
 * 3. Holidays (one-off quiet days): for spans of about a fortnight or more, roughly one day in 40
 *    (weekdays preferred) is a holiday. THE RULE: a holiday is a whole UTC calendar day on which
 *    activity is multiplied by 0.08–0.35 (counts, activity-driven costs and error-rate attempts;
 *    latency by 0.92 for the lighter load). Holidays are normal behaviour and are NEVER labelled,
 *    and no labelled anomaly touches a holiday or the day either side of it (two days either side
 *    for daily series). Hosting and ad-spend costs ignore holidays.
 * 4. Expected value at each point = base × trend × daily × weekly × holiday × level-shift factors
 *    (× a slow AR(1) log drift of a few percent for cost and latency). Values are then sampled:
 *    - count: negative binomial (gamma–Poisson, shape k in 8–40, or plain Poisson), integers ≥ 0;
 *      some scenarios sit near zero (many zeros at night, refunds at 0.3–4 a day).
 *    - cost: lognormal around the expectation (σ 0.03–0.09), pounds to 2 decimals, ≥ 0.
 *    - latency: lognormal (σ 0.05–0.12) around a base of 120–1,400 ms that rises mildly with load.
 *    - error_rate: failures / attempts as a ratio in [0, 1]; attempts follow the traffic profile,
 *      failures are binomial (Poisson or normal approximation) at a base rate of 0.5–5% with a slow
 *      ±20% trend (the rate does not follow the traffic profile).
 *
 * ## What is labelled
 * ~22% of series get no anomaly at all; the rest get 1–4 planned anomalies (fewer if a plan fails
 * the checks below, so a few more end up clean). Every label starts at index ≥ 100, labels are in
 * time order and each starts at least 30 points after the previous label's end. "Busy" below means
 * a seasonal factor (daily × weekly) ≥ 0.8 (latency: load factor ≥ 0.97), i.e. trading hours.
 * - `spike` (index..end; 1–3 points sub-daily, 1–6 for latency, 1–2 days daily): every point in
 *   the window is set above the whole noise envelope of the surrounding ±36 points (±14 for daily
 *   series) — for counts above max(mu + 7·sd + 6) and ≥ 2.5× the local expectation; for cost and
 *   latency above max(mu·e^{6σ}) × 1.2–2 and ≥ 2× the local expectation; for error rates
 *   max(p + 7·sd) + 0.03, × 1.15–1.6 (capped at 0.98) — so a spike also tops the normal daily peak
 *   next to it, even at night. Think a duplicated ad charge, a courier surcharge invoice, a bot
 *   flood of sign-ups, a payment provider outage.
 * - `dip` (counts and costs only; 4–8 points sub-daily, 3–6 days for daily counts, 3–5 for daily
 *   costs): the values fall to ~3% (counts, Poisson) or 0–12% (costs) of expectation. Dips are only
 *   placed at busy points away from holidays, and for counts only where the expectation is ≥ 6 at
 *   every point, so they read as "the checkout broke" or "the ad account was paused", never as
 *   night or weekend quiet; daily dips last ≥ 3 days so they cannot be mistaken for a holiday.
 * - `level-shift` (index = end = first point at the new level): from that point on the expectation
 *   is multiplied by a lasting factor — a price or plan change. Counts ×0.4–0.55 or ×1.8–2.6 (only
 *   when the mean level over the day (week, for daily series) before is ≥ 8 and ≥ 6 after), cost
 *   ×0.4–0.65 or ×1.5–2.5, latency ×0.45–0.6 or ×1.6–2.5, error rate up by max(6·sd, 4–12
 *   percentage points) and capped at 0.6, at most one per error-rate series. In sub-daily series
 *   with quiet hours the shift starts at the first busy point of a day (the change takes effect
 *   when trading starts); daily series shift on Monday–Thursday. No holiday within 2 days (4 for
 *   daily series) after it, and ≥ 40 points after it.
 * Not labelled (normal): noise, daily and weekly seasonality (incl. weekend dips and near-zero
 * nights), trend and slow drift, holidays, missing points, gaps and irregular timestamps.
 */

export type GeneratedSeries = {
  id: string;
  kind: "latency" | "error_rate" | "cost" | "count";
  points: [number, number][];
  labels: { index: number; end: number; type: "spike" | "dip" | "level-shift" }[];
};

type Kind = GeneratedSeries["kind"];
type LabelType = GeneratedSeries["labels"][number]["type"];
type Rng = () => number;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Smallest gap between one label's end and the next label's start. */
export const MIN_LABEL_GAP = 30;
/** First index an anomaly may occupy. */
export const FIRST_ANOMALY_INDEX = 100;
const MIN_ATTEMPTS = 50;

// ---------------------------------------------------------------------------------------------
// PRNG and samplers

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** sfc32, seeded from splitmix32; returns floats in [0, 1). */
function makeRng(seed: number): Rng {
  const sm = splitmix32(seed ^ 0x62697a21);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm() | 1;
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

const uniform = (r: Rng, lo: number, hi: number): number => lo + (hi - lo) * r();
const intIn = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
function pick<T>(r: Rng, items: readonly T[]): T {
  const item = items[Math.floor(r() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function normal(r: Rng): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** Marsaglia–Tsang gamma(shape, 1). */
function gamma(r: Rng, shape: number): number {
  if (shape < 1) return gamma(r, shape + 1) * Math.pow(Math.max(r(), 1e-12), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(r);
    const v = Math.pow(1 + c * x, 3);
    if (v <= 0) continue;
    const u = r();
    if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function poisson(r: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = r();
    while (p > limit) {
      k++;
      p *= r();
    }
    return k;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(r)));
}

/** Negative binomial with mean `mu` and shape `k` (variance mu + mu²/k); Poisson when k is ∞. */
function negBinomial(r: Rng, mu: number, k: number): number {
  if (!Number.isFinite(k)) return poisson(r, mu);
  return poisson(r, (gamma(r, k) * mu) / k);
}

function binomial(r: Rng, n: number, p: number): number {
  const mean = n * p;
  if (mean < 20) return Math.min(n, poisson(r, mean));
  return Math.min(n, Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - p)) * normal(r))));
}

// ---------------------------------------------------------------------------------------------
// Scenarios

type ProfileName = "retail" | "online" | "office" | "flat" | "ovens" | "none";
type Bump = { centre: number; width: number; amp: number };

type Scenario = {
  name: string;
  kind: Kind;
  step: number;
  n: [number, number];
  profile: ProfileName;
  /** Saturday and Sunday multipliers. */
  weekend: [[number, number], [number, number]];
  /** Base level: count per step, cost in £ per step, latency in ms, error rate as a ratio. */
  base: [number, number];
  growth: [number, number];
  holidays: boolean;
  /** Anomaly types this scenario can carry, with weights. */
  types: [LabelType, number][];
};

const SCENARIOS: Scenario[] = [
  {
    name: "webshop-orders-hourly",
    kind: "count",
    step: HOUR,
    n: [300, 1500],
    profile: "online",
    weekend: [
      [0.6, 0.85],
      [0.5, 0.8],
    ],
    base: [0.8, 30],
    growth: [0, 0.6],
    holidays: true,
    types: [
      ["spike", 5],
      ["dip", 5],
      ["level-shift", 2],
    ],
  },
  {
    name: "bakery-till-transactions-hourly",
    kind: "count",
    step: HOUR,
    n: [300, 1500],
    profile: "retail",
    weekend: [
      [0.75, 0.95],
      [0.3, 0.55],
    ],
    base: [3, 40],
    growth: [-0.05, 0.3],
    holidays: true,
    types: [
      ["spike", 4],
      ["dip", 6],
      ["level-shift", 2],
    ],
  },
  {
    name: "support-tickets-hourly",
    kind: "count",
    step: HOUR,
    n: [250, 1500],
    profile: "office",
    weekend: [
      [0.15, 0.35],
      [0.1, 0.3],
    ],
    base: [0.5, 14],
    growth: [0, 0.5],
    holidays: true,
    types: [
      ["spike", 6],
      ["dip", 3],
      ["level-shift", 2],
    ],
  },
  {
    name: "newsletter-signups-daily",
    kind: "count",
    step: DAY,
    n: [150, 730],
    profile: "none",
    weekend: [
      [0.5, 0.8],
      [0.45, 0.75],
    ],
    base: [4, 80],
    growth: [0.1, 0.8],
    holidays: true,
    types: [
      ["spike", 5],
      ["dip", 3],
      ["level-shift", 3],
    ],
  },
  {
    name: "event-bookings-daily",
    kind: "count",
    step: DAY,
    n: [150, 600],
    profile: "none",
    weekend: [
      [0.55, 0.85],
      [0.4, 0.7],
    ],
    base: [5, 60],
    growth: [0, 0.5],
    holidays: true,
    types: [
      ["spike", 4],
      ["dip", 3],
      ["level-shift", 4],
    ],
  },
  {
    name: "refunds-daily",
    kind: "count",
    step: DAY,
    n: [150, 500],
    profile: "none",
    weekend: [
      [0.4, 0.7],
      [0.3, 0.6],
    ],
    base: [0.3, 4],
    growth: [0, 0.4],
    holidays: true,
    types: [["spike", 1]],
  },
  {
    name: "job-applications-daily",
    kind: "count",
    step: DAY,
    n: [150, 400],
    profile: "none",
    weekend: [
      [0.3, 0.6],
      [0.35, 0.65],
    ],
    base: [1, 25],
    growth: [-0.1, 0.3],
    holidays: true,
    types: [
      ["spike", 3],
      ["level-shift", 2],
      ["dip", 2],
    ],
  },
  {
    name: "ad-spend-daily",
    kind: "cost",
    step: DAY,
    n: [150, 700],
    profile: "none",
    weekend: [
      [0.7, 0.9],
      [0.65, 0.9],
    ],
    base: [20, 400],
    growth: [0, 0.6],
    holidays: false,
    types: [
      ["spike", 4],
      ["dip", 3],
      ["level-shift", 4],
    ],
  },
  {
    name: "hosting-cost-hourly",
    kind: "cost",
    step: HOUR,
    n: [300, 1500],
    profile: "flat",
    weekend: [
      [0.85, 0.97],
      [0.85, 0.97],
    ],
    base: [0.3, 6],
    growth: [0, 0.3],
    holidays: false,
    types: [
      ["spike", 4],
      ["level-shift", 5],
      ["dip", 1],
    ],
  },
  {
    name: "courier-cost-daily",
    kind: "cost",
    step: DAY,
    n: [150, 600],
    profile: "none",
    weekend: [
      [0.35, 0.6],
      [0.15, 0.4],
    ],
    base: [40, 900],
    growth: [0, 0.5],
    holidays: true,
    types: [
      ["spike", 5],
      ["level-shift", 3],
      ["dip", 1],
    ],
  },
  {
    name: "card-fees-daily",
    kind: "cost",
    step: DAY,
    n: [150, 730],
    profile: "none",
    weekend: [
      [0.6, 0.9],
      [0.4, 0.7],
    ],
    base: [5, 150],
    growth: [0.05, 0.7],
    holidays: true,
    types: [
      ["spike", 3],
      ["level-shift", 4],
    ],
  },
  {
    name: "oven-energy-cost-hourly",
    kind: "cost",
    step: HOUR,
    n: [300, 1500],
    profile: "ovens",
    weekend: [
      [0.8, 0.95],
      [0.3, 0.5],
    ],
    base: [1, 12],
    growth: [-0.1, 0.2],
    holidays: true,
    types: [
      ["spike", 4],
      ["level-shift", 4],
      ["dip", 2],
    ],
  },
  {
    name: "checkout-latency-p95-15min",
    kind: "latency",
    step: 15 * MINUTE,
    n: [400, 1500],
    profile: "online",
    weekend: [
      [0.6, 0.85],
      [0.5, 0.8],
    ],
    base: [250, 1400],
    growth: [-0.1, 0.3],
    holidays: true,
    types: [
      ["spike", 6],
      ["level-shift", 4],
    ],
  },
  {
    name: "booking-api-latency-hourly",
    kind: "latency",
    step: HOUR,
    n: [250, 1500],
    profile: "office",
    weekend: [
      [0.4, 0.7],
      [0.3, 0.6],
    ],
    base: [120, 600],
    growth: [0, 0.25],
    holidays: true,
    types: [
      ["spike", 5],
      ["level-shift", 5],
    ],
  },
  {
    name: "payment-failure-rate-hourly",
    kind: "error_rate",
    step: HOUR,
    n: [200, 1200],
    profile: "online",
    weekend: [
      [0.6, 0.85],
      [0.5, 0.8],
    ],
    base: [0.005, 0.04],
    growth: [-0.2, 0.2],
    holidays: true,
    types: [
      ["spike", 6],
      ["level-shift", 3],
    ],
  },
  {
    name: "email-bounce-rate-daily",
    kind: "error_rate",
    step: DAY,
    n: [150, 600],
    profile: "none",
    weekend: [
      [0.4, 0.7],
      [0.3, 0.6],
    ],
    base: [0.005, 0.03],
    growth: [-0.2, 0.2],
    holidays: true,
    types: [
      ["spike", 5],
      ["level-shift", 4],
    ],
  },
  {
    name: "contact-form-error-rate-30min",
    kind: "error_rate",
    step: 30 * MINUTE,
    n: [300, 1500],
    profile: "office",
    weekend: [
      [0.4, 0.7],
      [0.3, 0.6],
    ],
    base: [0.01, 0.05],
    growth: [-0.2, 0.2],
    holidays: true,
    types: [
      ["spike", 6],
      ["level-shift", 3],
    ],
  },
];

/** Gaussian bumps (hour of day) per profile, jittered per series; a floor is added separately. */
function profileBumps(r: Rng, name: ProfileName): { floor: number; bumps: Bump[] } {
  const j = (x: number, by: number) => x + uniform(r, -by, by);
  switch (name) {
    case "retail":
      return {
        floor: 0.004,
        bumps: [
          { centre: j(8.5, 0.7), width: j(1.4, 0.3), amp: j(1, 0.2) },
          { centre: j(12.5, 0.5), width: j(1.6, 0.3), amp: j(0.9, 0.2) },
          { centre: j(15.5, 0.8), width: j(1.5, 0.3), amp: j(0.45, 0.15) },
        ],
      };
    case "online":
      return {
        floor: uniform(r, 0.03, 0.08),
        bumps: [
          { centre: j(12.5, 1), width: j(2.5, 0.5), amp: j(0.7, 0.2) },
          { centre: j(20, 1), width: j(2.2, 0.4), amp: j(1, 0.2) },
        ],
      };
    case "office":
      return {
        floor: uniform(r, 0.01, 0.04),
        bumps: [
          { centre: j(10.5, 0.5), width: j(1.8, 0.3), amp: j(1, 0.15) },
          { centre: j(14.5, 0.5), width: j(1.8, 0.3), amp: j(0.9, 0.15) },
        ],
      };
    case "flat":
      return { floor: 1, bumps: [{ centre: j(14, 1.5), width: j(4, 1), amp: j(0.2, 0.1) }] };
    case "ovens":
      return {
        floor: uniform(r, 0.15, 0.3),
        bumps: [{ centre: j(8.5, 0.5), width: j(3.2, 0.4), amp: j(1.6, 0.3) }],
      };
    case "none":
      return { floor: 1, bumps: [] };
  }
}

function makeDailyProfile(r: Rng, name: ProfileName): (hour: number) => number {
  const { floor, bumps } = profileBumps(r, name);
  const raw = (h: number) => {
    let v = floor;
    for (const b of bumps) {
      const dist = Math.min(Math.abs(h - b.centre), 24 - Math.abs(h - b.centre));
      v += b.amp * Math.exp(-0.5 * (dist / b.width) ** 2);
    }
    return v;
  };
  let sum = 0;
  for (let i = 0; i < 96; i++) sum += raw(i / 4);
  const mean = sum / 96;
  return (h) => raw(h) / mean;
}

// ---------------------------------------------------------------------------------------------
// One series

type Plan = { type: LabelType; index: number; end: number; factor: number };

function hourOf(t: number): number {
  const d = new Date(t);
  return d.getUTCHours() + d.getUTCMinutes() / 60;
}
const dayOf = (t: number) => Math.floor(t / DAY);
const weekdayOf = (t: number) => new Date(t).getUTCDay(); // 0 Sunday … 6 Saturday

function weightedType(r: Rng, types: [LabelType, number][]): LabelType {
  const total = types.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [t, w] of types) {
    x -= w;
    if (x < 0) return t;
  }
  return types[0]?.[0] ?? "spike";
}

function buildSeries(r: Rng, sc: Scenario, id: string, wantAnomalies: boolean): GeneratedSeries {
  const n = intIn(r, sc.n[0], sc.n[1]);
  const step = sc.step;
  const subDaily = step < DAY;
  const start = Date.UTC(2024, 0, 1) + intIn(r, 0, 90) * 7 * DAY; // a Monday
  const profile = makeDailyProfile(r, sc.profile);
  const sat = uniform(r, sc.weekend[0][0], sc.weekend[0][1]);
  const sun = uniform(r, sc.weekend[1][0], sc.weekend[1][1]);
  const weekly = (t: number) => {
    const wd = weekdayOf(t);
    return wd === 6 ? sat : wd === 0 ? sun : 1;
  };
  const base = Math.exp(uniform(r, Math.log(sc.base[0]), Math.log(sc.base[1])));
  const growth = uniform(r, sc.growth[0], sc.growth[1]);
  const shape = r() < 0.2 ? Infinity : uniform(r, 8, 40);
  const sigma =
    sc.kind === "latency"
      ? uniform(r, 0.05, 0.12)
      : sc.kind === "cost"
        ? uniform(r, 0.03, 0.09)
        : 0;
  const loadSensitivity = uniform(r, 0.05, 0.3);

  // Holidays: whole UTC days (weekdays preferred).
  const spanDays =
    Math.ceil(((sc.kind === "error_rate" && subDaily ? 2 : 1.15) * n * step) / DAY) + 2;
  const holidays = new Set<number>();
  if (spanDays >= 14) {
    const count = Math.max(1, Math.round((spanDays / 40) * uniform(r, 0.6, 1.4)));
    for (let tries = 0; holidays.size < count && tries < count * 20; tries++) {
      const d = dayOf(start) + intIn(r, 1, spanDays - 1);
      const wd = weekdayOf(d * DAY);
      if ((wd === 0 || wd === 6) && r() < 0.8) continue;
      holidays.add(d);
    }
  }
  const holidayFactor = new Map<number, number>();
  for (const d of holidays) holidayFactor.set(d, uniform(r, 0.08, 0.35));
  const activityHoliday = (t: number) => {
    if (!sc.holidays) return 1;
    const h = holidayFactor.get(dayOf(t));
    if (h === undefined) return 1;
    return sc.kind === "latency" ? 0.92 : h;
  };
  const nearHoliday = (t: number) => {
    if (!sc.holidays) return false;
    const reach = subDaily ? 1 : 2;
    const d = dayOf(t);
    for (let k = -reach; k <= reach; k++) if (holidayFactor.has(d + k)) return true;
    return false;
  };
  /** Seasonal and holiday shape of the level at time t, without base or trend. */
  const shapeAt = (t: number) => {
    const seasonal = (subDaily ? profile(hourOf(t)) : 1) * weekly(t);
    return sc.kind === "latency" ? 1 + loadSensitivity * (seasonal - 1) : seasonal;
  };
  const spanMs = n * step * (sc.kind === "error_rate" && subDaily ? 2 : 1);
  const trend = (t: number) => 1 + (growth * (t - start)) / spanMs;

  // Error rates: traffic (attempts) per step.
  const attemptsBase = Math.exp(uniform(r, Math.log(120), Math.log(1500)));

  // Timestamps.
  const jitter = r() < 0.35 ? uniform(r, 0.05, 0.2) : 0;
  const dropRate = r() < 0.6 ? uniform(r, 0, 0.03) : 0;
  const gapAt = r() < 0.3 ? intIn(r, 20, n) : -1;
  const gapLength = intIn(r, 3, 12);
  const times: number[] = [];
  const attempts: number[] = [];
  for (let k = 0; times.length < n; k++) {
    const t = start + k * step + Math.round(uniform(r, -jitter, jitter) * step);
    if (k >= gapAt && k < gapAt + gapLength) continue;
    if (r() < dropRate) continue;
    if (sc.kind === "error_rate") {
      const volume = attemptsBase * trend(t) * shapeAt(t) * activityHoliday(t);
      const a = negBinomial(r, volume, 30);
      if (a < MIN_ATTEMPTS) continue;
      attempts.push(a);
    }
    times.push(t);
  }
  const at = (a: readonly number[], i: number) => a[i] ?? 0;

  // Expected level before level shifts, and the slow drift.
  const baseMu = times.map((t) =>
    sc.kind === "error_rate" ? base * trend(t) : base * trend(t) * shapeAt(t) * activityHoliday(t),
  );
  const drift: number[] = [];
  let logDrift = 0;
  for (let i = 0; i < n; i++) {
    if (sc.kind === "cost" || sc.kind === "latency") logDrift = 0.99 * logDrift + 0.004 * normal(r);
    drift.push(Math.exp(logDrift));
  }
  const busy = (i: number) => shapeAt(at(times, i)) >= (sc.kind === "latency" ? 0.97 : 0.8);

  // Plan anomalies.
  const planMu = baseMu.map((m, i) => m * at(drift, i));
  const hasQuiet = times.some((_, i) => !busy(i));
  const perDay = subDaily ? Math.round(DAY / step) : 7;
  const meanOf = (a: readonly number[], from: number, to: number) => {
    let sum = 0;
    let count = 0;
    for (let i = Math.max(0, from); i <= Math.min(n - 1, to); i++) {
      sum += at(a, i);
      count++;
    }
    return count ? sum / count : 0;
  };
  const plans: Plan[] = [];
  if (wantAnomalies) {
    const target = 1 + intIn(r, 0, Math.min(3, Math.floor(n / 300)));
    for (let tries = 0; plans.length < target && tries < 300; tries++) {
      const type = weightedType(r, sc.types);
      // One lasting change per error-rate series (a second would compound an already high rate).
      if (type === "level-shift" && sc.kind === "error_rate" && plans.some((p) => p.type === type))
        continue;
      let dur = 1;
      if (type === "spike")
        dur = subDaily ? intIn(r, 1, sc.kind === "latency" ? 6 : 3) : intIn(r, 1, 2);
      if (type === "dip")
        dur = subDaily ? intIn(r, 4, 8) : sc.kind === "cost" ? intIn(r, 3, 5) : intIn(r, 3, 6);
      const tail = type === "level-shift" ? 40 : dur + 3;
      const last = n - 1 - tail;
      if (last < FIRST_ANOMALY_INDEX) continue;
      let index = intIn(r, FIRST_ANOMALY_INDEX, last);
      // A price or plan change takes effect when trading starts: the first busy point of a day.
      if (type === "level-shift" && subDaily && hasQuiet) {
        while (index <= last && !(busy(index) && !busy(index - 1))) index++;
        if (index > last) continue;
      }
      const end = index + dur - 1;
      if (plans.some((p) => index - p.end < MIN_LABEL_GAP + 5 && p.index - end < MIN_LABEL_GAP + 5))
        continue;
      let ok = true;
      for (let i = index; i <= end; i++) if (nearHoliday(at(times, i))) ok = false;
      if (type !== "spike") {
        for (let i = index; i <= end; i++) if (!busy(i)) ok = false;
      }
      if (type === "level-shift") {
        const t = at(times, index);
        if (!subDaily && (weekdayOf(t) === 0 || weekdayOf(t) === 6)) ok = false;
        if (!subDaily && (weekdayOf(t) === 5 || weekdayOf(t) === 0)) ok = false;
        if (nearHoliday(t + (subDaily ? 2 : 4) * DAY)) ok = false;
        if (sc.kind === "count") {
          const before = meanOf(planMu, index - perDay, index - 1);
          if (before < 8) ok = false;
        }
      }
      if (type === "dip" && sc.kind === "count") {
        for (let i = index; i <= end; i++) if (at(planMu, i) < 6) ok = false;
      }
      if (!ok) continue;
      let factor = 1;
      if (type === "level-shift") {
        const up = r() < 0.6;
        if (sc.kind === "count") factor = up ? uniform(r, 1.8, 2.6) : uniform(r, 0.4, 0.55);
        if (sc.kind === "cost") factor = up ? uniform(r, 1.5, 2.5) : uniform(r, 0.4, 0.65);
        if (sc.kind === "latency") factor = up ? uniform(r, 1.6, 2.5) : uniform(r, 0.45, 0.6);
        if (sc.kind === "error_rate") factor = uniform(r, 0.04, 0.12); // added rate; resolved below
      }
      plans.push({ type, index, end, factor });
    }
  }
  plans.sort((a, b) => a.index - b.index);

  // Validate in time order against the final expectation; resolve error-rate shift sizes.
  const mu = baseMu.map((m, i) => m * at(drift, i));
  const kept: Plan[] = [];
  const windowMean = (from: number, to: number) => meanOf(mu, from, to);
  for (const p of plans) {
    if (p.type === "dip" && sc.kind === "count") {
      let ok = true;
      for (let i = p.index; i <= p.end; i++) if (at(mu, i) < 6) ok = false;
      if (!ok) continue;
    }
    if (p.type === "level-shift") {
      let f = p.factor;
      if (sc.kind === "error_rate") {
        const pBefore = windowMean(p.index - perDay, p.index - 1);
        let aSum = 0;
        let aCount = 0;
        for (let i = p.index; i < Math.min(n, p.index + perDay); i++) {
          aSum += at(attempts, i);
          aCount++;
        }
        const aTypical = Math.max(MIN_ATTEMPTS, aCount ? aSum / aCount : MIN_ATTEMPTS);
        const target = pBefore + p.factor;
        const sdAfter = Math.sqrt((target * (1 - target)) / aTypical);
        const pAfter = Math.min(0.6, pBefore + Math.max(p.factor, 6 * sdAfter));
        f = pAfter / Math.max(pBefore, 1e-6);
      }
      if (sc.kind === "count") {
        const before = windowMean(p.index - perDay, p.index - 1);
        if (before < 8 || before * f < 6) continue;
      }
      for (let i = p.index; i < n; i++) mu[i] = at(mu, i) * f;
      p.factor = f;
    }
    kept.push(p);
  }

  // Normal values.
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = at(mu, i);
    switch (sc.kind) {
      case "count":
        values.push(negBinomial(r, m, shape));
        break;
      case "cost":
        values.push(Math.round(m * Math.exp(sigma * normal(r) - (sigma * sigma) / 2) * 100) / 100);
        break;
      case "latency":
        values.push(Math.round(m * Math.exp(sigma * normal(r)) * 10) / 10);
        break;
      case "error_rate": {
        const a = at(attempts, i);
        values.push(binomial(r, a, Math.min(0.99, m)) / a);
        break;
      }
    }
  }

  // Anomalous values.
  const reach = subDaily ? 36 : 14;
  for (const p of kept) {
    if (p.type === "level-shift") continue;
    if (p.type === "spike") {
      let envelope = 0;
      for (let j = Math.max(0, p.index - reach); j <= Math.min(n - 1, p.end + reach); j++) {
        const m = at(mu, j);
        const sd = Math.sqrt(m + (Number.isFinite(shape) ? (m * m) / shape : 0));
        const e =
          sc.kind === "count"
            ? m + 7 * sd + 6
            : sc.kind === "error_rate"
              ? m + 7 * Math.sqrt((m * (1 - m)) / Math.max(MIN_ATTEMPTS, at(attempts, j))) + 0.03
              : m * Math.exp(6 * sigma);
        envelope = Math.max(envelope, e);
      }
      for (let i = p.index; i <= p.end; i++) {
        const m = at(mu, i);
        if (sc.kind === "count") {
          const v = Math.max(envelope, 2.5 * m) * uniform(r, 1.05, 1.6);
          values[i] = Math.ceil(v);
        } else if (sc.kind === "error_rate") {
          values[i] = Math.min(0.98, envelope * uniform(r, 1.15, 1.6));
        } else {
          const v = Math.max(envelope * uniform(r, 1.2, 2), m * uniform(r, 2, 3.5));
          values[i] = sc.kind === "cost" ? Math.round(v * 100) / 100 : Math.round(v * 10) / 10;
        }
      }
    } else {
      for (let i = p.index; i <= p.end; i++) {
        const m = at(mu, i);
        values[i] =
          sc.kind === "count"
            ? poisson(r, m * 0.03)
            : Math.round(m * uniform(r, 0, 0.12) * 100) / 100;
      }
    }
  }

  return {
    id,
    kind: sc.kind,
    points: times.map((t, i) => [t, at(values, i)]),
    labels: kept.map((p) => ({
      index: p.index,
      end: p.type === "level-shift" ? p.index : p.end,
      type: p.type,
    })),
  };
}

const KINDS: Kind[] = ["count", "cost", "latency", "error_rate"];

/** 40–60 business-metric series for `seed`; deterministic per seed. */
export function generateSeries(seed: number): GeneratedSeries[] {
  const r = makeRng(seed);
  const total = intIn(r, 40, 60);
  const out: GeneratedSeries[] = [];
  for (let s = 0; s < total; s++) {
    // Counts and costs dominate (the persona's emphasis): kinds cycle count, cost, count, latency,
    // cost, error_rate, …
    const kind = pick(r, s % 3 === 2 ? KINDS.slice(2) : KINDS.slice(0, 2));
    const scenario = pick(
      r,
      SCENARIOS.filter((x) => x.kind === kind),
    );
    const wantAnomalies = r() >= 0.22;
    out.push(buildSeries(r, scenario, `biz-${seed}-${s}-${scenario.name}`, wantAnomalies));
  }
  return out;
}
