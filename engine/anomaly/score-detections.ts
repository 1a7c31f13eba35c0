/**
 * Scores flagged points against a generated series' labels, for the tests and the bench.
 * A labelled anomaly is detected when a point is flagged from its onset to `tolerance` points after
 * its last anomalous point; a flagged point is a true positive when it falls in such a window, so
 * precision is counted per flagged point (a detector that flags 20 points for one shift pays for it).
 */
import type { LabelledSeries } from "./generate-series";

export type DetectionScore = {
  flagged: number;
  truePositives: number;
  events: number;
  detected: number;
  /** Sum over detected events of (first flag in the window − onset), in points. */
  delaySum: number;
};

export type DetectionSummary = DetectionScore & {
  precision: number;
  recall: number;
  meanDetectionDelayPoints: number;
};

/**
 * Matches flagged timestamps against one series' labels.
 * @example scoreDetections(series, detectAnomalies(series.points, { kind: series.kind }).anomalies.map((a) => a.at))
 */
export function scoreDetections(
  series: LabelledSeries,
  flaggedAt: readonly number[],
  tolerance = 5,
): DetectionScore {
  const indexOf = new Map(series.points.map(([t], i) => [t, i]));
  const flagged = flaggedAt.map((t) => indexOf.get(t) ?? -1);
  const windows = series.labels.map((l) => [l.index, l.end + tolerance] as const);
  const truePositives = flagged.filter((i) =>
    windows.some(([from, to]) => i >= from && i <= to),
  ).length;
  let detected = 0;
  let delaySum = 0;
  for (const [from, to] of windows) {
    const first = flagged.filter((i) => i >= from && i <= to).sort((a, b) => a - b)[0];
    if (first === undefined) continue;
    detected++;
    delaySum += first - from;
  }
  return { flagged: flagged.length, truePositives, events: windows.length, detected, delaySum };
}

/**
 * Adds scores up and derives precision, recall and mean delay (1 when there was nothing to get wrong).
 * @example summarizeScores(scores).precision // 0.97
 */
export function summarizeScores(scores: readonly DetectionScore[]): DetectionSummary {
  const total = scores.reduce(
    (sum, s) => ({
      flagged: sum.flagged + s.flagged,
      truePositives: sum.truePositives + s.truePositives,
      events: sum.events + s.events,
      detected: sum.detected + s.detected,
      delaySum: sum.delaySum + s.delaySum,
    }),
    { flagged: 0, truePositives: 0, events: 0, detected: 0, delaySum: 0 },
  );
  return {
    ...total,
    precision: total.flagged ? total.truePositives / total.flagged : 1,
    recall: total.events ? total.detected / total.events : 1,
    meanDetectionDelayPoints: total.detected ? total.delaySum / total.detected : 0,
  };
}
