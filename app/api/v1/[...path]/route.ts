import { getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z, ZodError } from "zod";
import { createCaller } from "@/server/api/root";
import { findAppError, toTRPCError } from "@/server/api/errors";
import { createContext } from "@/server/api/trpc";
import { getDatabase } from "@/server/db";
import { readRequestMeta } from "@/server/http";
import { withMetrics } from "@/server/observability/metrics";
import { identityFromAuthorization } from "@/server/services/api-tokens";

/**
 * The REST API (README "API"): a thin layer over the tRPC procedures, so a token meets the same
 * checks (scopes, role, tenant, rate limits, quotas) as the app. Only API tokens are accepted here,
 * never the session cookie, so a browser cannot be tricked into calling it. Errors are
 * `{ error: { code, message, fieldErrors?, details? } }` with the matching HTTP status.
 */
export const dynamic = "force-dynamic";

type Caller = ReturnType<typeof createCaller>;
type RouteContext = { params: Promise<{ path: string[] }> };

const startRunBody = z.object({
  workflowId: z.uuid("workflowId must be a workflow's id (a UUID)"),
  versionId: z.uuid("versionId must be a published version's id (a UUID)").optional(),
  input: z.unknown(),
});

function errorResponse(status: number, code: string, message: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error: { code, message, ...extra } }, { status, headers: { "cache-control": "no-store" } });
}

function toErrorResponse(thrown: unknown): Response {
  const appError = findAppError(thrown);
  const error = thrown instanceof TRPCError || !appError ? getTRPCErrorFromUnknown(thrown) : toTRPCError(appError);
  const status = getHTTPStatusCodeFromError(error);
  if (status >= 500) {
    console.error("REST API call failed:", error.cause ?? error);
    return errorResponse(status, error.code, "Something went wrong on the server.");
  }
  const extra: Record<string, unknown> = {};
  if (error.cause instanceof ZodError) extra.fieldErrors = z.flattenError(error.cause).fieldErrors;
  if (appError?.details) extra.details = appError.details;
  const response = errorResponse(status, error.code, error.message, extra);
  // A rate-limited call says when to come back, as the tRPC endpoint does.
  const wait = appError?.details?.retryAfterSeconds;
  if (typeof wait === "number") response.headers.set("Retry-After", String(wait));
  return response;
}

async function callerFor(request: Request): Promise<Caller> {
  const { db } = await getDatabase();
  const identity = await identityFromAuthorization(db, request.headers.get("authorization"));
  if (!identity) throw new TRPCError({ code: "UNAUTHORIZED", message: "Send an API token: `Authorization: Bearer mst_…` (create one under Admin → API tokens)." });
  return createCaller(await createContext({ db, identity, meta: readRequestMeta(request.headers) }));
}

const runLinks = (id: string) => ({ self: `/api/v1/runs/${id}`, web: `/runs/${id}` });

/** POST /api/v1/runs {workflowId, input, versionId?}: starts a run, 202 with where to follow it. */
async function startRun(request: Request): Promise<Response> {
  const caller = await callerFor(request);
  const json: unknown = await request.json().catch(() => undefined);
  if (json === undefined) return errorResponse(400, "BAD_REQUEST", "The body must be a JSON object: {\"workflowId\": \"…\", \"input\": {…}}.");
  const body = startRunBody.safeParse(json);
  if (!body.success) {
    return errorResponse(400, "BAD_REQUEST", "The request body is invalid.", { fieldErrors: z.flattenError(body.error).fieldErrors });
  }
  const run = await caller.run.start(body.data);
  return Response.json(
    { id: run.id, status: run.status, links: runLinks(run.id) },
    { status: 202, headers: { location: runLinks(run.id).self, "cache-control": "no-store" } },
  );
}

/** GET /api/v1/runs/{id}: the run's status, timings, output or error, usage, and its steps. */
async function readRun(request: Request, id: string): Promise<Response> {
  const caller = await callerFor(request);
  if (!z.uuid().safeParse(id).success) return errorResponse(404, "NOT_FOUND", `No run with id ${id}`);
  const { run, steps } = await caller.run.get({ id });
  return Response.json(
    {
      id: run.id,
      status: run.status,
      workflow: { id: run.workflowId, name: run.workflowName },
      versionId: run.versionId,
      isDraft: run.isDraft,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: run.durationMs,
      output: run.output ?? null,
      error: run.error ?? null,
      tokens: { input: run.inputTokens, output: run.outputTokens },
      costUsd: run.costUsd,
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
    },
    { headers: { "cache-control": "no-store" } },
  );
}

/** The API's routes: [method, path pattern, handler]. Anything else is a JSON 404 or 405. */
const ROUTES: [string, RegExp, (request: Request, ...params: string[]) => Promise<Response>][] = [
  ["POST", /^runs$/, startRun],
  ["GET", /^runs\/([^/]+)$/, readRun],
];

async function dispatch(request: Request, context: RouteContext): Promise<Response> {
  const path = (await context.params).path.join("/");
  const matching = ROUTES.map(([method, pattern, handler]) => ({ method, handler, match: pattern.exec(path) })).filter((r) => r.match);
  if (matching.length === 0) return errorResponse(404, "NOT_FOUND", `No API endpoint at /api/v1/${path}.`);
  const route = matching.find((r) => r.method === request.method);
  if (!route) {
    const allowed = matching.map((r) => r.method).join(", ");
    return errorResponse(405, "METHOD_NOT_SUPPORTED", `Use ${allowed} on /api/v1/${path}.`, { allowed });
  }
  try {
    return await route.handler(request, ...route.match!.slice(1));
  } catch (error) {
    return toErrorResponse(error);
  }
}

const handle = withMetrics("/api/v1", dispatch);

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
