import { and, desc, eq, getTableColumns, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import {
  experiments,
  learningState,
  runOutcomes,
  workflowProposals,
  workflows,
  workflowVersions,
  type ExperimentStatus,
} from "@/db/schema";
import { batchRows, preparedQuery } from "@/db/statements";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";

export type LearningStateRow = typeof learningState.$inferSelect;
export type OutcomeRow = typeof runOutcomes.$inferSelect;
export type ExperimentRow = typeof experiments.$inferSelect;

export async function findLearningState(
  db: Db,
  tenantId: string,
): Promise<LearningStateRow | undefined> {
  const [row] = await db.select().from(learningState).where(eq(learningState.tenantId, tenantId));
  return row;
}

/**
 * Locks the tenant's row for the rest of the transaction (PostgreSQL), so concurrent writers add
 * up. A tenant's first writer creates the row (`empty`) before locking it: two first writers would
 * otherwise both find nothing to lock, and the later save would drop the earlier one's figures.
 */
export async function lockLearningState(
  db: Tx,
  tenantId: string,
  empty: { book: unknown; preferences: unknown },
): Promise<LearningStateRow> {
  await db
    .insert(learningState)
    .values({ tenantId, ...empty, outcomes: 0 })
    .onConflictDoNothing({ target: learningState.tenantId });
  const [row] = await db
    .select()
    .from(learningState)
    .where(eq(learningState.tenantId, tenantId))
    .for("update");
  return row!;
}

export async function saveLearningState(
  db: Db,
  row: typeof learningState.$inferInsert,
): Promise<void> {
  const { tenantId: _key, ...rest } = row;
  await db
    .insert(learningState)
    .values(row)
    .onConflictDoUpdate({
      target: learningState.tenantId,
      set: { ...rest, updatedAt: sql`now()` },
    });
}

/** What the outcome recorder learns from an inserted outcome (its book and experiments). */
const insertedColumns = {
  taskClass: runOutcomes.taskClass,
  pattern: runOutcomes.pattern,
  strategyId: runOutcomes.strategyId,
  success: runOutcomes.success,
  score: runOutcomes.score,
  latencyMs: runOutcomes.latencyMs,
  tokens: runOutcomes.tokens,
  costUsd: runOutcomes.costUsd,
  experimentId: runOutcomes.experimentId,
  arm: runOutcomes.arm,
};

export type InsertedOutcome = Pick<OutcomeRow, keyof typeof insertedColumns>;

/**
 * Stores outcomes; a run already recorded (an outcome flushed twice) is skipped. Returns what the
 * recorder learns from each inserted one (not its shape or prediction, which it already has).
 */
export async function insertOutcomes(
  db: Db,
  rows: (typeof runOutcomes.$inferInsert)[],
): Promise<InsertedOutcome[]> {
  if (rows.length === 0) return [];
  return insertOutcomesQuery(db).execute({ rows: JSON.stringify(rows) });
}

/**
 * The rows as one JSON parameter (batchRows): the same text for any number of rows, so the
 * database keeps it prepared (Drizzle still prints it per transaction, at a fixed size), where a
 * VALUES list of a recorder's batch (fifteen parameters a row) was printed by Drizzle and parsed
 * and planned by the database each time (6.7 and 11.6 ms for a batch of ~50, inside the
 * recorder's transaction, which holds the embedded database).
 */
const insertOutcomesQuery = preparedQuery("insert_outcomes", (db) =>
  db
    .insert(runOutcomes)
    .select(
      batchRows(
        runOutcomes,
        [
          "runId",
          "tenantId",
          "workflowId",
          "versionId",
          "taskClass",
          "pattern",
          "strategyId",
          "success",
          "score",
          "source",
          "latencyMs",
          "tokens",
          "costUsd",
          "experimentId",
          "arm",
          "prediction",
          "shape",
          "createdAt",
        ],
        {
          source: sql`coalesce(batch."source", 'run')`,
          // JSON has no NaN (it arrives as null): stored as NaN, as a parameter would be, rather
          // than failing the recorder's whole batch on the column's not-null.
          costUsd: sql`coalesce(batch."costUsd", 'NaN')`,
          // No prediction or shape is SQL null, which readers ask for (`prediction is not null`).
          prediction: sql`nullif(batch."prediction", 'null'::jsonb)`,
          shape: sql`nullif(batch."shape", 'null'::jsonb)`,
          createdAt: sql`coalesce(batch."createdAt", now())`,
        },
      ),
    )
    .onConflictDoNothing()
    .returning(insertedColumns),
);

export async function findOutcome(
  db: Db,
  tenantId: string,
  runId: string,
): Promise<OutcomeRow | undefined> {
  const [row] = await db
    .select()
    .from(runOutcomes)
    .where(and(eq(runOutcomes.tenantId, tenantId), eq(runOutcomes.runId, runId)));
  return row;
}

export async function setOutcomeRating(
  db: Db,
  tenantId: string,
  runId: string,
  rating: number,
): Promise<OutcomeRow | undefined> {
  const [row] = await db
    .update(runOutcomes)
    .set({ rating })
    .where(and(eq(runOutcomes.tenantId, tenantId), eq(runOutcomes.runId, runId)))
    .returning();
  return row;
}

/** A page of the tenant's outcomes, newest first. */
export async function listOutcomes(
  db: Db,
  tenantId: string,
  page: { cursor?: string | null; limit: number },
): Promise<Page<Omit<OutcomeRow, "shape"> & { id: string; workflowName: string | null }>> {
  const cursor = decodeCursor(page.cursor);
  // Without the structure: the forecaster's, not the page's (a few hundred bytes a row).
  const { shape: _shape, ...columns } = getTableColumns(runOutcomes);
  const rows = await db
    .select({ ...columns, workflowName: workflows.name })
    .from(runOutcomes)
    .leftJoin(workflows, eq(workflows.id, runOutcomes.workflowId))
    .where(
      and(
        eq(runOutcomes.tenantId, tenantId),
        cursor
          ? afterCursor({ createdAt: runOutcomes.createdAt, id: runOutcomes.runId }, cursor)
          : undefined,
      ),
    )
    // In the order of its index (run_outcomes_tenant_created_run_idx, nulls last: the columns are
    // never null, but the planner does not know that a "desc" sort, nulls first, is the same).
    .orderBy(newestFirst, sql`${runOutcomes.runId} desc nulls last`)
    .limit(page.limit + 1);
  return toPage(
    rows.map((r) => ({ ...r, id: r.runId })),
    page.limit,
  );
}

export async function insertProposal(
  db: Db,
  row: typeof workflowProposals.$inferInsert,
): Promise<void> {
  await db.insert(workflowProposals).values(row).onConflictDoNothing();
}

/** The proposal behind a workflow, while its edits have not been learned from. */
export async function findUnlearnedProposal(db: Db, tenantId: string, workflowId: string) {
  const [row] = await db
    .select()
    .from(workflowProposals)
    .where(
      and(
        eq(workflowProposals.tenantId, tenantId),
        eq(workflowProposals.workflowId, workflowId),
        isNull(workflowProposals.learnedAt),
      ),
    );
  return row;
}

export async function markProposalLearned(db: Db, workflowId: string): Promise<void> {
  await db
    .update(workflowProposals)
    .set({ learnedAt: new Date() })
    .where(eq(workflowProposals.workflowId, workflowId));
}

export async function insertExperiment(
  db: Db,
  row: typeof experiments.$inferInsert,
): Promise<ExperimentRow> {
  const [created] = await db.insert(experiments).values(row).returning();
  return created!;
}

export async function findExperiment(
  db: Db,
  tenantId: string,
  id: string,
): Promise<ExperimentRow | undefined> {
  const [row] = await db
    .select()
    .from(experiments)
    .where(and(eq(experiments.tenantId, tenantId), eq(experiments.id, id)));
  return row;
}

export async function findRunningExperiment(
  db: Db,
  tenantId: string,
  workflowId: string,
): Promise<ExperimentRow | undefined> {
  const [row] = await db
    .select()
    .from(experiments)
    .where(
      and(
        eq(experiments.tenantId, tenantId),
        eq(experiments.workflowId, workflowId),
        eq(experiments.status, "running"),
      ),
    );
  return row;
}

/** The running experiments of these workflows (at most one each). */
export async function findRunningExperimentsOf(
  db: Db,
  tenantId: string,
  workflowIds: string[],
): Promise<ExperimentRow[]> {
  if (workflowIds.length === 0) return [];
  return db
    .select()
    .from(experiments)
    .where(
      and(
        eq(experiments.tenantId, tenantId),
        inArray(experiments.workflowId, workflowIds),
        eq(experiments.status, "running"),
      ),
    );
}

/** The running ones among these experiments, locked for the transaction (one a person stopped meanwhile is left alone). */
export async function lockRunningExperiments(db: Tx, ids: string[]): Promise<ExperimentRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(experiments)
    .where(and(inArray(experiments.id, ids), eq(experiments.status, "running")))
    .for("update");
}

export async function updateExperiment(
  db: Db,
  id: string,
  patch: Partial<typeof experiments.$inferInsert>,
): Promise<ExperimentRow | undefined> {
  const [row] = await db.update(experiments).set(patch).where(eq(experiments.id, id)).returning();
  return row;
}

export async function listExperiments(
  db: Db,
  tenantId: string,
  status?: ExperimentStatus,
): Promise<(ExperimentRow & { workflowName: string | null })[]> {
  return db
    .select({ ...getTableColumns(experiments), workflowName: workflows.name })
    .from(experiments)
    .leftJoin(workflows, eq(workflows.id, experiments.workflowId))
    .where(
      and(eq(experiments.tenantId, tenantId), status ? eq(experiments.status, status) : undefined),
    )
    .orderBy(desc(experiments.createdAt))
    .limit(100);
}

/** An outcome as the run forecaster learns from it; `draft` for a run of a draft snapshot. */
export type ForecastHistoryRow = {
  runId: string;
  workflowId: string;
  versionId: string;
  draft: boolean;
  taskClass: string;
  strategyId: string;
  success: boolean;
  score: number | null;
  latencyMs: number;
  tokens: number;
  costUsd: number;
  /** The structure of the version that ran; null on outcomes stored before it was kept. */
  shape: string[] | null;
  createdAt: Date;
};

/**
 * Newest outcome first, as the indexes on `created_at DESC NULLS LAST` hold them: plain `desc`
 * means nulls first, which an index ordered nulls last cannot give, so PostgreSQL sorted every
 * outcome of the tenant (or workflow) to return the latest few.
 */
const newestFirst = sql`${runOutcomes.createdAt} desc nulls last`;

const historyColumns = {
  runId: runOutcomes.runId,
  workflowId: runOutcomes.workflowId,
  versionId: runOutcomes.versionId,
  draft: sql<boolean>`${workflowVersions.version} is null`,
  taskClass: runOutcomes.taskClass,
  strategyId: runOutcomes.strategyId,
  success: runOutcomes.success,
  score: runOutcomes.score,
  latencyMs: runOutcomes.latencyMs,
  tokens: runOutcomes.tokens,
  costUsd: runOutcomes.costUsd,
  shape: runOutcomes.shape,
  createdAt: runOutcomes.createdAt,
};

/**
 * A workflow's, a task class's or the tenant's latest outcomes (newest first), as the run
 * forecaster learns from them: each read is bounded by its index and `limit`.
 */
export async function findRecentOutcomes(
  db: Db,
  tenantId: string,
  of: { workflowId: string } | { taskClass: string } | "all",
  limit: number,
): Promise<ForecastHistoryRow[]> {
  return db
    .select(historyColumns)
    .from(runOutcomes)
    .innerJoin(workflowVersions, eq(workflowVersions.id, runOutcomes.versionId))
    .where(
      and(
        eq(runOutcomes.tenantId, tenantId),
        of === "all"
          ? undefined
          : "workflowId" in of
            ? eq(runOutcomes.workflowId, of.workflowId)
            : eq(runOutcomes.taskClass, of.taskClass),
      ),
    )
    .orderBy(newestFirst)
    .limit(limit);
}

/**
 * The latest outcomes (newest first, up to `perWorkflow` each) of the tenant's most recently
 * active workflows (up to `workflows` of them, among those of its latest `scan` outcomes), for
 * finding a new workflow's likes among workflows of any task class. Bounded by the tenant's and
 * the workflow's index: one scan of recent outcomes, then one short read per workflow.
 */
export async function findActiveWorkflowOutcomes(
  db: Db,
  tenantId: string,
  keep: { workflows: number; perWorkflow: number; scan: number },
): Promise<ForecastHistoryRow[]> {
  const recent = db
    .select({ workflowId: runOutcomes.workflowId, createdAt: runOutcomes.createdAt })
    .from(runOutcomes)
    .where(eq(runOutcomes.tenantId, tenantId))
    .orderBy(newestFirst)
    .limit(keep.scan)
    .as("recent");
  const active = db
    .select({ workflowId: recent.workflowId })
    .from(recent)
    .groupBy(recent.workflowId)
    .orderBy(sql`max(${recent.createdAt}) desc`)
    .limit(keep.workflows)
    .as("active");
  // Limited before the join, so each workflow's read stops after its index's first rows.
  const { draft: _draft, ...outcomeColumns } = historyColumns;
  const latest = db
    .select(outcomeColumns)
    .from(runOutcomes)
    .where(and(eq(runOutcomes.tenantId, tenantId), eq(runOutcomes.workflowId, active.workflowId)))
    .orderBy(newestFirst)
    .limit(keep.perWorkflow)
    .as("latest");
  return db
    .select({
      ...latest._.selectedFields,
      draft: sql<boolean>`${workflowVersions.version} is null`,
    })
    .from(active)
    .crossJoinLateral(latest)
    .innerJoin(workflowVersions, eq(workflowVersions.id, latest.versionId));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The durations of these workflows' first outcomes (oldest first, up to `perWorkflow` each): how
 * each began, which a new workflow is predicted from (engine run-forecast.ts setFirstRuns). One
 * short read per workflow, on the workflow's index read backwards.
 */
export async function findFirstOutcomeDurations(
  db: Db,
  tenantId: string,
  workflowIds: readonly string[],
  perWorkflow: number,
): Promise<Map<string, number[]>> {
  const ids = [...new Set(workflowIds)].filter((id) => UUID.test(id));
  const first = new Map<string, number[]>();
  if (ids.length === 0 || !UUID.test(tenantId)) return first;
  const values = sql.join(
    ids.map((id) => sql`(${id}::uuid)`),
    sql`, `,
  );
  const result = (await db.execute(sql`
    with w(workflow_id) as (values ${values})
    select w.workflow_id, f.latency_ms from w cross join lateral (
      select ${runOutcomes.latencyMs} as latency_ms, ${runOutcomes.createdAt} as created_at,
        ${runOutcomes.runId} as run_id
      from ${runOutcomes}
      where ${runOutcomes.tenantId} = ${tenantId} and ${runOutcomes.workflowId} = w.workflow_id
      order by ${runOutcomes.createdAt} asc nulls first
      limit ${perWorkflow}) f
    order by w.workflow_id, f.created_at, f.run_id`)) as unknown as {
    rows: { workflow_id: string; latency_ms: number }[];
  };
  for (const row of result.rows) {
    const durations = first.get(row.workflow_id) ?? [];
    durations.push(Number(row.latency_ms));
    first.set(row.workflow_id, durations);
  }
  return first;
}

/** The document a run of this version (or, for none, of the workflow's draft) would run. */
export async function findRunDocument(
  db: Db,
  tenantId: string,
  of: { versionId: string | null; workflowId: string },
): Promise<unknown> {
  const [row] = of.versionId
    ? await db
        .select({ document: workflowVersions.document })
        .from(workflowVersions)
        .where(and(eq(workflowVersions.tenantId, tenantId), eq(workflowVersions.id, of.versionId)))
    : await db
        .select({ document: workflows.document })
        .from(workflows)
        .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, of.workflowId)));
  return row?.document;
}

/** The most outcomes countOutcomes counts of each kind: beyond it, it says this many. */
export const OUTCOME_COUNT_CAP = 10_000;

/**
 * How many outcomes a version (or the workflow's draft runs, for no version), a workflow and a
 * task class have, each up to OUTCOME_COUNT_CAP, so a busy workflow or class costs a bounded read
 * of its index: the version's and the draft's among the workflow's latest OUTCOME_COUNT_CAP (a
 * version with runs older than those counts only these), the class's from its own index. The
 * tenant's total is on its learning state.
 */
export async function countOutcomes(
  db: Db,
  tenantId: string,
  of: { versionId: string | null; workflowId: string; taskClass: string },
) {
  const latest = db
    .select({ versionId: runOutcomes.versionId })
    .from(runOutcomes)
    .where(and(eq(runOutcomes.tenantId, tenantId), eq(runOutcomes.workflowId, of.workflowId)))
    .orderBy(newestFirst)
    .limit(OUTCOME_COUNT_CAP)
    .as("latest");
  const inClass = db
    .select({ one: sql`1`.as("one") })
    .from(runOutcomes)
    .where(and(eq(runOutcomes.tenantId, tenantId), eq(runOutcomes.taskClass, of.taskClass)))
    .limit(OUTCOME_COUNT_CAP)
    .as("in_class");
  const count = sql<number>`count(*)`.mapWith(Number);
  const [workflow, [similar]] = await Promise.all([
    of.versionId
      ? db
          .select({
            workflow: count,
            version:
              sql<number>`count(*) filter (where ${latest.versionId} = ${of.versionId})`.mapWith(
                Number,
              ),
            draft: sql<number>`0`.mapWith(Number),
          })
          .from(latest)
      : // Draft runs are of unnumbered snapshots: the workflow's latest outcomes' versions are looked up.
        db
          .select({
            workflow: count,
            version: sql<number>`0`.mapWith(Number),
            draft:
              sql<number>`count(*) filter (where ${workflowVersions.id} is not null and ${workflowVersions.version} is null)`.mapWith(
                Number,
              ),
          })
          .from(latest)
          .leftJoin(workflowVersions, eq(workflowVersions.id, latest.versionId)),
    db.select({ similar: count }).from(inClass),
  ]);
  return { ...workflow[0]!, similar: similar!.similar };
}

/** Which of these runs already have an outcome. */
export async function findRecordedRunIds(db: Db, runIds: string[]): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  const rows = await db
    .select({ runId: runOutcomes.runId })
    .from(runOutcomes)
    .where(inArray(runOutcomes.runId, runIds));
  return new Set(rows.map((r) => r.runId));
}

/** Which of these versions are draft snapshots (unnumbered). */
export async function findDraftVersionIds(db: Db, versionIds: string[]): Promise<Set<string>> {
  if (versionIds.length === 0) return new Set();
  const rows = await db
    .select({ id: workflowVersions.id })
    .from(workflowVersions)
    .where(and(inArray(workflowVersions.id, versionIds), isNull(workflowVersions.version)));
  return new Set(rows.map((r) => r.id));
}

/**
 * The tenant's latest outcomes that carry the prediction made before them (newest first), for
 * the Learning page's calibration chart and error figures.
 */
export async function findPredictedOutcomes(db: Db, tenantId: string, limit: number) {
  return db
    .select({
      runId: runOutcomes.runId,
      success: runOutcomes.success,
      score: runOutcomes.score,
      latencyMs: runOutcomes.latencyMs,
      costUsd: runOutcomes.costUsd,
      prediction: runOutcomes.prediction,
      createdAt: runOutcomes.createdAt,
    })
    .from(runOutcomes)
    .where(and(eq(runOutcomes.tenantId, tenantId), isNotNull(runOutcomes.prediction)))
    .orderBy(newestFirst)
    .limit(limit);
}
