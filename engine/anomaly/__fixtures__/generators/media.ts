/**
 * Labelled test series from a media company that runs a video-streaming service (CDN edges,
 * players on phones, web and smart TVs, a transcoding farm, live sport and news channels) and a
 * newsroom publishing platform (CMS, wire-agency ingest, article pages, push alerts). Written
 * independently of the detectors: the point is to look like that company's dashboards, not to be
 * easy or hard for any detector.
 *
 * Fully deterministic from `seed` (own mulberry32 PRNG, no Math.random). 40–60 series per seed,
 * 150–2,000 points each, timestamps strictly increasing. Every series ends near the same "now", so
 * series of one seed share a calendar (the same matches, election night and release days).
 * Resolutions: 1 min, 5 min, hourly, daily, and irregular (one point per transcoding job or per
 * published article).
 *
 * Behaviours modelled as NORMAL (never labelled):
 * - daily cycles in each audience's local time with DST (EU: last Sundays of March/October; US:
 *   second Sunday of March / first of November; Sydney: first Sundays of October/April, southern
 *   hemisphere; São Paulo and Mumbai without DST), so the UTC peak moves by an hour; viewing peaks
 *   at 21:00 local, reading at the morning commute, publishing in the newsroom's working hours with
 *   quiet nights; weekends (more daytime viewing, fewer articles);
 * - public holidays per market (fixed dates, Easter-based Good Friday/Easter Monday/Carnival, US
 *   Thanksgiving/Memorial/Labor Day): more viewing, less publishing;
 * - scheduled live events: league matches (Saturday/Sunday afternoons, midweek cup nights, NFL
 *   Sundays and Monday/Thursday nights), 5–25× the channel's usual audience, with the pre-match
 *   build-up, a half-time dip and the drop at the final whistle, a small CDN-latency rise with it;
 *   one election night per seed (HQ market): page views, publishing and the news channel several
 *   times their usual level from 19:00 to 03:00 local;
 * - release days: the player app ships every other Tuesday 10:00 (start failures up ~50% for a
 *   couple of hours while clients update), web deploys Monday–Thursday 11:00 (one or two slow
 *   render samples); content drops on Fridays 08:00 UTC lift plays for a day or two;
 * - the nightly back-catalogue re-encode (01:00–05:00 local) runs long films, so transcoding
 *   durations and compute cost are higher at night; committed-use CDN fees posted on the 1st;
 * - slow growth of audiences and cost (up to ~30% over a series), summer slump in publishing;
 * - heavy-tailed noise (log-normal latency with occasional 2–4× samples, over-dispersed counts,
 *   error fractions from sampled attempts so quiet hours are noisier), counts near zero (manifest
 *   404s, start failures in a small market, push failures at the 07:00 and 18:00 bulletins),
 *   single harmless blips, everyday small bursts of articles, a story doing well lifting page views
 *   8–30% for ~40 minutes, missing points and collector gaps (never inside a labelled window);
 * - per-device rhythms of plays (TVs in the evening, phones also on the commute, browsers also in
 *   office hours); VOD plays dip a little while a big match is on.
 *
 * Behaviours LABELLED (what the on-call engineer would want to be paged or ticketed for):
 * - spike: peering congestion at an edge, a DRM licence or token outage failing starts, an origin
 *   overloaded (5xx), stale manifests (404 storms), a degraded GPU pool or spot capacity lost
 *   (longer jobs, on-demand cost), a cache-key mistake (egress cost), bot traffic on play
 *   endpoints, an expired push certificate, a throttled CDN purge (slow publish-to-live), a wire
 *   agency re-sending its archive, and unscheduled breaking news (page views, publishing): the
 *   platform team wants to know about a surge nobody planned for capacity;
 * - dip: an ingest/encoder failure dropping a live audience mid-event, a login/entitlement outage
 *   cutting plays, the CMS publish queue stuck (articles not going out in working hours), a wire
 *   feed disconnected, a broken front page cutting page views, a day of lost publishing;
 * - level-shift: a sustained change that persists to the end of the series (traffic re-routed to
 *   a farther PoP, a bad player release, a new encoding ladder, a smart-TV app broken by a
 *   firmware update, a search-traffic drop, a new image step in publishing, a forgotten cluster or
 *   a price tier change in cost), labelled over its onset window only (its first 1–4 points).
 * A label is `{ index, end }` with `end` INCLUSIVE (the last labelled point). Labels start at index
 * ≥ 100; at most one level shift per series; labelled windows do not overlap (at least 8 points
 * apart); labelled spikes and dips span at least 2 points except in daily series.
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

// --- randomness ------------------------------------------------------------------------------

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit mix of a few integers, for calendars every series of a seed must agree on. */
function mix(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

const between = (rng: Rng, low: number, high: number) => low + (high - low) * rng();
const intBetween = (rng: Rng, low: number, high: number) => Math.floor(between(rng, low, high + 1));
function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Normal most of the time, occasionally 2.5× wider: the tails dashboards actually show. */
function heavyNormal(rng: Rng): number {
  const z = normal(rng);
  return rng() < 0.04 ? z * 2.5 : z;
}

function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rng)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k += 1;
    p *= rng();
  }
  return k;
}

/** A count whose rate itself wanders (gamma-like mixing): over-dispersed, as real traffic is. */
function overdispersed(rng: Rng, lambda: number, cv: number): number {
  return poisson(rng, lambda * Math.exp(cv * normal(rng) - (cv * cv) / 2));
}

// --- local time, DST and holidays ------------------------------------------------------------

type ZoneKey =
  "eu-west" | "eu-central" | "us-east" | "us-west" | "ap-southeast" | "sa-east" | "ap-south";
type Zone = { key: ZoneKey; std: number; dst: "eu" | "us" | "au" | "none"; market: string };

const ZONES: Record<ZoneKey, Zone> = {
  "eu-west": { key: "eu-west", std: 0, dst: "eu", market: "uk" },
  "eu-central": { key: "eu-central", std: 1, dst: "eu", market: "de" },
  "us-east": { key: "us-east", std: -5, dst: "us", market: "us" },
  "us-west": { key: "us-west", std: -8, dst: "us", market: "us" },
  "ap-southeast": { key: "ap-southeast", std: 10, dst: "au", market: "au" },
  "sa-east": { key: "sa-east", std: -3, dst: "none", market: "br" },
  "ap-south": { key: "ap-south", std: 5.5, dst: "none", market: "in" },
};
const HQ: ZoneKey = "eu-west";

/** UTC midnight of the n-th Sunday (1-based) of a month; n = -1 for the last one. */
function sundayOf(year: number, month: number, n: number): number {
  if (n < 0) {
    const last = Date.UTC(year, month + 1, 0);
    return last - new Date(last).getUTCDay() * DAY;
  }
  const first = Date.UTC(year, month, 1);
  const toSunday = (7 - new Date(first).getUTCDay()) % 7;
  return first + (toSunday + 7 * (n - 1)) * DAY;
}

function offsetHours(zone: Zone, t: number): number {
  const year = new Date(t).getUTCFullYear();
  let summer = false;
  if (zone.dst === "eu") {
    summer = t >= sundayOf(year, 2, -1) + HOUR && t < sundayOf(year, 9, -1) + HOUR;
  } else if (zone.dst === "us") {
    const start = sundayOf(year, 2, 2) + (2 - zone.std) * HOUR;
    const end = sundayOf(year, 10, 1) + (1 - zone.std) * HOUR;
    summer = t >= start && t < end;
  } else if (zone.dst === "au") {
    // Southern hemisphere: summer time from October to April, across the new year.
    summer = t < sundayOf(year, 3, 1) - 8 * HOUR || t >= sundayOf(year, 9, 1) - 8 * HOUR;
  }
  return zone.std + (summer ? 1 : 0);
}

type Local = { day: number; hour: number; dow: number; month: number; date: number; year: number };

function localTime(zone: Zone, t: number): Local {
  const local = t + offsetHours(zone, t) * HOUR;
  const day = Math.floor(local / DAY);
  const d = new Date(day * DAY);
  return {
    day,
    hour: (local - day * DAY) / HOUR,
    dow: d.getUTCDay(),
    month: d.getUTCMonth(),
    date: d.getUTCDate(),
    year: d.getUTCFullYear(),
  };
}

function easter(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31) - 1;
  const date = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month, date) / DAY;
}

const holidayCache = new Map<string, Set<number>>();

/** Day numbers (UTC-midnight based) of a market's public holidays in a year. */
function holidays(market: string, year: number): Set<number> {
  const key = `${market}:${year}`;
  const cached = holidayCache.get(key);
  if (cached) return cached;
  const on = (month: number, date: number) => Date.UTC(year, month, date) / DAY;
  const e = easter(year);
  const days = [on(0, 1), on(11, 25)];
  if (market === "uk")
    days.push(
      e - 2,
      e + 1,
      on(11, 26),
      sundayOf(year, 4, 1) / DAY + 1,
      sundayOf(year, 7, -1) / DAY + 1,
    );
  if (market === "de") days.push(e - 2, e + 1, on(4, 1), on(9, 3), on(11, 26));
  if (market === "us") {
    const thanksgiving = sundayOf(year, 10, 4) / DAY + 4;
    days.push(
      on(6, 4),
      sundayOf(year, 4, -1) / DAY + 1,
      sundayOf(year, 8, 1) / DAY + 1,
      thanksgiving,
      thanksgiving + 1,
    );
  }
  if (market === "au") days.push(on(0, 26), on(3, 25), e - 2, e + 1, on(11, 26));
  if (market === "br") days.push(e - 48, e - 47, e - 2, on(8, 7), on(10, 15));
  if (market === "in") days.push(on(0, 26), on(7, 15), on(9, 2));
  const set = new Set(days);
  holidayCache.set(key, set);
  return set;
}

const isHoliday = (zone: Zone, local: Local) => holidays(zone.market, local.year).has(local.day);

/** A daily curve given as 24 hourly knots, interpolated linearly (wrapping at midnight). */
function curve(knots: readonly number[], hour: number): number {
  const h = ((hour % 24) + 24) % 24;
  const i = Math.floor(h);
  const a = knots[i] ?? 0;
  const b = knots[(i + 1) % 24] ?? 0;
  return a + (b - a) * (h - i);
}

// prettier-ignore
const VIEWING_WEEKDAY = [0.45, 0.28, 0.17, 0.11, 0.08, 0.08, 0.12, 0.2, 0.24, 0.24, 0.25, 0.27, 0.3, 0.31, 0.32, 0.36, 0.42, 0.5, 0.62, 0.78, 0.92, 1, 0.9, 0.68];
// prettier-ignore
const VIEWING_WEEKEND = [0.55, 0.35, 0.2, 0.13, 0.09, 0.09, 0.14, 0.26, 0.4, 0.5, 0.55, 0.58, 0.6, 0.6, 0.6, 0.62, 0.66, 0.7, 0.78, 0.88, 0.97, 1, 0.92, 0.72];
// prettier-ignore
const READING_WEEKDAY = [0.18, 0.1, 0.07, 0.06, 0.07, 0.14, 0.42, 0.85, 1, 0.9, 0.78, 0.75, 0.86, 0.8, 0.7, 0.68, 0.7, 0.74, 0.7, 0.68, 0.72, 0.7, 0.52, 0.32];
// prettier-ignore
const READING_WEEKEND = [0.25, 0.14, 0.09, 0.07, 0.07, 0.1, 0.2, 0.38, 0.6, 0.75, 0.8, 0.8, 0.78, 0.72, 0.66, 0.62, 0.62, 0.64, 0.66, 0.7, 0.72, 0.66, 0.5, 0.36];
// prettier-ignore
const PUBLISHING = [0.05, 0.02, 0.01, 0.01, 0.02, 0.1, 0.45, 0.85, 1, 0.95, 0.9, 0.85, 0.7, 0.8, 0.9, 0.95, 0.85, 0.7, 0.5, 0.4, 0.35, 0.3, 0.2, 0.1];
// prettier-ignore
const OFFICE = [0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.2, 0.6, 0.95, 1, 0.95, 0.7, 0.9, 1, 0.95, 0.85, 0.6, 0.3, 0.15, 0.08, 0.05, 0.03, 0.02];

/** Streaming audience, 0..~1.2: evenings, busier weekend and holiday daytime. */
function viewing(zone: Zone, t: number): number {
  const local = localTime(zone, t);
  const off = local.dow === 0 || local.dow === 6 || isHoliday(zone, local);
  const base = curve(off ? VIEWING_WEEKEND : VIEWING_WEEKDAY, local.hour);
  return (
    base * (isHoliday(zone, local) ? 1.2 : 1) * (local.month === 11 && local.date >= 20 ? 1.1 : 1)
  );
}

function reading(zone: Zone, t: number): number {
  const local = localTime(zone, t);
  const off = local.dow === 0 || local.dow === 6 || isHoliday(zone, local);
  return (
    curve(off ? READING_WEEKEND : READING_WEEKDAY, local.hour) * (isHoliday(zone, local) ? 0.85 : 1)
  );
}

function publishing(zone: Zone, t: number): number {
  const local = localTime(zone, t);
  const holiday = isHoliday(zone, local);
  const weekend = local.dow === 0 || local.dow === 6;
  const summer = local.month === 6 || local.month === 7 ? 0.85 : 1;
  return curve(PUBLISHING, local.hour) * (holiday ? 0.3 : weekend ? 0.45 : 1) * summer;
}

function office(zone: Zone, t: number): number {
  const local = localTime(zone, t);
  if (local.dow === 0 || local.dow === 6 || isHoliday(zone, local)) return 0.04;
  return curve(OFFICE, local.hour);
}

// --- the shared calendar: matches, election night, releases --------------------------------

type Calendar = { seed: number; now: number; electionDay: number };

type Fixture = { start: number; minutes: number; weight: number };

/** Kick-offs on one local day in a zone's league, the same for every series of the seed. */
const fixtureCache = new Map<string, Fixture[]>();

function fixturesOn(cal: Calendar, zone: Zone, day: number): Fixture[] {
  const key = `${cal.seed}:${zone.key}:${day}`;
  const cached = fixtureCache.get(key);
  if (cached) return cached;
  const fixtures = drawFixtures(cal, zone, day);
  fixtureCache.set(key, fixtures);
  return fixtures;
}

function drawFixtures(cal: Calendar, zone: Zone, day: number): Fixture[] {
  const rng = mulberry32(mix(cal.seed, day, zone.std * 10 + 7));
  const dow = new Date(day * DAY).getUTCDay();
  const month = new Date(day * DAY).getUTCMonth();
  const slots: Array<[number, number, number, number]> = []; // hour, minutes long, weight, probability
  if (zone.market === "us") {
    const season = month >= 8 || month === 0;
    if (season && dow === 0)
      slots.push([13, 190, 0.8, 0.9], [16.42, 190, 1, 0.9], [20.33, 190, 1.3, 0.9]);
    if (season && (dow === 1 || dow === 4)) slots.push([20.25, 190, 1, 0.8]);
    if (!season) slots.push([19.5, 150, 0.5, 0.5]);
  } else if (zone.market === "uk" || zone.market === "de") {
    if (dow === 6) slots.push([15, 115, 0.6, 0.8], [17.5, 115, 1, 0.8], [20, 115, 0.8, 0.6]);
    if (dow === 0) slots.push([14, 115, 0.6, 0.8], [16.5, 115, 1, 0.8]);
    if (dow === 2 || dow === 3) slots.push([20, 115, 1.2, 0.55]);
    if (dow === 5) slots.push([20, 115, 0.5, 0.3]);
  } else {
    slots.push([19.5, 115, 0.6, 0.3]);
  }
  const fixtures: Fixture[] = [];
  for (const [hour, minutes, weight, probability] of slots) {
    if (rng() < probability) fixtures.push({ start: day * DAY + hour * HOUR, minutes, weight });
  }
  return fixtures;
}

/** Audience of a match relative to its peak, by minutes since kick-off: build-up, half time, whistle. */
function matchProfile(minutes: number, length: number): number {
  if (minutes < -40 || minutes > length + 45) return 0;
  if (minutes < 0) return 0.6 * ((minutes + 40) / 40) ** 2;
  const half = length / 2;
  if (minutes < half - 8) return 0.85 + 0.1 * (minutes / half);
  if (minutes < half + 8) return 0.78;
  if (minutes <= length) return 0.95 + 0.15 * ((minutes - half) / half);
  return 1.1 * Math.exp(-(minutes - length) / 9);
}

/** 0..~1.2: how much of a "big match" is on right now in this zone (local kick-offs). */
function sportOn(cal: Calendar, zone: Zone, t: number): number {
  const local = localTime(zone, t);
  const localMs = t + offsetHours(zone, t) * HOUR;
  let total = 0;
  for (const day of [local.day - 1, local.day]) {
    for (const fixture of fixturesOn(cal, zone, day)) {
      total += fixture.weight * matchProfile((localMs - fixture.start) / MINUTE, fixture.minutes);
    }
  }
  return total;
}

/** 0..1: election night in the HQ market, 19:00–03:00 local, peaking around midnight. */
function electionOn(cal: Calendar, zone: Zone, t: number): number {
  if (zone.key !== HQ) return 0;
  const localMs = t + offsetHours(zone, t) * HOUR;
  const hours = (localMs - cal.electionDay * DAY) / HOUR;
  if (hours < 18 || hours > 29) return 0;
  if (hours < 22) return ((hours - 18) / 4) ** 1.5;
  if (hours < 25.5) return 1;
  return Math.max(0, 1 - (hours - 25.5) / 3.5);
}

/** Hours since the player app's last fortnightly Tuesday 10:00 HQ release (Infinity before). */
function hoursSinceAppRelease(cal: Calendar, t: number): number {
  const zone = ZONES[HQ];
  const localMs = t + offsetHours(zone, t) * HOUR;
  for (let back = 0; back < 15; back += 1) {
    const day = Math.floor(localMs / DAY) - back;
    const week = Math.floor((day + 3) / 7);
    if (new Date(day * DAY).getUTCDay() === 2 && week % 2 === cal.seed % 2) {
      const hours = (localMs - (day * DAY + 10 * HOUR)) / HOUR;
      if (hours >= 0) return hours;
    }
  }
  return Infinity;
}

/** Lift of plays after Friday 08:00 UTC content drops; a big title one Friday in three. */
function contentDropLift(cal: Calendar, t: number): number {
  let lift = 1;
  const day = Math.floor(t / DAY);
  for (let back = 0; back < 8; back += 1) {
    const d = day - back;
    if (new Date(d * DAY).getUTCDay() !== 5) continue;
    const hours = (t - (d * DAY + 8 * HOUR)) / HOUR;
    if (hours < 0) continue;
    const big = mulberry32(mix(cal.seed, d, 99))() < 0.35;
    lift += (big ? 0.45 : 0.15) * Math.exp(-hours / 40);
  }
  return lift;
}

// --- timestamps --------------------------------------------------------------------------------

type Grid = { step: number; jitter: number; dropRate: number; gaps: number; maxGap: number };

/** A regular grid ending at the calendar's "now", with lost scrapes and collector gaps. */
function regularTimes(rng: Rng, cal: Calendar, n: number, grid: Grid): number[] {
  const end = Math.floor(cal.now / grid.step) * grid.step;
  const gapLengths = Array.from({ length: grid.gaps }, () => intBetween(rng, 3, grid.maxGap));
  const total = Math.round(n * (1 + grid.dropRate)) + gapLengths.reduce((a, b) => a + b, 0);
  const keep = Array.from({ length: total }, () => rng() >= grid.dropRate);
  for (const length of gapLengths) {
    const at = intBetween(rng, 10, total - length - 10);
    for (let i = at; i < at + length; i += 1) keep[i] = false;
  }
  const times: number[] = [];
  for (let i = 0; i < total; i += 1) {
    if (!keep[i]) continue;
    const jitter = grid.jitter > 0 ? Math.round((rng() - 0.5) * 2 * grid.jitter) : 0;
    times.push(end - (total - 1 - i) * grid.step + jitter);
  }
  return times.slice(-Math.min(2000, Math.max(n, 150)));
}

/** The last `n` events before "now" of a Poisson process whose rate (events per hour) varies. */
function irregularTimes(
  rng: Rng,
  cal: Calendar,
  n: number,
  ratePerHour: (t: number) => number,
  maxRate: number,
): number[] {
  let t = Math.floor(cal.now);
  const times: number[] = [];
  while (times.length < n) {
    t -= Math.max(1000, Math.round((-Math.log(Math.max(rng(), 1e-12)) / maxRate) * HOUR));
    if (rng() * maxRate < ratePerHour(t)) times.push(t);
  }
  return times.reverse();
}

// --- labels and their effects ------------------------------------------------------------------

type Menu = { type: AnomalyType; min: number; max: number; weight: number };

type Planned = { label: AnomalyLabel; size: number };

/**
 * Places up to `count` labels on final point indices: from index 100, apart by at least 8 points,
 * not across a collector gap, at most one level shift (onset far enough from the end to be seen).
 */
function planLabels(
  rng: Rng,
  times: number[],
  menu: Menu[],
  count: number,
  accept: (index: number, end: number, type: AnomalyType) => boolean,
): AnomalyLabel[] {
  const n = times.length;
  const steps = times
    .slice(1)
    .map((t, i) => t - (times[i] ?? t))
    .sort((a, b) => a - b);
  const typicalStep = steps[Math.floor(steps.length / 2)] ?? HOUR;
  const labels: AnomalyLabel[] = [];
  const totalWeight = menu.reduce((sum, m) => sum + m.weight, 0);
  for (let attempt = 0; attempt < count * 40 && labels.length < count; attempt += 1) {
    let r = rng() * totalWeight;
    const choice = menu.find((m) => (r -= m.weight) < 0) ?? menu[0];
    if (!choice) break;
    if (choice.type === "level-shift" && labels.some((l) => l.type === "level-shift")) continue;
    const length = intBetween(rng, choice.min, choice.max);
    const lowest = choice.type === "level-shift" ? Math.max(100, Math.floor(n * 0.35)) : 100;
    const highest = choice.type === "level-shift" ? n - 40 : n - length - 2;
    if (highest <= lowest) continue;
    const index = intBetween(rng, lowest, highest);
    const end = index + length - 1;
    if (labels.some((l) => index <= l.end + 8 && end >= l.index - 8)) continue;
    let crossesGap = false;
    for (let i = Math.max(index - 1, 1); i <= Math.min(end + 1, n - 1); i += 1) {
      if ((times[i] ?? 0) - (times[i - 1] ?? 0) > 3 * typicalStep) crossesGap = true;
    }
    if (crossesGap && typicalStep < DAY && !irregular(steps)) continue;
    if (!accept(index, end, choice.type)) continue;
    labels.push({ index, end, type: choice.type });
  }
  return labels.sort((a, b) => a.index - b.index);
}

/** Irregular series (job completions) have no grid to fall out of. */
function irregular(sortedSteps: number[]): boolean {
  const low = sortedSteps[Math.floor(sortedSteps.length * 0.1)] ?? 0;
  const high = sortedSteps[Math.floor(sortedSteps.length * 0.9)] ?? 0;
  return high > 3 * Math.max(low, 1);
}

type Mode = "mul" | "add" | "rate";
/** "plateau": an outage-like incident (quick onset, a wobbling plateau, a short tail); "surge": a
 * news-like one (at its peak within a point or two, then fading to about a quarter). */
type Shape = "plateau" | "surge";

/** How strong the incident is at point `i` of its window, 0..~1.15. */
function spikeShape(i: number, label: AnomalyLabel, shape: Shape, rng: Rng): number {
  const length = label.end - label.index + 1;
  if (length <= 2) return 1;
  const k = (i - label.index) / (length - 1);
  if (shape === "surge") {
    const rise = i === label.index ? 0.6 : 1;
    return rise * Math.exp(-1.4 * k) * (0.9 + 0.2 * rng());
  }
  const rise = Math.min(1, 0.55 + k * 4);
  const fall = k > 0.75 ? 1 - (k - 0.75) * 1.6 : 1;
  return rise * fall * (0.85 + 0.3 * rng());
}

/** The expected value at `i` once the labelled incidents are applied to the baseline. */
function withIncidents(
  mu: number,
  i: number,
  planned: Planned[],
  mode: Mode,
  shape: Shape,
  rng: Rng,
): number {
  let value = mu;
  for (const { label, size } of planned) {
    if (label.type === "level-shift") {
      if (i < label.index) continue;
      const progress = Math.min(1, (i - label.index + 1) / (label.end - label.index + 1));
      const factor = 1 + (size - 1) * progress;
      value = mode === "rate" ? Math.min(0.95, value * factor) : value * factor;
      continue;
    }
    if (i < label.index || i > label.end) continue;
    if (label.type === "dip") {
      value *= size * (0.8 + 0.4 * rng());
    } else if (mode === "rate") {
      value += (1 - value) * size * spikeShape(i, label, shape, rng);
    } else if (mode === "add") {
      value += size * spikeShape(i, label, shape, rng);
    } else {
      value *= 1 + (size - 1) * spikeShape(i, label, shape, rng);
    }
  }
  return value;
}

// --- one series from its recipe ------------------------------------------------------------

type Recipe = {
  id: string;
  kind: SeriesKind;
  times: number[];
  /** The metric's baseline at a point; may draw (a job's own length, a sampled attempt count). */
  baseline: (t: number, i: number) => number;
  observe: (mu: number, t: number, i: number) => number;
  menu: Menu[];
  /**
   * Incident size by type. Dips and level shifts: a factor. Spikes: a factor ("mul"), an absolute
   * amount added at the peak ("add", for counts near zero and surges on top of the day's traffic),
   * or the share of the remaining attempts that fail ("rate").
   */
  size: (type: AnomalyType) => number;
  mode: Mode;
  shape?: Shape;
  /** Where an incident of this type would be seen at all (an outage at 4 am on a quiet desk is not). */
  where?: (index: number, end: number, type: AnomalyType, base: number[]) => boolean;
};

function buildSeries(rng: Rng, recipe: Recipe): GeneratedSeries {
  const base = recipe.times.map((t, i) => recipe.baseline(t, i));
  const roll = rng();
  const count = roll < 0.18 ? 0 : roll < 0.55 ? 1 : roll < 0.85 ? 2 : 3;
  const where = recipe.where ?? (() => true);
  const labels = planLabels(rng, recipe.times, recipe.menu, count, (index, end, type) =>
    where(index, end, type, base),
  );
  const planned = labels.map((label) => ({ label, size: recipe.size(label.type) }));
  const points: MetricPoint[] = recipe.times.map((t, i) => {
    const mu = withIncidents(base[i] ?? 0, i, planned, recipe.mode, recipe.shape ?? "plateau", rng);
    return [t, recipe.observe(mu, t, i)];
  });
  return { id: recipe.id, kind: recipe.kind, points, labels };
}

/** Daytime-only placement: the window's baseline is at least `share` of the series' busy level. */
const busyWindow =
  (share: number) => (index: number, end: number, _type: AnomalyType, base: number[]) => {
    const busy = [...base].sort((a, b) => a - b)[Math.floor(base.length * 0.8)] ?? 0;
    for (let i = index; i <= end; i += 1) if ((base[i] ?? 0) < share * busy) return false;
    return true;
  };

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Growth over the series: 1 at its start, `1 + total` at "now". */
const growth = (times: number[], total: number) => {
  const first = times[0] ?? 0;
  const span = Math.max(1, (times[times.length - 1] ?? 1) - first);
  return (t: number) => 1 + total * ((t - first) / span);
};

function latencyObserve(rng: Rng, sigma: number, blipRate: number) {
  return (mu: number) => {
    let value = mu * Math.exp(sigma * heavyNormal(rng));
    if (rng() < blipRate) value *= between(rng, 1.8, 4);
    return round(Math.max(0.1, value), 1);
  };
}

function costObserve(rng: Rng, sigma: number) {
  return (mu: number) => round(Math.max(0, mu * Math.exp(sigma * normal(rng))), 2);
}

/** Failures over sampled attempts: binomial noise, larger when few people are trying. */
function rateObserve(rng: Rng, attemptsAt: (t: number) => number) {
  return (p: number, t: number) => {
    const attempts = Math.max(30, poisson(rng, attemptsAt(t)));
    const mean = attempts * Math.min(1, Math.max(0, p));
    const failures =
      mean < 40 ? poisson(rng, mean) : Math.round(mean + Math.sqrt(mean * (1 - p)) * normal(rng));
    return round(Math.min(1, Math.max(0, failures) / attempts), 6);
  };
}

// --- the streaming service's dashboards --------------------------------------------------------

type Family = (rng: Rng, cal: Calendar) => Recipe;

const ALL_ZONES = Object.values(ZONES);
const fineGrid = (rng: Rng, step: number): Grid => ({
  step,
  jitter: step <= MINUTE ? 3000 : 10_000,
  dropRate: between(rng, 0, 0.02),
  gaps: intBetween(rng, 0, 2),
  maxGap: step <= MINUTE ? 40 : 15,
});
const rollupGrid = (rng: Rng, step: number): Grid => ({
  step,
  jitter: 0,
  dropRate: step >= DAY ? 0 : between(rng, 0, 0.01),
  gaps: step >= DAY ? 0 : intBetween(rng, 0, 1),
  maxGap: 6,
});

/** Edge p95 latency per region: load follows the evening audience and big matches. */
const edgeLatency: Family = (rng, cal) => {
  const zone = pick(rng, ALL_ZONES);
  const step = pick(rng, [MINUTE, 5 * MINUTE]);
  const times = regularTimes(
    rng,
    cal,
    step === MINUTE ? intBetween(rng, 1200, 2000) : intBetween(rng, 700, 2000),
    fineGrid(rng, step),
  );
  const base = between(rng, 18, 70);
  const fine = step === MINUTE;
  return {
    id: `stream.cdn.edge_p95_ms.${zone.key}`,
    kind: "latency",
    times,
    baseline: (t) =>
      base * (1 + 0.35 * viewing(zone, t) + 0.12 * Math.min(sportOn(cal, zone, t), 1.5)),
    observe: latencyObserve(rng, 0.09, 0.004),
    menu: [
      { type: "spike", min: fine ? 4 : 2, max: fine ? 40 : 12, weight: 3 },
      { type: "level-shift", min: 1, max: 3, weight: 1 },
    ],
    size: (type) => (type === "spike" ? between(rng, 1.8, 4) : between(rng, 1.25, 1.6)),
    mode: "mul",
  };
};

const PLATFORMS = ["ios", "android", "web", "smart-tv", "console"] as const;

/** Share of playback starts that fail, from sampled attempts; app releases shake it for a while. */
const startFailureRate: Family = (rng, cal) => {
  const zone = pick(rng, ALL_ZONES);
  const platform = pick(rng, PLATFORMS);
  const times = regularTimes(rng, cal, intBetween(rng, 800, 2000), fineGrid(rng, 5 * MINUTE));
  const peakAttempts = between(rng, 600, 5000);
  const p0 = between(rng, 0.004, 0.02) * (platform === "smart-tv" ? 1.6 : 1);
  const grow = growth(times, between(rng, 0, 0.25));
  const attempts = (t: number) =>
    peakAttempts * grow(t) * (0.04 + viewing(zone, t) + 0.3 * sportOn(cal, zone, t));
  return {
    id: `stream.player.start_failure_rate.${platform}.${zone.key}`,
    kind: "error_rate",
    times,
    baseline: (t) => {
      const sinceRelease = platform === "web" ? Infinity : hoursSinceAppRelease(cal, t);
      return (
        p0 *
        (1 + 0.6 * Math.exp(-sinceRelease / 1.5)) *
        (1 + 0.2 * (1 - Math.min(1, viewing(zone, t))))
      );
    },
    observe: rateObserve(rng, attempts),
    menu: [
      { type: "spike", min: 2, max: 18, weight: 3 },
      { type: "level-shift", min: 1, max: 3, weight: 1 },
    ],
    size: (type) => (type === "spike" ? between(rng, 0.04, 0.35) : between(rng, 1.6, 3)),
    mode: "rate",
  };
};

/** Start failures in a small market's smart-TV app: mostly 0–3 an hour. */
const startFailureCount: Family = (rng, cal) => {
  const zone = pick(rng, [ZONES["sa-east"], ZONES["ap-south"], ZONES["ap-southeast"]]);
  const times = regularTimes(rng, cal, intBetween(rng, 300, 1200), rollupGrid(rng, HOUR));
  const lambda = between(rng, 0.3, 3);
  return {
    id: `stream.player.start_failures_hourly.smart-tv.${zone.market}`,
    kind: "count",
    times,
    baseline: (t) => lambda * 1.6 * viewing(zone, t),
    observe: (mu) => overdispersed(rng, mu, 0.3),
    menu: [{ type: "spike", min: 2, max: 8, weight: 1 }],
    size: () => between(rng, 5, 25),
    mode: "add",
  };
};

const LADDERS = [
  { name: "avc-1080p", secondsPerMinute: [9, 14] },
  { name: "hevc-4k", secondsPerMinute: [30, 45] },
  { name: "av1-ladder", secondsPerMinute: [50, 70] },
] as const;

/** The nightly back-catalogue re-encode window, 01:00–05:00 HQ time. */
const inBatchWindow = (t: number) => {
  const hour = localTime(ZONES[HQ], t).hour;
  return hour >= 1 && hour < 5;
};

/** One point per finished transcoding job: length of the content times the ladder's speed. */
const transcodeDuration: Family = (rng, cal) => {
  const ladder = pick(rng, LADDERS);
  const rate = (t: number) => 0.5 + 6 * office(ZONES[HQ], t) + (inBatchWindow(t) ? 8 : 0);
  const times = irregularTimes(rng, cal, intBetween(rng, 400, 1500), rate, 15);
  const speed = between(rng, ladder.secondsPerMinute[0], ladder.secondsPerMinute[1]);
  const overhead = between(rng, 20, 40);
  return {
    id: `stream.transcode.job_duration_ms.${ladder.name}`,
    kind: "latency",
    times,
    baseline: (t) => {
      const r = rng();
      const film = inBatchWindow(t) ? r < 0.7 : r < 0.1;
      const minutes = film
        ? between(rng, 80, 150)
        : r < 0.55
          ? between(rng, 1, 6)
          : between(rng, 22, 60);
      return (minutes * speed + overhead) * 1000;
    },
    observe: latencyObserve(rng, 0.12, 0.01),
    menu: [
      { type: "spike", min: 8, max: 40, weight: 2 },
      { type: "level-shift", min: 1, max: 4, weight: 1 },
    ],
    size: (type) => (type === "spike" ? between(rng, 2, 4) : between(rng, 1.3, 1.7)),
    mode: "mul",
  };
};

/** Concurrent viewers of a live channel: scheduled matches or election night are the business. */
const liveAudience: Family = (rng, cal) => {
  const news = rng() < 0.3;
  const zone = news
    ? ZONES[HQ]
    : pick(rng, [ZONES["eu-west"], ZONES["eu-central"], ZONES["us-east"]]);
  const step = pick(rng, [MINUTE, 5 * MINUTE]);
  const fine = step === MINUTE;
  const times = regularTimes(
    rng,
    cal,
    fine ? intBetween(rng, 1400, 2000) : intBetween(rng, 1000, 2000),
    fineGrid(rng, step),
  );
  const audience = between(rng, 2000, 40_000);
  const event = between(rng, 5, 25);
  return {
    id: `stream.live.concurrent_viewers.${news ? pick(rng, ["news-24", "news-events"]) : pick(rng, ["sport-1", "sport-2", "sport-extra"])}.${zone.market}`,
    kind: "count",
    times,
    baseline: news
      ? (t) => audience * (0.4 + reading(zone, t) + 4 * electionOn(cal, zone, t))
      : (t) => audience * (0.3 + viewing(zone, t) + event * sportOn(cal, zone, t)),
    observe: (mu) => overdispersed(rng, mu, 0.015),
    menu: news
      ? [
          { type: "dip", min: fine ? 3 : 2, max: fine ? 15 : 5, weight: 2 },
          { type: "spike", min: fine ? 6 : 2, max: fine ? 40 : 10, weight: 1 },
        ]
      : [{ type: "dip", min: fine ? 3 : 2, max: fine ? 15 : 5, weight: 1 }],
    size: (type) => (type === "dip" ? between(rng, 0.1, 0.5) : audience * between(rng, 0.8, 2.5)),
    mode: "add",
    shape: "surge",
    where: (index, end, type, base) => type !== "dip" || busyWindow(0.5)(index, end, type, base),
  };
};

/** Video-on-demand plays per hour in one country: evenings, weekends, Friday drops, growth. */
const vodPlays: Family = (rng, cal) => {
  const zone = pick(rng, ALL_ZONES);
  const device = pick(rng, ["tv", "mobile", "web"] as const);
  const times = regularTimes(rng, cal, intBetween(rng, 700, 2000), rollupGrid(rng, HOUR));
  const peak = between(rng, 2000, 60_000);
  const grow = growth(times, between(rng, 0, 0.3));
  // Phones are watched on the commute and at lunch, browsers at the office, TVs in the evening.
  const audience = (t: number) =>
    device === "tv"
      ? viewing(zone, t)
      : device === "mobile"
        ? 0.6 * viewing(zone, t) + 0.4 * reading(zone, t)
        : 0.7 * viewing(zone, t) + 0.3 * office(zone, t);
  return {
    id: `stream.vod.plays_hourly.${device}.${zone.key}`,
    kind: "count",
    times,
    baseline: (t) =>
      peak *
      grow(t) *
      (0.03 + audience(t)) *
      contentDropLift(cal, t) *
      (1 - 0.12 * Math.min(1, sportOn(cal, zone, t))),
    observe: (mu) => overdispersed(rng, mu, 0.04),
    menu: [
      { type: "dip", min: 2, max: 6, weight: 2 },
      { type: "spike", min: 2, max: 8, weight: 1 },
      { type: "level-shift", min: 1, max: 3, weight: 1 },
    ],
    size: (type) =>
      type === "dip"
        ? between(rng, 0.25, 0.65)
        : type === "spike"
          ? between(rng, 1.6, 3)
          : between(rng, 0.78, 0.9),
    mode: "mul",
    where: (index, end, type, base) => type !== "dip" || busyWindow(0.35)(index, end, type, base),
  };
};

/** How much a day is watched, relative to an ordinary weekday (daily rollups). */
function viewingDay(zone: Zone, cal: Calendar, t: number): number {
  const local = localTime(zone, t + 12 * HOUR);
  const weekend = local.dow === 0 || local.dow === 6;
  const december = local.month === 11 && local.date >= 18 ? 1.12 : 1;
  return (
    (weekend ? 1.15 : 1) *
    (isHoliday(zone, local) ? 1.25 : 1) *
    december *
    contentDropLift(cal, t + 20 * HOUR)
  );
}

/** CDN egress bill per day; the committed-use fee lands on the 1st. */
const egressCostDaily: Family = (rng, cal) => {
  const vendor = pick(rng, ["cdn-a", "cdn-b", "origin-shield"]);
  const times = regularTimes(rng, cal, intBetween(rng, 150, 400), rollupGrid(rng, DAY));
  const perDay = between(rng, 800, 20_000);
  const grow = growth(times, between(rng, 0.1, 0.35));
  return {
    id: `stream.cost.egress_usd_daily.${vendor}`,
    kind: "cost",
    times,
    baseline: (t) =>
      perDay * grow(t) * viewingDay(ZONES[HQ], cal, t) +
      (new Date(t).getUTCDate() === 1 ? perDay * 1.2 : 0),
    observe: costObserve(rng, 0.03),
    menu: [
      { type: "spike", min: 1, max: 4, weight: 2 },
      { type: "level-shift", min: 1, max: 2, weight: 1 },
    ],
    size: (type) => (type === "spike" ? between(rng, 1.6, 3) : between(rng, 1.2, 1.5)),
    mode: "mul",
  };
};

/** Hourly compute bill of the transcoding farm: office uploads, the nightly batch, spot prices. */
const transcodeCostHourly: Family = (rng, cal) => {
  const pool = pick(rng, ["gpu-pool", "cpu-pool", "spot-pool"]);
  const times = regularTimes(rng, cal, intBetween(rng, 400, 1500), rollupGrid(rng, HOUR));
  const perHour = between(rng, 20, 300);
  const grow = growth(times, between(rng, 0, 0.2));
  return {
    id: `stream.cost.transcode_compute_usd_hourly.${pool}`,
    kind: "cost",
    times,
    baseline: (t) =>
      perHour * grow(t) * (0.25 + 0.9 * office(ZONES[HQ], t) + (inBatchWindow(t) ? 1.1 : 0)),
    observe: costObserve(rng, 0.08),
    menu: [
      { type: "spike", min: 3, max: 12, weight: 2 },
      { type: "level-shift", min: 1, max: 3, weight: 1 },
    ],
    size: (type) => (type === "spike" ? between(rng, 1.8, 3) : between(rng, 1.3, 1.6)),
    mode: "mul",
  };
};

/** Minutes since the last web deploy (Monday–Thursday 11:00 HQ time), for the short cold-cache blip. */
function minutesSinceDeploy(t: number): number {
  const local = localTime(ZONES[HQ], t);
  if (local.dow < 1 || local.dow > 4) return Infinity;
  const minutes = (local.hour - 11) * 60;
  return minutes >= 0 ? minutes : Infinity;
}

/** Share of playback API requests answered 5xx, per minute. */
const playback5xxRate: Family = (rng, cal) => {
  const zone = pick(rng, ALL_ZONES);
  const times = regularTimes(rng, cal, intBetween(rng, 1200, 2000), fineGrid(rng, MINUTE));
  const requests = between(rng, 20_000, 300_000);
  const p0 = between(rng, 0.0005, 0.003);
  return {
    id: `stream.api.playback_5xx_rate.${zone.key}`,
    kind: "error_rate",
    times,
    baseline: (t) => p0 * (1 + 0.4 * sportOn(cal, zone, t)) * (minutesSinceDeploy(t) < 2 ? 4 : 1),
    observe: rateObserve(rng, (t) => requests * (0.05 + viewing(zone, t))),
    menu: [
      { type: "spike", min: 3, max: 25, weight: 3 },
      { type: "level-shift", min: 1, max: 3, weight: 1 },
    ],
    size: (type) => (type === "spike" ? between(rng, 0.01, 0.12) : between(rng, 1.8, 3)),
    mode: "rate",
  };
};

/** Manifest 404s per minute at the packager: almost always 0 or 1. */
const manifest404: Family = (rng, cal) => {
  const zone = pick(rng, ALL_ZONES);
  const times = regularTimes(rng, cal, intBetween(rng, 1200, 2000), fineGrid(rng, MINUTE));
  const lambda = between(rng, 0.05, 0.6);
  return {
    id: `stream.packager.manifest_404.${zone.key}`,
    kind: "count",
    times,
    baseline: (t) => lambda * (0.3 + viewing(zone, t)),
    observe: (mu) => poisson(rng, mu),
    menu: [{ type: "spike", min: 4, max: 30, weight: 1 }],
    size: () => between(rng, 6, 40),
    mode: "add",
  };
};

/** Share of watch time spent rebuffering: ISP congestion at prime time is the usual rhythm. */
const rebufferRatio: Family = (rng, cal) => {
  const zone = pick(rng, ALL_ZONES);
  const platform = pick(rng, PLATFORMS);
  const times = regularTimes(rng, cal, intBetween(rng, 800, 2000), fineGrid(rng, 5 * MINUTE));
  const r0 = between(rng, 0.003, 0.012);
  const chunks = between(rng, 2000, 30_000);
  return {
    id: `stream.player.rebuffer_ratio.${platform}.${zone.key}`,
    kind: "error_rate",
    times,
    baseline: (t) => r0 * (1 + 0.8 * viewing(zone, t) ** 2 + 0.3 * sportOn(cal, zone, t)),
    observe: rateObserve(rng, (t) => chunks * (0.05 + viewing(zone, t))),
    menu: [
      { type: "spike", min: 3, max: 24, weight: 2 },
      { type: "level-shift", min: 1, max: 3, weight: 1 },
    ],
    size: (type) => (type === "spike" ? between(rng, 0.01, 0.05) : between(rng, 1.3, 1.8)),
    mode: "rate",
  };
};

// --- the newsroom's dashboards -----------------------------------------------------------------

const DESKS = ["politics", "sport", "business", "world", "culture", "live-blogs"] as const;

/** Everyday small bursts (a busy hour on a desk): ~4% of hours, 1.5–2.2×, part of the rhythm. */
function everydayBurst(cal: Calendar, desk: number, t: number): number {
  const burst = mulberry32(mix(cal.seed, Math.floor(t / HOUR), desk, 5));
  return burst() < 0.04 ? 1.5 + 0.7 * burst() : 1;
}

/** Articles a desk publishes per hour: working hours, quiet nights, election night, match reports. */
const articlesHourly: Family = (rng, cal) => {
  const deskIndex = intBetween(rng, 0, DESKS.length - 1);
  const desk = DESKS[deskIndex] ?? "world";
  const zone = rng() < 0.8 ? ZONES[HQ] : ZONES["us-east"];
  const times = regularTimes(rng, cal, intBetween(rng, 500, 1500), rollupGrid(rng, HOUR));
  const perHour = between(rng, 3, 25);
  const election = desk === "politics" ? 3 : desk === "live-blogs" ? 2 : 0.8;
  return {
    id: `news.cms.articles_published_hourly.${desk}.${zone.market}`,
    kind: "count",
    times,
    baseline: (t) => {
      const matchReports = desk === "sport" ? 0.6 * sportOn(cal, zone, t - HOUR) : 0;
      const liveBlog = desk === "live-blogs" ? 0.15 : 0;
      return (
        perHour *
        (publishing(zone, t) + liveBlog + matchReports + election * electionOn(cal, zone, t)) *
        everydayBurst(cal, deskIndex, t)
      );
    },
    observe: (mu) => overdispersed(rng, mu, 0.15),
    menu: [
      { type: "dip", min: 2, max: 5, weight: 2 },
      { type: "spike", min: 2, max: 6, weight: 2 },
    ],
    size: (type) => (type === "dip" ? between(rng, 0, 0.08) : perHour * between(rng, 2, 5)),
    mode: "add",
    shape: "surge",
    where: (index, end, type, base) => type !== "dip" || busyWindow(0.5)(index, end, type, base),
  };
};

/** A story doing well on social or a push alert: +8–30% fading over ~40 min, a few a day, normal. */
function storyBumps(cal: Calendar, t: number): number {
  let lift = 1;
  const hour = Math.floor(t / HOUR);
  for (const h of [hour - 2, hour - 1, hour]) {
    const story = mulberry32(mix(cal.seed, h, 11));
    if (story() >= 0.22) continue;
    const start = h * HOUR + story() * HOUR;
    if (t >= start) lift += (0.08 + 0.22 * story()) * Math.exp(-(t - start) / (40 * MINUTE));
  }
  return lift;
}

/** Article page views per 5 minutes: commute peaks, the 06:30 newsletter, election night. */
const pageviews: Family = (rng, cal) => {
  const zone = rng() < 0.75 ? ZONES[HQ] : ZONES["us-east"];
  const section = pick(rng, ["all", "politics", "sport", "business", "lifestyle"]);
  const times = regularTimes(rng, cal, intBetween(rng, 1000, 2000), fineGrid(rng, 5 * MINUTE));
  const peak = between(rng, 5000, 120_000) * (section === "all" ? 3 : 1);
  const grow = growth(times, between(rng, -0.05, 0.15));
  return {
    id: `news.web.article_pageviews_5min.${section}.${zone.market}`,
    kind: "count",
    times,
    baseline: (t) => {
      const local = localTime(zone, t);
      const newsletter =
        local.dow >= 1 && local.dow <= 5 && local.hour >= 6.5 && local.hour < 7.5 ? 0.25 : 0;
      return (
        peak *
        grow(t) *
        (0.04 + reading(zone, t) * storyBumps(cal, t) + newsletter + 2.5 * electionOn(cal, zone, t))
      );
    },
    observe: (mu) => overdispersed(rng, mu, 0.03),
    menu: [
      { type: "spike", min: 8, max: 40, weight: 3 },
      { type: "dip", min: 3, max: 18, weight: 2 },
      { type: "level-shift", min: 1, max: 4, weight: 1 },
    ],
    size: (type) =>
      type === "spike"
        ? peak * between(rng, 1, 3)
        : type === "dip"
          ? between(rng, 0.35, 0.7)
          : between(rng, 0.72, 0.88),
    mode: "add",
    shape: "surge",
    where: (index, end, type, base) => type !== "dip" || busyWindow(0.3)(index, end, type, base),
  };
};

/** Publish-to-live time, one point per published article (irregular, mostly in working hours). */
const publishToLive: Family = (rng, cal) => {
  const zone = ZONES[HQ];
  const site = pick(rng, ["main", "regional", "sport"]);
  const rate = (t: number) => 0.3 + 12 * publishing(zone, t) + 20 * electionOn(cal, zone, t);
  const times = irregularTimes(rng, cal, intBetween(rng, 400, 1500), rate, 32);
  const base = between(rng, 2500, 6000);
  return {
    id: `news.cms.publish_to_live_ms.${site}`,
    kind: "latency",
    times,
    baseline: (t) => base * (1 + 0.4 * reading(zone, t)) * Math.exp(0.35 * normal(rng)),
    observe: latencyObserve(rng, 0.15, 0.01),
    menu: [
      { type: "spike", min: 6, max: 30, weight: 2 },
      { type: "level-shift", min: 1, max: 4, weight: 1 },
    ],
    size: (type) => (type === "spike" ? between(rng, 4, 15) : between(rng, 1.3, 1.8)),
    mode: "mul",
  };
};

const AGENCIES = [
  { name: "ap", zone: "us-east" },
  { name: "reuters", zone: "eu-west" },
  { name: "afp", zone: "eu-central" },
  { name: "dpa", zone: "eu-central" },
  { name: "pa", zone: "eu-west" },
] as const;

/** Wire-agency items ingested per 5 minutes: 24/7 with the agency's own working day. */
const wireIngest: Family = (rng, cal) => {
  const agency = pick(rng, AGENCIES);
  const zone = ZONES[agency.zone];
  const times = regularTimes(rng, cal, intBetween(rng, 800, 2000), fineGrid(rng, 5 * MINUTE));
  const lambda = between(rng, 2, 20);
  return {
    id: `news.wire.items_ingested_5min.${agency.name}`,
    kind: "count",
    times,
    baseline: (t) => lambda * (0.35 + 0.65 * publishing(zone, t) + 1.5 * electionOn(cal, zone, t)),
    observe: (mu) => overdispersed(rng, mu, 0.2),
    menu: [
      { type: "dip", min: 6, max: 36, weight: 2 },
      { type: "spike", min: 3, max: 12, weight: 1 },
    ],
    size: (type) => (type === "dip" ? between(rng, 0, 0.03) : lambda * between(rng, 4, 10)),
    mode: "add",
    where: (index, end, type, base) => type !== "dip" || busyWindow(0.4)(index, end, type, base),
  };
};

/** Push notifications that failed per hour: the 07:00 and 18:00 bulletins carry most of them. */
const pushFailures: Family = (rng, cal) => {
  const zone = ZONES[HQ];
  const platform = pick(rng, ["ios", "android", "web-push"]);
  const times = regularTimes(rng, cal, intBetween(rng, 300, 1200), rollupGrid(rng, HOUR));
  const lambda = between(rng, 0.1, 1);
  return {
    id: `news.push.send_failures_hourly.${platform}`,
    kind: "count",
    times,
    baseline: (t) => {
      const hour = Math.floor(localTime(zone, t).hour);
      return lambda * (0.2 + (hour === 7 ? 8 : hour === 18 ? 6 : 0) + 3 * electionOn(cal, zone, t));
    },
    observe: (mu) => poisson(rng, mu),
    menu: [{ type: "spike", min: 3, max: 12, weight: 1 }],
    size: () => between(rng, 10, 80),
    mode: "add",
  };
};

/** Article page render p95 on the web: load and election night, a cold-cache sample after deploys. */
const webRender: Family = (rng, cal) => {
  const zone = ZONES[HQ];
  const page = pick(rng, ["article", "front", "live-blog", "search"]);
  const step = pick(rng, [MINUTE, 5 * MINUTE]);
  const fine = step === MINUTE;
  const times = regularTimes(
    rng,
    cal,
    fine ? intBetween(rng, 1200, 2000) : intBetween(rng, 700, 2000),
    fineGrid(rng, step),
  );
  const base = between(rng, 180, 600);
  return {
    id: `news.web.render_p95_ms.${page}`,
    kind: "latency",
    times,
    baseline: (t) =>
      base *
      (1 + 0.3 * reading(zone, t) + 0.25 * electionOn(cal, zone, t)) *
      (minutesSinceDeploy(t) < 3 ? 1.5 : 1),
    observe: latencyObserve(rng, 0.08, 0.003),
    menu: [
      { type: "spike", min: fine ? 3 : 2, max: fine ? 20 : 8, weight: 2 },
      { type: "level-shift", min: 1, max: 3, weight: 1 },
    ],
    size: (type) => (type === "spike" ? between(rng, 1.6, 3) : between(rng, 1.15, 1.45)),
    mode: "mul",
  };
};

/** Articles published per day: weekdays, thin weekends and holidays, summer, election day. */
const articlesDaily: Family = (rng, cal) => {
  const zone = ZONES[HQ];
  const site = pick(rng, ["main", "regional", "sport"]);
  const times = regularTimes(rng, cal, intBetween(rng, 150, 400), rollupGrid(rng, DAY));
  const perDay = between(rng, 120, 600);
  const grow = growth(times, between(rng, -0.1, 0.1));
  const dayFactor = (t: number) => {
    const local = localTime(zone, t + 12 * HOUR);
    const weekend = site === "sport" ? 0.95 : 0.5;
    const week = local.dow === 6 ? weekend : local.dow === 0 ? weekend * 0.9 : 1;
    const summer = local.month === 6 || local.month === 7 ? 0.85 : 1;
    const election =
      local.day === cal.electionDay ? 1.4 : local.day === cal.electionDay + 1 ? 1.2 : 1;
    return (isHoliday(zone, local) ? 0.35 : week) * summer * election;
  };
  return {
    id: `news.cms.articles_published_daily.${site}`,
    kind: "count",
    times,
    baseline: (t) => perDay * grow(t) * dayFactor(t),
    observe: (mu) => overdispersed(rng, mu, 0.05),
    menu: [
      { type: "dip", min: 1, max: 1, weight: 1 },
      { type: "spike", min: 1, max: 2, weight: 1 },
    ],
    size: (type) => (type === "dip" ? between(rng, 0.45, 0.7) : between(rng, 1.4, 1.9)),
    mode: "mul",
    where: (index, end, type, base) => type !== "dip" || busyWindow(0.8)(index, end, type, base),
  };
};

/** The newsroom's daily cloud bill: image pipeline and search, a support fee on the 1st. */
const newsroomCostDaily: Family = (rng, cal) => {
  const zone = ZONES[HQ];
  const service = pick(rng, ["images", "search", "hosting"]);
  const times = regularTimes(rng, cal, intBetween(rng, 150, 400), rollupGrid(rng, DAY));
  const perDay = between(rng, 150, 1500);
  const grow = growth(times, between(rng, 0, 0.3));
  return {
    id: `news.cost.cloud_usd_daily.${service}`,
    kind: "cost",
    times,
    baseline: (t) => {
      const local = localTime(zone, t + 12 * HOUR);
      const weekday = local.dow >= 1 && local.dow <= 5 && !isHoliday(zone, local) ? 1.15 : 1;
      const election = local.day === cal.electionDay ? 1.3 : 1;
      return perDay * grow(t) * weekday * election + (local.date === 1 ? perDay * 0.8 : 0);
    },
    observe: costObserve(rng, 0.04),
    menu: [
      { type: "spike", min: 1, max: 5, weight: 2 },
      { type: "level-shift", min: 1, max: 2, weight: 1 },
    ],
    size: (type) => (type === "spike" ? between(rng, 1.8, 4) : between(rng, 1.25, 1.6)),
    mode: "mul",
  };
};

// --- the seed's dashboards ---------------------------------------------------------------------

const FAMILIES: Array<[Family, number]> = [
  [edgeLatency, 4],
  [startFailureRate, 4],
  [startFailureCount, 2],
  [transcodeDuration, 2],
  [liveAudience, 3],
  [vodPlays, 3],
  [egressCostDaily, 1],
  [transcodeCostHourly, 1],
  [playback5xxRate, 2],
  [manifest404, 2],
  [rebufferRatio, 2],
  [articlesHourly, 3],
  [pageviews, 2],
  [publishToLive, 1],
  [wireIngest, 2],
  [pushFailures, 1],
  [webRender, 2],
  [articlesDaily, 1],
  [newsroomCostDaily, 1],
];

/** "Now" for a seed: often within three weeks after a DST change, so hourly series cross it. */
function pickNow(rng: Rng): number {
  const year = pick(rng, [2025, 2026]);
  const roll = rng();
  let day: number;
  if (roll < 0.2) day = sundayOf(year, 2, -1) / DAY + intBetween(rng, 2, 20);
  else if (roll < 0.35) day = sundayOf(year, 9, -1) / DAY + intBetween(rng, 2, 20);
  else if (roll < 0.45) day = sundayOf(year, 10, 1) / DAY + intBetween(rng, 2, 20);
  else day = Date.UTC(year, 0, 1) / DAY + intBetween(rng, 0, 364);
  return day * DAY + intBetween(rng, 0, 24 * 60 - 1) * MINUTE;
}

/**
 * The dashboards of one media company for a seed: 40–60 labelled series ending at the same "now".
 * Example: `generateSeries(1).filter((s) => s.kind === "error_rate")`.
 */
export function generateSeries(seed: number): GeneratedSeries[] {
  const rng = mulberry32(mix(seed, 0x6d656469));
  const now = pickNow(rng);
  const cal: Calendar = {
    seed: seed >>> 0,
    now,
    electionDay: Math.floor(now / DAY) - intBetween(rng, 1, 12),
  };
  const total = intBetween(rng, 40, 60);
  const chosen: Family[] = FAMILIES.map(([family]) => family);
  const weightSum = FAMILIES.reduce((sum, [, weight]) => sum + weight, 0);
  while (chosen.length < total) {
    let r = rng() * weightSum;
    const entry = FAMILIES.find(([, weight]) => (r -= weight) < 0) ?? FAMILIES[0];
    if (entry) chosen.push(entry[0]);
  }
  const seen = new Map<string, number>();
  return chosen.map((family, index) => {
    const seriesRng = mulberry32(mix(seed, index, 0x5e7));
    const series = buildSeries(seriesRng, family(seriesRng, cal));
    const copies = (seen.get(series.id) ?? 0) + 1;
    seen.set(series.id, copies);
    return copies === 1 ? series : { ...series, id: `${series.id}#${copies}` };
  });
}
