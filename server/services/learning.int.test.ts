import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { createFakeTools } from "@/engine/runtime/fake-ports";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { getEnv } from "@/server/env";
import { listOutcomes } from "@/server/repositories/learning";
import { findRun } from "@/server/repositories/runs";
import { insertWorkflow, saveWorkflowDocument } from "@/server/repositories/workflows";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import type { TenantContext } from "./context";
import { getExperiment, promoteExperimentWinner, startExperiment } from "./experiments";
import {
  getLearningOverview,
  getPlannerContext,
  predictRun,
  rateRun,
  recordProposal,
} from "./learning";
import { getForecastAccuracy } from "./learning-forecasts";
import { startRun } from "./runs";
import { publishVersion } from "./workflow-versions";

/**
 * Learning from finished runs, on a real database and run system: outcomes are stored and added to
 * the tenant's statistics, the predictor reads them, ratings count, an A/B experiment splits runs
 * between two versions and its stop rule names the better one, and edits to a proposal teach the
 * planner. The one MCP tool is a fake (a test double: the point is the learning, not the server).
 */
let database: Database;
let system: RunSystem;
beforeAll(async () => {
  database = await createTestDatabase();
  system = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `runs-learning-${randomBytes(4).toString("hex")}`,
    tools: () =>
      createFakeTools({
        crm: {
          lookup: () => {
            throw new Error("the CRM is down");
          },
        },
      }),
    anomalyEvaluateMs: 3_600_000,
  });
  await system.startWorkers(8);
});
afterAll(async () => {
  await system?.close();
  await database?.close();
});

const adminContext = () => makeTenantContext(database.db, "admin");

const input = makeNode("input", "in", {
  schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
});
const greets = makeWorkflow({
  name: "Greeting",
  nodes: [
    input,
    makeNode("transform", "greet", { template: { message: "Hello, {{input.name}}!" } }),
    makeNode("output", "out", { name: "greeting" }),
  ],
  edges: chain("in", "greet", "out"),
});
/** The second version looks the person up first, in a CRM that is down: every run fails. */
const looksUp = makeWorkflow({
  name: "Greeting",
  nodes: [
    input,
    makeNode(
      "tool",
      "lookup",
      { server: "crm", tool: "lookup", args: { name: "{{input.name}}" } },
      { policy: { retry: { maxAttempts: 1 } } },
    ),
    makeNode("output", "out", { name: "greeting" }),
  ],
  edges: chain("in", "lookup", "out"),
});

async function finish(ctx: TenantContext, runId: string) {
  for (
    const until = Date.now() + 15_000;
    Date.now() < until;
    await new Promise((r) => setTimeout(r, 20))
  ) {
    const run = await findRun(ctx.db, ctx.tenant.id, runId);
    if (run && ["completed", "failed"].includes(run.status)) return run;
  }
  throw new Error(`run ${runId} did not finish`);
}

describe("learning from runs", () => {
  it("splits runs between two versions, names the better one, and learns success rates, predictions and ratings", async () => {
    const ctx = await adminContext();
    const workflow = await insertWorkflow(ctx.db, {
      tenantId: ctx.tenant.id,
      name: "Greeting",
      description: "Greet a new colleague by name",
      document: greets,
      createdBy: ctx.actor.userId,
    });
    const v1 = await publishVersion(ctx, { workflowId: workflow.id });
    await saveWorkflowDocument(ctx.db, ctx.tenant.id, workflow.id, {
      document: looksUp,
      baseVersion: workflow.version,
    });
    const v2 = await publishVersion(ctx, { workflowId: workflow.id });

    const before = await predictRun(ctx, { workflowId: workflow.id });
    expect(before.prediction).toMatchObject({ basis: "none", durationMs: null });

    const experiment = await startExperiment(ctx, {
      workflowId: workflow.id,
      name: "Look up first?",
      versionA: v1.id,
      versionB: v2.id,
      split: 0.5,
      assignment: "hash",
      minPerArm: 5,
      maxTotal: 30,
    });
    expect(experiment.arms.map((a) => a.id)).toEqual(["v1", "v2"]);

    const runs = [];
    for (let i = 0; i < 30; i++)
      runs.push(
        await finish(
          ctx,
          (
            await startRun(ctx, system.runDeps, {
              workflowId: workflow.id,
              input: { name: `Ada ${i}` },
            })
          ).id,
        ),
      );
    const byVersion = new Map<string, string[]>();
    for (const run of runs)
      byVersion.set(run.versionId, [...(byVersion.get(run.versionId) ?? []), run.status]);
    // Both arms got traffic, and each arm's runs behave as that version does.
    expect(byVersion.get(v1.id)?.every((s) => s === "completed")).toBe(true);
    expect(byVersion.get(v2.id)?.every((s) => s === "failed")).toBe(true);
    expect(byVersion.get(v1.id)!.length).toBeGreaterThanOrEqual(5);
    expect(byVersion.get(v2.id)!.length).toBeGreaterThanOrEqual(5);

    await system.outcomes.flush();
    const outcomes = await listOutcomes(ctx.db, ctx.tenant.id, { limit: 100 });
    expect(outcomes.items).toHaveLength(30);
    expect(new Set(outcomes.items.map((o) => o.arm))).toEqual(new Set(["v1", "v2"]));

    const result = await getExperiment(ctx, experiment.id);
    expect(result.status).toBe("completed");
    expect(result.result).toMatchObject({ status: "stopped", winner: "v1" });
    expect(result.result.reason).toMatch(/^v1 is better with probability/);

    const overview = await getLearningOverview(ctx);
    expect(overview.outcomes).toBe(30);
    const [taskClass] = overview.classes;
    expect(taskClass!.runs).toBe(30);
    const rates = Object.fromEntries(
      taskClass!.strategies.map((s) => [s.strategyId, s.successRate.mean]),
    );
    expect(rates["single/default"] ?? rates["chain/default"]).toBeDefined();

    // The predictor now speaks from the tenant's history: v1's kind of run mostly succeeds.
    const after = await predictRun(ctx, { workflowId: workflow.id, versionId: v1.id });
    expect(after.prediction.basis).toBe("version");
    expect(after.prediction.runs.version).toBe(byVersion.get(v1.id)!.length);
    expect(after.prediction.runs.workflow).toBe(30);
    expect(after.prediction.success.probability).toBeGreaterThan(0.7);
    expect(after.prediction.durationMs!.low).toBeLessThanOrEqual(
      after.prediction.durationMs!.median,
    );
    const failing = await predictRun(ctx, { workflowId: workflow.id, versionId: v2.id });
    expect(failing.prediction.success.probability).toBeLessThan(0.3);
    expect(failing.prediction.success.high).toBeLessThan(0.5);

    // Each outcome keeps what was predicted before its run, and the Learning page checks them.
    const last = outcomes.items[0]!;
    expect(last.prediction).toMatchObject({ basis: "version" });
    const accuracy = await getForecastAccuracy(ctx);
    expect(accuracy.overall.runs).toBe(30);
    expect(accuracy.calibration.reduce((n, b) => n + b.runs, 0)).toBe(30);
    expect(accuracy.overall.brier).toBeLessThan(0.25);

    const rated = await rateRun(ctx, { runId: runs[0]!.id, rating: 4 });
    expect(rated.rating).toBe(4);
    const ratedOverview = await getLearningOverview(ctx);
    expect(ratedOverview.classes[0]!.strategies.some((s) => s.rating === 4)).toBe(true);

    // The experiment ended and v2 is still the latest: keeping the winner publishes v1 again as v3.
    const promoted = await promoteExperimentWinner(ctx, experiment.id);
    expect(promoted).toMatchObject({ version: 3, winner: "v1" });
    const next = await finish(
      ctx,
      (await startRun(ctx, system.runDeps, { workflowId: workflow.id, input: { name: "Grace" } }))
        .id,
    );
    expect([next.versionId, next.status]).toEqual([promoted.versionId, "completed"]);
    await expect(promoteExperimentWinner(ctx, experiment.id)).rejects.toThrow(/is v1's already/);
  }, 60_000);

  it("learns from what a person changed in a proposed workflow before publishing it", async () => {
    const ctx = await adminContext();
    const proposed: WorkflowDocument = greets;
    const workflow = await insertWorkflow(ctx.db, {
      tenantId: ctx.tenant.id,
      name: "Proposed",
      description: "Greet a colleague",
      document: looksUp,
      createdBy: ctx.actor.userId,
    });
    await recordProposal(ctx.db, {
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      task: "Greet a colleague",
      document: proposed,
    });
    await publishVersion(ctx, { workflowId: workflow.id });
    const { preferences } = await getPlannerContext(ctx.db, ctx.tenant.id);
    expect(preferences.serverBias.crm).toBeGreaterThan(0);
    // Learned once: publishing again does not count the same edit twice.
    await publishVersion(ctx, { workflowId: workflow.id });
    const overview = await getLearningOverview(ctx);
    expect(overview.preferences.counters.edits).toBe(1);
  });
});
