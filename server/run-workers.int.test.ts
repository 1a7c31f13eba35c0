import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { findRun } from "@/server/repositories/runs";
import { listRunEvents } from "@/server/repositories/run-events";
import { listStepRuns } from "@/server/repositories/step-runs";
import { insertWorkflow } from "@/server/repositories/workflows";
import type { TenantContext } from "@/server/services/context";
import { catalogQuery, listCatalog } from "@/server/services/mcp-catalog";
import { installServer } from "@/server/services/mcp-installations";
import { startRun } from "@/server/services/runs";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import {
  startTestWorkers,
  workerPoolMode,
  type TestWorkerPool,
} from "@/server/testing/worker-harness";

/**
 * A worker dies in the middle of a run and another one finishes it from the last stored step.
 * With DATABASE_URL and REDIS_URL (the CI's second pass) the workers are two `npm run worker`
 * processes and one gets SIGKILL; on the embedded default they are two run systems in this process
 * sharing the database, and one is aborted. The steps are real MCP calls to the "everything"
 * server's long-running operation, installed for the tenant like any server.
 */
const STALE_AFTER_MS = 1_500;

let database: Database;
let pool: TestWorkerPool | undefined;
beforeAll(async () => {
  database = await createTestDatabase();
  pool = await startTestWorkers({ database, count: 2, staleAfterMs: STALE_AFTER_MS });
});
afterAll(async () => {
  await pool?.close();
  await database?.close();
});

const adminContext = () => makeTenantContext(database.db, "admin");

async function installEverything(ctx: TenantContext) {
  const { items } = await listCatalog(ctx, catalogQuery.parse({ search: "everything" }));
  const entry = items.find((i) => i.title === "Everything");
  if (!entry) throw new Error("the built-in catalog has no Everything server");
  await installServer(ctx, { catalogEntryId: entry.id, name: "everything", values: {} });
}

/** A tool step that takes `seconds`, reporting progress every half second. */
const slowStep = (id: string, seconds: number) =>
  makeNode("tool", id, {
    server: "everything",
    tool: "trigger-long-running-operation",
    args: { duration: seconds, steps: seconds * 2 },
  });

const threeSlowSteps = makeWorkflow({
  name: "Three slow steps",
  nodes: [
    makeNode("input", "in"),
    slowStep("first", 1),
    slowStep("second", 4),
    slowStep("third", 1),
    makeNode("output", "out", { name: "done" }),
  ],
  edges: chain("in", "first", "second", "third", "out"),
});

async function eventsOf(ctx: TenantContext, runId: string) {
  const rows = await listRunEvents(ctx.db, { tenantId: ctx.tenant.id, runId });
  return rows.map((row) => ({
    type: row.type,
    ...(row.payload as { stepId?: string; resumed?: boolean; restoredSteps?: number }),
  }));
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms: number,
  explain: () => string = () => "",
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}. ${explain()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`run workers (${workerPoolMode()})`, () => {
  it("a run whose worker is killed mid-step resumes on another worker without repeating its finished steps", async () => {
    const workers = pool!;
    const ctx = await adminContext();
    await installEverything(ctx);
    const workflow = await insertWorkflow(ctx.db, {
      tenantId: ctx.tenant.id,
      name: `Three slow steps ${randomBytes(3).toString("hex")}`,
      description: "",
      document: threeSlowSteps,
      createdBy: ctx.actor.userId,
    });
    const workerOutput = () =>
      workers.workers.map((w, i) => `worker ${i}:\n${w.output()}`).join("\n");

    const run = await startRun(ctx, workers.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: {},
    });
    // "first" is stored and "second" is under way: kill the worker that holds the run now.
    await waitFor(
      "the second step to start",
      async () =>
        (await eventsOf(ctx, run.id)).some(
          (e) => e.type === "step.started" && e.stepId === "second",
        )
          ? true
          : undefined,
      45_000,
      workerOutput,
    );
    const firstBefore = (await listStepRuns(ctx.db, run.id)).find((s) => s.stepId === "first");
    expect(firstBefore).toMatchObject({ status: "completed", attempts: 1 });
    const victim = await workers.holderOf(run.id);
    expect(victim, "a live worker holds the running run").toBeDefined();
    await victim!.kill();
    expect(victim!.isAlive()).toBe(false);
    const survivor = workers.workers.find((w) => w !== victim)!;

    const done = await waitFor(
      "the run to end on the surviving worker",
      async () => {
        const row = await findRun(ctx.db, ctx.tenant.id, run.id);
        return row && ["completed", "failed", "cancelled"].includes(row.status) ? row : undefined;
      },
      60_000,
      workerOutput,
    );
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    expect(done.output).toMatchObject({
      done: { text: expect.stringContaining("Long running operation completed") },
    });
    expect(done.resumeCount).toBeGreaterThanOrEqual(1);
    expect(survivor.isAlive()).toBe(true);

    const events = await eventsOf(ctx, run.id);
    const starts = (stepId: string) =>
      events.filter((e) => e.type === "step.started" && e.stepId === stepId).length;
    expect(starts("first")).toBe(1); // finished before the kill: not executed again
    expect(starts("second")).toBeGreaterThanOrEqual(2); // cut off by the kill: executed again
    expect(starts("third")).toBe(1);
    const resumed = events.filter((e) => e.type === "run.started").at(-1);
    expect(resumed).toMatchObject({ resumed: true });
    expect(resumed?.restoredSteps).toBeGreaterThanOrEqual(1); // at least "first"

    const steps = await listStepRuns(ctx.db, run.id);
    expect(steps.find((s) => s.stepId === "first")).toMatchObject({
      status: "completed",
      attempts: 1,
      startedAt: firstBefore!.startedAt,
    });
    expect(steps.filter((s) => s.status === "completed").map((s) => s.stepId)).toEqual(
      expect.arrayContaining(["first", "second", "third"]),
    );
  });
});
