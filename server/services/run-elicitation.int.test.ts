import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import type { ToolPort } from "@/engine/runtime/ports";
import { getEnv } from "@/server/env";
import type { ElicitHandler } from "@/server/mcp/elicitation";
import { textOfContent } from "@/server/mcp/errors";
import { McpPool } from "@/server/mcp/pool";
import { elicitServerSpec } from "@/server/mcp/testing/servers";
import { listAuditLogs } from "@/server/repositories/audit";
import { findRun } from "@/server/repositories/runs";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import type { TenantContext } from "./context";
import { answerElicitation, listRunQuestions } from "./run-elicitation";
import { startRun } from "./runs";

/**
 * A run's tool step whose server asks the person (a real SDK server over stdio): the step waits,
 * its question is listed for the approvals inbox, and the answer given through the same service
 * the inbox uses goes on to the server. A decline or no answer in time fails the step clearly.
 */

let database: Database;
let pool: McpPool;
const systems: RunSystem[] = [];

/** A ToolPort straight onto the pool (installations are tested elsewhere), passing questions on. */
const poolPort: ToolPort = {
  listTools: async () => [],
  async callTool(call, options) {
    const result = await pool.callTool("t:elicit", "elicit", elicitServerSpec(), call, {
      signal: options.signal,
      onElicit: (options as { onElicit?: ElicitHandler }).onElicit,
    });
    return { text: textOfContent(result.content, 10_000) };
  },
};

async function startSystem(elicitationTimeoutMs: number) {
  const system = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `runs-elicit-${randomBytes(4).toString("hex")}`,
    tools: () => poolPort,
    elicitationTimeoutMs,
  });
  await system.startWorkers(2);
  systems.push(system);
  return system;
}

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new McpPool();
});
afterAll(async () => {
  for (const system of systems) await system.close();
  await pool?.closeAll();
  await database?.close();
});

const asksForAnOrder = makeWorkflow({
  name: "Order",
  nodes: [
    makeNode("input", "in"),
    makeNode("tool", "order", { server: "elicit", tool: "ask-form", args: {} }),
    makeNode("output", "out", { name: "result" }),
  ],
  edges: chain("in", "order", "out"),
});

async function startOrder(ctx: TenantContext, system: RunSystem) {
  const workflow = await insertWorkflow(ctx.db, {
    tenantId: ctx.tenant.id,
    name: "Order",
    description: "",
    document: asksForAnOrder,
    createdBy: ctx.actor.userId,
  });
  const { id } = await startRun(ctx, system.runDeps, {
    workflowId: workflow.id,
    input: {},
    draft: true,
  });
  return id;
}

/** Waits (on the database's state) until the run's step asks its question. */
async function questionOf(ctx: TenantContext, runId: string) {
  for (let i = 0; i < 400; i++) {
    const open = (await listRunQuestions(ctx)).find((q) => q.runId === runId);
    if (open) return open;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("the step never asked");
}

async function ended(ctx: TenantContext, runId: string) {
  for (let i = 0; i < 400; i++) {
    const run = await findRun(ctx.db, ctx.tenant.id, runId);
    if (run && ["completed", "failed", "cancelled"].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("the run never ended");
}

describe("a run's step answered through the approvals inbox's service", () => {
  it("waits for the answer, refuses one that does not fit, and goes on with one that does", async () => {
    const system = await startSystem(60_000);
    const ctx = await makeTenantContext(database.db, "admin");
    const runId = await startOrder(ctx, system);
    const question = await questionOf(ctx, runId);
    expect(question).toMatchObject({
      stepId: "order",
      server: "elicit",
      tool: "ask-form",
      workflowName: "Order",
      request: { mode: "form", message: "Who is ordering?" },
    });
    expect((await findRun(ctx.db, ctx.tenant.id, runId))?.status).toBe("running");

    await expect(
      answerElicitation(ctx, system.runDeps, {
        runId,
        key: question.key,
        answer: { action: "accept", content: { name: "Ada", count: 9 } },
      }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining('"Count" must be at most 5'),
    });
    expect((await listRunQuestions(ctx)).some((q) => q.key === question.key)).toBe(true);

    await answerElicitation(ctx, system.runDeps, {
      runId,
      key: question.key,
      answer: { action: "accept", content: { name: "Ada", count: 2 } },
    });
    const run = await ended(ctx, runId);
    expect(run.error).toBeNull();
    expect(run.status).toBe("completed");
    expect(JSON.stringify(run.output)).toContain("order for Ada x2");
    expect((await listRunQuestions(ctx)).some((q) => q.runId === runId)).toBe(false);
    // Audited without what was typed.
    const audit = await listAuditLogs(ctx.db, { tenantId: ctx.tenant.id, limit: 50 });
    const entry = audit.items.find((a) => a.action === "run.answer_elicitation");
    expect(entry?.metadata).toEqual({ step: "order", action: "accept" });
    // A question already answered cannot be answered again.
    await expect(
      answerElicitation(ctx, system.runDeps, {
        runId,
        key: question.key,
        answer: { action: "decline" },
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  }, 30_000);

  it("a decline fails the step with a clear error", async () => {
    const system = await startSystem(60_000);
    const ctx = await makeTenantContext(database.db, "admin");
    const runId = await startOrder(ctx, system);
    const question = await questionOf(ctx, runId);
    await answerElicitation(ctx, system.runDeps, {
      runId,
      key: question.key,
      answer: { action: "decline" },
    });
    const run = await ended(ctx, runId);
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({
      code: "ELICITATION_DECLINED",
      message: expect.stringContaining(`asked "Who is ordering?" and ${ctx.actor.email} declined`),
    });
  }, 30_000);

  it("no answer in time fails the step with a timeout error", async () => {
    const system = await startSystem(400);
    const ctx = await makeTenantContext(database.db, "admin");
    const runId = await startOrder(ctx, system);
    const run = await ended(ctx, runId);
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({
      code: "ELICITATION_TIMEOUT",
      message: expect.stringContaining("nobody answered within"),
    });
  }, 30_000);
});
