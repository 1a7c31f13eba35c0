import type { Db, Tx } from "@/db/client";
import {
  analyzeTask,
  emptyPatternDelta,
  learnPatternCorrection,
  PATTERN_MODEL,
  PatternDeltaSchema,
  type PatternDelta,
  type Pattern,
} from "@/engine/autonomy";
import * as repo from "@/server/repositories/planner-deltas";

/**
 * The tenant's own corrections teach its planner online: choosing another pattern for a proposal
 * (in the dialog, or in the first published version) and rating runs of a workflow made from a
 * proposal move a per-tenant delta on the pattern model (engine/autonomy/pattern-delta.ts), so the
 * next similar task is proposed as that tenant wants, and no other tenant's is.
 */

/** The tenant's delta, or undefined before its first correction (or if the stored one is unreadable). */
export async function loadPatternDelta(
  db: Db,
  tenantId: string,
): Promise<PatternDelta | undefined> {
  const row = await repo.findPlannerDelta(db, tenantId);
  const parsed = row ? PatternDeltaSchema.safeParse(row.patternDelta) : undefined;
  return parsed?.success && parsed.data.corrections > 0 ? parsed.data : undefined;
}

/** Learns one correction inside the caller's transaction: `pattern` wanted (or, `away`, not wanted) for `task`. */
export async function learnPatternChoiceIn(
  tx: Tx,
  tenantId: string,
  input: { task: string; pattern: Pattern; away?: boolean },
): Promise<void> {
  const row = await repo.lockPlannerDelta(tx, tenantId, emptyPatternDelta());
  const stored = PatternDeltaSchema.safeParse(row.patternDelta);
  const delta = learnPatternCorrection(
    stored.success ? stored.data : emptyPatternDelta(),
    PATTERN_MODEL,
    analyzeTask(input.task).cues,
    input.pattern,
    input.away ? { away: true } : {},
  );
  await repo.savePlannerDelta(tx, tenantId, delta, delta.corrections);
}

/** Learns one correction in a transaction of its own. */
export async function learnPatternChoice(
  db: Db,
  tenantId: string,
  input: { task: string; pattern: Pattern; away?: boolean },
): Promise<void> {
  await db.transaction((tx) => learnPatternChoiceIn(tx, tenantId, input));
}

/**
 * A rating of a run of a workflow made from a proposal: 4–5 confirms its pattern for the task,
 * 1–2 turns the planner away from it, 3 says nothing. Workflows not made from a proposal teach nothing.
 */
export async function learnFromRatingIn(
  tx: Tx,
  tenantId: string,
  input: { workflowId: string; pattern: string; rating: number },
): Promise<void> {
  if (input.rating === 3) return;
  const task = await repo.findProposalTask(tx, tenantId, input.workflowId);
  const pattern = PATTERN_MODEL.labels.includes(input.pattern)
    ? (input.pattern as Pattern)
    : undefined;
  if (!task || !pattern) return;
  await learnPatternChoiceIn(tx, tenantId, { task, pattern, away: input.rating <= 2 });
}
