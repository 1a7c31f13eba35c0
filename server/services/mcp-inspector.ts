import { z } from "zod";
import { AppError, notFound } from "@/engine/errors";
import { ServerJsonSchema } from "@/engine/schema/catalog";
import { assertJsonInput, INPUT_LIMITS } from "@/server/input-guards";
import { elicitationAnswerSchema } from "@/server/mcp/elicitation";
import { isMcpToolError, type McpToolError } from "@/server/mcp/errors";
import { launchSpecOf } from "@/server/mcp/installation-launch";
import { InspectorSession, type SessionOptions } from "@/server/mcp/inspector-session";
import {
  getInspectorSessions,
  type HeldSession,
  type InspectorSessions,
  type SessionOwner,
} from "@/server/mcp/inspector-sessions";
import {
  createUrlTransport,
  describeUrlFailure,
  urlSpecsOf,
  urlTargetInput,
  type UrlTarget,
} from "@/server/mcp/inspector-transport";
import { fingerprintOf, type LaunchSpec } from "@/server/mcp/launch";
import { ensureNpxPackage } from "@/server/mcp/npx-install";
import * as catalog from "@/server/repositories/mcp-catalog";
import * as installations from "@/server/repositories/mcp-installations";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";

/**
 * The tool runner at the MCP Inspector's reach (README "Tool runner"): a session per user and
 * installation (or URL) that lists and reads resources and templates, gets prompts, calls tools
 * with live progress and cancel, sets the log level, subscribes to resources, and records the
 * session's JSON-RPC messages with their timings for the browser's history.
 */

const LOG_LEVELS = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
] as const;

const sessionId = z.uuid();
const text = (max: number) => z.string().min(1).max(max);

export const inspectorInput = {
  session: z.object({ sessionId }),
  openInstallation: z.object({ installationId: z.uuid() }),
  connectUrl: urlTargetInput,
  callTool: z.object({
    sessionId,
    /** Chosen by the browser, so it can cancel the call before the answer comes. */
    callId: z.uuid(),
    tool: text(200),
    args: z.record(z.string().max(200), z.unknown()).default({}),
  }),
  cancel: z.object({ sessionId, callId: z.uuid() }),
  answer: z.object({ sessionId, questionId: z.uuid(), answer: elicitationAnswerSchema }),
  readResource: z.union([
    z.object({ sessionId, uri: text(2000) }),
    z.object({
      sessionId,
      uriTemplate: text(2000),
      values: z.record(z.string().max(100), z.string().max(2000)).default({}),
    }),
  ]),
  resource: z.object({ sessionId, uri: text(2000) }),
  getPrompt: z.object({
    sessionId,
    name: text(200),
    args: z.record(z.string().max(200), z.string().max(10_000)).default({}),
  }),
  setLogLevel: z.object({ sessionId, level: z.enum(LOG_LEVELS) }),
  events: z.object({ sessionId, lastEventId: z.coerce.number().int().min(0).nullish() }),
};

export type InspectorDeps = { sessions?: InspectorSessions; sessionOptions?: SessionOptions };

const ownerOf = (ctx: TenantContext): SessionOwner => ({
  tenantId: ctx.tenant.id,
  userId: ctx.actor.userId,
});
const sessionsOf = (deps: InspectorDeps) => deps.sessions ?? getInspectorSessions();

/** Why the server could not do it, as a 4xx: the server is unreachable or answered something else. */
function refusal(error: McpToolError): AppError {
  const details = { mcpCode: error.code, stderr: error.details.stderr?.slice(-2000) ?? null };
  switch (error.code) {
    case "TOOL_NOT_FOUND":
      return new AppError("NOT_FOUND", error.message, details);
    case "INVALID_ARGUMENTS":
      return new AppError("INVALID_INPUT", error.message, details);
    case "TOOL_ERROR":
    case "PROTOCOL_ERROR":
      return new AppError("CONFLICT", error.message, details);
    default:
      return new AppError("UNAVAILABLE", error.message, details);
  }
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isMcpToolError(error) ? refusal(error) : error;
  }
}

function answerOf(held: HeldSession) {
  return {
    sessionId: held.id,
    name: held.session.name,
    target: held.target,
    ...held.session.describe(),
  };
}

async function openSession(
  name: string,
  spec: LaunchSpec,
  deps: InspectorDeps,
  createTransport?: SessionOptions["createTransport"],
): Promise<InspectorSession> {
  const session = new InspectorSession(name, spec);
  await session.connect({
    ...deps.sessionOptions,
    ...(createTransport ? { createTransport } : {}),
  });
  return session;
}

/** Opens (or finds) my session with an installation of my tenant: it must be enabled and its entry valid. */
export async function openInstallationSession(
  ctx: TenantContext,
  deps: InspectorDeps,
  input: z.infer<typeof inspectorInput.openInstallation>,
) {
  const installation = await installations.findInstallation(
    ctx.db,
    ctx.tenant.id,
    input.installationId,
  );
  if (!installation) throw notFound("installed server", input.installationId);
  if (!installation.enabled)
    throw new AppError("CONFLICT", `${installation.name} is disabled; enable it first`);
  const entry = await catalog.findVisibleCatalogEntry(
    ctx.db,
    ctx.tenant.id,
    installation.catalogEntryId,
  );
  if (!entry || !ServerJsonSchema.safeParse(entry.serverJson).success)
    throw new AppError("CONFLICT", `${installation.name}: its catalog entry is not valid`);
  return mapped(async () => {
    const spec = launchSpecOf(installation, entry, { db: ctx.db });
    const fingerprint = fingerprintOf(spec);
    const held = await sessionsOf(deps).open(
      ownerOf(ctx),
      { kind: "installation", installationId: installation.id, name: installation.name },
      `installation:${installation.id}`,
      async () => {
        await ensureNpxPackage(installation.name, spec, { waitMs: 30_000 });
        return openSession(installation.name, spec, deps);
      },
      // A changed configuration (edited inputs, new secrets) gets a new session.
      (session) => fingerprintOf(session.spec) === fingerprint,
    );
    return answerOf(held);
  });
}

/** What a URL is called in the UI and audit log: its host and path, never its query (it may hold a key). */
function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * Tries a remote server by URL before installing it: Streamable HTTP, then SSE when that fails
 * ("auto"). Reached under the rules of installing one (SECURITY.md): the failure names what went
 * wrong (refused, an HTTP status, a redirect) and nothing of the server's body or our internals.
 */
export async function connectUrlSession(ctx: TenantContext, deps: InspectorDeps, input: UrlTarget) {
  const shown = shownUrl(input.url);
  const headerKey = input.headers.map((h) => `${h.name.toLowerCase()}=${h.value}`).join("\n");
  const held = await sessionsOf(deps).open(
    ownerOf(ctx),
    { kind: "url", url: shown, transport: input.transport },
    `url:${input.transport}:${input.url}:${headerKey}`,
    async () => {
      const failures: string[] = [];
      for (const spec of urlSpecsOf(input)) {
        try {
          return await openSession(shown, spec, deps, createUrlTransport);
        } catch (error) {
          const cause = (error as { cause?: unknown }).cause ?? error;
          failures.push(
            `${spec.transport === "sse" ? "SSE" : "Streamable HTTP"}: ${describeUrlFailure(cause)}`,
          );
        }
      }
      throw new AppError("UNAVAILABLE", `Could not connect to ${shown} (${failures.join("; ")})`, {
        field: "url",
      });
    },
  );
  await withAudit(ctx, async () => ({
    value: null,
    audit: {
      action: "inspector.connect",
      targetType: "url",
      metadata: {
        url: shown,
        transport: held.session.spec.transport,
        headers: input.headers.map((h) => h.name),
      },
    },
  }));
  return answerOf(held);
}

function heldOf(ctx: TenantContext, deps: InspectorDeps, id: string): HeldSession {
  return sessionsOf(deps).get(ownerOf(ctx), id);
}

export function describeSession(ctx: TenantContext, deps: InspectorDeps, id: string) {
  return answerOf(heldOf(ctx, deps, id));
}

export async function closeSession(ctx: TenantContext, deps: InspectorDeps, id: string) {
  heldOf(ctx, deps, id);
  await sessionsOf(deps).close(id);
  return { closed: true };
}

export function listTools(ctx: TenantContext, deps: InspectorDeps, id: string) {
  const { session } = heldOf(ctx, deps, id);
  return mapped(async () => ({ tools: await session.listTools() }));
}

/** Calls a tool in the session; audited as `tool.run` like the tool runner's calls always were. */
export async function callTool(
  ctx: TenantContext,
  deps: InspectorDeps,
  input: z.infer<typeof inspectorInput.callTool>,
) {
  assertJsonInput(input.args, {
    maxBytes: INPUT_LIMITS.toolArgsBytes,
    label: "args",
    what: "tool's arguments",
  });
  const held = heldOf(ctx, deps, input.sessionId);
  let outcome: Awaited<ReturnType<InspectorSession["callTool"]>> | null = null;
  let code: string | null = null;
  try {
    outcome = await mapped(() => held.session.callTool(input.callId, input.tool, input.args));
    code = outcome.status === "cancelled" ? "CANCELLED" : outcome.isError ? "TOOL_ERROR" : null;
    return outcome;
  } catch (error) {
    code = error instanceof AppError ? error.code : "FAILED";
    throw error;
  } finally {
    await withAudit(ctx, async () => ({
      value: null,
      audit: {
        action: "tool.run",
        targetType: held.target.kind === "installation" ? "mcp_installation" : "url",
        ...(held.target.kind === "installation" ? { targetId: held.target.installationId } : {}),
        metadata: {
          name: held.session.name,
          tool: input.tool,
          via: "inspector",
          ok: code === null,
          ...(outcome ? { ms: outcome.ms } : {}),
          ...(code ? { code } : {}),
        },
      },
    }));
  }
}

export function cancelCall(
  ctx: TenantContext,
  deps: InspectorDeps,
  input: z.infer<typeof inspectorInput.cancel>,
) {
  const { session } = heldOf(ctx, deps, input.sessionId);
  return { cancelled: session.cancel(input.callId) };
}

/** The person answers a question the server asked during a call (accept with content, decline, cancel). */
export function answerQuestion(
  ctx: TenantContext,
  deps: InspectorDeps,
  input: z.infer<typeof inspectorInput.answer>,
) {
  return heldOf(ctx, deps, input.sessionId).session.questions.answer(
    input.questionId,
    input.answer,
  );
}

/** The questions open in a session (a page that reconnects shows them again). */
export function listQuestions(ctx: TenantContext, deps: InspectorDeps, id: string) {
  return heldOf(ctx, deps, id).session.questions.list();
}

export function listResources(ctx: TenantContext, deps: InspectorDeps, id: string) {
  const { session } = heldOf(ctx, deps, id);
  return mapped(async () => ({
    resources: await session.listResources(),
    templates: await session.listResourceTemplates(),
  }));
}

export function readResource(
  ctx: TenantContext,
  deps: InspectorDeps,
  input: z.infer<typeof inspectorInput.readResource>,
) {
  const { session } = heldOf(ctx, deps, input.sessionId);
  return mapped(() =>
    session.readResource(
      "uri" in input
        ? { uri: input.uri }
        : { uriTemplate: input.uriTemplate, values: input.values },
    ),
  );
}

export function subscribe(
  ctx: TenantContext,
  deps: InspectorDeps,
  input: z.infer<typeof inspectorInput.resource>,
  on: boolean,
) {
  const { session } = heldOf(ctx, deps, input.sessionId);
  return mapped(() => (on ? session.subscribe(input.uri) : session.unsubscribe(input.uri)));
}

export function listPrompts(ctx: TenantContext, deps: InspectorDeps, id: string) {
  const { session } = heldOf(ctx, deps, id);
  return mapped(async () => ({ prompts: await session.listPrompts() }));
}

export function getPrompt(
  ctx: TenantContext,
  deps: InspectorDeps,
  input: z.infer<typeof inspectorInput.getPrompt>,
) {
  const { session } = heldOf(ctx, deps, input.sessionId);
  return mapped(() => session.getPrompt(input.name, input.args));
}

export function setLogLevel(
  ctx: TenantContext,
  deps: InspectorDeps,
  input: z.infer<typeof inspectorInput.setLogLevel>,
) {
  const { session } = heldOf(ctx, deps, input.sessionId);
  return mapped(() => session.setLogLevel(input.level));
}

/** The session's events after `lastEventId` (all kept ones when absent), then live ones. */
export function followEvents(
  ctx: TenantContext,
  deps: InspectorDeps,
  input: z.infer<typeof inspectorInput.events>,
  signal?: AbortSignal,
) {
  const { session } = heldOf(ctx, deps, input.sessionId);
  return session.events.follow(input.lastEventId ?? 0, signal);
}
