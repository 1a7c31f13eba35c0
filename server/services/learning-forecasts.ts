import type { Db } from "@/db/client";
import {
  addRun,
  createRunIndex,
  createTuning,
  FIRST_RUNS,
  forecastRun,
  learnFromRun,
  LIKENESS_RUNS,
  POINT_OFFSETS,
  setFirstRuns,
  setRunTotal,
  STRENGTHS,
  type ForecastTuning,
  type PastRun,
  type RunFacts,
  type RunForecast,
  type RunIndex,
} from "@/engine/learning/run-forecast";
import { expectedCalibrationError } from "@/engine/learning/replay/replay-forecasts";
import { successShare } from "@/engine/learning/strategy-stats";
import { workflowShape } from "@/engine/learning/workflow-shape";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";
import { medianOf } from "@/engine/learning/weighted-stats";
import * as repo from "@/server/repositories/learning";
import type { ForecastHistoryRow } from "@/server/repositories/learning";
import type { TenantContext } from "./context";

/**
 * Run forecasts in the app (issue 24): the engine's predictor (engine/learning/run-forecast.ts)
 * over a tenant's stored outcomes. The index of recent runs is rebuilt from `run_outcomes` for
 * each prediction (a few bounded reads); what the predictor learned (its tuning) is kept with the
 * tenant's learning state. Runs of a draft are one "version" per workflow (`draft:<workflow>`):
 * each draft run stores its own snapshot, but they are runs of the draft as it is being edited.
 *
 * Each outcome keeps the structure of the version that ran (workflow-shape.ts), so a workflow's
 * first runs are predicted, as in bench:predict, from the workflows built like it as well as those
 * of its task class: for those, the index also holds the recently active workflows of any class.
 * A new workflow is predicted from how the others began (their first runs, engine setFirstRuns),
 * which the recent reads do not hold: for those, each indexed workflow's first 5 are read too.
 */

const KEEP = { perWorkflow: 40, perClass: 400, overall: 60 };
/** The recently active workflows a new workflow's likes are looked for among (the engine's KEEP.workflows). */
const ACTIVE = { workflows: 60, perWorkflow: 20, scan: 2_000 };

/** The model a strategy id names ("<pattern>/<model>"). */
const modelOf = (strategyId: string) => strategyId.slice(strategyId.indexOf("/") + 1);

/** The version a run counts for: its own, or its workflow's draft. */
export const forecastVersionKey = (workflowId: string, versionId: string, draft: boolean) =>
  draft ? `draft:${workflowId}` : versionId;

export function factsOf(run: {
  workflowId: string;
  versionId: string;
  draft: boolean;
  taskClass: string;
  strategyId: string;
  /** The version's structure; null or absent when unknown (outcomes stored before it was kept). */
  shape?: readonly string[] | null;
}): RunFacts {
  return {
    workflowId: run.workflowId,
    versionId: forecastVersionKey(run.workflowId, run.versionId, run.draft),
    taskClass: run.taskClass,
    model: modelOf(run.strategyId),
    ...(run.shape?.length ? { shape: run.shape } : {}),
  };
}

export function pastRunOf(row: ForecastHistoryRow): PastRun {
  return {
    ...factsOf(row),
    success: successShare(row),
    durationMs: row.latencyMs,
    tokens: row.tokens,
    costUsd: row.costUsd,
  };
}

/** The predictor's tuning as stored, or a fresh one when there is none (or it is of another shape). */
export function readTuning(stored: unknown): ForecastTuning {
  const tuning = stored as ForecastTuning | null | undefined;
  const fits = (grid: unknown) =>
    ["version", "workflow", "similar"].every(
      (level) =>
        Array.isArray((grid as Record<string, unknown> | undefined)?.[level]) &&
        ((grid as Record<string, unknown[]>)[level]!.length ?? 0) === STRENGTHS.length,
    );
  if (
    !tuning ||
    !Array.isArray(tuning.intervalScale) ||
    !fits(tuning.loss?.success) ||
    !fits(tuning.loss?.duration) ||
    !fits(tuning.loss?.tokens)
  )
    return createTuning();
  // Tuning stored before the point forecast was learned, or before its offsets were tested
  // against the median (`discord`): keep the rest, learn that afresh.
  const point = tuning.point as ForecastTuning["point"] | undefined;
  const offsetsFit = (grid: unknown) =>
    Array.isArray(grid) && grid.every((m) => Array.isArray(m) && m.length === POINT_OFFSETS.length);
  const pointFits =
    Array.isArray(point?.typical) &&
    Array.isArray(point?.runs) &&
    offsetsFit(point?.misses) &&
    offsetsFit(point?.discord);
  return pointFits ? tuning : { ...tuning, point: createTuning().point };
}

/**
 * The recent outcomes that predict runs of these workflows and task classes: each workflow's last
 * 40 outcomes, each class's last 400 and the tenant's last 60, by run; and the workflows and
 * classes whose read came back full (they may have older outcomes, not read).
 */
async function readOutcomes(
  db: Db,
  tenantId: string,
  of: { workflowIds: string[]; taskClasses: string[] },
): Promise<{ rows: Map<string, ForecastHistoryRow>; full: ReadFull }> {
  const workflowIds = [...new Set(of.workflowIds)];
  const taskClasses = [...new Set(of.taskClasses)];
  const [byWorkflow, byClass, overall] = await Promise.all([
    Promise.all(
      workflowIds.map((workflowId) =>
        repo.findRecentOutcomes(db, tenantId, { workflowId }, KEEP.perWorkflow),
      ),
    ),
    Promise.all(
      taskClasses.map((taskClass) =>
        repo.findRecentOutcomes(db, tenantId, { taskClass }, KEEP.perClass),
      ),
    ),
    repo.findRecentOutcomes(db, tenantId, "all", KEEP.overall),
  ]);
  const fullOf = (ids: string[], reads: ForecastHistoryRow[][], limit: number) =>
    new Set(ids.filter((_, i) => reads[i]!.length >= limit));
  return {
    rows: mergeOutcomes(new Map(), [...byWorkflow.flat(), ...byClass.flat(), ...overall]),
    full: {
      workflows: fullOf(workflowIds, byWorkflow, KEEP.perWorkflow),
      taskClasses: fullOf(taskClasses, byClass, KEEP.perClass),
    },
  };
}

/** The workflows and task classes whose read of recent outcomes came back full. */
type ReadFull = { workflows: Set<string>; taskClasses: Set<string> };

function mergeOutcomes(rows: Map<string, ForecastHistoryRow>, more: ForecastHistoryRow[]) {
  for (const row of more) rows.set(row.runId, row);
  return rows;
}

/** The recently active workflows' latest outcomes, for finding a new workflow's likes. */
const readActiveOutcomes = (db: Db, tenantId: string) =>
  repo.findActiveWorkflowOutcomes(db, tenantId, ACTIVE);

/**
 * Tells the index how each of its workflows began (its first outcomes' durations), which a new
 * workflow's forecast reads: the index holds only recent outcomes. One read.
 */
async function addFirstRuns(db: Db, tenantId: string, index: RunIndex): Promise<void> {
  const first = await repo.findFirstOutcomeDurations(
    db,
    tenantId,
    [...index.workflow.keys()],
    FIRST_RUNS,
  );
  for (const [workflowId, durations] of first) setFirstRuns(index, workflowId, durations);
}

/** An index of these outcomes, added oldest first. */
function indexOutcomes(rows: Map<string, ForecastHistoryRow>): RunIndex {
  const index = createRunIndex();
  for (const row of [...rows.values()].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.runId.localeCompare(b.runId),
  ))
    addRun(index, pastRunOf(row));
  return index;
}

/**
 * The recent runs that predict runs of these workflows and task classes, indexed oldest first:
 * each workflow's last 40 outcomes, each class's last 400 and the tenant's last 60; and when one
 * of `alike` has fewer than `alike.runsBelow` outcomes (its runs are predicted, or scored, as a
 * new workflow's), the recently active workflows' latest 20 too; and when one of
 * `workflowIds` has fewer than FIRST_RUNS outcomes (its runs are predicted as a new workflow's, or
 * its similar tasks' pull is scored on them), how each indexed workflow began (addFirstRuns). With
 * the index, the workflows and classes whose read came back full: for those the index holds only
 * recent runs, for the others all of them.
 */
export async function loadRunIndex(
  db: Db,
  tenantId: string,
  of: {
    workflowIds: string[];
    taskClasses: string[];
    alike?: { workflowIds: string[]; runsBelow: number };
  },
): Promise<{ index: RunIndex; full: ReadFull }> {
  const { rows, full } = await readOutcomes(db, tenantId, of);
  const runs = new Map<string, number>();
  for (const row of rows.values()) runs.set(row.workflowId, (runs.get(row.workflowId) ?? 0) + 1);
  if (of.alike?.workflowIds.some((id) => (runs.get(id) ?? 0) < of.alike!.runsBelow))
    mergeOutcomes(rows, await readActiveOutcomes(db, tenantId));
  const index = indexOutcomes(rows);
  if (of.workflowIds.some((id) => (runs.get(id) ?? 0) < FIRST_RUNS))
    await addFirstRuns(db, tenantId, index);
  return { index, full };
}

/** The structure of the document a run would run; empty when there is none that loads. */
async function readShape(
  db: Db,
  tenantId: string,
  of: { versionId: string | null; workflowId: string },
): Promise<string[]> {
  const document = await repo.findRunDocument(db, tenantId, of);
  if (document === undefined) return [];
  try {
    return workflowShape(loadWorkflowDocument(document));
  } catch {
    return [];
  }
}

/**
 * What a run of a workflow's version (or its draft) is expected to do, with the number of runs
 * behind each level counted in full (the index keeps only the recent ones). A workflow never run
 * is predicted from the workflows built like it as well (its structure: `shape`, or read from
 * the document it would run), which costs two more reads, for such workflows only (one when the
 * caller passes `shape`, as learning.predictRun does).
 */
export async function forecastWorkflowRun(
  db: Db,
  tenantId: string,
  run: {
    workflowId: string;
    versionId: string | null;
    taskClass: string;
    strategyId: string;
    shape?: readonly string[];
  },
): Promise<RunForecast & Partial<Pick<StoredForecast, "runsRecent">>> {
  const draft = run.versionId === null;
  const [{ rows }, counts, state] = await Promise.all([
    readOutcomes(db, tenantId, { workflowIds: [run.workflowId], taskClasses: [run.taskClass] }),
    repo.countOutcomes(db, tenantId, {
      versionId: run.versionId,
      workflowId: run.workflowId,
      taskClass: run.taskClass,
    }),
    repo.findLearningState(db, tenantId),
  ]);
  // Structure says something only of a workflow never run (run-forecast.ts levelsOf).
  let shape: readonly string[] | undefined;
  if (counts.workflow === 0) {
    const [known, active] = await Promise.all([
      run.shape ?? readShape(db, tenantId, run),
      readActiveOutcomes(db, tenantId),
    ]);
    shape = known;
    mergeOutcomes(rows, active);
  }
  const index = indexOutcomes(rows);
  if (counts.workflow === 0) await addFirstRuns(db, tenantId, index);
  const facts = factsOf({ ...run, versionId: run.versionId ?? "", draft, shape });
  setRunTotal(index, "version", facts.versionId, draft ? counts.draft : counts.version);
  setRunTotal(index, "workflow", facts.workflowId, counts.workflow);
  setRunTotal(index, "similar", facts.taskClass, counts.similar);
  setRunTotal(index, "all", "", state?.outcomes ?? 0);
  const forecast = forecastRun(index, readTuning(state?.forecastTuning), facts);
  const { atLeast, recent } = cappedCounts({
    ...counts,
    version: draft ? counts.draft : counts.version,
  });
  return {
    ...forecast,
    ...(Object.keys(atLeast).length ? { runsAtLeast: atLeast } : {}),
    ...(Object.keys(recent).length ? { runsRecent: recent } : {}),
  };
}

type CountFlags = NonNullable<RunForecast["runsAtLeast"]>;

/**
 * Which counts of countOutcomes are not exact. A workflow's and a class's are lower bounds when
 * they reached OUTCOME_COUNT_CAP ("10,000+ runs"). A version's (and the draft's) is counted among
 * the workflow's latest outcomes only, so when the workflow's reached the cap it is a count of
 * recent runs ("3,000 recent runs": older runs of the version may lie beyond), a lower bound only
 * when it reached the cap itself. The tenant's total is counted in full.
 */
export function cappedCounts(counts: { version: number; workflow: number; similar: number }): {
  atLeast: CountFlags;
  recent: CountFlags;
} {
  const atLeast: CountFlags = {};
  const recent: CountFlags = {};
  if (counts.workflow >= repo.OUTCOME_COUNT_CAP) {
    atLeast.workflow = true;
    if (counts.version >= repo.OUTCOME_COUNT_CAP) atLeast.version = true;
    else recent.version = true;
  }
  if (counts.similar >= repo.OUTCOME_COUNT_CAP) atLeast.similar = true;
  return { atLeast, recent };
}

/**
 * A forecast as the outcome recorder stores it: its counts are of the runs it read (each
 * workflow's latest 40, each class's latest 400, ...), not counted in full as the run dialog's
 * are; `runsRecent` names those that are only of recent runs, so the run page says "based on 40
 * recent runs of this version" where the dialog says the version's 2,345. The others are exact
 * (the workflow's or class's read held all its outcomes; the tenant's total is on its learning
 * state). Forecasts stored before it was kept have no `runsRecent`: all their counts were recent.
 */
export type StoredForecast = RunForecast & {
  runsRecent: Partial<Record<keyof RunForecast["runs"], true>>;
};

/**
 * Predicts each of a batch of finished runs from the runs before it (the stored ones, then the
 * batch's earlier ones), learning from each in turn: what the outcome recorder stores with each
 * outcome, and the tuning to keep. Counts no more than the index holds (no read per run): see
 * StoredForecast.
 */
export async function forecastBatch(
  db: Db,
  tenantId: string,
  state: { forecastTuning: unknown; outcomes: number },
  runs: Array<
    RunFacts & {
      runId: string;
      success: number;
      durationMs: number;
      tokens: number;
      costUsd: number;
    }
  >,
): Promise<{ forecasts: Map<string, StoredForecast>; tuning: ForecastTuning }> {
  const { index, full } = await loadRunIndex(db, tenantId, {
    workflowIds: runs.map((r) => r.workflowId),
    taskClasses: runs.map((r) => r.taskClass),
    // A workflow's first runs with a known structure teach which likeness predicts (learnFromRun).
    alike: {
      workflowIds: runs.filter((r) => r.shape?.length).map((r) => r.workflowId),
      runsBelow: LIKENESS_RUNS,
    },
  });
  setRunTotal(index, "all", "", state.outcomes);
  let tuning = readTuning(state.forecastTuning);
  const forecasts = new Map<string, StoredForecast>();
  for (const run of runs) {
    const runsRecent: StoredForecast["runsRecent"] = {};
    if (full.workflows.has(run.workflowId)) runsRecent.version = runsRecent.workflow = true;
    if (full.taskClasses.has(run.taskClass)) runsRecent.similar = true;
    forecasts.set(run.runId, { ...forecastRun(index, tuning, run), runsRecent });
    tuning = learnFromRun(tuning, index, run);
    addRun(index, run);
  }
  return { forecasts, tuning };
}

/** How many predicted outcomes the Learning page's accuracy figures read. */
const ACCURACY_WINDOW = 2_000;
const DAY_MS = 86_400_000;

const inside = (forecast: RunForecast, ms: number) =>
  forecast.durationMs !== null && ms >= forecast.durationMs.low && ms <= forecast.durationMs.high;

/**
 * How good the predictions were, from the tenant's latest 2,000 runs that had one: a calibration
 * table (predicted success in ten bins against the observed rate) and, per day, the Brier score,
 * the duration error (median absolute percentage) and the share of durations inside the 80 %
 * interval; plus the same over the whole window.
 */
export async function getForecastAccuracy(ctx: TenantContext) {
  const rows = (await repo.findPredictedOutcomes(ctx.db, ctx.tenant.id, ACCURACY_WINDOW))
    .map((row) => ({ ...row, forecast: row.prediction as RunForecast, y: successShare(row) }))
    .reverse();
  const bins = Array.from({ length: 10 }, (_, i) => ({
    low: i / 10,
    high: (i + 1) / 10,
    runs: 0,
    predicted: 0,
    observed: 0,
  }));
  for (const row of rows) {
    const p = row.forecast.success.probability;
    const bin = bins[Math.min(9, Math.floor(p * 10))]!;
    bin.runs += 1;
    bin.predicted += p;
    bin.observed += row.y;
  }
  const figures = (group: typeof rows) => {
    const timed = group.filter((r) => r.forecast.durationMs !== null && r.latencyMs > 0);
    return {
      runs: group.length,
      brier:
        group.reduce((sum, r) => sum + (r.forecast.success.probability - r.y) ** 2, 0) /
        (group.length || 1),
      durationMdape: timed.length
        ? medianOf(
            timed.map(
              (r) =>
                // Forecasts stored before the point forecast said only the median.
                Math.abs(
                  (r.forecast.durationMs!.point ?? r.forecast.durationMs!.median) - r.latencyMs,
                ) / r.latencyMs,
            ),
          )
        : null,
      intervalCoverage: timed.length
        ? timed.filter((r) => inside(r.forecast, r.latencyMs)).length / timed.length
        : null,
    };
  };
  const days = new Map<number, typeof rows>();
  for (const row of rows) {
    const day = Math.floor(row.createdAt.getTime() / DAY_MS) * DAY_MS;
    days.set(day, [...(days.get(day) ?? []), row]);
  }
  return {
    calibration: bins
      .filter((b) => b.runs > 0)
      .map((b) => ({
        low: b.low,
        high: b.high,
        runs: b.runs,
        predicted: b.predicted / b.runs,
        observed: b.observed / b.runs,
      })),
    calibrationError: expectedCalibrationError(
      rows.map((r) => r.forecast.success.probability),
      rows.map((r) => r.y),
    ),
    overall: figures(rows),
    byDay: [...days].map(([day, group]) => ({ day: new Date(day), ...figures(group) })),
  };
}
