import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RollupRow } from "@/server/repositories/metric-rollups";
import { signWebhook } from "./alert-webhooks";
import { binOf, quantileOfHist } from "./metric-recorder";
import { findWatchedMetric, formatMetricValue, pointsOf } from "./watched-series";

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

describe("alert webhooks", () => {
  it("sign the timestamp and body with HMAC-SHA256, so a receiver can check both", () => {
    const signature = signWebhook("s3cret", '{"a":1}', 1_700_000_000);
    expect(signature).toBe(
      `t=1700000000,v1=${createHmac("sha256", "s3cret").update('1700000000.{"a":1}').digest("hex")}`,
    );
    expect(signWebhook("other", '{"a":1}', 1_700_000_000)).not.toBe(signature);
  });
});
