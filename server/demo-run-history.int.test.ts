import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { seedDemoData } from "@/db/seed";
import type { RunForecast } from "@/engine/learning/run-forecast";
import * as learning from "@/server/repositories/learning";
import { findRun } from "@/server/repositories/runs";
import { findLatestPublishedVersion } from "@/server/repositories/workflow-versions";
import { findWorkflow, findWorkflowOfTenantSlug } from "@/server/repositories/workflows";
import { forecastWorkflowRun } from "@/server/services/learning-forecasts";
import { profileVersion } from "@/server/services/outcome-recorder";
import { createTestDatabase } from "@/server/testing/database";
import { demoRunHistory, DEMO_HISTORY_SEED, seedDemoRunHistory } from "./demo-run-history";
import { demoWorkflows } from "./demo-workflows";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function forecastOf(name: string): Promise<RunForecast> {
  const row = (await findWorkflowOfTenantSlug(database.db, "demo", name))!;
  const workflow = (await findWorkflow(database.db, row.tenantId, row.workflowId))!;
  const version = await findLatestPublishedVersion(database.db, row.tenantId, row.workflowId);
  const profile = profileVersion(workflow, workflow.document);
  return forecastWorkflowRun(database.db, row.tenantId, {
    workflowId: row.workflowId,
    versionId: version?.id ?? null,
    ...profile,
  });
}

describe("the demo's run history", () => {
  it("is recorded with the demo: runs, their outcomes with what was predicted, and forecasts from them (the slow batch's published version 2 at its own ~20.6 s, not version 1's 24.6 s)", async () => {
    expect(
      await seedDemoData(database.db, {
        hashPassword: async (p) => `plain:${p}`,
        workflows: demoWorkflows(),
      }),
    ).toBe(true);
    const now = Date.now();
    const expected = demoRunHistory({ seed: DEMO_HISTORY_SEED, end: now - 3_600_000 });
    expect(await seedDemoRunHistory(database.db, now)).toBe(expected.length);
    const slow = expected.filter((r) => r.workflow === "Process a slow batch");
    expect(new Set(slow.map((r) => r.version))).toEqual(new Set([1, 2]));
    expect(expected.some((r) => !r.success)).toBe(true);

    const welcome = (await findWorkflowOfTenantSlug(
      database.db,
      "demo",
      "Welcome a new teammate",
    ))!;
    const outcomes = await learning.findPredictedOutcomes(database.db, welcome.tenantId, 1_000);
    expect(outcomes).toHaveLength(expected.length);
    const run = await findRun(database.db, welcome.tenantId, outcomes[0]!.runId);
    expect(run?.status).toMatch(/^(completed|failed)$/);
    const state = await learning.findLearningState(database.db, welcome.tenantId);
    expect(state?.outcomes).toBe(expected.length);

    const batch = await forecastOf("Process a slow batch");
    expect(batch.basis).toBe("version");
    expect(batch.runs.version).toBe(slow.filter((r) => r.version === 2).length);
    expect(batch.durationMs!.median).toBeGreaterThan(20_600 * 0.9);
    expect(batch.durationMs!.median).toBeLessThan(20_600 * 1.1);
    const note = await forecastOf("Welcome a new teammate");
    expect(note.basis).toBe("version"); // its draft's runs
    expect(note.durationMs!.median).toBeGreaterThan(800 * 0.8);
    expect(note.durationMs!.median).toBeLessThan(800 * 1.25);
  });
});
