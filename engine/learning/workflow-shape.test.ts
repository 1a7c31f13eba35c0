import { describe, expect, it } from "vitest";
import { EXAMPLE_WORKFLOWS, chain, makeNode, makeWorkflow } from "../examples";
import { createRng, sampleNormal } from "./random";
import {
  addRun,
  createRunIndex,
  createTuning,
  forecastRun,
  learnFromRun,
  type PastRun,
} from "./run-forecast";
import { shapeLikeness, workflowShape } from "./workflow-shape";

const slowBatch = makeWorkflow({
  name: "Batch",
  nodes: [
    makeNode("input", "in"),
    ...["a", "b", "c"].map((id) =>
      makeNode("tool", id, { server: "everything", tool: "trigger-long-running-operation" }),
    ),
    makeNode("output", "out", { name: "out" }),
  ],
  edges: chain("in", "a", "b", "c", "out"),
});

describe("workflowShape", () => {
  it("names a workflow's kinds with their counts, its size, models, servers and tools", () => {
    const shape = workflowShape(slowBatch);
    expect(shape).toEqual(
      expect.arrayContaining([
        "kind:tool",
        "kind:tool>=2",
        "server:everything",
        "tool:everything/trigger-long-running-operation",
        "steps>=2",
      ]),
    );
    expect(shape).not.toContain("kind:tool>=4");
    expect(shape).not.toContain("steps>=4");
    const brief = workflowShape(EXAMPLE_WORKFLOWS["research-brief"]);
    expect(brief).toEqual(
      expect.arrayContaining(["kind:agent", "kind:llm>=2", "model:default", "server:web-search"]),
    );
  });

  it("finds workflows built alike: the same structure is 1, nothing shared is 0, partly alike between", () => {
    const a = workflowShape(slowBatch);
    const b = workflowShape(EXAMPLE_WORKFLOWS["research-brief"]);
    expect(shapeLikeness(a, a)).toBe(1);
    expect(shapeLikeness(["x"], ["y"])).toBe(0);
    expect(shapeLikeness([], [])).toBe(0);
    expect(shapeLikeness(["a", "b"], ["b", "c"])).toBeCloseTo(1 / 3, 9);
    expect(shapeLikeness(a, b)).toBeGreaterThan(0);
    expect(shapeLikeness(a, b)).toBeLessThan(0.5);
  });
});

/**
 * One task class whose words say nothing of the time: its workflows of three tool calls take
 * about 20 s, those of one model call about 300 ms, in turns.
 */
function alikeHistory(withShapes: boolean): PastRun[] {
  const rng = createRng(7);
  const slow = workflowShape(slowBatch);
  const quick = workflowShape(
    makeWorkflow({
      name: "Quick",
      nodes: [makeNode("input", "in"), makeNode("llm", "ask"), makeNode("output", "out")],
      edges: chain("in", "ask", "out"),
    }),
  );
  const runs: PastRun[] = [];
  for (let w = 0; w < 24; w++) {
    const isSlow = w % 2 === 0;
    for (let i = 0; i < 6; i++)
      runs.push({
        workflowId: `wf-${w}`,
        versionId: `wf-${w}@1`,
        taskClass: "files|-",
        model: "gpt-4o-mini",
        ...(withShapes ? { shape: isSlow ? slow : quick } : {}),
        success: 1,
        durationMs: (isSlow ? 20_000 : 300) * Math.exp(0.1 * sampleNormal(rng)),
        tokens: 0,
        costUsd: 0,
      });
  }
  return runs;
}

function learn(runs: PastRun[]) {
  const index = createRunIndex();
  let tuning = createTuning();
  for (const run of runs) {
    tuning = learnFromRun(tuning, index, run);
    addRun(index, run);
  }
  return { index, tuning };
}

describe("a new workflow's first run, from similar tasks", () => {
  it("is predicted from the workflows built like it once that has predicted better than the task class alone, learned from the runs", () => {
    const { index, tuning } = learn(alikeHistory(true));
    const first = forecastRun(index, tuning, {
      workflowId: "new",
      versionId: "new@1",
      taskClass: "files|-",
      model: "gpt-4o-mini",
      shape: workflowShape(slowBatch),
    });
    expect(first.basis).toBe("similar");
    expect(first.durationMs!.median).toBeGreaterThan(10_000);
    expect(first.durationMs!.median).toBeLessThan(30_000);
  });

  it("is the task class's typical workflow when structure is not known (the runs carry none)", () => {
    const { index, tuning } = learn(alikeHistory(false));
    const first = forecastRun(index, tuning, {
      workflowId: "new",
      versionId: "new@1",
      taskClass: "files|-",
      model: "gpt-4o-mini",
    });
    // Half the class takes 300 ms and half 20 s: nothing tells which this one is.
    expect(first.durationMs!.median).toBeGreaterThan(300 * 1.2);
    expect(first.durationMs!.median).toBeLessThan(20_000 / 1.2);
  });
});
