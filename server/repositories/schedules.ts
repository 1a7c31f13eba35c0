import { and, asc, eq, isNotNull, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import {
  memberships,
  users,
  workflowTriggers,
  type Role,
  type ScheduleConfig,
  type WorkflowTriggerRow,
} from "@/db/schema";

// Schedules are the `workflow_triggers` rows of kind "schedule" (webhooks are the others).

export type ScheduleRow = WorkflowTriggerRow & { config: ScheduleConfig };

const isSchedule = eq(workflowTriggers.kind, "schedule");

export async function insertSchedule(
  db: Db,
  values: {
    tenantId: string;
    workflowId: string;
    name: string;
    config: ScheduleConfig;
    nextFireAt: Date | null;
    createdBy: string;
    createdByTokenId: string | null;
  },
): Promise<ScheduleRow> {
  const [row] = await db
    .insert(workflowTriggers)
    .values({ ...values, kind: "schedule", isEnabled: true })
    .returning();
  return row as ScheduleRow;
}

/** A schedule with the member it acts as: their name, and their role here (null once they left). */
export type ScheduleWithCreator = ScheduleRow & {
  createdByName: string | null;
  createdByRole: Role | null;
};

function selectWithCreator(db: Db, where: SQL | undefined) {
  return db
    .select({ row: workflowTriggers, createdByName: users.name, createdByRole: memberships.role })
    .from(workflowTriggers)
    .leftJoin(users, eq(users.id, workflowTriggers.createdBy))
    .leftJoin(
      memberships,
      and(
        eq(memberships.userId, workflowTriggers.createdBy),
        eq(memberships.tenantId, workflowTriggers.tenantId),
      ),
    )
    .where(and(where, isSchedule))
    .orderBy(asc(workflowTriggers.createdAt), asc(workflowTriggers.id))
    .then((rows) =>
      rows.map(({ row, createdByName, createdByRole }): ScheduleWithCreator => ({
        ...(row as ScheduleRow),
        createdByName,
        createdByRole,
      })),
    );
}

/** A workflow's schedules, oldest first, with the member each one acts as. */
export function listSchedules(
  db: Db,
  tenantId: string,
  workflowId: string,
): Promise<ScheduleWithCreator[]> {
  return selectWithCreator(
    db,
    and(eq(workflowTriggers.tenantId, tenantId), eq(workflowTriggers.workflowId, workflowId)),
  );
}

export async function findSchedule(
  db: Db,
  tenantId: string,
  id: string,
): Promise<ScheduleWithCreator | undefined> {
  const [row] = await selectWithCreator(
    db,
    and(eq(workflowTriggers.tenantId, tenantId), eq(workflowTriggers.id, id)),
  );
  return row;
}

/** Changes a tenant's schedule; undefined when it has no such schedule. */
export async function updateSchedule(
  db: Db,
  tenantId: string,
  id: string,
  patch: Partial<Pick<ScheduleRow, "name" | "config" | "isEnabled" | "nextFireAt">>,
): Promise<ScheduleRow | undefined> {
  const [row] = await db
    .update(workflowTriggers)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(workflowTriggers.tenantId, tenantId), eq(workflowTriggers.id, id), isSchedule))
    .returning();
  return row as ScheduleRow | undefined;
}

export async function deleteSchedule(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(workflowTriggers)
    .where(and(eq(workflowTriggers.tenantId, tenantId), eq(workflowTriggers.id, id), isSchedule))
    .returning({ id: workflowTriggers.id });
  return rows.length > 0;
}

// ── the scheduler (across tenants: it serves every tenant's schedules) ─────────────────────────

/**
 * Locks the enabled schedules a scheduler should act on at `now`, for the rest of the caller's
 * transaction: those due whose lease is free or expired, and those whose lease expired with a
 * fire unfinished (`leasedBy` still set: the process that took it stopped before starting the run).
 * SKIP LOCKED: a row another scheduler is deciding on right now is left to it, never waited for.
 */
export async function lockDueSchedules(db: Tx, now: Date, limit: number): Promise<ScheduleRow[]> {
  const leaseFree = or(
    isNull(workflowTriggers.leasedUntil),
    lte(workflowTriggers.leasedUntil, now),
  );
  const rows = await db
    .select()
    .from(workflowTriggers)
    .where(
      and(
        isSchedule,
        eq(workflowTriggers.isEnabled, true),
        or(
          and(lte(workflowTriggers.nextFireAt, now), leaseFree),
          and(isNotNull(workflowTriggers.leasedBy), lte(workflowTriggers.leasedUntil, now)),
        ),
      ),
    )
    .orderBy(sql`${workflowTriggers.nextFireAt} asc nulls last`)
    .limit(limit)
    .for("update", { skipLocked: true });
  return rows as ScheduleRow[];
}

/** What a scheduler decided for a locked schedule: the next due time, the fire it is starting, its lease. */
export async function setScheduleFire(
  db: Db,
  id: string,
  values: Pick<WorkflowTriggerRow, "nextFireAt" | "lastFiredAt" | "leasedBy" | "leasedUntil">,
): Promise<void> {
  await db.update(workflowTriggers).set(values).where(eq(workflowTriggers.id, id));
}

/** What the last fire came to: why it could not start a run, or null once one started. */
export async function recordScheduleFireError(
  db: Db,
  id: string,
  error: string | null,
  at: Date,
): Promise<void> {
  await db
    .update(workflowTriggers)
    .set(
      error === null
        ? { lastError: null, lastErrorAt: null }
        : { lastError: error.slice(0, 1_000), lastErrorAt: at },
    )
    .where(eq(workflowTriggers.id, id));
}

/** Lets go of a lease once its fire started (or was refused for good); only the holder's own lease. */
export async function releaseScheduleLease(
  db: Db,
  id: string,
  leasedBy: string,
  leasedUntil: Date,
): Promise<void> {
  await db
    .update(workflowTriggers)
    .set({ leasedBy: null, leasedUntil: null })
    .where(
      and(
        eq(workflowTriggers.id, id),
        eq(workflowTriggers.leasedBy, leasedBy),
        eq(workflowTriggers.leasedUntil, leasedUntil),
      ),
    );
}
