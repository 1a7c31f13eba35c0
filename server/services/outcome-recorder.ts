import type { Db } from "@/db/client";
import { analyzeTask } from "@/engine/autonomy/analyze-task";
import type { Pattern } from "@/engine/autonomy/vocabulary";
import { recordExperimentOutcome, type Experiment } from "@/engine/learning/experiments";
import { classifyTask } from "@/engine/learning/outcome";
import { createPreferences, detectPattern, modelsOf } from "@/engine/learning/preferences";
import {
  createLearningBook,
  recordOutcome,
  successShare,
  type LearningBook,
} from "@/engine/learning/strategy-stats";
import { workflowShape } from "@/engine/learning/workflow-shape";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";
import type { LlmPort } from "@/engine/runtime/ports";
import * as repo from "@/server/repositories/learning";
import { findVersionsWithWorkflowText } from "@/server/repositories/workflow-versions";
import { factsOf, forecastBatch } from "./learning-forecasts";
import { Batcher } from "./batcher";
import { createRunScorer, readSuccessMeasure } from "./success-measure";

/** A finished run, as the executor reports it. */
export interface FinishedRun {
  runId: string;
  tenantId: string;
  workflowId: string;
  versionId: string;
  success: boolean;
  latencyMs: number;
  tokens: number;
  costUsd: number;
  /** The success measure in [0, 1] when it is a score (an evaluation item's): counted as that share of a success. */
  score?: number;
  /** "evaluation" for an evaluation item's run: recorded by the evaluation, with its score, and never an experiment's. */
  source?: "run" | "evaluation";
  /** The run's input and output (or error), for experiments whose success measure is an evaluator. */
  input?: unknown;
  output?: unknown;
  runError?: string;
}

/** What a workflow version is, for learning: the class of task it does, its pattern and strategy. */
export interface VersionProfile {
  taskClass: string;
  pattern: Pattern;
  strategyId: string;
}

/** A workflow's task in words (its name and description) → its class; its document → pattern and strategy (pattern and model). */
export function profileVersion(
  workflow: { name: string; description: string },
  document: unknown,
): VersionProfile {
  const doc = loadWorkflowDocument(document);
  const pattern = detectPattern(doc);
  const model = [...modelsOf(doc)].sort()[0] ?? "default";
  return {
    taskClass: classifyTask(analyzeTask(`${workflow.name}. ${workflow.description}`)),
    pattern,
    strategyId: `${pattern}/${model}`,
  };
}

/** A tenant's learning before its first outcome or edit. */
export const emptyLearningState = () => ({
  book: createLearningBook(),
  preferences: createPreferences(),
});

const PROFILE_CACHE_LIMIT = 2_000;
/** Outcomes written per transaction. */
const CHUNK = 100;

/**
 * Turns finished runs into learning: collects them in memory and, every few seconds, stores their
 * outcomes (`run_outcomes`, one row per run, a second flush of the same run is a no-op), adds them
 * to the tenant's learning book and to the running A/B experiment of their workflow, whose stop
 * rule may then name a winner. Off the run's own path: a run never waits for this.
 *
 * The success measure of an outcome is its `score` when it has one (a fractional Beta update),
 * else run success. Evaluation items bring their evaluation's score (the executor leaves their
 * runs out, so each counts once) and never join an experiment, which measures live traffic. An
 * experiment whose success measure is an evaluator has its runs scored here, before the
 * transaction (an LLM judge may take seconds); a run the evaluator cannot score (no reference, no
 * model) is recorded as an outcome but left out of the experiment.
 */
export class OutcomeRecorder {
  private readonly batcher = new Batcher<FinishedRun>({
    write: (batch) => this.store(batch),
    onError: (error, lost) =>
      console.error(
        `Run outcomes could not be stored (${lost.length} lost): ${error instanceof Error ? error.message : String(error)}`,
      ),
  });
  /** Each version's profile and structure (stored with its outcomes: a new workflow's forecast finds its likes by it). */
  private readonly profiles = new Map<string, VersionProfile & { shape: string[] }>();

  constructor(
    private readonly db: Db,
    private readonly options: { llm?: (tenantId: string) => LlmPort | undefined } = {},
  ) {}

  record(run: FinishedRun): void {
    this.batcher.add(run);
  }

  private async profilesOf(
    versionIds: string[],
  ): Promise<Map<string, VersionProfile & { shape: string[] }>> {
    // Evicted before looking: clearing after would drop the batch's cached versions too.
    if (this.profiles.size >= PROFILE_CACHE_LIMIT) this.profiles.clear();
    const missing = [...new Set(versionIds)].filter((id) => !this.profiles.has(id));
    if (missing.length) {
      for (const row of await findVersionsWithWorkflowText(this.db, missing)) {
        try {
          const document = loadWorkflowDocument(row.document);
          this.profiles.set(row.id, {
            ...profileVersion(row, document),
            shape: workflowShape(document),
          });
        } catch {
          // A document that no longer loads teaches nothing.
        }
      }
    }
    return this.profiles;
  }

  flush(): Promise<void> {
    return this.batcher.flush();
  }

  private async store(batch: FinishedRun[]) {
    const profiles = await this.profilesOf(batch.map((r) => r.versionId));
    const byTenant = new Map<string, FinishedRun[]>();
    for (const run of batch)
      if (profiles.has(run.versionId))
        byTenant.set(run.tenantId, [...(byTenant.get(run.tenantId) ?? []), run]);
    // Small transactions: a long one would hold up the run journal's writes behind it (event lag).
    const chunks = [...byTenant].flatMap(([tenantId, runs]) =>
      Array.from(
        { length: Math.ceil(runs.length / CHUNK) },
        (_, i) => [tenantId, runs.slice(i * CHUNK, (i + 1) * CHUNK)] as const,
      ),
    );
    for (const [tenantId, runs] of chunks) {
      const experimentScores = await this.scoreForExperiments(tenantId, runs);
      await this.db.transaction(async (tx) => {
        const running = await repo.findRunningExperimentsOf(tx, tenantId, [
          ...new Set(runs.map((r) => r.workflowId)),
        ]);
        const experimentsByWorkflow = new Map(running.map((e) => [e.workflowId, e]));
        const armOf = (run: FinishedRun) => {
          const experiment =
            run.source === "evaluation" ? undefined : experimentsByWorkflow.get(run.workflowId);
          const arm =
            experiment &&
            Object.entries(experiment.versions).find(
              ([, versionId]) => versionId === run.versionId,
            )?.[0];
          if (!experiment || !arm) return { experimentId: null, arm: null };
          if (readSuccessMeasure(experiment.successMeasure).kind === "run-success")
            return { experimentId: experiment.id, arm };
          // Scored by the experiment's evaluator (before the transaction, for the experiment it ran under then).
          const scored = experimentScores.get(run.runId);
          return scored?.experimentId === experiment.id && scored.score !== null
            ? { experimentId: experiment.id, arm, score: scored.score }
            : { experimentId: null, arm: null };
        };
        const state = await repo.lockLearningState(tx, tenantId, emptyLearningState());
        // Each outcome keeps what was predicted for its run from the runs recorded before it.
        const recorded = await repo.findRecordedRunIds(
          tx,
          runs.map((r) => r.runId),
        );
        const fresh = runs.filter((run) => !recorded.has(run.runId));
        const drafts = await repo.findDraftVersionIds(tx, [
          ...new Set(fresh.map((r) => r.versionId)),
        ]);
        const { forecasts, tuning } = await forecastBatch(
          tx,
          tenantId,
          state,
          fresh.map((run) => ({
            runId: run.runId,
            ...factsOf({
              ...run,
              ...profiles.get(run.versionId)!,
              draft: drafts.has(run.versionId),
            }),
            success: successShare(run),
            durationMs: run.latencyMs,
            tokens: run.tokens,
            costUsd: run.costUsd,
          })),
        );
        const inserted = await repo.insertOutcomes(
          tx,
          fresh.map((run) => ({
            runId: run.runId,
            tenantId,
            workflowId: run.workflowId,
            versionId: run.versionId,
            ...profiles.get(run.versionId)!,
            success: run.success,
            score: run.score ?? null,
            source: run.source ?? "run",
            latencyMs: Math.round(run.latencyMs),
            tokens: run.tokens,
            costUsd: run.costUsd,
            prediction: forecasts.get(run.runId) ?? null,
            ...armOf(run),
          })),
        );
        if (inserted.length === 0) return;

        let book = state.book as LearningBook;
        for (const o of inserted) {
          book = recordOutcome(book, {
            taskClass: o.taskClass,
            pattern: o.pattern as Pattern,
            strategyId: o.strategyId,
            success: o.success,
            ...(o.score === null ? {} : { score: o.score }),
            latencyMs: o.latencyMs,
            tokens: o.tokens,
            cost: o.costUsd,
          });
        }
        await repo.saveLearningState(tx, {
          tenantId,
          book,
          preferences: state.preferences,
          outcomes: state.outcomes + inserted.length,
          forecastTuning: tuning,
        });

        const locked = await repo.lockRunningExperiments(tx, [
          ...new Set(inserted.flatMap((o) => (o.experimentId ? [o.experimentId] : []))),
        ]);
        for (const row of locked) {
          let experiment = row.state as Experiment;
          for (const o of inserted)
            if (o.experimentId === row.id && o.arm)
              experiment = recordExperimentOutcome(experiment, o.arm, {
                success: o.success,
                score: o.score,
                latencyMs: o.latencyMs,
                cost: o.costUsd,
              });
          const stopped = experiment.result?.status === "stopped";
          await repo.updateExperiment(tx, row.id, {
            state: experiment,
            ...(stopped
              ? { status: "completed" as const, result: experiment.result, endedAt: new Date() }
              : {}),
          });
        }
      });
    }
  }

  /** Runs in an experiment whose success measure is an evaluator: each run's score under it (null when it cannot be scored). */
  private async scoreForExperiments(
    tenantId: string,
    runs: FinishedRun[],
  ): Promise<Map<string, { experimentId: string; score: number | null }>> {
    const scores = new Map<string, { experimentId: string; score: number | null }>();
    const live = runs.filter((run) => run.source !== "evaluation");
    if (live.length === 0) return scores;
    const running = await repo.findRunningExperimentsOf(this.db, tenantId, [
      ...new Set(live.map((r) => r.workflowId)),
    ]);
    const scored = running.flatMap((experiment) => {
      const measure = readSuccessMeasure(experiment.successMeasure);
      return measure.kind === "evaluator" ? [{ experiment, measure }] : [];
    });
    if (scored.length === 0) return scores;
    const scoreRun = createRunScorer(this.db, this.options.llm?.(tenantId));
    for (const run of live) {
      const found = scored.find(
        ({ experiment }) =>
          experiment.workflowId === run.workflowId &&
          Object.values(experiment.versions).includes(run.versionId),
      );
      if (!found) continue;
      try {
        const { score } = await scoreRun(tenantId, found.measure, {
          input: run.input,
          output: run.output,
          runError: run.runError,
          latencyMs: run.latencyMs,
          costUsd: run.costUsd,
        });
        scores.set(run.runId, { experimentId: found.experiment.id, score });
      } catch (error) {
        console.error(
          `Run ${run.runId} could not be scored for its experiment: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return scores;
  }

  start(intervalMs = 1_000): void {
    this.batcher.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.batcher.close();
  }
}
