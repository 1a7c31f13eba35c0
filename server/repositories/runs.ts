import { and, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  json,
  statement,
  timestamp,
  toDate,
  valuesList,
  type Row,
  type Statement,
} from "@/db/statements";
import {
  experiments,
  idempotencyKeys,
  runEvents,
  runs,
  stepRuns,
  tenants,
  users,
  workflows,
  workflowVersions,
  type RunStatus,
  type RunTrigger,
} from "@/db/schema";
import type { StepRecord } from "@/engine/runtime/ports";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";
import type { TenantStanding } from "./tenant-limits";

export type RunRow = typeof runs.$inferSelect;
export type VersionRow = typeof workflowVersions.$inferSelect;
export type StepRunRow = typeof stepRuns.$inferSelect;
export type RunEventRow = typeof runEvents.$inferSelect;

export const ACTIVE_STATUSES: RunStatus[] = ["queued", "running"];

// ── versions ────────────────────────────────────────────────────────────────

export async function insertVersion(
  db: Db,
  values: {
    tenantId: string;
    workflowId: string;
    isDraft: boolean;
    document: unknown;
    plan: unknown;
    note?: string;
    createdBy: string | null;
  },
): Promise<VersionRow> {
  const { isDraft, ...rest } = values;
  const version = isDraft
    ? null
    : sql<number>`(select coalesce(max(${workflowVersions.version}), 0) + 1 from ${workflowVersions} where ${workflowVersions.workflowId} = ${values.workflowId})`;
  const [row] = await db
    .insert(workflowVersions)
    .values({ ...rest, version })
    .returning();
  return row!;
}

export async function findVersion(
  db: Db,
  tenantId: string,
  id: string,
): Promise<VersionRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.tenantId, tenantId), eq(workflowVersions.id, id)));
  return row;
}

/** Whether a version belongs to a workflow (a caller may name any version id). */
export async function isVersionOf(
  db: Db,
  tenantId: string,
  versionId: string,
  workflowId: string,
): Promise<boolean> {
  const rows = await db
    .select({ id: workflowVersions.id })
    .from(workflowVersions)
    .where(
      and(
        eq(workflowVersions.tenantId, tenantId),
        eq(workflowVersions.id, versionId),
        eq(workflowVersions.workflowId, workflowId),
      ),
    );
  return rows.length === 1;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What starting a run reads: the workflow (name, latest published version) and the tenant's standing. */
export interface RunStartFacts {
  workflow: {
    id: string;
    name: string;
    latestVersionId: string | null;
    pausedReason: string | null;
    isPaused: boolean;
    /** Its running A/B experiment, whose arms take runs that name no version. */
    experimentId: string | null;
  } | null;
  tenant: TenantStanding & { activeRuns: number };
}

/**
 * What several run starts read, in one query (starts arriving together share it): per key, in
 * the same order, the facts, or undefined when the tenant does not exist.
 */
export async function findRunStartFacts(
  db: Db,
  keys: readonly { tenantId: string; workflowId: string }[],
): Promise<(RunStartFacts | undefined)[]> {
  // A key that is not a uuid finds nothing, rather than failing the query for the others.
  const asked = keys.flatMap((key, i) =>
    UUID.test(key.tenantId) && UUID.test(key.workflowId) ? [{ ...key, i }] : [],
  );
  if (asked.length === 0) return keys.map(() => undefined);
  const values = sql.join(
    asked.map((key) => sql`(${key.i}::int, ${key.tenantId}::uuid, ${key.workflowId}::uuid)`),
    sql`, `,
  );
  const result = (await db.execute(sql`
    with k(i, tenant_id, workflow_id) as (values ${values}),
    active as (
      select ${runs.tenantId} as tenant_id, count(*)::int as n from ${runs}
      where ${runs.tenantId} in (select tenant_id from k) and ${inArray(runs.status, ACTIVE_STATUSES)}
      group by ${runs.tenantId})
    select k.i, t.limits, t.suspended_at, coalesce(active.n, 0) as active_runs, w.id as workflow_id, w.name as workflow_name,
      w.paused_at is not null as is_paused, w.paused_reason,
      (select v.id from ${workflowVersions} v where v.workflow_id = w.id and v.version is not null order by v.version desc limit 1) as latest_version_id,
      (select e.id from ${experiments} e where e.workflow_id = w.id and e.status = 'running' limit 1) as experiment_id
    from k join ${tenants} t on t.id = k.tenant_id
    left join active on active.tenant_id = t.id
    left join ${workflows} w on w.tenant_id = t.id and w.id = k.workflow_id`)) as unknown as {
    rows: Row[];
  };
  const facts: (RunStartFacts | undefined)[] = keys.map(() => undefined);
  for (const row of result.rows) {
    facts[row.i as number] = {
      workflow: row.workflow_id
        ? {
            id: row.workflow_id as string,
            name: row.workflow_name as string,
            latestVersionId: row.latest_version_id as string | null,
            isPaused: row.is_paused === true,
            pausedReason: (row.paused_reason as string | null) ?? null,
            experimentId: (row.experiment_id as string | null) ?? null,
          }
        : null,
      tenant: {
        limits: row.limits as TenantStanding["limits"],
        suspendedAt: toDate(row.suspended_at),
        activeRuns: row.active_runs as number,
      },
    };
  }
  return facts;
}

export async function findVersionForRun(
  db: Db,
  run: Pick<RunRow, "tenantId" | "versionId">,
): Promise<VersionRow | undefined> {
  return findVersion(db, run.tenantId, run.versionId);
}

// ── runs ────────────────────────────────────────────────────────────────────

export async function insertRun(db: Db, values: typeof runs.$inferInsert): Promise<RunRow> {
  const [row] = await db.insert(runs).values(values).returning();
  return row!;
}

export async function findRun(db: Db, tenantId: string, id: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.tenantId, tenantId), eq(runs.id, id)));
  return row;
}

/** For workers, which act for any tenant: the job names the run, the run names its tenant. */
export async function findRunForWorker(db: Db, id: string): Promise<RunRow | undefined> {
  const [row] = await db.select().from(runs).where(eq(runs.id, id));
  return row;
}

export interface RunFilter {
  tenantId: string;
  workflowId?: string;
  status?: RunStatus[];
  startedBy?: string;
  trigger?: RunTrigger[];
  since?: Date;
  until?: Date;
  cursor?: string | null;
  limit: number;
}

/** What a waiting run waits for: its latest run.waiting event's steps and messages. */
export type WaitingFor = { stepId: string; message: string; approvers: string[] }[];

/** A run as lists and the run page show it: with its workflow's name, its starter's, and what it waits for. */
export type RunListItem = RunRow & {
  workflowName: string;
  startedByName: string | null;
  waitingFor: WaitingFor | null;
};

const runWithNames = {
  run: runs,
  workflowName: workflows.name,
  startedByName: users.name,
  waitingFor: sql<WaitingFor | null>`case when ${runs.status} = 'waiting' then (
    select ${runEvents.payload} -> 'waitingFor' from ${runEvents}
    where ${runEvents.runId} = ${runs.id} and ${runEvents.type} = 'run.waiting' order by ${runEvents.id} desc limit 1) end`,
};
const flatten = (row: {
  run: RunRow;
  workflowName: string;
  startedByName: string | null;
  waitingFor: WaitingFor | null;
}): RunListItem => ({
  ...row.run,
  workflowName: row.workflowName,
  startedByName: row.startedByName,
  waitingFor: row.waitingFor,
});

export async function findRunWithNames(
  db: Db,
  tenantId: string,
  id: string,
): Promise<RunListItem | undefined> {
  const [row] = await db
    .select(runWithNames)
    .from(runs)
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .leftJoin(users, eq(users.id, runs.startedBy))
    .where(and(eq(runs.tenantId, tenantId), eq(runs.id, id)));
  return row ? flatten(row) : undefined;
}

export async function listRuns(db: Db, filter: RunFilter): Promise<Page<RunListItem>> {
  const where: (SQL | undefined)[] = [eq(runs.tenantId, filter.tenantId)];
  if (filter.workflowId) where.push(eq(runs.workflowId, filter.workflowId));
  if (filter.status?.length) where.push(inArray(runs.status, filter.status));
  if (filter.startedBy) where.push(eq(runs.startedBy, filter.startedBy));
  if (filter.trigger?.length) where.push(inArray(runs.trigger, filter.trigger));
  if (filter.since) where.push(gt(runs.createdAt, filter.since));
  if (filter.until) where.push(lt(runs.createdAt, filter.until));
  const cursor = decodeCursor(filter.cursor);
  if (cursor) where.push(afterCursor(runs, cursor));
  const rows = await db
    .select(runWithNames)
    .from(runs)
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .leftJoin(users, eq(users.id, runs.startedBy))
    .where(and(...where))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(filter.limit + 1);
  return toPage(rows.map(flatten), filter.limit);
}

/** How many of a tenant's runs are queued or running; awaitable, or a subquery inside another select. */
export function activeRunCount(db: Db, tenantId: string) {
  return db.$count(runs, and(eq(runs.tenantId, tenantId), inArray(runs.status, ACTIVE_STATUSES)));
}

export async function updateRun(
  db: Db,
  id: string,
  patch: Partial<typeof runs.$inferInsert>,
): Promise<RunRow | undefined> {
  const [row] = await db.update(runs).set(patch).where(eq(runs.id, id)).returning();
  return row;
}

/** How a run ended (or paused to wait for approval): its final row. */
export interface RunEnd {
  id: string;
  status: RunStatus;
  output: unknown;
  error: RunRow["error"];
  finishedAt: Date | null;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedTokens: number;
}

/** Records how several runs ended, in one statement (a journal batch); the worker lets go of them. */
export function endRuns(ends: RunEnd[]): Statement<undefined> {
  if (ends.length === 0) return statement("", []);
  const params: unknown[] = [];
  const values = valuesList(
    ends.map((e) => [
      e.id,
      e.status,
      json(e.output ?? undefined),
      json(e.error ?? undefined),
      timestamp(e.finishedAt),
      e.durationMs,
      e.inputTokens,
      e.outputTokens,
      e.costUsd,
      e.unpricedTokens,
    ]),
    ["uuid", "run_status", "jsonb", "jsonb", "timestamptz", "int", "int", "int", "float8", "int"],
    params,
  );
  return statement(
    `update runs set status = v.status, output = v.output, error = v.error, finished_at = v.finished_at,
      -- From the run's first start: a run that waited for approval or resumed on another worker
      -- lasted that long, not only its last stretch (which is what the runtime counts).
      duration_ms = greatest(v.duration_ms, coalesce(round(extract(epoch from v.finished_at - runs.started_at) * 1000)::int, 0)),
      input_tokens = v.input_tokens, output_tokens = v.output_tokens, cost_usd = v.cost_usd,
      unpriced_tokens = v.unpriced_tokens, worker_id = null
    from (values ${values}) as v(id, status, output, error, finished_at, duration_ms, input_tokens, output_tokens, cost_usd, unpriced_tokens)
    where runs.id = v.id`,
    params,
  );
}

/** A run as its start reports it (the whole row is run.get's). */
export type StartedRun = Pick<
  RunRow,
  "id" | "tenantId" | "workflowId" | "versionId" | "isDraft" | "status" | "startedBy" | "createdAt"
>;

/** A new run as the journal stores it (see server/services/runs.ts startRun). */
export type RunInsert = Pick<
  typeof runs.$inferInsert,
  | "id"
  | "tenantId"
  | "workflowId"
  | "versionId"
  | "isDraft"
  | "input"
  | "pinnedOutputs"
  | "startedBy"
  | "trigger"
  | "triggerId"
> & {
  id: string;
};

/** The ids every run row read back by the journal carries. */
const runOf = (r: Row) => ({
  id: r.id as string,
  tenantId: r.tenant_id as string,
  workflowId: r.workflow_id as string,
  versionId: r.version_id as string,
  startedBy: r.started_by as string | null,
});

/** Stores new runs (a journal batch), returning what their starters report, in the same order. */
export function insertRuns(values: RunInsert[]): Statement<StartedRun[]> {
  if (values.length === 0) return statement("", [], () => []);
  const params: unknown[] = [];
  const rows = valuesList(
    values.map((v) => [
      v.id,
      v.tenantId,
      v.workflowId,
      v.versionId,
      v.isDraft ?? false,
      json(v.input ?? null),
      json(v.pinnedOutputs ?? {}),
      v.startedBy ?? null,
      v.trigger ?? "manual",
      v.triggerId ?? null,
    ]),
    ["uuid", "uuid", "uuid", "uuid", "boolean", "jsonb", "jsonb", "uuid", "text", "uuid"],
    params,
  );
  return statement(
    `insert into runs (id, tenant_id, workflow_id, version_id, is_draft, input, pinned_outputs, started_by, trigger, trigger_id) values ${rows}
    returning id, tenant_id, workflow_id, version_id, is_draft, status, started_by, created_at`,
    params,
    (result) =>
      result.map((r) => ({
        ...runOf(r),
        isDraft: r.is_draft as boolean,
        status: r.status as RunStatus,
        createdAt: toDate(r.created_at)!,
      })),
  );
}

/** Changes a run only if it is still in one of `from`; undefined when it has moved on meanwhile. */
export async function transitionRun(
  db: Db,
  tenantId: string,
  id: string,
  from: RunStatus[],
  patch: Partial<typeof runs.$inferInsert>,
): Promise<RunRow | undefined> {
  const [row] = await db
    .update(runs)
    .set(patch)
    .where(and(eq(runs.tenantId, tenantId), eq(runs.id, id), inArray(runs.status, from)))
    .returning();
  return row;
}

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

/**
 * A worker takes runs: only queued runs, and running ones whose worker stopped sending heartbeats
 * (or handed them back: no heartbeat at all). Two workers racing for one run: exactly one wins.
 * Returns the runs taken (others are left out), saying which were taken over from which worker.
 */
export function claimRuns(
  ids: string[],
  workerId: string,
  staleBefore: Date,
): Statement<ClaimedRun[]> {
  if (ids.length === 0) return statement("", [], () => []);
  const params: unknown[] = [workerId, timestamp(staleBefore)];
  const list = ids.map((id) => `$${params.push(id)}::uuid`).join(", ");
  // `before` is the rows as this statement found them: the worker that held a run and its status.
  return statement(
    `with before as (select id, status, worker_id from runs where id in (${list}))
    update runs set status = 'running', worker_id = $1, heartbeat_at = now(), started_at = coalesce(started_at, now()),
      resume_count = resume_count + case when runs.status = 'running' then 1 else 0 end
    from before
    where runs.id = before.id and runs.cancel_requested_at is null
      and (runs.status = 'queued' or (runs.status = 'running' and (runs.heartbeat_at is null or runs.heartbeat_at < $2::timestamptz)))
    returning runs.id, runs.tenant_id, runs.workflow_id, runs.version_id, runs.started_by, runs.retry_of, runs.input, runs.approvals,
      runs.pinned_outputs, runs.trigger, runs.started_at = now() as is_first_start, before.status = 'running' as is_takeover, before.worker_id as previous_worker_id`,
    params,
    // started_at was set by this very statement (now() is the transaction's time) on a first start only.
    (result) =>
      result.map((r) => ({
        ...runOf(r),
        retryOf: r.retry_of as string | null,
        input: r.input,
        approvals: r.approvals as ClaimedRun["approvals"],
        pinnedOutputs: r.pinned_outputs as ClaimedRun["pinnedOutputs"],
        trigger: r.trigger as ClaimedRun["trigger"],
        isFirstStart: r.is_first_start as boolean,
        ...(r.is_takeover
          ? { takenOverFrom: (r.previous_worker_id as string | null) ?? null }
          : {}),
      })),
  );
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

/** Queued runs per tenant (tenants with none are left out): the queue-depth gauge. */
export async function countQueuedRunsByTenant(
  db: Db,
): Promise<{ tenantId: string; queued: number }[]> {
  return db
    .select({ tenantId: runs.tenantId, queued: sql<number>`count(*)`.mapWith(Number) })
    .from(runs)
    .where(eq(runs.status, "queued"))
    .groupBy(runs.tenantId);
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

// ── steps ───────────────────────────────────────────────────────────────────

export async function loadStepRecords(db: Db, runId: string): Promise<StepRecord[]> {
  const rows = await db
    .select()
    .from(stepRuns)
    .where(and(eq(stepRuns.runId, runId), eq(stepRuns.status, "completed")));
  return rows.map((r) => ({
    stepId: r.stepId,
    ...(r.parentStepId ? { parentStepId: r.parentStepId } : {}),
    output: r.output,
    port: r.port ?? "out",
    attempts: r.attempts,
    startedAt: r.startedAt?.getTime() ?? 0,
    finishedAt: r.finishedAt?.getTime() ?? 0,
    usage: { inputTokens: r.inputTokens, outputTokens: r.outputTokens },
    costUsd: r.costUsd,
    ...(r.unpricedTokens ? { unpricedTokens: r.unpricedTokens } : {}),
    ...(r.pinned ? { pinned: true } : {}),
    ...(r.fallbackStepId ? { fallbackStepId: r.fallbackStepId } : {}),
  }));
}

/**
 * Steps of a run that started and never finished: `running` ones were cut off when their worker
 * stopped; `waiting` ones wait for a person to say whether to repeat them. Plan steps only (child
 * steps are repeated with their parent).
 */
export async function listUnfinishedSteps(
  db: Db,
  runId: string,
): Promise<{ stepId: string; status: "running" | "waiting" }[]> {
  const rows = await db
    .select({ stepId: stepRuns.stepId, status: stepRuns.status })
    .from(stepRuns)
    .where(
      and(
        eq(stepRuns.runId, runId),
        isNull(stepRuns.parentStepId),
        inArray(stepRuns.status, ["running", "waiting"]),
      ),
    );
  return rows as { stepId: string; status: "running" | "waiting" }[];
}

/** A step's row as the journal writes it: what is not given stays as stored (or its default). */
export type StepRunInsert = typeof stepRuns.$inferInsert;

const STEP_COLUMNS = [
  ["run_id", "uuid"],
  ["step_id", "text"],
  ["tenant_id", "uuid"],
  ["parent_step_id", "text"],
  ["kind", "text"],
  ["status", "step_status"],
  ["attempts", "int"],
  ["output", "jsonb"],
  ["port", "text"],
  ["error", "jsonb"],
  ["started_at", "timestamptz"],
  ["finished_at", "timestamptz"],
  ["duration_ms", "int"],
  ["input_tokens", "int"],
  ["output_tokens", "int"],
  ["cost_usd", "float8"],
  ["unpriced_tokens", "int"],
  ["pinned", "boolean"],
  ["fallback_step_id", "text"],
] as const;

/** Stores step rows (a journal batch); a step stored as completed keeps what was stored. */
export function upsertStepRuns(rows: StepRunInsert[]): Statement<undefined> {
  if (rows.length === 0) return statement("", []);
  const params: unknown[] = [];
  const values = valuesList(
    rows.map((r) => [
      r.runId,
      r.stepId,
      r.tenantId,
      r.parentStepId ?? null,
      r.kind ?? null,
      r.status,
      r.attempts ?? 0,
      json(r.output ?? undefined),
      r.port ?? null,
      json(r.error ?? undefined),
      timestamp(r.startedAt),
      timestamp(r.finishedAt),
      r.durationMs ?? null,
      r.inputTokens ?? 0,
      r.outputTokens ?? 0,
      r.costUsd ?? 0,
      r.unpricedTokens ?? 0,
      r.pinned ?? false,
      r.fallbackStepId ?? null,
    ]),
    STEP_COLUMNS.map(([, cast]) => cast),
    params,
  );
  // A step stored as completed stays as it was stored, whatever late event arrives after
  // (a worker may store a step's result before its step.started event is written).
  const unlessCompleted = (column: string) =>
    `${column} = case when step_runs.status = 'completed' then step_runs.${column} else excluded.${column} end`;
  return statement(
    `insert into step_runs (${STEP_COLUMNS.map(([name]) => name).join(", ")}) values ${values}
    on conflict (run_id, step_id) do update set
      ${unlessCompleted("status")},
      kind = coalesce(excluded.kind, step_runs.kind),
      attempts = greatest(excluded.attempts, step_runs.attempts),
      ${unlessCompleted("output")}, ${unlessCompleted("port")}, ${unlessCompleted("error")},
      started_at = coalesce(step_runs.started_at, excluded.started_at),
      ${unlessCompleted("finished_at")}, ${unlessCompleted("duration_ms")},
      input_tokens = greatest(excluded.input_tokens, step_runs.input_tokens),
      output_tokens = greatest(excluded.output_tokens, step_runs.output_tokens),
      cost_usd = greatest(excluded.cost_usd, step_runs.cost_usd),
      unpriced_tokens = greatest(excluded.unpriced_tokens, step_runs.unpriced_tokens),
      ${unlessCompleted("pinned")},
      fallback_step_id = coalesce(excluded.fallback_step_id, step_runs.fallback_step_id)`,
    params,
  );
}

/** A run's steps in the order they started; with `tenantId`, only if the run is that tenant's. */
export async function listStepRuns(
  db: Db,
  runId: string,
  tenantId?: string,
): Promise<StepRunRow[]> {
  const ofRun = eq(stepRuns.runId, runId);
  return db
    .select()
    .from(stepRuns)
    .where(tenantId === undefined ? ofRun : and(ofRun, eq(stepRuns.tenantId, tenantId)))
    .orderBy(stepRuns.startedAt);
}

/** Copies a run's finished steps to another run, so a retry resumes from the step that failed. */
export async function copyCompletedSteps(
  db: Db,
  fromRunId: string,
  toRunId: string,
): Promise<number> {
  const columns = sql.raw(
    STEP_COLUMNS.flatMap(([name]) => (name === "run_id" ? [] : [name])).join(", "),
  );
  const copied = (await db.execute(sql`
    insert into step_runs (run_id, ${columns})
    select ${toRunId}::uuid, ${columns} from step_runs where run_id = ${fromRunId}::uuid and status = 'completed'
    on conflict (run_id, step_id) do nothing returning step_id`)) as unknown as { rows: unknown[] };
  return copied.rows.length;
}

// ── events ──────────────────────────────────────────────────────────────────

/** Stores run events (a journal batch); returns their ids, in the same order. */
export function insertRunEvents(
  rows: { tenantId: string; runId: string; type: string; payload: unknown; at: Date }[],
): Statement<number[]> {
  if (rows.length === 0) return statement("", [], () => []);
  const params: unknown[] = [];
  const values = valuesList(
    rows.map((r) => [r.tenantId, r.runId, r.type, json(r.payload), timestamp(r.at)]),
    ["uuid", "uuid", "text", "jsonb", "timestamptz"],
    params,
  );
  return statement(
    `insert into run_events (tenant_id, run_id, type, payload, at) values ${values} returning id`,
    params,
    (result) => result.map((r) => Number(r.id)),
  );
}

/** Events after `afterId`, for one run or a whole tenant: what a reconnecting page missed. */
export async function listRunEvents(
  db: Db,
  query: { tenantId: string; runId?: string; afterId?: number; limit?: number },
): Promise<RunEventRow[]> {
  const where: (SQL | undefined)[] = [eq(runEvents.tenantId, query.tenantId)];
  if (query.runId) where.push(eq(runEvents.runId, query.runId));
  if (query.afterId !== undefined) where.push(gt(runEvents.id, query.afterId));
  return db
    .select()
    .from(runEvents)
    .where(and(...where))
    .orderBy(runEvents.id)
    .limit(query.limit ?? 1000);
}

/**
 * Claims an idempotency key for a new run: stores (tenant, key) → run unless a claim younger than
 * `ttlMs` holds it. Answers the claim that holds the key afterwards: ours when `runId` comes back.
 * One statement, so two processes claiming the same key at once end with one owner.
 */
export async function claimIdempotencyKey(
  db: Db,
  claim: { tenantId: string; key: string; requestHash: string; runId: string },
  ttlMs: number,
): Promise<{ runId: string; requestHash: string; createdAt: Date }> {
  const expiredBefore = new Date(Date.now() - ttlMs);
  const [claimed] = await db
    .insert(idempotencyKeys)
    .values(claim)
    .onConflictDoUpdate({
      target: [idempotencyKeys.tenantId, idempotencyKeys.key],
      set: { requestHash: claim.requestHash, runId: claim.runId, createdAt: sql`now()` },
      setWhere: lt(idempotencyKeys.createdAt, expiredBefore),
    })
    .returning({
      runId: idempotencyKeys.runId,
      requestHash: idempotencyKeys.requestHash,
      createdAt: idempotencyKeys.createdAt,
    });
  if (claimed) return claimed;
  const [held] = await db
    .select({
      runId: idempotencyKeys.runId,
      requestHash: idempotencyKeys.requestHash,
      createdAt: idempotencyKeys.createdAt,
    })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.tenantId, claim.tenantId), eq(idempotencyKeys.key, claim.key)));
  // Deleted between the two statements (its start failed): claim again.
  return held ?? claimIdempotencyKey(db, claim, ttlMs);
}

/**
 * Takes over a claim that still names `staleRunId` and is older than `olderThan` (its start died
 * before storing the run); true when this caller now holds the key for `runId`.
 */
export async function takeOverIdempotencyKey(
  db: Db,
  tenantId: string,
  key: string,
  staleRunId: string,
  olderThan: Date,
  runId: string,
): Promise<boolean> {
  const taken = await db
    .update(idempotencyKeys)
    .set({ runId, createdAt: sql`now()` })
    .where(
      and(
        eq(idempotencyKeys.tenantId, tenantId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.runId, staleRunId),
        lt(idempotencyKeys.createdAt, olderThan),
      ),
    )
    .returning({ runId: idempotencyKeys.runId });
  return taken.length === 1;
}

/** Whether a key is still claimed for `runId`. */
export async function isIdempotencyKeyHeld(
  db: Db,
  tenantId: string,
  key: string,
  runId: string,
): Promise<boolean> {
  const rows = await db
    .select({ runId: idempotencyKeys.runId })
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.tenantId, tenantId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.runId, runId),
      ),
    );
  return rows.length === 1;
}

/** Lets go of a key whose run was never stored (the start was refused), so a corrected retry may use it. */
export async function releaseIdempotencyKey(
  db: Db,
  tenantId: string,
  key: string,
  runId: string,
): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.tenantId, tenantId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.runId, runId),
      ),
    );
}

/** Forgets keys older than `before` (they no longer protect anything). */
export async function pruneIdempotencyKeys(db: Db, before: Date): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before));
}
