import type { Db } from "@/db/client";
import type { McpToolInfo, ToolCall, ToolPort, ToolProgress } from "@/engine/runtime/ports";
import { StepError } from "@/engine/runtime/step-error";
import * as catalog from "@/server/repositories/mcp-catalog";
import * as installations from "@/server/repositories/mcp-installations";
import { getBreakers, type BreakerRegistry } from "./breakers";
import type { ElicitHandler } from "./elicitation";
import { McpToolError, textOfContent } from "./errors";
import { launchSpecOf, poolKeyOf } from "./installation-launch";
import type { LaunchSpec } from "./launch";
import { getMcpPool, type McpPool } from "./pool";

/**
 * The engine's ToolPort over the MCP client pool, for one tenant: `call.server` is the name of an
 * installed, enabled server. Failures become StepErrors whose code is the McpToolError's
 * (TIMEOUT, SERVER_CRASHED, INVALID_ARGUMENTS, …) and whose retryability follows it.
 *
 * @example const tools = createMcpToolPort({ db, tenantId }); await tools.callTool({ server: "files", tool: "list_directory", args: { path } }, { signal });
 */
export function createMcpToolPort(options: {
  db: Db;
  tenantId: string;
  pool?: McpPool;
  breakers?: BreakerRegistry;
  /** Each call that reached a server (the one that answered: the fallback while a breaker sends calls there). */
  onCall?: (server: string, failed: boolean, durationMs: number) => void;
}): ToolPort {
  const pool = options.pool ?? getMcpPool();
  const breakers = options.breakers ?? getBreakers();
  // Resolved once per port (one run): configuration changes apply to the next run.
  const resolved = new Map<string, Promise<{ key: string; spec: LaunchSpec }>>();

  function resolve(server: string) {
    let found = resolved.get(server);
    if (!found) {
      found = (async () => {
        const installation = await installations.findInstallationByName(
          options.db,
          options.tenantId,
          server,
        );
        if (!installation)
          throw new StepError(
            "TOOL_NOT_FOUND",
            `No MCP server named "${server}" is installed in this tenant`,
            false,
          );
        if (!installation.enabled)
          throw new StepError("TOOL_NOT_FOUND", `The MCP server "${server}" is disabled`, false);
        const entry = await catalog.findCatalogEntry(options.db, installation.catalogEntryId);
        if (!entry)
          throw new StepError(
            "TOOL_NOT_FOUND",
            `The MCP server "${server}" has no catalog entry`,
            false,
          );
        return {
          key: poolKeyOf(installation),
          spec: launchSpecOf(installation, entry, { db: options.db }),
        };
      })();
      found.catch(() => resolved.delete(server));
      resolved.set(server, found);
    }
    return found;
  }

  const toStepError = (error: unknown) =>
    error instanceof McpToolError
      ? new StepError(error.code, error.message, error.isRetryable)
      : error;

  return {
    async listTools(server: string, signal: AbortSignal): Promise<McpToolInfo[]> {
      try {
        const { key, spec } = await resolve(server);
        const tools = await pool.listTools(key, server, spec, signal);
        return tools
          .filter((tool) => tool.unusableReason === null)
          .map((tool) => ({
            name: tool.name,
            ...(tool.description ? { description: tool.description } : {}),
            inputSchema: tool.inputSchema,
          }));
      } catch (error) {
        throw toStepError(error);
      }
    },

    async callTool(
      call: ToolCall,
      callOptions: {
        signal: AbortSignal;
        onProgress?: (progress: ToolProgress) => void;
        /** Who answers the server's questions during the call (run-elicitation.ts). */
        onElicit?: ElicitHandler;
      },
    ): Promise<unknown> {
      // An open circuit breaker fails the call at once, or sends it to the server's fallback.
      const route = breakers.route(options.tenantId, call.server);
      const started = Date.now();
      try {
        const { key, spec } = await resolve(route.server);
        const result = await pool.callTool(
          key,
          route.server,
          spec,
          { tool: call.tool, args: call.args },
          {
            signal: callOptions.signal,
            ...(callOptions.onProgress ? { onProgress: callOptions.onProgress } : {}),
            ...(callOptions.onElicit ? { onElicit: callOptions.onElicit } : {}),
          },
        );
        if (!route.viaFallback) breakers.record(options.tenantId, call.server, true);
        options.onCall?.(route.server, false, Date.now() - started);
        // Structured results are the tool's data; otherwise the text it wrote, with the raw content beside it.
        return (
          result.structuredContent ?? {
            text: textOfContent(result.content, Number.POSITIVE_INFINITY),
            content: result.content,
          }
        );
      } catch (error) {
        // A call the run itself aborted says nothing about the server.
        if (!callOptions.signal.aborted) {
          if (!route.viaFallback) breakers.record(options.tenantId, call.server, false);
          options.onCall?.(route.server, true, Date.now() - started);
        }
        throw toStepError(error);
      }
    },
  };
}
