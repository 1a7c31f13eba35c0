import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { workflows } from "@/db/schema";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant } from "@/server/testing/factories";
import { countOutcomes, listOutcomes, OUTCOME_COUNT_CAP } from "./learning";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** `runs` outcomes of a workflow's version in a task class, one a second back from `at`. */
async function insertRuns(
  tenantId: string,
  of: { workflowId: string; versionId: string; taskClass: string },
  runs: number,
  at = "2026-03-01 12:00:00+00",
) {
  await database.db.execute(sql`
    insert into run_outcomes (run_id, tenant_id, workflow_id, version_id, task_class, pattern,
      strategy_id, success, latency_ms, tokens, cost_usd, created_at)
    select gen_random_uuid(), ${tenantId}, ${of.workflowId}, ${of.versionId}, ${of.taskClass},
      'sequential', 'sequential/default', true, 1000, 0, 0,
      ${at}::timestamptz - (i || ' seconds')::interval
    from generate_series(1, ${runs}) i`);
}

async function insertVersion(tenantId: string, workflowId: string, version: number | null) {
  const id = randomUUID();
  await database.db.execute(sql`
    insert into workflow_versions (id, tenant_id, workflow_id, version, document, plan)
    values (${id}, ${tenantId}, ${workflowId}, ${version}, '{}'::jsonb, '{}'::jsonb)`);
  return id;
}

describe("countOutcomes", () => {
  it("counts a version's, a draft's, a workflow's and a task class's outcomes", async () => {
    const tenant = await makeTenant(database.db);
    const other = await makeTenant(database.db);
    const [created] = await database.db
      .insert(workflows)
      .values({
        tenantId: tenant.id,
        name: "Load the files",
        description: "",
        document: { version: 2, name: "Load the files", nodes: [], edges: [] },
      })
      .returning({ id: workflows.id });
    const workflowId = created!.id;
    const [v1, v2, draft] = await Promise.all([
      insertVersion(tenant.id, workflowId, 1),
      insertVersion(tenant.id, workflowId, 2),
      insertVersion(tenant.id, workflowId, null),
    ]);
    await insertRuns(tenant.id, { workflowId, versionId: v1, taskClass: "files|q" }, 4);
    await insertRuns(tenant.id, { workflowId, versionId: v2, taskClass: "files|q" }, 3);
    await insertRuns(tenant.id, { workflowId, versionId: draft, taskClass: "files|q" }, 2);
    const elsewhere = { workflowId: randomUUID(), versionId: randomUUID(), taskClass: "files|q" };
    await insertRuns(tenant.id, elsewhere, 5);
    await insertRuns(other.id, { workflowId, versionId: v1, taskClass: "files|q" }, 6);

    const of = { workflowId, taskClass: "files|q" };
    expect(await countOutcomes(database.db, tenant.id, { ...of, versionId: v2 })).toMatchObject({
      version: 3,
      workflow: 9,
      similar: 14,
    });
    expect(await countOutcomes(database.db, tenant.id, { ...of, versionId: null })).toMatchObject({
      draft: 2,
      workflow: 9,
      similar: 14,
    });
  });

  it("stops counting at its cap, however busy the workflow and its class", async () => {
    const tenant = await makeTenant(database.db);
    const of = { workflowId: randomUUID(), versionId: randomUUID(), taskClass: "fetch|-" };
    await insertRuns(tenant.id, of, OUTCOME_COUNT_CAP + 25);
    expect(await countOutcomes(database.db, tenant.id, of)).toMatchObject({
      version: OUTCOME_COUNT_CAP,
      workflow: OUTCOME_COUNT_CAP,
      similar: OUTCOME_COUNT_CAP,
    });
  });
});

describe("listOutcomes", () => {
  it("pages newest first through outcomes written at the same moment, none skipped or repeated", async () => {
    const tenant = await makeTenant(database.db);
    const of = { workflowId: randomUUID(), versionId: randomUUID(), taskClass: "files|q" };
    // Seven at one moment (ordered by run id), three older.
    for (let i = 0; i < 7; i++) await insertRuns(tenant.id, of, 1, "2026-03-01 12:00:10+00");
    await insertRuns(tenant.id, of, 3, "2026-03-01 12:00:05+00");
    const seen: { runId: string; createdAt: Date }[] = [];
    let cursor: string | null = null;
    do {
      const page = await listOutcomes(database.db, tenant.id, { cursor, limit: 3 });
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(10);
    expect(new Set(seen.map((o) => o.runId)).size).toBe(10);
    const order = [...seen].sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.runId < b.runId ? 1 : -1),
    );
    expect(seen.map((o) => o.runId)).toEqual(order.map((o) => o.runId));
  });
});
