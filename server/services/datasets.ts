import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { DatasetVersionSource } from "@/db/schema";
import {
  DATASET_LIMITS,
  DatasetItemSchema,
  DatasetMappingSchema,
  EvaluatorListSchema,
  importDataset,
  previewDatasetMapping,
  type DatasetItem,
  type StoredDatasetItem,
} from "@/engine/evaluation";
import { AppError, conflict, notFound } from "@/engine/errors";
import * as repo from "@/server/repositories/datasets";
import { isUniqueViolation } from "@/server/repositories/errors";
import { findRun } from "@/server/repositories/runs";
import { findWorkflowHead } from "@/server/repositories/workflows";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";

/**
 * Datasets of a workflow (issue 17): items of input, optional reference answer and tags, in
 * immutable versions (every change makes the next version; an evaluation names the version it
 * ran), and the evaluators attached to the dataset. The pure parts (import, evaluators) are
 * engine/evaluation's.
 */

export const datasetNameInput = z
  .string()
  .trim()
  .min(1, "Name the dataset")
  .max(100, "At most 100 characters");
/** The file an import reads, as text; the engine enforces DATASET_LIMITS.maxFileBytes in UTF-8. */
export const importTextInput = z
  .string()
  .max(
    DATASET_LIMITS.maxFileBytes,
    `The file is larger than ${DATASET_LIMITS.maxFileBytes / 1024 / 1024} MB`,
  );
export { DatasetItemSchema, DatasetMappingSchema, EvaluatorListSchema };

async function datasetOf(ctx: TenantContext, datasetId: string) {
  const dataset = await repo.findDataset(ctx.db, ctx.tenant.id, datasetId);
  if (!dataset) throw notFound("dataset", datasetId);
  return dataset;
}

export async function createDataset(
  ctx: TenantContext,
  input: { workflowId: string; name: string; description?: string; evaluators?: unknown[] },
) {
  const workflow = await findWorkflowHead(ctx.db, ctx.tenant.id, input.workflowId);
  if (!workflow) throw notFound("workflow", input.workflowId);
  const evaluators = input.evaluators?.length ? parseEvaluators(input.evaluators) : [];
  try {
    return await withAudit(ctx, async (tx) => {
      const made = await repo.insertDataset(tx, {
        tenantId: ctx.tenant.id,
        workflowId: workflow.id,
        name: input.name,
        description: input.description ?? "",
        evaluators,
        createdBy: ctx.actor.userId,
      });
      return {
        value: made.dataset,
        audit: {
          action: "dataset.create",
          targetType: "dataset",
          targetId: made.dataset.id,
          metadata: { workflow: workflow.name, name: input.name },
        },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error, "datasets_workflow_name_key"))
      throw conflict(`This workflow already has a dataset named "${input.name}"`, {
        field: "name",
      });
    throw error;
  }
}

function parseEvaluators(evaluators: unknown[]) {
  const parsed = EvaluatorListSchema.safeParse(evaluators);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      path: issue.path.join("."),
      message: issue.message,
    }));
    throw new AppError(
      "INVALID_INPUT",
      `The evaluators are invalid: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join("; ")}`,
      { problems },
    );
  }
  return parsed.data;
}

/** Replaces the dataset's evaluators (checked by the engine's EvaluatorListSchema). */
export async function setEvaluators(
  ctx: TenantContext,
  input: { datasetId: string; evaluators: unknown[] },
) {
  await datasetOf(ctx, input.datasetId);
  const evaluators = parseEvaluators(input.evaluators);
  return withAudit(ctx, async (tx) => {
    const row = await repo.updateDatasetEvaluators(tx, ctx.tenant.id, input.datasetId, evaluators);
    if (!row) throw notFound("dataset", input.datasetId);
    return {
      value: row,
      audit: {
        action: "dataset.evaluators.update",
        targetType: "dataset",
        targetId: row.id,
        metadata: { evaluators: evaluators.map((e) => e.id) },
      },
    };
  });
}

export async function listDatasets(ctx: TenantContext, workflowId: string) {
  if (!(await findWorkflowHead(ctx.db, ctx.tenant.id, workflowId)))
    throw notFound("workflow", workflowId);
  return repo.listDatasets(ctx.db, ctx.tenant.id, workflowId);
}

/** A dataset with its versions (newest first) and the items of one version (the newest by default). */
export async function getDataset(
  ctx: TenantContext,
  input: { datasetId: string; version?: number },
) {
  const dataset = await datasetOf(ctx, input.datasetId);
  const versions = await repo.listDatasetVersions(ctx.db, ctx.tenant.id, dataset.id);
  const version =
    input.version === undefined ? versions[0] : versions.find((v) => v.version === input.version);
  if (!version) throw notFound("dataset version", String(input.version));
  const items = await repo.listVersionItems(ctx.db, ctx.tenant.id, version.id);
  return { dataset, versions, version, items };
}

/** Makes the dataset's next version from its newest one: `add` (new ids, or ids that replace items) and `removeItemIds` left out. */
async function newVersion(
  ctx: TenantContext,
  datasetId: string,
  change: { source: DatasetVersionSource; add: DatasetItem[]; removeItemIds?: string[] },
) {
  const dataset = await datasetOf(ctx, datasetId);
  const add: StoredDatasetItem[] = change.add.map((item) => ({
    ...item,
    id: item.id ?? randomUUID(),
  }));
  const seen = new Set<string>();
  add.forEach((item, index) => {
    if (seen.has(item.id))
      throw new AppError("INVALID_INPUT", `Two items have the id "${item.id}"`, {
        field: `items.${index}.id`,
      });
    seen.add(item.id);
  });
  return withAudit(ctx, async (tx) => {
    const version = await repo.insertDatasetVersion(tx, {
      tenantId: ctx.tenant.id,
      datasetId: dataset.id,
      source: change.source,
      add,
      removeItemIds: change.removeItemIds,
      createdBy: ctx.actor.userId,
    });
    if (!version) throw notFound("dataset", datasetId);
    if (version.itemCount > DATASET_LIMITS.maxItems) {
      throw new AppError(
        "INVALID_INPUT",
        `A dataset version holds at most ${DATASET_LIMITS.maxItems} items; this change would make ${version.itemCount}`,
      );
    }
    return {
      value: { version, itemIds: add.map((item) => item.id) },
      audit: {
        action: "dataset.version.create",
        targetType: "dataset",
        targetId: dataset.id,
        metadata: {
          version: version.version,
          source: change.source,
          added: add.length,
          removed: change.removeItemIds?.length ?? 0,
          items: version.itemCount,
        },
      },
    };
  });
}

/** Adds items typed by hand (or replaces those whose id is given). */
export function addItems(ctx: TenantContext, input: { datasetId: string; items: DatasetItem[] }) {
  return newVersion(ctx, input.datasetId, { source: "manual", add: input.items });
}

export function removeItems(ctx: TenantContext, input: { datasetId: string; itemIds: string[] }) {
  return newVersion(ctx, input.datasetId, {
    source: "manual",
    add: [],
    removeItemIds: input.itemIds,
  });
}

export type ImportInput = {
  datasetId: string;
  format: "csv" | "jsonl";
  text: string;
  mapping: z.output<typeof DatasetMappingSchema>;
  delimiter?: "," | ";" | "\t";
};

/** The first rows of a file mapped to items, with their problems: what the import dialog shows. */
export async function previewImport(
  ctx: TenantContext,
  input: Omit<ImportInput, "mapping"> & { mapping?: ImportInput["mapping"] },
) {
  await datasetOf(ctx, input.datasetId);
  return previewDatasetMapping({
    format: input.format,
    text: input.text,
    mapping: input.mapping,
    delimiter: input.delimiter,
    rows: 10,
  });
}

/**
 * Imports a CSV or JSONL file as the dataset's next version. A file with any problem is refused
 * whole (INVALID_INPUT listing each problem's row and column), so a version never holds half a file.
 */
export async function importItems(ctx: TenantContext, input: ImportInput) {
  await datasetOf(ctx, input.datasetId);
  const result = importDataset({
    format: input.format,
    text: input.text,
    mapping: input.mapping,
    delimiter: input.delimiter,
  });
  if (result.problemCount > 0) {
    const first = result.problems[0]!;
    const where = [
      first.row === undefined ? null : `row ${first.row}`,
      first.column === undefined ? null : `column ${first.column}`,
      first.field === undefined ? null : `"${first.field}"`,
    ]
      .filter(Boolean)
      .join(", ");
    throw new AppError(
      "INVALID_INPUT",
      `The file has ${result.problemCount} problem${result.problemCount === 1 ? "" : "s"}; nothing was imported. First: ${where ? `${where}: ` : ""}${first.message}`,
      { problems: result.problems, problemCount: result.problemCount },
    );
  }
  if (result.items.length === 0)
    throw new AppError("INVALID_INPUT", "The file has no items: nothing was imported");
  return newVersion(ctx, input.datasetId, { source: "import", add: result.items });
}

/**
 * Adds a finished run of the dataset's workflow as an item: its input, and its output as the
 * reference answer when asked (only a completed run has one).
 */
export async function addRunToDataset(
  ctx: TenantContext,
  input: { datasetId: string; runId: string; withOutput: boolean; tags?: string[] },
) {
  const dataset = await datasetOf(ctx, input.datasetId);
  const run = await findRun(ctx.db, ctx.tenant.id, input.runId);
  if (!run) throw notFound("run", input.runId);
  if (run.workflowId !== dataset.workflowId)
    throw new AppError("INVALID_INPUT", "The run is of another workflow than the dataset's", {
      field: "runId",
    });
  if (!["completed", "failed", "cancelled"].includes(run.status))
    throw new AppError(
      "INVALID_INPUT",
      `The run is ${run.status}: only a finished run can be added`,
      { field: "runId" },
    );
  if (input.withOutput && run.status !== "completed")
    throw new AppError(
      "INVALID_INPUT",
      `The run ${run.status}: only a completed run's output can be the reference`,
      { field: "withOutput" },
    );
  const item = DatasetItemSchema.safeParse({
    input: run.input ?? {},
    ...(input.withOutput ? { reference: run.output } : {}),
    tags: input.tags ?? [],
  });
  if (!item.success)
    throw new AppError(
      "INVALID_INPUT",
      `The run cannot be an item: ${item.error.issues.map((i) => i.message).join("; ")}`,
    );
  return newVersion(ctx, input.datasetId, { source: "run", add: [item.data] });
}

/** A version as JSONL, one item a line (`id`, `input`, `reference` when there is one, `tags`): what an import reads back. */
export async function exportVersion(
  ctx: TenantContext,
  input: { datasetId: string; version?: number },
) {
  const { dataset, version, items } = await getDataset(ctx, input);
  const text = items
    .map((item) =>
      JSON.stringify({
        id: item.id,
        input: item.input,
        ...(item.reference === undefined ? {} : { reference: item.reference }),
        tags: item.tags,
      }),
    )
    .join("\n");
  return {
    fileName: `${dataset.name.replace(/[^\w.-]+/g, "-")}-v${version.version}.jsonl`,
    text: text ? `${text}\n` : "",
  };
}
