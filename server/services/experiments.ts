import { randomUUID } from "node:crypto";
import { z } from "zod";
import { AppError, notFound } from "@/engine/errors";
import {
  assignArm,
  createExperiment,
  evaluateExperiment,
  type Experiment,
  type ExperimentResult,
} from "@/engine/learning/experiments";
import { createRng } from "@/engine/learning/random";
import type { Db } from "@/db/client";
import { EvaluatorListSchema } from "@/engine/evaluation";
import { findDataset } from "@/server/repositories/datasets";
import { isUniqueViolation } from "@/server/repositories/errors";
import * as repo from "@/server/repositories/learning";
import { findVersion, insertVersion } from "@/server/repositories/workflow-versions";
import {
  findLatestPublishedVersion,
  findVersionDetail,
} from "@/server/repositories/workflow-versions";
import { findWorkflow } from "@/server/repositories/workflows";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { readSuccessMeasure, successMeasureSchema, type SuccessMeasure } from "./success-measure";

export const createExperimentInput = z.object({
  workflowId: z.uuid(),
  name: z.string().trim().min(1, "Name the experiment").max(200),
  /** Arm A and arm B: two published versions of the workflow. */
  versionA: z.uuid(),
  versionB: z.uuid(),
  /** Share of runs sent to A (hash assignment). */
  split: z.number().min(0.05).max(0.95).default(0.5),
  assignment: z.enum(["hash", "thompson"]).default("hash"),
  minPerArm: z.number().int().min(5).max(100_000).default(100),
  maxTotal: z.number().int().min(20).max(1_000_000).default(4_000),
  /** What counts as success for the arms: run success (the default), or an evaluator of one of the workflow's datasets. */
  successMeasure: successMeasureSchema.optional(),
});

/**
 * An experiment as the pages show it: its row, its arms (with their version's note as label), and the verdict: the stop rule's when it ended, else the evidence now.
 */
function present(
  row: repo.ExperimentRow & { workflowName?: string | null },
  labels: Record<string, string> = {},
) {
  const state = row.state as Experiment;
  return {
    id: row.id,
    workflowId: row.workflowId,
    workflowName: row.workflowName ?? null,
    name: row.name,
    status: row.status,
    createdAt: row.createdAt,
    endedAt: row.endedAt,
    split: state.split,
    assignment: state.assignment,
    stopRule: state.stopRule,
    successMeasure: readSuccessMeasure(row.successMeasure),
    arms: state.arms.map((arm) => ({
      id: arm.id,
      versionId: row.versions[arm.id]!,
      label: labels[arm.id] ?? arm.id,
      // With an evaluator as the success measure, `successes` is the sum of the scores.
      runs: Math.round(arm.successes + arm.failures),
      successes: arm.successes,
      latencyMs: arm.latencyMs.n ? arm.latencyMs.mean : null,
      costUsd: arm.cost.n ? arm.cost.mean : null,
    })),
    result: (row.result as ExperimentResult | null) ?? state.result ?? evaluateExperiment(state),
  };
}

/**
 * Starts an A/B experiment between two published versions of a workflow: from now on, runs started
 * without naming a version go to A or B (by a hash of the run, honouring the split, or by Thompson
 * sampling), until the stop rule names a winner or a person stops it; the experiment then ends and
 * runs go to the latest published version again (promoteExperimentWinner, "Keep" on its page, publishes the winner again).
 */
export async function startExperiment(
  ctx: TenantContext,
  input: z.infer<typeof createExperimentInput>,
) {
  if (input.versionA === input.versionB)
    throw new AppError("INVALID_INPUT", "Pick two different versions", { field: "versionB" });
  const workflow = await findWorkflow(ctx.db, ctx.tenant.id, input.workflowId);
  if (!workflow) throw notFound("workflow", input.workflowId);
  const [a, b] = await Promise.all([
    findVersionDetail(ctx.db, ctx.tenant.id, input.versionA),
    findVersionDetail(ctx.db, ctx.tenant.id, input.versionB),
  ]);
  for (const [field, version] of [
    ["versionA", a],
    ["versionB", b],
  ] as const) {
    if (!version || version.workflowId !== workflow.id || version.version === null) {
      throw new AppError("INVALID_INPUT", "Choose a published version of this workflow", { field });
    }
  }
  const successMeasure = input.successMeasure ?? { kind: "run-success" };
  await assertMeasureOf(ctx, workflow.id, successMeasure);
  if (await repo.findRunningExperiment(ctx.db, ctx.tenant.id, workflow.id))
    throw new AppError("CONFLICT", "This workflow already has a running experiment: stop it first");
  const arms: [string, string] = [`v${a!.version}`, `v${b!.version}`];
  const id = randomUUID();
  const state = createExperiment({
    id,
    arms,
    split: input.split,
    assignment: input.assignment,
    stopRule: { minPerArm: input.minPerArm, maxTotal: input.maxTotal },
  });
  const row = await withAudit(ctx, async (tx) => {
    const created = await repo.insertExperiment(tx, {
      id,
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      name: input.name,
      state,
      versions: { [arms[0]]: input.versionA, [arms[1]]: input.versionB },
      successMeasure: successMeasure.kind === "run-success" ? null : successMeasure,
      createdBy: ctx.actor.userId,
    });
    return {
      value: created,
      audit: {
        action: "experiment.start",
        targetType: "experiment",
        targetId: id,
        metadata: { workflowId: workflow.id, arms, successMeasure },
      },
    };
  }).catch((error: unknown) => {
    // Another experiment started on the workflow at the same moment.
    if (isUniqueViolation(error, "experiments_one_running_key"))
      throw new AppError(
        "CONFLICT",
        "This workflow already has a running experiment: stop it first",
      );
    throw error;
  });
  return present(row);
}

/** An evaluator as the success measure must be one of this workflow's datasets' evaluators. */
async function assertMeasureOf(ctx: TenantContext, workflowId: string, measure: SuccessMeasure) {
  if (measure.kind === "run-success") return;
  const dataset = await findDataset(ctx.db, ctx.tenant.id, measure.datasetId);
  if (!dataset || dataset.workflowId !== workflowId)
    throw new AppError("INVALID_INPUT", "Choose a dataset of this workflow", {
      field: "successMeasure",
    });
  const evaluators = EvaluatorListSchema.safeParse(dataset.evaluators);
  if (!evaluators.success || !evaluators.data.some((e) => e.id === measure.evaluatorId)) {
    throw new AppError(
      "INVALID_INPUT",
      `The dataset "${dataset.name}" has no evaluator "${measure.evaluatorId}"`,
      { field: "successMeasure" },
    );
  }
}

export async function stopExperiment(ctx: TenantContext, id: string) {
  return withAudit(ctx, async (tx) => {
    const row = await repo.findExperiment(tx, ctx.tenant.id, id);
    if (!row) throw notFound("experiment", id);
    if (row.status !== "running")
      throw new AppError("CONFLICT", "The experiment has ended already");
    const state = row.state as Experiment;
    const updated = await repo.updateExperiment(tx, id, {
      status: "stopped",
      endedAt: new Date(),
      result: evaluateExperiment(state),
    });
    return {
      value: present(updated!),
      audit: { action: "experiment.stop", targetType: "experiment", targetId: id },
    };
  });
}

/**
 * Keeps the winner after the experiment: its version is published again as the workflow's latest,
 * so runs that name no version go to it (the draft is left as it is). CONFLICT while the experiment
 * runs, without a winner, or when the winner is the latest version already.
 */
export async function promoteExperimentWinner(ctx: TenantContext, id: string) {
  const row = await repo.findExperiment(ctx.db, ctx.tenant.id, id);
  if (!row) throw notFound("experiment", id);
  if (row.status === "running")
    throw new AppError(
      "CONFLICT",
      "The experiment is still running: its winner is known when it ends",
    );
  const winner = (row.result as ExperimentResult | null)?.winner;
  if (!winner)
    throw new AppError(
      "CONFLICT",
      "The experiment ended without a winner: publish the version you prefer from the canvas",
    );
  const [version, latest] = await Promise.all([
    findVersion(ctx.db, ctx.tenant.id, row.versions[winner]!),
    findLatestPublishedVersion(ctx.db, ctx.tenant.id, row.workflowId),
  ]);
  if (!version) throw notFound("workflow version", row.versions[winner]!);
  // The latest version is the winner, or a copy of it (kept once already): runs go to it.
  const latestDocument =
    latest && latest.id !== version.id
      ? (await findVersion(ctx.db, ctx.tenant.id, latest.id))?.document
      : version.document;
  if (latest && JSON.stringify(latestDocument) === JSON.stringify(version.document)) {
    throw new AppError("CONFLICT", `The latest version is ${winner}'s already: runs go to it`);
  }
  return withAudit(ctx, async (tx) => {
    const published = await insertVersion(tx, {
      tenantId: ctx.tenant.id,
      workflowId: row.workflowId,
      isDraft: false,
      document: version.document,
      plan: version.plan,
      note: `${winner} again: winner of "${row.name}"`,
      createdBy: ctx.actor.userId,
    });
    return {
      value: { versionId: published.id, version: published.version!, winner },
      audit: {
        action: "experiment.promote",
        targetType: "experiment",
        targetId: id,
        metadata: { winner, version: published.version },
      },
    };
  });
}

export async function getExperiment(ctx: TenantContext, id: string) {
  const row = await repo.findExperiment(ctx.db, ctx.tenant.id, id);
  if (!row) throw notFound("experiment", id);
  const workflow = await findWorkflow(ctx.db, ctx.tenant.id, row.workflowId);
  // Arms read "v2 · shorter prompt" when their version has a note.
  const labels: Record<string, string> = {};
  for (const [arm, versionId] of Object.entries(row.versions)) {
    const note = (await findVersionDetail(ctx.db, ctx.tenant.id, versionId))?.note;
    labels[arm] = note ? `${arm} · ${note}` : arm;
  }
  const measure = readSuccessMeasure(row.successMeasure);
  const dataset =
    measure.kind === "evaluator"
      ? await findDataset(ctx.db, ctx.tenant.id, measure.datasetId)
      : undefined;
  const evaluator = dataset
    ? EvaluatorListSchema.safeParse(dataset.evaluators).data?.find(
        (e) => measure.kind === "evaluator" && e.id === measure.evaluatorId,
      )
    : undefined;
  return {
    ...present({ ...row, workflowName: workflow?.name ?? null }, labels),
    /** How the page names the success measure: the evaluator (by its name) and its dataset. */
    successMeasureLabel:
      measure.kind === "run-success"
        ? "run success"
        : `score of “${evaluator?.name ?? measure.evaluatorId}” (dataset “${dataset?.name ?? "deleted"}”)`,
  };
}

export async function listExperiments(ctx: TenantContext) {
  return (await repo.listExperiments(ctx.db, ctx.tenant.id)).map((row) => present(row));
}

/**
 * The version a run of the workflow takes while it has a running experiment (runs that name a
 * version, or run the draft, are not part of it). Undefined without an experiment.
 */
export async function assignExperimentVersion(
  db: Db,
  tenantId: string,
  experimentId: string,
  runKey: string,
): Promise<string | undefined> {
  const row = await repo.findExperiment(db, tenantId, experimentId);
  if (!row || row.status !== "running") return undefined;
  const state = row.state as Experiment;
  const arm = assignArm(
    state,
    runKey,
    state.assignment === "thompson" ? createRng(Date.now() ^ (Math.random() * 2 ** 31)) : undefined,
  );
  return row.versions[arm];
}
