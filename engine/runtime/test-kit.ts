import { compileWorkflow, type CompileOptions } from "../compiler/compile-workflow";
import type { Plan } from "../schema/plan";
import {
  RunEventSchema,
  type RunEvent,
  type RunEventOf,
  type RunEventType,
} from "../schema/run-events";
import type { WorkflowDocument } from "../schema/workflow-document";
import { createFakeClock, type FakeClock } from "./clocks";
import {
  createMemoryRunStore,
  createRecordingEventSink,
  type MemoryRunStore,
  type RecordingEventSink,
} from "./memory-ports";
import type { RunPorts } from "./ports";
import type { RunOptions } from "./run-options";
import { collectRunEvents, runPlan } from "./run-plan";

/** Helpers for tests of the engine (and of code that drives it): compile, run on fakes, read events. */

export type TestPorts = RunPorts & {
  store: MemoryRunStore;
  clock: FakeClock;
  events: RecordingEventSink;
};

/** Compiles or throws with every diagnostic, so a test fails saying why. */
export function compilePlan(doc: WorkflowDocument, options?: CompileOptions): Plan {
  const result = compileWorkflow(doc, options);
  if (!result.ok)
    throw new Error(
      `Compile failed:\n${result.errors.map((e) => `${e.code} ${e.nodeId ?? ""}: ${e.message}`).join("\n")}`,
    );
  return result.plan;
}

/** In-memory store, recording sink and a fake clock, plus whatever LLM and tools a test brings. */
export function makeTestPorts(overrides: Partial<RunPorts> = {}): TestPorts {
  return {
    store: createMemoryRunStore(),
    clock: createFakeClock(),
    events: createRecordingEventSink(),
    ...overrides,
  } as TestPorts;
}

export type RunResult = {
  events: RunEvent[];
  last: RunEvent;
  of<T extends RunEventType>(type: T): Array<RunEventOf<T>>;
  /** Step ids in the order they completed. */
  completed: string[];
};

/** Runs a plan to its terminal event, checking every event against the schema the server persists. */
export async function runToEnd(
  plan: Plan,
  input: unknown,
  ports: RunPorts,
  options: Partial<RunOptions> = {},
): Promise<RunResult> {
  const events = await collectRunEvents(
    runPlan(plan, input, ports, { runId: "run-1", ...options }),
  );
  for (const event of events) RunEventSchema.parse(event);
  const of = <T extends RunEventType>(type: T) =>
    events.filter((e): e is RunEventOf<T> => e.type === type);
  return {
    events,
    last: events[events.length - 1] as RunEvent,
    of,
    completed: of("step.completed").map((e) => e.stepId),
  };
}
