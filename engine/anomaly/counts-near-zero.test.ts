import { describe, expect, it } from "vitest";
import { generateSeries as bizSeries } from "./__fixtures__/generators/biz";
import { isCountTailExtreme } from "./count-tail";
import { detectAnomalies } from "./detect-anomalies";
import { createRandom } from "./generate-series";
import { chooseValueScale } from "./value-scale";
import type { MetricPoint } from "./types";

const hour = 3_600_000;
const start = Date.UTC(2026, 0, 5); // a Monday

/** Hourly orders of a small shop: none at night, a few an hour by day (Poisson), for `days` days. */
function sparseOrders(days: number, seed = 3): MetricPoint[] {
  const random = createRandom(seed);
  const poisson = (mean: number) => {
    let k = 0;
    for (let p = Math.exp(-mean), s = p, u = random.next(); u > s; s += p *= mean / ++k);
    return k;
  };
  return Array.from({ length: days * 24 }, (_, i) => {
    const h = i % 24;
    const mean = h >= 8 && h < 20 ? 2 + 3 * Math.sin(((h - 8) / 12) * Math.PI) : 0.02;
    return [start + i * hour, poisson(mean)];
  });
}

describe("counts near zero", () => {
  it("judges a sparse count on the square root, not the log, which stretches 0 to 2 into many scales", () => {
    // The biz generator's hourly web-shop orders (seed 1): 0-11 an hour, 0 most nights. On the
    // log its band reached 10,000 orders at night and its three labelled bursts (31-46 orders
    // in an hour that holds a few) were missed.
    const series = bizSeries(1).find((s) => s.id === "biz-1-54-webshop-orders-hourly")!;
    const values = Float64Array.from(series.points, ([, v]) => v);
    expect(chooseValueScale(values, "count").name).toBe("sqrt");
    const report = detectAnomalies(series.points, { kind: "count" });
    const flagged = new Set(
      report.anomalies.map((a) => series.points.findIndex(([t]) => t === a.at)),
    );
    for (const label of series.labels)
      expect([...flagged].some((i) => i >= label.index && i <= label.end + 5)).toBe(true);
    for (const { high } of report.band.slice(30)) expect(high).toBeLessThan(100);
  });

  it("flags a burst of orders in an hour that usually holds none, with a band of a few orders", () => {
    const points = sparseOrders(45);
    const burst = 40 * 24 + 21; // 21:00 on day 40
    points[burst] = [points[burst]![0], 40];
    const report = detectAnomalies(points, { kind: "count" });
    expect(report.anomalies.map((a) => a.at)).toContain(points[burst]![0]);
    // The band at night stays within a handful of orders, not hundreds.
    expect(report.band[burst]!.high).toBeLessThan(15);
  });

  it("reads no overdispersion from the floor's spread where the expected count is near 0", () => {
    // 65 where ~0 is expected, with a spread of about one event (the floor): beyond any tail.
    expect(isCountTailExtreme(65, 0.004, 0.9, 5, "count")).toBe(true);
    // An overdispersed count is still judged with its dispersion: 3 at a mean of 0.5 is ordinary.
    expect(isCountTailExtreme(3, 0.5, 0.7, 5, "count")).toBe(false);
    expect(isCountTailExtreme(12, 6, 6, 5, "count")).toBe(false);
  });
});
