import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runEvents, runs, workflows } from "@/db/schema";

// Questions a tool's server asks during a running run's step (step.elicitation events) that no
// step.elicitation.ended event has closed yet: what the approvals inbox lists and what an answer
// must name.

export type OpenQuestion = {
  runId: string;
  workflowName: string;
  stepId: string;
  key: string;
  server: string;
  tool: string;
  request: Record<string, unknown>;
  expiresAt: number;
  askedAt: Date;
};

type Payload = {
  stepId: string;
  key: string;
  server: string;
  tool: string;
  request: Record<string, unknown>;
  expiresAt: number;
};

const isOpen = sql`not exists (select 1 from ${runEvents} as ended
  where ended.run_id = ${runEvents.runId} and ended.type = 'step.elicitation.ended'
  and ended.payload ->> 'key' = ${runEvents.payload} ->> 'key')`;

const toQuestion = (row: {
  runId: string;
  workflowName: string;
  payload: unknown;
  at: Date;
}): OpenQuestion => {
  const p = row.payload as Payload;
  return {
    runId: row.runId,
    workflowName: row.workflowName,
    stepId: p.stepId,
    key: p.key,
    server: p.server,
    tool: p.tool,
    request: p.request,
    expiresAt: p.expiresAt,
    askedAt: row.at,
  };
};

/** step.elicitation events with their run's workflow name: what both readers filter. */
const questionRows = (db: Db) =>
  db
    .select({
      runId: runEvents.runId,
      workflowName: workflows.name,
      payload: runEvents.payload,
      at: runEvents.at,
    })
    .from(runEvents)
    .innerJoin(runs, eq(runs.id, runEvents.runId))
    .innerJoin(workflows, eq(workflows.id, runs.workflowId));

/** Open questions of the tenant's running runs, newest first (at most `limit`). */
export async function listOpenQuestions(
  db: Db,
  tenantId: string,
  limit = 100,
): Promise<OpenQuestion[]> {
  const rows = await questionRows(db)
    .where(
      and(
        eq(runs.tenantId, tenantId),
        eq(runs.status, "running"),
        eq(runEvents.type, "step.elicitation"),
        isOpen,
      ),
    )
    .orderBy(desc(runEvents.id))
    .limit(limit);
  return rows.map(toQuestion);
}

/** One open question of a run, by its key; undefined when it was closed or never asked. */
export async function findOpenQuestion(
  db: Db,
  tenantId: string,
  runId: string,
  key: string,
): Promise<OpenQuestion | undefined> {
  const [row] = await questionRows(db)
    .where(
      and(
        eq(runEvents.tenantId, tenantId),
        eq(runEvents.runId, runId),
        eq(runEvents.type, "step.elicitation"),
        sql`${runEvents.payload} ->> 'key' = ${key}`,
        isOpen,
      ),
    )
    .limit(1);
  return row ? toQuestion(row) : undefined;
}
