import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs, workflowVersions } from "@/db/schema";
import { RunEventSchema } from "@/engine/schema/run-events";
import type { TenantContext } from "@/server/services/context";
import { getRun, listEventsOfRun } from "@/server/services/runs";
import { getUsageSummary } from "@/server/services/usage";
import type { Database } from "@/db/client";
import { seedDemoData } from "@/db/seed";
import type { RunForecast } from "@/engine/learning/run-forecast";
import { workflowShape } from "@/engine/learning/workflow-shape";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";
import * as learning from "@/server/repositories/learning";
import { findRun } from "@/server/repositories/runs";
import { findLatestPublishedVersion, insertVersion } from "@/server/repositories/workflow-versions";
import {
  findWorkflow,
  findWorkflowOfTenantSlug,
  insertWorkflow,
} from "@/server/repositories/workflows";
import { predictRun } from "@/server/services/learning";
import { forecastWorkflowRun } from "@/server/services/learning-forecasts";
import { OutcomeRecorder, profileVersion } from "@/server/services/outcome-recorder";
import { compileOrThrow } from "@/server/services/workflow-versions";
import { createTestDatabase } from "@/server/testing/database";
import { demoRunHistory, DEMO_HISTORY_SEED, seedDemoRunHistory } from "./demo-run-history";
import { demoWorkflows } from "./demo-workflows";

let database: Database;
let seeded: { now: number; recorded: number; seededDemo: boolean };
beforeAll(async () => {
  database = await createTestDatabase();
  const seededDemo = await seedDemoData(database.db, {
    hashPassword: async (p) => `plain:${p}`,
    workflows: demoWorkflows(),
  });
  const now = Date.now();
  seeded = { now, seededDemo, recorded: await seedDemoRunHistory(database.db, now) };
});
afterAll(async () => {
  await database?.close();
});

async function forecastOf(name: string): Promise<RunForecast> {
  const row = (await findWorkflowOfTenantSlug(database.db, "demo", name))!;
  const workflow = (await findWorkflow(database.db, row.tenantId, row.workflowId))!;
  const version = await findLatestPublishedVersion(database.db, row.tenantId, row.workflowId);
  const profile = profileVersion(workflow, workflow.document);
  return forecastWorkflowRun(database.db, row.tenantId, {
    workflowId: row.workflowId,
    versionId: version?.id ?? null,
    ...profile,
  });
}

describe("the demo's run history", () => {
  it("is recorded with the demo: runs, their outcomes with what was predicted, and forecasts from them (the slow batch's published version 2 at its own ~20.6 s, not version 1's 24.6 s)", async () => {
    expect(seeded.seededDemo).toBe(true);
    const expected = demoRunHistory({ seed: DEMO_HISTORY_SEED, end: seeded.now - 3_600_000 });
    expect(seeded.recorded).toBe(expected.length);
    const slow = expected.filter((r) => r.workflow === "Process a slow batch");
    expect(new Set(slow.map((r) => r.version))).toEqual(new Set([1, 2]));
    expect(expected.some((r) => !r.success)).toBe(true);

    const welcome = (await findWorkflowOfTenantSlug(
      database.db,
      "demo",
      "Welcome a new teammate",
    ))!;
    const outcomes = await learning.findPredictedOutcomes(database.db, welcome.tenantId, 1_000);
    expect(outcomes).toHaveLength(expected.length);
    // Forecast from every earlier demo run: the run page says their counts as exact, not "recent".
    const recent = outcomes.map((o) => (o.prediction as { runsRecent?: unknown }).runsRecent);
    expect(recent).toEqual(outcomes.map(() => ({})));
    const run = await findRun(database.db, welcome.tenantId, outcomes[0]!.runId);
    expect(run?.status).toMatch(/^(completed|failed)$/);
    const state = await learning.findLearningState(database.db, welcome.tenantId);
    expect(state?.outcomes).toBe(expected.length);

    const batch = await forecastOf("Process a slow batch");
    expect(batch.basis).toBe("version");
    expect(batch.runs.version).toBe(slow.filter((r) => r.version === 2).length);
    expect(batch.durationMs!.median).toBeGreaterThan(20_600 * 0.9);
    expect(batch.durationMs!.median).toBeLessThan(20_600 * 1.1);
    const note = await forecastOf("Welcome a new teammate");
    expect(note.basis).toBe("version"); // its draft's runs
    expect(note.durationMs!.median).toBeGreaterThan(800 * 0.8);
    expect(note.durationMs!.median).toBeLessThan(800 * 1.25);
  });

  it("opens as finished runs: every node of the version that ran has its step (completed or skipped), timed within the run, with the run's tokens; a failed run stops at its failed step with the run's error; the stored events replay to the same end", async () => {
    const row = (await findWorkflowOfTenantSlug(database.db, "demo", "Welcome a new teammate"))!;
    const tenantId = row.tenantId;
    const all = await database.db.select().from(runs).where(eq(runs.tenantId, tenantId));
    expect(all.length).toBe(seeded.recorded);
    const ctx = { db: database.db, tenant: { id: tenantId } } as unknown as TenantContext;
    const checked = { completed: 0, failed: 0, retried: 0, waited: 0, skipped: 0 };

    for (const run of all) {
      const { steps, plan } = await getRun(ctx, run.id);
      const events = (await listEventsOfRun(ctx, run.id, { limit: 1_000 })).items.map((e) =>
        RunEventSchema.parse(e.payload),
      );
      expect(plan).not.toBeNull();
      const order = plan!.steps.map((s) => s.id);
      const byId = new Map(steps.map((s) => [s.stepId, s]));
      for (const step of steps) {
        expect(order).toContain(step.stepId);
        if (step.status === "skipped") continue;
        expect(step.startedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
        expect(step.finishedAt!.getTime()).toBeLessThanOrEqual(run.finishedAt!.getTime());
        expect(step.durationMs).toBe(step.finishedAt!.getTime() - step.startedAt!.getTime());
        expect(step.attempts).toBeGreaterThanOrEqual(1);
      }
      const sum = (f: (s: (typeof steps)[number]) => number) => steps.reduce((t, s) => t + f(s), 0);
      expect(sum((s) => s.inputTokens)).toBe(run.inputTokens);
      expect(sum((s) => s.outputTokens)).toBe(run.outputTokens);
      expect(sum((s) => s.costUsd)).toBeCloseTo(run.costUsd, 9);
      expect(events[0]!.type).toBe("run.queued");
      expect(events.at(-1)!.type).toBe(run.status === "completed" ? "run.completed" : "run.failed");
      expect(events.at(-1)!.at).toBe(run.finishedAt!.getTime());
      // A step's last stored event says what its row says (the run page folds the events over the rows).
      const lastOf = new Map<string, string>();
      for (const e of events) if ("stepId" in e) lastOf.set(e.stepId, e.type);
      const byEvent: Record<string, string> = {
        "step.completed": "completed",
        "step.skipped": "skipped",
        "step.failed": "failed",
      };
      expect(new Map([...lastOf].map(([id, type]) => [id, byEvent[type]]))).toEqual(
        new Map(steps.map((s) => [s.stepId, s.status])),
      );
      checked.retried += steps.some((s) => s.attempts > 1) ? 1 : 0;
      checked.waited += events.some((e) => e.type === "run.waiting") ? 1 : 0;
      checked.skipped += steps.some((s) => s.status === "skipped") ? 1 : 0;

      if (run.status === "completed") {
        checked.completed++;
        // Every node settled: it ran or its branch was not taken.
        expect([...byId.keys()].sort()).toEqual([...order].sort());
        expect(steps.every((s) => s.status === "completed" || s.status === "skipped")).toBe(true);
        expect(Object.keys(run.output as object).length).toBeGreaterThan(0);
      } else {
        checked.failed++;
        const failed = steps.filter((s) => s.status === "failed");
        expect(failed).toHaveLength(1);
        expect(failed[0]!.error).toEqual({
          code: run.error!.code,
          message: run.error!.message,
        });
        expect(run.error!.stepId).toBe(failed[0]!.stepId);
        expect(failed[0]!.finishedAt!.getTime()).toBe(run.finishedAt!.getTime());
        // Nothing ran after it: the steps that depend on it have no row.
        const dependants = plan!.steps.filter((s) => s.dependsOn.includes(failed[0]!.stepId));
        for (const d of dependants) expect(byId.has(d.id)).toBe(false);
      }
    }
    expect(checked.completed).toBeGreaterThan(200);
    expect(checked.failed).toBeGreaterThan(10);
    expect(checked.waited).toBeGreaterThan(10); // the expense approvals
    expect(checked.skipped).toBeGreaterThan(50); // branches not taken
    expect(checked.retried).toBeGreaterThan(0); // failed calls retried first

    // The slow batch's first runs failed at its first tool, its server not installed yet.
    const batch = (await findWorkflowOfTenantSlug(database.db, "demo", "Process a slow batch"))!;
    const first = all
      .filter((r) => r.workflowId === batch.workflowId)
      .sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime())[0]!;
    expect(first.status).toBe("failed");
    const { steps } = await getRun(ctx, first.id);
    expect(steps.map((s) => [s.stepId, s.status])).toEqual([
      ["batch", "completed"],
      ["collect", "failed"],
    ]);
    expect(steps[1]!.error).toEqual({
      code: "TOOL_NOT_FOUND",
      message: 'No MCP server named "everything" is installed in this tenant',
    });
  });

  it("has a usage record per run, as the executor writes one when a run ends, so the usage page shows the month on a fresh start: the runs' own tokens, cost and statuses per day, MCP calls of the slow batch's tool steps", async () => {
    const tenantId = (await findWorkflowOfTenantSlug(
      database.db,
      "demo",
      "Welcome a new teammate",
    ))!.tenantId;
    const all = await database.db.select().from(runs).where(eq(runs.tenantId, tenantId));
    const ctx = { db: database.db, tenant: { id: tenantId } } as unknown as TenantContext;
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const summary = await getUsageSummary(ctx, {
      from: day(seeded.now - 40 * 86_400_000),
      to: day(seeded.now),
    });
    const sum = (pick: (r: (typeof all)[number]) => number) => all.reduce((s, r) => s + pick(r), 0);
    expect(summary.totals.runs).toBe(all.length);
    expect(summary.totals.inputTokens).toBe(sum((r) => r.inputTokens));
    expect(summary.totals.outputTokens).toBe(sum((r) => r.outputTokens));
    expect(summary.totals.costUsd).toBeCloseTo(
      sum((r) => r.costUsd),
      9,
    );
    expect(summary.totals.costUsd).toBeGreaterThan(0);
    // Per day: each day's runs are the runs that ended that day, with their statuses.
    for (const d of summary.byDay) {
      const ended = all.filter((r) => day(r.finishedAt!.getTime()) === d.day);
      expect(d.runs).toBe(ended.length);
      expect(d.failed).toBe(ended.filter((r) => r.status === "failed").length);
    }
    expect(summary.byDay.filter((d) => d.runs > 0).length).toBeGreaterThan(20);
    // The slow batch's completed runs called its three long operations.
    const batch = (await findWorkflowOfTenantSlug(database.db, "demo", "Process a slow batch"))!;
    const batchUsage = summary.byWorkflow.items.find((w) => w.workflowId === batch.workflowId);
    const batchRuns = all.filter((r) => r.workflowId === batch.workflowId);
    expect(batchUsage?.mcpCalls).toBeGreaterThanOrEqual(
      3 * batchRuns.filter((r) => r.status === "completed").length,
    );
  });

  it("keeps each outcome's structure as the outcome recorder does: once the tenant's own first runs show that structure predicts, a new workflow built like the expense approval is predicted in minutes, as it ran, not in the seconds of the others", async () => {
    const batch = (await findWorkflowOfTenantSlug(database.db, "demo", "Process a slow batch"))!;
    const tenantId = batch.tenantId;
    const outcomes = await learning.findRecentOutcomes(database.db, tenantId, "all", 1_000);
    expect(outcomes).toHaveLength(seeded.recorded);
    const documents = new Map(
      (
        await database.db
          .select({ id: workflowVersions.id, document: workflowVersions.document })
          .from(workflowVersions)
          .where(eq(workflowVersions.tenantId, tenantId))
      ).map((v) => [v.id, v.document]),
    );
    for (const outcome of outcomes)
      expect(outcome.shape).toEqual(
        workflowShape(loadWorkflowDocument(documents.get(outcome.versionId))),
      );

    // The app's own runs after the history: copies of the research (~38 s) and the triage (~6.5 s)
    // under other words, each of a task class no workflow had, run as long as their originals, which
    // their structure foretells and their class does not. From their first runs the forecaster
    // learns that structure predicts in this tenant, by the seeded workflows' shapes.
    const ctx = { db: database.db, tenant: { id: tenantId } } as unknown as TenantContext;
    const copyOf = async (from: string, name: string) => {
      const source = (await findWorkflowOfTenantSlug(database.db, "demo", from))!;
      const { document } = (await findWorkflow(database.db, tenantId, source.workflowId))!;
      const workflow = await insertWorkflow(database.db, {
        tenantId,
        name,
        description: "",
        document,
        createdBy: null,
      });
      return { workflow, document };
    };
    const recorder = new OutcomeRecorder(database.db);
    const taught: [string, string, number][] = [
      ["Research a topic and write a brief", "Summarize the week's news for the team", 38_000],
      ["Triage a support ticket", "Answer a question from the docs", 6_500],
    ];
    const seededClasses = new Set(outcomes.map((o) => o.taskClass));
    for (const [from, name, medianMs] of taught) {
      const { workflow, document } = await copyOf(from, name);
      expect(seededClasses.has(profileVersion(workflow, document).taskClass)).toBe(false);
      const version = await insertVersion(database.db, {
        tenantId,
        workflowId: workflow.id,
        isDraft: true,
        document,
        plan: compileOrThrow(document),
        createdBy: null,
      });
      for (const ratio of [0.8, 1, 1.25, 0.9, 1.1])
        recorder.record({
          runId: randomUUID(),
          tenantId,
          workflowId: workflow.id,
          versionId: version.id,
          success: true,
          latencyMs: Math.round(medianMs * ratio),
          tokens: 0,
          costUsd: 0,
        });
      await recorder.flush();
    }

    // A copy of the expense approval under other words, never run: predicted in minutes, as the
    // approval waits for a person (25 min median; 80 % of its runs 8-79 min), not in the seconds
    // every other workflow of the tenant takes (38 s at most). Without the seeded shapes: ~20 s.
    const purchase = await copyOf("Approve an expense", "Let a manager sign off a purchase");
    const { prediction } = await predictRun(ctx, { workflowId: purchase.workflow.id, draft: true });
    expect(prediction.runs.workflow).toBe(0);
    expect(prediction.basis).toBe("similar");
    expect(prediction.durationMs!.median).toBeGreaterThan(5 * 60_000);
    expect(prediction.durationMs!.median).toBeLessThan(50 * 60_000);
  });
});
