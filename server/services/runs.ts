import { createHash, randomUUID } from "node:crypto";
import DataLoader from "dataloader";
import { z } from "zod";
import { AppError, conflict, notFound } from "@/engine/errors";
import type { InterruptionDecision } from "@/engine/runtime/run-options";
import { validateRunInput } from "@/engine/runtime/run-plan";
import type { Plan } from "@/engine/schema/plan";
import type { Db } from "@/db/client";
import type { RunStatus, RunTrigger } from "@/db/schema";
import { assertJsonInput, INPUT_LIMITS } from "@/server/input-guards";
import type { EventBus } from "@/server/events/bus";
import type { RunQueue } from "@/server/queue/run-queue";
import * as repo from "@/server/repositories/runs";
import {
  claimIdempotencyKey,
  isIdempotencyKeyHeld,
  releaseIdempotencyKey,
  takeOverIdempotencyKey,
} from "@/server/repositories/idempotency-keys";
import { listRunEvents } from "@/server/repositories/run-events";
import { type RunStartFacts, findRunStartFacts } from "@/server/repositories/run-start-facts";
import { copyCompletedSteps, listUnfinishedSteps } from "@/server/repositories/step-runs";
import { findVersion, insertVersion } from "@/server/repositories/workflow-versions";
import { findWorkflow } from "@/server/repositories/workflows";
import { toAuditEntry, withAudit } from "./audit";
import { assignExperimentVersion } from "./experiments";
import { loadVersion } from "./version-plans";
import type { TenantContext } from "./context";
import type { OutcomeRecorder } from "./outcome-recorder";
import { runControlChannel } from "./run-executor";
import type { RunJournal } from "./run-journal";
import { assertCanStartRun } from "./tenant-limits";
import { compileOrThrow } from "./workflow-versions";

/** How a use case reaches the queue and the bus; one per process (server/run-system.ts). */
export interface RunDeps {
  queue: RunQueue;
  bus: EventBus;
  journal: RunJournal;
  /** Most runs one tenant may have queued or running at once. */
  maxActiveRunsPerTenant: number;
  /** Where outcomes that do not come from the executor are recorded (an evaluation item's, with its score). */
  outcomes?: Pick<OutcomeRecorder, "record">;
}

/**
 * Records run.queued (so live pages see the run waiting at once, before a worker takes it) and
 * hands the run to the queue.
 */
async function enqueueRun(ctx: TenantContext, deps: RunDeps, runId: string): Promise<void> {
  await deps.journal.append(ctx.tenant.id, { type: "run.queued", runId, at: Date.now() });
  await deps.queue.enqueue({ runId, tenantId: ctx.tenant.id, enqueuedAt: Date.now() });
}

export interface StartRunInput {
  workflowId: string;
  /** A published version; omitted: the latest published one, or the draft when `draft` is set. */
  versionId?: string;
  draft?: boolean;
  input: unknown;
  pinnedOutputs?: Record<string, { output: unknown; port?: string }>;
  /** How the run was started (the run records it); `manual` by default. */
  trigger?: RunTrigger;
  /** The webhook or schedule that started it. */
  triggerId?: string;
  /** A repeat of a start with the same key within 24 hours gets the first run back (README "Idempotent starts"). */
  idempotencyKey?: string;
  /**
   * The starter follows the run to its end (a waiting or streaming start, an MCP tool call): with
   * workers in this process, the run's writes wait for its end and go out as one (see RunJournal).
   */
  followed?: boolean;
}

/**
 * How long a followed run's writes may wait for its end before they go out all the same (the run
 * then shows up while it runs). A run that calls a model or a tool lets them go before its call.
 */
export const FOLLOWED_RUN_HOLD_MS = 200;

/** Printable ASCII, as Stripe's and the IETF draft's keys are (a UUID is typical). */
export const idempotencyKeyInput = z
  .string()
  .min(1)
  .max(255)
  .regex(
    /^[\x21-\x7e]+$/,
    "An idempotency key is 1 to 255 printable ASCII characters without spaces",
  );
/** How long an idempotency key protects a start. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

type StartFactsKey = { tenantId: string; workflowId: string };
const startFactsLoaders = new WeakMap<Db, DataLoader<StartFactsKey, RunStartFacts | undefined>>();

/**
 * Starts that arrive together (in one turn of the event loop) read their facts in one query:
 * under load, a burst of starts costs the database one read rather than one each.
 */
function loadStartFacts(db: Db, key: StartFactsKey): Promise<RunStartFacts | undefined> {
  let loader = startFactsLoaders.get(db);
  if (!loader) {
    loader = new DataLoader((keys: readonly StartFactsKey[]) => findRunStartFacts(db, keys), {
      cache: false,
      maxBatchSize: 200,
    });
    startFactsLoaders.set(db, loader);
  }
  return loader.load(key);
}

/** JSON with object keys in order, so the same request hashes the same however its keys were sent. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

function hashStartRequest(input: StartRunInput): string {
  const { workflowId, versionId, draft, input: runInput, pinnedOutputs, triggerId } = input;
  return createHash("sha256")
    .update(
      canonicalJson({ workflowId, versionId, draft, input: runInput, pinnedOutputs, triggerId }),
    )
    .digest("hex");
}

/** A started run, and whether it is an earlier start given back for a repeated idempotency key. */
export type StartedRunResult = repo.StartedRun & { isReplay: boolean };

/**
 * Starts a run: checks the quota and the input against the plan, stores the run as queued with
 * its run.queued event, and hands it to the queue. Returns at once; the run goes on in a worker.
 * Every entry point (the Run button, the REST API, webhooks, schedules, the MCP endpoint) starts
 * runs here, naming itself as the trigger.
 *
 * With an idempotency key, the first start claims the key (one statement, so simultaneous repeats
 * on several processes find one owner); a repeat with the same request gets that run back, one with
 * a different request is refused (IDEMPOTENCY_MISMATCH), and a start refused before its run was
 * stored lets go of its key. Keys are kept apart per entry point (the trigger and its webhook or
 * schedule), so a caller of one can never take or block another's keys (a schedule's fires).
 * A claim whose start died before storing its run is taken over after STALE_CLAIM_MS.
 */
export async function startRun(
  ctx: TenantContext,
  deps: RunDeps,
  input: StartRunInput,
): Promise<StartedRunResult> {
  // Every entry point's input meets the same limits: JSON, 64 levels deep, storable text, 256 KiB.
  assertJsonInput(input.input, {
    maxBytes: INPUT_LIMITS.runInputBytes,
    label: "input",
    what: "run input",
  });
  if (!input.idempotencyKey)
    return { ...(await startNewRun(ctx, deps, input, randomUUID())), isReplay: false };
  const key = `${input.trigger ?? "manual"}:${input.triggerId ?? ""}:${input.idempotencyKey}`;
  const requestHash = hashStartRequest(input);
  for (let attempt = 0; ; attempt++) {
    const id = randomUUID();
    const held = await claimIdempotencyKey(
      ctx.db,
      { tenantId: ctx.tenant.id, key, requestHash, runId: id },
      IDEMPOTENCY_TTL_MS,
    );
    if (held.runId === id)
      return { ...(await startClaimedRun(ctx, deps, input, key, id)), isReplay: false };
    if (held.requestHash !== requestHash) {
      throw new AppError(
        "IDEMPOTENCY_MISMATCH",
        "This Idempotency-Key was used for a different request in the last 24 hours: send a new key for a new request.",
        {
          key: input.idempotencyKey,
        },
      );
    }
    const run = await findStartedRun(ctx, { ...held, key });
    if (run) return { ...run, isReplay: true };
    // The claim was let go (its start was refused) or its start died: claim again, or take it over.
    if (
      await takeOverIdempotencyKey(
        ctx.db,
        ctx.tenant.id,
        key,
        held.runId,
        new Date(Date.now() - STALE_CLAIM_MS),
        id,
      )
    ) {
      return { ...(await startClaimedRun(ctx, deps, input, key, id)), isReplay: false };
    }
    if (attempt >= 2)
      throw conflict(
        "A request with this Idempotency-Key is still being processed: try again in a moment.",
        { reason: IDEMPOTENCY_IN_PROGRESS },
      );
  }
}

/** The reason of the CONFLICT a repeat gets while the first start with its key is still under way. */
export const IDEMPOTENCY_IN_PROGRESS = "IDEMPOTENCY_IN_PROGRESS";

/** How long a claim may wait for its run before another start with the key takes it over. */
const STALE_CLAIM_MS = 30_000;

/** Starts the run of a claimed key; a start refused before the run was stored lets go of the key. */
async function startClaimedRun(
  ctx: TenantContext,
  deps: RunDeps,
  input: StartRunInput,
  key: string,
  id: string,
): Promise<repo.StartedRun> {
  let isStored = false;
  try {
    return await startNewRun(ctx, deps, input, id, () => (isStored = true));
  } catch (error) {
    // Once stored, the run exists (the sweeper queues it if the queue failed): the key stays its own.
    if (!isStored)
      await releaseIdempotencyKey(ctx.db, ctx.tenant.id, key, id).catch(() => undefined);
    throw error;
  }
}

/**
 * The run an earlier start with the same key made; it may still be on its way to the database.
 * Undefined when the claim was let go meanwhile, or when its start seems to have died.
 */
async function findStartedRun(
  ctx: TenantContext,
  held: { key: string; runId: string; createdAt: Date },
): Promise<repo.StartedRun | undefined> {
  const until = Math.min(Date.now() + 10_000, held.createdAt.getTime() + STALE_CLAIM_MS);
  for (let polls = 1; ; polls++) {
    const run = await repo.findRun(ctx.db, ctx.tenant.id, held.runId);
    if (run) return run;
    if (Date.now() >= until) return undefined;
    // Now and then: was the claim let go (its start refused)? Then there is no run to wait for.
    if (
      polls % 10 === 0 &&
      !(await isIdempotencyKeyHeld(ctx.db, ctx.tenant.id, held.key, held.runId))
    )
      return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startNewRun(
  ctx: TenantContext,
  deps: RunDeps,
  input: StartRunInput,
  id: string,
  onStored?: () => void,
): Promise<repo.StartedRun> {
  const facts = await loadStartFacts(ctx.db, {
    tenantId: ctx.tenant.id,
    workflowId: input.workflowId,
  });
  const workflow = facts?.workflow;
  if (!workflow) throw notFound("workflow", input.workflowId);
  if (workflow.isPaused) {
    throw new AppError(
      "CONFLICT",
      `The workflow "${workflow.name}" is paused${workflow.pausedReason ? ` (${workflow.pausedReason})` : ""}: resume it on its canvas or undo the pause on its alert to run it again`,
      { reason: "WORKFLOW_PAUSED" },
    );
  }

  // A run that names no version takes its experiment's arm, if the workflow has one running.
  const experimentVersion =
    !input.versionId && !input.draft && workflow.experimentId
      ? await assignExperimentVersion(ctx.db, ctx.tenant.id, workflow.experimentId, randomUUID())
      : undefined;
  let versionId =
    input.versionId ??
    (input.draft ? undefined : (experimentVersion ?? workflow.latestVersionId ?? undefined));
  let plan: Plan | undefined;
  let draft: { document: unknown; plan: Plan } | undefined;
  if (versionId) {
    // A caller may name any version id: it must be one of this workflow's.
    const version = await loadVersion(ctx.db, ctx.tenant.id, versionId);
    if (!version || version.workflowId !== workflow.id)
      throw notFound("workflow version", versionId);
    plan = version.plan;
  } else {
    const document = (await findWorkflow(ctx.db, ctx.tenant.id, workflow.id))?.document;
    plan = compileOrThrow(document);
    draft = { document, plan };
  }

  const problems = validateRunInput(plan, input.input);
  if (problems.length)
    throw new AppError("INVALID_INPUT", `The run input is invalid: ${problems.join("; ")}`, {
      problems,
    });

  await assertCanStartRun(
    ctx,
    deps.maxActiveRunsPerTenant,
    facts.tenant,
    undefined,
    deps.journal.heldCount(ctx.tenant.id),
  );

  // A draft run runs a snapshot of the draft, stored as an unnumbered version.
  versionId ??= (
    await insertVersion(ctx.db, {
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      isDraft: true,
      document: draft!.document,
      plan: draft!.plan,
      createdBy: ctx.actor.userId,
    })
  ).id;
  // The run, its audit record and its run.queued event are stored in one transaction, together
  // with whatever else the journal is writing at that moment (many starts cost one commit). A
  // followed run run by this process is held until it ends: one write for all of it.
  const hold = input.followed && deps.queue.isLocal;
  const storing = deps.journal.startRun(
    {
      id,
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      versionId,
      isDraft: draft !== undefined,
      input: input.input ?? null,
      pinnedOutputs: input.pinnedOutputs ?? {},
      startedBy: ctx.actor.userId,
      trigger: input.trigger ?? "manual",
      triggerId: input.triggerId ?? null,
    },
    toAuditEntry(ctx, {
      action: "run.start",
      targetType: "run",
      targetId: id,
      metadata: { workflow: workflow.name, trigger: input.trigger ?? "manual" },
    }),
    hold ? { holdMs: FOLLOWED_RUN_HOLD_MS } : {},
  );
  const job = { runId: id, tenantId: ctx.tenant.id, enqueuedAt: Date.now() };
  // A worker in this process claims the run in the same write as the start (its claim is written
  // after the insert, in the same transaction); a shared queue only hears of stored runs.
  if (deps.queue.isLocal) void deps.queue.enqueue(job);
  const run = await storing;
  onStored?.();
  if (!deps.queue.isLocal) await deps.queue.enqueue(job);
  return run;
}

/**
 * Cancels a run. A queued or waiting run ends at once; a running one is told to stop (its worker
 * aborts the steps in flight and records run.cancelled).
 */
export async function cancelRun(ctx: TenantContext, deps: RunDeps, runId: string) {
  // A run still held in memory is stored first, so that it can be found and stopped.
  await deps.journal.release(runId).catch(() => undefined);
  const run = await repo.findRun(ctx.db, ctx.tenant.id, runId);
  if (!run) throw notFound("run", runId);
  const now = new Date();
  const ended = await withAudit(ctx, async (tx) => {
    const stopped = await repo.transitionRun(tx, ctx.tenant.id, runId, ["queued", "waiting"], {
      status: "cancelled",
      cancelRequestedAt: now,
      finishedAt: now,
      error: { code: "CANCELLED", message: `Cancelled by ${ctx.actor.name}` },
    });
    const requested =
      stopped ??
      (await repo.transitionRun(tx, ctx.tenant.id, runId, ["running"], { cancelRequestedAt: now }));
    if (!requested) throw conflict(`The run has already ended (${run.status}).`);
    return { value: stopped, audit: { action: "run.cancel", targetType: "run", targetId: runId } };
  });
  if (ended) {
    const zero = {
      durationMs: 0,
      usage: { inputTokens: ended.inputTokens, outputTokens: ended.outputTokens },
      costUsd: ended.costUsd,
    };
    await deps.journal.append(ctx.tenant.id, {
      type: "run.cancelled",
      runId,
      at: now.getTime(),
      ...zero,
      reason: `Cancelled by ${ctx.actor.name}`,
    });
  } else {
    await deps.bus.publish(runControlChannel(runId), { action: "cancel" });
  }
  return { id: runId, status: (ended ? "cancelled" : "cancelling") as RunStatus | "cancelling" };
}

/** Records a decision on a waiting human-approval step and puts the run back in the queue. */
export async function decideApproval(
  ctx: TenantContext,
  deps: RunDeps,
  input: { runId: string; stepId: string; approved: boolean; comment?: string },
) {
  const run = await repo.findRun(ctx.db, ctx.tenant.id, input.runId);
  if (!run) throw notFound("run", input.runId);
  if (run.status !== "waiting")
    throw conflict(`The run is not waiting for approval (it is ${run.status}).`);
  const decision = {
    approved: input.approved,
    decidedBy: ctx.actor.email,
    ...(input.comment ? { comment: input.comment } : {}),
  };
  const updated = await withAudit(ctx, async (tx) => {
    const row = await repo.transitionRun(tx, ctx.tenant.id, run.id, ["waiting"], {
      status: "queued",
      approvals: { ...run.approvals, [input.stepId]: decision },
    });
    if (!row) throw conflict("Someone else decided first.");
    return {
      value: row,
      audit: {
        action: input.approved ? "run.approve" : "run.reject",
        targetType: "run",
        targetId: run.id,
        metadata: { step: input.stepId },
      },
    };
  });
  await enqueueRun(ctx, deps, run.id);
  return updated;
}

/**
 * A person decides what happens to a step that was interrupted when its worker stopped and is not
 * safe to repeat (the run waits at it): retry it (its call is sent again), skip it (the run goes on
 * without its output) or fail the run there. The run goes back in the queue; audited.
 */
export async function resolveInterruptedStep(
  ctx: TenantContext,
  deps: RunDeps,
  input: { runId: string; stepId: string; action: InterruptionDecision },
) {
  const run = await repo.findRun(ctx.db, ctx.tenant.id, input.runId);
  if (!run) throw notFound("run", input.runId);
  if (run.status !== "waiting") throw conflict(`The run is not waiting (it is ${run.status}).`);
  const unfinished = await listUnfinishedSteps(ctx.db, run.id);
  if (!unfinished.some((step) => step.stepId === input.stepId && step.status === "waiting")) {
    throw conflict(
      `Step "${input.stepId}" of this run is not waiting for a decision about an interruption.`,
    );
  }
  // Kept with the approvals: the decisions people made on steps a run waits at.
  const decision = {
    approved: input.action !== "fail",
    action: input.action,
    decidedBy: ctx.actor.email,
  };
  const updated = await withAudit(ctx, async (tx) => {
    const row = await repo.transitionRun(tx, ctx.tenant.id, run.id, ["waiting"], {
      status: "queued",
      approvals: { ...run.approvals, [input.stepId]: decision },
    });
    if (!row) throw conflict("Someone else decided first.");
    return {
      value: row,
      audit: {
        action: "run.resolve_interrupted",
        targetType: "run",
        targetId: run.id,
        metadata: { step: input.stepId, decision: input.action },
      },
    };
  });
  await enqueueRun(ctx, deps, run.id);
  return updated;
}

/** Starts a new run of a failed or cancelled one that reuses its finished steps: it resumes at the step that failed. */
export async function retryRun(ctx: TenantContext, deps: RunDeps, runId: string) {
  const run = await repo.findRun(ctx.db, ctx.tenant.id, runId);
  if (!run) throw notFound("run", runId);
  if (run.status !== "failed" && run.status !== "cancelled")
    throw conflict(`Only a failed or cancelled run can be retried (this one is ${run.status}).`);
  await assertCanStartRun(ctx, deps.maxActiveRunsPerTenant);
  const retry = await withAudit(ctx, async (tx) => {
    const row = await repo.insertRun(tx, {
      tenantId: run.tenantId,
      workflowId: run.workflowId,
      versionId: run.versionId,
      isDraft: run.isDraft,
      input: run.input,
      approvals: run.approvals,
      pinnedOutputs: run.pinnedOutputs,
      startedBy: ctx.actor.userId,
      retryOf: run.id,
      trigger: "retry",
    });
    await copyCompletedSteps(tx, run.id, row.id);
    return {
      value: row,
      audit: {
        action: "run.retry",
        targetType: "run",
        targetId: row.id,
        metadata: { retryOf: run.id },
      },
    };
  });
  await enqueueRun(ctx, deps, retry.id);
  return retry;
}

export function listRuns(ctx: TenantContext, filter: Omit<repo.RunFilter, "tenantId">) {
  return repo.listRuns(ctx.db, { ...filter, tenantId: ctx.tenant.id });
}

/** A run's stored events in order, a page after `afterId`; NOT_FOUND for another tenant's run. */
export async function listEventsOfRun(
  ctx: TenantContext,
  runId: string,
  options: { afterId?: number; limit: number },
) {
  const run = await repo.findRun(ctx.db, ctx.tenant.id, runId);
  if (!run) throw notFound("run", runId);
  const items = await listRunEvents(ctx.db, {
    tenantId: ctx.tenant.id,
    runId,
    afterId: options.afterId,
    limit: options.limit,
  });
  // The id to continue after; null once the stored history is exhausted.
  return { items, nextCursor: items.length === options.limit ? items.at(-1)!.id : null };
}

/** A run with its steps: what the REST API answers. */
export async function getRunWithSteps(ctx: TenantContext, runId: string) {
  // One statement; another tenant's run id finds nothing.
  const found = await repo.findRunWithSteps(ctx.db, ctx.tenant.id, runId);
  if (!found) throw notFound("run", runId);
  return found;
}

/**
 * A run with its steps and the plan it ran (the version's, not the workflow's current draft), for
 * the run page; `plan: false` skips reading the version (plan and version are then null).
 */
export async function getRun(ctx: TenantContext, runId: string, options: { plan?: boolean } = {}) {
  const { run, steps } = await getRunWithSteps(ctx, runId);
  const version =
    options.plan === false ? undefined : await findVersion(ctx.db, run.tenantId, run.versionId);
  return {
    run,
    steps,
    plan: (version?.plan ?? null) as Plan | null,
    version: version ? { id: version.id, number: version.version } : null,
  };
}
