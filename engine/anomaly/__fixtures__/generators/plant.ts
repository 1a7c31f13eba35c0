/**
 * Labelled test series from a company that runs a fleet of IoT/industrial devices (gateways,
 * plant sensors, firmware updates) and a payment-processing backend (card authorisation, settlement,
 * webhooks, cloud and provider fees). Written independently of the detectors: the point is to look
 * like that company's dashboards, not to be easy or hard for any detector.
 *
 * Fully deterministic from `seed` (own mulberry32 PRNG, no Math.random). 40–60 series per seed,
 * 150–2,000 points each, timestamps strictly increasing (jitter and gaps, never duplicates).
 *
 * Behaviours modelled as NORMAL (never labelled):
 * - daily cycles in the customers' local time, with DST: EU (last Sunday of March/October) or US
 *   Eastern (second Sunday of March / first Sunday of November), so the UTC peak moves by an hour;
 *   weekly cycles (consumer weekends busier, B2B and plant weekends quieter);
 * - month-end and payday peaks (last two days of a month, the 1st, the 15th), holiday season;
 * - scheduled batch work at fixed UTC hours: nightly reconciliation (payment API latency up for
 *   ~45 min), nightly ETL (replica lag up 20–60×), the daily full settlement run, month-end
 *   reporting, the weekly Tuesday 03:00 OTA window (a cohort of devices reboots, command errors up);
 * - billing cycles: each day's fixed charges are posted in the 00:00 UTC hour of the hourly cost,
 *   the monthly support fee on the 1st;
 * - slow drift (business growth or gradual wear), up to a few tens of percent over the series;
 * - memory-leak-like latency ramps on MQTT gateways that reset at the nightly restart (and at the
 *   occasional unplanned restart);
 * - harmless one-point blips (heavy-tail latency samples, cold caches after routine deploys, a
 *   handful of device reboots), count series that are mostly 0;
 * - sensor dropouts: missing points (gaps in time) followed by a store-and-forward backfill burst
 *   on the ingest counts;
 * - noise whose size follows traffic (error fractions computed from sampled request counts, so
 *   nights are noisier).
 *
 * Behaviours LABELLED (what on-call would want to be paged or ticketed for):
 * - spike: an incident raising the metric over several points (processor or broker outage, stuck
 *   settlement job, card-testing attack, crash-looping firmware, runaway autoscaling, fraud-ring
 *   chargebacks, a replica falling behind outside the ETL window) and a gateway whose nightly
 *   restart did not happen, labelled from the point its latency passes its usual daily maximum by
 *   10% until it finally restarts. Labelled spikes span at least 2 points, except in daily series.
 * - dip: an outage lowering a metric that should not drop (transactions or sensor reports lost,
 *   fail-fast latency while a circuit breaker is open, missing cost data).
 * - level-shift: a sustained change that persists to the end of the series (deploy regression in
 *   latency or error rate, firmware rollout halving report rates, forgotten cloud instances, a
 *   provider's price change, a partner integration partly broken); labelled at its onset only.
 * Labels start at index ≥ 100; at most one level shift per series; labelled windows do not overlap.
 */
import type { MetricPoint, SeriesKind } from "../../types";

export type AnomalyLabel = { index: number; end: number; type: "spike" | "dip" | "level-shift" };
export type GeneratedSeries = {
  id: string;
  kind: SeriesKind;
  points: MetricPoint[];
  labels: AnomalyLabel[];
};

type AnomalyType = AnomalyLabel["type"];
type Rng = () => number;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

function mulberry32(state: number): Rng {
  let a = state | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(seed: number, i: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) | 0;
}

const uni = (r: Rng, a: number, b: number): number => a + (b - a) * r();
const int = (r: Rng, a: number, b: number): number => Math.floor(uni(r, a, b + 1));

function normal(r: Rng): number {
  const u = 1 - r();
  const v = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function poisson(r: Rng, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= r();
    } while (p > limit);
    return k - 1;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(r)));
}

function pickWeighted<T>(r: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return at(items, items.length - 1)[0];
}

/** Indexed read that fails loudly instead of yielding undefined (the indices here are in range). */
function at<T>(a: readonly T[], i: number): T {
  const v = a[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Calendar: time zones with DST, daily shapes, month-end
// ---------------------------------------------------------------------------------------------

type Zone = "eu" | "us" | "utc";

function lastSundayUtc(year: number, month: number): number {
  const last = Date.UTC(year, month + 1, 0);
  return last - new Date(last).getUTCDay() * DAY;
}

function nthSundayUtc(year: number, month: number, n: number): number {
  const first = Date.UTC(year, month, 1);
  return first + ((7 - new Date(first).getUTCDay()) % 7) * DAY + (n - 1) * 7 * DAY;
}

const euDstStart = (y: number): number => lastSundayUtc(y, 2) + HOUR;
const euDstEnd = (y: number): number => lastSundayUtc(y, 9) + HOUR;

function offsetHours(zone: Zone, t: number): number {
  const y = new Date(t).getUTCFullYear();
  if (zone === "eu") return t >= euDstStart(y) && t < euDstEnd(y) ? 2 : 1;
  if (zone === "us") {
    const start = nthSundayUtc(y, 2, 2) + 7 * HOUR;
    const end = nthSundayUtc(y, 10, 1) + 6 * HOUR;
    return t >= start && t < end ? -4 : -5;
  }
  return 0;
}

type LocalTime = { hour: number; dow: number; dom: number; dim: number; month: number };

function local(zone: Zone, t: number): LocalTime {
  const d = new Date(t + offsetHours(zone, t) * HOUR);
  return {
    hour: d.getUTCHours() + d.getUTCMinutes() / 60,
    dow: d.getUTCDay(),
    dom: d.getUTCDate(),
    dim: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
    month: d.getUTCMonth(),
  };
}

function bump(hour: number, centre: number, width: number): number {
  let d = Math.abs(hour - centre);
  if (d > 12) d = 24 - d;
  return Math.exp(-0.5 * (d / width) ** 2);
}

/** Consumer card traffic: quiet nights, lunch and evening peaks, busier weekends. */
function consumerLoad(lt: LocalTime): number {
  const day = 0.15 + 0.55 * bump(lt.hour, 12.5, 3.2) + 0.75 * bump(lt.hour, 20, 2.4);
  const weekend = lt.dow === 6 ? 1.12 : lt.dow === 0 ? 1.04 : 1;
  return day * weekend;
}

/** B2B traffic: office hours, quiet weekends. */
function businessLoad(lt: LocalTime): number {
  const day = 0.06 + 0.85 * bump(lt.hour, 10.5, 2.2) + 0.7 * bump(lt.hour, 15, 2.3);
  return day * (lt.dow === 0 || lt.dow === 6 ? 0.3 : 1);
}

/** A plant running three shifts on weekdays, a reduced crew on Saturday, almost idle on Sunday. */
function plantLoad(lt: LocalTime): number {
  const h = lt.hour;
  let shift = h >= 6 && h < 14 ? 1 : h >= 14 && h < 22 ? 0.85 : 0.5;
  if ((h >= 5.75 && h < 6) || (h >= 13.75 && h < 14) || (h >= 21.75 && h < 22)) shift *= 0.8;
  const weekly = lt.dow === 6 ? 0.45 : lt.dow === 0 ? 0.2 : 1;
  return shift * weekly;
}

/** Payroll and month-end purchasing. */
function monthEnd(lt: LocalTime, strength: number): number {
  if (lt.dom >= lt.dim - 1) return 1 + strength;
  if (lt.dom === 1) return 1 + 0.7 * strength;
  if (lt.dom === 15) return 1 + 0.3 * strength;
  return 1;
}

function pickStart(r: Rng, stepMs: number): number {
  let t = uni(r, Date.UTC(2025, 0, 1), Date.UTC(2026, 9, 1));
  if (r() < 0.3) {
    // Start a few days before a DST change so the change falls inside the series.
    const year = r() < 0.5 ? 2025 : 2026;
    t = (r() < 0.5 ? euDstStart(year) : euDstEnd(year)) - uni(r, 1, 4) * DAY;
  }
  return Math.floor(t / stepMs) * stepMs;
}

type TimeOptions = { jitter?: number; gapProb?: number; gapLen?: [number, number] };

/** `n` timestamps on a grid of `stepMs`, with optional jitter and dropouts (skipped grid slots). */
function makeTimes(
  r: Rng,
  start: number,
  stepMs: number,
  n: number,
  opt: TimeOptions = {},
): { times: number[]; gapBefore: number[] } {
  const times: number[] = [];
  const gapBefore: number[] = [];
  let slot = 0;
  let last = -Infinity;
  while (times.length < n) {
    let skipped = 0;
    if (opt.gapProb && times.length > 0 && r() < opt.gapProb) {
      skipped = int(r, opt.gapLen?.[0] ?? 2, opt.gapLen?.[1] ?? 10);
      slot += skipped;
    }
    let t = start + slot * stepMs;
    if (opt.jitter) t += Math.round(uni(r, -opt.jitter, opt.jitter) * stepMs);
    t = Math.round(t);
    if (t <= last) t = last + 1;
    times.push(t);
    gapBefore.push(skipped);
    last = t;
    slot++;
  }
  return { times, gapBefore };
}

// ---------------------------------------------------------------------------------------------
// Anomaly placement and the common finishing step
// ---------------------------------------------------------------------------------------------

type Window = { start: number; end: number; type: AnomalyType };

type Draft = {
  id: string;
  kind: SeriesKind;
  times: number[];
  /** The expected normal value at each point, scheduled effects included. */
  level: number[];
  /** Draws an observed value around an expected one (the noise model of the metric). */
  sample: (expected: number, i: number) => number;
  /** Which anomalies this metric has, with weights. */
  types: readonly (readonly [AnomalyType, number])[];
  spikeLen: [number, number];
  dipLen: [number, number];
  /** Multiplier (or, for error rates, added fraction) during a spike/dip, per anomaly. */
  spike: (r: Rng) => { mult: number; add: number };
  dip: (r: Rng) => { mult: number; add: number };
  shift: (r: Rng) => { mult: number; add: number };
  /** Windows already used by a family-specific anomaly, and their labels. */
  reserved?: Window[];
};

function anomalyCount(r: Rng): number {
  const x = r();
  return x < 0.28 ? 0 : x < 0.68 ? 1 : x < 0.91 ? 2 : 3;
}

function placeWindows(r: Rng, n: number, d: Draft, count: number): Window[] {
  const windows: Window[] = [...(d.reserved ?? [])];
  const margin = 15;
  let shifted = windows.some((w) => w.type === "level-shift");
  for (let k = 0; k < count; k++) {
    let type = pickWeighted(r, d.types);
    if (type === "level-shift" && shifted) {
      const other = d.types.find(([t]) => t !== "level-shift");
      if (!other) break;
      type = other[0];
    }
    for (let attempt = 0; attempt < 60; attempt++) {
      let start: number;
      let end: number;
      if (type === "level-shift") {
        if (n - 40 < 100) break;
        start = int(r, 100, n - 40);
        end = start;
      } else {
        const [lo, hi] = type === "spike" ? d.spikeLen : d.dipLen;
        const len = int(r, lo, hi);
        if (n - len - 2 < 100) break;
        start = int(r, 100, n - len - 2);
        end = start + len - 1;
      }
      const clash = windows.some((w) => start <= w.end + margin && end >= w.start - margin);
      if (clash) continue;
      windows.push({ start, end, type });
      if (type === "level-shift") shifted = true;
      break;
    }
  }
  return windows.sort((a, b) => a.start - b.start);
}

function finish(r: Rng, d: Draft, count = anomalyCount(r)): GeneratedSeries {
  const n = d.times.length;
  const mult = new Array<number>(n).fill(1);
  const add = new Array<number>(n).fill(0);
  const reservedStarts = new Set((d.reserved ?? []).map((w) => w.start));
  const windows = placeWindows(r, n, d, count);
  for (const w of windows) {
    if (reservedStarts.has(w.start)) continue;
    if (w.type === "level-shift") {
      const e = d.shift(r);
      for (let i = w.start; i < n; i++) {
        mult[i] = at(mult, i) * e.mult;
        add[i] = at(add, i) + e.add;
      }
      continue;
    }
    const e = w.type === "spike" ? d.spike(r) : d.dip(r);
    const len = w.end - w.start + 1;
    for (let i = w.start; i <= w.end; i++) {
      // Incidents build up fast, hold, and ease off; each point varies a little.
      const pos = (i - w.start) / Math.max(1, len - 1);
      const shape = len <= 2 ? 1 : pos < 0.15 ? 0.75 : pos > 0.85 ? 0.8 : 1;
      const wobble = uni(r, 0.85, 1.1);
      mult[i] = at(mult, i) * (1 + (e.mult - 1) * shape * wobble);
      add[i] = at(add, i) + e.add * shape * wobble;
    }
  }
  const points: MetricPoint[] = d.times.map((t, i) => {
    const raw = d.sample(at(d.level, i) * at(mult, i) + at(add, i), i);
    return [t, clampToKind(d.kind, raw)];
  });
  const labels = windows.map((w) => ({
    index: w.start,
    end: w.type === "level-shift" ? w.start : w.end,
    type: w.type,
  }));
  return { id: d.id, kind: d.kind, points, labels };
}

function clampToKind(kind: SeriesKind, v: number): number {
  const x = Number.isFinite(v) ? v : 0;
  switch (kind) {
    case "count":
      return Math.max(0, Math.round(x));
    case "error_rate":
      return Math.min(1, Math.max(0, Math.round(x * 1e6) / 1e6));
    case "cost":
      return Math.max(0.01, Math.round(x * 100) / 100);
    case "latency":
      return Math.max(0.1, Math.round(x * 10) / 10);
  }
}

const lognormal =
  (r: Rng, sigma: number) =>
  (expected: number): number =>
    expected * Math.exp(sigma * normal(r) - (sigma * sigma) / 2);

/** Error fraction from sampled request and error counts: noisier when traffic is low. */
function errorSampler(r: Rng, requests: number[]) {
  return (p: number, i: number): number => {
    const req = Math.max(1, poisson(r, at(requests, i)));
    const errors = Math.min(req, poisson(r, req * Math.min(1, Math.max(0, p))));
    return errors / req;
  };
}

const growth = (i: number, n: number, g: number): number => 1 + (g * i) / n;
const zoneOf = (r: Rng): Zone => (r() < 0.6 ? "eu" : "us");

// ---------------------------------------------------------------------------------------------
// Families
// ---------------------------------------------------------------------------------------------

type Family = (r: Rng, id: string) => GeneratedSeries;

/** Card-authorisation API p95 latency (ms). */
const payApiLatency: Family = (r, id) => {
  const step = r() < 0.5 ? 5 * MINUTE : MINUTE;
  const n = int(r, 800, 2000);
  const { times } = makeTimes(r, pickStart(r, step), step, n);
  const zone = zoneOf(r);
  const b0 = uni(r, 80, 250);
  const g = uni(r, -0.05, 0.15);
  const batch = uni(r, 1.5, 2.2);
  const level = times.map((t, i) => {
    const lt = local(zone, t);
    let v = b0 * (1 + 0.4 * consumerLoad(lt) * monthEnd(lt, 0.3)) * growth(i, n, g);
    const u = new Date(t);
    if (u.getUTCHours() === 2 && u.getUTCMinutes() < 45) v *= batch; // nightly reconciliation
    return v;
  });
  // Routine deploys on weekday afternoons: one cold-cache point.
  for (let i = 1; i < n; i++) {
    const u = new Date(at(times, i));
    const prev = new Date(at(times, i - 1));
    if (u.getUTCHours() === 14 && prev.getUTCHours() === 13 && u.getUTCDay() % 6 !== 0 && r() < 0.5)
      level[i] = at(level, i) * uni(r, 1.2, 1.5);
  }
  const noise = lognormal(r, uni(r, 0.05, 0.12));
  return finish(r, {
    id,
    kind: "latency",
    times,
    level,
    sample: (e) => noise(e) * (r() < 0.01 ? uni(r, 1.3, 1.8) : 1),
    types: [
      ["spike", 5],
      ["level-shift", 3],
      ["dip", 1],
    ],
    spikeLen: [3, 20],
    dipLen: [3, 15],
    spike: (q) => ({ mult: uni(q, 2, 8), add: 0 }),
    dip: (q) => ({ mult: uni(q, 0.2, 0.45), add: 0 }),
    shift: (q) => ({ mult: uni(q, 1.25, 2), add: 0 }),
  });
};

/** Card-authorisation error fraction (5xx and processor timeouts). */
const payAuthErrors: Family = (r, id) => {
  const step = 5 * MINUTE;
  const n = int(r, 600, 2000);
  const { times } = makeTimes(r, pickStart(r, step), step, n);
  const zone = zoneOf(r);
  const vol = uni(r, 200, 4000);
  const p0 = uni(r, 0.002, 0.03);
  const requests = times.map((t) => {
    const lt = local(zone, t);
    return vol * consumerLoad(lt) * monthEnd(lt, 0.4);
  });
  const level = requests.map((q) => p0 * (1 + 0.3 * Math.min(1, 200 / q)));
  return finish(r, {
    id,
    kind: "error_rate",
    times,
    level,
    sample: errorSampler(r, requests),
    types: [
      ["spike", 5],
      ["level-shift", 3],
    ],
    spikeLen: [2, 24],
    dipLen: [2, 4],
    spike: (q) => ({ mult: 1, add: uni(q, 0.04, 0.5) }),
    dip: () => ({ mult: 0, add: 0 }),
    shift: (q) => ({ mult: uni(q, 2, 5), add: 0 }),
  });
};

/** Card transactions per bucket. */
const payTxCount: Family = (r, id) => {
  const hourly = r() < 0.4;
  const step = hourly ? HOUR : 5 * MINUTE;
  const n = hourly ? int(r, 500, 2000) : int(r, 800, 2000);
  const { times } = makeTimes(r, pickStart(r, step), step, n);
  const zone = zoneOf(r);
  const v0 = hourly ? uni(r, 200, 20000) : uni(r, 20, 2000);
  const g = uni(r, 0, 0.2);
  const level = times.map((t, i) => {
    const lt = local(zone, t);
    return v0 * consumerLoad(lt) * monthEnd(lt, 0.45) * growth(i, n, g);
  });
  return finish(r, {
    id,
    kind: "count",
    times,
    level,
    sample: (e) => poisson(r, e * uni(r, 0.95, 1.05)),
    types: [
      ["dip", 4],
      ["spike", 3],
      ["level-shift", 2],
    ],
    spikeLen: hourly ? [2, 6] : [3, 20],
    dipLen: hourly ? [2, 5] : [3, 30],
    spike: (q) => ({ mult: uni(q, 2.5, 8), add: 0 }),
    dip: (q) => ({ mult: uni(q, 0, 0.3), add: 0 }),
    shift: (q) => ({ mult: uni(q, 0.55, 0.8), add: 0 }),
  });
};

/** Duration (s) of each hourly settlement run, reported when the run ends (irregular times). */
const settlementDuration: Family = (r, id) => {
  const n = int(r, 300, 1500);
  const start = pickStart(r, HOUR) + 5 * MINUTE;
  const { times } = makeTimes(r, start, HOUR, n, { jitter: 0.04 });
  const zone = zoneOf(r);
  const d0 = uni(r, 40, 300);
  const daily = uni(r, 2.5, 4);
  const level = times.map((t) => {
    const lt = local(zone, t - HOUR);
    let v = d0 * (0.6 + 0.8 * consumerLoad(lt)) * monthEnd(lt, 0.4) ** 1.5;
    if (new Date(t).getUTCHours() === 1) v *= daily; // the daily full settlement run
    return v;
  });
  const noise = lognormal(r, uni(r, 0.06, 0.14));
  const times2 = times.map((t, i) => t + Math.round(at(level, i) * 1000)); // reported at completion
  for (let i = 1; i < n; i++) {
    if (at(times2, i) <= at(times2, i - 1)) times2[i] = at(times2, i - 1) + 1;
  }
  return finish(r, {
    id,
    kind: "latency",
    times: times2,
    level,
    sample: (e) => noise(e),
    types: [
      ["spike", 4],
      ["level-shift", 3],
    ],
    spikeLen: [2, 6],
    dipLen: [2, 3],
    spike: (q) => ({ mult: uni(q, 3, 6), add: 0 }),
    dip: () => ({ mult: 0.3, add: 0 }),
    shift: (q) => ({ mult: uni(q, 1.5, 2.5), add: 0 }),
  });
};

/** Hourly cloud spend (USD) with daily and monthly billing postings. */
const cloudCostHourly: Family = (r, id) => {
  const n = int(r, 500, 2000);
  const { times } = makeTimes(r, pickStart(r, HOUR), HOUR, n);
  const zone = zoneOf(r);
  const c0 = uni(r, 20, 400);
  const dailyFee = c0 * uni(r, 2, 6);
  const monthlyFee = c0 * uni(r, 10, 30);
  const g = uni(r, -0.05, 0.25);
  const level = times.map((t, i) => {
    const lt = local(zone, t);
    let v = c0 * (0.55 + 0.45 * Math.min(1.3, consumerLoad(lt))) * growth(i, n, g);
    const u = new Date(t);
    if (u.getUTCHours() === 0) v += dailyFee * growth(i, n, g);
    if (u.getUTCHours() === 0 && u.getUTCDate() === 1) v += monthlyFee;
    return v;
  });
  const noise = lognormal(r, uni(r, 0.02, 0.06));
  return finish(r, {
    id,
    kind: "cost",
    times,
    level,
    sample: (e) => noise(e),
    types: [
      ["spike", 4],
      ["level-shift", 3],
      ["dip", 1],
    ],
    spikeLen: [3, 24],
    dipLen: [2, 8],
    spike: (q) => ({ mult: uni(q, 2, 5), add: 0 }),
    dip: (q) => ({ mult: uni(q, 0.05, 0.3), add: 0 }),
    shift: (q) => ({ mult: uni(q, 1.3, 1.8), add: 0 }),
  });
};

/** Daily payment-provider and FX fees (USD). */
const feesDaily: Family = (r, id) => {
  const n = int(r, 150, 400);
  const { times } = makeTimes(r, pickStart(r, DAY), DAY, n);
  const f0 = uni(r, 500, 50000);
  const g = uni(r, 0.05, 0.4);
  const level = times.map((t, i) => {
    const lt = local("utc", t);
    const weekday = lt.dow === 6 ? 0.7 : lt.dow === 0 ? 0.55 : 1;
    const season = lt.month === 10 ? 1.15 : lt.month === 11 ? 1.3 : 1;
    return f0 * weekday * monthEnd(lt, 0.4) * season * growth(i, n, g);
  });
  const noise = lognormal(r, uni(r, 0.03, 0.07));
  return finish(r, {
    id,
    kind: "cost",
    times,
    level,
    sample: (e) => noise(e),
    types: [
      ["spike", 3],
      ["level-shift", 3],
      ["dip", 2],
    ],
    spikeLen: [1, 3],
    dipLen: [1, 2],
    spike: (q) => ({ mult: uni(q, 1.8, 3), add: 0 }),
    dip: (q) => ({ mult: uni(q, 0.2, 0.5), add: 0 }),
    shift: (q) => ({ mult: uni(q, 1.15, 1.5), add: 0 }),
  });
};

/** Device reboots per 10 minutes: mostly 0, a weekly OTA window, rare crash loops. */
const deviceReboots: Family = (r, id) => {
  const step = 10 * MINUTE;
  const n = int(r, 500, 2000);
  const { times } = makeTimes(r, pickStart(r, step), step, n);
  const zone = zoneOf(r);
  const base = uni(r, 0.01, 0.06);
  const cohort = uni(r, 20, 80);
  const level = times.map((t) => {
    const lt = local(zone, t);
    let v = base * (0.5 + plantLoad(lt));
    if (lt.dow === 2 && lt.hour >= 3 && lt.hour < 3.34) v += cohort; // scheduled OTA window
    return v;
  });
  return finish(r, {
    id,
    kind: "count",
    times,
    level,
    sample: (e) => poisson(r, e) + (r() < 0.004 ? 1 + poisson(r, 1.5) : 0),
    types: [["spike", 1]],
    spikeLen: [3, 18],
    dipLen: [3, 5],
    spike: (q) => ({ mult: 1, add: uni(q, 8, 150) }),
    dip: () => ({ mult: 1, add: 0 }),
    shift: () => ({ mult: 1, add: 0 }),
  });
};

/** Sensor reports ingested per minute at one site, with collector dropouts and backfill. */
const sensorIngest: Family = (r, id) => {
  const n = int(r, 1000, 2000);
  const { times, gapBefore } = makeTimes(r, pickStart(r, MINUTE), MINUTE, n, {
    jitter: 0.05,
    gapProb: 0.003,
    gapLen: [3, 60],
  });
  const zone: Zone = r() < 0.6 ? "eu" : "us";
  const devices = uni(r, 50, 2000);
  const rate = uni(r, 0.5, 2);
  const level = times.map((t) => devices * rate * (0.4 + 0.6 * plantLoad(local(zone, t))));
  // Store-and-forward: after a dropout the buffered reports drain at 1–3× the live rate on top of
  // it until the backlog is gone.
  const extra = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++) {
    if (gapBefore[i] === 0) continue;
    let backlog = at(gapBefore, i) * at(level, i - 1);
    const drain = uni(r, 1, 3);
    for (let j = i; j < n && backlog > 0; j++) {
      const sent = Math.min(backlog, drain * at(level, j));
      extra[j] = at(extra, j) + sent;
      backlog -= sent;
    }
  }
  const withBackfill = level.map((v, i) => v + at(extra, i));
  return finish(r, {
    id,
    kind: "count",
    times,
    level: withBackfill,
    sample: (e) => poisson(r, e),
    types: [
      ["dip", 3],
      ["level-shift", 2],
    ],
    spikeLen: [3, 5],
    dipLen: [5, 60],
    spike: () => ({ mult: 1, add: 0 }),
    dip: (q) => ({ mult: uni(q, 0.05, 0.4), add: 0 }),
    shift: (q) => ({ mult: uni(q, 0.5, 0.8), add: 0 }),
  });
};

/** MQTT gateway publish latency (ms): leak-like ramp reset by the nightly 03:00 UTC restart. */
const gatewayLatency: Family = (r, id) => {
  const step = r() < 0.4 ? 2 * MINUTE : 5 * MINUTE;
  const n = int(r, 600, 2000);
  const { times } = makeTimes(r, pickStart(r, step), step, n, { jitter: 0.25 });
  const zone = zoneOf(r);
  const b0 = uni(r, 5, 40);
  const perHour = uni(r, 0.5, 1.2) / 24; // fraction gained per hour since restart
  // Restart times: nightly at ~03:00 UTC, plus occasional unplanned ones.
  const restarts: number[] = [];
  const firstDay = Math.floor(at(times, 0) / DAY) * DAY;
  for (let d = firstDay - DAY; d <= at(times, n - 1) + DAY; d += DAY) {
    restarts.push(d + 3 * HOUR + int(r, 0, 10) * MINUTE);
    if (r() < 0.1) restarts.push(d + int(r, 5, 22) * HOUR);
  }
  restarts.sort((a, b) => a - b);
  // A missed nightly restart (the watchdog hung): the ramp keeps climbing until a manual restart.
  const reserved: Window[] = [];
  let missed = -1;
  let manual = -1;
  if (r() < 0.4) {
    const candidates = restarts.filter(
      (t) =>
        t > at(times, Math.min(n - 1, 150)) &&
        t < at(times, n - 1) - 30 * HOUR &&
        t % DAY >= 3 * HOUR &&
        t % DAY <= 3 * HOUR + 10 * MINUTE,
    );
    if (candidates.length > 0) {
      missed = at(candidates, int(r, 0, candidates.length - 1));
      manual = missed + int(r, 6, 20) * HOUR;
    }
  }
  const active = restarts.filter((t) => t !== missed);
  if (manual > 0) active.push(manual);
  active.sort((a, b) => a - b);
  const normalMax = 1 + perHour * 24;
  const leak = times.map((t) => {
    let last = at(active, 0);
    for (const x of active) if (x <= t) last = x;
    return 1 + perHour * ((t - last) / HOUR);
  });
  if (missed > 0) {
    let s = -1;
    let e = -1;
    for (let i = 0; i < n; i++) {
      if (at(times, i) > missed && at(times, i) < manual && at(leak, i) > normalMax * 1.1) {
        if (s < 0) s = i;
        e = i;
      }
    }
    if (s >= 100 && e > s) reserved.push({ start: s, end: e, type: "spike" });
  }
  const level = times.map((t, i) => b0 * (1 + 0.2 * plantLoad(local(zone, t))) * at(leak, i));
  const noise = lognormal(r, uni(r, 0.06, 0.15));
  return finish(
    r,
    {
      id,
      kind: "latency",
      times,
      level,
      sample: (e) => noise(e) * (r() < 0.008 ? uni(r, 1.5, 2.5) : 1),
      types: [["spike", 1]],
      spikeLen: [2, 10],
      dipLen: [2, 3],
      spike: (q) => ({ mult: uni(q, 4, 15), add: 0 }),
      dip: () => ({ mult: 1, add: 0 }),
      shift: () => ({ mult: 1, add: 0 }),
      reserved,
    },
    Math.max(0, anomalyCount(r) - reserved.length),
  );
};

/** Fraction of fleet commands (config pushes, actuations) that fail. */
const deviceCmdErrors: Family = (r, id) => {
  const step = 15 * MINUTE;
  const n = int(r, 300, 1500);
  const { times } = makeTimes(r, pickStart(r, step), step, n);
  const zone = zoneOf(r);
  const c0 = uni(r, 60, 600);
  const p0 = uni(r, 0.005, 0.04);
  const requests = times.map((t) => c0 * (0.3 + plantLoad(local(zone, t))));
  const level = times.map((t) => {
    const lt = local(zone, t);
    const ota = lt.dow === 2 && lt.hour >= 3 && lt.hour < 3.5; // devices offline while updating
    return ota ? Math.min(0.5, p0 * 3) : p0;
  });
  return finish(r, {
    id,
    kind: "error_rate",
    times,
    level,
    sample: errorSampler(r, requests),
    types: [
      ["spike", 4],
      ["level-shift", 3],
    ],
    spikeLen: [2, 12],
    dipLen: [2, 3],
    spike: (q) => ({ mult: 1, add: uni(q, 0.05, 0.6) }),
    dip: () => ({ mult: 1, add: 0 }),
    shift: (q) => ({ mult: uni(q, 2.5, 6), add: 0 }),
  });
};

/** Merchant webhook delivery latency (ms): heavy-tailed, merchants' endpoints vary. */
const webhookLatency: Family = (r, id) => {
  const n = int(r, 1000, 2000);
  const { times } = makeTimes(r, pickStart(r, MINUTE), MINUTE, n, { jitter: 0.1 });
  const zone = zoneOf(r);
  const b0 = uni(r, 150, 600);
  const g = uni(r, -0.05, 0.1);
  const level = times.map(
    (t, i) => b0 * (1 + 0.25 * businessLoad(local(zone, t))) * growth(i, n, g),
  );
  const noise = lognormal(r, uni(r, 0.12, 0.25));
  return finish(r, {
    id,
    kind: "latency",
    times,
    level,
    sample: (e) => noise(e) * (r() < 0.02 ? uni(r, 2, 3) : 1),
    types: [
      ["spike", 4],
      ["level-shift", 3],
    ],
    spikeLen: [3, 30],
    dipLen: [3, 5],
    spike: (q) => ({ mult: uni(q, 3, 10), add: 0 }),
    dip: () => ({ mult: 1, add: 0 }),
    shift: (q) => ({ mult: uni(q, 1.3, 2.2), add: 0 }),
  });
};

/** Chargebacks filed per hour: mostly 0–2, US office hours, month-end. */
const chargebacks: Family = (r, id) => {
  const n = int(r, 500, 2000);
  const { times } = makeTimes(r, pickStart(r, HOUR), HOUR, n);
  const lambda = uni(r, 0.05, 0.8);
  const level = times.map((t) => {
    const lt = local("us", t);
    return lambda * businessLoad(lt) * monthEnd(lt, 0.5) * 2;
  });
  return finish(r, {
    id,
    kind: "count",
    times,
    level,
    sample: (e) => poisson(r, e),
    types: [["spike", 1]],
    spikeLen: [2, 5],
    dipLen: [2, 3],
    spike: (q) => ({ mult: 1, add: uni(q, 6, 40) }),
    dip: () => ({ mult: 1, add: 0 }),
    shift: () => ({ mult: 1, add: 0 }),
  });
};

/** Read-replica lag (s): nightly ETL and month-end reporting make it climb on schedule. */
const replicaLag: Family = (r, id) => {
  const n = int(r, 1000, 2000);
  const { times } = makeTimes(r, pickStart(r, MINUTE), MINUTE, n);
  const b0 = uni(r, 0.2, 2);
  const etl = uni(r, 20, 60);
  const etlMinutes = int(r, 20, 50);
  const level = times.map((t) => {
    const u = new Date(t);
    const minuteOfDay = u.getUTCHours() * 60 + u.getUTCMinutes();
    const lt = local("utc", t);
    if (minuteOfDay >= 60 && minuteOfDay < 60 + etlMinutes) {
      const x = (minuteOfDay - 60) / etlMinutes;
      return b0 * (1 + (etl - 1) * Math.sin(Math.PI * x));
    }
    if (lt.dom === lt.dim && minuteOfDay >= 18 * 60 && minuteOfDay < 18 * 60 + 30) return b0 * 10;
    return b0;
  });
  const noise = lognormal(r, uni(r, 0.2, 0.35));
  return finish(r, {
    id,
    kind: "latency",
    times,
    level,
    sample: (e) => noise(e),
    types: [
      ["spike", 4],
      ["level-shift", 2],
    ],
    spikeLen: [3, 30],
    dipLen: [2, 3],
    spike: (q) => ({ mult: uni(q, 15, 80), add: 0 }),
    dip: () => ({ mult: 1, add: 0 }),
    shift: (q) => ({ mult: uni(q, 2, 4), add: 0 }),
  });
};

const FAMILIES: readonly (readonly [string, Family])[] = [
  ["pay-api-p95", payApiLatency],
  ["pay-auth-errors", payAuthErrors],
  ["pay-tx-count", payTxCount],
  ["settlement-duration", settlementDuration],
  ["cloud-cost-hourly", cloudCostHourly],
  ["provider-fees-daily", feesDaily],
  ["device-reboots", deviceReboots],
  ["sensor-ingest", sensorIngest],
  ["gateway-mqtt-latency", gatewayLatency],
  ["device-cmd-errors", deviceCmdErrors],
  ["webhook-latency", webhookLatency],
  ["chargebacks", chargebacks],
  ["replica-lag", replicaLag],
];

export function generateSeries(seed: number): GeneratedSeries[] {
  const top = mulberry32(mix(seed, -1));
  const count = int(top, 40, 60);
  const offset = int(top, 0, FAMILIES.length - 1);
  const out: GeneratedSeries[] = [];
  for (let i = 0; i < count; i++) {
    const [name, family] = at(FAMILIES, (i + offset) % FAMILIES.length);
    out.push(family(mulberry32(mix(seed, i)), `plant-${name}-${i}`));
  }
  return out;
}
