import { randomUUID } from "node:crypto";
import { createMcpHandler, ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { getTRPCErrorFromUnknown } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { createCaller } from "@/server/api/root";
import { findAppError, toTRPCError } from "@/server/api/errors";
import { createContext, type Identity } from "@/server/api/trpc";
import { scopesGranting, tokenAllows } from "@/server/auth/permissions";
import { getDatabase } from "@/server/db";
import { getEnv } from "@/server/env";
import { readJsonBody, readRequestMeta } from "@/server/http";
import { withMetrics } from "@/server/observability/metrics";
import { identityFromAuthorization } from "@/server/services/api-tokens";
import {
  createMcpEndpointServer,
  MAX_LISTENS_PER_CALLER,
  openToolChanges,
  type McpEndpointPort,
} from "@/server/services/mcp-endpoint";
import { followRun, openRunInbox, type RunInbox } from "@/server/services/run-stream";

/** How long an inbox opened for a tool call waits to be followed before it is closed. */
const UNFOLLOWED_INBOX_MS = 30_000;

/**
 * The tenant's MCP endpoint (README "MCP endpoint"): Streamable HTTP, stateless, one MCP server per
 * request (server/services/mcp-endpoint.ts), the exposed workflows as tools. The v2 SDK's
 * createMcpHandler serves the 2026-07-28 revision (per-request envelope, `subscriptions/listen`
 * for tool-list changes) and, through its stateless fallback, 2025-era clients (2025-11-25 and
 * earlier: initialize, then one POST per message) from the same server factory. Only API tokens are
 * accepted (`Authorization: Bearer mst_…`), never the session cookie, so a web page cannot call
 * it with a visitor's session. Every call goes through the tRPC procedures, so a token meets the
 * same scopes, role, rate limits and quotas as in the app: listing needs workflows:read (or
 * runs:read, runs:write), calling needs runs:write.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function jsonRpcError(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code, message }, id: null },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}

const unauthorized = (message: string) =>
  jsonRpcError(401, -32001, message, { "www-authenticate": 'Bearer realm="maestro"' });

/** A refusal's message for the client; a server fault is logged and told as such, without internals. */
function messageOf(thrown: unknown): string {
  const appError = findAppError(thrown);
  const error = appError ? toTRPCError(appError) : getTRPCErrorFromUnknown(thrown);
  if (getHTTPStatusCodeFromError(error) >= 500) {
    console.error("MCP endpoint call failed:", error.cause ?? error);
    return "Something went wrong on the server.";
  }
  return error.message;
}

async function authenticate(
  request: Request,
): Promise<{ identity: Identity } | { refusal: Response }> {
  const { db } = await getDatabase();
  let identity: Identity | null;
  try {
    identity = await identityFromAuthorization(db, request.headers.get("authorization"));
  } catch (error) {
    const appError = findAppError(error);
    if (appError?.code === "UNAUTHENTICATED") return { refusal: unauthorized(appError.message) };
    throw error;
  }
  if (!identity?.apiToken)
    return {
      refusal: unauthorized(
        "Send an API token: `Authorization: Bearer mst_…` (create one under Admin → API tokens).",
      ),
    };
  if (!tokenAllows(identity.apiToken.scopes, "workflow.view")) {
    const scopes = scopesGranting("workflow.view").join(", ");
    return {
      refusal: jsonRpcError(
        403,
        -32001,
        `The API token "${identity.apiToken.name}" cannot see workflows: give it one of the scopes ${scopes} (runs:write to call tools).`,
      ),
    };
  }
  return { identity };
}

async function handle(request: Request): Promise<Response> {
  // Stateless: the server never sends anything outside a request's own answer (MCP allows 405 here).
  if (request.method === "GET")
    return jsonRpcError(
      405,
      -32000,
      "This MCP endpoint sends no messages of its own: POST JSON-RPC requests to it.",
      { allow: "POST, DELETE" },
    );
  const auth = await authenticate(request);
  if ("refusal" in auth) return auth.refusal;

  let parsedBody: unknown;
  if (request.method === "POST") {
    const body = await readJsonBody(request, getEnv().maxRequestBytes);
    if (!body.ok)
      return jsonRpcError(
        body.status,
        body.status === 413 ? -32000 : ProtocolErrorCode.ParseError,
        body.message,
      );
    if (body.json === undefined)
      return jsonRpcError(
        400,
        ProtocolErrorCode.InvalidRequest,
        "The body must be a JSON-RPC message.",
      );
    parsedBody = body.json;
  }

  const { db } = await getDatabase();
  const context = await createContext({
    db,
    identity: auth.identity,
    meta: readRequestMeta(request.headers),
  });
  const caller = createCaller(context);
  const { bus } = await context.runSystem();
  const origin = getEnv().nextAuthUrl?.replace(/\/$/, "") ?? new URL(request.url).origin;

  // A call listens before its run exists, so following the run reads no history. The call follows
  // its run at once; an inbox it never took (the call was cancelled in between) is closed soon.
  const inboxes = new Map<string, RunInbox>();
  const keepInbox = (runId: string, inbox: RunInbox) => {
    inboxes.set(runId, inbox);
    setTimeout(() => {
      if (inboxes.get(runId) !== inbox) return;
      inboxes.delete(runId);
      inbox.close();
    }, UNFOLLOWED_INBOX_MS).unref();
  };
  const port: McpEndpointPort = {
    listTools: () =>
      caller.mcpTool.list().catch((error: unknown) => {
        throw new ProtocolError(ProtocolErrorCode.InvalidRequest, messageOf(error));
      }),
    async startTool(toolName, args) {
      const inbox = context.tenant ? await openRunInbox(bus, context.tenant.id) : undefined;
      try {
        const run = await caller.mcpTool.start({ toolName, input: args });
        if (inbox) keepInbox(run.id, inbox);
        return { ok: true, runId: run.id, stepCount: run.stepCount };
      } catch (error) {
        inbox?.close();
        return { ok: false, message: messageOf(error) };
      }
    },
    // Reached only after a start succeeded, so the context has its actor and tenant.
    followRun: (runId, options) => {
      const inbox = inboxes.get(runId);
      inboxes.delete(runId);
      return followRun(
        { db, actor: context.actor!, tenant: context.tenant!, meta: context.meta },
        bus,
        runId,
        { ...options, inbox },
      );
    },
    async cancelRun(runId) {
      await caller.run.cancel({ id: runId });
    },
    runUrl: (runId) => `${origin}/runs/${runId}`,
  };

  // Stateless: no session is validated or kept. The Mcp-Session-Id we hand out at a 2025-era
  // initialize (and the client then sends with every request) only tells this client's request ids
  // apart from other clients' when it cancels one (server/services/mcp-endpoint.ts).
  const messages = Array.isArray(parsedBody) ? parsedBody : [parsedBody];
  const isInitialize = messages.some(
    (m) => (m as { method?: unknown } | null)?.method === "initialize",
  );
  const sessionHeader = request.headers.get("mcp-session-id");
  const sessionId = sessionHeader && UUID.test(sessionHeader) ? sessionHeader : undefined;

  const tenantId = context.tenant?.id ?? auth.identity.tenantId ?? "";
  const callerKey = `${tenantId}:${auth.identity.apiToken?.id ?? ""}`;
  // A handler per request: a subscriptions/listen stream hears only this tenant's changes.
  const isListen = messages.some(
    (m) => (m as { method?: unknown } | null)?.method === "subscriptions/listen",
  );
  const toolChanges = isListen ? await openToolChanges(bus, tenantId, callerKey) : undefined;
  if (toolChanges === null) {
    return jsonRpcError(
      429,
      -32000,
      `This API token already holds ${MAX_LISTENS_PER_CALLER} open subscriptions/listen streams: close one first.`,
      { "retry-after": "5" },
    );
  }
  const handler = createMcpHandler(
    () => createMcpEndpointServer(port, { callerKey, bus, hangUp: request.signal, sessionId }),
    {
      legacy: "stateless",
      ...(toolChanges ? { bus: toolChanges } : {}),
    },
  );
  const response = await handler
    .fetch(request, parsedBody === undefined ? undefined : { parsedBody })
    .finally(() => toolChanges?.releaseUnlessListening());
  if (isInitialize && response.ok) response.headers.set("mcp-session-id", randomUUID());
  return response;
}

async function guarded(request: Request): Promise<Response> {
  try {
    return await handle(request);
  } catch (error) {
    console.error("MCP endpoint request failed:", error);
    return jsonRpcError(
      500,
      ProtocolErrorCode.InternalError,
      "Something went wrong on the server.",
    );
  }
}

/** `/api/mcp`, from app/api/mcp/route.ts or the front door. */
export const mcpApi = withMetrics("/api/mcp", guarded);
