import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { noStatement, prepared, type Statement } from "@/db/statements";
import { runs } from "@/db/schema";
import { readRunIds, type RunRow } from "./runs";

// Which worker holds a run: taking it (a claim), saying it is still alive (heartbeats), handing it
// back when stopping, and finding the runs nobody holds any more.

/** What a worker needs of a run it takes (not its output or error: reading them back would cost). */
export type ClaimedRun = Pick<
  RunRow,
  | "id"
  | "tenantId"
  | "workflowId"
  | "versionId"
  | "startedBy"
  | "retryOf"
  | "input"
  | "approvals"
  | "pinnedOutputs"
  | "trigger"
> & {
  /** True when this claim started the run (not a resume after a crash or an approval). */
  isFirstStart: boolean;
  /**
   * Set when the run was running under a worker that died or handed it back: that worker's id
   * (null if unknown). Steps it had started but not finished were interrupted.
   */
  takenOverFrom?: string | null;
};

// `before` is the rows as this statement found them: the worker that held a run and its status.
const claimRunsStatement = prepared<
  { ids: string; workerId: string; staleBefore: Date },
  ClaimedRun[]
>(
  (db) => {
    const before = db.$with("before").as(
      db
        .select({ id: runs.id, status: runs.status, workerId: runs.workerId })
        .from(runs)
        .where(
          sql`${runs.id} in (select value::uuid from jsonb_array_elements_text(${sql.placeholder("ids")}::jsonb))`,
        ),
    );
    const isStale = or(
      isNull(runs.heartbeatAt),
      lt(runs.heartbeatAt, sql.placeholder("staleBefore")),
    );
    return db
      .with(before)
      .update(runs)
      .set({
        status: "running",
        workerId: sql`${sql.placeholder("workerId")}`,
        heartbeatAt: sql`now()`,
        startedAt: sql`coalesce(${runs.startedAt}, now())`,
        resumeCount: sql`${runs.resumeCount} + case when ${runs.status} = 'running' then 1 else 0 end`,
      })
      .from(before)
      .where(
        and(
          eq(runs.id, before.id),
          isNull(runs.cancelRequestedAt),
          or(eq(runs.status, "queued"), and(eq(runs.status, "running"), isStale)),
        ),
      )
      .returning({
        id: runs.id,
        tenantId: runs.tenantId,
        workflowId: runs.workflowId,
        versionId: runs.versionId,
        startedBy: runs.startedBy,
        retryOf: runs.retryOf,
        input: runs.input,
        approvals: runs.approvals,
        pinnedOutputs: runs.pinnedOutputs,
        trigger: runs.trigger,
        // started_at was set by this very statement (now() is the transaction's time) on a first start only.
        isFirstStart: sql`${runs.startedAt} = now()`.as("is_first_start"),
        isTakeover: sql`${before.status} = 'running'`.as("is_takeover"),
        previousWorkerId: sql`${before.workerId}`.as("previous_worker_id"),
      });
  },
  (result) =>
    result.map((r) => ({
      ...readRunIds(r),
      retryOf: r.retry_of as string | null,
      input: r.input,
      approvals: r.approvals as ClaimedRun["approvals"],
      pinnedOutputs: r.pinned_outputs as ClaimedRun["pinnedOutputs"],
      trigger: r.trigger as ClaimedRun["trigger"],
      isFirstStart: r.is_first_start as boolean,
      ...(r.is_takeover ? { takenOverFrom: (r.previous_worker_id as string | null) ?? null } : {}),
    })),
);

/**
 * A worker takes runs: only queued runs, and running ones whose worker stopped sending heartbeats
 * (or handed them back: no heartbeat at all). Two workers racing for one run: exactly one wins.
 * Returns the runs taken (others are left out), saying which were taken over from which worker.
 */
export function claimRuns(
  db: Db,
  ids: string[],
  workerId: string,
  staleBefore: Date,
): Statement<ClaimedRun[]> {
  if (ids.length === 0) return noStatement([]);
  return claimRunsStatement(db, { ids: JSON.stringify(ids), workerId, staleBefore });
}

/** One statement for every run a process holds: "this worker is alive". */
export async function heartbeat(db: Db, ids: string[], workerId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(runs)
    .set({ heartbeatAt: new Date() })
    .where(and(inArray(runs.id, ids), eq(runs.workerId, workerId)));
}

/**
 * A stopping worker hands a run back: still running, but with no heartbeat, so the next sweep of
 * any worker (or the next start) takes it over at once instead of waiting for it to look stale.
 */
export async function handBackRun(db: Db, id: string, workerId: string): Promise<void> {
  await db
    .update(runs)
    .set({ heartbeatAt: null })
    .where(and(eq(runs.id, id), eq(runs.workerId, workerId), eq(runs.status, "running")));
}

/**
 * Hands back every running run: for a process that owns its database alone (embedded PGlite),
 * at start any run still running was held by an earlier process of its own, now gone.
 */
export async function handBackAllRuns(db: Db): Promise<void> {
  await db.update(runs).set({ heartbeatAt: null }).where(eq(runs.status, "running"));
}

/**
 * Runs that need a worker: running ones whose worker went quiet or handed them back, and (with
 * `withQueued`) queued ones, in case a start stored its run but died before queueing it.
 */
export async function listOrphanedRuns(
  db: Db,
  staleBefore: Date,
  options: { withQueued?: boolean; limit?: number } = {},
): Promise<Pick<RunRow, "id" | "tenantId">[]> {
  const stale = and(
    eq(runs.status, "running"),
    or(isNull(runs.heartbeatAt), lt(runs.heartbeatAt, staleBefore)),
  );
  return db
    .select({ id: runs.id, tenantId: runs.tenantId })
    .from(runs)
    .where(options.withQueued ? or(eq(runs.status, "queued"), stale) : stale)
    .orderBy(runs.createdAt)
    .limit(options.limit ?? 500);
}
