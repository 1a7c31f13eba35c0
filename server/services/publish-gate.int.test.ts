import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import type { Role } from "@/db/schema";
import { makeNode, makeWorkflow } from "@/engine/examples";
import type { EvaluatorInput } from "@/engine/evaluation";
import { findAppError } from "@/server/api/errors";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { getEnv } from "@/server/env";
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
import { evaluationSettled } from "./evaluations";

/**
 * The publish gate through the tRPC procedures with the real run system: publishing a workflow
 * with a gate evaluates the draft on the gate's dataset and is refused below the minimum score,
 * naming the regressions against the published version; an admin may publish anyway, audited.
 */
let database: Database;
let runSystem: RunSystem;
beforeAll(async () => {
  database = await createTestDatabase();
  runSystem = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `gate-test-${randomBytes(4).toString("hex")}`,
    llm: () => undefined,
    tools: () => undefined,
    scheduleTickMs: 0,
  });
  await runSystem.startWorkers(8);
});
afterAll(async () => {
  await runSystem?.close();
  await database?.close();
});

async function tenantWith(...roles: Role[]) {
  const tenant = await makeTenant(database.db);
  const callers = await Promise.all(
    roles.map(async (role) => {
      const user = await makeUser(database.db, { memberships: [[tenant, role]] });
      return {
        user,
        caller: createCaller(
          await createContext({
            db: database.db,
            identity: { userId: user.id, tenantId: tenant.id },
            meta: testMeta,
            runSystem: async () => runSystem,
          }),
        ),
      };
    }),
  );
  return { tenant, callers };
}

const evaluators: EvaluatorInput[] = [
  { id: "exact", kind: "exact-match", outputPath: "greeting.message" },
];
const items = ["Ada", "Grace", "Alan"].map((name) => ({
  id: name.toLowerCase(),
  input: { name },
  reference: `Hello, ${name}!`,
}));
/** Greets "Hi" instead of "Hello": every item fails the exact match. */
const worse = makeWorkflow({
  ...greetingWorkflow,
  nodes: greetingWorkflow.nodes.map((node) =>
    node.id === "greet"
      ? makeNode("transform", "greet", { template: { message: "Hi, {{input.name}}!" } })
      : node,
  ),
});

async function gatedWorkflow() {
  const { tenant, callers } = await tenantWith("admin", "editor");
  const [admin, editor] = callers as [(typeof callers)[number], (typeof callers)[number]];
  const workflow = await insertWorkflow(database.db, {
    tenantId: tenant.id,
    name: `Gated ${randomBytes(3).toString("hex")}`,
    description: "",
    document: greetingWorkflow,
    createdBy: admin.user.id,
  });
  const v1 = await admin.caller.workflow.publish({ workflowId: workflow.id });
  const dataset = await admin.caller.dataset.create({
    workflowId: workflow.id,
    name: "Greetings",
    evaluators,
  });
  await admin.caller.dataset.addItems({ datasetId: dataset.id, items });
  return { tenant, admin: admin.caller, editor: editor.caller, workflow, v1, dataset };
}

async function saveDraft(
  caller: ReturnType<typeof createCaller>,
  workflowId: string,
  document = worse,
) {
  const head = await caller.workflow.get({ id: workflowId });
  await caller.workflow.saveDraft({ id: workflowId, document, baseVersion: head.version });
}

describe("the publish gate", () => {
  it("publishes a draft that reaches the minimum score, recording the gate's evaluation in the audit log", async () => {
    const { admin, editor, workflow, dataset } = await gatedWorkflow();
    await expectTrpcError(
      editor.publishGate.set({ workflowId: workflow.id, datasetId: dataset.id, minScore: 0.9 }),
      "FORBIDDEN",
    );
    const gate = await admin.publishGate.set({
      workflowId: workflow.id,
      datasetId: dataset.id,
      minScore: 0.9,
    });
    expect(gate).toMatchObject({ datasetId: dataset.id, datasetName: "Greetings", minScore: 0.9 });
    expect(await editor.publishGate.get({ workflowId: workflow.id })).toMatchObject({
      minScore: 0.9,
    });

    const v2 = await editor.workflow.publish({ workflowId: workflow.id, note: "same greeting" });
    expect(v2.version).toBe(2);
    const audit = await admin.audit.list({ action: "workflow.publish", limit: 10 });
    expect(audit.items[0]?.metadata).toMatchObject({
      version: 2,
      gate: { score: 1, minScore: 0.9 },
    });
  });

  it("refuses a worse draft with GATE_REFUSED, its evaluation and the regressions against the published version", async () => {
    const { admin, editor, workflow, v1, dataset } = await gatedWorkflow();
    await admin.publishGate.set({ workflowId: workflow.id, datasetId: dataset.id, minScore: 0.8 });
    // The published version's own evaluation is what regressions are measured against.
    const base = await admin.evaluation.start({ datasetId: dataset.id });
    await evaluationSettled(base.id);
    await saveDraft(editor, workflow.id);

    const error = await expectTrpcError(
      editor.workflow.publish({ workflowId: workflow.id }),
      "PRECONDITION_FAILED",
    );
    expect(error.message).toMatch(/publish gate refused.*scored 0.*at least 0\.8/);
    const appError = findAppError(error)!;
    expect(appError.code).toBe("GATE_REFUSED");
    const details = appError.details as {
      evaluationId: string;
      score: number;
      regressions: { itemId: string; previousScore: number; score: number }[];
      gate: { comparedWith: unknown };
    };
    expect(details.score).toBe(0);
    expect(details.regressions.map((r) => r.itemId).sort()).toEqual(["ada", "alan", "grace"]);
    expect(details.regressions[0]).toMatchObject({ previousScore: 1, score: 0 });
    expect(details.gate.comparedWith).toEqual({ evaluationId: base.id, version: v1.version });
    const evaluation = await admin.evaluation.get({ id: details.evaluationId });
    expect(evaluation.evaluation).toMatchObject({ isDraft: true, status: "completed" });
    expect((await admin.workflow.versions({ workflowId: workflow.id })).items).toHaveLength(1);

    // An editor may not publish past it; an admin may, with a reason, and the audit log says so.
    await expectTrpcError(
      editor.publishGate.publishAnyway({ workflowId: workflow.id, reason: "hotfix" }),
      "FORBIDDEN",
    );
    await expectTrpcError(
      admin.publishGate.publishAnyway({ workflowId: workflow.id, reason: "" }),
      "BAD_REQUEST",
    );
    const published = await admin.publishGate.publishAnyway({
      workflowId: workflow.id,
      reason: "The new greeting is wanted",
      evaluationId: details.evaluationId,
    });
    expect(published.version).toBe(2);
    const audit = await admin.audit.list({ action: "workflow.publish.override", limit: 10 });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]?.metadata).toMatchObject({
      version: 2,
      override: {
        reason: "The new greeting is wanted",
        evaluationId: details.evaluationId,
        score: 0,
        minScore: 0.8,
      },
    });
  });

  it("uses the editor's evaluation when it fits the draft, and evaluates again when the draft changed after it", async () => {
    const { admin, editor, workflow, dataset } = await gatedWorkflow();
    await admin.publishGate.set({ workflowId: workflow.id, datasetId: dataset.id, minScore: 1 });
    await saveDraft(editor, workflow.id);
    const stale = await editor.publishGate.evaluate({ workflowId: workflow.id });
    await evaluationSettled(stale.id);
    // Back to the good greeting: the evaluation above ran the worse draft and must not decide.
    await saveDraft(editor, workflow.id, greetingWorkflow);
    const v2 = await editor.workflow.publish({ workflowId: workflow.id, evaluationId: stale.id });
    expect(v2.version).toBe(2);

    const fitting = await editor.publishGate.evaluate({ workflowId: workflow.id });
    await evaluationSettled(fitting.id);
    const before = (await admin.evaluation.list({ workflowId: workflow.id })).length;
    await editor.workflow.publish({ workflowId: workflow.id, evaluationId: fitting.id });
    expect((await admin.evaluation.list({ workflowId: workflow.id })).length).toBe(before);
  });

  it("a gate needs a dataset of this workflow with evaluators; removing it publishes without evaluating; tenants are kept apart", async () => {
    const { admin, workflow, dataset } = await gatedWorkflow();
    const bare = await admin.dataset.create({ workflowId: workflow.id, name: "No evaluators" });
    await expectTrpcError(
      admin.publishGate.set({ workflowId: workflow.id, datasetId: bare.id, minScore: 0.5 }),
      "BAD_REQUEST",
    );
    await expectTrpcError(
      admin.publishGate.set({ workflowId: workflow.id, datasetId: dataset.id, minScore: 1.5 }),
      "BAD_REQUEST",
    );
    await expectTrpcError(admin.publishGate.evaluate({ workflowId: workflow.id }), "BAD_REQUEST");

    const other = await gatedWorkflow();
    await expectTrpcError(
      other.admin.publishGate.set({
        workflowId: workflow.id,
        datasetId: dataset.id,
        minScore: 0.5,
      }),
      "NOT_FOUND",
    );
    await expectTrpcError(
      admin.publishGate.set({
        workflowId: workflow.id,
        datasetId: other.dataset.id,
        minScore: 0.5,
      }),
      "BAD_REQUEST",
    );

    await admin.publishGate.set({ workflowId: workflow.id, datasetId: dataset.id, minScore: 0.5 });
    await admin.publishGate.remove({ workflowId: workflow.id });
    expect(await admin.publishGate.get({ workflowId: workflow.id })).toBeNull();
    await saveDraft(admin, workflow.id);
    const before = (await admin.evaluation.list({ workflowId: workflow.id })).length;
    expect((await admin.workflow.publish({ workflowId: workflow.id })).version).toBe(2);
    expect((await admin.evaluation.list({ workflowId: workflow.id })).length).toBe(before);
  });
});
