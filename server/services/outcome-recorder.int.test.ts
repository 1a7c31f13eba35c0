import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import type { LearningBook } from "@/engine/learning/strategy-stats";
import { findLearningState } from "@/server/repositories/learning";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import { OutcomeRecorder, type FinishedRun } from "./outcome-recorder";
import { publishVersion } from "./workflow-versions";

/**
 * Two processes store the first outcomes of a tenant at the same moment (on PostgreSQL these are
 * two connections racing; PGlite runs them one after the other): the tenant's figures hold both.
 */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const greeting = makeWorkflow({
  name: "Greeting",
  nodes: [
    makeNode("input", "in"),
    makeNode("transform", "greet", { template: { message: "Hello" } }),
    makeNode("output", "out", { name: "greeting" }),
  ],
  edges: chain("in", "greet", "out"),
});

describe("the outcome recorder", () => {
  it("keeps every outcome when two processes store a tenant's first ones at once", async () => {
    for (let round = 0; round < 5; round++) {
      const ctx = await makeTenantContext(database.db, "admin");
      const workflow = await insertWorkflow(ctx.db, {
        tenantId: ctx.tenant.id,
        name: "Greeting",
        description: "Greet a colleague",
        document: greeting,
        createdBy: ctx.actor.userId,
      });
      const version = await publishVersion(ctx, { workflowId: workflow.id });
      const finished = (success: boolean): FinishedRun => ({
        runId: randomUUID(),
        tenantId: ctx.tenant.id,
        workflowId: workflow.id,
        versionId: version.id,
        success,
        latencyMs: 100,
        tokens: 0,
        costUsd: 0,
      });
      const [a, b] = [new OutcomeRecorder(database.db), new OutcomeRecorder(database.db)];
      for (let i = 0; i < 3; i++) a.record(finished(true));
      for (let i = 0; i < 2; i++) b.record(finished(false));
      await Promise.all([a.flush(), b.flush()]);

      const state = await findLearningState(database.db, ctx.tenant.id);
      expect(state!.outcomes).toBe(5);
      const { global } = state!.book as LearningBook;
      expect([global.alpha - 1, global.beta - 1]).toEqual([3, 2]);
    }
  });
});
