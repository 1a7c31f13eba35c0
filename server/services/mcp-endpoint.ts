import {
  Server,
  type CallToolResult,
  type RequestId,
  type ServerEvent,
  type ServerEventBus,
} from "@modelcontextprotocol/server";
import { TERMINAL_RUN_EVENTS, type RunEvent } from "@/engine/schema/run-events";
import type { EventBus } from "@/server/events/bus";
import { announceToolsChanged, toolsChangedChannel, type McpToolDefinition } from "./mcp-tools";
import type { PublishedRunEvent } from "./run-journal";

/**
 * The MCP server of `/api/mcp` (README "MCP endpoint"): the tenant's exposed workflows as tools.
 * One server per HTTP request (the route serves it with the v2 SDK's createMcpHandler: the
 * 2026-07-28 revision, and 2025-era clients through its stateless fallback): the tools are read
 * from the database on every tools/list. A 2026-07-28 client hears of changes on its
 * `subscriptions/listen` stream (openToolChanges below); a 2025-era stateless client has no stream
 * for notifications/tools/list_changed and sees changes when it lists again.
 *
 * What a call may do is decided by the route (app/api/mcp/route.ts) through the port below, which
 * goes through the tRPC procedures, so an API token meets the same scopes, roles, rate limits and
 * quotas as everywhere else.
 */
export interface McpEndpointPort {
  listTools(): Promise<McpToolDefinition[]>;
  /** Starts the tool's run; a refusal (unknown tool, scope, bad input, quota…) carries the message to show. */
  startTool(
    toolName: string,
    args: unknown,
  ): Promise<{ ok: true; runId: string; stepCount: number } | { ok: false; message: string }>;
  /** The run's events until it settles (ends or waits for approval), the time runs out or the signal aborts. */
  followRun(
    runId: string,
    options: { timeoutMs: number; signal: AbortSignal },
  ): AsyncIterable<PublishedRunEvent>;
  cancelRun(runId: string): Promise<void>;
  /** Where a person sees the run (the run page). */
  runUrl(runId: string): string;
}

export interface McpEndpointOptions {
  /**
   * Whose calls a cancel may reach: the tenant and the API token of the request. A cancel only
   * reaches calls made with the same token, so one client cannot cancel another's calls by guessing
   * its session id and request ids.
   */
  callerKey: string;
  /** Carries notifications/cancelled to the process that runs the call (each POST may reach another). */
  bus: EventBus;
  /** How long a call waits for its run before answering that it is still running. */
  maxWaitMs?: number;
  /** Aborts when the client hangs up on the HTTP request (the Request's signal). */
  hangUp?: AbortSignal;
  /**
   * The 2025-era session id the client sent (handed out at initialize), which its
   * notifications/cancelled refer to; 2026-07-28 clients cancel by hanging up and have none.
   */
  sessionId?: string;
}

export const MCP_SERVER_INFO = { name: "maestro", title: "Maestro workflows", version: "1.0.0" };
const DEFAULT_MAX_WAIT_MS = 10 * 60_000;

/**
 * A notifications/cancelled arrives in its own POST, possibly at another process than the call's;
 * both meet on this channel. The session id (random, handed out at initialize) keeps one client's
 * request ids apart from another's, and the caller key (tenant and API token) keeps every other
 * token's requests out, however they learned the session id.
 */
export function mcpCancelChannel(
  callerKey: string,
  sessionId: string,
  requestId: RequestId,
): string {
  return `mcp-cancel:${callerKey}:${sessionId}:${JSON.stringify(requestId)}`;
}

const textResult = (text: string, isError: boolean, runId?: string): CallToolResult => ({
  content: [{ type: "text", text }],
  isError,
  ...(runId ? { _meta: { "maestro/runId": runId } } : {}),
});

/** The tool result for the event that settled a run, or for a wait that ran out. */
function resultOf(
  event: RunEvent | undefined,
  runId: string,
  port: McpEndpointPort,
  maxWaitMs: number,
): CallToolResult {
  const where = port.runUrl(runId);
  switch (event?.type) {
    case "run.completed":
      return {
        ...textResult(JSON.stringify(event.output), false, runId),
        structuredContent: event.output,
      };
    case "run.failed": {
      const at = event.error.stepId ? ` at step "${event.error.stepId}"` : "";
      return textResult(
        `The workflow run failed${at}: ${event.error.message} (${where})`,
        true,
        runId,
      );
    }
    case "run.cancelled":
      return textResult(`The workflow run was cancelled: ${event.reason} (${where})`, true, runId);
    case "run.waiting": {
      const steps = event.waitingFor.map((w) => `"${w.stepId}" (${w.message})`).join(", ");
      return textResult(
        `The workflow run is waiting for a person to approve ${steps}: decide at ${where}; its output will be on that page.`,
        true,
        runId,
      );
    }
    default:
      return textResult(
        `The workflow run is still going after ${Math.round(maxWaitMs / 1000)} s; follow it at ${where}.`,
        true,
        runId,
      );
  }
}

/** Settled steps, the way notifications/progress counts (it must only go up). */
const SETTLED_STEP_EVENTS = new Set<RunEvent["type"]>([
  "step.completed",
  "step.failed",
  "step.skipped",
]);

/** Builds the per-request MCP server; connect it to a transport that handles one request. */
export function createMcpEndpointServer(
  port: McpEndpointPort,
  options: McpEndpointOptions,
): Server {
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const server = new Server(MCP_SERVER_INFO, {
    capabilities: { tools: { listChanged: true } },
    instructions:
      "Each tool runs a Maestro workflow (its latest published version) and returns the run's output.",
  });

  server.setRequestHandler("tools/list", async () => {
    const tools = await port.listTools();
    return {
      tools: tools.map((t) => ({
        name: t.name,
        title: t.title,
        description: t.description,
        inputSchema: t.inputSchema,
        outputSchema: t.outputSchema,
      })),
    };
  });

  server.setRequestHandler("tools/call", async (request, ctx) => {
    const { signal, id: requestId, _meta: meta, notify } = ctx.mcpReq;
    const started = await port.startTool(request.params.name, request.params.arguments ?? {});
    if (!started.ok) return textResult(started.message, true);
    const { runId, stepCount } = started;

    // The call ends early when the client cancels: in this request (its signal), in a 2025-era
    // notifications/cancelled of its own POST (the bus), or by hanging up (the route's signal; the
    // 2026-07-28 way).
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener("abort", onAbort);
    options.hangUp?.addEventListener("abort", onAbort);
    if (options.hangUp?.aborted) stop.abort();
    const unsubscribe = options.sessionId
      ? await options.bus.subscribe(
          mcpCancelChannel(options.callerKey, options.sessionId, requestId),
          onAbort,
        )
      : undefined;
    const progressToken = meta?.progressToken;
    let settled = 0;
    let sentProgress = -1;
    let last: RunEvent | undefined;
    try {
      if (stop.signal.aborted) throw stop.signal.reason;
      for await (const { event } of port.followRun(runId, {
        timeoutMs: maxWaitMs,
        signal: stop.signal,
      })) {
        last = event;
        if (progressToken === undefined) continue;
        if (SETTLED_STEP_EVENTS.has(event.type)) settled += 1;
        // Progress must go up: a run that resumes starts again without settling anything new.
        if (
          (event.type === "run.started" || SETTLED_STEP_EVENTS.has(event.type)) &&
          settled > sentProgress
        ) {
          sentProgress = settled;
          const message =
            event.type === "run.started"
              ? "Run started"
              : `Step "${"stepId" in event ? event.stepId : ""}" ${event.type.slice("step.".length)}`;
          await notify({
            method: "notifications/progress",
            params: {
              progressToken,
              progress: settled,
              total: Math.max(stepCount, settled),
              message,
            },
          }).catch(() => undefined); // a client that hung up gets no progress
        }
      }
    } catch {
      // An aborted follow ends like a cancel below.
    } finally {
      signal.removeEventListener("abort", onAbort);
      options.hangUp?.removeEventListener("abort", onAbort);
      unsubscribe?.();
    }
    if (stop.signal.aborted && !isSettling(last)) {
      await port.cancelRun(runId).catch(() => undefined); // it may have ended meanwhile
      // The client has stopped listening; the answer only closes the request's stream.
      return textResult(
        `Cancelled: the workflow run was cancelled (${port.runUrl(runId)}).`,
        true,
        runId,
      );
    }
    return resultOf(isSettling(last) ? last : undefined, runId, port, maxWaitMs);
  });

  // The default handler only reaches calls of this request's transport; ours are in other requests.
  server.setNotificationHandler("notifications/cancelled", async (notification) => {
    const { sessionId } = options;
    const { requestId, reason } = notification.params;
    if (!sessionId || requestId === undefined) return;
    await options.bus.publish(mcpCancelChannel(options.callerKey, sessionId, requestId), {
      reason: reason ?? null,
    });
  });

  return server;
}

const SETTLING_EVENTS = new Set<RunEvent["type"]>(TERMINAL_RUN_EVENTS);
const isSettling = (event: RunEvent | undefined): event is RunEvent =>
  event !== undefined && SETTLING_EVENTS.has(event.type);

/** The change events of one `subscriptions/listen` request; see {@link openToolChanges}. */
export interface ToolChangesBus extends ServerEventBus {
  /** Lets go of the bus unless the listen stream took it (then its own end lets go). */
  releaseUnlessListening(): void;
}

/** Open `subscriptions/listen` streams one API token may hold on one process. */
export const MAX_LISTENS_PER_CALLER = 8;
const openListens = new Map<string, number>();

/**
 * The change events one tenant's `subscriptions/listen` stream hears, over our bus (Redis pub/sub
 * when REDIS_URL is set), so a change made on one process reaches a stream held by another, and
 * never another tenant's stream. The bus is subscribed before the stream is acknowledged, so every
 * change after the acknowledgement reaches it (delivery is otherwise at most once, like the bus: a
 * client that loses its stream sees changes on its next listing). Null when the caller (tenant and
 * API token) already holds MAX_LISTENS_PER_CALLER streams here: each holds a connection open.
 */
export async function openToolChanges(
  bus: EventBus,
  tenantId: string,
  callerKey: string,
): Promise<ToolChangesBus | null> {
  const held = openListens.get(callerKey) ?? 0;
  if (held >= MAX_LISTENS_PER_CALLER) return null;
  openListens.set(callerKey, held + 1);
  const listeners = new Set<(event: ServerEvent) => void>();
  let hasListened = false;
  let stopListening: (() => void) | undefined;
  let isReleased = false;
  const release = () => {
    if (isReleased) return;
    isReleased = true;
    stopListening?.();
    const left = (openListens.get(callerKey) ?? 1) - 1;
    if (left > 0) openListens.set(callerKey, left);
    else openListens.delete(callerKey);
  };
  try {
    stopListening = await bus.subscribe(toolsChangedChannel(tenantId), (message) => {
      if (message === "tools_list_changed")
        for (const listener of listeners) listener({ kind: "tools_list_changed" });
    });
  } catch (error) {
    release();
    throw error;
  }
  return {
    publish(event) {
      if (event.kind === "tools_list_changed") void announceToolsChanged(bus, tenantId);
    },
    subscribe(listener) {
      hasListened = true;
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) release();
      };
    },
    releaseUnlessListening() {
      if (!hasListened) release();
    },
  };
}
