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
  /** The MCP revision spoken (2026-07-28 through server/discover, or what initialize agreed). */
  protocolVersion: string | null;
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
    protocolVersion: null,
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
 * The one test of a server, for "Check server" and the periodic probe alike: initialize (unless
 * `live` is a connection the pool already has open), list tools, resources and prompts, validate
 * each tool's schema, call a harmless tool where there is one, and judge it all by one rule
 * (verdictOf). A connection it opened is closed again, so a probe never keeps an idle server
 * alive. Never throws: a failure is a report with status "down" and the reason.
 */
export async function runServerCheck(
  name: string,
  spec: LaunchSpec,
  meta: CatalogMeta,
  options: { connectTimeoutMs?: number; live?: McpConnection | null } = {},
): Promise<CheckReport> {
  const report = emptyReport(null, "");
  const live = options.live ?? null;
  const connection =
    live ??
    new McpConnection(name, spec, {
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
    });
  try {
    let start = performance.now();
    if (!live) {
      await connection.connect();
      report.connectMs = ms(start);
    }
    const info = connection.serverVersion;
    report.serverInfo = info ? { name: info.name, version: info.version } : null;
    report.protocolVersion = connection.protocolVersion;

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
    report.status = "down";
    report.error = isMcpToolError(error) || error instanceof Error ? error.message : String(error);
    if (meta.needsInternet) report.error += NEEDS_INTERNET;
  } finally {
    report.stderr = connection.stderr.value.slice(-2000);
    if (!live) await connection.close();
  }
  return report;
}

/** What an installation shows after a check or a probe: status, latency and the first reason. */
export type Health = {
  status: McpStatus;
  latencyMs: number | null;
  error: string | null;
  protocolVersion: string | null;
};

/** The one summary of a report, so a check and a probe of the same server say the same. */
export function healthOf(report: CheckReport): Health {
  return {
    status: report.status,
    latencyMs: report.callMs ?? report.connectMs ?? report.listMs,
    error: report.error ?? report.problems[0] ?? null,
    protocolVersion: report.protocolVersion,
  };
}

/**
 * The periodic probe: runServerCheck on the pool's open connection when there is one (so a
 * probe does not start a second process of a busy server), else on one of its own.
 */
export async function probeHealth(
  pool: McpPool,
  key: string,
  name: string,
  spec: LaunchSpec,
  meta: CatalogMeta,
): Promise<CheckReport> {
  return runServerCheck(name, spec, meta, { live: pool.liveConnection(key) });
}
