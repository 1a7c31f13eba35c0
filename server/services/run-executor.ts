import type { Db } from "@/db/client";
import type { Clock, LlmPort, RunStore, ToolPort } from "@/engine/runtime/ports";
import { runPlan } from "@/engine/runtime/run-plan";
import { PlanSchema } from "@/engine/schema/plan";
import type { RunEvent } from "@/engine/schema/run-events";
import type { EventBus } from "@/server/events/bus";
import type { RunJob } from "@/server/queue/run-queue";
import { observeRunEvent } from "@/server/observability/metrics";
import * as repo from "@/server/repositories/runs";
import { RunEventWriter } from "./run-events-sink";

/** Everything a worker needs to execute runs; built once per process (see server/run-system.ts). */
export interface ExecutorDeps {
  db: Db;
  bus: EventBus;
  clock: Clock;
  /** Undefined when no LLM provider is configured: LLM steps then fail with a clear message. */
  llm: LlmPort | undefined;
  tools: (tenantId: string) => ToolPort | undefined;
  workerId: string;
  /** A running run whose heartbeat is older than this is taken over by another worker. */
  staleAfterMs: number;
}

/** Workers listen here for "stop this run now". */
export const runControlChannel = (runId: string) => `run-control:${runId}`;

const TERMINAL = new Set<RunEvent["type"]>(["run.completed", "run.failed", "run.cancelled", "run.waiting"]);

function dbRunStore(db: Db, tenantId: string): RunStore {
  return {
    loadStepRecords: (runId) => repo.loadStepRecords(db, runId),
    async saveStepRecord(runId, record) {
      await repo.upsertStepRuns(db, [
        {
          runId,
          stepId: record.stepId,
          tenantId,
          parentStepId: record.parentStepId ?? null,
          status: "completed",
          attempts: record.attempts,
          output: record.output,
          port: record.port,
          startedAt: new Date(record.startedAt),
          finishedAt: new Date(record.finishedAt),
          durationMs: Math.round(record.finishedAt - record.startedAt),
          inputTokens: record.usage.inputTokens,
          outputTokens: record.usage.outputTokens,
          costUsd: record.costUsd,
          pinned: record.pinned ?? false,
          fallbackStepId: record.fallbackStepId ?? null,
        },
      ]);
    },
  };
}

/**
 * Executes one queued run (a queue job): takes the run, runs its plan through the engine, stores
 * every event and step, and records how it ended. Finished steps are in the database before the
 * steps after them start, so if this worker dies, another one resumes the run from there.
 * When `shutdown` aborts (the worker is stopping), the run is left for another worker rather than
 * being marked cancelled.
 */
export async function executeRunJob(deps: ExecutorDeps, job: RunJob, shutdown: AbortSignal): Promise<void> {
  const { db, bus, clock } = deps;
  const run = await repo.claimRun(db, job.runId, deps.workerId, new Date(Date.now() - deps.staleAfterMs));
  if (!run) return; // cancelled, finished, or held by a live worker

  const writer = new RunEventWriter(db, bus, run.tenantId);
  const version = await repo.findVersionForRun(db, run);
  const parsed = PlanSchema.safeParse(version?.plan);
  if (!version || !parsed.success) {
    const error = { code: "PLAN_INVALID", message: "The run's workflow version has no valid plan; publish the workflow again." };
    writer.push({ type: "run.failed", runId: run.id, at: clock.now(), durationMs: 0, usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, error });
    await writer.drain();
    await repo.updateRun(db, run.id, { status: "failed", error, finishedAt: new Date(), workerId: null });
    return;
  }

  const controller = new AbortController();
  const onShutdown = () => controller.abort(new Error("The worker is shutting down"));
  shutdown.addEventListener("abort", onShutdown, { once: true });
  const stopListening = await bus.subscribe(runControlChannel(run.id), (message) => {
    if ((message as { action?: string }).action === "cancel") controller.abort(new Error("Cancelled by a user"));
  });
  const beat = setInterval(() => void repo.heartbeat(db, [run.id], deps.workerId).catch(() => undefined), Math.max(250, deps.staleAfterMs / 3));
  beat.unref();

  try {
    const events = runPlan(
      parsed.data,
      run.input,
      { llm: deps.llm, tools: deps.tools(run.tenantId), clock, store: dbRunStore(db, run.tenantId) },
      { runId: run.id, signal: controller.signal, approvals: run.approvals, pinnedOutputs: run.pinnedOutputs },
    );
    const kinds = new Map<string, string>();
    for await (const event of events) {
      observeRunEvent(event, kinds);
      if (event.type === "run.cancelled" && shutdown.aborted) break; // not a user's cancel: leave it to resume
      // The run's final row is written after the terminal event is stored and before it is
      // published, so whoever reacts to it reads the final state.
      writer.push(event, TERMINAL.has(event.type) ? () => recordEnd(db, run.id, event) : undefined);
    }
    await writer.drain();
  } catch (error) {
    await writer.drain().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    await repo.updateRun(db, run.id, {
      status: "failed",
      error: { code: typeof code === "string" ? code : "RUN_FAILED", message },
      finishedAt: new Date(),
      workerId: null,
    });
  } finally {
    clearInterval(beat);
    stopListening();
    shutdown.removeEventListener("abort", onShutdown);
  }
}

async function recordEnd(db: Db, runId: string, event: RunEvent | undefined): Promise<void> {
  if (!event || !("durationMs" in event)) return;
  const totals = {
    durationMs: Math.round(event.durationMs),
    inputTokens: event.usage.inputTokens,
    outputTokens: event.usage.outputTokens,
    costUsd: event.costUsd,
    workerId: null,
  };
  switch (event.type) {
    case "run.completed":
      await repo.updateRun(db, runId, { ...totals, status: "completed", output: event.output, finishedAt: new Date(event.at) });
      break;
    case "run.failed":
      await repo.updateRun(db, runId, { ...totals, status: "failed", error: event.error, finishedAt: new Date(event.at) });
      break;
    case "run.cancelled":
      await repo.updateRun(db, runId, {
        ...totals,
        status: "cancelled",
        error: { code: "CANCELLED", message: event.reason },
        finishedAt: new Date(event.at),
      });
      break;
    case "run.waiting":
      await repo.updateRun(db, runId, { ...totals, status: "waiting" });
      break;
    default:
      break;
  }
}
