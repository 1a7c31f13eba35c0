import { randomBytes } from "node:crypto";
import { simulateReadableStream } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import type { LlmPort } from "@/engine/runtime/ports";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { getEnv } from "@/server/env";
import { createAiSdkLlmPort } from "@/server/llm/llm-port";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { createTestDatabase } from "@/server/testing/database";
import { expectTrpcError, makeTenant, makeUser, testMeta } from "@/server/testing/factories";
import { waitForRun } from "./run-stream";

/**
 * "Re-run this step" through the tRPC procedures with the real run system: one node of a finished
 * run executed again with its captured or edited inputs, the rest of the workflow left alone.
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

async function setup(
  document: WorkflowDocument,
  llm: (tenantId: string) => LlmPort | undefined = () => undefined,
) {
  const runs = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `rerun-test-${randomBytes(4).toString("hex")}`,
    llm,
    tools: () => undefined,
    scheduleTickMs: 0,
  });
  systems.push(runs);
  await runs.startWorkers(2);
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
    name: `Flow ${randomBytes(3).toString("hex")}`,
    description: "",
    document,
    createdBy: user.id,
  });
  await caller.workflow.publish({ workflowId: workflow.id });
  const finishedRun = async (input: unknown) => {
    const run = await caller.run.start({ workflowId: workflow.id, input });
    expect(await waitForRun(ctx, runs.bus, run.id, { timeoutMs: 60_000 })).toMatchObject({
      type: "run.completed",
    });
    return run;
  };
  return { caller, workflow, finishedRun };
}

const shoutWorkflow = makeWorkflow({
  name: "Shout",
  nodes: [
    makeNode("input", "in", {
      schema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    }),
    makeNode("transform", "shout", {
      template: { loud: "{{value.text}}!", asked: "{{input.text}}" },
    }),
    makeNode("output", "out", { name: "result" }),
  ],
  edges: chain("in", "shout", "out"),
});

describe("re-running one step of a run", () => {
  it("runs a transform node again with edited inputs and answers the new output; the run and its steps stay as they were, and no run is added", async () => {
    const { caller, workflow, finishedRun } = await setup(shoutWorkflow);
    const run = await finishedRun({ text: "hi" });

    const captured = await caller.run.stepInputs({ runId: run.id, stepId: "shout" });
    expect(captured).toMatchObject({
      kind: "transform",
      inputs: { input: { text: "hi" }, steps: { in: { text: "hi" } } },
      previous: { output: { loud: "hi!", asked: "hi" } },
    });

    const same = await caller.run.rerunStep({ runId: run.id, stepId: "shout" });
    expect(same).toMatchObject({
      status: "completed",
      output: { loud: "hi!", asked: "hi" },
      error: null,
      costUsd: 0,
    });

    const edited = await caller.run.rerunStep({
      runId: run.id,
      stepId: "shout",
      inputs: { input: { text: "typed" }, steps: { in: { text: "bye" } } },
    });
    expect(edited).toMatchObject({
      status: "completed",
      output: { loud: "bye!", asked: "typed" },
      port: "out",
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    expect(edited.durationMs).toBeGreaterThanOrEqual(0);

    const after = await caller.run.get({ id: run.id });
    expect(after.steps.find((s) => s.stepId === "shout")?.output).toEqual({
      loud: "hi!",
      asked: "hi",
    });
    expect((await caller.run.list({ workflowId: workflow.id, limit: 50 })).items).toHaveLength(1);
  });

  it("answers a step that fails on its edited inputs as failed, with the step's error; refuses inputs from steps it does not read and unknown steps", async () => {
    const { caller, finishedRun } = await setup(shoutWorkflow);
    const run = await finishedRun({ text: "hi" });
    const failed = await caller.run.rerunStep({
      runId: run.id,
      stepId: "shout",
      inputs: { input: { text: "x" }, steps: { in: { other: 1 } } },
    });
    expect(failed).toMatchObject({
      status: "failed",
      output: null,
      error: { code: "BINDING_MISSING" },
    });
    await expectTrpcError(
      caller.run.rerunStep({
        runId: run.id,
        stepId: "shout",
        inputs: { input: {}, steps: { out: 1 } },
      }),
      "BAD_REQUEST",
    );
    await expectTrpcError(caller.run.rerunStep({ runId: run.id, stepId: "nope" }), "NOT_FOUND");
  });

  it("runs an LLM agent node again through the tenant's model with the edited input (AI SDK mock model), with its tokens and cost; over the tenant's token budget it is refused", async () => {
    const answer = (text: string, tokens: number) => ({
      stream: simulateReadableStream({
        chunks: [
          { type: "text-start" as const, id: "a" },
          { type: "text-delta" as const, id: "a", delta: text },
          { type: "text-end" as const, id: "a" },
          {
            type: "finish" as const,
            finishReason: { unified: "stop" as const, raw: "stop" },
            usage: {
              inputTokens: { total: tokens, noCache: tokens, cacheRead: 0, cacheWrite: 0 },
              outputTokens: { total: 5, text: 5, reasoning: 0 },
            },
          },
        ],
      }),
    });
    const model = new MockLanguageModelV3({
      doStream: [answer("Tides are tidal.", 40), answer("Moons pull oceans.", 60)],
    });
    const llm = createAiSdkLlmPort({
      resolveModel: () => ({ model, modelId: "openai/gpt-4o-mini" }),
      maxRetries: 0,
    });
    const agentWorkflow = makeWorkflow({
      name: "Explain",
      nodes: [
        makeNode("input", "in", {
          schema: {
            type: "object",
            properties: { topic: { type: "string" } },
            required: ["topic"],
          },
        }),
        makeNode("agent", "explain", {
          instructions: "Explain in one sentence.",
          prompt: "Explain {{input.topic}}",
        }),
        makeNode("output", "out", { name: "answer" }),
      ],
      edges: chain("in", "explain", "out"),
    });
    const { caller, finishedRun } = await setup(agentWorkflow, () => llm);
    const run = await finishedRun({ topic: "tides" });
    const captured = await caller.run.stepInputs({ runId: run.id, stepId: "explain" });
    expect(captured.previous?.output).toBe("Tides are tidal.");

    const result = await caller.run.rerunStep({
      runId: run.id,
      stepId: "explain",
      inputs: { ...captured.inputs, input: { topic: "the moon" } },
    });
    expect(result).toMatchObject({
      status: "completed",
      output: "Moons pull oceans.",
      usage: { inputTokens: 60, outputTokens: 5 },
    });
    expect(result.costUsd).toBeGreaterThan(0);
    expect(JSON.stringify(model.doStreamCalls[1]?.prompt)).toContain("Explain the moon");
    expect(model.doStreamCalls).toHaveLength(2);

    // Over the month's token budget (the run spent 45), a step that calls a model is refused as a run start would be.
    await caller.limits.update({ maxTokensPerMonth: 20 });
    await expectTrpcError(
      caller.run.rerunStep({ runId: run.id, stepId: "explain" }),
      "TOO_MANY_REQUESTS",
    );
    expect(model.doStreamCalls).toHaveLength(2);
  });
});
