import { and, count, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  alerts,
  anomalySettings,
  runs,
  stepRuns,
  workflows,
  type AlertSeverity,
  type AlertStatus,
} from "@/db/schema";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";

export type AlertRow = typeof alerts.$inferSelect;
export type AlertInsert = typeof alerts.$inferInsert;
export type AnomalySettingsRow = typeof anomalySettings.$inferSelect;

/** Every alert (any status) on one series of the tenant, newest first. */
export async function listAlertsOnSeries(
  db: Db,
  tenantId: string,
  metric: string,
  subject: string,
): Promise<AlertRow[]> {
  return db
    .select()
    .from(alerts)
    .where(
      and(eq(alerts.tenantId, tenantId), eq(alerts.metric, metric), eq(alerts.subject, subject)),
    )
    .orderBy(desc(alerts.createdAt));
}

/**
 * The newest failed runs of the tenant since `since`: of one workflow, or with a failed step of one
 * kind, or any (the evidence behind an alert).
 */
export async function findFailedRunIds(
  db: Db,
  tenantId: string,
  of: { workflowId?: string; stepKind?: string; since: Date; limit: number },
): Promise<string[]> {
  const base = and(
    eq(runs.tenantId, tenantId),
    eq(runs.status, "failed"),
    sql`${runs.createdAt} >= ${of.since.toISOString()}::timestamptz`,
  );
  if (of.stepKind) {
    const rows = await db
      .selectDistinct({ id: stepRuns.runId })
      .from(stepRuns)
      .innerJoin(runs, eq(runs.id, stepRuns.runId))
      .where(
        and(
          base,
          eq(stepRuns.tenantId, tenantId),
          eq(stepRuns.kind, of.stepKind),
          eq(stepRuns.status, "failed"),
        ),
      )
      .limit(of.limit);
    return rows.map((r) => r.id);
  }
  const rows = await db
    .select({ id: runs.id })
    .from(runs)
    .where(of.workflowId ? and(base, eq(runs.workflowId, of.workflowId)) : base)
    .orderBy(sql`${runs.createdAt} desc`)
    .limit(of.limit);
  return rows.map((r) => r.id);
}

/** Every tenant's open or acknowledged alerts on one metric: for a process starting up (the breakers it must hold open). */
export async function listActiveAlertsOnMetric(db: Db, metric: string): Promise<AlertRow[]> {
  return db
    .select()
    .from(alerts)
    .where(and(eq(alerts.metric, metric), ne(alerts.status, "resolved")));
}

export async function listActiveAlerts(db: Db, tenantId: string): Promise<AlertRow[]> {
  return db
    .select()
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), ne(alerts.status, "resolved")));
}

export async function insertAlert(db: Db, row: AlertInsert): Promise<AlertRow> {
  const [created] = await db.insert(alerts).values(row).returning();
  return created!;
}

export async function updateAlert(
  db: Db,
  tenantId: string,
  id: string,
  patch: Partial<AlertInsert>,
): Promise<AlertRow | undefined> {
  const [row] = await db
    .update(alerts)
    .set(patch)
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)))
    .returning();
  return row;
}

export async function findAlert(
  db: Db,
  tenantId: string,
  id: string,
): Promise<AlertRow | undefined> {
  const [row] = await db
    .select()
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)));
  return row;
}

export interface AlertFilters {
  status?: AlertStatus | "active";
  severity?: AlertSeverity;
  metric?: string;
}

/** A page of the tenant's alerts, newest first. */
export async function listAlerts(
  db: Db,
  tenantId: string,
  filters: AlertFilters,
  page: { cursor?: string | null; limit: number },
): Promise<Page<AlertRow>> {
  const cursor = decodeCursor(page.cursor);
  const rows = await db
    .select()
    .from(alerts)
    .where(
      and(
        eq(alerts.tenantId, tenantId),
        filters.status === "active"
          ? ne(alerts.status, "resolved")
          : filters.status
            ? eq(alerts.status, filters.status)
            : undefined,
        filters.severity ? eq(alerts.severity, filters.severity) : undefined,
        filters.metric ? eq(alerts.metric, filters.metric) : undefined,
        cursor ? afterCursor(alerts, cursor) : undefined,
      ),
    )
    .orderBy(desc(alerts.createdAt), desc(alerts.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

/** Open alerts (not acknowledged, not resolved): the sidebar's badge. */
export async function countOpenAlerts(db: Db, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.status, "open")));
  return row?.n ?? 0;
}

export async function findAnomalySettings(
  db: Db,
  tenantId: string,
): Promise<AnomalySettingsRow | undefined> {
  const [row] = await db
    .select()
    .from(anomalySettings)
    .where(eq(anomalySettings.tenantId, tenantId));
  return row;
}

export async function upsertAnomalySettings(
  db: Db,
  row: typeof anomalySettings.$inferInsert,
): Promise<AnomalySettingsRow> {
  const { tenantId: _key, ...rest } = row;
  const [saved] = await db
    .insert(anomalySettings)
    .values(row)
    .onConflictDoUpdate({
      target: anomalySettings.tenantId,
      set: { ...rest, updatedAt: sql`now()` },
    })
    .returning();
  return saved!;
}

/** The runs an alert names as evidence, with their workflow, status and start (the tenant's only). */
export async function findEvidenceRuns(db: Db, tenantId: string, runIds: string[]) {
  if (runIds.length === 0) return [];
  return db
    .select({
      id: runs.id,
      workflowName: workflows.name,
      status: runs.status,
      createdAt: runs.createdAt,
    })
    .from(runs)
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .where(and(eq(runs.tenantId, tenantId), inArray(runs.id, runIds)))
    .orderBy(desc(runs.createdAt));
}

/** Per metric, then subject: the newest point its alerts judged, where a process that just started picks up. */
export async function findJudgedUntil(
  db: Db,
  tenantId: string,
): Promise<Map<string, Map<string, number>>> {
  const rows = await db
    .select({
      metric: alerts.metric,
      subject: alerts.subject,
      at: sql<Date>`max(${alerts.lastEvaluatedAt})`.mapWith(alerts.lastEvaluatedAt),
    })
    .from(alerts)
    .where(eq(alerts.tenantId, tenantId))
    .groupBy(alerts.metric, alerts.subject);
  const byMetric = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const bySubject = byMetric.get(row.metric) ?? new Map<string, number>();
    bySubject.set(row.subject, row.at.getTime());
    byMetric.set(row.metric, bySubject);
  }
  return byMetric;
}

/**
 * The newest point any alert of one series judged (open or resolved), or undefined when the series
 * has none: before the watcher opens an alert, what another process running it told already.
 */
export async function findSeriesJudgedUntil(
  db: Db,
  tenantId: string,
  metric: string,
  subject: string,
): Promise<number | undefined> {
  const [row] = await db
    .select({
      at: sql<Date | null>`max(${alerts.lastEvaluatedAt})`.mapWith(alerts.lastEvaluatedAt),
    })
    .from(alerts)
    .where(
      and(eq(alerts.tenantId, tenantId), eq(alerts.metric, metric), eq(alerts.subject, subject)),
    );
  return row?.at ? row.at.getTime() : undefined;
}

/** Resolves an alert unless it was resolved meanwhile (by a person, or by another process). */
export async function resolveAlertIfOpen(
  db: Db,
  tenantId: string,
  id: string,
  patch: Partial<AlertInsert>,
): Promise<AlertRow | undefined> {
  const [row] = await db
    .update(alerts)
    .set(patch)
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id), ne(alerts.status, "resolved")))
    .returning();
  return row;
}
