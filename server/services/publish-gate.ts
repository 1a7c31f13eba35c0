import { z } from "zod";
import type { EvaluationRow } from "@/db/schema";
import {
  decidePublishGate,
  type EvaluationComparison,
  type EvaluationSummary,
  type GateDecision,
} from "@/engine/evaluation";
import { AppError, notFound } from "@/engine/errors";
import * as datasetsRepo from "@/server/repositories/datasets";
import * as evaluationsRepo from "@/server/repositories/evaluations";
import * as repo from "@/server/repositories/publish-gates";
import { findLatestPublishedVersion } from "@/server/repositories/workflow-versions";
import { findWorkflow, findWorkflowHead } from "@/server/repositories/workflows";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import {
  compare,
  DEFAULT_EVALUATION_CONCURRENCY,
  evaluationSettled,
  failSilentEvaluations,
  startEvaluation,
  type EvaluationDeps,
} from "./evaluations";
import { compileOrThrow, publishVersion } from "./workflow-versions";

/**
 * The publish gate (issue 17): a workflow may require a dataset and a minimum score. Publishing
 * then evaluates the draft being published on the dataset's latest version, waits for it, and is
 * refused below the minimum (GATE_REFUSED, a 412) with the regressions against the last published
 * version's evaluation of the same dataset version. The editor starts the evaluation itself
 * (`startGateEvaluation`) to show its progress, then names it when it publishes; a publish that
 * names none, or one no longer valid for the draft, runs its own. An admin may publish past a
 * refusal with a reason (`publishPastGate`), audited as `workflow.publish.override`.
 */

export const publishGateInput = z.object({
  workflowId: z.uuid(),
  datasetId: z.uuid("choose the dataset the gate evaluates"),
  minScore: z
    .number()
    .min(0, "the minimum score is between 0 and 1")
    .max(1, "the minimum score is between 0 and 1"),
});

export const publishInput = z.object({
  workflowId: z.uuid(),
  note: z.string().max(500).optional(),
  /** The gate's evaluation of this draft, started by `startGateEvaluation`; run anew when missing or stale. */
  evaluationId: z.uuid().optional(),
});
export type PublishInput = z.output<typeof publishInput>;

export const overrideInput = publishInput.extend({
  reason: z.string().trim().min(3, "say why the gate is overridden").max(1000),
});

/** How long a publish waits for the gate's evaluation before refusing. */
const GATE_WAIT_MS = 10 * 60_000;
const POLL_MS = 300;

export async function getPublishGate(ctx: TenantContext, workflowId: string) {
  if (!(await findWorkflowHead(ctx.db, ctx.tenant.id, workflowId)))
    throw notFound("workflow", workflowId);
  return (await repo.findPublishGate(ctx.db, ctx.tenant.id, workflowId)) ?? null;
}

export async function setPublishGate(ctx: TenantContext, input: z.output<typeof publishGateInput>) {
  if (!(await findWorkflowHead(ctx.db, ctx.tenant.id, input.workflowId)))
    throw notFound("workflow", input.workflowId);
  const dataset = await datasetsRepo.findDataset(ctx.db, ctx.tenant.id, input.datasetId);
  if (!dataset || dataset.workflowId !== input.workflowId)
    throw new AppError(
      "INVALID_INPUT",
      "The gate's dataset must be one of this workflow's datasets",
      { field: "datasetId" },
    );
  if (dataset.evaluators.length === 0)
    throw new AppError(
      "INVALID_INPUT",
      `The dataset "${dataset.name}" has no evaluators: add one before gating on it`,
      { field: "datasetId" },
    );
  await withAudit(ctx, async (tx) => {
    await repo.upsertPublishGate(tx, {
      tenantId: ctx.tenant.id,
      workflowId: input.workflowId,
      datasetId: dataset.id,
      minScore: input.minScore,
      updatedBy: ctx.actor.userId,
    });
    return {
      value: null,
      audit: {
        action: "workflow.gate.set",
        targetType: "workflow",
        targetId: input.workflowId,
        metadata: { dataset: dataset.name, datasetId: dataset.id, minScore: input.minScore },
      },
    };
  });
  return getPublishGate(ctx, input.workflowId);
}

export async function removePublishGate(ctx: TenantContext, workflowId: string) {
  const removed = await withAudit(ctx, async (tx) => ({
    value: await repo.deletePublishGate(tx, ctx.tenant.id, workflowId),
    audit: { action: "workflow.gate.remove", targetType: "workflow", targetId: workflowId },
  }));
  if (!removed) throw notFound("publish gate of workflow", workflowId);
  return null;
}

async function gateOf(ctx: TenantContext, workflowId: string) {
  const gate = await repo.findPublishGate(ctx.db, ctx.tenant.id, workflowId);
  if (!gate)
    throw new AppError("INVALID_INPUT", "This workflow has no publish gate", {
      field: "workflowId",
    });
  return gate;
}

/** Starts the gate's evaluation of the draft on the dataset's latest version (the editor shows its progress, then publishes naming it). */
export async function startGateEvaluation(
  ctx: TenantContext,
  deps: EvaluationDeps,
  workflowId: string,
): Promise<EvaluationRow> {
  const workflow = await findWorkflow(ctx.db, ctx.tenant.id, workflowId);
  if (!workflow) throw notFound("workflow", workflowId);
  const gate = await gateOf(ctx, workflowId);
  compileOrThrow(workflow.document); // a draft that cannot be published is not worth evaluating
  return startEvaluation(ctx, deps, {
    datasetId: gate.datasetId,
    draft: true,
    concurrency: DEFAULT_EVALUATION_CONCURRENCY,
  });
}

/** The evaluation's row once it has ended: in this process through evaluationSettled, else read until it ends. */
async function settledEvaluation(ctx: TenantContext, id: string): Promise<EvaluationRow> {
  const deadline = Date.now() + GATE_WAIT_MS;
  await evaluationSettled(id);
  for (;;) {
    await failSilentEvaluations(ctx.db, ctx.tenant.id);
    const row = await evaluationsRepo.findEvaluation(ctx.db, ctx.tenant.id, id);
    if (!row) throw notFound("evaluation", id);
    if (row.status !== "running" && row.status !== "queued") return row;
    if (Date.now() > deadline)
      throw new AppError(
        "CONFLICT",
        "The gate's evaluation is still running: publish again once it has finished",
        { evaluationId: id },
      );
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export type GateOutcome = {
  decision: GateDecision;
  evaluationId: string;
  minScore: number;
  datasetId: string;
  datasetName: string;
  /** The published version's evaluation the regressions are measured against. */
  comparedWith: { evaluationId: string; version: number } | null;
};

/**
 * Evaluates the draft for the gate (or takes the named evaluation when it still fits: this draft
 * unchanged, the gate's dataset at its latest version) and decides.
 */
async function evaluateForGate(
  ctx: TenantContext,
  deps: EvaluationDeps,
  gate: repo.PublishGateWithDataset,
  revision: number,
  evaluationId?: string,
): Promise<GateOutcome> {
  const latestDatasetVersion = await datasetsRepo.findDatasetVersion(
    ctx.db,
    ctx.tenant.id,
    gate.datasetId,
  );
  if (!latestDatasetVersion) throw notFound("dataset version of", gate.datasetId);
  let evaluation = evaluationId
    ? await evaluationsRepo.findEvaluation(ctx.db, ctx.tenant.id, evaluationId)
    : undefined;
  const fits = (row: EvaluationRow | undefined): row is EvaluationRow =>
    !!row &&
    row.workflowId === gate.workflowId &&
    row.isDraft &&
    row.draftRevision === revision &&
    row.datasetId === gate.datasetId &&
    row.datasetVersionId === latestDatasetVersion.id &&
    row.status !== "cancelled";
  if (!fits(evaluation))
    evaluation = await startEvaluation(ctx, deps, {
      datasetId: gate.datasetId,
      draft: true,
      concurrency: DEFAULT_EVALUATION_CONCURRENCY,
    });
  const settled = await settledEvaluation(ctx, evaluation.id);

  const published = await findLatestPublishedVersion(ctx.db, ctx.tenant.id, gate.workflowId);
  const base = published
    ? await repo.findLatestCompletedEvaluation(ctx.db, ctx.tenant.id, {
        workflowVersionId: published.id,
        datasetVersionId: settled.datasetVersionId,
      })
    : undefined;
  let comparison: EvaluationComparison | null = null;
  if (base && settled.status === "completed")
    comparison = await compare(ctx, { baseId: base.id, candidateId: settled.id }).catch(() => null);
  const summary = settled.summary as EvaluationSummary | null;
  const decision = summary
    ? decidePublishGate(
        { datasetId: gate.datasetId, minScore: gate.minScore },
        { evaluationId: settled.id, datasetId: settled.datasetId, status: settled.status, summary },
        comparison,
      )
    : decidePublishGate({ datasetId: gate.datasetId, minScore: gate.minScore }, null);
  const withError =
    decision.decision === "refuse" && settled.error
      ? { ...decision, reason: `${decision.reason}: ${settled.error}` }
      : decision;
  return {
    decision: withError,
    evaluationId: settled.id,
    minScore: gate.minScore,
    datasetId: gate.datasetId,
    datasetName: gate.datasetName,
    comparedWith:
      base && published && comparison
        ? { evaluationId: base.id, version: published.version }
        : null,
  };
}

/**
 * Publishes the draft: straight away without a gate; with one, only when the draft's evaluation
 * reaches the minimum score. A refusal is GATE_REFUSED naming the evaluation and the regressions.
 */
export async function publishThroughGate(
  ctx: TenantContext,
  deps: () => Promise<EvaluationDeps>,
  input: PublishInput,
) {
  const gate = await repo.findPublishGate(ctx.db, ctx.tenant.id, input.workflowId);
  if (!gate) return publishVersion(ctx, input);
  const workflow = await findWorkflow(ctx.db, ctx.tenant.id, input.workflowId);
  if (!workflow) throw notFound("workflow", input.workflowId);
  compileOrThrow(workflow.document);
  const outcome = await evaluateForGate(
    ctx,
    await deps(),
    gate,
    workflow.version,
    input.evaluationId,
  );
  if (outcome.decision.decision === "refuse") {
    throw new AppError(
      "GATE_REFUSED",
      `The publish gate refused this version (dataset "${outcome.datasetName}"): ${outcome.decision.reason}`,
      {
        gate: outcome,
        evaluationId: outcome.evaluationId,
        score: outcome.decision.score,
        minScore: outcome.minScore,
        regressions: outcome.decision.regressions,
        links: { evaluation: `/evaluations/${outcome.evaluationId}` },
      },
    );
  }
  return publishVersion(ctx, {
    workflowId: input.workflowId,
    note: input.note,
    expectedRevision: workflow.version,
    auditMetadata: {
      gate: {
        evaluationId: outcome.evaluationId,
        score: outcome.decision.decision === "pass" ? outcome.decision.score : null,
        minScore: outcome.minScore,
      },
    },
  });
}

/**
 * Publishes past the gate (an admin's decision, with a reason): no evaluation is run. The audit
 * record names the reason and, when given, the refused evaluation and its score.
 */
export async function publishPastGate(ctx: TenantContext, input: z.output<typeof overrideInput>) {
  if (!(await findWorkflowHead(ctx.db, ctx.tenant.id, input.workflowId)))
    throw notFound("workflow", input.workflowId);
  const gate = await gateOf(ctx, input.workflowId);
  let refused: { evaluationId: string; score: number | null } | null = null;
  if (input.evaluationId) {
    const evaluation = await evaluationsRepo.findEvaluation(
      ctx.db,
      ctx.tenant.id,
      input.evaluationId,
    );
    if (!evaluation || evaluation.workflowId !== input.workflowId)
      throw notFound("evaluation", input.evaluationId);
    refused = {
      evaluationId: evaluation.id,
      score: (evaluation.summary as EvaluationSummary | null)?.score ?? null,
    };
  }
  return publishVersion(ctx, {
    workflowId: input.workflowId,
    note: input.note,
    auditAction: "workflow.publish.override",
    auditMetadata: {
      override: {
        reason: input.reason,
        minScore: gate.minScore,
        dataset: gate.datasetName,
        ...refused,
      },
    },
  });
}
