import { z } from "zod";
import type { Db } from "@/db/client";
import type { EvaluationRow, EvaluationStatus } from "@/db/schema";
import {
  compareEvaluations,
  createLlmJudge,
  EvaluatorListSchema,
  scoreItem,
  summarizeEvaluation,
  type EvaluatedCase,
  type EvaluatedItem,
  type Evaluator,
  type EvaluatorPorts,
  type EvaluatorResult,
  type JudgePort,
  type StoredDatasetItem,
} from "@/engine/evaluation";
import { AppError, notFound } from "@/engine/errors";
import type { LlmPort } from "@/engine/runtime/ports";
import type { RunEventOf, TokenUsage } from "@/engine/schema/run-events";
import * as datasetsRepo from "@/server/repositories/datasets";
import * as repo from "@/server/repositories/evaluations";
import { isVersionOf } from "@/server/repositories/workflow-versions";
import { findLatestPublishedVersion } from "@/server/repositories/workflow-versions";
import { findWorkflowHead } from "@/server/repositories/workflows";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { waitForRun } from "./run-stream";
import { cancelRun, startRun, type RunDeps } from "./runs";

/**
 * Evaluations (issue 17): one dataset version run against a workflow version or the draft. Each
 * item becomes a run (trigger "evaluation", started through startRun like every other run, never
 * with pinned outputs), at most `concurrency` at once; each run's end is read from its event
 * stream (waitForRun), then the dataset's evaluators score it (engine scoreItem; LLM judges
 * through the tenant's LLM port) and the item is stored with the progress counted. A cancel
 * (over the bus, so it reaches the process running it) stops starting items and cancels the runs
 * in flight; a quota refusal stops it with the reason. What finished is kept either way, and the
 * summary (engine summarizeEvaluation) is stored at the end.
 */

/** What an evaluation needs of the process: the run use cases' deps and the tenants' LLM ports (server/run-system.ts). */
export interface EvaluationDeps {
  runDeps: RunDeps;
  llm: (tenantId: string) => LlmPort | undefined;
  /** How long one item's run may take before it is cancelled and scored as failed. */
  itemTimeoutMs?: number;
}

export const MAX_EVALUATION_CONCURRENCY = 16;
export const DEFAULT_EVALUATION_CONCURRENCY = 4;
const DEFAULT_ITEM_TIMEOUT_MS = 10 * 60_000;
/** The process running an evaluation writes `heartbeat_at` this often... */
export const EVALUATION_HEARTBEAT_MS = 5_000;
/** ...and one silent this long had its process die (PostgreSQL; on PGlite the next start ends them). */
export const EVALUATION_STALE_AFTER_MS = 30_000;
/** How long a cancelled evaluation waits for each run in flight to stop. */
const CANCEL_WAIT_MS = 30_000;

export const startEvaluationInput = z
  .object({
    datasetId: z.uuid(),
    /** The dataset version to run; the newest by default. */
    datasetVersion: z.number().int().min(1).optional(),
    /** A published version of the workflow; the latest published one by default, unless `draft`. */
    workflowVersionId: z.uuid().optional(),
    draft: z.boolean().optional(),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(MAX_EVALUATION_CONCURRENCY)
      .default(DEFAULT_EVALUATION_CONCURRENCY),
  })
  .refine((input) => !(input.draft && input.workflowVersionId), {
    message: "Evaluate either a version or the draft, not both",
    path: ["draft"],
  });
export type StartEvaluationInput = z.output<typeof startEvaluationInput>;

export const evaluationControlChannel = (evaluationId: string) =>
  `evaluation-control:${evaluationId}`;

/** Evaluations running in this process, so tests (and shutdown) can wait for them to settle. */
const running = new Map<string, Promise<void>>();

/** Resolves when the evaluation running in this process has stored its end; at once when none runs here. */
export function evaluationSettled(evaluationId: string): Promise<void> {
  return running.get(evaluationId) ?? Promise.resolve();
}

/**
 * Starts an evaluation and returns it at once (status running); the items run in this process in
 * the background.
 */
export async function startEvaluation(
  ctx: TenantContext,
  deps: EvaluationDeps,
  input: StartEvaluationInput,
): Promise<EvaluationRow> {
  const dataset = await datasetsRepo.findDataset(ctx.db, ctx.tenant.id, input.datasetId);
  if (!dataset) throw notFound("dataset", input.datasetId);
  const version = await datasetsRepo.findDatasetVersion(
    ctx.db,
    ctx.tenant.id,
    dataset.id,
    input.datasetVersion,
  );
  if (!version) throw notFound("dataset version", String(input.datasetVersion));
  const parsed = EvaluatorListSchema.safeParse(dataset.evaluators);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      "The dataset has no evaluators: add at least one before evaluating",
      { field: "evaluators" },
    );
  const items = await datasetsRepo.listVersionItems(ctx.db, ctx.tenant.id, version.id);
  if (items.length === 0)
    throw new AppError("INVALID_INPUT", `Version ${version.version} of the dataset has no items`, {
      field: "datasetVersion",
    });

  let workflowVersionId: string | null = null;
  // The draft's save counter now: a publish gate trusts this evaluation only while the draft is unchanged.
  const draftRevision = input.draft
    ? ((await findWorkflowHead(ctx.db, ctx.tenant.id, dataset.workflowId))?.version ?? null)
    : null;
  if (!input.draft) {
    if (input.workflowVersionId) {
      if (!(await isVersionOf(ctx.db, ctx.tenant.id, input.workflowVersionId, dataset.workflowId)))
        throw notFound("workflow version", input.workflowVersionId);
      workflowVersionId = input.workflowVersionId;
    } else {
      const latest = await findLatestPublishedVersion(ctx.db, ctx.tenant.id, dataset.workflowId);
      if (!latest)
        throw new AppError(
          "INVALID_INPUT",
          "The workflow has no published version: publish one, or evaluate the draft",
          { field: "draft" },
        );
      workflowVersionId = latest.id;
    }
  }

  const evaluation = await withAudit(ctx, async (tx) => {
    const row = await repo.insertEvaluation(tx, {
      tenantId: ctx.tenant.id,
      workflowId: dataset.workflowId,
      datasetId: dataset.id,
      datasetVersionId: version.id,
      workflowVersionId,
      isDraft: Boolean(input.draft),
      draftRevision,
      status: "running",
      evaluators: parsed.data,
      concurrency: input.concurrency,
      totalItems: items.length,
      createdBy: ctx.actor.userId,
      startedAt: new Date(),
      heartbeatAt: new Date(),
    });
    return {
      value: row,
      audit: {
        action: "evaluation.start",
        targetType: "evaluation",
        targetId: row.id,
        metadata: {
          dataset: dataset.name,
          datasetVersion: version.version,
          draft: Boolean(input.draft),
          items: items.length,
        },
      },
    };
  });
  const done = runEvaluation(ctx, deps, evaluation, parsed.data, items).finally(() =>
    running.delete(evaluation.id),
  );
  running.set(evaluation.id, done);
  return evaluation;
}

type SettledEvent = RunEventOf<"run.completed" | "run.failed" | "run.cancelled" | "run.waiting">;
/** `busy`: refused because the tenant's concurrent runs are at their limit (the evaluation's own among them). */
type ItemOutcome = { stored: true } | { stored: false; stop?: string; busy?: string };
/** The evaluation's runs started and not yet ended, across its workers. */
type Flight = { runs: number };

async function runEvaluation(
  ctx: TenantContext,
  deps: EvaluationDeps,
  evaluation: EvaluationRow,
  evaluators: Evaluator[],
  items: StoredDatasetItem[],
): Promise<void> {
  const cancel = new AbortController();
  let stopReason: string | null = null;
  const unsubscribe = await deps.runDeps.bus
    .subscribe(evaluationControlChannel(evaluation.id), () => cancel.abort())
    .catch((error: unknown) => {
      console.error(`Evaluation ${evaluation.id} cannot listen for cancel:`, error);
      return () => undefined;
    });
  const llm = deps.llm(ctx.tenant.id);
  const ports: EvaluatorPorts = {
    ...(llm ? { judge: judgeOver(llm) } : {}),
    signal: cancel.signal,
  };
  const queue = [...items];
  const flight: Flight = { runs: 0 };
  const heartbeat = setInterval(
    () =>
      void repo
        .beatEvaluation(ctx.db, ctx.tenant.id, evaluation.id)
        .catch((error: unknown) =>
          console.error(`Evaluation ${evaluation.id} heartbeat failed:`, error),
        ),
    EVALUATION_HEARTBEAT_MS,
  );
  heartbeat.unref();
  try {
    const worker = async () => {
      while (!cancel.signal.aborted && stopReason === null) {
        const item = queue.shift();
        if (!item) return;
        const outcome = await evaluateItem(
          ctx,
          deps,
          evaluation,
          evaluators,
          item,
          ports,
          cancel.signal,
          flight,
        );
        if (outcome.stored) continue;
        if (outcome.busy !== undefined) {
          queue.unshift(item);
          // The tenant runs fewer at once than asked: while the evaluation's own runs hold the
          // places, this worker steps back and the others go on. With none of its own running, the
          // places are other runs' and the evaluation stops with the reason.
          if (flight.runs > 0) return;
          stopReason ??= outcome.busy;
          return;
        }
        if (outcome.stop) stopReason ??= outcome.stop;
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(evaluation.concurrency, items.length) }, worker),
    );
    await finish(
      ctx,
      evaluation,
      cancel.signal.aborted ? "cancelled" : stopReason ? "failed" : "completed",
      stopReason,
    );
  } catch (error) {
    console.error(`Evaluation ${evaluation.id} failed:`, error);
    await finish(
      ctx,
      evaluation,
      "failed",
      "The evaluation stopped on an internal error; the items it finished are kept",
    ).catch((e: unknown) =>
      console.error(`Evaluation ${evaluation.id} could not store its end:`, e),
    );
  } finally {
    clearInterval(heartbeat);
    unsubscribe();
  }
}

/** An LLM judge whose "no provider configured" reads as the evaluator's problem, not a run step's. */
function judgeOver(llm: LlmPort): JudgePort {
  const judge = createLlmJudge(llm);
  return {
    judge: (request) =>
      judge.judge(request).catch((error: unknown) => {
        if ((error as { code?: unknown } | null)?.code === "LLM_NOT_CONFIGURED")
          throw new Error(
            "no model configured for LLM judges: set up an LLM provider under Admin → LLM providers",
          );
        throw error;
      }),
  };
}

async function finish(
  ctx: Pick<TenantContext, "db"> & { tenant: { id: string } },
  evaluation: Pick<EvaluationRow, "id">,
  status: EvaluationStatus,
  error: string | null,
) {
  const rows = await repo.listEvaluationItems(ctx.db, ctx.tenant.id, evaluation.id);
  await repo.finishEvaluation(ctx.db, ctx.tenant.id, evaluation.id, {
    status,
    summary: summarizeEvaluation(rows.map(toEvaluatedItem)),
    error,
  });
}

/**
 * At the start of a process that owns its database (embedded PGlite), evaluations still running
 * were this app's before it stopped: they end as failed, with the summary of the items they finished.
 */
export async function failInterruptedEvaluations(db: Db): Promise<number> {
  const active = await repo.listActiveEvaluations(db);
  for (const evaluation of active) {
    await finish(
      { db, tenant: { id: evaluation.tenantId } },
      evaluation,
      "failed",
      "The app stopped while the evaluation ran; the items it finished are kept",
    );
  }
  return active.length;
}

/**
 * Ends the tenant's evaluations whose process stopped sending heartbeats (it died, on PostgreSQL)
 * as failed, keeping their finished items. Readers call it, so nothing is left `running` forever.
 */
export async function failSilentEvaluations(
  db: Db,
  tenantId: string,
  now = Date.now(),
): Promise<number> {
  const silent = await repo.listSilentEvaluations(
    db,
    tenantId,
    new Date(now - EVALUATION_STALE_AFTER_MS),
  );
  for (const evaluation of silent) {
    if (running.has(evaluation.id)) continue; // ours, and alive: a heartbeat is late, not missing
    await finish(
      { db, tenant: { id: tenantId } },
      evaluation,
      "failed",
      `The process running the evaluation stopped (no heartbeat for ${EVALUATION_STALE_AFTER_MS / 1000} s); the items it finished are kept`,
    );
  }
  return silent.length;
}

const addUsage = (a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined =>
  a || b
    ? {
        inputTokens: (a?.inputTokens ?? 0) + (b?.inputTokens ?? 0),
        outputTokens: (a?.outputTokens ?? 0) + (b?.outputTokens ?? 0),
      }
    : undefined;

/** Runs one item, scores it and stores it. Answers whether it was stored, or why the evaluation must stop. */
async function evaluateItem(
  ctx: TenantContext,
  deps: EvaluationDeps,
  evaluation: EvaluationRow,
  evaluators: Evaluator[],
  item: StoredDatasetItem,
  ports: EvaluatorPorts,
  cancelled: AbortSignal,
  flight: Flight = { runs: 0 },
): Promise<ItemOutcome> {
  let runId: string | null = null;
  let end: SettledEvent | undefined;
  let startError: string | null = null;
  let runVersionId: string | null = null;
  try {
    const run = await startRun(ctx, deps.runDeps, {
      workflowId: evaluation.workflowId,
      ...(evaluation.isDraft
        ? { draft: true }
        : { versionId: evaluation.workflowVersionId ?? undefined }),
      input: item.input,
      trigger: "evaluation",
      triggerId: evaluation.id,
    });
    runId = run.id;
    runVersionId = run.versionId;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === "QUOTA_EXCEEDED" && error.details?.limit === "maxConcurrentRuns")
      return { stored: false, busy: error.message };
    // An item whose input the workflow refuses fails alone; anything else (a quota, a draft that does not
    // compile, a paused or deleted workflow) stops the evaluation.
    if (error.code !== "INVALID_INPUT" || error.details?.diagnostics)
      return { stored: false, stop: error.message };
    startError = error.message;
  }
  if (runId) {
    // waitForRun answers only the events that settle a run.
    flight.runs++;
    try {
      end = (await waitForRun(ctx, deps.runDeps.bus, runId, {
        timeoutMs: deps.itemTimeoutMs ?? DEFAULT_ITEM_TIMEOUT_MS,
        signal: cancelled,
      })) as SettledEvent | undefined;
    } finally {
      flight.runs--;
    }
    if (end?.type === "run.waiting" || end === undefined) {
      // A run that waits for a person, or takes too long (or the evaluation was cancelled), is cancelled.
      await cancelRun(ctx, deps.runDeps, runId).catch(() => undefined);
      if (cancelled.aborted) {
        // The evaluation ends once its runs have: wait (briefly) for the worker to stop this one.
        await waitForRun(ctx, deps.runDeps.bus, runId, { timeoutMs: CANCEL_WAIT_MS });
        return { stored: false };
      }
    }
  }

  const runError =
    startError ??
    (end === undefined
      ? `the run took longer than ${Math.round((deps.itemTimeoutMs ?? DEFAULT_ITEM_TIMEOUT_MS) / 1000)} s and was cancelled`
      : end.type === "run.failed"
        ? end.error.message
        : end.type === "run.cancelled"
          ? `the run was cancelled: ${end.reason}`
          : end.type === "run.waiting"
            ? "the run waited for a person (an approval): evaluations cannot answer it, so it was cancelled"
            : null);
  const totals = end && end.type !== "run.waiting" ? end : undefined;
  const runCost = totals && !totals.unpricedTokens ? totals.costUsd : undefined;
  const evaluated: EvaluatedCase = {
    input: item.input,
    ...(end?.type === "run.completed" ? { output: end.output } : {}),
    ...(item.reference === undefined ? {} : { reference: item.reference }),
    ...(totals ? { durationMs: totals.durationMs } : {}),
    ...(runCost === undefined ? {} : { costUsd: runCost }),
    ...(runError === null ? {} : { runError }),
  };
  const scored = await scoreItem(evaluators, evaluated, ports);
  let usage = totals?.usage;
  let costUsd = runCost;
  for (const result of scored.results) {
    if (result.score === null) continue;
    usage = addUsage(usage, result.usage);
    if (result.costUsd !== undefined && costUsd !== undefined) costUsd += result.costUsd;
  }
  await repo.recordEvaluationItem(ctx.db, {
    evaluationId: evaluation.id,
    itemId: item.id,
    tenantId: ctx.tenant.id,
    runId,
    output: evaluated.output ?? null,
    runError,
    results: scored.results,
    score: scored.score,
    usage: usage ?? null,
    costUsd: costUsd ?? null,
    durationMs: totals ? Math.round(totals.durationMs) : null,
  });
  // The learning link: the item's run counts once, as an outcome whose success measure is the
  // item's score (the executor leaves evaluation runs out), in the learning book, never in an experiment.
  if (
    runId &&
    runVersionId &&
    scored.score !== null &&
    (end?.type === "run.completed" || end?.type === "run.failed")
  ) {
    deps.runDeps.outcomes?.record({
      runId,
      tenantId: ctx.tenant.id,
      workflowId: evaluation.workflowId,
      versionId: runVersionId,
      success: end.type === "run.completed",
      score: scored.score,
      source: "evaluation",
      latencyMs: end.durationMs,
      tokens: end.usage.inputTokens + end.usage.outputTokens,
      costUsd: end.costUsd,
    });
  }
  return { stored: true };
}

function toEvaluatedItem(
  row: Awaited<ReturnType<typeof repo.listEvaluationItems>>[number],
): EvaluatedItem {
  return {
    itemId: row.itemId,
    results: row.results as EvaluatorResult[],
    ...(row.durationMs === null ? {} : { durationMs: row.durationMs }),
    ...(row.costUsd === null ? {} : { costUsd: row.costUsd }),
    ...(row.usage === null ? {} : { usage: row.usage }),
    ...(row.runError === null ? {} : { runFailed: true }),
  };
}

async function evaluationOf(ctx: TenantContext, id: string) {
  const evaluation = await repo.findEvaluation(ctx.db, ctx.tenant.id, id);
  if (!evaluation) throw notFound("evaluation", id);
  return evaluation;
}

/**
 * Cancels a running evaluation: no more items start, runs in flight are cancelled, finished items
 * are kept. The process running it hears it over the bus.
 */
export async function cancelEvaluation(
  ctx: TenantContext,
  deps: Pick<EvaluationDeps, "runDeps">,
  id: string,
) {
  const evaluation = await evaluationOf(ctx, id);
  const cancelled = await withAudit(ctx, async (tx) => ({
    value: await repo.cancelEvaluation(tx, ctx.tenant.id, id),
    audit: { action: "evaluation.cancel", targetType: "evaluation", targetId: id },
  }));
  if (!cancelled)
    throw new AppError("CONFLICT", `The evaluation has already ended (${evaluation.status})`);
  await deps.runDeps.bus.publish(evaluationControlChannel(id), { action: "cancel" });
  return cancelled;
}

export async function listEvaluations(
  ctx: TenantContext,
  filter: { workflowId: string; datasetId?: string; limit: number },
) {
  await failSilentEvaluations(ctx.db, ctx.tenant.id);
  if (!(await findWorkflowHead(ctx.db, ctx.tenant.id, filter.workflowId)))
    throw notFound("workflow", filter.workflowId);
  return repo.listEvaluations(ctx.db, ctx.tenant.id, filter);
}

/**
 * An evaluation (named: workflow, dataset, version numbers) with its items: output, each score and
 * reason, tokens, cost, duration, run, and the dataset item's input and reference beside each.
 */
export async function getEvaluation(ctx: TenantContext, id: string) {
  await failSilentEvaluations(ctx.db, ctx.tenant.id);
  const evaluation = await repo.findNamedEvaluation(ctx.db, ctx.tenant.id, id);
  if (!evaluation) throw notFound("evaluation", id);
  const [items, datasetItems] = await Promise.all([
    repo.listEvaluationItems(ctx.db, ctx.tenant.id, id),
    datasetsRepo.listVersionItems(ctx.db, ctx.tenant.id, evaluation.datasetVersionId),
  ]);
  const byId = new Map(datasetItems.map((item) => [item.id, item]));
  return {
    evaluation,
    datasetVersion: evaluation.datasetVersion,
    items: items.map((item) => {
      const source = byId.get(item.itemId);
      return {
        ...item,
        input: source?.input ?? null,
        reference: source?.reference ?? null,
        tags: source?.tags ?? [],
      };
    }),
  };
}

/**
 * Compares two evaluations of the same dataset version item by item: regressions first, scores
 * with intervals, cost and latency deltas (engine compareEvaluations).
 */
export async function compare(
  ctx: TenantContext,
  input: { baseId: string; candidateId: string; tolerance?: number },
) {
  const [base, candidate] = await Promise.all([
    evaluationOf(ctx, input.baseId),
    evaluationOf(ctx, input.candidateId),
  ]);
  const [baseItems, candidateItems] = await Promise.all([
    repo.listEvaluationItems(ctx.db, ctx.tenant.id, base.id),
    repo.listEvaluationItems(ctx.db, ctx.tenant.id, candidate.id),
  ]);
  const result = compareEvaluations(
    {
      evaluationId: base.id,
      datasetVersionId: base.datasetVersionId,
      items: baseItems.map(toEvaluatedItem),
    },
    {
      evaluationId: candidate.id,
      datasetVersionId: candidate.datasetVersionId,
      items: candidateItems.map(toEvaluatedItem),
    },
    { tolerance: input.tolerance },
  );
  if (!result.ok) throw new AppError("INVALID_INPUT", result.error);
  return result.value;
}
