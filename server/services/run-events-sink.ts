import type { Db } from "@/db/client";
import type { stepRuns } from "@/db/schema";
import type { RunEvent } from "@/engine/schema/run-events";
import type { EventBus } from "@/server/events/bus";
import { insertRunEvents, upsertStepRuns } from "@/server/repositories/runs";

type StepRow = typeof stepRuns.$inferInsert;

/** The bus channel that carries a tenant's run events to the pages that watch them. */
export const tenantRunsChannel = (tenantId: string) => `tenant:${tenantId}:runs`;

/** A run event as pages receive it: with its database id, so a reconnect can ask for what came after. */
export interface PublishedRunEvent {
  id: number;
  runId: string;
  /** False for progress and output deltas, which are live-only (their id is that of the last stored event). */
  stored: boolean;
  event: RunEvent;
}

/** What a step's row becomes after an event, or undefined for events that do not change it. */
function stepRowFor(tenantId: string, event: RunEvent): StepRow | undefined {
  if (!event.type.startsWith("step.") || !("stepId" in event)) return undefined;
  const base = { runId: event.runId, stepId: event.stepId, tenantId, parentStepId: event.parentStepId ?? null };
  const at = new Date(event.at);
  switch (event.type) {
    case "step.started":
      return { ...base, kind: event.kind, status: "running", attempts: event.attempt, startedAt: at };
    case "step.retrying":
      return { ...base, status: "running", attempts: event.attempt, error: event.error };
    case "step.completed":
      return {
        ...base,
        status: "completed",
        attempts: event.attempts,
        output: event.output,
        port: event.port,
        finishedAt: at,
        durationMs: Math.round(event.durationMs),
        inputTokens: event.usage.inputTokens,
        outputTokens: event.usage.outputTokens,
        costUsd: event.costUsd,
        pinned: event.pinned,
        fallbackStepId: event.fallbackStepId ?? null,
        error: null,
      };
    case "step.failed":
      return {
        ...base,
        status: "failed",
        attempts: event.attempt,
        error: event.error,
        finishedAt: at,
        durationMs: Math.round(event.durationMs),
        inputTokens: event.usage.inputTokens,
        outputTokens: event.usage.outputTokens,
        costUsd: event.costUsd,
      };
    case "step.skipped":
      return { ...base, status: "skipped", finishedAt: at };
    default:
      return undefined; // progress and deltas are live-only details
  }
}

/**
 * Stores a run's events and its steps' rows in batches (one insert per batch, not per event),
 * then publishes each event with its id. A batch starts when the first event arrives and
 * closes on the next turn of the event loop, so a burst of events costs one round trip while a
 * lone event goes out at once. Progress and output deltas are published but not stored.
 */
export class RunEventWriter {
  private buffer: RunEvent[] = [];
  private hooks: (() => Promise<void>)[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private isScheduled = false;
  private failure: unknown;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly tenantId: string,
  ) {}

  /**
   * Queues an event. `afterStore` runs once the event is stored and before it is published, so
   * whoever reacts to the event reads what the hook wrote (the run's final row, say).
   */
  push(event: RunEvent, afterStore?: () => Promise<void>): void {
    this.buffer.push(event);
    if (afterStore) this.hooks.push(afterStore);
    if (this.isScheduled) return;
    this.isScheduled = true;
    setImmediate(() => {
      this.isScheduled = false;
      this.flushing = this.flushing.then(() => this.flushBuffer());
    });
  }

  /** Waits until every pushed event is stored and published; rethrows a storage failure. */
  async drain(): Promise<void> {
    while (this.isScheduled || this.buffer.length > 0) {
      if (!this.isScheduled) this.flushing = this.flushing.then(() => this.flushBuffer());
      await new Promise((resolve) => setImmediate(resolve));
      await this.flushing;
    }
    await this.flushing;
    if (this.failure) throw this.failure;
  }

  private async flushBuffer(): Promise<void> {
    const events = this.buffer;
    const hooks = this.hooks;
    this.buffer = [];
    this.hooks = [];
    if (events.length === 0) return;
    try {
      const stored = events.filter((e) => e.type !== "step.progress" && e.type !== "step.output.delta");
      const steps = new Map<string, StepRow>();
      for (const event of stored) {
        const row = stepRowFor(this.tenantId, event);
        if (row) steps.set(row.stepId, { ...steps.get(row.stepId), ...row });
      }
      const rows = await insertRunEvents(
        this.db,
        stored.map((event) => ({ tenantId: this.tenantId, runId: event.runId, type: event.type, payload: event, at: new Date(event.at) })),
      );
      await upsertStepRuns(this.db, [...steps.values()]);
      for (const hook of hooks) await hook();
      const ids = new Map<RunEvent, number>(rows.map((row, i) => [stored[i]!, row.id]));
      const channel = tenantRunsChannel(this.tenantId);
      // Live-only events reuse the id of the last stored one: a reconnect never needs them.
      let lastId = 0;
      for (const event of events) {
        const id = ids.get(event);
        lastId = id ?? lastId;
        await this.bus.publish(channel, { id: lastId, runId: event.runId, stored: id !== undefined, event } satisfies PublishedRunEvent);
      }
    } catch (error) {
      this.failure ??= error;
    }
  }
}
