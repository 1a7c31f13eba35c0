import type { Db } from "@/db/client";
import { runInTransaction } from "@/db/statements";
import type { RunEvent } from "@/engine/schema/run-events";
import type { EventBus } from "@/server/events/bus";
import { insertAuditLogs, type AuditInsert } from "@/server/repositories/audit";
import { claimRuns, type ClaimedRun } from "@/server/repositories/run-leases";
import { releaseIdempotencyKeysOf } from "@/server/repositories/idempotency-keys";
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

/** The error code of the live run.failed a run that could never be stored ends with (RunJournal.neverStored). */
export const RUN_NOT_STORED = "RUN_NOT_STORED";

/** The event a run that could never be stored ends with: there is no run to read. */
export const isNeverStored = (
  event: RunEvent | undefined,
): event is Extract<RunEvent, { type: "run.failed" }> =>
  event?.type === "run.failed" && event.error.code === RUN_NOT_STORED;

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
  /** A held run's start: when it was made and claimed (see RunJournal.startRun). */
  held?: { createdAt: Date; claim?: { workerId: string; at: Date } };
  usage?: UsageRecordInsert;
  resolve: (run?: ClaimedRun | StartedRun) => void;
  reject: (error: unknown) => void;
}

/**
 * A run whose writes wait in memory until it ends (see `startRun`'s `holdMs`): its start, its
 * local claim and everything it records so far.
 */
interface HeldRun {
  tenantId: string;
  start: RunInsert;
  createdAt: Date;
  claim?: { workerId: string; at: Date };
  entries: Entry[];
  timer: NodeJS.Timeout;
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
  /** Runs whose writes wait for their end, by id. */
  private readonly held = new Map<string, HeldRun>();
  /**
   * Released held runs whose writes are still going out: a second release waits for the same
   * write, and until it is stored the run still counts as active (heldCount).
   */
  private readonly releasing = new Map<string, { tenantId: string; written: Promise<void> }>();

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /**
   * Stores a new run with its audit record and its run.queued event, in one transaction with the
   * batch's other writes; resolves with the stored row once the event is published.
   *
   * With `holdMs`, for a run whose starter follows it to its end (a waiting start): the run's
   * writes wait in memory (its start, claim, events, step rows) and go out together when it ends,
   * as one row written once instead of a start, a claim and an end, or when it is `release`d:
   * after `holdMs`, before it calls a model or a tool (so that call's step is stored as started),
   * or when the process stops. Resolves at once with the row as it will be stored. Until then
   * nothing else sees the run, and losing it loses nothing outside it: no step of it has touched
   * anything outside the run. A held write the database refuses stores the run's start alone
   * (storeStartOnly), so its executor can still record it as failed.
   */
  async startRun(
    run: RunInsert,
    audit: AuditInsert,
    options: { holdMs?: number } = {},
  ): Promise<StartedRun> {
    const event: RunEvent = { type: "run.queued", runId: run.id, at: Date.now() };
    const entry = { tenantId: run.tenantId, runId: run.id, run, audit, event };
    if (!options.holdMs) return (await this.enqueue(entry)) as StartedRun;
    const createdAt = new Date(event.at);
    const timer = setTimeout(
      () => void this.release(run.id).catch(() => undefined),
      options.holdMs,
    );
    timer.unref();
    this.held.set(run.id, { tenantId: run.tenantId, start: run, createdAt, entries: [], timer });
    void this.enqueue(entry);
    return {
      id: run.id,
      tenantId: run.tenantId,
      workflowId: run.workflowId,
      versionId: run.versionId,
      isDraft: run.isDraft ?? false,
      status: "queued",
      startedBy: run.startedBy ?? null,
      createdAt,
    };
  }

  /**
   * How many of a tenant's runs are held or on their way out (started but not yet stored): they
   * count as active. One that ended while held counts until its ended row is stored.
   */
  heldCount(tenantId: string): number {
    let count = 0;
    for (const run of this.held.values()) if (run.tenantId === tenantId) count++;
    for (const run of this.releasing.values()) if (run.tenantId === tenantId) count++;
    return count;
  }

  /**
   * Lets a held run's writes go out (with the next batch) and resolves once they are stored; from
   * then on the run's writes go out as anyone's. Resolves at once for a run that is not held.
   */
  release(runId: string): Promise<void> {
    const run = this.held.get(runId);
    if (!run) return this.releasing.get(runId)?.written ?? Promise.resolve();
    this.held.delete(runId);
    clearTimeout(run.timer);
    // The run's start carries how it was held: its row is written as the local claim left it.
    const start = run.entries.find((entry) => entry.run);
    if (start) start.held = { createdAt: run.createdAt, claim: run.claim };
    // Resolves once the last of them is stored (they go out together).
    const written = new Promise<void>((resolve, reject) => {
      const last = run.entries.at(-1);
      if (!last) return resolve();
      const { resolve: answer, reject: refuse } = last;
      last.resolve = (row) => {
        answer(row);
        resolve();
      };
      last.reject = (error) => {
        refuse(error);
        reject(error);
      };
    });
    this.schedule(run.entries);
    const settled = written.finally(() => this.releasing.delete(runId));
    settled.catch(() => undefined);
    this.releasing.set(runId, { tenantId: run.tenantId, written: settled });
    return settled;
  }

  /** Lets every held run's writes go out (the process stops). */
  async releaseAll(): Promise<void> {
    await Promise.allSettled([...this.held.keys()].map((runId) => this.release(runId)));
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
    const held = this.held.get(runId);
    if (held) {
      // Nobody else knows of a held run: this claim is the only one, stored with the run's row.
      if (held.claim) return undefined;
      held.claim = { workerId, at: new Date() };
      const { start } = held;
      return {
        id: start.id,
        tenantId: start.tenantId,
        workflowId: start.workflowId,
        versionId: start.versionId,
        startedBy: start.startedBy ?? null,
        retryOf: null,
        input: start.input ?? null,
        approvals: {},
        pinnedOutputs: start.pinnedOutputs ?? {},
        trigger: start.trigger ?? "manual",
        isFirstStart: true,
      };
    }
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

  /** Resolves when everything queued so far is written and published, held runs' writes too. */
  async settle(): Promise<void> {
    await this.releaseAll();
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
      const held = this.held.get(entry.runId);
      if (held && entry.end) {
        // Its end lets the held run's writes go out, and is answered once they are stored.
        held.entries.push({ ...entry, resolve, reject });
        void this.release(entry.runId).catch(() => undefined);
      } else if (held) {
        // Answered now (its step rows too, so the run goes on).
        held.entries.push({ ...entry, resolve: () => undefined, reject: () => undefined });
        resolve(undefined);
      } else this.schedule([{ ...entry, resolve, reject }]);
    });
  }

  /** Queues entries for the next batch. */
  private schedule(entries: Entry[]): void {
    this.pending.push(...entries);
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
  }

  private async flush(batch: Entry[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      const ids = await this.write(batch);
      await this.publish(batch, ids);
      return;
    } catch (error) {
      if (batch.every((entry) => entry.runId === batch[0]!.runId)) {
        await this.storeStartOnly(batch);
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
        await this.storeStartOnly(entries);
        for (const entry of entries) entry.reject(storageError(error));
      }
    }
  }

  /**
   * A held run whose writes were refused together: its start alone is stored if it can be, so the
   * run exists and its executor, told that its end was refused, can still record how it failed.
   */
  private async storeStartOnly(entries: Entry[]): Promise<void> {
    const start = entries.find((entry) => entry.held);
    if (!start) return;
    if (entries.length > 1) {
      const alone = { ...start };
      try {
        await this.publish([alone], await this.write([alone]));
        return;
      } catch {
        // Not even the start (its workflow was deleted meanwhile, say).
      }
    }
    await this.neverStored(start);
  }

  /**
   * A held run whose start could not be stored at all: it does not exist, and nobody could
   * otherwise tell. Whoever follows it (a waiting start, a webhook, an MCP call) hears a live
   * run.failed saying so instead of waiting out its time for a run it could never read, and an
   * Idempotency-Key that named it is let go, so a retry starts afresh.
   */
  private async neverStored(start: Entry): Promise<void> {
    await releaseIdempotencyKeysOf(this.db, start.tenantId, start.runId).catch(() => undefined);
    const event: RunEvent = {
      type: "run.failed",
      runId: start.runId,
      at: Date.now(),
      durationMs: 0,
      usage: { inputTokens: 0, outputTokens: 0 },
      costUsd: 0,
      error: {
        code: RUN_NOT_STORED,
        message: "The run could not be stored, so it did not run: start it again.",
      },
    };
    await this.bus
      .publish(tenantRunsChannel(start.tenantId), {
        id: this.lastIds.get(start.tenantId) ?? 0,
        runId: start.runId,
        stored: false,
        event,
      } satisfies PublishedRunEvent)
      .catch(() => undefined);
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
    // A held run that ended before it was written: its end goes into its first row.
    const endsInRow = new Map<string, Entry>();
    for (const entry of started)
      if (entry.held?.claim) {
        const end = batch.find((other) => other.runId === entry.runId && other.end);
        if (end) endsInRow.set(entry.runId, end);
      }
    const pick = <T>(get: (entry: Entry) => T | undefined) =>
      batch.flatMap((entry) => (get(entry) === undefined ? [] : [get(entry)!]));
    const claims = batch.filter((entry) => entry.claim);
    const { workerId, staleBefore } = claims[0]?.claim ?? { workerId: "", staleBefore: new Date() };
    // One transaction, sent in one trip: the statements do not depend on each other's results.
    const [runRows, claimedRows, , eventIds] = await runInTransaction(this.db, [
      insertRuns(
        this.db,
        started.map((entry) =>
          entry.held
            ? heldRunRow(entry.run!, entry.held, endsInRow.get(entry.runId)?.end)
            : entry.run!,
        ),
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
        pick((entry) => (endsInRow.get(entry.runId) === entry ? undefined : entry.end)),
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

/**
 * A held run's first row: made when its start was, claimed by this process (running since the
 * claim, which counts as its heartbeat), and ended if its end came first, as the claim and end
 * statements would have left it (the duration counts from the claim at least).
 */
function heldRunRow(run: RunInsert, held: NonNullable<Entry["held"]>, end?: RunEnd): RunInsert {
  const row: RunInsert = { ...run, createdAt: held.createdAt };
  if (!held.claim) return row;
  const { at, workerId } = held.claim;
  const claimed: RunInsert = {
    ...row,
    status: "running",
    startedAt: at,
    workerId,
    heartbeatAt: at,
  };
  if (!end) return claimed;
  const sinceClaim = end.finishedAt ? Math.round(end.finishedAt.getTime() - at.getTime()) : 0;
  return {
    ...claimed,
    status: end.status,
    output: end.output,
    error: end.error,
    finishedAt: end.finishedAt,
    durationMs: Math.max(end.durationMs, sinceClaim),
    inputTokens: end.inputTokens,
    outputTokens: end.outputTokens,
    costUsd: end.costUsd,
    unpricedTokens: end.unpricedTokens,
    workerId: null,
  };
}

interface Written {
  ids: Map<Entry, number>;
  /** New runs' rows and claimed runs' rows, by the entry that asked. */
  runs: Map<Entry, ClaimedRun | StartedRun>;
}
