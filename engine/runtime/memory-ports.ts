import type { RunEvent } from "../schema/run-events";
import type { EventSink, RunStore, StepRecord } from "./ports";

export type MemoryRunStore = RunStore & {
  records(runId: string): StepRecord[];
  /** Fails the next saves, to simulate a worker dying after its k-th step. */
  failAfter(saves: number): void;
};

/**
 * Keeps step records in a Map; enough for tests, the benchmark and the browser's dry runs.
 * @example const store = createMemoryRunStore(); await collectRunEvents(runPlan(plan, input, { store, clock }, { runId: "r1" }));
 */
export function createMemoryRunStore(): MemoryRunStore {
  const runs = new Map<string, StepRecord[]>();
  let savesLeft = Number.POSITIVE_INFINITY;
  return {
    async loadStepRecords(runId) {
      return [...(runs.get(runId) ?? [])];
    },
    async saveStepRecord(runId, record) {
      if (savesLeft <= 0) throw new Error("The run store is unavailable (simulated crash)");
      savesLeft--;
      const list = runs.get(runId);
      if (list) list.push(record);
      else runs.set(runId, [record]);
    },
    records: (runId) => [...(runs.get(runId) ?? [])],
    failAfter(saves) {
      savesLeft = saves;
    },
  };
}

export type RecordingEventSink = EventSink & { events: RunEvent[] };

/**
 * Keeps every event it receives, in order.
 * @example const sink = createRecordingEventSink(); …; expect(sink.events.at(-1)?.type).toBe("run.completed");
 */
export function createRecordingEventSink(): RecordingEventSink {
  const events: RunEvent[] = [];
  return { events, emit: (event) => void events.push(event) };
}
