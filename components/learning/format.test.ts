import { describe, expect, it } from "vitest";
import {
  armRate,
  compareWithForecast,
  describeDurationForecast,
  describeForecast,
  describeForecastBasis,
  describeStoredForecastBasis,
  describeStrategy,
  describeTaskClass,
  formatPercent,
  formatRoughDuration,
  formatSmallCost,
  type ForecastLike,
} from "./format";

const forecast = (over: Partial<ForecastLike> = {}): ForecastLike => ({
  success: { probability: 0.82, low: 0.7, high: 0.91 },
  durationMs: { median: 20_300, low: 12_100, high: 31_000 },
  tokens: 1234,
  costUsd: 0.0042,
  basis: "version",
  runs: { version: 14, workflow: 30, similar: 41, all: 90 },
  ...over,
});

describe("describeTaskClass", () => {
  it("names capabilities and structure", () => {
    expect(describeTaskClass("files+sqlite|q")).toBe("Files + SQLite · in sequence");
    expect(describeTaskClass("fetch+search|sp")).toBe(
      "Web pages + Web search · splits into parts, plans",
    );
  });
  it("reads a plain text task", () => {
    expect(describeTaskClass("none|-")).toBe("Plain text");
  });
  it("keeps codes it does not know", () => {
    expect(describeTaskClass("quantum|z")).toBe("quantum · z");
  });
});

describe("describeStrategy", () => {
  it("names the pattern and the model", () => {
    expect(describeStrategy("chain/gpt-4o")).toBe("Chain · gpt-4o");
    expect(describeStrategy("single/default")).toBe("Single agent · default model");
    expect(describeStrategy("wf_12@v3")).toBe("wf_12@v3");
  });
});

describe("describeForecast", () => {
  it("says the duration with its interval, success with its uncertainty, tokens and cost", () => {
    expect(describeForecast(forecast())).toEqual([
      "~20 s, usually 12–31 s",
      "82 % success (likely 70–91 %)",
      "~1,200 tokens",
      "~$0.004",
    ]);
  });
  it("says so when a run uses no model, and has nothing to say without history", () => {
    expect(describeForecast(forecast({ tokens: 0, costUsd: 0 }))!.slice(-2)).toEqual([
      "no tokens",
      "no cost",
    ]);
    expect(describeForecast(forecast({ basis: "none", durationMs: null }))).toBeNull();
  });
  it("names the runs behind it, most specific level first", () => {
    expect(describeForecastBasis(forecast())).toBe("based on 14 runs of this version");
    expect(describeForecastBasis(forecast(), { draft: true })).toBe(
      "based on 14 runs of this draft",
    );
    expect(describeForecastBasis(forecast({ basis: "workflow" }))).toBe(
      "based on 30 runs of this workflow's earlier versions",
    );
    expect(describeForecastBasis(forecast({ basis: "similar" }))).toBe(
      "based on 41 runs of similar tasks",
    );
    expect(
      describeForecastBasis(
        forecast({ basis: "all", runs: { version: 0, workflow: 0, similar: 0, all: 1 } }),
      ),
    ).toBe("based on 1 run of other kinds of task");
  });

  it("says a count the server stopped at its cap is a lower bound", () => {
    const runs = { version: 10_000, workflow: 10_000, similar: 10_000, all: 52_000 };
    expect(describeForecastBasis(forecast({ runs, runsAtLeast: { version: true } }))).toBe(
      "based on 10,000+ runs of this version",
    );
    // A version counted among its workflow's latest 10,000 only (the server's cappedCounts).
    expect(
      describeForecastBasis(
        forecast({ runs: { ...runs, version: 3_000 }, runsRecent: { version: true } }),
      ),
    ).toBe("based on 3,000 recent runs of this version");
    expect(describeForecastBasis(forecast({ runs }))).toBe("based on 10,000 runs of this version");
    expect(
      describeForecastBasis(
        forecast({
          basis: "similar",
          runs: { ...runs, similar: 1 },
          runsAtLeast: { similar: true },
        }),
      ),
    ).toBe("based on 1+ runs of similar tasks");
  });
});

describe("describeStoredForecastBasis (the run page's)", () => {
  const runs = { version: 40, workflow: 40, similar: 400, all: 2_345 };
  it("says a count of the recorder's recent runs is of recent runs, an exact one as it is", () => {
    const stored = forecast({ runs, runsRecent: { version: true, workflow: true } });
    expect(describeStoredForecastBasis(stored)).toBe("based on 40 recent runs of this version");
    expect(describeStoredForecastBasis({ ...stored, basis: "workflow" })).toBe(
      "based on 40 recent runs of this workflow's earlier versions",
    );
    expect(describeStoredForecastBasis({ ...stored, basis: "similar" })).toBe(
      "based on 400 runs of similar tasks",
    );
    expect(describeStoredForecastBasis({ ...stored, basis: "all" })).toBe(
      "based on 2,345 runs of other kinds of task",
    );
    expect(
      describeStoredForecastBasis(
        forecast({ runs: { ...runs, version: 1 }, runsRecent: { version: true } }),
      ),
    ).toBe("based on 1 recent run of this version");
    expect(describeStoredForecastBasis(forecast({ runsRecent: {} }))).toBe(
      "based on 14 runs of this version",
    );
  });
  it("says every count of a forecast stored before it said which were exact is of recent runs", () => {
    expect(describeStoredForecastBasis(forecast({ runs }))).toBe(
      "based on 40 recent runs of this version",
    );
    expect(describeStoredForecastBasis(forecast({ runs, basis: "all" }))).toBe(
      "based on 2,345 recent runs of other kinds of task",
    );
  });
  it("says a draft run's own runs are the draft's", () => {
    expect(describeStoredForecastBasis(forecast({ runs, runsRecent: {} }), { draft: true })).toBe(
      "based on 40 runs of this draft",
    );
  });
  it("leaves the run dialog's wording alone", () => {
    expect(describeForecastBasis(forecast({ runs }))).toBe("based on 40 runs of this version");
  });
});

describe("durations", () => {
  it("rounds to two figures and names a shared unit once", () => {
    expect(formatRoughDuration(746)).toBe("750 ms");
    expect(formatRoughDuration(1234)).toBe("1.2 s");
    expect(formatRoughDuration(150_000)).toBe("2.5 min");
    expect(describeDurationForecast({ median: 746, low: 600, high: 1400 })).toBe(
      "~750 ms, usually 600 ms–1.4 s",
    );
  });
});

describe("compareWithForecast", () => {
  it("flags a run far outside its interval or an outcome the forecast thought unlikely", () => {
    const slow = compareWithForecast(
      forecast({ durationMs: { median: 746, low: 600, high: 900 } }),
      { durationMs: 20_000, success: true },
    );
    expect(slow).toMatchObject({ outside: true, surprise: false, badlyWrong: true });
    expect(slow.durationRatio).toBeCloseTo(26.8, 1);
    expect(compareWithForecast(forecast(), { durationMs: 20_000, success: true }).badlyWrong).toBe(
      false,
    );
    expect(compareWithForecast(forecast(), { durationMs: 20_000, success: false })).toMatchObject({
      surprise: true,
      badlyWrong: true,
    });
  });
});

describe("numbers", () => {
  it("formats shares and small costs", () => {
    expect(formatPercent(0.823)).toBe("82 %");
    expect(formatPercent(0.004)).toBe("0.4 %");
    expect(formatSmallCost(0.0042)).toBe("$0.004");
    expect(formatSmallCost(0.123)).toBe("$0.12");
  });
  it("gives an arm's posterior rate with an interval inside [0, 1]", () => {
    const rate = armRate(9, 10);
    expect(rate.mean).toBeCloseTo(10 / 12);
    expect(rate.low).toBeLessThan(rate.mean);
    expect(rate.high).toBeLessThanOrEqual(1);
    expect(armRate(0, 0)).toMatchObject({ mean: 0.5 });
  });
});
