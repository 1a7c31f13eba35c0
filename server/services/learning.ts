import type { Db } from "@/db/client";
import { AppError, notFound } from "@/engine/errors";
import { credibleInterval } from "@/engine/learning/beta-math";
import { createRng } from "@/engine/learning/random";
import { chooseStrategy } from "@/engine/learning/thompson";
import type { LearnedPatternStats } from "@/engine/autonomy/decide-pattern";
import type { TaskFeatures } from "@/engine/autonomy/vocabulary";
import { classifyTask } from "@/engine/learning/outcome";
import {
  createPreferences,
  detectPattern,
  learnFromEdit,
  preferenceBias,
  type PreferenceBias,
  type PreferenceCounters,
} from "@/engine/learning/preferences";
import {
  addToMean,
  createLearningBook,
  learnedPatternStats,
  type LearningBook,
  type StrategyStats,
} from "@/engine/learning/strategy-stats";
import { workflowShape } from "@/engine/learning/workflow-shape";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { shortNameOf } from "@/engine/autonomy/server-discovery";
import * as repo from "@/server/repositories/learning";
import { findCatalogEntriesByIds } from "@/server/repositories/mcp-catalog";
import { findRun } from "@/server/repositories/runs";
import { listAllInstallations } from "@/server/repositories/mcp-installations";
import {
  findLatestPublishedVersion,
  findVersionDetail,
} from "@/server/repositories/workflow-versions";
import { findWorkflow } from "@/server/repositories/workflows";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { forecastWorkflowRun } from "./learning-forecasts";
import { emptyLearningState, profileVersion } from "./outcome-recorder";
import { learnFromRatingIn, learnPatternChoiceIn } from "./planner-corrections";

/** A tenant's learning state as the engine's types, empty when nothing was learned yet. */
export async function loadLearning(
  db: Db,
  tenantId: string,
): Promise<{ book: LearningBook; preferences: PreferenceCounters; outcomes: number }> {
  const row = await repo.findLearningState(db, tenantId);
  return {
    book: (row?.book as LearningBook | undefined) ?? createLearningBook(),
    preferences: (row?.preferences as PreferenceCounters | undefined) ?? createPreferences(),
    outcomes: row?.outcomes ?? 0,
  };
}

/**
 * What the planner takes from a tenant's history: the success statistics per pattern for a task's
 * class (the decision engine weighs them on close calls), and the bias learned from edits.
 */
export async function getPlannerContext(
  db: Db,
  tenantId: string,
): Promise<{
  learnedFor: (features: TaskFeatures) => LearnedPatternStats | undefined;
  preferences: PreferenceBias;
}> {
  const { book, preferences } = await loadLearning(db, tenantId);
  return {
    learnedFor: (features) => learnedPatternStats(book, classifyTask(features)),
    preferences: preferenceBias(preferences),
  };
}

/** Keeps the planner's proposal for a workflow created from it, so the user's edits can be learned from. */
export async function recordProposal(
  db: Db,
  input: { tenantId: string; workflowId: string; task: string; document: WorkflowDocument },
): Promise<void> {
  await repo.insertProposal(db, input);
}

/**
 * When a workflow made from a proposal is published the first time, what the user changed in it
 * (pattern, servers, models) updates the tenant's preference counters.
 */
export async function learnFromPublishedProposal(
  db: Db,
  tenantId: string,
  workflowId: string,
  published: unknown,
): Promise<void> {
  const proposal = await repo.findUnlearnedProposal(db, tenantId, workflowId);
  if (!proposal) return;
  // Installation names ("files-prod") are the tenant's; the planner's bias speaks catalog short names ("filesystem").
  const shortNames = await shortNamesOfInstallations(db, tenantId);
  const proposed = renameServers(loadWorkflowDocument(proposal.document), shortNames);
  const saved = renameServers(loadWorkflowDocument(published), shortNames);
  await db.transaction(async (tx) => {
    const row = await repo.lockLearningState(tx, tenantId, emptyLearningState());
    const preferences = learnFromEdit(row.preferences as PreferenceCounters, proposed, saved);
    await repo.saveLearningState(tx, {
      tenantId,
      book: row.book,
      preferences,
      outcomes: row.outcomes,
    });
    await repo.markProposalLearned(tx, workflowId);
    // A pattern changed before the first publish corrects the planner for this tenant.
    const published = detectPattern(saved);
    if (published !== detectPattern(proposed))
      await learnPatternChoiceIn(tx, tenantId, { task: proposal.task, pattern: published });
  });
}

const rateWithInterval = (stats: StrategyStats) =>
  credibleInterval({ alpha: stats.alpha, beta: stats.beta });

const meanOrNull = (m: { n: number; mean: number }) => (m.n ? m.mean : null);

/**
 * The Learning page: per task class, every strategy's success posterior and running means, and the
 * strategy Thompson sampling would try next; per pattern; what edits taught; totals.
 */
export async function getLearningOverview(ctx: TenantContext) {
  const { book, preferences, outcomes } = await loadLearning(ctx.db, ctx.tenant.id);
  // Seeded by the outcome count: the page shows a stable pick until new evidence arrives.
  const rng = createRng(outcomes + 1);
  const classes = Object.entries(book.byClass)
    .map(([taskClass, strategies]) => {
      const rows = Object.entries(strategies)
        .map(([strategyId, stats]) => ({
          strategyId,
          runs: stats.n,
          successRate: rateWithInterval(stats),
          latencyMs: meanOrNull(stats.latencyMs),
          tokens: meanOrNull(stats.tokens),
          costUsd: meanOrNull(stats.cost),
          rating: meanOrNull(stats.rating),
        }))
        .sort((a, b) => b.successRate.mean - a.successRate.mean);
      const next = chooseStrategy(
        Object.entries(strategies).map(([id, s]) => ({
          id,
          stats: { alpha: s.alpha, beta: s.beta },
        })),
        rng,
      );
      return {
        taskClass,
        runs: rows.reduce((n, r) => n + r.runs, 0),
        strategies: rows,
        thompsonPick: next.id,
      };
    })
    .sort((a, b) => b.runs - a.runs);
  const patterns = Object.entries(book.byPattern).map(([pattern, stats]) => ({
    pattern,
    runs: stats!.n,
    successRate: rateWithInterval(stats!),
    latencyMs: meanOrNull(stats!.latencyMs),
    costUsd: meanOrNull(stats!.cost),
  }));
  return {
    outcomes,
    classes,
    patterns,
    preferences: { counters: preferences, bias: preferenceBias(preferences) },
  };
}

export async function getRunOutcome(ctx: TenantContext, runId: string) {
  const outcome = await repo.findOutcome(ctx.db, ctx.tenant.id, runId);
  if (outcome) return outcome;
  // Not recorded yet (null) only for a run of this tenant; another tenant's run does not exist here.
  if (!(await findRun(ctx.db, ctx.tenant.id, runId))) throw notFound("run", runId);
  return null;
}

export function listRunOutcomes(
  ctx: TenantContext,
  page: { cursor?: string | null; limit: number },
) {
  return repo.listOutcomes(ctx.db, ctx.tenant.id, page);
}

/**
 * What a run of this workflow (a version, its latest, or the draft) is expected to do, from the
 * tenant's history (services/learning-forecasts.ts over engine/learning/run-forecast.ts): success
 * with its interval, duration with its 80 % interval, tokens and cost, with the basis and the runs
 * behind them.
 */
export async function predictRun(
  ctx: TenantContext,
  input: { workflowId: string; versionId?: string; draft?: boolean },
) {
  const workflow = await findWorkflow(ctx.db, ctx.tenant.id, input.workflowId);
  if (!workflow) throw notFound("workflow", input.workflowId);
  const versionId = input.draft
    ? undefined
    : (input.versionId ??
      (await findLatestPublishedVersion(ctx.db, ctx.tenant.id, workflow.id))?.id);
  const version = versionId ? await findVersionDetail(ctx.db, ctx.tenant.id, versionId) : undefined;
  if (versionId && !version) throw notFound("workflow version", versionId);
  // The document a run would run: its profile, and its structure for a workflow never run.
  const document = loadWorkflowDocument(version?.document ?? workflow.document);
  const profile = profileVersion(workflow, document);
  const running = await repo.findRunningExperiment(ctx.db, ctx.tenant.id, workflow.id);
  // Runs that name no version go to its arms: the run form says so.
  const experiment = running
    ? { id: running.id, name: running.name, arms: Object.keys(running.versions) }
    : null;
  const prediction = await forecastWorkflowRun(ctx.db, ctx.tenant.id, {
    workflowId: workflow.id,
    versionId: versionId ?? null,
    taskClass: profile.taskClass,
    strategyId: profile.strategyId,
    shape: workflowShape(document),
  });
  return { ...profile, experiment, draft: !versionId, prediction };
}

/** A person's 1–5 rating of a finished run: kept on its outcome and in its strategy's running mean. */
export async function rateRun(ctx: TenantContext, input: { runId: string; rating: number }) {
  return withAudit(ctx, async (tx) => {
    const outcome = await repo.findOutcome(tx, ctx.tenant.id, input.runId);
    if (!outcome)
      throw new AppError(
        "NOT_FOUND",
        "That run has no recorded outcome yet: only finished runs can be rated",
        { what: "outcome" },
      );
    const state = await repo.lockLearningState(tx, ctx.tenant.id, emptyLearningState());
    if (outcome.rating === null) {
      const book = state.book as LearningBook;
      const stats = book.byClass[outcome.taskClass]?.[outcome.strategyId];
      if (stats) {
        const rated = { ...stats, rating: addToMean(stats.rating, input.rating) };
        const next = {
          ...book,
          byClass: {
            ...book.byClass,
            [outcome.taskClass]: {
              ...book.byClass[outcome.taskClass],
              [outcome.strategyId]: rated,
            },
          },
        };
        await repo.saveLearningState(tx, {
          tenantId: ctx.tenant.id,
          book: next,
          preferences: state.preferences,
          outcomes: state.outcomes,
        });
      }
    }
    // The first rating of a run of a proposed workflow also teaches the tenant's planner.
    if (outcome.rating === null)
      await learnFromRatingIn(tx, ctx.tenant.id, {
        workflowId: outcome.workflowId,
        pattern: outcome.pattern,
        rating: input.rating,
      });
    const updated = await repo.setOutcomeRating(tx, ctx.tenant.id, input.runId, input.rating);
    return {
      value: updated!,
      audit: {
        action: "run.rate",
        targetType: "run",
        targetId: input.runId,
        metadata: { rating: input.rating },
      },
    };
  });
}

/** Installation name → the short catalog name of what it installs (filesystem, github, …). */
async function shortNamesOfInstallations(db: Db, tenantId: string): Promise<Map<string, string>> {
  const installations = await listAllInstallations(db, tenantId);
  const entries = new Map(
    (
      await findCatalogEntriesByIds(db, [...new Set(installations.map((i) => i.catalogEntryId))])
    ).map((e) => [e.id, e]),
  );
  const names = new Map<string, string>();
  for (const installation of installations) {
    const entry = entries.get(installation.catalogEntryId);
    if (entry) names.set(installation.name, shortNameOf(entry.name));
  }
  return names;
}

/** The document with every MCP server name it uses passed through `names` (unknown names stay). */
function renameServers(
  doc: WorkflowDocument,
  names: ReadonlyMap<string, string>,
): WorkflowDocument {
  const rename = (list: string[] | undefined) => list?.map((s) => names.get(s) ?? s);
  return {
    ...doc,
    nodes: doc.nodes.map((node) => {
      switch (node.kind) {
        case "agent":
          return {
            ...node,
            config: { ...node.config, mcpServers: rename(node.config.mcpServers) },
          };
        case "tool":
          return node.config.server
            ? {
                ...node,
                config: {
                  ...node.config,
                  server: names.get(node.config.server) ?? node.config.server,
                },
              }
            : node;
        case "orchestrator":
          return node.config.worker
            ? {
                ...node,
                config: {
                  ...node.config,
                  worker: {
                    ...node.config.worker,
                    mcpServers: rename(node.config.worker.mcpServers),
                  },
                },
              }
            : node;
        case "swarm":
          return {
            ...node,
            config: {
              ...node.config,
              agents: node.config.agents?.map((a) => ({ ...a, mcpServers: rename(a.mcpServers) })),
            },
          };
        default:
          return node;
      }
    }),
  } as WorkflowDocument;
}
