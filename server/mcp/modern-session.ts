import { McpError } from "@modelcontextprotocol/sdk/types.js";
import {
  checkElicitationAnswer,
  ElicitationRefusedError,
  parseElicitationRequest,
  type ElicitHandler,
} from "./elicitation";
import { McpToolError } from "./errors";
import { authorizedFetch, fingerprintOf, type LaunchSpec } from "./launch";
import { mirroredHeaders, post, type ModernEndpoint, type PostOptions } from "./modern-http";
import { runInputRounds, withElicitationId } from "./modern-input-rounds";
import { ModernListener } from "./modern-listen";
import { cachedEra, probeEra, rememberEra, type DiscoverInfo } from "./protocol-era";

/**
 * A connection to a 2026-07-28 server: nothing to open or close (each request stands alone), the
 * discover result standing in for what `initialize` told us. A tools/call answered with
 * `input_required` (the revision's multi round-trip requests) is answered here: each elicitation
 * goes to the ElicitHandler the connection was given, and the call is sent again with the answers
 * and the server's opaque `requestState` (modern-input-rounds.ts). An answer goes out only
 * once it fits the question (checkElicitationAnswer, as a 2025 answer does). `watchTools` keeps a
 * `subscriptions/listen` stream open for tool list changes when the server offers them.
 */

const MISSING_CAPABILITY = -32021;

export class ModernSession {
  private readonly inFlight = new Set<AbortController>();
  private listener: ModernListener | null = null;
  private isClosed = false;

  constructor(
    readonly name: string,
    private readonly endpoint: ModernEndpoint,
    readonly discover: DiscoverInfo,
    readonly protocolVersion: string,
    private readonly elicit: ElicitHandler | undefined,
  ) {}

  get serverVersion() {
    return this.discover.serverInfo ?? undefined;
  }

  get capabilities() {
    return this.discover.capabilities;
  }

  /**
   * Listens for `notifications/tools/list_changed` when the server says it sends them
   * (capabilities.tools.listChanged); `onChange` also hears a stream lost, when changes may have
   * been missed. Not awaited by anyone: the first listing does not wait for the stream.
   */
  watchTools(onChange: () => void): void {
    if (this.listener || this.isClosed) return;
    const tools = this.discover.capabilities.tools as { listChanged?: unknown } | undefined;
    if (tools?.listChanged !== true) return;
    this.listener = new ModernListener(
      this.endpoint,
      this.protocolVersion,
      (n) => {
        if (n.method === "notifications/tools/list_changed") onChange();
      },
      onChange,
    );
    this.listener.listen({ toolsListChanged: true }).catch(() => {
      // Refused or unacknowledged: the tool list's own freshness (ttlMs) is all there is.
    });
  }

  /** Whether a listen stream acknowledged tool list changes: the listing then stays until one comes. */
  get watchingTools(): boolean {
    return this.listener?.acknowledged?.toolsListChanged === true;
  }

  /** One request; close() aborts the ones still waiting. */
  async request(
    method: string,
    params: Record<string, unknown>,
    options: PostOptions,
  ): Promise<Record<string, unknown>> {
    if (this.isClosed) throw new Error("Not connected");
    const local = new AbortController();
    const forward = () => local.abort();
    options.signal?.addEventListener("abort", forward, { once: true });
    if (options.signal?.aborted) local.abort();
    this.inFlight.add(local);
    try {
      return await post(this.endpoint, method, params, {
        ...options,
        version: this.protocolVersion,
        signal: local.signal,
      });
    } finally {
      this.inFlight.delete(local);
      options.signal?.removeEventListener("abort", forward);
    }
  }

  /**
   * tools/call, answering `input_required` rounds. The result keeps the wire's shape without
   * `resultType`, as a 2025 server's result has.
   */
  async callTool(
    tool: { name: string; inputSchema: Record<string, unknown> },
    args: Record<string, unknown>,
    options: PostOptions,
  ): Promise<Record<string, unknown>> {
    const context = { server: this.name, tool: tool.name };
    const extraHeaders = mirroredHeaders(tool.inputSchema, args);
    const where = `${this.name}/${tool.name}`;
    return runInputRounds(
      (retry) =>
        this.request(
          "tools/call",
          { name: tool.name, arguments: args, ...retry },
          { ...options, extraHeaders },
        ).catch((error: unknown) => {
          throw this.missingCapability(error, context) ?? error;
        }),
      (key, request) => this.answer(where, key, request, options.signal, context),
      context,
    );
  }

  /** A server that needs a capability we did not declare (-32021) says so in our words. */
  private missingCapability(
    error: unknown,
    context: { server: string; tool: string },
  ): McpToolError | null {
    if (!(error instanceof McpError) || error.code !== MISSING_CAPABILITY) return null;
    const required = (error.data as { requiredCapabilities?: unknown } | undefined)
      ?.requiredCapabilities;
    const names = required && typeof required === "object" ? Object.keys(required) : [];
    const where = `${context.server}/${context.tool}`;
    return new McpToolError(
      "TOOL_ERROR",
      names.includes("elicitation")
        ? `${where}: the server asks for input from a person, and nobody can answer it here`
        : `${where}: the server needs client capabilities this client does not offer (${names.join(", ") || "unnamed"})`,
      context,
    );
  }

  private async answer(
    where: string,
    key: string,
    request: { method: string; params?: unknown },
    signal: AbortSignal | undefined,
    context: { server: string; tool: string },
  ): Promise<unknown> {
    if (request.method !== "elicitation/create")
      throw new McpToolError(
        "PROTOCOL_ERROR",
        `${where}: the server asked for ${request.method}, which this client does not offer`,
        context,
      );
    if (!this.elicit)
      throw new McpToolError(
        "TOOL_ERROR",
        `${where}: the server asks for input from a person, and nobody can answer it here`,
        context,
      );
    let parsed;
    try {
      parsed = parseElicitationRequest(withElicitationId(key, request.params));
    } catch (error) {
      if (!(error instanceof ElicitationRefusedError)) throw error;
      throw new McpToolError(
        "PROTOCOL_ERROR",
        `${where}: the server's request for input was refused: ${error.message}`,
        context,
      );
    }
    const given = await this.elicit(parsed, signal ?? new AbortController().signal);
    // Whoever answered checked it already (a run's answer service does); this is the last gate.
    const checked = checkElicitationAnswer(parsed, given);
    if (!checked.ok)
      throw new McpToolError(
        "INVALID_ARGUMENTS",
        `${where}: the answer to the server's question does not fit its form, so it was not sent: ${checked.problems.join("; ")}`,
        context,
      );
    const answer = checked.answer;
    return answer.action === "accept" && answer.content
      ? { action: "accept", content: answer.content }
      : { action: answer.action };
  }

  close(): void {
    this.isClosed = true;
    this.listener?.close();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }
}

/** How a 2026-07-28 request reaches a Streamable HTTP server (OAuth included, as the SDK's transport). */
export function modernEndpointOf(
  spec: Extract<LaunchSpec, { url: string }>,
  capabilities: Record<string, unknown>,
): ModernEndpoint {
  return {
    url: spec.url,
    headers: spec.headers,
    fetch: spec.authorizer ? authorizedFetch(spec.authorizer) : fetch,
    capabilities,
  };
}

/**
 * The server's era, asked only of Streamable HTTP servers: stdio and the legacy SSE transport get
 * `initialize` directly. A legacy verdict is cached per configuration (protocol-era.ts), saving the
 * probe. A modern one is asked again on each connection: server/discover is this revision's
 * handshake, so the server's info and capabilities are today's and a server that went back to an
 * older revision gets `initialize`; one that was modern and does not answer fails the connection
 * saying so.
 */
export async function modernEraOf(
  spec: LaunchSpec,
  endpoint: ModernEndpoint,
  options: { connectTimeoutMs: number; signal?: AbortSignal | undefined },
): Promise<{ version: string; discover: DiscoverInfo } | null> {
  if (spec.transport !== "streamable-http") return null;
  const key = fingerprintOf(spec);
  const cached = cachedEra(key);
  if (cached?.era === "legacy") return null;
  const verdict = await probeEra(endpoint, {
    timeoutMs: options.connectTimeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (cached && verdict.era === "legacy" && verdict.unreachable) throw new Error(verdict.reason);
  // No answer says nothing about the era: a server down now may be a 2026-07-28 one when it is back.
  if (!(verdict.era === "legacy" && verdict.unreachable)) rememberEra(key, verdict);
  return verdict.era === "modern" ? verdict : null;
}

/** A session when the server speaks 2026-07-28, else null (then `initialize` follows). */
export async function openModernSession(
  name: string,
  spec: LaunchSpec,
  options: { connectTimeoutMs: number; elicit?: ElicitHandler; signal?: AbortSignal | undefined },
): Promise<ModernSession | null> {
  if (spec.transport !== "streamable-http") return null;
  const endpoint = modernEndpointOf(
    spec,
    options.elicit ? { elicitation: { form: {}, url: {} } } : {},
  );
  const era = await modernEraOf(spec, endpoint, options);
  return era ? new ModernSession(name, endpoint, era.discover, era.version, options.elicit) : null;
}
