import { describe, expect, it } from "vitest";
import {
  decideAlert,
  foldAlert,
  listEvaluations,
  severityOf,
  type AlertEvaluation,
} from "./alert-lifecycle";
import { detectAnomalies } from "./detect-anomalies";
import type { MetricPoint } from "./types";

const minute = 60_000;
const at = (i: number) => Date.UTC(2026, 0, 5) + i * minute;

/** An evaluated point: anomalous with `score`, or calm. */
const point = (i: number, score?: number): AlertEvaluation => ({
  seriesId: "mcp:search:error_rate",
  at: at(i),
  value: score ? 0.3 : 0.01,
  band: [0, 0.04],
  anomaly: score
    ? {
        score,
        reason: `error rate is ${score} deviations above its moving average`,
        detector: "ewma",
      }
    : null,
});

describe("decideAlert", () => {
  it("opens one alert and updates it while the anomaly lasts, instead of opening more", () => {
    const opened = decideAlert(null, point(1, 6));
    expect(opened.action).toBe("open");
    expect(opened.alert).toMatchObject({
      status: "open",
      severity: "warning",
      openedAt: at(1),
      lastSeenAt: at(1),
      occurrences: 1,
    });
    const updated = decideAlert(opened.alert, point(2, 9));
    expect(updated.action).toBe("update");
    expect(updated.alert).toMatchObject({
      openedAt: at(1),
      lastSeenAt: at(2),
      occurrences: 2,
      peakScore: 9,
      severity: "critical",
    });
    expect(updated.alert?.evidence).toMatchObject({ at: at(2), score: 9 });
    // Severity stays critical while open, even when the newest point is milder.
    expect(decideAlert(updated.alert, point(3, 5.5)).alert).toMatchObject({
      severity: "critical",
      occurrences: 3,
    });
  });

  it("counts a point evaluated twice once", () => {
    const opened = decideAlert(null, point(1, 6)).alert;
    expect(decideAlert(opened, point(1, 6))).toEqual({ action: "none", alert: opened });
  });

  it("resolves after K consecutive points back inside the band; an anomaly in between starts the count over", () => {
    const { alert, actions } = foldAlert(
      null,
      [point(1, 6), point(2), point(3), point(4, 7), point(5), point(6), point(7)],
      { resolveAfterPoints: 3 },
    );
    expect(actions).toEqual(["open", "calm", "calm", "update", "calm", "calm", "resolve"]);
    expect(alert).toMatchObject({ status: "resolved", resolvedAt: at(7), lastSeenAt: at(4) });
  });

  it("opens a new alert after a resolved one, and does nothing without an anomaly", () => {
    const { alert } = foldAlert(null, [point(1, 6), point(2), point(3), point(4)]);
    expect(alert?.status).toBe("resolved");
    expect(decideAlert(alert, point(5))).toEqual({ action: "none", alert: null });
    expect(decideAlert(alert, point(6, 6))).toMatchObject({
      action: "open",
      alert: { openedAt: at(6), occurrences: 1 },
    });
  });

  it("refuses a point of another series", () => {
    const opened = decideAlert(null, point(1, 6)).alert;
    expect(() => decideAlert(opened, { ...point(2, 6), seriesId: "other" })).toThrow(/series/);
  });

  it("grades severity by score", () => {
    expect(severityOf(7.9)).toBe("warning");
    expect(severityOf(8)).toBe("critical");
    expect(severityOf(6, 5)).toBe("critical");
  });
});

describe("listEvaluations", () => {
  it("turns a detection into evaluations of the points after a time, ready for foldAlert", () => {
    const points: MetricPoint[] = Array.from({ length: 100 }, (_, i) => [
      at(i),
      i >= 90 && i < 92 ? 0.4 : 0.01 + 0.002 * Math.sin(i),
    ]);
    const detection = detectAnomalies(points, { kind: "error_rate" });
    const evaluations = listEvaluations("s", points, detection, at(85));
    expect(evaluations.map((e) => e.at)).toEqual(points.slice(86).map(([t]) => t));
    expect(evaluations.filter((e) => e.anomaly).map((e) => e.value)).toEqual([0.4, 0.4]);
    const { alert, actions } = foldAlert(null, evaluations);
    expect(actions.slice(0, 6)).toEqual(["none", "none", "none", "none", "open", "update"]);
    expect(alert).toMatchObject({ status: "resolved", openedAt: at(90), lastSeenAt: at(91) });
  });
});
