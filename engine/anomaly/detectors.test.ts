import { describe, expect, it } from "vitest";
import {
  detectEwma,
  detectLevelShifts,
  detectRobustZ,
  detectSeasonal,
  prepareSeries,
} from "./detectors";
import { generateSeries } from "./generate-series";
import type { MetricPoint } from "./types";

const start = Date.UTC(2026, 0, 5); // a Monday
const minute = 60_000;
const hour = 60 * minute;

/** Five-minute points over `days` days, with a daily wave of `amplitude` and small wobble. */
function dailyWave(days: number, amplitude: number): MetricPoint[] {
  return Array.from({ length: (days * 24 * 60) / 5 }, (_, i) => {
    const at = start + i * 5 * minute;
    return [
      at,
      500 + amplitude * Math.sin((2 * Math.PI * at) / (24 * hour)) + 5 * Math.sin(i * 2.1),
    ];
  });
}

describe("the detectors one by one", () => {
  it("robust z: ignores earlier spikes when judging a point", () => {
    const points: MetricPoint[] = Array.from({ length: 100 }, (_, i) => [
      start + i * minute,
      i % 10 === 0 && i < 60 ? 5000 : 100 + (i % 3),
    ]);
    const flagged = detectRobustZ(points, { kind: "latency" }).anomalies.map((a) => a.value);
    expect(flagged).toEqual([5000, 5000, 5000]); // the spikes after the 30-point warm-up, and nothing else
  });

  it("EWMA: flags a jump and names its moving average", () => {
    const points: MetricPoint[] = Array.from({ length: 200 }, (_, i) => [
      start + i * minute,
      i === 150 ? 30 : 10 + Math.sin(i),
    ]);
    const { anomalies } = detectEwma(points, { kind: "cost" });
    expect(anomalies).toHaveLength(1);
    expect(anomalies[0]).toMatchObject({ value: 30, detector: "ewma" });
    expect(anomalies[0]!.reason).toMatch(
      /^cost 30 is \d+\.\d deviations above its moving average \(\d+(\.\d+)?\)$/,
    );
  });

  it("seasonal: expects the daily wave, so its peaks pass and an off-hour bump does not", () => {
    const points = dailyWave(7, 200);
    const quiet = detectSeasonal(points, { kind: "latency" });
    expect(quiet.anomalies).toEqual([]);
    // 06:00 on day 5 is the wave's peak (700): a 700 at 18:00 (its trough, 300) is an anomaly.
    const trough = points.findIndex(([at]) => at === start + 4 * 24 * hour + 18 * hour);
    points[trough] = [points[trough]![0], 700];
    const { anomalies } = detectSeasonal(points, { kind: "latency" });
    expect(anomalies.map((a) => a.value)).toEqual([700]);
    expect(anomalies[0]!.reason).toMatch(
      /deviations above the usual \d+ ms for 18:00 \(same hour of day\)$/,
    );
    // A plain rolling median would have had to take the wave as noise.
    const plain = detectRobustZ(points, { kind: "latency" });
    expect(plain.band[trough]!.high - plain.band[trough]!.low).toBeGreaterThan(
      anomalies[0]!.band[1] - anomalies[0]!.band[0],
    );
  });

  it("seasonal: names the weekday for a weekly rhythm", () => {
    const series = generateSeries({ seed: 4, family: "weekly", kind: "count" });
    const report = detectSeasonal(series.points, { kind: "count", seasonality: "weekly" });
    expect(report.skipped).toBeUndefined();
    expect(
      report.anomalies.some((a) =>
        /for (Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days \d\d:00 \(same hour of week\)/.test(
          a.reason,
        ),
      ),
    ).toBe(true);
  });

  it("seasonal: says so when the series has no rhythm", () => {
    const noise = generateSeries({ seed: 2, family: "noise", kind: "cost" });
    const report = detectSeasonal(noise.points, { kind: "cost" });
    expect(report.anomalies).toEqual([]);
    expect(report.skipped).toBe("no daily or weekly rhythm found");
  });

  it("level shifts: reports only the onset of each shift", () => {
    const points: MetricPoint[] = Array.from({ length: 600 }, (_, i) => [
      start + i * minute,
      (i < 250 ? 50 : i < 450 ? 20 : 80) + Math.sin(i * 1.3),
    ]);
    const report = detectLevelShifts(prepareSeries(points), { kind: "cost" });
    expect(report.changePoints).toEqual([start + 250 * minute, start + 450 * minute]);
    expect(report.anomalies.map((a) => [a.direction, a.detector])).toEqual([
      ["down", "level-shift"],
      ["up", "level-shift"],
    ]);
  });
});
