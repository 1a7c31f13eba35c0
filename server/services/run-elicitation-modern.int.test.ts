import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import type { ToolPort } from "@/engine/runtime/ports";
import { getEnv } from "@/server/env";
import type { ElicitHandler } from "@/server/mcp/elicitation";
import { textOfContent } from "@/server/mcp/errors";
import type { LaunchSpec } from "@/server/mcp/launch";
import { McpPool } from "@/server/mcp/pool";
import { startModernServer, type ModernTestServer } from "@/server/mcp/testing/modern-server";
import { modernStdioServerSpec } from "@/server/mcp/testing/servers";
import { findRun } from "@/server/repositories/runs";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import type { TenantContext } from "./context";
import { answerElicitation, listRunQuestions } from "./run-elicitation";
import { startRun } from "./runs";

/**
 * run-elicitation.int.test.ts for a 2026-07-28-only server: the run's tool step gets
 * `input_required` with an elicitation instead of an `elicitation/create` request, and the same
 * path follows: the question is the run's open question (approvals inbox, run page), the answer
 * given through run.answerElicitation's service goes back to the server as `inputResponses`, and
 * the step completes with the tool's result; a decline fails it with ELICITATION_DECLINED. Over
 * stdio (the v2 SDK's serveStdio) and over Streamable HTTP (its createMcpHandler).
 */

let database: Database;
let pool: McpPool;
let http: ModernTestServer;
const systems: RunSystem[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new McpPool();
  http = await startModernServer();
});
afterAll(async () => {
  for (const system of systems) await system.close();
  await pool?.closeAll();
  await http?.close();
  await database?.close();
});

const servers: [string, () => LaunchSpec][] = [
  ["stdio", () => modernStdioServerSpec()],
  ["Streamable HTTP", () => ({ transport: "streamable-http", url: http.url, headers: {} })],
];

describe.each(servers)("a run's step on a 2026-07-28 server over %s", (transport, specOf) => {
  /** A ToolPort straight onto the pool, passing questions on, as run-elicitation.int.test.ts. */
  const poolPort: ToolPort = {
    listTools: async () => [],
    async callTool(call, options) {
      const result = await pool.callTool(`t:modern-${transport}`, "modern", specOf(), call, {
        signal: options.signal,
        onElicit: (options as { onElicit?: ElicitHandler }).onElicit,
      });
      return { text: textOfContent(result.content, 10_000) };
    },
  };

  async function startSystem() {
    const system = createRunSystem({
      db: database.db,
      redisUrl: getEnv().redisUrl,
      queueName: `runs-mrtr-${randomBytes(4).toString("hex")}`,
      tools: () => poolPort,
      elicitationTimeoutMs: 60_000,
    });
    await system.startWorkers(2);
    systems.push(system);
    return system;
  }

  async function startOrder(ctx: TenantContext, system: RunSystem) {
    const workflow = await insertWorkflow(ctx.db, {
      tenantId: ctx.tenant.id,
      name: "Order",
      description: "",
      document: makeWorkflow({
        name: "Order",
        nodes: [
          makeNode("input", "in"),
          makeNode("tool", "order", { server: "modern", tool: "order", args: {} }),
          makeNode("output", "out", { name: "result" }),
        ],
        edges: chain("in", "order", "out"),
      }),
      createdBy: ctx.actor.userId,
    });
    const { id } = await startRun(ctx, system.runDeps, {
      workflowId: workflow.id,
      input: {},
      draft: true,
    });
    return id;
  }

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

  it("shows the input_required question as the run's open question, refuses an answer that does not fit, and completes with the tool's result", async () => {
    const system = await startSystem();
    const ctx = await makeTenantContext(database.db, "admin");
    const runId = await startOrder(ctx, system);
    const question = await questionOf(ctx, runId);
    expect(question).toMatchObject({
      stepId: "order",
      server: "modern",
      tool: "order",
      workflowName: "Order",
      request: { mode: "form", message: "Who is ordering?" },
    });
    expect(pool.liveConnection(`t:modern-${transport}`)?.protocolVersion).toBe("2026-07-28");

    await expect(
      answerElicitation(ctx, system.runDeps, {
        runId,
        key: question.key,
        answer: { action: "accept", content: { name: "Ada", count: 9 } },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });

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
  }, 30_000);

  it("a decline fails the step with ELICITATION_DECLINED", async () => {
    const system = await startSystem();
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
});
