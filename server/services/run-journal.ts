import type { Db } from "@/db/client";
import { runInTransaction } from "@/db/statements";
import type { RunEvent } from "@/engine/schema/run-events";
import type { EventBus } from "@/server/events/bus";
import { insertAuditLogs, type AuditInsert } from "@/server/repositories/audit";
import { claimRuns, type ClaimedRun } from "@/server/repositories/run-leases";
import { insertRunEvents } from "@/server/repositories/run-events";
import {
  endRuns,
  insertRuns,
  type RunEnd,
  type RunInsert,
  type StartedRun,
} from "@/server/repositories/runs";
import { upsertStepRuns, type StepRunInsert } from "@/server/repositories/step-runs";
import { upsertUsageRecords, type UsageRecordInsert } from "@/server/repositories/usage";

export type StepRow = StepRunInsert;
export type { ClaimedRun, RunInsert };

/** The bus channel that carries a tenant's run events to the pages that watch them. */
export const tenantRunsChannel = (tenantId: string) => `tenant:${tenantId}:runs`;

/** A run event as pages receive it: with its database id, so a reconnect can ask for what came after. */
export interface PublishedRunEvent {
  id: number;
  runId: string;
  /** False for progress and output deltas, which are live-only (their id is that of the tenant's last stored event). */
  stored: boolean;
  event: RunEvent;
}

/** One write for the journal: a new run, an event to store and publish, or a step row to store. */
interface Entry {
  tenantId: string;
  runId: string;
  run?: RunInsert;
  audit?: AuditInsert;
  claim?: { workerId: string; staleBefore: Date };
  event?: RunEvent;
  step?: StepRow;
  /** The run's final row, stored with its last event. */
  end?: RunEnd;
  usage?: UsageRecordInsert;
  resolve: (run?: ClaimedRun | StartedRun) => void;
  reject: (error: unknown) => void;
}

/** The database's own words (a DrizzleQueryError's message repeats the whole statement). */
function storageError(error: unknown): Error {
  const cause = (error as { cause?: unknown }).cause;
  const message =
    cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return new Error(`The database refused the write: ${message}`, { cause: error });
}

const isLiveOnly = (event: RunEvent) =>
  event.type === "step.progress" || event.type === "step.output.delta";

/** What a step's row becomes after an event, or undefined for events that do not change it. */
function stepRowFor(tenantId: string, event: RunEvent): StepRow | undefined {
  if (!event.type.startsWith("step.") || !("stepId" in event)) return undefined;
  const base = {
    runId: event.runId,
    stepId: event.stepId,
    tenantId,
    parentStepId: event.parentStepId ?? null,
  };
  const at = new Date(event.at);
  switch (event.type) {
    case "step.started":
      return {
        ...base,
        kind: event.kind,
        status: "running",
        attempts: event.attempt,
        startedAt: at,
      };
    case "step.retrying":
      return { ...base, status: "running", attempts: event.attempt, error: event.error };
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
        unpricedTokens: event.unpricedTokens ?? 0,
      };
    case "step.skipped":
      return { ...base, status: "skipped", finishedAt: at };
    case "step.interrupted":
      // Waiting for a person; a step run again says so with its own step.started.
      return event.next === "wait" ? { ...base, status: "waiting" } : undefined;
    default:
      // step.completed: the row was stored by saveStep before the event was emitted.
      // Progress and deltas are live-only details.
      return undefined;
  }
}

/**
 * The run write path of a process, shared by every run it executes and every run it starts:
 * events, step rows, run rows and usage records wait for the next turn of the event loop and are
 * written together in one transaction (group commit), then each event is published with its id.
 * A burst from many runs costs one round trip; a lone write goes out at once. If a batch fails,
 * each run's part is retried on its own, so one run's bad write fails only that run.
 * Within a run, writes are stored and published in the order they were made.
 */
export class RunJournal {
  private pending: Entry[] = [];
  private isScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  /** Per tenant, the id of the last stored event published: live-only events carry it. */
  private readonly lastIds = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /**
   * Stores a new run with its audit record and its run.queued event, in one transaction with the
   * batch's other writes; resolves with the stored row once the event is published.
   */
  async startRun(run: RunInsert, audit: AuditInsert): Promise<StartedRun> {
    const event: RunEvent = { type: "run.queued", runId: run.id, at: Date.now() };
    return (await this.enqueue({
      tenantId: run.tenantId,
      runId: run.id,
      run,
      audit,
      event,
    })) as StartedRun;
  }

  /**
   * A worker takes a run: a queued one, or a running one whose worker's heartbeat is older than
   * `staleBefore`. Undefined when the run is cancelled, finished or held by a live worker.
   */
  async claimRun(
    runId: string,
    tenantId: string,
    workerId: string,
    staleBefore: Date,
  ): Promise<ClaimedRun | undefined> {
    return (await this.enqueue({ tenantId, runId, claim: { workerId, staleBefore } })) as
      ClaimedRun | undefined;
  }

  /**
   * Stores (unless live-only) and publishes a run event; resolves once it is published.
   * `end` (the run's final row) and `usage` are written in the same transaction, before the
   * event is published, so whoever reacts to a run's last event reads its final state.
   */
  async append(
    tenantId: string,
    event: RunEvent,
    extra: { end?: RunEnd; usage?: UsageRecordInsert } = {},
  ): Promise<void> {
    await this.enqueue({ tenantId, runId: event.runId, event, ...extra });
  }

  /** Stores a step's row (a finished step, before the steps after it start); resolves once committed. */
  async saveStep(row: StepRow): Promise<void> {
    await this.enqueue({ tenantId: row.tenantId, runId: row.runId, step: row });
  }

  /** Resolves when everything queued so far is written and published. */
  async settle(): Promise<void> {
    while (this.isScheduled || this.pending.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      await this.flushing;
    }
    await this.flushing;
  }

  private enqueue(
    entry: Omit<Entry, "resolve" | "reject">,
  ): Promise<ClaimedRun | StartedRun | undefined> {
    return new Promise<ClaimedRun | StartedRun | undefined>((resolve, reject) => {
      this.pending.push({ ...entry, resolve, reject });
      if (this.isScheduled) return;
      this.isScheduled = true;
      // The batch is cut when the previous one is written, so whatever arrives meanwhile goes together.
      setImmediate(() => {
        this.flushing = this.flushing.then(() => {
          this.isScheduled = false;
          const batch = this.pending;
          this.pending = [];
          return this.flush(batch);
        });
      });
    });
  }

  private async flush(batch: Entry[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      const ids = await this.write(batch);
      await this.publish(batch, ids);
      return;
    } catch (error) {
      if (batch.every((entry) => entry.runId === batch[0]!.runId)) {
        for (const entry of batch) entry.reject(storageError(error));
        return;
      }
    }
    // One run's bad write must not fail the others: write each run's part on its own.
    const byRun = new Map<string, Entry[]>();
    for (const entry of batch) byRun.set(entry.runId, [...(byRun.get(entry.runId) ?? []), entry]);
    for (const entries of byRun.values()) {
      try {
        await this.publish(entries, await this.write(entries));
      } catch (error) {
        for (const entry of entries) entry.reject(storageError(error));
      }
    }
  }

  /** Writes a batch in one transaction; returns the ids given to its stored events and the new runs' rows. */
  private async write(batch: Entry[]): Promise<Written> {
    const stored = batch.filter((entry) => entry.event && !isLiveOnly(entry.event));
    const steps = new Map<string, StepRow>();
    for (const entry of batch) {
      const row = entry.step ?? (entry.event ? stepRowFor(entry.tenantId, entry.event) : undefined);
      if (!row) continue;
      const key = `${row.runId}/${row.stepId}`;
      const before = steps.get(key);
      // A completed row (stored by saveStep) wins over a row from an event that was queued after it.
      steps.set(
        key,
        before?.status === "completed" ? { ...row, ...before } : { ...before, ...row },
      );
    }
    const started = batch.filter((entry) => entry.run);
    const pick = <T>(get: (entry: Entry) => T | undefined) =>
      batch.flatMap((entry) => (get(entry) === undefined ? [] : [get(entry)!]));
    const claims = batch.filter((entry) => entry.claim);
    const { workerId, staleBefore } = claims[0]?.claim ?? { workerId: "", staleBefore: new Date() };
    // One transaction, sent in one trip: the statements do not depend on each other's results.
    const [runRows, claimedRows, , eventIds] = await runInTransaction(this.db, [
      insertRuns(
        this.db,
        pick((entry) => entry.run),
      ),
      claimRuns(
        this.db,
        claims.map((entry) => entry.runId),
        workerId,
        staleBefore,
      ),
      insertAuditLogs(
        this.db,
        pick((entry) => entry.audit),
      ),
      insertRunEvents(
        this.db,
        stored.map(({ tenantId, runId, event }) => ({
          tenantId,
          runId,
          type: event!.type,
          payload: event,
          at: new Date(event!.at),
        })),
      ),
      upsertStepRuns(this.db, [...steps.values()]),
      endRuns(
        this.db,
        pick((entry) => entry.end),
      ),
      upsertUsageRecords(
        this.db,
        pick((entry) => entry.usage),
      ),
    ]);
    const runs = new Map<Entry, ClaimedRun | StartedRun>(
      runRows.map((row, i) => [started[i]!, row]),
    );
    const claimed = new Map(claimedRows.map((row) => [row.id, row]));
    for (const entry of claims) {
      const row = claimed.get(entry.runId);
      claimed.delete(entry.runId); // the same run asked twice in one batch is taken once
      if (row) runs.set(entry, row);
    }
    return { ids: new Map(eventIds.map((id, i) => [stored[i]!, id])), runs };
  }

  private async publish(batch: Entry[], { ids, runs }: Written): Promise<void> {
    const publishing: Promise<void>[] = [];
    for (const entry of batch) {
      if (!entry.event) continue;
      const id = ids.get(entry);
      if (id !== undefined) this.lastIds.set(entry.tenantId, id);
      const message: PublishedRunEvent = {
        id: id ?? this.lastIds.get(entry.tenantId) ?? 0,
        runId: entry.runId,
        stored: id !== undefined,
        event: entry.event,
      };
      // Sent in order without waiting for each: Redis keeps the order of one connection's commands.
      publishing.push(this.bus.publish(tenantRunsChannel(entry.tenantId), message));
    }
    const results = await Promise.allSettled(publishing);
    // Stored but not delivered live: pages catch up from the database, so the write still counts.
    const failed = results.find((result) => result.status === "rejected");
    if (failed)
      console.error("Publishing run events failed:", (failed as PromiseRejectedResult).reason);
    for (const entry of batch) entry.resolve(runs.get(entry));
  }
}

interface Written {
  ids: Map<Entry, number>;
  /** New runs' rows and claimed runs' rows, by the entry that asked. */
  runs: Map<Entry, ClaimedRun | StartedRun>;
}
