import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import type { RunForecast } from "@/engine/learning/run-forecast";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import {
  findOutcome,
  findRecentOutcomes,
  insertOutcomes,
  OUTCOME_COUNT_CAP,
} from "@/server/repositories/learning";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import type { TenantContext } from "./context";
import type { StoredForecast } from "./learning-forecasts";
import { predictRun } from "./learning";
import { OutcomeRecorder } from "./outcome-recorder";
import { publishVersion } from "./workflow-versions";

/**
 * A new workflow's first run, as the run dialog predicts it (learning.predictRun), on a tenant
 * whose history holds slow workflows of one structure (four ledger exports and a summary, ~20 s)
 * and more numerous fast ones of another (one model step, ~400 ms), recorded by the outcome
 * recorder: a new workflow built like the slow ones is predicted near their duration, one built
 * like the fast ones near theirs, whatever the words of their names. Without structure (the app
 * before it stored and passed it) both were predicted from the fast majority.
 */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const SLOW_MS = 20_000;
const FAST_MS = 400;

/** Exports `exports` ledger tables (a tool step each), then summarizes them with a model. */
const exportsLedger = (exports: number): WorkflowDocument => {
  const steps = Array.from({ length: exports }, (_, i) =>
    makeNode("tool", `export${i}`, { server: "ledger", tool: "export", args: { table: `t${i}` } }),
  );
  return makeWorkflow({
    name: "Ledger",
    nodes: [
      makeNode("input", "in"),
      ...steps,
      makeNode("llm", "sum", { prompt: "Summarize {{input}}" }),
      makeNode("output", "out", { name: "summary" }),
    ],
    edges: chain("in", ...steps.map((s) => s.id), "sum", "out"),
  });
};

/** One model step. */
const answers = (): WorkflowDocument =>
  makeWorkflow({
    name: "Answer",
    nodes: [
      makeNode("input", "in"),
      makeNode("llm", "answer", { prompt: "Answer {{input}}" }),
      makeNode("output", "out", { name: "answer" }),
    ],
    edges: chain("in", "answer", "out"),
  });

async function publish(ctx: TenantContext, name: string, document: WorkflowDocument) {
  const workflow = await insertWorkflow(ctx.db, {
    tenantId: ctx.tenant.id,
    name,
    description: "",
    document,
    createdBy: ctx.actor.userId,
  });
  const version = await publishVersion(ctx, { workflowId: workflow.id });
  return { workflow, version };
}

/** Publishes a workflow and records `runs` of it (flushed: one batch), durations around `median`. */
async function recordRuns(
  ctx: TenantContext,
  recorder: OutcomeRecorder,
  name: string,
  document: WorkflowDocument,
  median: number,
  runs: number,
) {
  const { workflow, version } = await publish(ctx, name, document);
  for (let i = 0; i < runs; i++)
    recorder.record({
      runId: randomUUID(),
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      versionId: version.id,
      success: true,
      latencyMs: around(median, i),
      tokens: 0,
      costUsd: 0,
    });
  await recorder.flush();
}

/** Durations around `median`: ×0.8 to ×1.25, the same spread for every workflow. */
const around = (median: number, i: number) => Math.round(median * [0.8, 1, 1.25, 0.9, 1.1][i % 5]!);

describe("a new workflow's first forecast", () => {
  it("comes from the workflows built like it, not from the tenant's many others", async () => {
    const ctx = await makeTenantContext(database.db, "admin");
    const recorder = new OutcomeRecorder(database.db);
    const history: Array<[string, WorkflowDocument, number]> = [
      ["Close the month's books", exportsLedger(4), SLOW_MS],
      ["Answer a customer email", answers(), FAST_MS],
      ["Draft a reply to a review", answers(), FAST_MS * 1.2],
      ["Export the quarter for the auditors", exportsLedger(5), SLOW_MS * 1.1],
      ["Suggest a subject line", answers(), FAST_MS * 0.9],
      ["Translate a product note", answers(), FAST_MS],
      ["Reconcile the bank feed", exportsLedger(4), SLOW_MS * 0.9],
      ["Tag a support ticket", answers(), FAST_MS * 1.1],
    ];
    for (const [name, document, median] of history)
      await recordRuns(ctx, recorder, name, document, median, 8);
    // Outcomes stored before structure was kept: of unknown structure, still read.
    const legacy = await publish(ctx, "Check the warehouse stock", exportsLedger(4));
    await insertOutcomes(
      ctx.db,
      [0, 1, 2].map((i) => ({
        runId: randomUUID(),
        tenantId: ctx.tenant.id,
        workflowId: legacy.workflow.id,
        versionId: legacy.version.id,
        taskClass: "none|-",
        pattern: "sequential",
        strategyId: "sequential/default",
        success: true,
        latencyMs: around(FAST_MS, i),
        tokens: 0,
        costUsd: 0,
        shape: null,
      })),
    );

    // What the recorder stored: each outcome's structure, from the version that ran.
    const stored = await findRecentOutcomes(ctx.db, ctx.tenant.id, "all", 100);
    expect(stored).toHaveLength(67);
    expect(stored.filter((o) => o.shape?.includes("tool:ledger/export"))).toHaveLength(24);

    const slowLike = await publish(ctx, "Prepare the payroll summary", exportsLedger(4));
    const fastLike = await publish(ctx, "Write a thank-you note", answers());
    const predict = ({ workflow }: { workflow: { id: string } }) =>
      predictRun(ctx, { workflowId: workflow.id });
    const [slow, fast, old] = await Promise.all([
      predict(slowLike),
      predict(fastLike),
      predict(legacy),
    ]);
    // The tenant's mean duration, and its typical (median) run: what a forecast that ignored
    // structure would lean to.
    const latencies = stored.map((o) => o.latencyMs).sort((a, b) => a - b);
    const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
    const typical = latencies[latencies.length >> 1]!;
    expect(slow.prediction.basis).toBe("similar");
    const slowMs = slow.prediction.durationMs!;
    expect(slowMs.median).toBeGreaterThan(SLOW_MS * 0.7);
    expect(slowMs.median).toBeLessThan(SLOW_MS * 1.4);
    expect(slowMs.median).toBeGreaterThan(mean * 1.5);
    // The dialog's "usually low–high": the slow ones' duration inside, the tenant's typical run not.
    expect(slowMs.low).toBeLessThan(SLOW_MS);
    expect(slowMs.high).toBeGreaterThan(SLOW_MS);
    expect(slowMs.low).toBeGreaterThan(typical * 5);
    expect(fast.prediction.basis).toBe("similar");
    expect(fast.prediction.durationMs!.median).toBeLessThan(FAST_MS * 1.5);
    expect(fast.prediction.durationMs!.median).toBeGreaterThan(FAST_MS * 0.6);
    // A workflow whose outcomes carry no structure is predicted from its own runs.
    expect(old.prediction.basis).toBe("version");
    expect(old.prediction.durationMs!.median).toBeLessThan(FAST_MS * 1.5);
  });

  it("finds them among workflows of other task classes, however busy the tenant's others are", async () => {
    const ctx = await makeTenantContext(database.db, "admin");
    const recorder = new OutcomeRecorder(database.db);
    // The slow ones' words put them in other classes than the new workflow's ("none|-"), and 70
    // runs of a fast workflow since leave none of theirs among the tenant's latest 60.
    const history: Array<[string, WorkflowDocument, number]> = [
      ["Read the sales files and load them into SQLite", exportsLedger(4), SLOW_MS],
      ["Draft a reply to a review", answers(), FAST_MS],
      ["Export the ledger tables to files and summarize them", exportsLedger(5), SLOW_MS * 1.1],
      ["Suggest a subject line", answers(), FAST_MS * 0.9],
      ["Search the web for news", exportsLedger(4), SLOW_MS * 0.9],
      ["Translate a product note", answers(), FAST_MS * 1.1],
    ];
    for (const [name, document, median] of history)
      await recordRuns(ctx, recorder, name, document, median, 8);
    await recordRuns(ctx, recorder, "Answer a customer email", answers(), FAST_MS, 70);

    const { workflow, version } = await publish(
      ctx,
      "Prepare the payroll summary",
      exportsLedger(4),
    );
    const { prediction } = await predictRun(ctx, { workflowId: workflow.id });
    expect(prediction.basis).toBe("similar");
    expect(prediction.durationMs!.median).toBeGreaterThan(SLOW_MS * 0.7);
    expect(prediction.durationMs!.median).toBeLessThan(SLOW_MS * 1.4);

    // The run then made keeps the same prediction beside what happened (the run page's).
    const runId = randomUUID();
    recorder.record({
      runId,
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      versionId: version.id,
      success: true,
      latencyMs: SLOW_MS,
      tokens: 0,
      costUsd: 0,
    });
    await recorder.flush();
    const kept = (await findOutcome(ctx.db, ctx.tenant.id, runId))!.prediction as RunForecast;
    expect(kept.durationMs!.median / prediction.durationMs!.median).toBeCloseTo(1, 2);
  });
});

describe("the runs behind a forecast", () => {
  it("say a count that reached the count cap is a lower bound (the dialog says 10,000+ runs)", async () => {
    const ctx = await makeTenantContext(database.db, "admin");
    const { workflow, version } = await publish(ctx, "Answer a customer email", answers());
    const { taskClass, strategyId } = await predictRun(ctx, { workflowId: workflow.id });
    const outcomes = (n: number, of: { workflowId: string; versionId: string }) =>
      database.db.execute(sql`
        insert into run_outcomes (run_id, tenant_id, workflow_id, version_id, task_class, pattern,
          strategy_id, success, latency_ms, tokens, cost_usd, created_at)
        select gen_random_uuid(), ${ctx.tenant.id}, ${of.workflowId}, ${of.versionId},
          ${taskClass}, 'sequential', ${strategyId}, true, 400, 0, 0,
          now() - (i || ' seconds')::interval
        from generate_series(1, ${n}) i`);

    await outcomes(OUTCOME_COUNT_CAP - 1, { workflowId: workflow.id, versionId: version.id });
    const below = (await predictRun(ctx, { workflowId: workflow.id })).prediction;
    expect(below.runs).toMatchObject({ version: OUTCOME_COUNT_CAP - 1 });
    expect(below.runsAtLeast).toBeUndefined();

    await outcomes(2, { workflowId: workflow.id, versionId: version.id });
    const capped = (await predictRun(ctx, { workflowId: workflow.id })).prediction;
    expect(capped.runs).toMatchObject({
      version: OUTCOME_COUNT_CAP,
      workflow: OUTCOME_COUNT_CAP,
      similar: OUTCOME_COUNT_CAP,
    });
    expect(capped.runsAtLeast).toEqual({ version: true, workflow: true, similar: true });

    // A new version's count, among the workflow's latest 10,000 only: its recent runs, not "3+".
    const next = await publishVersion(ctx, { workflowId: workflow.id });
    await outcomes(3, { workflowId: workflow.id, versionId: next.id });
    const newer = (await predictRun(ctx, { workflowId: workflow.id })).prediction;
    expect(newer.runs).toMatchObject({ version: 3, workflow: OUTCOME_COUNT_CAP });
    expect(newer.runsAtLeast).toEqual({ workflow: true, similar: true });
    expect(newer.runsRecent).toEqual({ version: true });

    // A new workflow of the class: its similar tasks counted up to the cap, its own none.
    const other = await publish(ctx, "Answer a customer's email", answers());
    const { prediction: fresh, ...profile } = await predictRun(ctx, {
      workflowId: other.workflow.id,
    });
    expect(profile.taskClass).toBe(taskClass);
    expect(fresh.basis).toBe("similar");
    expect(fresh.runsAtLeast).toEqual({ similar: true });
  });
});

describe("a new workflow's forecast", () => {
  it("comes from how its class's workflows began, read apart when the index holds only their recent runs", async () => {
    const ctx = await makeTenantContext(database.db, "admin");
    const { workflow, version } = await publish(ctx, "Answer a customer email", answers());
    const { taskClass, strategyId } = await predictRun(ctx, { workflowId: workflow.id });
    const outcomes = (n: number, latencyMs: number, hoursAgo: number) =>
      database.db.execute(sql`
        insert into run_outcomes (run_id, tenant_id, workflow_id, version_id, task_class, pattern,
          strategy_id, success, latency_ms, tokens, cost_usd, created_at)
        select gen_random_uuid(), ${ctx.tenant.id}, ${workflow.id}, ${version.id},
          ${taskClass}, 'sequential', ${strategyId}, true, ${latencyMs}, 0, 0,
          now() - (${hoursAgo} || ' hours')::interval - (i || ' seconds')::interval
        from generate_series(1, ${n}) i`);
    // It began at about 2 s; edited since, its latest 450 (beyond the class's read of 400) take 20 s.
    await outcomes(5, 2_000, 48);
    await outcomes(450, 20_000, 1);

    const other = await publish(ctx, "Answer a customer's email", answers());
    const { prediction, ...profile } = await predictRun(ctx, { workflowId: other.workflow.id });
    expect(profile.taskClass).toBe(taskClass);
    expect(prediction.basis).toBe("similar");
    expect(prediction.durationMs!.median).toBeGreaterThan(1_500);
    expect(prediction.durationMs!.median).toBeLessThan(2_700);
  });
});

describe("the runs behind a forecast kept with an outcome", () => {
  it("are counted in full while the recorder reads them all, and marked as recent ones beyond", async () => {
    const ctx = await makeTenantContext(database.db, "admin");
    const recorder = new OutcomeRecorder(database.db);
    const { workflow, version } = await publish(ctx, "Answer a customer email", answers());
    const record = async (n: number) => {
      const ids = Array.from({ length: n }, () => randomUUID());
      for (const runId of ids)
        recorder.record({
          runId,
          tenantId: ctx.tenant.id,
          workflowId: workflow.id,
          versionId: version.id,
          success: true,
          latencyMs: FAST_MS,
          tokens: 0,
          costUsd: 0,
        });
      await recorder.flush();
      return ids;
    };
    const kept = async (runId: string) =>
      (await findOutcome(ctx.db, ctx.tenant.id, runId))!.prediction as StoredForecast;

    // Few runs: each is predicted from all before it, counted exactly.
    const [, second] = await record(3);
    const [fourth] = await record(1);
    expect((await kept(second!)).runs).toEqual({ version: 1, workflow: 1, similar: 1, all: 1 });
    expect((await kept(fourth!)).runs).toEqual({ version: 3, workflow: 3, similar: 3, all: 3 });
    expect((await kept(fourth!)).runsRecent).toEqual({});

    // Many more than the recorder reads (its workflow's latest 40, its class's latest 400): the
    // run dialog counts them all, the kept forecast says its counts are of recent runs only.
    const { taskClass, strategyId } = await predictRun(ctx, { workflowId: workflow.id });
    await database.db.execute(sql`
      insert into run_outcomes (run_id, tenant_id, workflow_id, version_id, task_class, pattern,
        strategy_id, success, latency_ms, tokens, cost_usd, created_at)
      select gen_random_uuid(), ${ctx.tenant.id}, ${workflow.id}, ${version.id},
        ${taskClass}, 'sequential', ${strategyId}, true, ${FAST_MS}, 0, 0,
        now() - (i || ' seconds')::interval
      from generate_series(1, 600) i`);
    const dialog = (await predictRun(ctx, { workflowId: workflow.id })).prediction;
    expect(dialog.runs.version).toBe(604);
    const [next] = await record(1);
    const stored = await kept(next!);
    expect(stored.basis).toBe("version");
    expect(stored.runs.version).toBeLessThan(604);
    expect(stored.runsRecent).toEqual({ version: true, workflow: true, similar: true });
    // The tenant's total is its learning state's count (here short of the outcomes written
    // above, which went round it), at least the runs read.
    expect(stored.runs.all).toBeGreaterThanOrEqual(stored.runs.version);
  });
});
