import { describe, expect, it } from "vitest";
import { chain, makeNode, makeWorkflow } from "../examples/build-workflow";
import type { RunEvent } from "../schema/run-events";
import type { RunStore, StepRecord } from "./ports";
import { collectRunEvents, runPlan } from "./run-plan";
import { compilePlan, makeTestPorts } from "./test-kit";

/** input → greet (a transform) → out: every step pure, so no save holds a dependant back. */
const plan = compilePlan(
  makeWorkflow({
    name: "pure chain",
    nodes: [
      makeNode("input", "in"),
      makeNode("transform", "greet", { template: "Hello {{input.name}}" }),
      makeNode("output", "out", { name: "greeting" }),
    ],
    edges: chain("in", "greet", "out"),
  }),
);

/** A store whose saves settle only when the test says so, logging what happened in order. */
function heldStore(log: string[]) {
  const held: { record: StepRecord; settle: (error?: Error) => void }[] = [];
  const store: RunStore = {
    loadStepRecords: async () => [],
    saveStepRecord: (_runId, record) =>
      new Promise<void>((resolve, reject) => {
        log.push(`save ${record.stepId}`);
        held.push({
          record,
          settle: (error) => {
            log.push(`${error ? "refused" : "stored"} ${record.stepId}`);
            if (error) reject(error);
            else resolve();
          },
        });
      }),
  };
  return { store, held };
}

async function runLogged(store: RunStore, log: string[]) {
  const ports = makeTestPorts({
    store,
    events: {
      emit(event: RunEvent) {
        if (event.type.startsWith("run.") || event.type === "step.started")
          log.push("stepId" in event ? `${event.type} ${event.stepId}` : event.type);
      },
    },
  });
  return collectRunEvents(runPlan(plan, { name: "Ada" }, ports, { runId: "r1" }));
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("pure steps' rows are saved without holding their dependants back", () => {
  it("the whole chain runs while the first save is pending, and the run ends only once every save is stored", async () => {
    const log: string[] = [];
    const { store, held } = heldStore(log);
    const done = runLogged(store, log);
    await flush();
    // All three steps ran and asked to be saved; nothing is stored yet and the run has not ended.
    expect(held.map((h) => h.record.stepId)).toEqual(["in", "greet", "out"]);
    expect(log).not.toContain("run.completed");
    for (const h of held) {
      h.settle();
      await flush(); // the run must not end between one stored row and the next
    }
    const events = await done;
    expect(events.at(-1)).toMatchObject({
      type: "run.completed",
      output: { greeting: "Hello Ada" },
    });
    expect(log.indexOf("run.completed")).toBeGreaterThan(log.indexOf("stored out"));
  });

  it("a save the store refuses fails the run with STORE_FAILED naming the step, as an awaited save does", async () => {
    const log: string[] = [];
    const { store, held } = heldStore(log);
    const done = runLogged(store, log);
    await flush();
    held[0]!.settle();
    held[1]!.settle(new Error("disk full"));
    held[2]!.settle();
    const events = await done;
    expect(events.at(-1)).toMatchObject({
      type: "run.failed",
      error: {
        code: "STORE_FAILED",
        stepId: "greet",
        message: expect.stringContaining("disk full"),
      },
    });
    expect(events.some((e) => e.type === "run.completed")).toBe(false);
  });
});
