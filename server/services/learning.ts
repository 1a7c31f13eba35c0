import type { Db } from "@/db/client";
import type { LearnedPatternStats } from "@/engine/autonomy/decide-pattern";
import type { TaskFeatures } from "@/engine/autonomy/vocabulary";
import { classifyTask } from "@/engine/learning/outcome";
import { createPreferences, learnFromEdit, preferenceBias, type PreferenceBias, type PreferenceCounters } from "@/engine/learning/preferences";
import { createLearningBook, learnedPatternStats, type LearningBook } from "@/engine/learning/strategy-stats";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import * as repo from "@/server/repositories/learning";

/** A tenant's learning state as the engine's types, empty when nothing was learned yet. */
export async function loadLearning(db: Db, tenantId: string): Promise<{ book: LearningBook; preferences: PreferenceCounters; outcomes: number }> {
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
export async function getPlannerContext(db: Db, tenantId: string): Promise<{ learnedFor: (features: TaskFeatures) => LearnedPatternStats | undefined; preferences: PreferenceBias }> {
  const { book, preferences } = await loadLearning(db, tenantId);
  return { learnedFor: (features) => learnedPatternStats(book, classifyTask(features)), preferences: preferenceBias(preferences) };
}

/** Keeps the planner's proposal for a workflow created from it, so the user's edits can be learned from. */
export async function recordProposal(db: Db, input: { tenantId: string; workflowId: string; task: string; document: WorkflowDocument }): Promise<void> {
  await repo.insertProposal(db, input);
}

/**
 * When a workflow made from a proposal is published the first time, what the user changed in it
 * (pattern, servers, models) updates the tenant's preference counters.
 */
export async function learnFromPublishedProposal(db: Db, tenantId: string, workflowId: string, published: unknown): Promise<void> {
  const proposal = await repo.findUnlearnedProposal(db, tenantId, workflowId);
  if (!proposal) return;
  const proposed = loadWorkflowDocument(proposal.document);
  const saved = loadWorkflowDocument(published);
  await db.transaction(async (tx) => {
    const txDb = tx as unknown as Db;
    const row = await repo.lockLearningState(txDb, tenantId);
    const preferences = learnFromEdit((row?.preferences as PreferenceCounters | undefined) ?? createPreferences(), proposed, saved);
    await repo.saveLearningState(txDb, { tenantId, book: row?.book ?? createLearningBook(), preferences, outcomes: row?.outcomes ?? 0 });
    await repo.markProposalLearned(txDb, workflowId);
  });
}
