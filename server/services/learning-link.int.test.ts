import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import type { LearningBook } from "@/engine/learning/strategy-stats";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { getEnv } from "@/server/env";
import { findLearningState, listOutcomes } from "@/server/repositories/learning";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { createTestDatabase } from "@/server/testing/database";
import {
  expectTrpcError,
  greetingWorkflow,
  makeTenant,
  makeUser,
  testMeta,
} from "@/server/testing/factories";
import { saveWorkflowDocument } from "@/server/repositories/workflows";
import { evaluationSettled } from "./evaluations";
import { waitForRun } from "./run-stream";

/**
 * The learning link of evaluations (issue 17): an evaluation's items become outcomes whose success
 * measure is the item's score, counted once; an A/B experiment may measure its arms by a dataset's
 * evaluator instead of run success.
 */
let database: Database;
const systems: RunSystem[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
// Each test's run system sweeps the whole database for runs nobody holds: closed after its test,
// so it cannot take over a later test's run with its own (different) model and tools.
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await database?.close();
});

async function setup() {
  const runs = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `learning-link-${randomBytes(4).toString("hex")}`,
    llm: () => undefined,
    tools: () => undefined,
    scheduleTickMs: 0,
  });
  systems.push(runs);
  await runs.startWorkers(4);
  const tenant = await makeTenant(database.db);
  const user = await makeUser(database.db, { memberships: [[tenant, "admin"]] });
  const caller = createCaller(
    await createContext({
      db: database.db,
      identity: { userId: user.id, tenantId: tenant.id },
      meta: testMeta,
      runSystem: async () => runs,
    }),
  );
  const ctx = {
    db: database.db,
    actor: { userId: user.id, email: user.email, name: user.name, isSuperadmin: false },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, role: "admin" as const },
    meta: testMeta,
  };
  const workflow = await insertWorkflow(database.db, {
    tenantId: tenant.id,
    name: `Greeting ${randomBytes(3).toString("hex")}`,
    description: "Greet a new colleague by name",
    document: greetingWorkflow,
    createdBy: user.id,
  });
  const v1 = await caller.workflow.publish({ workflowId: workflow.id });
  return { runs, tenant, caller, ctx, workflow, v1 };
}

describe("evaluation scores as learning outcomes", () => {
  it("records each evaluated item once, as an outcome whose success measure is the item's score", async () => {
    const { runs, tenant, caller, workflow, v1 } = await setup();
    const dataset = await caller.dataset.create({ workflowId: workflow.id, name: "Greetings" });
    await caller.dataset.setEvaluators({
      datasetId: dataset.id,
      evaluators: [
        { id: "exact", kind: "exact-match", outputPath: "greeting.message" },
        { id: "says-hello", kind: "contains", values: ["Hello"] },
      ],
    });
    // Ada's reference matches the greeting (score 1); Grace's does not (exact 0, contains 1: score 0.5).
    await caller.dataset.addItems({
      datasetId: dataset.id,
      items: [
        { input: { name: "Ada" }, reference: "Hello, Ada!" },
        { input: { name: "Grace" }, reference: "Hi, Grace." },
      ],
    });
    const started = await caller.evaluation.start({ datasetId: dataset.id });
    await evaluationSettled(started.id);
    expect((await caller.evaluation.get({ id: started.id })).evaluation.status).toBe("completed");
    await runs.outcomes.flush();

    const outcomes = (await listOutcomes(database.db, tenant.id, { limit: 50 })).items;
    expect(outcomes).toHaveLength(2);
    expect(outcomes.map((o) => o.score).sort()).toEqual([0.5, 1]);
    expect(
      outcomes.every(
        (o) => o.source === "evaluation" && o.versionId === v1.id && o.experimentId === null,
      ),
    ).toBe(true);
    const state = await findLearningState(database.db, tenant.id);
    expect(state?.outcomes).toBe(2);
    const { global } = state!.book as LearningBook;
    // A fractional Beta update: 1 + 0.5 successes, 0 + 0.5 failures over the uniform prior.
    expect([global.alpha, global.beta, global.n]).toEqual([2.5, 1.5, 2]);
  });
});

describe("an experiment measured by an evaluator", () => {
  it("scores each experiment run with the chosen evaluator (the matching dataset item's reference) and gives the arms the scores", async () => {
    const { runs, caller, ctx, workflow, v1 } = await setup();
    const hi = makeWorkflow({
      name: "Greeting",
      nodes: [
        makeNode("input", "in", {
          schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
        }),
        makeNode("transform", "greet", { template: { message: "Hi {{input.name}}" } }),
        makeNode("output", "out", { name: "greeting" }),
      ],
      edges: chain("in", "greet", "out"),
    });
    const head = await caller.workflow.get({ id: workflow.id });
    await saveWorkflowDocument(database.db, ctx.tenant.id, workflow.id, {
      document: hi,
      baseVersion: head.version,
    });
    const v2 = await caller.workflow.publish({ workflowId: workflow.id });

    const names = [
      "Ada",
      "Grace",
      "Alan",
      "Edsger",
      "Barbara",
      "Ken",
      "Linus",
      "Margaret",
      "Donald",
      "Frances",
    ];
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Reference greetings",
    });
    await caller.dataset.setEvaluators({
      datasetId: dataset.id,
      evaluators: [{ id: "exact", kind: "exact-match", outputPath: "greeting.message" }],
    });
    await caller.dataset.addItems({
      datasetId: dataset.id,
      items: names.map((name) => ({ input: { name }, reference: `Hello, ${name}!` })),
    });

    await expectTrpcError(
      caller.learning.startExperiment({
        workflowId: workflow.id,
        name: "Wrong",
        versionA: v1.id,
        versionB: v2.id,
        successMeasure: { kind: "evaluator", datasetId: dataset.id, evaluatorId: "nope" },
      }),
      "BAD_REQUEST",
    );
    const experiment = await caller.learning.startExperiment({
      workflowId: workflow.id,
      name: "Hello or Hi?",
      versionA: v1.id,
      versionB: v2.id,
      minPerArm: 5,
      maxTotal: 20,
      successMeasure: { kind: "evaluator", datasetId: dataset.id, evaluatorId: "exact" },
    });
    expect(experiment.successMeasure).toEqual({
      kind: "evaluator",
      datasetId: dataset.id,
      evaluatorId: "exact",
    });

    // Every run succeeds; only the evaluator tells the arms apart. One input has no dataset item:
    // the exact match has no reference for it, so it stays out of the experiment.
    for (const name of [...names, "Nobody"]) {
      const run = await caller.run.start({ workflowId: workflow.id, input: { name } });
      expect(await waitForRun(ctx, runs.bus, run.id, { timeoutMs: 60_000 })).toMatchObject({
        type: "run.completed",
      });
    }
    await runs.outcomes.flush();

    const result = await caller.learning.experiment({ id: experiment.id });
    expect(result.successMeasureLabel).toBe("score of “exact” (dataset “Reference greetings”)");
    const [a, b] = result.arms;
    expect(a!.runs + b!.runs).toBe(names.length);
    expect(a!.runs).toBeGreaterThan(0);
    expect(b!.runs).toBeGreaterThan(0);
    expect(a!.successes).toBe(a!.runs); // v1 says "Hello, <name>!": exact match, score 1
    expect(b!.successes).toBe(0); // v2 says "Hi <name>": score 0, though the runs succeeded
    const outcomes = (await listOutcomes(database.db, ctx.tenant.id, { limit: 50 })).items;
    expect(outcomes).toHaveLength(names.length + 1);
    expect(
      outcomes
        .filter((o) => o.experimentId === experiment.id)
        .map((o) => o.score)
        .sort(),
    ).toEqual([...Array(b!.runs).fill(0), ...Array(a!.runs).fill(1)]);
    expect(outcomes.find((o) => o.experimentId === null)).toMatchObject({
      success: true,
      score: null,
    });
  });
});
