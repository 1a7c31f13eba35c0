import type { McpStatus } from "@/db/schema";
import type { CatalogMeta } from "@/engine/schema/catalog";
import { McpConnection } from "./connection";
import { isMcpToolError, textOfContent } from "./errors";
import type { LaunchSpec } from "./launch";
import type { McpPool } from "./pool";
import { describeTool, type CheckedTool, type ToolDescription } from "./tool-schemas";

/** What "Check server" found, stored with the check and shown on the detail page. */
export type CheckReport = {
  status: McpStatus;
  connectMs: number | null;
  listMs: number | null;
  callMs: number | null;
  serverInfo: { name: string; version: string } | null;
  tools: ToolDescription[];
  resources: { uri: string; name: string; description?: string }[];
  prompts: { name: string; description?: string }[];
  call: { tool: string; ok: boolean; preview: string } | null;
  /** Things that work less than fully, in words. */
  problems: string[];
  /** Why the server is down, when it is. */
  error: string | null;
  stderr: string;
};

const ms = (start: number) => Math.round(performance.now() - start);

/** The tool a check may call without side effects: the catalog's choice, else a read-only tool without required arguments. */
export function pickHarmlessTool(
  tools: CheckedTool[],
  meta: CatalogMeta,
): { name: string; arguments: Record<string, unknown> } | null {
  const usable = tools.filter((t) => !t.unusableReason);
  if (meta.harmlessTool && usable.some((t) => t.name === meta.harmlessTool?.name))
    return meta.harmlessTool;
  const readOnly = usable.find((t) => {
    const required = Array.isArray(t.inputSchema.required) ? t.inputSchema.required : [];
    return (
      t.annotations?.readOnlyHint === true &&
      t.annotations.openWorldHint !== true &&
      required.length === 0
    );
  });
  return readOnly ? { name: readOnly.name, arguments: {} } : null;
}

const NEEDS_INTERNET = " (this server needs internet access or credentials for an online service)";

/**
 * The one rule of checks and health probes alike: a server whose online service is out of reach
 * (its harmless call failed) is down even though it starts; any other problem makes it degraded.
 */
function verdictOf(
  failedCall: string | null,
  problems: number,
  meta: CatalogMeta,
): { status: McpStatus; error: string | null } {
  if (failedCall !== null && meta.needsInternet)
    return { status: "down", error: `${failedCall}${NEEDS_INTERNET}` };
  return problems > 0 || failedCall !== null
    ? { status: "degraded", error: failedCall }
    : { status: "up", error: null };
}

/** A report of a server that is down until the check finds otherwise. */
export function emptyReport(error: string | null, stderr: string): CheckReport {
  return {
    status: "down",
    connectMs: null,
    listMs: null,
    callMs: null,
    serverInfo: null,
    tools: [],
    resources: [],
    prompts: [],
    call: null,
    problems: [],
    error,
    stderr,
  };
}

/**
 * Starts the server on its own connection (not the pool's), runs initialize, lists tools,
 * resources and prompts, validates each tool's schema, calls a harmless tool where there is one,
 * and closes it again. Never throws: a failure is a report with status "down" and the reason.
 */
export async function runServerCheck(
  name: string,
  spec: LaunchSpec,
  meta: CatalogMeta,
  options: { connectTimeoutMs?: number } = {},
): Promise<CheckReport> {
  const report = emptyReport(null, "");
  const connection = new McpConnection(name, spec, {
    connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
  });
  try {
    let start = performance.now();
    await connection.connect();
    report.connectMs = ms(start);
    const info = connection.serverVersion;
    report.serverInfo = info ? { name: info.name, version: info.version } : null;

    start = performance.now();
    const tools = [...(await connection.listTools()).values()];
    report.listMs = ms(start);
    report.tools = tools.map(describeTool);
    for (const tool of tools)
      if (tool.unusableReason)
        report.problems.push(`Tool ${tool.name} is unusable: ${tool.unusableReason}`);
    report.resources = await connection.listResources().catch((error: unknown) => {
      report.problems.push(
        `Listing resources failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return [];
    });
    report.prompts = await connection.listPrompts().catch((error: unknown) => {
      report.problems.push(
        `Listing prompts failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return [];
    });

    const harmless = pickHarmlessTool(tools, meta);
    if (harmless) {
      start = performance.now();
      try {
        const result = await connection.callTool(harmless.name, harmless.arguments, {
          timeoutMs: 20_000,
        });
        report.callMs = ms(start);
        report.call = {
          tool: harmless.name,
          ok: true,
          preview: (
            textOfContent(result.content) ||
            JSON.stringify(result.structuredContent ?? result.content)
          ).slice(0, 500),
        };
      } catch (error) {
        report.callMs = ms(start);
        const message = error instanceof Error ? error.message : String(error);
        report.call = { tool: harmless.name, ok: false, preview: message.slice(0, 500) };
        report.problems.push(`Calling ${harmless.name} failed: ${message}`);
      }
    }
    const failedCall = report.call && !report.call.ok ? report.call.preview : null;
    const verdict = verdictOf(failedCall, report.problems.length, meta);
    report.status = verdict.status;
    if (verdict.status === "down") report.error = verdict.error;
  } catch (error) {
    report.error = isMcpToolError(error) || error instanceof Error ? error.message : String(error);
    if (meta.needsInternet) report.error += NEEDS_INTERNET;
  } finally {
    report.stderr = connection.stderr.value.slice(-2000);
    await connection.close();
  }
  return report;
}

export type HealthProbe = {
  status: McpStatus;
  latencyMs: number | null;
  error: string | null;
  unusableTools: number;
};

/**
 * The periodic probe. A server the pool already has open is probed on that connection; one that
 * is not running is started and closed again, so health checks do not keep idle servers alive.
 * It lists the tools and makes the same harmless call as "Check server", judged by the same rule,
 * so a server that starts but cannot reach its online service is down here too.
 */
export async function probeHealth(
  pool: McpPool,
  key: string,
  name: string,
  spec: LaunchSpec,
  meta: CatalogMeta,
): Promise<HealthProbe> {
  const live = pool.liveConnection(key);
  const connection = live ?? new McpConnection(name, spec, { connectTimeoutMs: 30_000 });
  try {
    const start = performance.now();
    if (!live) await connection.connect();
    const tools = [...(await connection.listTools()).values()];
    const latencyMs = live ? Math.round(await connection.ping()) : ms(start);
    const unusableTools = tools.filter((t) => t.unusableReason).length;
    const harmless = pickHarmlessTool(tools, meta);
    let failedCall: string | null = null;
    if (harmless) {
      try {
        await connection.callTool(harmless.name, harmless.arguments, { timeoutMs: 20_000 });
      } catch (error) {
        failedCall = `Calling ${harmless.name} failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    const verdict = verdictOf(failedCall, unusableTools, meta);
    const error = verdict.error ?? (unusableTools > 0 ? `${unusableTools} tool(s) unusable` : null);
    return { status: verdict.status, latencyMs, error, unusableTools };
  } catch (error) {
    return {
      status: "down",
      latencyMs: null,
      error: error instanceof Error ? error.message : String(error),
      unusableTools: 0,
    };
  } finally {
    if (!live) await connection.close();
  }
}
