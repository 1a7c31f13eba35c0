/**
 * The life of an alert on one series, as a pure decision per evaluated point: open one when a
 * point is anomalous and none is open; while the condition lasts, update that alert (last seen,
 * evidence, peak score) instead of opening another; resolve it by itself once the series has been
 * back inside its band for `resolveAfterPoints` consecutive points.
 */
import type { Anomaly, DetectionResult, DetectorName, MetricPoint } from "./types";

export type AlertSeverity = "warning" | "critical";

export type AlertEvidence = {
  at: number;
  value: number;
  score: number;
  band: [number, number];
  reason: string;
  detector: DetectorName;
};

export type SeriesAlert = {
  seriesId: string;
  status: "open" | "resolved";
  severity: AlertSeverity;
  openedAt: number;
  /** The newest anomalous point. */
  lastSeenAt: number;
  /** The newest point judged, so a point evaluated twice counts once. */
  lastEvaluatedAt: number;
  resolvedAt: number | null;
  peakScore: number;
  /** Anomalous points while open. */
  occurrences: number;
  /** Consecutive points back inside the band. */
  calmPoints: number;
  /** The newest anomalous point, with the detector's reason. */
  evidence: AlertEvidence;
};

/** One point of a series as the detectors judged it. */
export type AlertEvaluation = {
  seriesId: string;
  at: number;
  value: number;
  band: [number, number];
  anomaly: Pick<Anomaly, "score" | "reason" | "detector"> | null;
};

/** "calm": a point back inside the band, counted towards resolving; keep the returned alert. */
export type AlertAction = "open" | "update" | "calm" | "resolve" | "none";
export type AlertDecision = { action: AlertAction; alert: SeriesAlert | null };

export type AlertPolicy = {
  /** Points back inside the band that resolve an open alert (default 3). */
  resolveAfterPoints: number;
  /** Scores at or past this are critical (default 8, with the medium threshold at 5). */
  criticalScore: number;
};

const DEFAULT_POLICY: AlertPolicy = { resolveAfterPoints: 3, criticalScore: 8 };

/**
 * Severity from a score.
 * @example severityOf(9.2) // "critical"
 */
export function severityOf(
  score: number,
  criticalScore = DEFAULT_POLICY.criticalScore,
): AlertSeverity {
  return score >= criticalScore ? "critical" : "warning";
}

/**
 * Decides what one evaluated point does to the series' alert. `previous` is its open alert, if any
 * (a resolved one counts as none). Always keep the returned alert.
 * @example
 * let alert = null;
 * for (const evaluation of listEvaluations("mcp:search", points, report, lastRunAt)) {
 *   const decision = decideAlert(alert, evaluation);
 *   if (decision.action === "open") notify(decision.alert);
 *   alert = decision.alert;
 * }
 */
export function decideAlert(
  previous: SeriesAlert | null,
  evaluation: AlertEvaluation,
  policy: Partial<AlertPolicy> = {},
): AlertDecision {
  const { resolveAfterPoints, criticalScore } = { ...DEFAULT_POLICY, ...policy };
  const open = previous?.status === "open" ? previous : null;
  if (open && open.seriesId !== evaluation.seriesId) {
    throw new Error(
      `alert for series ${open.seriesId} given a point of series ${evaluation.seriesId}`,
    );
  }
  if (open && evaluation.at <= open.lastEvaluatedAt) return { action: "none", alert: open };
  const { anomaly } = evaluation;

  if (anomaly) {
    const evidence: AlertEvidence = {
      at: evaluation.at,
      value: evaluation.value,
      band: evaluation.band,
      ...anomaly,
    };
    if (!open) {
      return {
        action: "open",
        alert: {
          seriesId: evaluation.seriesId,
          status: "open",
          severity: severityOf(anomaly.score, criticalScore),
          openedAt: evaluation.at,
          lastSeenAt: evaluation.at,
          lastEvaluatedAt: evaluation.at,
          resolvedAt: null,
          peakScore: anomaly.score,
          occurrences: 1,
          calmPoints: 0,
          evidence,
        },
      };
    }
    const peakScore = Math.max(open.peakScore, anomaly.score);
    return {
      action: "update",
      alert: {
        ...open,
        // Severity only rises while the alert is open: a critical spell stays critical.
        severity: severityOf(peakScore, criticalScore),
        lastSeenAt: evaluation.at,
        lastEvaluatedAt: evaluation.at,
        peakScore,
        occurrences: open.occurrences + 1,
        calmPoints: 0,
        evidence,
      },
    };
  }

  if (!open) return { action: "none", alert: null };
  const calmPoints = open.calmPoints + 1;
  if (calmPoints >= resolveAfterPoints) {
    return {
      action: "resolve",
      alert: {
        ...open,
        status: "resolved",
        resolvedAt: evaluation.at,
        lastEvaluatedAt: evaluation.at,
        calmPoints,
      },
    };
  }
  return { action: "calm", alert: { ...open, lastEvaluatedAt: evaluation.at, calmPoints } };
}

/**
 * The points after `afterAt` as evaluations, in time order, from a detection over the series.
 * @example listEvaluations("workflow:42:latency", points, detectAnomalies(points, { kind: "latency" }), lastRunAt)
 */
export function listEvaluations(
  seriesId: string,
  points: readonly MetricPoint[],
  detection: DetectionResult,
  afterAt: number,
): AlertEvaluation[] {
  const valueAt = new Map(points.map(([at, value]) => [at, value]));
  const anomalyAt = new Map(detection.anomalies.map((a) => [a.at, a]));
  return detection.band
    .filter((b) => b.at > afterAt)
    .map((b) => {
      const anomaly = anomalyAt.get(b.at);
      return {
        seriesId,
        at: b.at,
        value: valueAt.get(b.at) ?? b.expected,
        band: [b.low, b.high] as [number, number],
        anomaly: anomaly
          ? { score: anomaly.score, reason: anomaly.reason, detector: anomaly.detector }
          : null,
      };
    });
}

/**
 * Runs `decideAlert` over evaluations in order; returns the alert to keep and what happened.
 * @example foldAlert(openAlert, listEvaluations(id, points, report, openAlert.lastEvaluatedAt)).actions // ["update", "calm"]
 */
export function foldAlert(
  previous: SeriesAlert | null,
  evaluations: readonly AlertEvaluation[],
  policy: Partial<AlertPolicy> = {},
): { alert: SeriesAlert | null; actions: AlertAction[] } {
  let alert = previous;
  const actions: AlertAction[] = [];
  for (const evaluation of evaluations) {
    const decision = decideAlert(alert?.status === "open" ? alert : null, evaluation, policy);
    actions.push(decision.action);
    // A resolved alert is kept to return, but the next anomalous point opens a new one.
    if (decision.alert || decision.action !== "none") alert = decision.alert;
  }
  return { alert, actions };
}
