/**
 * Anomaly-detection benchmark, printing one JSON object:
 * - precision / recall / meanDetectionDelayPoints: detectAnomalies with each series' kind defaults
 *   over 200 generated series of 2,000 points (engine/anomaly/generate-series.ts, "mixed" family:
 *   spikes, dips and level shifts over noise, trends, daily and weekly rhythms and gaps, all four
 *   kinds), scored by engine/anomaly/score-detections.ts (tolerance: 5 points after an anomaly);
 * - falsePositivesPer1000Points: flagged points outside every labelled window;
 * - pointsPerSecond: points through detectAnomalies per second (seasonality search, detectors,
 *   band and reasons included), best of 5 passes over the whole set after a warm-up pass;
 *   pointsPerCpuSecond: the same per second of this process's CPU time (user + system) in its
 *   best pass, which other work on a shared machine moves far less than the wall clock;
 * - heapMb: heap in use at the end;
 * - generators: each independent writer's generator (engine/anomaly/__fixtures__/generators/<writer>.ts,
 *   seeds 1–3) with the shipped defaults, and per event kind (detected / labelled) and per detector
 *   (false flags), so a regression names what it broke;
 * - leaveOneGeneratorOut: the tuning parameters (the threshold in scales, the share of it a
 *   level shift needs, the scales from which a recurring effect is believed (or none), the
 *   quantile the tail calibration reads and the most it may widen the threshold by, over a small
 *   grid) chosen on every generator but one, by the mean F1 over
 *   those, then scored on the one left out; `untunedPrecision` / `untunedRecall` pool the held-out
 *   figures of the independent generators (never a generator its parameters were chosen on);
 *   `untunedBySeed` pools them per generator seed and `untunedWorstSeed` is the worst seed's
 *   precision and recall (each fold's `bySeed` too), since a pool over three seeds hides one bad seed.
 *   `defaults` are what the app ships (chosen the same way on all sets, at the shipped medium
 *   threshold, which is also the app's sensitivity scale: `chosenOnAllAtShippedThreshold`);
 *   `chosenOnAll` is the rule's pick with the threshold free too; `tunedOn` names the sets.
 * - recorded: series from what the app records for its Demo tenant (bench/anomaly-recorded.ts: the
 *   demo's month of runs as the watcher's workflow and tenant series, and the demo's latency spike),
 *   judged as the watcher judges them (`detectOn`) and labelled from how the history was made; never
 *   used to choose anything. Precision and recall over all of it and for the app's own seed, events
 *   detected per label and flags per watched metric; `labelsInOpening` counts labels left out
 *   because they end before a series' first point that can be judged.
 * - sealed: generators nobody who changes the detectors has looked at (`SEALED`), with the shipped
 *   defaults: precision and recall on data that could not have been fitted.
 *   npx tsx bench/anomaly.ts [--seed=1]
 */
import { detectAnomalies } from "../engine/anomaly/detect-anomalies";
import {
  MAX_TAIL_FACTOR,
  RECURRENCE_FLOOR,
  SHIFT_SHARE,
  TAIL_QUANTILE,
} from "../engine/anomaly/detectors";
import { thresholdFor } from "../engine/anomaly/kind-profiles";
import { generateSeriesSet } from "../engine/anomaly/generate-series";
import {
  type DetectionScore,
  scoreDetections,
  summarizeScores,
} from "../engine/anomaly/score-detections";
import * as bizGenerator from "../engine/anomaly/__fixtures__/generators/biz";
import * as labGenerator from "../engine/anomaly/__fixtures__/generators/lab";
import * as opsGenerator from "../engine/anomaly/__fixtures__/generators/ops";
import * as mediaGenerator from "../engine/anomaly/__fixtures__/generators/media";
import * as plantGenerator from "../engine/anomaly/__fixtures__/generators/plant";
import type { LabelledSeries } from "../engine/anomaly/generate-series";
import { flaggedOn, recordedSet } from "./anomaly-recorded";
import { DEMO_HISTORY_SEED } from "../server/demo-run-history";

/** Generators written independently of each other and of the detectors. */
const GENERATORS: Record<string, (seed: number) => Omit<LabelledSeries, "family">[]> = {
  biz: bizGenerator.generateSeries,
  lab: labGenerator.generateSeries,
  ops: opsGenerator.generateSeries,
  // Sealed until 2026-12-07, when its false flags (scheduled batch peaks, month-end, backfills
  // after gaps) were studied to change the detectors: from then on a tuning generator like the rest.
  plant: plantGenerator.generateSeries,
};
/**
 * Generators kept sealed: written by writers who never saw the detectors, and looked at by nobody
 * who changes them. Scored with the shipped defaults only, never in a tuning fold: the one figure
 * here nobody could have fitted. Once someone studies its misses to change a detector, it becomes
 * a tuning generator (move it to GENERATORS) and a new sealed one is written. `plant` was sealed
 * until 2026-12-07 and is studied from then on; `media` is the sealed one.
 */
const SEALED: Record<string, (seed: number) => Omit<LabelledSeries, "family">[]> = {
  media: mediaGenerator.generateSeries,
};
const GENERATOR_SEEDS = [1, 2, 3];
/** The grid the leave-one-generator-out folds choose from; the defaults sit on it. */
const THRESHOLDS = [4.5, 5, 5.5];
const SHIFT_SHARES = [0.6, 0.8, 1];
/** Recurring effects (engine/anomaly/recurrence.ts) believed from this many scales, or not at all. */
const RECURRENCE_FLOORS = [2, Infinity];
/** The quantile of |score| the tail calibration reads: the noise's shoulders or its tail. */
const TAIL_QUANTILES = [0.95, 0.99];
/** The most the tail calibration may widen the threshold by. */
const MAX_TAIL_FACTORS = [1.6, 2];

type Series = Omit<LabelledSeries, "family">;
type Tuning = {
  threshold: number;
  shiftShare: number;
  recurrenceFloor: number;
  tailQuantile: number;
  maxTailFactor: number;
};

/** Each series' score with kind defaults (or a tuning). */
function scoreEach(set: readonly Series[], tuning?: Tuning) {
  return set.map((series) =>
    scoreDetections(
      { ...series, family: "mixed" },
      detectAnomalies(series.points, { kind: series.kind, ...tuning }).anomalies.map((a) => a.at),
    ),
  );
}

/** Precision and recall of detectAnomalies with kind defaults (or a tuning) over labelled series. */
function scoreSet(set: readonly Series[], tuning?: Tuning) {
  return summarizeScores(scoreEach(set, tuning));
}

/** A labelled set and the generator seed each of its series came from. */
type SeededSet = { series: readonly Series[]; seeds: readonly number[] };

const f1 = (s: { precision: number; recall: number }) =>
  s.precision + s.recall > 0 ? (2 * s.precision * s.recall) / (s.precision + s.recall) : 0;

/**
 * For each set, the tuning with the best mean F1 over the other sets, scored on that set; and the
 * tuning the same rule picks over all sets (what the defaults should be).
 */
function leaveOneGeneratorOut(sets: Record<string, SeededSet>) {
  const grid = THRESHOLDS.flatMap((threshold) =>
    SHIFT_SHARES.flatMap((shiftShare) =>
      RECURRENCE_FLOORS.flatMap((recurrenceFloor) =>
        TAIL_QUANTILES.flatMap((tailQuantile) =>
          MAX_TAIL_FACTORS.map((maxTailFactor) => ({
            threshold,
            shiftShare,
            recurrenceFloor,
            tailQuantile,
            maxTailFactor,
          })),
        ),
      ),
    ),
  );
  // Every set scored once per grid point; the folds only choose among these scores. Each
  // generator seed's share is kept too, so the held-out figures can be read per seed.
  const scores = grid.map((tuning) => {
    const each = Object.fromEntries(
      Object.entries(sets).map(([n, set]) => [n, scoreEach(set.series, tuning)]),
    );
    return {
      tuning,
      bySet: Object.fromEntries(Object.entries(each).map(([n, s]) => [n, summarizeScores(s)])),
      bySeed: Object.fromEntries(
        Object.entries(each).map(([n, s]) => [n, bySeed(s, sets[n]!.seeds)]),
      ),
    };
  });
  const bestOn = (names: string[], among = scores) => {
    let best = among[0]!;
    let bestF1 = -1;
    for (const candidate of among) {
      const mean = names.reduce((sum, n) => sum + f1(candidate.bySet[n]!), 0) / names.length;
      if (mean > bestF1 + 1e-9) {
        best = candidate;
        bestF1 = mean;
      }
    }
    return best;
  };
  const names = Object.keys(sets);
  const folds = names.map((heldOut) => {
    const chosen = bestOn(names.filter((n) => n !== heldOut));
    return {
      heldOut,
      tuning: chosen.tuning,
      summary: chosen.bySet[heldOut]!,
      bySeed: chosen.bySeed[heldOut]!,
    };
  });
  // The threshold is also the app's sensitivity scale (low / medium / high around it), which the
  // shipped defaults keep; the other parameters are chosen by the same rule at that threshold.
  const atShippedThreshold = scores.filter((s) => s.tuning.threshold === thresholdFor("medium"));
  return {
    folds,
    onAll: bestOn(names).tuning,
    onAllAtShippedThreshold: bestOn(names, atShippedThreshold).tuning,
  };
}

/** Scores summed per generator seed, in seed order. */
function bySeed(scores: readonly DetectionScore[], seeds: readonly number[]) {
  const groups = new Map<number, DetectionScore[]>();
  scores.forEach((score, i) => {
    const seed = seeds[i]!;
    if (!groups.has(seed)) groups.set(seed, []);
    groups.get(seed)!.push(score);
  });
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([seed, group]) => ({ seed, scores: group }));
}

/** Detected / labelled per kind and event type, and false flags per kind and detector. */
function breakDown(set: readonly Series[], tolerance = 5) {
  const events: Record<string, [number, number]> = {};
  const falseFlags: Record<string, number> = {};
  for (const series of set) {
    const indexOf = new Map(series.points.map(([t], i) => [t, i]));
    const report = detectAnomalies(series.points, { kind: series.kind });
    const flags = report.anomalies.map((a) => ({ i: indexOf.get(a.at) ?? -1, by: a.detector }));
    for (const label of series.labels) {
      const key = `${series.kind} ${label.type}`;
      const tally = (events[key] ??= [0, 0]);
      tally[1]++;
      if (flags.some((f) => f.i >= label.index && f.i <= label.end + tolerance)) tally[0]++;
    }
    for (const flag of flags) {
      const inWindow = series.labels.some((l) => flag.i >= l.index && flag.i <= l.end + tolerance);
      if (inWindow) continue;
      const key = `${series.kind} ${flag.by}`;
      falseFlags[key] = (falseFlags[key] ?? 0) + 1;
    }
  }
  return {
    detected: Object.fromEntries(
      Object.entries(events)
        .sort()
        .map(([k, [hit, all]]) => [k, `${hit}/${all}`]),
    ),
    falseFlags: Object.fromEntries(Object.entries(falseFlags).sort((a, b) => b[1] - a[1])),
  };
}

/** The recorded set scored with the watcher's own settings; nothing is chosen on it. */
function scoreRecorded() {
  const set = recordedSet();
  const scored = set.map((series) => {
    const flagged = flaggedOn(series);
    return { series, flagged, score: scoreDetections(series, flagged) };
  });
  const events: Record<string, [number, number]> = {};
  const flags: Record<string, [number, number]> = {};
  for (const { series, flagged, score } of scored) {
    const name = series.metric.metric;
    const tally = (flags[name] ??= [0, 0]);
    tally[0] += score.truePositives;
    tally[1] += flagged.length;
    const indexOf = new Map(series.points.map(([t], i) => [t, i]));
    const at = flagged.map((t) => indexOf.get(t) ?? -1);
    for (const label of series.labels) {
      const key = `${name} ${label.type}`;
      const e = (events[key] ??= [0, 0]);
      e[1]++;
      if (at.some((i) => i >= label.index && i <= label.end + 5)) e[0]++;
    }
  }
  const all = summarizeScores(scored.map((s) => s.score));
  const appSeed = summarizeScores(
    scored
      .filter(({ series }) => series.id.startsWith(`demo-${DEMO_HISTORY_SEED} `))
      .map((s) => s.score),
  );
  const round = (value: number) => Number(value.toFixed(3));
  return {
    series: set.length,
    points: set.reduce((sum, s) => sum + s.points.length, 0),
    events: all.events,
    labelsInOpening: set.reduce((sum, s) => sum + s.labelsInOpening.length, 0),
    flagged: all.flagged,
    precision: round(all.precision),
    recall: round(all.recall),
    appSeed: {
      seed: DEMO_HISTORY_SEED,
      events: appSeed.events,
      flagged: appSeed.flagged,
      precision: round(appSeed.precision),
      recall: round(appSeed.recall),
    },
    detected: Object.fromEntries(
      Object.entries(events)
        .sort()
        .map(([k, [hit, n]]) => [k, `${hit}/${n}`]),
    ),
    truePerFlaggedByMetric: Object.fromEntries(
      Object.entries(flags)
        .filter(([, [, n]]) => n > 0)
        .sort()
        .map(([k, [tp, n]]) => [k, `${tp}/${n}`]),
    ),
  };
}

const SERIES = 200;
const POINTS = 2000;
const PASSES = 5;

function readSeed(argv: string[]): number {
  const arg = argv.find((a) => a.startsWith("--seed="));
  const seed = arg ? Number(arg.slice("--seed=".length)) : 1;
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${arg}`);
  return seed;
}

function main() {
  const seed = readSeed(process.argv.slice(2));
  const set = generateSeriesSet({ seed, count: SERIES, length: POINTS });
  const totalPoints = set.reduce((sum, s) => sum + s.points.length, 0);

  const summary = summarizeScores(
    set.map((series) =>
      scoreDetections(
        series,
        detectAnomalies(series.points, { kind: series.kind }).anomalies.map((a) => a.at),
      ),
    ),
  );

  let bestMs = Infinity;
  let bestCpuMs = Infinity;
  let flagged = 0; // kept so the passes cannot be optimised away
  for (let pass = 0; pass <= PASSES; pass++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (const series of set)
      flagged += detectAnomalies(series.points, { kind: series.kind }).anomalies.length;
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpuStarted);
    if (pass > 0) {
      // pass 0 warms up the JIT
      bestMs = Math.min(bestMs, elapsed);
      bestCpuMs = Math.min(bestCpuMs, (cpu.user + cpu.system) / 1000);
    }
  }
  if (flagged === 0)
    throw new Error("nothing was flagged: the generated set or the detectors are broken");

  const round = (value: number, digits = 3) => Number(value.toFixed(digits));
  const perGenerator = Object.entries(GENERATORS).map(([name, generate]) => {
    const bySeedSeries = GENERATOR_SEEDS.map((s) => generate(s));
    const series = bySeedSeries.flat();
    const seeds = bySeedSeries.flatMap((list, k) => list.map(() => GENERATOR_SEEDS[k]!));
    return { name, series, seeds, summary: scoreSet(series), breakdown: breakDown(series) };
  });
  const logo = leaveOneGeneratorOut({
    ours: { series: set, seeds: set.map(() => seed) },
    ...Object.fromEntries(perGenerator.map((g) => [g.name, { series: g.series, seeds: g.seeds }])),
  });
  const heldOut = logo.folds.filter((f) => f.heldOut !== "ours");
  const untuned = summarizeScores(heldOut.map((f) => f.summary));
  // The held-out figures per generator seed (each generator's series of that seed, scored with
  // what its fold chose), and the worst seed's: pooled over three seeds, one seed's luck hides.
  const untunedBySeed = GENERATOR_SEEDS.map((generatorSeed) => {
    const s = summarizeScores(
      heldOut.flatMap((f) => f.bySeed.find((b) => b.seed === generatorSeed)?.scores ?? []),
    );
    return { seed: generatorSeed, precision: round(s.precision), recall: round(s.recall) };
  });
  process.stdout.write(
    `${JSON.stringify(
      {
        seed,
        series: SERIES,
        points: totalPoints,
        events: summary.events,
        precision: round(summary.precision),
        recall: round(summary.recall),
        meanDetectionDelayPoints: round(summary.meanDetectionDelayPoints),
        falsePositivesPer1000Points: round(
          ((summary.flagged - summary.truePositives) / totalPoints) * 1000,
        ),
        pointsPerSecond: Math.round(totalPoints / (bestMs / 1000)),
        pointsPerCpuSecond: Math.round(totalPoints / (bestCpuMs / 1000)),
        heapMb: round(process.memoryUsage().heapUsed / (1024 * 1024), 1),
        defaults: {
          threshold: thresholdFor("medium"),
          shiftShare: SHIFT_SHARE,
          recurrenceFloor: RECURRENCE_FLOOR,
          tailQuantile: TAIL_QUANTILE,
          maxTailFactor: MAX_TAIL_FACTOR,
        },
        tunedOn: ["ours", ...perGenerator.map((g) => g.name)],
        chosenOnAll: logo.onAll,
        chosenOnAllAtShippedThreshold: logo.onAllAtShippedThreshold,
        generators: Object.fromEntries(
          perGenerator.map(({ name, series, summary: s, breakdown }) => [
            name,
            {
              series: series.length,
              events: s.events,
              precision: round(s.precision),
              recall: round(s.recall),
              ...breakdown,
            },
          ]),
        ),
        leaveOneGeneratorOut: Object.fromEntries(
          logo.folds.map((f) => [
            f.heldOut,
            {
              tunedOn: logo.folds.map((g) => g.heldOut).filter((n) => n !== f.heldOut),
              chosen: f.tuning,
              precision: round(f.summary.precision),
              recall: round(f.summary.recall),
              bySeed: f.bySeed.map(({ seed: generatorSeed, scores }) => {
                const s = summarizeScores(scores);
                return {
                  seed: generatorSeed,
                  precision: round(s.precision),
                  recall: round(s.recall),
                };
              }),
            },
          ]),
        ),
        untunedPrecision: round(untuned.precision),
        untunedRecall: round(untuned.recall),
        untunedBySeed,
        untunedWorstSeed: {
          precision: Math.min(...untunedBySeed.map((s) => s.precision)),
          recall: Math.min(...untunedBySeed.map((s) => s.recall)),
        },
        recorded: scoreRecorded(),
        sealed: Object.fromEntries(
          Object.entries(SEALED).map(([name, generate]) => {
            const series = GENERATOR_SEEDS.flatMap((s) => generate(s));
            const scored = scoreSet(series);
            return [
              name,
              {
                series: series.length,
                events: scored.events,
                precision: round(scored.precision),
                recall: round(scored.recall),
              },
            ];
          }),
        ),
      },
      (_key, value: unknown) => (value === Infinity ? "off" : value),
    )}\n`,
  );
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
