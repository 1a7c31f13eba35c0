import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RollupRow } from "@/server/repositories/metric-rollups";
import { signWebhook } from "./alert-webhooks";
import { binOf, quantileOfHist } from "./metric-recorder";
import { createRandom } from "@/engine/anomaly/generate-series";
import {
  detectOn,
  findWatchedMetric,
  forecastOn,
  formatMetricValue,
  pointsOf,
} from "./watched-series";

const row = (at: number, fields: Partial<RollupRow>): RollupRow => ({
  tenantId: "t",
  source: "workflow",
  subject: "w",
  bucketStart: new Date(at),
  count: 0,
  errors: 0,
  durationMs: 0,
  tokens: 0,
  costUsd: 0,
  gaugeMax: 0,
  hist: [],
  ...fields,
});

describe("watched series", () => {
  it("turns rollups into rate points, leaving empty buckets out and never judging the bucket still filling", () => {
    const m = findWatchedMetric("workflow.failure_rate")!;
    const rows = [
      row(0, { count: 4, errors: 1 }),
      row(120_000, { count: 2, errors: 2 }),
      row(180_000, { count: 10, errors: 0 }),
    ];
    expect(pointsOf(m, rows, 60_000, 0, 180_000)).toEqual([
      [0, 0.25],
      [120_000, 1],
    ]);
  });

  it("counts per hour add the minute buckets of the hour and fill quiet hours with zero", () => {
    const m = findWatchedMetric("tenant.runs_per_hour")!;
    const rows = [row(0, { count: 3 }), row(60_000, { count: 4 }), row(7_200_000, { count: 1 })];
    expect(pointsOf(m, rows, 3_600_000, 0, 3 * 3_600_000)).toEqual([
      [0, 7],
      [3_600_000, 0],
      [7_200_000, 1],
    ]);
  });

  it("reads the 95th percentile from the log histogram within one bin (9 %)", () => {
    const hist: number[] = [];
    for (let v = 1; v <= 1000; v++) hist[binOf(v * 10)] = (hist[binOf(v * 10)] ?? 0) + 1;
    const p95 = quantileOfHist(hist, 0.95)!;
    expect(p95 / 9_500).toBeGreaterThan(2 ** (-1 / 8));
    expect(p95 / 9_500).toBeLessThan(2 ** (1 / 8));
    expect(quantileOfHist([], 0.95)).toBeNull();
  });

  it("formats values by unit", () => {
    expect(formatMetricValue({ unit: "ms" }, 2340.4)).toBe("2,340 ms");
    expect(formatMetricValue({ unit: "ratio" }, 0.041)).toBe("4.1 %");
    expect(formatMetricValue({ unit: "usd" }, 0.01234)).toBe("$0.0123");
  });
});

describe("a sparse tenant's cost and tokens per hour, as the watcher judges them", () => {
  const HOUR = 3_600_000;
  const HOURS = 28 * 24;
  /**
   * Tenant rollups of an LLM workflow run about once every five hours (a run's minute bucket:
   * 1,800 tokens ±25 % at $0.4 per million), with `extra` runs added to one hour.
   */
  function tenantRows(seed: number, extra?: { hour: number; runs: number }) {
    const random = createRandom(seed);
    const rows: RollupRow[] = [];
    for (let h = 0; h < HOURS; h++) {
      const runs = (random.next() < 0.2 ? 1 : 0) + (extra?.hour === h ? extra.runs : 0);
      for (let r = 0; r < runs; r++) {
        const tokens = Math.round(1_800 * Math.exp(0.25 * random.normal()));
        rows.push(
          row(h * HOUR + (r % 60) * 60_000, {
            source: "tenant",
            subject: "",
            count: 1,
            tokens,
            costUsd: tokens * 0.4e-6,
          }),
        );
      }
    }
    return rows;
  }
  const judge = (metric: string, rows: RollupRow[]) => {
    const m = findWatchedMetric(metric)!;
    const points = pointsOf(m, rows, HOUR, 0, HOURS * HOUR);
    return { m, points, detection: detectOn(m, points, rows, HOUR, undefined) };
  };

  it("an hour holding one ordinary run is not flagged, though most hours hold none", () => {
    for (const seed of [1, 2, 3]) {
      const rows = tenantRows(seed);
      for (const metric of ["tenant.cost_per_hour", "tenant.tokens_per_hour"]) {
        const { points, detection } = judge(metric, rows);
        expect(points.filter(([, v]) => v === 0).length).toBeGreaterThan(HOURS / 2);
        expect(detection.anomalies).toEqual([]);
      }
    }
  });

  it("a flood of runs in one hour is flagged there, with a reason that names the runs", () => {
    const rows = tenantRows(2, { hour: 600, runs: 40 });
    const { detection } = judge("tenant.cost_per_hour", rows);
    expect(detection.anomalies.map((a) => a.at)).toEqual([600 * HOUR]);
    const [flood] = detection.anomalies;
    expect(flood!.direction).toBe("up");
    expect(flood!.value).toBeGreaterThan(flood!.band[1]);
    expect(flood!.reason).toMatch(/^cost per hour \$0\.\d+: runs per hour 4\d/);
  });

  it("the alert page's band and forecast read the same parts: ordinary hours inside, a forecast about the usual cost", () => {
    const rows = tenantRows(3);
    const { m, points, detection } = judge("tenant.cost_per_hour", rows);
    points.forEach(([, value], i) => {
      expect(value).toBeGreaterThanOrEqual(detection.band[i]!.low);
      expect(value).toBeLessThanOrEqual(detection.band[i]!.high);
    });
    const forecast = forecastOn(m, points, rows, HOUR, detection, 24);
    expect(forecast).toHaveLength(24);
    const mean = points.reduce((sum, [, v]) => sum + v, 0) / points.length;
    for (const f of forecast) {
      expect(f.value).toBeGreaterThan(mean / 3);
      expect(f.value).toBeLessThan(mean * 3);
      expect(f.high).toBeGreaterThan(f.value);
    }
  });

  it("failures jumping in a workflow's runs are still flagged (its failure rate per minute)", () => {
    const random = createRandom(5);
    const rows: RollupRow[] = [];
    for (let minute = 0; minute < 200; minute++) {
      const rate = minute >= 180 ? 0.6 : 0.03;
      let errors = 0;
      for (let r = 0; r < 20; r++) if (random.next() < rate) errors++;
      rows.push(row(minute * 60_000, { count: 20, errors }));
    }
    const m = findWatchedMetric("workflow.failure_rate")!;
    const points = pointsOf(m, rows, 60_000, 0, 200 * 60_000);
    const flagged = detectOn(m, points, rows, 60_000, undefined).anomalies;
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.every((a) => a.at >= 180 * 60_000 && a.direction === "up")).toBe(true);
  });
});

describe("alert webhooks", () => {
  it("sign the timestamp and body with HMAC-SHA256, so a receiver can check both", () => {
    const signature = signWebhook("s3cret", '{"a":1}', 1_700_000_000);
    expect(signature).toBe(
      `t=1700000000,v1=${createHmac("sha256", "s3cret").update('1700000000.{"a":1}').digest("hex")}`,
    );
    expect(signWebhook("other", '{"a":1}', 1_700_000_000)).not.toBe(signature);
  });
});
