import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, connect, makeNode, makeWorkflow } from "@/engine/examples";
import {
  createFakeLlm,
  createFakeTools,
  hang,
  type FakeToolHandler,
} from "@/engine/runtime/fake-ports";
import type { LlmPort, ToolPort } from "@/engine/runtime/ports";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { getEnv } from "@/server/env";
import { getMetrics } from "@/server/observability/metrics";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { listAuditLogs } from "@/server/repositories/audit";
import { findRun } from "@/server/repositories/runs";
import { listRunEvents } from "@/server/repositories/run-events";
import { listStepRuns } from "@/server/repositories/step-runs";
import { usageRecords } from "@/db/schema";
import { eq } from "drizzle-orm";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext, greetingWorkflow } from "@/server/testing/factories";
import type { TenantContext } from "./context";
import {
  cancelRun,
  decideApproval,
  getRun,
  listEventsOfRun,
  listRuns,
  retryRun,
  startRun,
} from "./runs";

/**
 * The run service end to end: real database (PGlite, or PostgreSQL with DATABASE_URL), real queue
 * and bus (in-process, or BullMQ and Redis pub/sub with REDIS_URL). LLMs and MCP tools are fakes.
 */
let database: Database;
const systems: RunSystem[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
// Every run system with workers sweeps the whole database for runs nobody holds (as every worker
// process does), and each test's system has its own fake LLM and tools: a finished test's workers
// must be gone, or one of them may take over the next test's handed-back run and fail it for want
// of a model (seen on PostgreSQL + Redis in CI).
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await database?.close();
});

const tenantContext = () => makeTenantContext(database.db, "editor");

function system(
  options: {
    llm?: LlmPort;
    tools?: ToolPort;
    maxActive?: number;
    staleAfterMs?: number;
    queueName?: string;
  } = {},
) {
  const made = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: options.queueName ?? `runs-test-${randomBytes(4).toString("hex")}`,
    llm: () => options.llm,
    tools: () => options.tools,
    maxActiveRunsPerTenant: options.maxActive ?? 50,
    staleAfterMs: options.staleAfterMs,
  });
  systems.push(made);
  return made;
}

async function saveWorkflow(ctx: TenantContext, document: WorkflowDocument) {
  return insertWorkflow(ctx.db, {
    tenantId: ctx.tenant.id,
    name: `${document.name ?? "Flow"} ${randomBytes(3).toString("hex")}`,
    description: "",
    document,
    createdBy: ctx.actor.userId,
  });
}

async function waitForStatus(ctx: TenantContext, runId: string, statuses: string[], ms = 15_000) {
  const until = Date.now() + ms;
  for (;;) {
    const run = await findRun(ctx.db, ctx.tenant.id, runId);
    if (run && statuses.includes(run.status)) return run;
    if (Date.now() > until)
      throw new Error(`run ${runId} is ${run?.status}, not ${statuses.join("/")}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const greeting = greetingWorkflow;

const lookupThenSummarise = makeWorkflow({
  name: "Lookup then summarise",
  nodes: [
    makeNode("input", "in"),
    makeNode("tool", "lookup", {
      server: "crm",
      tool: "find_customer",
      args: { email: "{{input.email}}" },
    }),
    makeNode("llm", "summarise", { prompt: "Summarise {{steps.lookup.output}}" }),
    makeNode("output", "out", { name: "summary" }),
  ],
  edges: chain("in", "lookup", "summarise", "out"),
});

function countingCrm(handler: FakeToolHandler = ({ email }) => ({ name: "Ada", email })) {
  return createFakeTools({ crm: { find_customer: handler } });
}

describe("runs", () => {
  it("a started run is queued, executed by a worker, and stored with its steps, events and audit record", async () => {
    const ctx = await tenantContext();
    const runs = system();
    await runs.startWorkers(2);
    const workflow = await saveWorkflow(ctx, greeting);

    const run = await startRun(ctx, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { name: "Ada" },
    });
    expect(run).toMatchObject({ status: "queued", isDraft: true });
    const done = await waitForStatus(ctx, run.id, ["completed", "failed"]);
    expect(done).toMatchObject({
      status: "completed",
      output: { greeting: { message: "Hello, Ada!" } },
    });
    expect(done.finishedAt).toBeInstanceOf(Date);

    const steps = await listStepRuns(ctx.db, run.id);
    expect(steps.map((s) => [s.stepId, s.status])).toEqual(
      expect.arrayContaining([
        ["in", "completed"],
        ["greet", "completed"],
        ["out", "completed"],
      ]),
    );
    const events = await listRunEvents(ctx.db, { tenantId: ctx.tenant.id, runId: run.id });
    expect(events[0]?.type).toBe("run.queued");
    expect(events.at(-1)?.type).toBe("run.completed");
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    // The debugger reads them a page at a time.
    const first = await listEventsOfRun(ctx, run.id, { limit: 3 });
    const second = await listEventsOfRun(ctx, run.id, { afterId: first.nextCursor!, limit: 100 });
    expect([...first.items, ...second.items].map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(second.nextCursor).toBeNull();
    const audit = await listAuditLogs(ctx.db, { tenantId: ctx.tenant.id, limit: 5 });
    expect(audit.items[0]).toMatchObject({ action: "run.start", targetId: run.id });
  });

  it("a finished run leaves a usage record: its steps, tokens, cost and MCP calls (fake LLM and tools)", async () => {
    const ctx = await tenantContext();
    const crm = countingCrm();
    const llm = createFakeLlm(() => ({
      text: "A loyal customer.",
      usage: { inputTokens: 120, outputTokens: 30 },
    }));
    const runs = system({ tools: crm, llm });
    await runs.startWorkers(2);
    const workflow = await saveWorkflow(ctx, lookupThenSummarise);

    const run = await startRun(ctx, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { email: "ada@example.test" },
    });
    const done = await waitForStatus(ctx, run.id, ["completed", "failed"]);
    expect(done.status).toBe("completed");
    const [usage] = await ctx.db.select().from(usageRecords).where(eq(usageRecords.runId, run.id));
    expect(usage).toMatchObject({
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      userId: ctx.actor.userId,
      status: "completed",
      steps: 4,
      inputTokens: 120,
      outputTokens: 30,
      mcpCalls: 1,
      day: done.finishedAt!.toISOString().slice(0, 10),
    });
  });

  it("a run whose step result cannot be stored fails with a clear message; a run written in the same moment is not affected (fake tools)", async () => {
    const ctx = await tenantContext();
    // PostgreSQL cannot store a NUL character in JSON: the step's result cannot be written.
    const tools = createFakeTools({
      crm: {
        find_customer: ({ email }) =>
          email === "bad@example.test" ? "nul \u0000 here" : { name: "Ada" },
      },
    });
    const runs = system({ tools, llm: createFakeLlm(() => "ok") });
    await runs.startWorkers(4);
    const workflow = await saveWorkflow(ctx, lookupThenSummarise);

    const [bad, good] = await Promise.all(
      ["bad@example.test", "good@example.test"].map((email) =>
        startRun(ctx, runs.runDeps, { workflowId: workflow.id, draft: true, input: { email } }),
      ),
    );
    const [badDone, goodDone] = await Promise.all(
      [bad!, good!].map((run) => waitForStatus(ctx, run.id, ["completed", "failed"])),
    );
    expect(goodDone!.status).toBe("completed");
    expect(badDone!.status).toBe("failed");
    expect(badDone!.error?.message).toMatch(
      /Could not store the result of "lookup": The database refused the write: .*Unicode/,
    );
    const goodEvents = await listRunEvents(ctx.db, { tenantId: ctx.tenant.id, runId: good!.id });
    expect(goodEvents.map((e) => e.type)).toContain("run.completed");
  });

  it("refuses input that does not match the workflow's input schema, before queuing anything", async () => {
    const ctx = await tenantContext();
    const runs = system();
    const workflow = await saveWorkflow(ctx, greeting);
    await expect(
      startRun(ctx, runs.runDeps, { workflowId: workflow.id, draft: true, input: { name: 42 } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("input.name"),
    });
    expect(await runs.queue.depth()).toEqual({ waiting: 0, active: 0 });
  });

  it("refuses a run beyond the tenant's limit of active runs, with a clear error", async () => {
    const ctx = await tenantContext();
    const runs = system({ maxActive: 1 }); // no workers: runs stay queued
    const workflow = await saveWorkflow(ctx, greeting);
    await startRun(ctx, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { name: "A" },
    });
    await expect(
      startRun(ctx, runs.runDeps, { workflowId: workflow.id, draft: true, input: { name: "B" } }),
    ).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      message: expect.stringContaining("limit is 1"),
    });
  });

  it("a run whose LLM step fails can be retried from that step without repeating the steps before it (fake LLM and tools)", async () => {
    const ctx = await tenantContext();
    const crm = countingCrm();
    const broken = system({
      tools: crm,
      llm: createFakeLlm(() => Promise.reject(new Error("model overloaded"))),
    });
    await broken.startWorkers(1);
    const workflow = await saveWorkflow(ctx, lookupThenSummarise);
    const first = await startRun(ctx, broken.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { email: "ada@example.test" },
    });
    const failed = await waitForStatus(ctx, first.id, ["completed", "failed"], 30_000);
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toContain("model overloaded");
    expect(crm.calls).toHaveLength(1);
    await broken.close();

    const llm = createFakeLlm(() => ({
      text: "Ada is a loyal customer.",
      usage: { inputTokens: 30, outputTokens: 8 },
      costUsd: 0.001,
    }));
    const fixed = system({ tools: crm, llm });
    await fixed.startWorkers(1);
    const retry = await retryRun(ctx, fixed.runDeps, first.id);
    const done = await waitForStatus(ctx, retry.id, ["completed", "failed"]);
    expect(done).toMatchObject({
      status: "completed",
      retryOf: first.id,
      inputTokens: 30,
      outputTokens: 8,
    });
    expect(crm.calls).toHaveLength(1); // the lookup was not repeated
    expect(llm.calls).toHaveLength(1);
  });

  it("keeps the tokens spent on a model without a price as unpriced on the run, its step and its usage record (fake LLM)", async () => {
    const ctx = await tenantContext();
    const llm = createFakeLlm(() => ({
      text: "Ada is a loyal customer.",
      usage: { inputTokens: 30, outputTokens: 8 },
    })); // no price
    const runs = system({ tools: countingCrm(), llm });
    await runs.startWorkers(1);
    const workflow = await saveWorkflow(ctx, lookupThenSummarise);
    const run = await startRun(ctx, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { email: "ada@example.test" },
    });
    const done = await waitForStatus(ctx, run.id, ["completed", "failed"]);
    expect(done).toMatchObject({ status: "completed", costUsd: 0, unpricedTokens: 38 });
    const steps = await listStepRuns(ctx.db, run.id);
    expect(steps.map((step) => step.unpricedTokens).reduce((a, b) => a + b, 0)).toBe(38);
    const [usage] = await ctx.db.select().from(usageRecords).where(eq(usageRecords.runId, run.id));
    expect(usage).toMatchObject({ costUsd: 0, unpricedTokens: 38 });
  });

  it("counts a skipped step under its own kind in /api/metrics, not as unknown", async () => {
    const ctx = await tenantContext();
    const runs = system();
    await runs.startWorkers(1);
    const branching = makeWorkflow({
      name: "Big or small",
      nodes: [
        makeNode("input", "in"),
        makeNode("condition", "big", { when: "input.amount > 100" }),
        makeNode("transform", "escalate", { template: { level: "high" } }),
        makeNode("output", "high", { name: "high" }),
        makeNode("human-approval", "ask", { message: "Small one?" }),
        makeNode("output", "low", { name: "low" }),
      ],
      edges: [
        ...chain("in", "big"),
        connect("big", "escalate", "true"),
        connect("escalate", "high"),
        connect("big", "ask", "false"),
        connect("ask", "low", "approved"),
      ],
    });
    const workflow = await saveWorkflow(ctx, branching);
    const run = await startRun(ctx, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { amount: 500 },
    });
    await waitForStatus(ctx, run.id, ["completed", "failed"]);
    const text = await getMetrics().registry.metrics();
    expect(text).toMatch(
      /^maestro_steps_finished_total\{kind="human-approval",status="skipped"\} [1-9]/m,
    );
    expect(text).not.toMatch(/kind="unknown"/);
  });

  it("cancels a queued run at once and a running run through its worker (fake tools)", async () => {
    const ctx = await tenantContext();
    const idle = system();
    const workflow = await saveWorkflow(ctx, greeting);
    const queued = await startRun(ctx, idle.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { name: "Q" },
    });
    await expect(cancelRun(ctx, idle.runDeps, queued.id)).resolves.toMatchObject({
      status: "cancelled",
    });
    expect((await findRun(ctx.db, ctx.tenant.id, queued.id))?.status).toBe("cancelled");

    const stuck = countingCrm(() => hang());
    const busy = system({ tools: stuck, llm: createFakeLlm(() => "unused") });
    await busy.startWorkers(1);
    const slow = await saveWorkflow(ctx, lookupThenSummarise);
    const running = await startRun(ctx, busy.runDeps, {
      workflowId: slow.id,
      draft: true,
      input: { email: "x@example.test" },
    });
    await waitForStatus(ctx, running.id, ["running"]);
    await new Promise((r) => setTimeout(r, 100)); // the tool call is in flight
    await expect(cancelRun(ctx, busy.runDeps, running.id)).resolves.toMatchObject({
      status: "cancelling",
    });
    const cancelled = await waitForStatus(ctx, running.id, ["cancelled", "completed", "failed"]);
    expect(cancelled.status).toBe("cancelled");
    await expect(cancelRun(ctx, busy.runDeps, running.id)).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("waits at a human-approval step and goes on down the branch the approver chose", async () => {
    const ctx = await tenantContext();
    const runs = system();
    await runs.startWorkers(1);
    const approval = makeWorkflow({
      name: "Refund approval",
      nodes: [
        makeNode("input", "in"),
        makeNode("human-approval", "manager", { message: "Refund {{input.amount}}?" }),
        makeNode("transform", "refund", { template: { refunded: "{{input.amount}}" } }),
        makeNode("output", "done", { name: "done" }),
        makeNode("transform", "decline", { template: { refunded: 0 } }),
        makeNode("output", "declined", { name: "declined" }),
      ],
      edges: [
        ...chain("in", "manager"),
        connect("manager", "refund", "approved"),
        connect("refund", "done"),
        connect("manager", "decline", "rejected"),
        connect("decline", "declined"),
      ],
    });
    const workflow = await saveWorkflow(ctx, approval);
    for (const approved of [true, false]) {
      const run = await startRun(ctx, runs.runDeps, {
        workflowId: workflow.id,
        draft: true,
        input: { amount: 40 },
      });
      await waitForStatus(ctx, run.id, ["waiting"]);
      // The approvals inbox lists waiting runs with what they wait for, in one query.
      const inbox = await listRuns(ctx, { status: ["waiting"], limit: 10 });
      expect(inbox.items.find((r) => r.id === run.id)?.waitingFor).toEqual([
        expect.objectContaining({ stepId: "manager", message: "Refund 40?" }),
      ]);
      await decideApproval(ctx, runs.runDeps, {
        runId: run.id,
        stepId: "manager",
        approved,
        comment: "ok",
      });
      const done = await waitForStatus(ctx, run.id, ["completed", "failed"]);
      expect(done.status).toBe("completed");
      expect(done.output).toEqual(
        approved ? { done: { refunded: 40 } } : { declined: { refunded: 0 } },
      );
      expect(done.approvals.manager).toMatchObject({ approved, decidedBy: ctx.actor.email });
      // Its duration is from its start to its end, the wait for the approver included.
      expect(
        Math.abs(done.durationMs! - (done.finishedAt!.getTime() - done.startedAt!.getTime())),
      ).toBeLessThanOrEqual(2);
    }
  });

  it("a run whose worker died is resumed by another worker without repeating its finished steps (fake tools)", async () => {
    const ctx = await tenantContext();
    const crm = countingCrm();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const llm = createFakeLlm(async (_request, call) => {
      if (call === 1) await gate; // the first worker's call never finishes: that worker dies here
      return "summary";
    });
    const queueName = `runs-test-${randomBytes(4).toString("hex")}`;
    const dying = system({ tools: crm, llm, staleAfterMs: 600, queueName });
    await dying.startWorkers(1);
    const workflow = await saveWorkflow(ctx, lookupThenSummarise);
    const run = await startRun(ctx, dying.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { email: "ada@example.test" },
    });
    await waitForStatus(ctx, run.id, ["running"]);
    while (llm.calls.length === 0) await new Promise((r) => setTimeout(r, 20));
    await dying.close(); // the worker goes away mid-step
    release();

    const survivor = system({ tools: crm, llm, staleAfterMs: 600, queueName });
    await survivor.startWorkers(1);
    const done = await waitForStatus(ctx, run.id, ["completed", "failed"], 20_000);
    expect({ status: done.status, error: done.error }).toEqual({
      status: "completed",
      error: null,
    }); // a failure names its error
    expect(done.resumeCount).toBeGreaterThanOrEqual(1);
    expect(crm.calls).toHaveLength(1); // the lookup finished before the worker died: not repeated
    const { steps } = await getRun(ctx, run.id);
    expect(steps.find((s) => s.stepId === "lookup")).toMatchObject({
      status: "completed",
      attempts: 1,
    });
  });

  it("starts that arrive together are each checked on their own: a bad one fails alone", async () => {
    const [mine, theirs] = [await tenantContext(), await tenantContext()];
    const runs = system(); // no workers: runs stay queued
    const [myWorkflow, theirWorkflow] = [
      await saveWorkflow(mine, greeting),
      await saveWorkflow(theirs, greeting),
    ];
    // Started in one moment, these share one read of their start facts.
    const results = await Promise.allSettled([
      startRun(mine, runs.runDeps, {
        workflowId: myWorkflow.id,
        draft: true,
        input: { name: "A" },
      }),
      startRun(mine, runs.runDeps, {
        workflowId: theirWorkflow.id,
        draft: true,
        input: { name: "B" },
      }),
      startRun(mine, runs.runDeps, { workflowId: "not-a-uuid", draft: true, input: { name: "C" } }),
      startRun(theirs, runs.runDeps, {
        workflowId: theirWorkflow.id,
        draft: true,
        input: { name: "D" },
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "rejected",
      "rejected",
      "fulfilled",
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: "NOT_FOUND" });
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: "NOT_FOUND" });
    const [mineRun, theirRun] = [results[0], results[3]].map(
      (r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof startRun>>>).value,
    );
    expect(mineRun).toMatchObject({
      tenantId: mine.tenant.id,
      workflowId: myWorkflow.id,
      status: "queued",
    });
    expect(theirRun).toMatchObject({
      tenantId: theirs.tenant.id,
      workflowId: theirWorkflow.id,
      status: "queued",
    });
  });

  it("a followed run (its starter waits for its end) is stored just as a run stored step by step: row, steps, events, usage and audit", async () => {
    const ctx = await tenantContext();
    const runs = system();
    await runs.startWorkers(2);
    const workflow = await saveWorkflow(ctx, greeting);
    const start = (followed: boolean) =>
      startRun(ctx, runs.runDeps, {
        workflowId: workflow.id,
        draft: true,
        input: { name: "Ada" },
        followed,
      });
    const [followed, plain] = [await start(true), await start(false)];
    expect(followed).toMatchObject({ status: "queued", isDraft: true, workflowId: workflow.id });
    const a = await waitForStatus(ctx, followed.id, ["completed", "failed"]);
    const b = await waitForStatus(ctx, plain.id, ["completed", "failed"]);
    const row = (run: typeof a) => ({
      status: run.status,
      output: run.output,
      error: run.error,
      trigger: run.trigger,
      startedBy: run.startedBy,
      workerId: run.workerId,
      inputTokens: run.inputTokens,
      costUsd: run.costUsd,
    });
    expect(row(a)).toEqual(row(b));
    expect(a.workerId).toBeNull();
    // Its times are those of its start, its claim and its end, in that order.
    expect(a.createdAt.getTime()).toBe(followed.createdAt.getTime());
    expect(a.startedAt!.getTime()).toBeGreaterThanOrEqual(a.createdAt.getTime());
    expect(a.finishedAt!.getTime()).toBeGreaterThanOrEqual(a.startedAt!.getTime());
    expect(a.durationMs).toBeGreaterThanOrEqual(0);
    expect(a.heartbeatAt).toBeInstanceOf(Date);

    const steps = async (runId: string) =>
      (await listStepRuns(ctx.db, runId))
        .map((step) => [step.stepId, step.status, step.output])
        .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(await steps(a.id)).toEqual(await steps(b.id));
    const types = async (runId: string) =>
      (await listRunEvents(ctx.db, { tenantId: ctx.tenant.id, runId })).map((e) => e.type);
    expect(await types(a.id)).toEqual(await types(b.id));
    const usage = async (runId: string) => {
      const [record] = await ctx.db
        .select()
        .from(usageRecords)
        .where(eq(usageRecords.runId, runId));
      return { status: record?.status, steps: record?.steps, mcpCalls: record?.mcpCalls };
    };
    expect(await usage(a.id)).toEqual(await usage(b.id));
    const audit = await listAuditLogs(ctx.db, { tenantId: ctx.tenant.id, limit: 10 });
    expect(
      audit.items.filter((item) => item.action === "run.start").map((i) => i.targetId),
    ).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it("a followed run is stored, running, before it calls a tool; a result that cannot be stored still fails it clearly (fake tools)", async () => {
    const ctx = await tenantContext();
    const seen: unknown[] = [];
    const tools = createFakeTools({
      crm: {
        find_customer: async ({ email }) => {
          const [run] = (await listRuns(ctx, { limit: 5 })).items.filter(
            (item) => (item.input as { email?: string }).email === email,
          );
          const steps = run ? await listStepRuns(ctx.db, run.id) : [];
          seen.push({
            status: run?.status,
            lookup: steps.find((step) => step.stepId === "lookup")?.status,
          });
          return email === "bad@example.test" ? "nul \u0000 here" : { name: "Ada" };
        },
      },
    });
    const runs = system({ tools, llm: createFakeLlm(() => "ok") });
    await runs.startWorkers(2);
    const workflow = await saveWorkflow(ctx, lookupThenSummarise);
    const good = await startRun(ctx, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { email: "good@example.test" },
      followed: true,
    });
    expect((await waitForStatus(ctx, good.id, ["completed", "failed"])).status).toBe("completed");
    expect(seen).toEqual([{ status: "running", lookup: "running" }]);

    const bad = await startRun(ctx, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { email: "bad@example.test" },
      followed: true,
    });
    const failed = await waitForStatus(ctx, bad.id, ["completed", "failed"]);
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toMatch(
      /Could not store the result of "lookup": The database refused the write: .*Unicode/,
    );
  });

  it("a followed run nobody has taken yet counts against the active runs limit, shows up queued soon after, and can be cancelled", async () => {
    const ctx = await tenantContext();
    const runs = system({ maxActive: 1 }); // no workers: the run is not taken
    const workflow = await saveWorkflow(ctx, greeting);
    const first = await startRun(ctx, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { name: "A" },
      followed: true,
    });
    // On this process's own queue it is held: not stored yet (a shared queue stores it at once).
    if (runs.queue.isLocal) expect(await findRun(ctx.db, ctx.tenant.id, first.id)).toBeUndefined();
    await expect(
      startRun(ctx, runs.runDeps, {
        workflowId: workflow.id,
        draft: true,
        input: { name: "B" },
        followed: true,
      }),
    ).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      message: expect.stringContaining("limit is 1"),
    });
    await waitForStatus(ctx, first.id, ["queued"], 2_000);

    const second = system().runDeps; // a second process's view: the run is in the database
    await expect(cancelRun(ctx, second, first.id)).resolves.toMatchObject({ status: "cancelled" });
    // Two releases at once (its timer's and a cancel's): each waits until the run is stored.
    const racing = await startRun(ctx, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { name: "R" },
      followed: true,
    });
    void runs.runDeps.journal.release(racing.id);
    // On its way to the database it still counts as active.
    if (runs.queue.isLocal) expect(runs.runDeps.journal.heldCount(ctx.tenant.id)).toBe(1);
    await runs.runDeps.journal.release(racing.id);
    expect(runs.runDeps.journal.heldCount(ctx.tenant.id)).toBe(0);
    expect((await findRun(ctx.db, ctx.tenant.id, racing.id))?.status).toBe("queued");
    await expect(cancelRun(ctx, runs.runDeps, racing.id)).resolves.toMatchObject({
      status: "cancelled",
    });
    const held = await startRun(ctx, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { name: "C" },
      followed: true,
    });
    // Cancelled at once, even before it was stored.
    await expect(cancelRun(ctx, runs.runDeps, held.id)).resolves.toMatchObject({
      status: "cancelled",
    });
    expect((await findRun(ctx.db, ctx.tenant.id, held.id))?.status).toBe("cancelled");
  });

  it("another tenant's run is not found", async () => {
    const [mine, theirs] = [await tenantContext(), await tenantContext()];
    const runs = system();
    const workflow = await saveWorkflow(theirs, greeting);
    const run = await startRun(theirs, runs.runDeps, {
      workflowId: workflow.id,
      draft: true,
      input: { name: "B" },
    });
    await expect(getRun(mine, run.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(cancelRun(mine, runs.runDeps, run.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      startRun(mine, runs.runDeps, { workflowId: workflow.id, draft: true, input: { name: "B" } }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
