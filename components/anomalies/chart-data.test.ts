import { describe, expect, it } from "vitest";
import { buildChartRows } from "./chart-data";
import { formatAxisValue, formatValue } from "./format";

describe("buildChartRows", () => {
  it("merges points, band and flags by time and continues the forecast from the last point", () => {
    const rows = buildChartRows({
      points: [
        [2000, 5],
        [1000, 4],
      ],
      band: [
        { at: 1000, low: 3, high: 6, expected: 4.5 },
        { at: 2000, low: 3, high: 6, expected: 4.5 },
      ],
      flagged: [{ at: 2000, value: 5, score: 4, reason: "above the band" }],
      forecast: [{ at: 3000, value: 4.8, low: 2, high: 7 }],
    });
    expect(rows.map((r) => r.at)).toEqual([1000, 2000, 3000]);
    expect(rows[0]).toEqual({ at: 1000, value: 4, band: [3, 6], expected: 4.5 });
    expect(rows[1]).toMatchObject({
      value: 5,
      flaggedReason: "above the band",
      forecast: 5,
      forecastBand: [5, 5],
    });
    expect(rows[2]).toEqual({ at: 3000, forecast: 4.8, forecastBand: [2, 7] });
  });

  it("draws no forecast bridge when there is no forecast", () => {
    const rows = buildChartRows({ points: [[1000, 1]], band: [], flagged: [], forecast: [] });
    expect(rows).toEqual([{ at: 1000, value: 1 }]);
  });
});

describe("formatValue", () => {
  it("reads each unit as people do", () => {
    expect(formatValue("ms", 2340)).toBe("2.3 s");
    expect(formatValue("ms", 640)).toBe("640 ms");
    expect(formatValue("ratio", 0.041)).toBe("4.1 %");
    expect(formatValue("ratio", 0.0012)).toBe("0.12 %");
    expect(formatValue("usd", 0.01234)).toBe("$0.0123");
    expect(formatValue("usd", 12.5)).toBe("$12.50");
    expect(formatValue("count", 12345)).toBe("12,345");
    expect(formatValue(undefined, 0.5)).toBe("0.500");
  });

  it("keeps axis ticks short", () => {
    expect(formatAxisValue("count", 12_000)).toBe("12K");
    expect(formatAxisValue("ratio", 0.25)).toBe("25 %");
    expect(formatAxisValue("ms", 2500)).toBe("2.5 s");
  });
});
