import { describe, expect, it } from "vitest";
import {
  armRate,
  describePrediction,
  describeStrategy,
  describeTaskClass,
  formatPercent,
  formatSmallCost,
  type PredictionLike,
} from "./format";

const prediction = (over: Partial<PredictionLike> = {}): PredictionLike => ({
  successProbability: 0.82,
  latencyMs: 3210,
  tokens: 1234,
  cost: 0.0042,
  observations: { classStrategy: 41, pattern: 60, global: 90 },
  basis: "class-strategy",
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

describe("describePrediction", () => {
  it("says what is expected and from how much evidence", () => {
    expect(describePrediction(prediction())).toBe(
      "Expected: 82 % success (from 41 runs of similar tasks) · ~3.2 s · ~1,200 tokens · ~$0.004",
    );
  });
  it("leans on the workflow's own runs first", () => {
    expect(
      describePrediction(
        prediction({
          basis: "version",
          observations: { version: 3, classStrategy: 41, pattern: 60, global: 90 },
        }),
      ),
    ).toContain("(from 3 runs of this workflow)");
  });
  it("falls back to the pattern's and everyone's runs", () => {
    expect(describePrediction(prediction({ basis: "pattern" }))).toContain(
      "from 60 runs with the same pattern",
    );
    expect(
      describePrediction(
        prediction({ basis: "global", observations: { classStrategy: 0, pattern: 0, global: 1 } }),
      ),
    ).toContain("from 1 run of other kinds");
  });
  it("says so when a run uses no model", () => {
    expect(describePrediction(prediction({ tokens: 0, cost: 0 }))).toMatch(/no tokens · no cost$/);
  });
  it("has nothing to say without history", () => {
    expect(describePrediction(prediction({ basis: "prior" }))).toBeNull();
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
