import { describe, expect, it } from "vitest";
import { createRng, sampleNormal } from "./random";
import {
  addRun,
  createRunIndex,
  createTuning,
  forecastRun,
  learnFromRun,
  setFirstRuns,
  type PastRun,
  type RunFacts,
} from "./run-forecast";

const facts = (versionId = "wf@1", workflowId = "wf", taskClass = "files|q"): RunFacts => ({
  workflowId,
  versionId,
  taskClass,
  model: "gpt-4o-mini",
});

/** Replays runs through the predictor as the app does: predict, learn, then remember. */
function replay(runs: PastRun[], state = { index: createRunIndex(), tuning: createTuning() }) {
  for (const run of runs) {
    state.tuning = learnFromRun(state.tuning, state.index, run);
    addRun(state.index, run);
  }
  return state;
}

const run = (durationMs: number, over: Partial<PastRun> = {}): PastRun => ({
  ...facts(),
  success: 1,
  durationMs,
  tokens: 1000,
  costUsd: 0.001,
  ...over,
});

describe("forecastRun", () => {
  it("says so when nothing was seen: an even chance, no duration, basis none", () => {
    const forecast = forecastRun(createRunIndex(), createTuning(), facts());
    expect(forecast).toMatchObject({ basis: "none", durationMs: null, costUsd: null });
    expect(forecast.success.probability).toBeCloseTo(0.5, 6);
    expect(forecast.success.low).toBeLessThan(0.5);
    expect(forecast.success.high).toBeGreaterThan(0.5);
  });

  it("predicts the median of a steady version, an interval around it, and counts its runs", () => {
    const rng = createRng(3);
    const { index, tuning } = replay(
      Array.from({ length: 30 }, () => run(20_000 * Math.exp(0.2 * sampleNormal(rng)))),
    );
    const forecast = forecastRun(index, tuning, facts());
    expect(forecast.basis).toBe("version");
    expect(forecast.runs).toMatchObject({ version: 30, workflow: 30, similar: 30, all: 30 });
    expect(forecast.durationMs!.median).toBeGreaterThan(17_000);
    expect(forecast.durationMs!.median).toBeLessThan(23_000);
    expect(forecast.durationMs!.low).toBeLessThan(forecast.durationMs!.median);
    expect(forecast.durationMs!.high).toBeGreaterThan(forecast.durationMs!.median);
    expect(forecast.durationMs!.high / forecast.durationMs!.low).toBeLessThan(3);
  });

  it("is not moved by a single outlier", () => {
    const steady = Array.from({ length: 12 }, (_, i) => run(1000 + (i % 3) * 50));
    const plain = replay(steady);
    const withOutlier = replay([...steady.slice(0, 6), run(90_000), ...steady.slice(6)]);
    const a = forecastRun(plain.index, plain.tuning, facts()).durationMs!.median;
    const b = forecastRun(withOutlier.index, withOutlier.tuning, facts()).durationMs!.median;
    expect(Math.abs(b - a) / a).toBeLessThan(0.06);
    expect(b).toBeLessThan(1200);
  });

  it("picks up a new version that behaves differently within a few runs", () => {
    // Versions that change behaviour are common in this tenant's past, so the new one's own runs
    // soon outweigh the workflow's earlier versions.
    const state = { index: createRunIndex(), tuning: createTuning() };
    const rng = createRng(11);
    for (let v = 1; v <= 6; v++) {
      const ms = v % 2 ? 1000 : 8000;
      replay(
        Array.from({ length: 25 }, () =>
          run(ms * Math.exp(0.15 * sampleNormal(rng)), { versionId: `wf@${v}` }),
        ),
        state,
      );
    }
    const fresh = facts("wf@7");
    expect(forecastRun(state.index, state.tuning, fresh).basis).toBe("workflow");
    replay(
      [20_000, 21_000, 19_500].map((ms) => run(ms, { versionId: "wf@7" })),
      state,
    );
    const forecast = forecastRun(state.index, state.tuning, fresh);
    expect(forecast.basis).toBe("version");
    expect(forecast.runs.version).toBe(3);
    expect(forecast.durationMs!.median).toBeGreaterThan(15_000);
  });

  /** A workflow published six times, 25 runs a version around 1 s, or alternating 1 s and 8 s. */
  function publishedSixTimes(alike: boolean) {
    const state = { index: createRunIndex(), tuning: createTuning() };
    const rng = createRng(11);
    for (let v = 1; v <= 6; v++)
      replay(
        Array.from({ length: 25 }, () =>
          run((alike || v % 2 ? 1000 : 8000) * Math.exp(0.15 * sampleNormal(rng)), {
            versionId: `wf@${v}`,
          }),
        ),
        state,
      );
    return state;
  }

  it("starts a published version from its earlier versions' runs, weighed as much as they were worth before: many of its own runs where versions behave alike, less than one where they differ", () => {
    for (const alike of [true, false]) {
      const state = publishedSixTimes(alike);
      const before = forecastRun(state.index, state.tuning, facts("wf@7"));
      expect(before.basis).toBe("workflow");
      expect(before.runs).toMatchObject({ version: 0, workflow: 150 });
      // The last version's runs, as the earlier versions' latest weigh most.
      const last = alike ? 1000 : 8000;
      expect(before.durationMs!.median).toBeGreaterThan(last * 0.85);
      expect(before.durationMs!.median).toBeLessThan(last * 1.15);
      replay([run(3000, { versionId: "wf@7" })], state);
      const after = forecastRun(state.index, state.tuning, facts("wf@7")).durationMs!.median;
      if (alike)
        expect(after).toBeLessThan(1200); // one odd run of a version is not yet its behaviour
      else expect(after).toBeGreaterThan(2500); // a new version's own run outweighs the old ones
    }
  });

  it("picks up a changed version within three runs even where versions usually behave alike", () => {
    const state = publishedSixTimes(true);
    replay(
      [3000, 3100, 2950].map((ms) => run(ms, { versionId: "wf@7" })),
      state,
    );
    const median = forecastRun(state.index, state.tuning, facts("wf@7")).durationMs!.median;
    expect(median).toBeGreaterThan(3000 * 0.85);
    expect(median).toBeLessThan(3000 * 1.15);
  });

  it("predicts a new workflow from similar tasks, not from all runs", () => {
    const state = replay([
      ...Array.from({ length: 10 }, () =>
        run(500, { workflowId: "fast", versionId: "fast@1", taskClass: "fetch|-" }),
      ),
      ...Array.from({ length: 10 }, () => run(30_000, { workflowId: "slow", versionId: "slow@1" })),
    ]);
    const forecast = forecastRun(state.index, state.tuning, facts("new@1", "new"));
    expect(forecast.basis).toBe("similar");
    // One workflow of its class (30 s), pulled a little towards a typical workflow of the tenant.
    expect(forecast.durationMs!.median).toBeGreaterThan(15_000);
  });

  it("predicts a new workflow from how the others of its class began, not from what they became", () => {
    const rng = createRng(3);
    const runs: PastRun[] = [];
    for (const id of ["a", "b", "c"]) {
      const at = (version: number, ms: number) =>
        run(ms * Math.exp(0.1 * sampleNormal(rng)), {
          workflowId: id,
          versionId: `${id}@${version}`,
        });
      for (let i = 0; i < 5; i++) runs.push(at(1, 2_000));
      // Edited since into something ten times slower.
      for (let i = 0; i < 40; i++) runs.push(at(2, 20_000));
    }
    const state = replay(runs);
    const forecast = forecastRun(state.index, state.tuning, facts("new@1", "new"));
    expect(forecast.durationMs!.median).toBeGreaterThan(2_000 / 1.3);
    expect(forecast.durationMs!.median).toBeLessThan(2_000 * 1.3);
    // Its next version is still predicted from the workflow as it is now.
    expect(
      forecastRun(state.index, state.tuning, facts("a@3", "a")).durationMs!.median,
    ).toBeGreaterThan(10_000);
  });

  it("reads how a workflow began from setFirstRuns when the index holds only its recent runs", () => {
    const state = replay(
      Array.from({ length: 20 }, () => run(20_000, { workflowId: "a", versionId: "a@2" })),
    );
    setFirstRuns(state.index, "a", [2_000, 2_100, 1_900, 2_000, 2_050, 99_000]);
    const forecast = forecastRun(state.index, state.tuning, facts("new@1", "new"));
    expect(forecast.durationMs!.median).toBeGreaterThan(1_500);
    expect(forecast.durationMs!.median).toBeLessThan(2_600);
  });

  it("says the median as the point until another has clearly missed less: not for a narrow version, nor a log-normal one whose best point gains too little to tell from chance", () => {
    const rng = createRng(5);
    const narrow = replay(
      Array.from({ length: 300 }, () => run(10_000 * Math.exp(0.03 * sampleNormal(rng)))),
    );
    const a = forecastRun(narrow.index, narrow.tuning, facts()).durationMs!;
    expect(a.point).toBe(a.median);
    // Log-normal with σ = 1: the guess with the smallest median percentage error is about 0.81 ×
    // the median, but it misses only about 1 % fewer runs than the median: not evidence enough.
    const wide = replay(
      Array.from({ length: 600 }, () => run(10_000 * Math.exp(sampleNormal(rng)))),
    );
    const b = forecastRun(wide.index, wide.tuning, facts()).durationMs!;
    expect(b.point).toBe(b.median);
  });

  it("gives success as a Beta posterior that narrows with runs", () => {
    const few = replay([run(1000), run(1000, { success: 0 }), run(1000)]);
    const many = replay(
      Array.from({ length: 40 }, (_, i) => run(1000, { success: i % 4 === 0 ? 0 : 1 })),
    );
    const a = forecastRun(few.index, few.tuning, facts()).success;
    const b = forecastRun(many.index, many.tuning, facts()).success;
    expect(b.probability).toBeGreaterThan(0.6);
    expect(b.probability).toBeLessThan(0.85);
    expect(b.high - b.low).toBeLessThan(a.high - a.low);
    expect(b.alpha / (b.alpha + b.beta)).toBeCloseTo(b.probability, 9);
  });

  it("prices predicted tokens at the model's price per token", () => {
    const state = replay(
      Array.from({ length: 10 }, () => run(1000, { tokens: 2000, costUsd: 2000 * 2e-6 })),
    );
    const forecast = forecastRun(state.index, state.tuning, facts());
    expect(forecast.tokens).toBeCloseTo(2000, -1);
    expect(forecast.costUsd).toBeCloseTo(0.004, 4);
    // A model never seen with a price has an unknown cost, not $0.
    expect(
      forecastRun(state.index, state.tuning, { ...facts(), model: "llama-local" }).costUsd,
    ).toBeNull();
  });
});
