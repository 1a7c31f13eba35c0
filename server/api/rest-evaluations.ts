import { z } from "zod";
import type { EvaluationSummary, EvaluatorResult } from "@/engine/evaluation";
import { AppError } from "@/engine/errors";
import {
  DEFAULT_EVALUATION_CONCURRENCY,
  MAX_EVALUATION_CONCURRENCY,
} from "@/server/services/evaluations";
import type { createCaller } from "./root";
import { errorResponse } from "./rest-errors";

/**
 * The REST API's workflows, datasets and evaluations (issue 17; README "API", used by
 * `npm run eval`): each handler reads and checks the request, then calls the tRPC procedures
 * through the caller the route authenticated, so tokens meet the app's checks.
 */

type Caller = ReturnType<typeof createCaller>;
const noStore = { "cache-control": "no-store" };

const isUuid = (value: string) => z.uuid().safeParse(value).success;

function badRequest(message: string, fieldErrors?: Record<string, string[] | undefined>) {
  return errorResponse(400, "BAD_REQUEST", message, fieldErrors ? { fieldErrors } : {});
}

/** A query parameter read once: repeated or empty parameters are refused by the schema. */
function queryOf(request: Request): Record<string, string | undefined> {
  const params = new URL(request.url).searchParams;
  return Object.fromEntries(
    [...new Set(params.keys())].map((key) => [
      key,
      params.getAll(key).length > 1 ? "\u0000repeated" : (params.get(key) ?? undefined),
    ]),
  );
}

const listWorkflowsQuery = z.object({
  name: z.string().trim().min(1, "name must not be empty").max(200).optional(),
  limit: z.coerce.number().int("limit must be a whole number").min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

/** GET /api/v1/workflows[?name=…]: the tenant's workflows, newest first; `name` finds the one with exactly that name. */
export async function listWorkflows(caller: Caller, request: Request): Promise<Response> {
  const query = listWorkflowsQuery.safeParse(queryOf(request));
  if (!query.success)
    return badRequest("The query is invalid.", z.flattenError(query.error).fieldErrors);
  const { name, limit, cursor } = query.data;
  if (name !== undefined) {
    // Names are unique per tenant: the search narrows the rows, then the name must match exactly.
    const found = [];
    let next: string | null | undefined = undefined;
    do {
      const page = await caller.workflow.list({
        search: name.slice(0, 120),
        limit: 100,
        cursor: next,
      });
      found.push(...page.items.filter((w) => w.name === name));
      next = page.nextCursor;
    } while (next && found.length === 0);
    return Response.json(
      { items: found.map(workflowBody), nextCursor: null },
      { headers: noStore },
    );
  }
  const page = await caller.workflow.list({ limit, cursor });
  return Response.json(
    { items: page.items.map(workflowBody), nextCursor: page.nextCursor },
    { headers: noStore },
  );
}

function workflowBody(w: {
  id: string;
  name: string;
  description: string;
  publishedVersion: number | null;
  pausedAt: Date | null;
  updatedAt: Date;
}) {
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    publishedVersion: w.publishedVersion,
    paused: w.pausedAt !== null,
    updatedAt: w.updatedAt,
    links: { web: `/workflows/${w.id}` },
  };
}

/** GET /api/v1/workflows/{id}/datasets: the workflow's datasets with their newest version and item count. */
export async function listDatasets(
  caller: Caller,
  _request: Request,
  workflowId: string,
): Promise<Response> {
  if (!isUuid(workflowId))
    return errorResponse(404, "NOT_FOUND", `No workflow with id ${workflowId}`);
  const datasets = await caller.dataset.list({ workflowId });
  return Response.json(
    {
      items: datasets.map((d) => ({
        id: d.id,
        name: d.name,
        description: d.description,
        latestVersion: d.latestVersion,
        itemCount: d.itemCount,
        evaluators: d.evaluators.length,
        createdAt: d.createdAt,
        updatedAt: d.updatedAt,
      })),
    },
    { headers: noStore },
  );
}

const startBody = z
  .object({
    workflowId: z.uuid("workflowId must be a workflow's id (a UUID)"),
    dataset: z
      .string()
      .trim()
      .min(1, "dataset must name one of the workflow's datasets (its id or its name)")
      .max(200),
    datasetVersion: z.number().int().min(1).optional(),
    /** A published version's number; the latest published one by default. */
    version: z
      .number()
      .int()
      .min(1, "version is a published version's number (1 or more)")
      .optional(),
    draft: z.boolean().optional(),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(MAX_EVALUATION_CONCURRENCY, `concurrency is at most ${MAX_EVALUATION_CONCURRENCY}`)
      .default(DEFAULT_EVALUATION_CONCURRENCY),
  })
  .strict()
  .refine((body) => !(body.draft && body.version !== undefined), {
    message: "Evaluate either a version or the draft, not both",
    path: ["draft"],
  });

/**
 * POST /api/v1/evaluations {workflowId, dataset (id or name), datasetVersion?, version? | draft?, concurrency?}:
 * starts an evaluation and answers 202 with it; follow it at `links.self`.
 */
export async function startEvaluation(caller: Caller, json: unknown): Promise<Response> {
  if (json === undefined)
    return badRequest('The body must be a JSON object: {"workflowId": "…", "dataset": "…"}.');
  const body = startBody.safeParse(json);
  if (!body.success)
    return badRequest("The request body is invalid.", z.flattenError(body.error).fieldErrors);
  const { workflowId, dataset, datasetVersion, version, draft, concurrency } = body.data;

  const datasets = await caller.dataset.list({ workflowId });
  const chosen = datasets.find((d) => d.id === dataset) ?? datasets.find((d) => d.name === dataset);
  if (!chosen) {
    const names = datasets.map((d) => `"${d.name}"`).join(", ");
    throw new AppError(
      "NOT_FOUND",
      `The workflow has no dataset "${dataset}"${names ? ` (it has ${names})` : " (it has none: create one first)"}`,
      { what: "dataset" },
    );
  }
  let workflowVersionId: string | undefined;
  if (version !== undefined) {
    workflowVersionId = await findVersionId(caller, workflowId, version);
    if (!workflowVersionId)
      throw new AppError("NOT_FOUND", `The workflow has no published version ${version}`, {
        what: "workflow version",
      });
  }
  const started = await caller.evaluation.start({
    datasetId: chosen.id,
    datasetVersion,
    workflowVersionId,
    draft,
    concurrency,
  });
  return Response.json(await evaluationBody(caller, started.id), {
    status: 202,
    headers: { ...noStore, location: `/api/v1/evaluations/${started.id}` },
  });
}

async function findVersionId(
  caller: Caller,
  workflowId: string,
  version: number,
): Promise<string | undefined> {
  let cursor: string | null | undefined;
  do {
    const page = await caller.workflow.versions({ workflowId, limit: 100, cursor });
    const found = page.items.find((v) => v.version === version);
    if (found) return found.id;
    cursor = page.nextCursor;
  } while (cursor);
  return undefined;
}

/** GET /api/v1/evaluations/{id}: status and progress, the summary once it ends, and the items that did not pass. */
export async function readEvaluation(
  caller: Caller,
  _request: Request,
  id: string,
): Promise<Response> {
  if (!isUuid(id)) return errorResponse(404, "NOT_FOUND", `No evaluation with id ${id}`);
  return Response.json(await evaluationBody(caller, id), { headers: noStore });
}

async function evaluationBody(caller: Caller, id: string) {
  const { evaluation, items } = await caller.evaluation.get({ id });
  const summary = (evaluation.summary as EvaluationSummary | null) ?? null;
  const threshold = summary?.passThreshold ?? 0.5;
  const failedItems = items
    .filter((item) => item.score === null || item.score < threshold)
    .map((item) => ({
      itemId: item.itemId,
      score: item.score,
      runId: item.runId,
      runError: item.runError,
      reasons: (item.results as EvaluatorResult[]).map((r) => ({
        evaluatorId: r.evaluatorId,
        score: r.score,
        ...(r.score === null ? { error: r.error } : { reason: r.reason }),
      })),
    }));
  return {
    id: evaluation.id,
    status: evaluation.status,
    workflow: { id: evaluation.workflowId, name: evaluation.workflowName },
    dataset: {
      id: evaluation.datasetId,
      name: evaluation.datasetName,
      version: evaluation.datasetVersion,
    },
    workflowVersion: evaluation.workflowVersion,
    draft: evaluation.isDraft,
    progress: {
      total: evaluation.totalItems,
      finished: evaluation.finishedItems,
      failedRuns: evaluation.failedRuns,
    },
    score: summary?.score ?? null,
    interval: summary?.interval ?? null,
    items: summary?.items ?? items.length,
    passed:
      summary?.passedItems ??
      items.filter((item) => item.score !== null && item.score >= threshold).length,
    failedItems,
    summary,
    error: evaluation.error,
    createdAt: evaluation.createdAt,
    startedAt: evaluation.startedAt,
    finishedAt: evaluation.finishedAt,
    links: { self: `/api/v1/evaluations/${evaluation.id}`, web: `/evaluations/${evaluation.id}` },
  };
}

/**
 * POST /api/v1/evaluations/{id}/cancel: stops starting items and cancels the runs in flight;
 * answers the evaluation (finished items are kept). `npm run eval` sends it when it is interrupted.
 */
export async function cancelEvaluation(
  caller: Caller,
  _request: Request,
  id: string,
): Promise<Response> {
  if (!isUuid(id)) return errorResponse(404, "NOT_FOUND", `No evaluation with id ${id}`);
  await caller.evaluation.cancel({ id });
  return Response.json(await evaluationBody(caller, id), { headers: noStore });
}

const listQuery = z.object({
  workflowId: z.uuid("workflowId must be a workflow's id (a UUID)"),
  datasetId: z.uuid("datasetId must be a dataset's id (a UUID)").optional(),
  limit: z.coerce.number().int("limit must be a whole number").min(1).max(200).default(50),
});

/** GET /api/v1/evaluations?workflowId=…[&datasetId=…][&limit=…]: a workflow's evaluations, newest first. */
export async function listEvaluations(caller: Caller, request: Request): Promise<Response> {
  const query = listQuery.safeParse(queryOf(request));
  if (!query.success)
    return badRequest("The query is invalid.", z.flattenError(query.error).fieldErrors);
  const rows = await caller.evaluation.list(query.data);
  return Response.json(
    {
      items: rows.map((e) => {
        const summary = (e.summary as EvaluationSummary | null) ?? null;
        return {
          id: e.id,
          status: e.status,
          dataset: { id: e.datasetId, name: e.datasetName, version: e.datasetVersion },
          workflowVersion: e.workflowVersion,
          draft: e.isDraft,
          progress: { total: e.totalItems, finished: e.finishedItems, failedRuns: e.failedRuns },
          score: summary?.score ?? null,
          passed: summary?.passedItems ?? null,
          error: e.error,
          createdAt: e.createdAt,
          finishedAt: e.finishedAt,
          links: { self: `/api/v1/evaluations/${e.id}`, web: `/evaluations/${e.id}` },
        };
      }),
    },
    { headers: noStore },
  );
}
