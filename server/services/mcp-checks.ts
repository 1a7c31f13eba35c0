import { notFound } from "@/engine/errors";
import { catalogMetaOf } from "@/engine/schema/catalog";
import type { Db } from "@/db/client";
import { getDatabase } from "@/server/db";
import { getEnv } from "@/server/env";
import { emptyReport, probeHealth, runServerCheck, type CheckReport } from "@/server/mcp/check";
import { isMcpToolError } from "@/server/mcp/errors";
import { launchSpecOf, poolKeyOf } from "@/server/mcp/installation-launch";
import { getMcpPool, type McpPool } from "@/server/mcp/pool";
import * as catalog from "@/server/repositories/mcp-catalog";
import * as checks from "@/server/repositories/mcp-checks";
import * as installations from "@/server/repositories/mcp-installations";
import { addToRollups } from "@/server/repositories/metric-rollups";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";

function downReport(error: unknown): CheckReport {
  return emptyReport(
    error instanceof Error ? error.message : String(error),
    isMcpToolError(error) ? (error.details.stderr ?? "") : "",
  );
}

/**
 * "Check server": starts the installation on a fresh connection, runs the full check (see
 * runServerCheck), stores the report, updates the installation's status and the catalog's known
 * tool names. The check runs outside any transaction; the writes and the audit record share one.
 */
export async function checkInstallation(ctx: TenantContext, id: string) {
  const installation = await installations.findInstallation(ctx.db, ctx.tenant.id, id);
  if (!installation) throw notFound("installed server", id);
  const entry = await catalog.findCatalogEntry(ctx.db, installation.catalogEntryId);
  if (!entry) throw notFound("catalog entry", installation.catalogEntryId);

  let report: CheckReport;
  try {
    report = await runServerCheck(
      installation.name,
      launchSpecOf(installation, entry),
      catalogMetaOf(entry.serverJson),
    );
  } catch (error) {
    report = downReport(error); // a launch spec that cannot be built (missing input, bad secret)
  }
  const at = new Date();
  return withAudit(ctx, async (tx) => {
    const row = await checks.insertCheck(tx, {
      tenantId: ctx.tenant.id,
      installationId: installation.id,
      catalogEntryId: entry.id,
      kind: "check",
      status: report.status,
      connectMs: report.connectMs,
      callMs: report.callMs,
      report,
      createdAt: at,
    });
    await installations.setInstallationHealth(tx, ctx.tenant.id, installation.id, {
      status: report.status,
      latencyMs: report.callMs ?? report.connectMs,
      lastError: report.error ?? report.problems[0] ?? null,
      at,
    });
    const usable = report.tools.map((t) => t.name);
    if (usable.length > 0) await catalog.setCatalogToolNames(tx, entry.id, usable);
    return {
      value: { ...row, report },
      audit: {
        action: "server.check",
        targetType: "mcp_installation",
        targetId: installation.id,
        metadata: { name: installation.name, status: report.status },
      },
    };
  });
}

export function listChecks(
  ctx: TenantContext,
  query: {
    installationId?: string;
    catalogEntryId?: string;
    cursor?: string | null;
    limit: number;
  },
) {
  return checks.listChecks(ctx.db, { ...query, tenantId: ctx.tenant.id });
}

/**
 * One round of periodic health checks, across tenants (a system task: no actor, so no audit
 * record; it only refreshes status). Probes installations not checked for `staleMs`, at most
 * `limit` per round, one at a time so a round never floods the machine with processes.
 */
export async function runHealthRound(
  db: Db,
  options: { staleMs: number; limit?: number; pool?: McpPool; now?: Date } = {
    staleMs: 5 * 60_000,
  },
) {
  const now = options.now ?? new Date();
  const due = await installations.listInstallationsDueForHealth(
    db,
    new Date(now.getTime() - options.staleMs),
    options.limit ?? 20,
  );
  const pool = options.pool ?? getMcpPool();
  let probed = 0;
  for (const installation of due) {
    const entry = await catalog.findCatalogEntry(db, installation.catalogEntryId);
    if (!entry) continue;
    let probe;
    try {
      probe = await probeHealth(
        pool,
        poolKeyOf(installation),
        installation.name,
        launchSpecOf(installation, entry),
        catalogMetaOf(entry.serverJson),
      );
    } catch (error) {
      probe = {
        status: "down" as const,
        latencyMs: null,
        error: error instanceof Error ? error.message : String(error),
        unusableTools: 0,
      };
    }
    const at = new Date();
    await db.transaction(async (tx) => {
      await checks.insertCheck(tx, {
        tenantId: installation.tenantId,
        installationId: installation.id,
        catalogEntryId: entry.id,
        kind: "health",
        status: probe.status,
        connectMs: probe.latencyMs,
        callMs: null,
        report: { error: probe.error, unusableTools: probe.unusableTools },
        createdAt: at,
      });
      await installations.setInstallationHealth(tx, installation.tenantId, installation.id, {
        status: probe.status,
        latencyMs: probe.latencyMs,
        lastError: probe.error,
        at,
      });
      // The anomaly watcher's series of this server's health (mcp.health_failure_rate).
      const bucketMs = getEnv().anomaly.bucketMs;
      await addToRollups(tx, [
        {
          tenantId: installation.tenantId,
          source: "mcp_health",
          subject: installation.name,
          bucketStart: new Date(Math.floor(at.getTime() / bucketMs) * bucketMs),
          count: 1,
          errors: probe.status === "up" ? 0 : 1,
          durationMs: probe.latencyMs ?? 0,
          tokens: 0,
          costUsd: 0,
          gaugeMax: 0,
          hist: [],
        },
      ]);
    });
    probed++;
  }
  await checks.deleteHealthChecksBefore(db, new Date(now.getTime() - 7 * 24 * 3_600_000));
  return { probed };
}

const globalForHealth = globalThis as unknown as {
  mcpHealthTimer?: NodeJS.Timeout;
  mcpHealthFirst?: NodeJS.Timeout;
};

/**
 * Starts the periodic health checks (from server/boot.ts). Cheap when idle: a tick with no enabled
 * installation is one count query. The timer is unref'd (it never keeps the process alive), a
 * round never overlaps the previous one, and no failure escapes to crash the process.
 */
export function startMcpHealthChecks(
  options: { intervalMs?: number; getDb?: () => Promise<{ db: Db }> } = {},
): () => void {
  const intervalMs = options.intervalMs ?? 5 * 60_000;
  if (globalForHealth.mcpHealthTimer) clearInterval(globalForHealth.mcpHealthTimer);
  if (globalForHealth.mcpHealthFirst) clearTimeout(globalForHealth.mcpHealthFirst);
  let isRunning = false;
  let hasWarned = false;
  const tick = async () => {
    if (isRunning) return;
    isRunning = true;
    try {
      const { db } = await (options.getDb ?? getDatabase)();
      if ((await installations.countEnabledInstallations(db)) === 0) return;
      await runHealthRound(db, { staleMs: intervalMs * 0.9 });
    } catch (error) {
      if (!hasWarned)
        console.warn(
          `MCP health checks failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      hasWarned = true;
    } finally {
      isRunning = false;
    }
  };
  // The first round soon after start, so statuses are fresh without waiting a whole interval.
  const first = setTimeout(() => void tick(), Math.min(intervalMs, 30_000));
  first.unref();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  globalForHealth.mcpHealthFirst = first;
  globalForHealth.mcpHealthTimer = timer;
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
