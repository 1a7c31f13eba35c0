import type { Db } from "@/db/client";
import type { Clock, LlmPort, RunStore, ToolPort } from "@/engine/runtime/ports";
import { INTERRUPTION_DECISIONS, type InterruptionDecision } from "@/engine/runtime/run-options";
import { runPlan } from "@/engine/runtime/run-plan";
import type { Plan } from "@/engine/schema/plan";
import type { RunEvent } from "@/engine/schema/run-events";
import type { EventBus } from "@/server/events/bus";
import type { RunJob } from "@/server/queue/run-queue";
import { observeRunEvent } from "@/server/observability/metrics";
import * as repo from "@/server/repositories/runs";
import { type ClaimedRun, handBackRun } from "@/server/repositories/run-leases";
import { listUnfinishedSteps, loadStepRecords } from "@/server/repositories/step-runs";
import type { MetricRecorder } from "./metric-recorder";
import type { OutcomeRecorder } from "./outcome-recorder";
import type { RunJournal } from "./run-journal";
import { askingToolPort } from "./run-elicitation";
import { loadVersionPlan } from "./version-plans";

/** Everything a worker needs to execute runs; built once per process (see server/run-system.ts). */
export interface ExecutorDeps {
  db: Db;
  bus: EventBus;
  journal: RunJournal;
  clock: Clock;
  /** A tenant's LLM port; undefined when no provider is configured: LLM steps then fail with a clear message. */
  llm: (tenantId: string) => LlmPort | undefined;
  tools: (tenantId: string) => ToolPort | undefined;
  workerId: string;
  /** A running run whose heartbeat is older than this is taken over by another worker. */
  staleAfterMs: number;
  /** The runs this process holds: one heartbeat for all of them (server/run-system.ts). */
  heldRuns: Set<string>;
  /** Where runs, steps, MCP calls and queue waits are counted for the anomaly watcher. */
  metrics?: MetricRecorder;
  /** Where finished runs become learning (outcomes, strategy statistics, experiments). */
  outcomes?: OutcomeRecorder;
  /** How long a step waits for a person to answer its tool's question (MCP elicitation). */
  elicitationTimeoutMs?: number;
}

/** The events a run's own shutdown makes: steps aborted mid-call and the run's cancellation. */
const isCutOffByShutdown = (event: RunEvent) =>
  event.type === "run.cancelled" ||
  (event.type === "step.failed" && event.error.code === "CANCELLED") ||
  (event.type === "step.retrying" && event.error.code === "CANCELLED");

/** Workers listen here for "stop this run now". */
export const runControlChannel = (runId: string) => `run-control:${runId}`;

type EndEvent = Extract<
  RunEvent,
  { type: "run.completed" | "run.failed" | "run.cancelled" | "run.waiting" }
>;
const isEnd = (event: RunEvent): event is EndEvent =>
  event.type === "run.completed" ||
  event.type === "run.failed" ||
  event.type === "run.cancelled" ||
  event.type === "run.waiting";

/** What the run's row becomes when it ends (or waits for approval). */
function runEnd(event: EndEvent): repo.RunEnd {
  const totals = {
    id: event.runId,
    durationMs: Math.round(event.durationMs),
    inputTokens: event.usage.inputTokens,
    outputTokens: event.usage.outputTokens,
    costUsd: event.costUsd,
    unpricedTokens: event.unpricedTokens ?? 0,
    output: null,
    error: null,
    finishedAt: new Date(event.at),
  };
  switch (event.type) {
    case "run.completed":
      return { ...totals, status: "completed", output: event.output };
    case "run.failed":
      return { ...totals, status: "failed", error: event.error };
    case "run.cancelled":
      return {
        ...totals,
        status: "cancelled",
        error: { code: "CANCELLED", message: event.reason },
      };
    case "run.waiting":
      return { ...totals, status: "waiting", finishedAt: null };
  }
}

/** What people chose for interrupted steps, kept among the run's approvals (with an `action`). */
function interruptionDecisionsOf(
  approvals: ClaimedRun["approvals"],
): Record<string, InterruptionDecision> {
  const decisions: Record<string, InterruptionDecision> = {};
  for (const [stepId, decision] of Object.entries(approvals)) {
    const action = (decision as { action?: unknown }).action;
    if (INTERRUPTION_DECISIONS.includes(action as InterruptionDecision))
      decisions[stepId] = action as InterruptionDecision;
  }
  return decisions;
}

/**
 * The steps a resumed run finds started but unfinished, and what happens to them. On a takeover,
 * steps cut off while running are reported (step.interrupted) and any earlier decision on them
 * no longer counts: this is a new interruption. Steps already waiting for a person keep theirs.
 */
async function findInterruptions(
  deps: ExecutorDeps,
  run: ClaimedRun,
  plan: Plan,
  record: (event: RunEvent) => void,
) {
  if (run.isFirstStart) return { interruptedSteps: [], interruptionDecisions: {} };
  const unfinished = await listUnfinishedSteps(deps.db, run.id);
  const decisions = interruptionDecisionsOf(run.approvals);
  if (run.takenOverFrom !== undefined) {
    const notSafe = new Set(
      plan.steps.filter((step) => step.notSafeToRepeat).map((step) => step.id),
    );
    for (const step of unfinished) {
      if (step.status !== "running") continue;
      delete decisions[step.stepId];
      record({
        type: "step.interrupted",
        runId: run.id,
        at: deps.clock.now(),
        stepId: step.stepId,
        interruptedOn: run.takenOverFrom,
        resumedOn: deps.workerId,
        next: notSafe.has(step.stepId) ? "wait" : "retry",
      });
    }
  }
  return {
    interruptedSteps: unfinished.map((step) => step.stepId),
    interruptionDecisions: decisions,
  };
}

/** Steps are stored through the journal (group commit); a run that never started has none to load. */
function journalRunStore(deps: ExecutorDeps, tenantId: string, isFirstStart: boolean): RunStore {
  return {
    loadStepRecords: (runId) =>
      isFirstStart ? Promise.resolve([]) : loadStepRecords(deps.db, runId),
    saveStepRecord: (runId, record) =>
      deps.journal.saveStep({
        runId,
        stepId: record.stepId,
        tenantId,
        parentStepId: record.parentStepId ?? null,
        status: "completed",
        attempts: record.attempts,
        output: record.output,
        port: record.port,
        error: null,
        startedAt: new Date(record.startedAt),
        finishedAt: new Date(record.finishedAt),
        durationMs: Math.round(record.finishedAt - record.startedAt),
        inputTokens: record.usage.inputTokens,
        outputTokens: record.usage.outputTokens,
        costUsd: record.costUsd,
        unpricedTokens: record.unpricedTokens ?? 0,
        pinned: record.pinned ?? false,
        fallbackStepId: record.fallbackStepId ?? null,
      }),
  };
}

/**
 * The tenant's tool port, counting the MCP calls this run makes (for its usage record). Like the
 * LLM port below, a call goes out only once the run's events so far are stored (`stored()`): the
 * step's start is durable before its call is sent, so a worker that dies mid-call always leaves
 * the step marked as started, and the resumed run knows it was interrupted.
 */
function durableTools(
  port: ToolPort | undefined,
  count: { calls: number },
  stored: () => Promise<void>,
): ToolPort | undefined {
  if (!port) return undefined;
  return {
    listTools: (server, signal) => port.listTools(server, signal),
    callTool: async (call, options) => {
      count.calls++;
      await stored();
      return port.callTool(call, options);
    },
  };
}

function durableLlm(port: LlmPort | undefined, stored: () => Promise<void>): LlmPort | undefined {
  if (!port) return undefined;
  return {
    generate: async (request) => {
      await stored();
      return port.generate(request);
    },
  };
}

/** What one run event adds to the metric rollups (runs per workflow and tenant, steps per node kind, queue waits). */
function observeForRollups(
  metrics: MetricRecorder,
  run: { tenantId: string; workflowId: string },
  event: RunEvent,
  kinds: ReadonlyMap<string, string>,
  enqueuedAt?: number,
) {
  const tenantId = run.tenantId;
  switch (event.type) {
    case "run.started":
      if (enqueuedAt !== undefined && event.restoredSteps === 0)
        metrics.observe({
          tenantId,
          source: "queue",
          subject: "",
          at: event.at,
          durationMs: Math.max(0, event.at - enqueuedAt),
        });
      break;
    case "step.completed":
    case "step.failed":
      metrics.observe({
        tenantId,
        source: "node_kind",
        subject: kinds.get(event.stepId) ?? "unknown",
        at: event.at,
        failed: event.type === "step.failed",
        durationMs: event.durationMs,
      });
      break;
    case "run.completed":
    case "run.failed": {
      const figures = {
        at: event.at,
        failed: event.type === "run.failed",
        durationMs: event.durationMs,
        tokens: event.usage.inputTokens + event.usage.outputTokens,
        costUsd: event.costUsd,
      };
      metrics.observe({ tenantId, source: "workflow", subject: run.workflowId, ...figures });
      metrics.observe({ tenantId, source: "tenant", subject: "", ...figures });
      break;
    }
    default:
      break;
  }
}

/**
 * Executes one queued run (a queue job): takes the run, runs its plan through the engine, stores
 * every event and step, and records how it ended. Finished steps are in the database before the
 * steps after them start, so if this worker dies, another one resumes the run from there.
 * When `shutdown` aborts (the worker is stopping), the run is left for another worker rather than
 * being marked cancelled.
 */
export async function executeRunJob(
  deps: ExecutorDeps,
  job: RunJob,
  shutdown: AbortSignal,
): Promise<void> {
  const { db, bus, clock, journal } = deps;
  const run = await journal.claimRun(
    job.runId,
    job.tenantId,
    deps.workerId,
    new Date(Date.now() - deps.staleAfterMs),
  );
  if (!run) return; // cancelled, finished, or held by a live worker

  const mcp = { calls: 0 };
  /** Steps finished (or failed) in the run so far, stored ones included: for its usage record. */
  let steps = 0;
  /** The first write that failed, and whether the run's end was stored all the same. */
  let failure: unknown;
  let endStored = false;
  let written: Promise<void> = Promise.resolve();
  /** Queues an event for the journal; the run's final row and usage go with its last event. */
  const record = (event: RunEvent) => {
    if (event.type === "run.started") steps = event.restoredSteps;
    else if (event.type === "step.completed" || event.type === "step.failed") steps++;
    const end = isEnd(event) ? runEnd(event) : undefined;
    const extra = end
      ? {
          end,
          usage: {
            runId: run.id,
            tenantId: run.tenantId,
            workflowId: run.workflowId,
            userId: run.startedBy,
            day: new Date(event.at).toISOString().slice(0, 10),
            status: end.status,
            steps,
            inputTokens: end.inputTokens,
            outputTokens: end.outputTokens,
            costUsd: end.costUsd,
            unpricedTokens: end.unpricedTokens,
            mcpCalls: mcp.calls,
            durationMs: end.durationMs,
          },
        }
      : {};
    if (end) mcp.calls = 0; // counted once, even if the run waits and ends later in this process
    written = journal.append(run.tenantId, event, extra).then(
      () => {
        if (end) endStored = true;
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
  };
  /** Everything recorded so far is stored (a run held by the journal lets its writes go). */
  const flushed = async () => {
    await journal.release(run.id).catch((error: unknown) => {
      failure ??= error;
    });
    await written;
  };
  const fail = async (code: string, message: string) => {
    record({
      type: "run.failed",
      runId: run.id,
      at: clock.now(),
      durationMs: 0,
      usage: { inputTokens: 0, outputTokens: 0 },
      costUsd: 0,
      error: { code, message },
    });
    await written;
  };

  const plan = await loadVersionPlan(db, run.tenantId, run.versionId);
  if (!plan)
    return fail(
      "PLAN_INVALID",
      "The run's workflow version has no valid plan; publish the workflow again.",
    );

  const controller = new AbortController();
  const onShutdown = () => controller.abort(new Error("The worker is shutting down"));
  if (shutdown.aborted) onShutdown();
  else shutdown.addEventListener("abort", onShutdown, { once: true });
  const stopListening = await bus.subscribe(runControlChannel(run.id), (message) => {
    if ((message as { action?: string }).action === "cancel")
      controller.abort(new Error("Cancelled by a user"));
  });
  deps.heldRuns.add(run.id);
  // The engine emits an event (its EventSink) before this loop takes it from the generator; a
  // port call waits until the loop has taken and stored every event emitted before it.
  let emitted = 0;
  let taken = 0;
  const catchingUp: { upTo: number; resolve: () => void }[] = [];
  const stored = async () => {
    const upTo = emitted;
    if (taken < upTo) await new Promise<void>((resolve) => catchingUp.push({ upTo, resolve }));
    await flushed();
  };

  try {
    const interruptions = await findInterruptions(deps, run, plan, record);
    const events = runPlan(
      plan,
      run.input,
      {
        llm: durableLlm(deps.llm(run.tenantId), stored),
        tools: durableTools(
          askingToolPort(
            deps.tools(run.tenantId),
            { id: run.id, bus, record, now: () => clock.now() },
            deps.elicitationTimeoutMs,
          ),
          mcp,
          stored,
        ),
        events: { emit: () => void emitted++ },
        clock,
        // A retry starts with the steps it copied from the run it retries.
        store: journalRunStore(deps, run.tenantId, run.isFirstStart && !run.retryOf),
      },
      {
        runId: run.id,
        signal: controller.signal,
        approvals: run.approvals,
        pinnedOutputs: run.pinnedOutputs,
        ...interruptions,
      },
    );
    // Kinds from the plan: a skipped step never starts, so no step.started names its kind.
    const kinds = new Map<string, string>(plan.steps.map((step) => [step.id, step.kind]));
    // A dry run (pinned outputs) says nothing about how the workflow really behaves: not counted.
    const isDryRun = Object.keys(run.pinnedOutputs ?? {}).length > 0;
    // An evaluation's run is counted once, by the evaluation, with its score as the success measure.
    const recordsOutcome = deps.outcomes && !isDryRun && run.trigger !== "evaluation";
    for await (const event of events) {
      taken++;
      observeRunEvent(event, kinds);
      if (deps.metrics && !isDryRun)
        observeForRollups(deps.metrics, run, event, kinds, job.enqueuedAt);
      if (recordsOutcome && (event.type === "run.completed" || event.type === "run.failed")) {
        deps.outcomes!.record({
          runId: run.id,
          tenantId: run.tenantId,
          workflowId: run.workflowId,
          versionId: run.versionId,
          success: event.type === "run.completed",
          latencyMs: event.durationMs,
          tokens: event.usage.inputTokens + event.usage.outputTokens,
          costUsd: event.costUsd,
          // For an experiment whose success measure is an evaluator: what it scores.
          input: run.input,
          ...(event.type === "run.completed"
            ? { output: event.output }
            : { runError: event.error.message }),
        });
      }
      if (shutdown.aborted && isCutOffByShutdown(event)) {
        // Not a user's cancel: the run is handed back. Its steps cut off stay `running` in the
        // database, so whoever resumes it knows they were interrupted.
        if (event.type !== "run.cancelled") continue;
        await flushed();
        await handBackRun(db, run.id, deps.workerId);
        break;
      }
      record(event);
      for (const waiter of catchingUp.splice(0)) {
        if (waiter.upTo <= taken) waiter.resolve();
        else catchingUp.push(waiter);
      }
    }
    await written;
    // A write that failed alongside a step's result (the engine reported that step as failed) is
    // lost history, not a reason to overwrite how the run ended.
    if (failure && !endStored) throw failure;
    if (failure)
      console.error(
        `Run ${run.id}: an event could not be stored: ${failure instanceof Error ? failure.message : String(failure)}`,
      );
  } catch (error) {
    await flushed();
    const code = (error as { code?: unknown }).code;
    await fail(
      typeof code === "string" ? code : "RUN_FAILED",
      error instanceof Error ? error.message : String(error),
    );
    if (failure) {
      // Not even the failure could be stored: say so on the row directly.
      const message = failure instanceof Error ? failure.message : String(failure);
      await repo.updateRun(db, run.id, {
        status: "failed",
        error: { code: "RUN_FAILED", message },
        finishedAt: new Date(),
        workerId: null,
      });
    }
  } finally {
    for (const waiter of catchingUp.splice(0)) waiter.resolve();
    deps.heldRuns.delete(run.id);
    stopListening();
    shutdown.removeEventListener("abort", onShutdown);
  }
}
