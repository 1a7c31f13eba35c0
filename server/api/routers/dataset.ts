import { z } from "zod";
import { DatasetItemSchema, DatasetMappingSchema } from "@/engine/evaluation";
import * as datasets from "@/server/services/datasets";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();
const datasetId = id;
const format = z.enum(["csv", "jsonl"]);
const delimiter = z.enum([",", ";", "\t"]).optional();
const itemId = z.string().trim().min(1).max(128);
/** Evaluators are checked by the engine's EvaluatorListSchema in the service, which names the bad field. */
const evaluators = z.array(z.unknown()).max(100);

/** A workflow's datasets (issue 17): versioned items, imports, runs added as items, exports, and the evaluators. */
export const datasetRouter = router({
  list: permissionProcedure("workflow.view")
    .input(z.object({ workflowId: id }))
    .query(({ ctx, input }) => datasets.listDatasets(ctx, input.workflowId)),

  /** A dataset with its versions and the items of one version (the newest by default). */
  get: permissionProcedure("workflow.view")
    .input(z.object({ datasetId, version: z.number().int().min(1).optional() }))
    .query(({ ctx, input }) => datasets.getDataset(ctx, input)),

  create: permissionProcedure("workflow.edit")
    .input(
      z.object({
        workflowId: id,
        name: datasets.datasetNameInput,
        description: z.string().trim().max(2000).optional(),
        evaluators: evaluators.optional(),
      }),
    )
    .mutation(({ ctx, input }) => datasets.createDataset(ctx, input)),

  setEvaluators: permissionProcedure("workflow.edit")
    .input(z.object({ datasetId, evaluators }))
    .mutation(({ ctx, input }) => datasets.setEvaluators(ctx, input)),

  /** Items typed by hand: a new version (an item whose id exists replaces it). */
  addItems: permissionProcedure("workflow.edit")
    .input(z.object({ datasetId, items: z.array(DatasetItemSchema).min(1).max(1000) }))
    .mutation(({ ctx, input }) => datasets.addItems(ctx, input)),

  removeItems: permissionProcedure("workflow.edit")
    .input(z.object({ datasetId, itemIds: z.array(itemId).min(1).max(1000) }))
    .mutation(({ ctx, input }) => datasets.removeItems(ctx, input)),

  /** The first rows of a CSV or JSONL file mapped to items, with each row's problems; stores nothing. */
  previewImport: permissionProcedure("workflow.edit")
    .input(
      z.object({
        datasetId,
        format,
        text: datasets.importTextInput,
        mapping: DatasetMappingSchema.optional(),
        delimiter,
      }),
    )
    .mutation(({ ctx, input }) => datasets.previewImport(ctx, input)),

  /** Imports a file as the next version; a file with problems is refused whole, each problem naming its row and column. */
  import: permissionProcedure("workflow.edit")
    .input(
      z.object({
        datasetId,
        format,
        text: datasets.importTextInput,
        mapping: DatasetMappingSchema,
        delimiter,
      }),
    )
    .mutation(({ ctx, input }) => datasets.importItems(ctx, input)),

  /** A finished run of the workflow as an item: its input, and its output as the reference when asked. */
  addRun: permissionProcedure("workflow.edit")
    .input(
      z.object({
        datasetId,
        runId: id,
        withOutput: z.boolean().default(false),
        tags: z.array(z.string().trim().min(1).max(64)).max(20).optional(),
      }),
    )
    .mutation(({ ctx, input }) => datasets.addRunToDataset(ctx, input)),

  /** A version as JSONL text (what an import reads back). */
  export: permissionProcedure("workflow.view")
    .input(z.object({ datasetId, version: z.number().int().min(1).optional() }))
    .query(({ ctx, input }) => datasets.exportVersion(ctx, input)),
});
