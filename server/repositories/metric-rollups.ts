import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { metricRollups, type RollupSource } from "@/db/schema";

/** What a rollup bucket sums up; also what the watcher adds up over one point of a series. */
export interface RollupFigures {
  count: number;
  errors: number;
  durationMs: number;
  tokens: number;
  costUsd: number;
  gaugeMax: number;
  hist: number[];
}

/** One bucket's additions, as the recorder collects them between flushes. */
export interface RollupDelta extends RollupFigures {
  tenantId: string;
  source: RollupSource;
  subject: string;
  bucketStart: Date;
}

/**
 * Adds deltas to their buckets in one statement: sums add up, the gauge keeps its maximum and
 * histograms add bin by bin, so any number of processes may flush into the same rows.
 */
export async function addToRollups(db: Db, deltas: RollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await db
    .insert(metricRollups)
    .values(deltas)
    .onConflictDoUpdate({
      target: [
        metricRollups.tenantId,
        metricRollups.source,
        metricRollups.subject,
        metricRollups.bucketStart,
      ],
      set: {
        count: sql`${metricRollups.count} + excluded.count`,
        errors: sql`${metricRollups.errors} + excluded.errors`,
        durationMs: sql`${metricRollups.durationMs} + excluded.duration_ms`,
        tokens: sql`${metricRollups.tokens} + excluded.tokens`,
        costUsd: sql`${metricRollups.costUsd} + excluded.cost_usd`,
        gaugeMax: sql`greatest(${metricRollups.gaugeMax}, excluded.gauge_max)`,
        hist: sql`(select coalesce(array_agg(coalesce(a, 0) + coalesce(b, 0) order by i), '{}'::integer[])
          from unnest(${metricRollups.hist}, excluded.hist) with ordinality as u(a, b, i))`,
      },
    });
}

export type RollupRow = typeof metricRollups.$inferSelect;

/** A tenant's rollup rows of one source since a time (all subjects), oldest first. */
export async function findRollups(
  db: Db,
  w: { tenantId: string; source: RollupSource; subject?: string; since: Date; until?: Date },
): Promise<RollupRow[]> {
  return db
    .select()
    .from(metricRollups)
    .where(
      and(
        eq(metricRollups.tenantId, w.tenantId),
        eq(metricRollups.source, w.source),
        w.subject === undefined ? undefined : eq(metricRollups.subject, w.subject),
        gte(metricRollups.bucketStart, w.since),
        w.until ? lt(metricRollups.bucketStart, w.until) : undefined,
      ),
    )
    .orderBy(metricRollups.bucketStart);
}

/** Tenants with any rollup since a time: the ones the watcher evaluates. */
export async function listTenantsWithRollups(db: Db, since: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tenantId: metricRollups.tenantId })
    .from(metricRollups)
    .where(gte(metricRollups.bucketStart, since));
  return rows.map((r) => r.tenantId);
}

/** Drops buckets older than the retention window. */
export async function pruneRollups(db: Db, before: Date): Promise<void> {
  await db.delete(metricRollups).where(lt(metricRollups.bucketStart, before));
}
