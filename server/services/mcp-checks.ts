import { notFound } from "@/engine/errors";
import { catalogMetaOf } from "@/engine/schema/catalog";
import type { Db } from "@/db/client";
import { getEnv } from "@/server/env";
import {
  emptyReport,
  healthOf,
  probeHealth,
  runServerCheck,
  type CheckReport,
} from "@/server/mcp/check";
import { isMcpToolError } from "@/server/mcp/errors";
import { launchSpecOf, poolKeyOf } from "@/server/mcp/installation-launch";
import { getMcpPool, type McpPool } from "@/server/mcp/pool";
import * as catalog from "@/server/repositories/mcp-catalog";
import * as checks from "@/server/repositories/mcp-checks";
import * as installations from "@/server/repositories/mcp-installations";
import { addToRollups } from "@/server/repositories/metric-rollups";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { startPeriodicRound } from "./periodic-round";

function downReport(error: unknown): CheckReport {
  return emptyReport(
    error instanceof Error ? error.message : String(error),
    isMcpToolError(error) ? (error.details.stderr ?? "") : "",
  );
}

type Installation = Awaited<ReturnType<typeof installations.findInstallation>> & {};
type Entry = Awaited<ReturnType<typeof catalog.findCatalogEntry>> & {};

/**
 * The test "Check server" and the periodic probe share (runServerCheck): `pool` given, the probe
 * uses the pool's open connection when there is one. Remote servers carry their OAuth
 * connection's token in both. A launch spec that cannot be built (a missing input, a secret that
 * no longer decrypts, a command not allowed) is a down report.
 */
export async function testInstallation(
  db: Db,
  installation: Installation,
  entry: Entry,
  pool?: McpPool,
): Promise<CheckReport> {
  try {
    const spec = launchSpecOf(installation, entry, { db });
    const meta = catalogMetaOf(entry.serverJson);
    return pool
      ? await probeHealth(pool, poolKeyOf(installation), installation.name, spec, meta)
      : await runServerCheck(installation.name, spec, meta);
  } catch (error) {
    return downReport(error);
  }
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

  const report = await testInstallation(ctx.db, installation, entry);
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
    const health = healthOf(report);
    await installations.setInstallationHealth(tx, ctx.tenant.id, installation.id, {
      status: health.status,
      latencyMs: health.latencyMs,
      lastError: health.error,
      protocolVersion: health.protocolVersion,
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
    const report = await testInstallation(db, installation, entry, pool);
    const probe = healthOf(report);
    const at = new Date();
    await db.transaction(async (tx) => {
      await checks.insertCheck(tx, {
        tenantId: installation.tenantId,
        installationId: installation.id,
        catalogEntryId: entry.id,
        kind: "health",
        status: probe.status,
        connectMs: report.connectMs,
        callMs: report.callMs,
        report: {
          error: probe.error,
          problems: report.problems,
          tools: report.tools.length,
          protocolVersion: report.protocolVersion,
        },
        createdAt: at,
      });
      await installations.setInstallationHealth(tx, installation.tenantId, installation.id, {
        status: probe.status,
        latencyMs: probe.latencyMs,
        lastError: probe.error,
        protocolVersion: probe.protocolVersion,
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

/**
 * Starts the periodic health checks (from server/boot.ts), a round every 5 minutes, the first
 * soon after start so statuses are fresh without waiting a whole interval. Cheap when idle: a
 * round with no enabled installation is one count query.
 */
export function startMcpHealthChecks(
  options: { intervalMs?: number; getDb?: () => Promise<{ db: Db }> } = {},
): () => void {
  const intervalMs = options.intervalMs ?? 5 * 60_000;
  return startPeriodicRound({
    name: "MCP health checks",
    intervalMs,
    firstAfterMs: Math.min(intervalMs, 30_000),
    ...(options.getDb ? { getDb: options.getDb } : {}),
    round: async (db) => {
      if ((await installations.countEnabledInstallations(db)) === 0) return;
      await runHealthRound(db, { staleMs: intervalMs * 0.9 });
    },
  });
}
