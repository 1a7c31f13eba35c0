import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createCaller } from "@/server/api/root";
import { errorResponse, runNotStored, toErrorResponse } from "@/server/api/rest-errors";
import * as evaluationsApi from "@/server/api/rest-evaluations";
import { createContext } from "@/server/api/trpc";
import { getDatabase } from "@/server/db";
import { withMetrics } from "@/server/observability/metrics";
import { identityFromAuthorization } from "@/server/services/api-tokens";
import { getEnv } from "@/server/env";
import { readJsonBody, readRequestMeta } from "@/server/http";
import { isNeverStored } from "@/server/services/run-journal";
import { openRunInbox, waitForRun } from "@/server/services/run-stream";
import { runEventStreamResponse } from "@/server/api/run-event-stream";
import { getRunWithSteps, idempotencyKeyInput } from "@/server/services/runs";
import type { TenantContext } from "@/server/services/context";

/**
 * The REST API (README "API"): a thin layer over the tRPC procedures, so a token meets the same
 * checks (scopes, role, tenant, rate limits, quotas) as the app. Only API tokens are accepted here,
 * never the session cookie, so a browser cannot be tricked into calling it. Errors are
 * `{ error: { code, message, fieldErrors?, details? } }` with the matching HTTP status.
 */
type Caller = ReturnType<typeof createCaller>;

/** The longest a start may wait for its run to end before answering 202. */
const MAX_WAIT_SECONDS = 300;

const startRunBody = z.object({
  workflowId: z.uuid("workflowId must be a workflow's id (a UUID)"),
  versionId: z.uuid("versionId must be a published version's id (a UUID)").optional(),
  input: z.unknown(),
  wait: z
    .number()
    .min(0)
    .max(MAX_WAIT_SECONDS, `wait is at most ${MAX_WAIT_SECONDS} seconds`)
    .optional(),
});

async function authenticate(request: Request) {
  const { db } = await getDatabase();
  const identity = await identityFromAuthorization(db, request.headers.get("authorization"));
  if (!identity)
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message:
        "Send an API token: `Authorization: Bearer mst_…` (create one under Admin → API tokens).",
    });
  const context = await createContext({ db, identity, meta: readRequestMeta(request.headers) });
  return { context, caller: createCaller(context) };
}

/** The request's JSON body within MAX_REQUEST_BYTES, or the 413/400 answer that refuses it. */
async function readCappedBody(request: Request): Promise<{ json: unknown } | Response> {
  const read = await readJsonBody(request, getEnv().maxRequestBytes);
  if (read.ok) return read;
  return errorResponse(
    read.status,
    read.status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST",
    read.message,
  );
}

const runLinks = (id: string) => ({ self: `/api/v1/runs/${id}`, web: `/runs/${id}` });
const noStore = { "cache-control": "no-store" };

/**
 * POST /api/v1/runs {workflowId, input, versionId?, wait?}: starts a run. Answers 202 with where to
 * follow it; with `wait` (seconds), 200 with the finished run when it ends in time; with
 * `Accept: text/event-stream`, the run's events as they happen, ending with the finished run.
 * `Idempotency-Key` makes a repeat within 24 hours answer with the first run.
 */
async function startRun(request: Request): Promise<Response> {
  const { context, caller } = await authenticate(request);
  const read = await readCappedBody(request);
  if (read instanceof Response) return read;
  if (read.json === undefined)
    return errorResponse(
      400,
      "BAD_REQUEST",
      'The body must be a JSON object: {"workflowId": "…", "input": {…}}.',
    );
  const body = startRunBody.safeParse(read.json);
  if (!body.success) {
    return errorResponse(400, "BAD_REQUEST", "The request body is invalid.", {
      fieldErrors: z.flattenError(body.error).fieldErrors,
    });
  }
  const key = request.headers.get("idempotency-key") ?? undefined;
  if (key !== undefined && !idempotencyKeyInput.safeParse(key).success) {
    return errorResponse(
      400,
      "BAD_REQUEST",
      "The Idempotency-Key header must be 1 to 255 printable ASCII characters without spaces.",
    );
  }
  const { wait, ...start } = body.data;
  const streams = request.headers.get("accept")?.includes("text/event-stream") ?? false;
  // A start that will be followed listens before the run exists, so it never reads the run's history.
  const { bus, runDeps } = await context.runSystem();
  const inbox = streams || wait ? await openRunInbox(bus, context.tenant!.id) : undefined;
  context.followsRuns = inbox !== undefined;
  let run: Awaited<ReturnType<Caller["run"]["start"]>>;
  try {
    run = await caller.run.start({ ...start, idempotencyKey: key });
  } catch (error) {
    inbox?.close();
    throw error;
  }
  const headers = {
    ...noStore,
    location: runLinks(run.id).self,
    ...(run.isReplay ? { "idempotent-replayed": "true" } : {}),
  };
  // A replayed start's run began earlier: its events are history, read from the database.
  if (run.isReplay) inbox?.close();
  const fresh = run.isReplay ? undefined : inbox;

  // The start was allowed, so the token may read this run: follow and read it without more procedure calls.
  const tenantContext: TenantContext = {
    ...context,
    actor: context.actor!,
    tenant: context.tenant!,
  };
  if (streams) {
    return runEventStreamResponse(tenantContext, bus, run.id, {
      timeoutMs: (wait ?? MAX_WAIT_SECONDS) * 1000,
      signal: request.signal,
      headers,
      inbox: fresh,
      final: async () => {
        // A stream that ran out of time may end before its run was stored (RunJournal.startRun).
        await runDeps.journal.release(run.id).catch(() => undefined);
        return runBody(await getRunWithSteps(tenantContext, run.id));
      },
    });
  }
  if (wait) {
    const settled = await waitForRun(tenantContext, bus, run.id, {
      timeoutMs: wait * 1000,
      signal: request.signal,
      inbox: fresh,
    });
    if (isNeverStored(settled)) return runNotStored(settled.error.message);
    if (settled && settled.type !== "run.waiting")
      return Response.json(runBody(await getRunWithSteps(tenantContext, run.id)), {
        status: 200,
        headers,
      });
    // Answered before its end: the run is stored first, so where to follow it can be read.
    await runDeps.journal.release(run.id).catch(() => undefined);
  }
  return Response.json(
    { id: run.id, status: run.status, links: runLinks(run.id) },
    { status: 202, headers },
  );
}

/** A run as GET /api/v1/runs/{id} answers it. */
function runBody({ run, steps }: Awaited<ReturnType<typeof getRunWithSteps>>) {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    workflow: { id: run.workflowId, name: run.workflowName },
    versionId: run.versionId,
    isDraft: run.isDraft,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    input: run.input ?? null,
    output: run.output ?? null,
    error: run.error ?? null,
    tokens: { input: run.inputTokens, output: run.outputTokens },
    costUsd: run.costUsd,
    /** Tokens spent on models without a known price: while above 0, the cost is only what `costUsd` covers. */
    unpricedTokens: run.unpricedTokens,
    steps: steps.map((s) => ({
      id: s.stepId,
      kind: s.kind,
      status: s.status,
      attempts: s.attempts,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      durationMs: s.durationMs,
      error: s.error ?? null,
    })),
    links: runLinks(run.id),
  };
}

/** GET /api/v1/runs/{id}: the run's status, timings, output or error, usage, and its steps. */
async function readRun(request: Request, id: string): Promise<Response> {
  const { caller } = await authenticate(request);
  if (!z.uuid().safeParse(id).success)
    return errorResponse(404, "NOT_FOUND", `No run with id ${id}`);
  return Response.json(runBody(await caller.run.get({ id, plan: false })), { headers: noStore });
}

/** A handler that calls the procedures as the request's token (workflows, datasets, evaluations: server/api/rest-evaluations.ts). */
const asToken =
  (handler: (caller: Caller, request: Request, ...params: string[]) => Promise<Response>) =>
  async (request: Request, ...params: string[]) =>
    handler((await authenticate(request)).caller, request, ...params);

/** POST /api/v1/evaluations: the body is read with the same cap as a run's. */
async function startEvaluation(request: Request): Promise<Response> {
  const { caller } = await authenticate(request);
  const read = await readCappedBody(request);
  if (read instanceof Response) return read;
  return evaluationsApi.startEvaluation(caller, read.json);
}

/** The API's routes: [method, path pattern, handler]. Anything else is a JSON 404 or 405. */
const ROUTES: [string, RegExp, (request: Request, ...params: string[]) => Promise<Response>][] = [
  ["POST", /^runs$/, startRun],
  ["GET", /^runs\/([^/]+)$/, readRun],
  ["GET", /^workflows$/, asToken(evaluationsApi.listWorkflows)],
  ["GET", /^workflows\/([^/]+)\/datasets$/, asToken(evaluationsApi.listDatasets)],
  ["POST", /^evaluations$/, startEvaluation],
  ["GET", /^evaluations$/, asToken(evaluationsApi.listEvaluations)],
  ["GET", /^evaluations\/([^/]+)$/, asToken(evaluationsApi.readEvaluation)],
  ["POST", /^evaluations\/([^/]+)\/cancel$/, asToken(evaluationsApi.cancelEvaluation)],
];

async function dispatch(request: Request, path: string): Promise<Response> {
  const matching = ROUTES.map(([method, pattern, handler]) => ({
    method,
    handler,
    match: pattern.exec(path),
  })).filter((r) => r.match);
  if (matching.length === 0)
    return errorResponse(404, "NOT_FOUND", `No API endpoint at /api/v1/${path}.`);
  const route = matching.find((r) => r.method === request.method);
  if (!route) {
    const allowed = matching.map((r) => r.method).join(", ");
    return errorResponse(405, "METHOD_NOT_SUPPORTED", `Use ${allowed} on /api/v1/${path}.`, {
      allowed,
    });
  }
  try {
    return await route.handler(request, ...route.match!.slice(1));
  } catch (error) {
    return toErrorResponse(error);
  }
}

/** `/api/v1/<path>` (`path` without the prefix, e.g. `runs/<id>`), from app/api/v1/[...path]/route.ts or the front door. */
export const restApi = withMetrics("/api/v1", dispatch);
