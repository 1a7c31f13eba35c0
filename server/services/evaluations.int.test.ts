import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import type { Role } from "@/db/schema";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import type { EvaluationSummary, EvaluatorInput } from "@/engine/evaluation";
import { createFakeLlm } from "@/engine/runtime/fake-ports";
import type { LlmPort } from "@/engine/runtime/ports";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { getEnv } from "@/server/env";
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from "@/server/llm/testing/fake-openai-server";
import { createTenantLlmPorts } from "@/server/llm/tenant-ports";
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
import { insertEvaluation, recordEvaluationItem } from "@/server/repositories/evaluations";
import {
  EVALUATION_STALE_AFTER_MS,
  evaluationSettled,
  failInterruptedEvaluations,
} from "./evaluations";

/**
 * Datasets and evaluations through the tRPC procedures, with the real run system (PGlite, or
 * PostgreSQL and Redis with DATABASE_URL / REDIS_URL): items run as runs of trigger "evaluation",
 * their ends read from the run events, scored by the engine's evaluators.
 */
let database: Database;
let judgeServer: FakeOpenAiServer;
const systems: RunSystem[] = [];
beforeAll(async () => {
  [database, judgeServer] = await Promise.all([
    createTestDatabase(),
    startFakeOpenAiServer({
      answer: JSON.stringify({ score: 0.75, reason: "Warm, and it uses the name" }),
    }),
  ]);
});
// Each test's run system sweeps the whole database for runs nobody holds: closed after its test,
// so it cannot take over a later test's run with its own (different) model and tools.
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all([database?.close(), judgeServer?.close()]);
});

async function system(llm: (tenantId: string) => LlmPort | undefined = () => undefined) {
  const made = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `evaluations-test-${randomBytes(4).toString("hex")}`,
    llm,
    tools: () => undefined,
    scheduleTickMs: 0,
  });
  systems.push(made);
  await made.startWorkers(8);
  return made;
}

async function member(runSystem: RunSystem, role: Role = "editor") {
  const tenant = await makeTenant(database.db);
  const user = await makeUser(database.db, { memberships: [[tenant, role]] });
  const caller = createCaller(
    await createContext({
      db: database.db,
      identity: { userId: user.id, tenantId: tenant.id },
      meta: testMeta,
      runSystem: async () => runSystem,
    }),
  );
  return { tenant, user, caller };
}

type Caller = Awaited<ReturnType<typeof member>>["caller"];

/** A workflow with `document`, published as version 1. */
async function publishedWorkflow(
  caller: Caller,
  tenantId: string,
  userId: string,
  document: WorkflowDocument = greetingWorkflow,
) {
  const workflow = await insertWorkflow(database.db, {
    tenantId,
    name: `Flow ${randomBytes(3).toString("hex")}`,
    description: "",
    document,
    createdBy: userId,
  });
  const version = await caller.workflow.publish({ workflowId: workflow.id });
  return { workflow, version };
}

const greetingEvaluators: EvaluatorInput[] = [
  { id: "exact", kind: "exact-match", outputPath: "greeting.message" },
  { id: "says-hello", kind: "contains", values: ["Hello"] },
];

const names = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken"];
const greetingItems = (list = names) =>
  list.map((name) => ({ input: { name }, reference: `Hello, ${name}!`, tags: ["greeting"] }));

/** An input → llm → output workflow: each run makes one model call. */
const llmWorkflow = makeWorkflow({
  name: "Answer",
  nodes: [
    makeNode("input", "in", {
      schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    }),
    makeNode("llm", "answer", { prompt: "Answer {{input.name}}" }),
    makeNode("output", "out", { name: "answer" }),
  ],
  edges: chain("in", "answer", "out"),
});

async function evaluate(caller: Caller, input: Parameters<Caller["evaluation"]["start"]>[0]) {
  const started = await caller.evaluation.start(input);
  expect(started.status).toBe("running");
  await evaluationSettled(started.id);
  return caller.evaluation.get({ id: started.id });
}

describe("datasets", () => {
  it("makes a new version for every change: an import makes version 2 and version 1 keeps its items; export reads back", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({ workflowId: workflow.id, name: "Greetings" });
    const created = await caller.dataset.get({ datasetId: dataset.id });
    expect(created.version).toMatchObject({ version: 1, itemCount: 0, source: "created" });

    const added = await caller.dataset.addItems({
      datasetId: dataset.id,
      items: greetingItems(["Ada", "Grace"]),
    });
    expect(added.version).toMatchObject({ version: 2, itemCount: 2, source: "manual" });

    const csv = 'name,expected,tags\nAlan,"Hello, Alan!",new;csv\nKen,"Hello, Ken!",csv\n';
    const imported = await caller.dataset.import({
      datasetId: dataset.id,
      format: "csv",
      text: csv,
      mapping: {
        input: { fields: { name: { from: "name" } } },
        reference: { from: "expected" },
        tags: { from: "tags", separator: ";" },
      },
    });
    expect(imported.version).toMatchObject({ version: 3, itemCount: 4, source: "import" });
    expect(await caller.dataset.list({ workflowId: workflow.id })).toMatchObject([
      { id: dataset.id, name: "Greetings", latestVersion: 3, itemCount: 4 },
    ]);

    const v2 = await caller.dataset.get({ datasetId: dataset.id, version: 2 });
    expect(v2.items.map((item) => item.input.name)).toEqual(["Ada", "Grace"]);
    const v3 = await caller.dataset.get({ datasetId: dataset.id });
    expect(v3.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(v3.items.map((item) => [item.input.name, item.reference, item.tags])).toEqual([
      ["Ada", "Hello, Ada!", ["greeting"]],
      ["Grace", "Hello, Grace!", ["greeting"]],
      ["Alan", "Hello, Alan!", ["new", "csv"]],
      ["Ken", "Hello, Ken!", ["csv"]],
    ]);
    // Item ids are stable across versions.
    expect(v3.items.slice(0, 2).map((item) => item.id)).toEqual(v2.items.map((item) => item.id));

    const removed = await caller.dataset.removeItems({
      datasetId: dataset.id,
      itemIds: [v3.items[0]!.id],
    });
    expect(removed.version).toMatchObject({ version: 4, itemCount: 3 });
    expect((await caller.dataset.get({ datasetId: dataset.id, version: 3 })).items).toHaveLength(4);

    const exported = await caller.dataset.export({ datasetId: dataset.id, version: 3 });
    expect(exported.fileName).toBe("Greetings-v3.jsonl");
    const lines = exported.text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string; input: unknown; reference?: unknown });
    expect(lines).toHaveLength(4);
    expect(lines[2]).toEqual({
      id: v3.items[2]!.id,
      input: { name: "Alan" },
      reference: "Hello, Alan!",
      tags: ["new", "csv"],
    });
  });

  it("two edits at once make two versions, the second keeping the first's items; repeated ids are refused", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({ workflowId: workflow.id, name: "Busy" });
    await Promise.all([
      caller.dataset.addItems({ datasetId: dataset.id, items: greetingItems(["Ada"]) }),
      caller.dataset.addItems({ datasetId: dataset.id, items: greetingItems(["Grace"]) }),
    ]);
    const latest = await caller.dataset.get({ datasetId: dataset.id });
    expect(latest.version.version).toBe(3);
    expect(latest.items.map((item) => item.input.name).sort()).toEqual(["Ada", "Grace"]);

    const twice = await expectTrpcError(
      caller.dataset.addItems({
        datasetId: dataset.id,
        items: [
          { id: "same", input: { name: "A" } },
          { id: "same", input: { name: "B" } },
        ],
      }),
      "BAD_REQUEST",
    );
    expect(twice.message).toContain('Two items have the id "same"');
  });

  it("refuses an import with a bad row, naming the row and column, and makes no version", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({ workflowId: workflow.id, name: "Scores" });
    const csv = "name,score\nAda,1\nGrace,lots\n";
    const error = await expectTrpcError(
      caller.dataset.import({
        datasetId: dataset.id,
        format: "csv",
        text: csv,
        mapping: {
          input: { fields: { name: { from: "name" }, score: { from: "score", as: "number" } } },
        },
      }),
      "BAD_REQUEST",
    );
    expect(error.message).toMatch(/row 3, column 2/);
    const details = (
      error.cause as {
        details?: { problems?: { row?: number; column?: number; field?: string }[] };
      }
    ).details;
    expect(details?.problems?.[0]).toMatchObject({ row: 3, column: 2, field: "score" });
    expect((await caller.dataset.get({ datasetId: dataset.id })).version.version).toBe(1);
  });

  it("adds a finished run as an item, with its output as the reference when asked", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({ workflowId: workflow.id, name: "From runs" });
    const run = await caller.run.start({ workflowId: workflow.id, input: { name: "Ada" } });
    const { waitForRun } = await import("./run-stream");
    const ctx = {
      db: database.db,
      actor: { userId: user.id, email: user.email, name: user.name, isSuperadmin: false },
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, role: "editor" as const },
      meta: testMeta,
    };
    expect(await waitForRun(ctx, runs.bus, run.id, { timeoutMs: 60_000 })).toMatchObject({
      type: "run.completed",
    });

    await caller.dataset.addRun({ datasetId: dataset.id, runId: run.id, withOutput: true });
    await caller.dataset.addRun({ datasetId: dataset.id, runId: run.id });
    const { items } = await caller.dataset.get({ datasetId: dataset.id });
    expect(items.map((item) => [item.input, item.reference])).toEqual([
      [{ name: "Ada" }, { greeting: { message: "Hello, Ada!" } }],
      [{ name: "Ada" }, undefined],
    ]);
  });
});

describe("evaluations", () => {
  it("evaluates the greeting workflow's published version with deterministic evaluators: every item scores 1.0", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Greetings",
      evaluators: greetingEvaluators,
    });
    await caller.dataset.addItems({ datasetId: dataset.id, items: greetingItems() });

    const { evaluation, items, datasetVersion } = await evaluate(caller, { datasetId: dataset.id });
    expect(evaluation).toMatchObject({
      status: "completed",
      totalItems: 6,
      finishedItems: 6,
      failedRuns: 0,
      error: null,
    });
    expect(datasetVersion).toBe(2);
    // What the pages name: the workflow, the dataset and the version numbers, in the list too.
    expect(evaluation).toMatchObject({
      workflowName: workflow.name,
      datasetName: "Greetings",
      datasetVersion: 2,
      workflowVersion: 1,
      isDraft: false,
    });
    expect(await caller.evaluation.list({ workflowId: workflow.id })).toEqual([
      expect.objectContaining({
        id: evaluation.id,
        workflowName: workflow.name,
        datasetName: "Greetings",
        datasetVersion: 2,
        workflowVersion: 1,
      }),
    ]);
    // Each result carries its dataset item's input and reference beside the output.
    expect(
      items
        .map((item) => [item.input, item.reference, item.tags])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(
      greetingItems()
        .map((item) => [item.input, item.reference, item.tags])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    const summary = evaluation.summary as EvaluationSummary;
    expect(summary).toMatchObject({
      items: 6,
      scoredItems: 6,
      score: 1,
      passedItems: 6,
      failedRuns: 0,
    });
    expect(items).toHaveLength(6);
    for (const item of items) {
      expect(item.score).toBe(1);
      expect(item.results).toEqual([
        expect.objectContaining({ evaluatorId: "exact", score: 1, reason: "matches exactly" }),
        expect.objectContaining({ evaluatorId: "says-hello", score: 1 }),
      ]);
      expect(item.runId).toEqual(expect.any(String));
      expect(item.durationMs).toEqual(expect.any(Number));
    }
    // Each item ran as a run of trigger "evaluation", on the published version.
    const evaluationRuns = await caller.run.list({
      limit: 50,
      workflowId: workflow.id,
      trigger: ["evaluation"],
    });
    expect(evaluationRuns.items).toHaveLength(6);
    expect(evaluationRuns.items.every((run) => !run.isDraft && run.status === "completed")).toBe(
      true,
    );
  });

  it("an item whose input the workflow refuses fails alone, scoring 0 with the reason", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "One bad",
      evaluators: greetingEvaluators,
    });
    await caller.dataset.addItems({
      datasetId: dataset.id,
      items: [...greetingItems(["Ada"]), { id: "no-name", input: { nickname: "Al" } }],
    });

    const { evaluation, items } = await evaluate(caller, { datasetId: dataset.id });
    expect(evaluation).toMatchObject({ status: "completed", finishedItems: 2, failedRuns: 1 });
    const bad = items.find((item) => item.itemId === "no-name")!;
    expect(bad).toMatchObject({
      runId: null,
      score: 0,
      runError: expect.stringContaining("The run input is invalid"),
    });
    expect((evaluation.summary as EvaluationSummary).score).toBe(0.5);
  });

  it("runs at most `concurrency` items at once (in-flight runs counted while the model holds them)", async () => {
    const total = 10;
    const concurrency = 4;
    let released = 0;
    let held: (() => void)[] = [];
    let maxHeld = 0;
    let gateOpen = false;
    let onFirstFull!: () => void;
    const firstFull = new Promise<void>((resolve) => (onFirstFull = resolve));
    const releaseHeld = () => {
      released += held.length;
      const batch = held;
      held = [];
      batch.forEach((release) => release());
    };
    // Holds each run's model call until `concurrency` are held (or all that remain), then lets them
    // go together; the first time, the test counts the evaluation's runs before they go.
    const llm = createFakeLlm(
      () =>
        new Promise<string>((resolve) => {
          held.push(() => resolve("Hello"));
          maxHeld = Math.max(maxHeld, held.length);
          if (held.length < Math.min(concurrency, total - released)) return;
          if (gateOpen) releaseHeld();
          else onFirstFull();
        }),
    );
    const runs = await system(() => llm);
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id, llmWorkflow);
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Many",
      evaluators: [{ id: "answered", kind: "contains", values: ["Hello"] }],
    });
    await caller.dataset.addItems({
      datasetId: dataset.id,
      items: Array.from({ length: total }, (_, i) => ({ input: { name: `n${i}` } })),
    });

    const started = await caller.evaluation.start({ datasetId: dataset.id, concurrency });
    await firstFull;
    // Four runs hold a model call each; no fifth run was started while they are in flight.
    const inFlight = await caller.run.list({
      limit: 50,
      workflowId: workflow.id,
      trigger: ["evaluation"],
    });
    expect(inFlight.items).toHaveLength(concurrency);
    gateOpen = true;
    releaseHeld();
    await evaluationSettled(started.id);

    const { evaluation } = await caller.evaluation.get({ id: started.id });
    expect(evaluation).toMatchObject({ status: "completed", finishedItems: total });
    expect(llm.calls).toHaveLength(total);
    expect(maxHeld).toBe(concurrency);
    expect(llm.maxInFlight).toBe(concurrency);
  });

  it("cancel mid-way stops starting items, cancels the runs in flight and keeps the finished items", async () => {
    let heldCalls = 0;
    let onTwoHeld!: () => void;
    const twoHeld = new Promise<void>((resolve) => (onTwoHeld = resolve));
    // The first two model calls answer; the rest hang until their run is cancelled.
    const llm = createFakeLlm((_request, call) => {
      if (call <= 2) return "Hello";
      if (++heldCalls === 2) onTwoHeld();
      return new Promise<string>(() => undefined);
    });
    const runs = await system(() => llm);
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id, llmWorkflow);
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Cancelled",
      evaluators: [{ id: "answered", kind: "contains", values: ["Hello"] }],
    });
    await caller.dataset.addItems({
      datasetId: dataset.id,
      items: Array.from({ length: 8 }, (_, i) => ({ input: { name: `n${i}` } })),
    });

    const started = await caller.evaluation.start({ datasetId: dataset.id, concurrency: 2 });
    await twoHeld;
    const cancelled = await caller.evaluation.cancel({ id: started.id });
    expect(cancelled.status).toBe("cancelled");
    await evaluationSettled(started.id);

    const { evaluation, items } = await caller.evaluation.get({ id: started.id });
    expect(evaluation).toMatchObject({ status: "cancelled", finishedItems: 2, totalItems: 8 });
    expect(items).toHaveLength(2);
    expect(items.every((item) => item.score === 1)).toBe(true);
    expect((evaluation.summary as EvaluationSummary).items).toBe(2);
    expect(llm.calls).toHaveLength(4);
    const evaluationRuns = (
      await caller.run.list({ limit: 50, workflowId: workflow.id, trigger: ["evaluation"] })
    ).items;
    expect(evaluationRuns.map((run) => run.status).sort()).toEqual([
      "cancelled",
      "cancelled",
      "completed",
      "completed",
    ]);
    await expectTrpcError(caller.evaluation.cancel({ id: started.id }), "CONFLICT");
  });

  it("stops on a quota refusal with the reason, keeping the items it finished", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs, "admin");
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    await caller.limits.update({ maxRunsPerDay: 3 });
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Over quota",
      evaluators: greetingEvaluators,
    });
    await caller.dataset.addItems({ datasetId: dataset.id, items: greetingItems() });

    const { evaluation, items } = await evaluate(caller, { datasetId: dataset.id, concurrency: 1 });
    expect(evaluation).toMatchObject({ status: "failed", totalItems: 6, finishedItems: 3 });
    expect(evaluation.error).toMatch(/runs a day|per day|daily/i);
    expect(items.map((item) => item.score)).toEqual([1, 1, 1]);
    expect((evaluation.summary as EvaluationSummary).items).toBe(3);
  });

  it("a tenant that runs fewer at once than the evaluation asks: its own runs make it go slower, others' runs stop it with the reason", async () => {
    const held: (() => void)[] = [];
    const llm = createFakeLlm(
      () => new Promise<string>((resolve) => held.push(() => resolve("Hello"))),
    );
    const runs = await system(() => llm);
    const { tenant, user, caller } = await member(runs, "admin");
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    await caller.limits.update({ maxConcurrentRuns: 2 });
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Two at once",
      evaluators: greetingEvaluators,
    });
    await caller.dataset.addItems({ datasetId: dataset.id, items: greetingItems() });

    // Concurrency 6 against a limit of 2: the places its own runs hold are waited for, not a failure.
    const all = await evaluate(caller, { datasetId: dataset.id, concurrency: 6 });
    expect(all.evaluation).toMatchObject({
      status: "completed",
      totalItems: 6,
      finishedItems: 6,
      error: null,
    });
    expect(all.items.every((item) => item.score === 1)).toBe(true);

    // Two runs of another workflow hold both places (their model calls are held): the evaluation
    // stops at once with the limit's message, and counts nothing it could not run.
    const { workflow: busy } = await publishedWorkflow(caller, tenant.id, user.id, llmWorkflow);
    await Promise.all(
      [0, 1].map(() => caller.run.start({ workflowId: busy.id, input: { name: "x" } })),
    );
    await vi.waitFor(() => expect(held).toHaveLength(2), { timeout: 10_000 });
    const stopped = await evaluate(caller, { datasetId: dataset.id, concurrency: 2 });
    expect(stopped.evaluation).toMatchObject({ status: "failed", finishedItems: 0 });
    expect(stopped.evaluation.error).toMatch(
      /already has 2 runs queued or running \(the limit is 2 at once\)/,
    );
    held.forEach((release) => release());
  });

  it("scores with an LLM-as-judge through the tenant's model (fake OpenAI-compatible server on loopback)", async () => {
    const runs = await system(createTenantLlmPorts({ db: database.db, platform: {} }));
    const { tenant, user, caller } = await member(runs, "admin");
    await caller.llm.save({
      provider: "openai-compatible",
      baseUrl: judgeServer.baseURL,
      defaultModel: "judge-model",
    });
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Judged",
      evaluators: [
        ...greetingEvaluators,
        {
          id: "warm",
          kind: "llm-judge",
          rubric: "Is the greeting warm and does it use the person's name?",
        },
      ],
    });
    await caller.dataset.addItems({
      datasetId: dataset.id,
      items: greetingItems(["Ada", "Grace"]),
    });
    const before = judgeServer.received.length;

    const { evaluation, items } = await evaluate(caller, { datasetId: dataset.id });
    expect(evaluation.status).toBe("completed");
    const sent = judgeServer.received.slice(before);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({ model: "judge-model" });
    expect(JSON.stringify(sent[0]!.messages)).toContain("Is the greeting warm");
    for (const item of items) {
      expect(item.results).toContainEqual(
        expect.objectContaining({
          evaluatorId: "warm",
          score: 0.75,
          reason: "Warm, and it uses the name",
        }),
      );
      expect(item.score).toBeCloseTo((1 + 1 + 0.75) / 3);
      // The greeting workflow calls no model: the item's tokens are the judge's.
      expect(item.usage).toEqual({ inputTokens: 12, outputTokens: 3 });
    }
    const summary = evaluation.summary as EvaluationSummary;
    expect(summary.byEvaluator.find((e) => e.evaluatorId === "warm")).toMatchObject({
      mean: 0.75,
      scored: 2,
      errored: 0,
    });
  });

  it("an LLM judge without a model configured fails only that evaluator, with the reason", async () => {
    const runs = await system(createTenantLlmPorts({ db: database.db, platform: {} }));
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "No model",
      evaluators: [...greetingEvaluators, { id: "warm", kind: "llm-judge", rubric: "Warm?" }],
    });
    await caller.dataset.addItems({
      datasetId: dataset.id,
      items: greetingItems(["Ada", "Grace"]),
    });

    const { evaluation, items } = await evaluate(caller, { datasetId: dataset.id });
    expect(evaluation.status).toBe("completed");
    for (const item of items) {
      expect(item.score).toBe(1);
      expect(item.results).toContainEqual(
        expect.objectContaining({
          evaluatorId: "warm",
          score: null,
          error: expect.stringContaining("no model configured for LLM judges"),
        }),
      );
    }
    const summary = evaluation.summary as EvaluationSummary;
    expect(summary).toMatchObject({ score: 1, scoredItems: 2 });
    expect(summary.byEvaluator.find((e) => e.evaluatorId === "warm")).toMatchObject({
      mean: null,
      errored: 2,
      firstError: expect.stringContaining("no model configured"),
    });
  });

  it("compares two evaluations of one dataset version: the draft that greets worse shows its regressions first", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Compared",
      evaluators: greetingEvaluators,
    });
    await caller.dataset.addItems({
      datasetId: dataset.id,
      items: greetingItems(["Ada", "Grace", "Alan"]),
    });
    const base = await evaluate(caller, { datasetId: dataset.id });

    // The draft greets "Hi" instead of "Hello": every item loses both evaluators.
    const worse = makeWorkflow({
      ...greetingWorkflow,
      nodes: greetingWorkflow.nodes.map((node) =>
        node.id === "greet"
          ? makeNode("transform", "greet", { template: { message: "Hi {{input.name}}" } })
          : node,
      ),
    });
    const head = await caller.workflow.get({ id: workflow.id });
    await caller.workflow.saveDraft({
      id: workflow.id,
      document: worse,
      baseVersion: head.version,
    });
    const candidate = await evaluate(caller, { datasetId: dataset.id, draft: true });
    expect(candidate.evaluation).toMatchObject({
      status: "completed",
      isDraft: true,
      workflowVersionId: null,
    });
    expect((candidate.evaluation.summary as EvaluationSummary).score).toBe(0);

    const comparison = await caller.evaluation.compare({
      baseId: base.evaluation.id,
      candidateId: candidate.evaluation.id,
    });
    expect(comparison.counts).toMatchObject({ regressed: 3, improved: 0 });
    expect(comparison.items.every((item) => item.change === "regressed" && item.delta === -1)).toBe(
      true,
    );
    expect(comparison.score).toMatchObject({ base: 1, candidate: 0, delta: -1 });
  });

  it("an evaluation left running by an app that stopped ends as failed at the next start, keeping its finished items", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Interrupted",
      evaluators: greetingEvaluators,
    });
    const { version, itemIds } = await caller.dataset.addItems({
      datasetId: dataset.id,
      items: greetingItems(["Ada", "Grace"]),
    });
    // As the earlier process left it: running, one item stored.
    const left = await insertEvaluation(database.db, {
      tenantId: tenant.id,
      workflowId: workflow.id,
      datasetId: dataset.id,
      datasetVersionId: version.id,
      isDraft: true,
      status: "running",
      evaluators: greetingEvaluators,
      concurrency: 1,
      totalItems: 2,
      createdBy: user.id,
      startedAt: new Date(),
    });
    await recordEvaluationItem(database.db, {
      evaluationId: left.id,
      itemId: itemIds[0]!,
      tenantId: tenant.id,
      results: [{ evaluatorId: "exact", kind: "exact-match", score: 1, reason: "matches exactly" }],
      score: 1,
    });

    expect(await failInterruptedEvaluations(database.db)).toBe(1);
    const { evaluation } = await caller.evaluation.get({ id: left.id });
    expect(evaluation).toMatchObject({
      status: "failed",
      finishedItems: 1,
      error: expect.stringContaining("The app stopped"),
    });
    expect(evaluation.summary as EvaluationSummary).toMatchObject({ items: 1, score: 1 });
  });

  it("an evaluation whose process stopped sending heartbeats ends as failed when read, keeping its finished items; a live one stays running", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Silent",
      evaluators: greetingEvaluators,
    });
    const { version, itemIds } = await caller.dataset.addItems({
      datasetId: dataset.id,
      items: greetingItems(["Ada", "Grace"]),
    });
    const row = (heartbeatAt: Date) =>
      insertEvaluation(database.db, {
        tenantId: tenant.id,
        workflowId: workflow.id,
        datasetId: dataset.id,
        datasetVersionId: version.id,
        isDraft: true,
        status: "running",
        evaluators: greetingEvaluators,
        concurrency: 1,
        totalItems: 2,
        createdBy: user.id,
        startedAt: new Date(Date.now() - 120_000),
        heartbeatAt,
      });
    // As another process left it when it died: running, one item stored, its last heartbeat a minute old.
    const silent = await row(new Date(Date.now() - EVALUATION_STALE_AFTER_MS - 30_000));
    const alive = await row(new Date());
    await recordEvaluationItem(database.db, {
      evaluationId: silent.id,
      itemId: itemIds[0]!,
      tenantId: tenant.id,
      results: [{ evaluatorId: "exact", kind: "exact-match", score: 1, reason: "matches exactly" }],
      score: 1,
    });

    const { evaluation } = await caller.evaluation.get({ id: silent.id });
    expect(evaluation).toMatchObject({
      status: "failed",
      finishedItems: 1,
      error: expect.stringContaining("no heartbeat"),
    });
    expect(evaluation.summary as EvaluationSummary).toMatchObject({ items: 1, score: 1 });
    expect((await caller.evaluation.get({ id: alive.id })).evaluation.status).toBe("running");
    await caller.evaluation.cancel({ id: alive.id });
  });

  it("refuses what cannot be evaluated, and keeps tenants apart", async () => {
    const runs = await system();
    const { tenant, user, caller } = await member(runs);
    const { workflow } = await publishedWorkflow(caller, tenant.id, user.id);
    const empty = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Empty",
      evaluators: greetingEvaluators,
    });
    await expect(caller.evaluation.start({ datasetId: empty.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("no items"),
    });
    const bare = await caller.dataset.create({ workflowId: workflow.id, name: "No evaluators" });
    await caller.dataset.addItems({ datasetId: bare.id, items: greetingItems(["Ada"]) });
    await expect(caller.evaluation.start({ datasetId: bare.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("no evaluators"),
    });
    await expect(
      caller.dataset.setEvaluators({
        datasetId: bare.id,
        evaluators: [{ id: "x", kind: "regex", pattern: "(" }],
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      caller.dataset.create({ workflowId: workflow.id, name: "Empty" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });

    const other = await member(runs);
    await expectTrpcError(other.caller.dataset.get({ datasetId: empty.id }), "NOT_FOUND");
    await expectTrpcError(other.caller.evaluation.start({ datasetId: empty.id }), "NOT_FOUND");
    const viewer = await member(runs, "viewer");
    await expectTrpcError(
      viewer.caller.dataset.create({ workflowId: workflow.id, name: "Nope" }),
      "FORBIDDEN",
    );
  });
});
