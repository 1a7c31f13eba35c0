import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import type { AlertAction, AnomalyRules } from "@/db/schema";
import type { Anomaly } from "@/engine/anomaly/types";
import type { EventBus } from "@/server/events/bus";
import type { BreakerRegistry } from "@/server/mcp/breakers";
import { AppError } from "@/engine/errors";
import {
  listActiveAlerts,
  listActiveAlertsOnMetric,
  type AlertRow,
} from "@/server/repositories/alerts";
import { insertAuditLog } from "@/server/repositories/audit";
import { findTenantStanding, updateTenantLimits } from "@/server/repositories/tenant-limits";
import { accessChanged } from "./access-changes";
import { pauseWorkflow, resumeWorkflow } from "@/server/repositories/workflows";

export interface RemediationDeps {
  db: Db;
  bus: EventBus;
  breakers: BreakerRegistry;
  defaultMaxConcurrentRuns: number;
}

export interface TenantRemediation {
  tenantId: string;
  rules: AnomalyRules;
  fallbackServers: Record<string, string>;
}

/** An audit record of something the anomaly watcher did to an alert (no person acted). */
export async function auditAsWatcher(
  db: Db,
  tenantId: string,
  action: string,
  alertId: string,
  metadata: Record<string, unknown>,
) {
  await insertAuditLog(db, {
    actorUserId: null,
    actorLabel: "anomaly watcher",
    ip: null,
    userAgent: null,
    tenantId,
    action,
    targetType: "alert",
    targetId: alertId,
    metadata,
  });
}

const action = (
  rule: AlertAction["rule"],
  description: string,
  details: Record<string, unknown>,
): AlertAction => ({
  id: randomUUID(),
  rule,
  description,
  at: new Date().toISOString(),
  details,
});

/**
 * The tenant's switched-on rules for a new alert: open the circuit breaker of an MCP server whose
 * error rate is anomalous (sending its calls to the configured fallback server when that rule is
 * on), pause a workflow whose failure rate spikes, halve the tenant's concurrent runs when its cost
 * or tokens spike. Each action is audited; the alert keeps it so it can be undone.
 */
export async function applyRemediation(
  deps: RemediationDeps,
  tenant: TenantRemediation,
  alert: AlertRow,
  anomaly: Anomaly,
): Promise<AlertAction[]> {
  const { rules, tenantId } = tenant;
  const actions: AlertAction[] = [];
  const rising = anomaly.direction === "up";

  if (alert.metric === "mcp.error_rate" && rising && rules.circuitBreaker) {
    const server = alert.subject;
    const fallback = rules.fallbackServer ? tenant.fallbackServers[server] : undefined;
    await deps.breakers.publish(deps.bus, {
      action: "open",
      tenantId,
      server,
      reason: `alert: ${alert.title}`,
      ...(fallback ? { fallback } : {}),
    });
    actions.push(
      action("circuitBreaker", `Opened the circuit breaker of MCP server "${server}"`, { server }),
    );
    if (fallback)
      actions.push(
        action(
          "fallbackServer",
          `Sent calls for "${server}" to its fallback server "${fallback}"`,
          { server, fallback },
        ),
      );
  }

  if (alert.metric === "workflow.failure_rate" && rising && rules.pauseWorkflow) {
    if (await pauseWorkflow(deps.db, tenantId, alert.subject, `Paused by alert: ${alert.title}`)) {
      actions.push(
        action("pauseWorkflow", `Paused ${alert.subjectLabel}`, { workflowId: alert.subject }),
      );
    }
  }

  // Cost and tokens usually spike together: the tenant's rate is halved once, not once per alert.
  const isTightened = async () =>
    (await listActiveAlerts(deps.db, tenantId)).some(
      (other) =>
        other.id !== alert.id && other.actions.some((a) => a.rule === "tightenRate" && !a.undoneAt),
    );
  if (
    (alert.metric === "tenant.cost_per_hour" || alert.metric === "tenant.tokens_per_hour") &&
    rising &&
    rules.tightenRate &&
    !(await isTightened())
  ) {
    const standing = await findTenantStanding(deps.db, tenantId);
    if (standing) {
      const previous = standing.limits.maxConcurrentRuns;
      const tightened = Math.max(1, Math.floor((previous ?? deps.defaultMaxConcurrentRuns) / 2));
      await updateTenantLimits(deps.db, tenantId, {
        ...standing.limits,
        maxConcurrentRuns: tightened,
      });
      accessChanged(); // tokens verified before this read the old limits (api-tokens.ts)
      actions.push(
        action("tightenRate", `Halved the tenant's concurrent runs to ${tightened}`, {
          previous: previous ?? null,
          tightened,
        }),
      );
    }
  }

  for (const a of actions)
    await auditAsWatcher(deps.db, tenantId, `remediation.${a.rule}`, alert.id, {
      description: a.description,
      ...a.details,
    });
  return actions;
}

/**
 * Opens in this process the breakers that active alerts hold open (with their fallback servers):
 * a process started after they opened never got those messages on the bus. Like any open breaker,
 * each lets probe calls through after its cool-down and closes when they succeed.
 */
export async function restoreOpenBreakers(db: Db, breakers: BreakerRegistry): Promise<number> {
  let opened = 0;
  for (const alert of await listActiveAlertsOnMetric(db, "mcp.error_rate")) {
    const breaker = alert.actions.find((a) => a.rule === "circuitBreaker" && !a.undoneAt);
    if (!breaker) continue;
    const fallback = alert.actions.find((a) => a.rule === "fallbackServer" && !a.undoneAt)?.details
      .fallback;
    breakers.apply({
      action: "open",
      tenantId: alert.tenantId,
      server: String(breaker.details.server),
      reason: `alert: ${alert.title}`,
      ...(typeof fallback === "string" ? { fallback } : {}),
    });
    opened++;
  }
  return opened;
}

/** Takes one action back: closes the breaker, stops the fallback, resumes the workflow, restores the limit. */
export async function undoRemediation(
  deps: RemediationDeps,
  tenantId: string,
  a: AlertAction,
): Promise<void> {
  switch (a.rule) {
    case "circuitBreaker":
      await deps.breakers.publish(deps.bus, {
        action: "close",
        tenantId,
        server: String(a.details.server),
      });
      return;
    case "fallbackServer":
      // The breaker stays open, but calls fail fast instead of going to the fallback.
      if (deps.breakers.state(tenantId, String(a.details.server)))
        await deps.breakers.publish(deps.bus, {
          action: "open",
          tenantId,
          server: String(a.details.server),
          reason: "fallback turned off",
        });
      return;
    case "pauseWorkflow":
      await resumeWorkflow(deps.db, tenantId, String(a.details.workflowId));
      return;
    case "tightenRate": {
      const standing = await findTenantStanding(deps.db, tenantId);
      if (!standing) return;
      // Only put it back if nobody changed the limit since: then it is theirs, and the undo says so.
      if (standing.limits.maxConcurrentRuns !== a.details.tightened) {
        throw new AppError(
          "CONFLICT",
          `The concurrent-run limit was changed since it was halved (it is ${standing.limits.maxConcurrentRuns ?? "the platform default"} now): change it under Admin → Limits`,
        );
      }
      const { maxConcurrentRuns: _dropped, ...rest } = standing.limits;
      const previous = a.details.previous;
      await updateTenantLimits(
        deps.db,
        tenantId,
        typeof previous === "number" ? { ...rest, maxConcurrentRuns: previous } : rest,
      );
      accessChanged();
      return;
    }
  }
}
