import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import type { RunEvent } from "@/engine/schema/run-events";
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from "@/server/llm/testing/fake-openai-server";
import { listAuditLogs } from "@/server/repositories/audit";
import { findRun } from "@/server/repositories/runs";
import { listRunEvents } from "@/server/repositories/run-events";
import { listStepRuns } from "@/server/repositories/step-runs";
import { insertWorkflow } from "@/server/repositories/workflows";
import type { TenantContext } from "@/server/services/context";
import { resolveInterruptedStep, startRun } from "@/server/services/runs";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import {
  startTestWorkers,
  workerPoolMode,
  type TestWorkerPool,
} from "@/server/testing/worker-harness";

/**
 * Issue 16, faults: a worker dies in the middle of a step. With DATABASE_URL and REDIS_URL (the
 * CI's second pass, `npm run test:int` in .ci/run) the workers are two `npm run worker` processes
 * and the one holding the run gets SIGKILL; on the embedded default they are two run systems in
 * this process sharing the database, and the holder is stopped. The workers use the app's default
 * timings. The slow step is an LLM call to a fake OpenAI-compatible server on loopback that never
 * answers its first request for that step, so the worker is killed with the call under way, and
 * the server counts every call each step sends.
 */
let database: Database;
let fake: FakeOpenAiServer;
let pool: TestWorkerPool | undefined;
const heldOnce = new Set<string>();

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeOpenAiServer({
    hold: (request) => {
      const text = JSON.stringify(request.messages);
      const slow = /slow step of (\w+)/.exec(text)?.[1];
      if (!slow || heldOnce.has(slow)) return false;
      heldOnce.add(slow);
      return true;
    },
  });
});
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});
afterAll(async () => {
  await fake?.close();
  await database?.close();
});

/** input → first → second (slow the first time) → third → output, each an LLM call naming the run's tag. */
const workflowDocument = (notSafeToRepeat: boolean) =>
  makeWorkflow({
    name: "Three model calls",
    nodes: [
      makeNode("input", "in"),
      makeNode("llm", "first", { model: "local/fake", prompt: "first step of {{input.tag}}" }),
      makeNode(
        "llm",
        "second",
        { model: "local/fake", prompt: "slow step of {{input.tag}}" },
        notSafeToRepeat ? { label: "Send the order", policy: { notSafeToRepeat: true } } : {},
      ),
      makeNode("llm", "third", { model: "local/fake", prompt: "third step of {{input.tag}}" }),
      makeNode("output", "out", { name: "done", value: null }),
    ],
    edges: chain("in", "first", "second", "third", "out"),
  });

/** Calls the fake server got for one step of the run tagged `tag`. */
const callsOf = (step: "first" | "slow" | "third", tag: string) =>
  fake.received.filter((request) =>
    JSON.stringify(request.messages).includes(`${step} step of ${tag}`),
  ).length;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
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

async function eventsOf(ctx: TenantContext, runId: string): Promise<RunEvent[]> {
  return (await listRunEvents(ctx.db, { tenantId: ctx.tenant.id, runId })).map(
    (row) => row.payload as RunEvent,
  );
}

/**
 * Starts the workflow, waits until its slow step's call is under way, and stops the worker holding
 * the run: kill -9 (or, with `terminate`, SIGTERM and its exit code).
 */
async function startAndKillMidStep(notSafeToRepeat: boolean, how: "kill" | "terminate" = "kill") {
  pool = await startTestWorkers({
    database,
    count: 2,
    llmBaseUrl: fake.baseURL,
    shutdownGraceMs: 500,
  });
  const workers = pool;
  const ctx = await makeTenantContext(database.db, "editor");
  const tag = `t${randomBytes(4).toString("hex")}`;
  const workflow = await insertWorkflow(ctx.db, {
    tenantId: ctx.tenant.id,
    name: `Three model calls ${tag}`,
    description: "",
    document: workflowDocument(notSafeToRepeat),
    createdBy: ctx.actor.userId,
  });
  const explain = () => workers.workers.map((w, i) => `worker ${i}:\n${w.output()}`).join("\n");
  const run = await startRun(ctx, workers.runDeps, {
    workflowId: workflow.id,
    draft: true,
    input: { tag },
  });
  await waitFor(
    "the slow step's call to reach the model server",
    () => (callsOf("slow", tag) > 0 ? true : undefined),
    60_000,
    explain,
  );
  const victim = await workers.holderOf(run.id);
  expect(victim, "a live worker holds the running run").toBeDefined();
  const killedAt = Date.now();
  const exitCode = how === "kill" ? await victim!.kill() : await victim!.terminate();
  const survivor = workers.workers.find((w) => w !== victim)!;
  return { ctx, run, tag, victim: victim!, survivor, killedAt, exitCode, explain };
}

const settled = (ctx: TenantContext, runId: string, statuses: string[]) => async () => {
  const row = await findRun(ctx.db, ctx.tenant.id, runId);
  return row && statuses.includes(row.status) ? row : undefined;
};

describe(
  `a worker killed mid-step (${workerPoolMode()}, fake OpenAI-compatible server)`,
  { timeout: 180_000 },
  () => {
    it("another worker takes the run over within 10 s, records the interrupted step, sends only its call again and repeats no finished step", async () => {
      const { ctx, run, tag, victim, survivor, killedAt, explain } =
        await startAndKillMidStep(false);

      const done = await waitFor(
        "the run to end",
        settled(ctx, run.id, ["completed", "failed", "cancelled"]),
        60_000,
        explain,
      );
      expect(done.status, JSON.stringify(done.error)).toBe("completed");

      const events = await eventsOf(ctx, run.id);
      const interrupted = events.filter((e) => e.type === "step.interrupted");
      expect(interrupted).toEqual([
        expect.objectContaining({
          stepId: "second",
          interruptedOn: victim.id,
          resumedOn: survivor.id,
          next: "retry",
        }),
      ]);
      // The bound for a takeover (worst case by design: 7 s stale + 1 s sweep after the last heartbeat).
      expect(interrupted[0]!.at - killedAt).toBeLessThanOrEqual(10_000);

      expect(callsOf("first", tag)).toBe(1); // finished before the kill: not sent again
      expect(callsOf("slow", tag)).toBe(2); // cut off by the kill: sent again, and recorded as such
      expect(callsOf("third", tag)).toBe(1);
      const completions = (stepId: string) =>
        events.filter((e) => e.type === "step.completed" && e.stepId === stepId).length;
      expect([completions("first"), completions("second"), completions("third")]).toEqual([
        1, 1, 1,
      ]);
    });

    it("a step marked not safe to repeat waits for a person instead of sending its call again; skipping it lets the run finish", async () => {
      const { ctx, run, tag, victim, survivor, explain } = await startAndKillMidStep(true);

      const waiting = await waitFor(
        "the run to wait for a person",
        settled(ctx, run.id, ["waiting", "completed", "failed", "cancelled"]),
        60_000,
        explain,
      );
      expect(waiting.status).toBe("waiting");
      const events = await eventsOf(ctx, run.id);
      expect(events.filter((e) => e.type === "step.interrupted")).toEqual([
        expect.objectContaining({
          stepId: "second",
          interruptedOn: victim.id,
          resumedOn: survivor.id,
          next: "wait",
        }),
      ]);
      expect(events.at(-1)).toMatchObject({
        type: "run.waiting",
        waitingFor: [
          {
            stepId: "second",
            reason: "interrupted",
            message: expect.stringContaining('"Send the order" was interrupted'),
          },
        ],
      });
      expect((await listStepRuns(ctx.db, run.id)).find((s) => s.stepId === "second")).toMatchObject(
        { status: "waiting" },
      );
      expect(callsOf("slow", tag)).toBe(1);

      await resolveInterruptedStep(ctx, pool!.runDeps, {
        runId: run.id,
        stepId: "second",
        action: "skip",
      });
      const done = await waitFor(
        "the run to end",
        settled(ctx, run.id, ["completed", "failed", "cancelled"]),
        60_000,
        explain,
      );
      expect(done.status, JSON.stringify(done.error)).toBe("completed");
      expect([callsOf("first", tag), callsOf("slow", tag), callsOf("third", tag)]).toEqual([
        1, 1, 1,
      ]); // nothing sent twice
      const audit = await listAuditLogs(ctx.db, {
        tenantId: ctx.tenant.id,
        action: "run.resolve_interrupted",
        limit: 10,
      });
      expect(audit.items).toEqual([
        expect.objectContaining({
          targetId: run.id,
          metadata: { step: "second", decision: "skip" },
        }),
      ]);
    });

    it("SIGTERM: the worker takes no new runs, hands back the run its grace period did not finish and exits 0; another worker finishes it", async () => {
      const { ctx, run, tag, victim, survivor, exitCode, explain } = await startAndKillMidStep(
        false,
        "terminate",
      );
      expect(exitCode, victim.output()).toBe(0);
      if (workerPoolMode() === "processes") expect(victim.output()).toMatch(/Worker \d+ stopped\./);

      const done = await waitFor(
        "the run to end",
        settled(ctx, run.id, ["completed", "failed", "cancelled"]),
        60_000,
        explain,
      );
      expect(done.status, JSON.stringify(done.error)).toBe("completed");
      const events = await eventsOf(ctx, run.id);
      expect(events.filter((e) => e.type === "step.interrupted")).toEqual([
        expect.objectContaining({
          stepId: "second",
          interruptedOn: victim.id,
          resumedOn: survivor.id,
          next: "retry",
        }),
      ]);
      // Handed back, not cancelled: no run.cancelled was stored, and the first step was not sent again.
      expect(events.some((e) => e.type === "run.cancelled")).toBe(false);
      expect([callsOf("first", tag), callsOf("slow", tag), callsOf("third", tag)]).toEqual([
        1, 2, 1,
      ]);
    });
  },
);
