import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { DEMO_ACCOUNTS, seedDemoData } from "@/db/seed";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { getEnv } from "@/server/env";
import { findUserByEmail } from "@/server/repositories/users";
import { findWorkflowOfTenantSlug } from "@/server/repositories/workflows";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { evaluationSettled } from "@/server/services/evaluations";
import { createTestDatabase } from "@/server/testing/database";
import { testMeta } from "@/server/testing/factories";
import { seedDemoDatasets } from "./demo-datasets";
import { demoWorkflows } from "./demo-workflows";

/** The demo's datasets: seeded once, and the seeded "Welcome a new teammate" scores 1.0 on "Onboarding checks". */
let database: Database;
let runs: RunSystem;
beforeAll(async () => {
  database = await createTestDatabase();
  runs = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `demo-datasets-${randomBytes(4).toString("hex")}`,
    llm: () => undefined,
    tools: () => undefined,
    scheduleTickMs: 0,
  });
  await runs.startWorkers(4);
});
afterAll(async () => {
  await runs?.close();
  await database?.close();
});

describe("the demo datasets", () => {
  it("are seeded once, and the seeded 'Welcome a new teammate' scores 1.0 on every item of 'Onboarding checks'", async () => {
    expect(
      await seedDemoData(database.db, {
        hashPassword: async (p) => `plain:${p}`,
        workflows: demoWorkflows(),
      }),
    ).toBe(true);
    expect(await seedDemoDatasets(database.db)).toBe(2);
    expect(await seedDemoDatasets(database.db)).toBe(0); // idempotent

    const welcome = await findWorkflowOfTenantSlug(database.db, "demo", "Welcome a new teammate");
    const triage = await findWorkflowOfTenantSlug(database.db, "demo", "Triage a support ticket");
    const owner = await findUserByEmail(database.db, DEMO_ACCOUNTS.owner.email);
    const caller = createCaller(
      await createContext({
        db: database.db,
        identity: { userId: owner!.id, tenantId: welcome!.tenantId },
        meta: testMeta,
        runSystem: async () => runs,
      }),
    );

    const [checks] = await caller.dataset.list({ workflowId: welcome!.workflowId });
    expect(checks).toMatchObject({ name: "Onboarding checks", itemCount: 4 });
    const [judged] = await caller.dataset.list({ workflowId: triage!.workflowId });
    expect(judged).toMatchObject({
      name: "Reply quality",
      itemCount: 3,
      evaluators: [{ kind: "llm-judge" }],
    });

    // The demo workflows are seeded as drafts: the seeded version is the draft.
    const started = await caller.evaluation.start({ datasetId: checks!.id, draft: true });
    await evaluationSettled(started.id);
    const { evaluation, items } = await caller.evaluation.get({ id: started.id });
    expect(evaluation).toMatchObject({ status: "completed", totalItems: 4 });
    expect(items).toHaveLength(4);
    for (const item of items) {
      expect(item.score).toBe(1);
      expect((item.results as { score: number | null }[]).map((r) => r.score)).toEqual([
        1, 1, 1, 1,
      ]);
    }
  });
});
