import { describe, expect, it } from "vitest";
import { fitForecast, forecastSeries } from "./forecast";
import { createRandom } from "./generate-series";
import type { MetricPoint } from "./types";

const start = Date.UTC(2026, 0, 5);
const minute = 60_000;
const hour = 60 * minute;

/** A daily wave with a harmonic, so it is not a pure sine. */
const dailyTruth = (at: number) =>
  500 +
  100 * Math.sin((2 * Math.PI * at) / (24 * hour)) +
  30 * Math.sin((4 * Math.PI * at) / (24 * hour));

function sample(
  count: number,
  step: number,
  truth: (at: number) => number,
  noise: number,
  seed = 1,
): MetricPoint[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const at = start + i * step;
    return [at, truth(at) + noise * random.normal()];
  });
}

describe("forecastSeries", () => {
  it("follows a daily rhythm a day ahead with Holt-Winters, its band holding about 95% of what comes", () => {
    const points = sample(7 * 288, 5 * minute, dailyTruth, 10);
    const model = fitForecast(points);
    expect(model).toMatchObject({ method: "holt-winters", period: "daily", stepMs: 5 * minute });
    const forecast = model!.predict(288);
    expect(forecast[0]!.at).toBe(points.at(-1)![0] + 5 * minute);
    const random = createRandom(2);
    let error = 0;
    let inside = 0;
    for (const point of forecast) {
      error += Math.abs(point.value - dailyTruth(point.at));
      const actual = dailyTruth(point.at) + 10 * random.normal();
      if (actual >= point.low && actual <= point.high) inside++;
    }
    expect(error / forecast.length).toBeLessThan(5); // the wave is ±130 around 500, the noise 10
    expect(inside / forecast.length).toBeGreaterThan(0.85);
  });

  it("finds the weekly rhythm in four weeks of hourly points (what the server keeps)", () => {
    const weekly = (at: number) => {
      const weekend = (Math.floor(at / (24 * hour)) + 3) % 7 >= 5;
      const wave = Math.sin((2 * Math.PI * at) / (24 * hour));
      return weekend ? 200 + 20 * wave : 400 + 100 * wave;
    };
    const model = fitForecast(sample(28 * 24, hour, weekly, 8));
    expect(model).toMatchObject({ method: "holt-winters", period: "weekly" });
    const forecast = model!.predict(48);
    const error =
      forecast.reduce((sum, p) => sum + Math.abs(p.value - weekly(p.at)), 0) / forecast.length;
    expect(error).toBeLessThan(15);
  });

  it("extends a trend with Holt's method when there is no rhythm, widening the band with the horizon", () => {
    const points = sample(300, minute, (at) => 100 + (0.5 * (at - start)) / minute, 2);
    expect(fitForecast(points)?.method).toBe("holt");
    const forecast = forecastSeries(points, 30);
    expect(forecast).toHaveLength(30);
    expect(forecast[29]!.value).toBeCloseTo(100 + 0.5 * 329, -1);
    const width = (i: number) => forecast[i]!.high - forecast[i]!.low;
    expect(width(29)).toBeGreaterThan(width(0));
  });

  it("stays inside the values the series can take", () => {
    const falling = sample(
      100,
      minute,
      (at) => Math.max(0, 0.05 - (0.0005 * (at - start)) / minute),
      0.002,
    );
    const forecast = forecastSeries(falling, 60, { kind: "error_rate" });
    for (const point of forecast) expect(point.low).toBeGreaterThanOrEqual(0);
    expect(
      forecastSeries(
        falling.map(([t, v]) => [t, Math.abs(v)]),
        60,
      ).every((p) => p.low >= 0),
    ).toBe(true);
  });

  it("returns nothing for fewer than 10 points", () => {
    expect(
      forecastSeries(
        sample(9, minute, () => 1, 0),
        5,
      ),
    ).toEqual([]);
    expect(fitForecast([])).toBeNull();
  });
});
