import { z } from "zod";
import { ALERT_SEVERITIES, ALERT_STATUSES, type AlertAction } from "@/db/schema";
import { AppError, notFound } from "@/engine/errors";
import * as repo from "@/server/repositories/alerts";
import { findRollups } from "@/server/repositories/metric-rollups";
import { pageInput } from "@/server/repositories/pagination";
import type { EventBus } from "@/server/events/bus";
import { encryptSecret } from "@/server/secrets";
import { withAudit } from "./audit";
import { undoRemediation, type RemediationDeps } from "./alert-remediation";
import { DEFAULT_RULES, tenantAlertsChannel } from "./anomaly-watch";
import type { TenantContext } from "./context";
import {
  detectOn,
  findWatchedMetric,
  forecastOn,
  pointsOf,
  resolutionMs,
  WATCHED_METRICS,
} from "./watched-series";
import { findUserById } from "@/server/repositories/users";

export const listAlertsInput = pageInput.extend({
  status: z.enum([...ALERT_STATUSES, "active"]).optional(),
  severity: z.enum(ALERT_SEVERITIES).optional(),
  metric: z.string().max(100).optional(),
});

/** A page of the tenant's alerts, newest first, with filters. */
export function listAlerts(ctx: TenantContext, input: z.infer<typeof listAlertsInput>) {
  const { cursor, limit, ...filters } = input;
  return repo.listAlerts(ctx.db, ctx.tenant.id, filters, { cursor, limit });
}

export function countOpenAlerts(ctx: TenantContext) {
  return repo.countOpenAlerts(ctx.db, ctx.tenant.id);
}

/** The open count now, and again after every change to the tenant's alerts, until `signal` aborts. */
export async function* streamOpenAlertCount(
  ctx: TenantContext,
  bus: EventBus,
  signal?: AbortSignal,
): AsyncGenerator<number> {
  let wake: (() => void) | undefined;
  let changed = true;
  const unsubscribe = await bus.subscribe(tenantAlertsChannel(ctx.tenant.id), () => {
    changed = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    while (!signal?.aborted) {
      if (changed) {
        changed = false;
        yield await countOpenAlerts(ctx);
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    unsubscribe();
  }
}

const nameOf = async (ctx: TenantContext, userId: string | null) =>
  userId ? ((await findUserById(ctx.db, userId))?.name ?? null) : null;

/** How many forecast points the alert page draws after the series. */
const FORECAST_POINTS = 30;

/**
 * One alert with its series as the watcher sees it now: the points, the expected band, the points
 * the detectors flag, and a short forecast; plus the metrics' names for the page.
 */
export async function getAlert(ctx: TenantContext, id: string, bucketMs: number, now = Date.now()) {
  const alert = await repo.findAlert(ctx.db, ctx.tenant.id, id);
  if (!alert) throw notFound("alert", id);
  const m = findWatchedMetric(alert.metric);
  if (!m)
    return {
      alert,
      acknowledgedByName: await nameOf(ctx, alert.acknowledgedBy),
      resolvedByName: await nameOf(ctx, alert.resolvedBy),
      evidenceRuns: await repo.findEvidenceRuns(ctx.db, ctx.tenant.id, alert.evidence.runIds),
      series: null,
    };
  const step = resolutionMs(m, bucketMs);
  // Up to the alert's end (a resolved one), or now.
  const until = Math.min(now, (alert.resolvedAt?.getTime() ?? now) + 10 * step);
  const from = until - m.windowPoints * step;
  const rows = await findRollups(ctx.db, {
    tenantId: ctx.tenant.id,
    source: m.source,
    subject: alert.subject,
    since: new Date(from),
    until: new Date(until),
  });
  const points = pointsOf(m, rows, step, from, until);
  const settings = await repo.findAnomalySettings(ctx.db, ctx.tenant.id);
  const detection = detectOn(m, points, rows, step, settings);
  const forecast = forecastOn(m, points, rows, step, detection, FORECAST_POINTS);
  return {
    alert,
    acknowledgedByName: await nameOf(ctx, alert.acknowledgedBy),
    resolvedByName: await nameOf(ctx, alert.resolvedBy),
    evidenceRuns: await repo.findEvidenceRuns(ctx.db, ctx.tenant.id, alert.evidence.runIds),
    series: {
      label: m.label,
      unit: m.unit,
      kind: m.kind,
      stepMs: step,
      points,
      band: detection.band,
      flagged: detection.anomalies.map((a) => ({
        at: a.at,
        value: a.value,
        score: a.score,
        reason: a.reason,
      })),
      forecast,
    },
  };
}

async function changeStatus(ctx: TenantContext, id: string, status: "acknowledged" | "resolved") {
  return withAudit(ctx, async (tx) => {
    const alert = await repo.findAlert(tx, ctx.tenant.id, id);
    if (!alert) throw notFound("alert", id);
    if (alert.status === "resolved")
      throw new AppError("CONFLICT", "The alert is resolved already");
    if (alert.status === status) throw new AppError("CONFLICT", `The alert is ${status} already`);
    const patch =
      status === "acknowledged"
        ? { status, acknowledgedAt: new Date(), acknowledgedBy: ctx.actor.userId }
        : {
            status,
            resolvedAt: new Date(),
            resolvedBy: ctx.actor.userId,
            resolution: "manual" as const,
          };
    const updated = await repo.updateAlert(tx, ctx.tenant.id, id, patch);
    return {
      value: updated!,
      audit: {
        action: status === "acknowledged" ? "alert.acknowledge" : "alert.resolve",
        targetType: "alert",
        targetId: id,
        metadata: { title: alert.title },
      },
    };
  });
}

/** Tells the tenant's open pages (the badge, the lists) that its alerts changed. */
const announceChange = (bus: EventBus, tenantId: string) =>
  bus.publish(tenantAlertsChannel(tenantId), { changed: true }).catch(() => undefined);

export async function acknowledgeAlert(ctx: TenantContext, bus: EventBus, id: string) {
  const alert = await changeStatus(ctx, id, "acknowledged");
  await announceChange(bus, ctx.tenant.id);
  return alert;
}

export async function resolveAlert(ctx: TenantContext, bus: EventBus, id: string) {
  const alert = await changeStatus(ctx, id, "resolved");
  await announceChange(bus, ctx.tenant.id);
  return alert;
}

/** The actions with those that `match` (and are not undone yet) marked undone now by `by`. */
export function markUndone(
  actions: AlertAction[],
  match: (a: AlertAction) => boolean,
  by: string,
): AlertAction[] {
  const at = new Date().toISOString();
  return actions.map((a) => (match(a) && !a.undoneAt ? { ...a, undoneAt: at, undoneBy: by } : a));
}

/** Takes back one remediation the watcher took for the alert, and records who did. */
export async function undoAlertAction(
  ctx: TenantContext,
  deps: RemediationDeps,
  input: { alertId: string; actionId: string },
) {
  const alert = await repo.findAlert(ctx.db, ctx.tenant.id, input.alertId);
  if (!alert) throw notFound("alert", input.alertId);
  const target = alert.actions.find((a) => a.id === input.actionId);
  if (!target) throw notFound("action", input.actionId);
  if (target.undoneAt) throw new AppError("CONFLICT", "That action was undone already");
  await undoRemediation({ ...deps, db: ctx.db }, ctx.tenant.id, target);
  const actions = markUndone(alert.actions, (a) => a.id === target.id, ctx.actor.email);
  const updated = await withAudit(ctx, async (tx) => {
    const row = await repo.updateAlert(tx, ctx.tenant.id, alert.id, { actions });
    return {
      value: row!,
      audit: {
        action: `remediation.${target.rule}.undo`,
        targetType: "alert",
        targetId: alert.id,
        metadata: { description: target.description },
      },
    };
  });
  await announceChange(deps.bus, ctx.tenant.id);
  return updated;
}

export const anomalySettingsInput = z.object({
  sensitivity: z.enum(["low", "medium", "high"]),
  /** Metrics watched with another sensitivity than the tenant's; only watched metrics. */
  metricSensitivity: z
    .record(z.string(), z.enum(["low", "medium", "high"]))
    .refine(
      (m) => Object.keys(m).every((metric) => findWatchedMetric(metric)),
      "Only watched metrics can have their own sensitivity",
    )
    .default({}),
  rules: z.object({
    circuitBreaker: z.boolean(),
    fallbackServer: z.boolean(),
    pauseWorkflow: z.boolean(),
    tightenRate: z.boolean(),
  }),
  fallbackServers: z
    .record(z.string().min(1).max(100), z.string().min(1).max(100))
    .refine((m) => Object.keys(m).length <= 100, "At most 100 fallbacks"),
  webhookUrl: z.union([
    z.literal(""),
    z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).max(2000),
  ]),
  /** Undefined keeps the saved secret; "" removes it. */
  webhookSecret: z.string().max(500).optional(),
});

/** The settings as the page shows them: the webhook secret only as set or not. */
export async function getAnomalySettings(ctx: TenantContext) {
  const row = await repo.findAnomalySettings(ctx.db, ctx.tenant.id);
  return {
    sensitivity: row?.sensitivity ?? "medium",
    metricSensitivity: row?.metricSensitivity ?? {},
    rules: row?.rules ?? DEFAULT_RULES,
    fallbackServers: row?.fallbackServers ?? {},
    webhookUrl: row?.webhookUrl ?? "",
    hasWebhookSecret: Boolean(row?.webhookSecret),
    metrics: WATCHED_METRICS.map((m) => ({ metric: m.metric, label: m.label, source: m.source })),
  };
}

export async function updateAnomalySettings(
  ctx: TenantContext,
  input: z.infer<typeof anomalySettingsInput>,
) {
  for (const [server, fallback] of Object.entries(input.fallbackServers)) {
    if (server === fallback)
      throw new AppError("INVALID_INPUT", `"${server}" cannot be its own fallback`, {
        field: "fallbackServers",
      });
  }
  await withAudit(ctx, async (tx) => {
    const current = await repo.findAnomalySettings(tx, ctx.tenant.id);
    const webhookSecret =
      input.webhookSecret === undefined
        ? (current?.webhookSecret ?? null)
        : input.webhookSecret === ""
          ? null
          : encryptSecret(input.webhookSecret);
    await repo.upsertAnomalySettings(tx, {
      tenantId: ctx.tenant.id,
      sensitivity: input.sensitivity,
      metricSensitivity: input.metricSensitivity,
      rules: input.rules,
      fallbackServers: input.fallbackServers,
      webhookUrl: input.webhookUrl || null,
      webhookSecret,
    });
    return {
      value: undefined,
      audit: {
        action: "anomaly.settings.update",
        targetType: "tenant",
        targetId: ctx.tenant.id,
        metadata: {
          sensitivity: input.sensitivity,
          rules: input.rules,
          webhook: Boolean(input.webhookUrl),
        },
      },
    };
  });
  return getAnomalySettings(ctx);
}
