import { describe, expect, it } from "vitest";
import type { RollupRow } from "@/server/repositories/metric-rollups";
import { demoAnomalyDeltas, DEMO_SPIKE_MINUTES } from "./demo-anomalies";
import { detectOn, findWatchedMetric, pointsOf } from "./services/watched-series";

describe("the demo's latency history", () => {
  it("ends in a spike the watcher's detectors flag, and nothing before it", () => {
    const step = 60_000;
    const last = Date.UTC(2026, 6, 1);
    const rows: RollupRow[] = demoAnomalyDeltas({ tenantId: "t", workflowId: "w" }, step, last);
    const metric = findWatchedMetric("workflow.latency_p95")!;
    const points = pointsOf(metric, rows, step, last - 6 * 3_600_000, last);
    expect(points).toHaveLength(360);
    const flagged = detectOn(metric, points, rows, step, undefined).anomalies.map((a) => a.at);
    const spike = points.slice(-DEMO_SPIKE_MINUTES).map(([t]) => t);
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.every((t) => spike.includes(t))).toBe(true);
  });
});
