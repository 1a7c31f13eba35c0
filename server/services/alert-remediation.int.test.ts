import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { createMemoryBus } from "@/server/events/bus";
import { BreakerRegistry } from "@/server/mcp/breakers";
import { findAlert, insertAlert, upsertAnomalySettings } from "@/server/repositories/alerts";
import { listAuditLogs } from "@/server/repositories/audit";
import { addToRollups, findRollups, type RollupDelta } from "@/server/repositories/metric-rollups";
import { findTenantStanding } from "@/server/repositories/tenant-limits";
import { findWorkflow, insertWorkflow } from "@/server/repositories/workflows";
import { encryptSecret } from "@/server/secrets";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import { startWebhookReceiver } from "@/server/testing/watched-minutes";
import type { AlertAction } from "@/db/schema";
import { restoreOpenBreakers } from "./alert-remediation";
import { undoAlertAction } from "./alerts";
import {
  createWatcherMemory,
  evaluateTenant,
  startAnomalyWatch,
  type WatchDeps,
} from "./anomaly-watch";
import { startRun } from "./runs";
import { publishVersion } from "./workflow-versions";
import { pauseWorkflow, resumeWorkflow } from "./workflows";
import { createRunSystem } from "@/server/run-system";

/**
 * Remediation rules and their undo, and the signed webhook, on a real database with figures
 * written straight into the rollups (as the recorder would): a workflow whose failure rate spikes
 * is paused (its runs are refused) and resumed from the alert; a tenant whose cost per hour spikes
 * gets half its concurrent runs, given back on undo; a webhook receiver on loopback gets the alert.
 */
const MINUTE = 60_000;
const HOUR = 3_600_000;

let database: Database;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let received: { body: string; signature: string | undefined }[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver((body, request) =>
    received.push({ body, signature: request.headers["maestro-signature"] as string | undefined }),
  );
});
afterAll(async () => {
  await receiver.close();
  await database?.close();
});

const adminContext = () => makeTenantContext(database.db, "admin");

function watchDeps(): WatchDeps {
  return {
    db: database.db,
    bus: createMemoryBus(),
    breakers: new BreakerRegistry(),
    bucketMs: MINUTE,
    defaultMaxConcurrentRuns: 50,
    memory: createWatcherMemory(),
  };
}

const delta = (
  tenantId: string,
  source: RollupDelta["source"],
  subject: string,
  at: number,
  fields: Partial<RollupDelta>,
): RollupDelta => ({
  tenantId,
  source,
  subject,
  bucketStart: new Date(at),
  count: 0,
  errors: 0,
  durationMs: 0,
  tokens: 0,
  costUsd: 0,
  gaugeMax: 0,
  hist: [],
  ...fields,
});

const greeting = makeWorkflow({
  name: "Greeting",
  nodes: [
    makeNode("input", "in"),
    makeNode("transform", "greet", { template: { message: "Hello" } }),
    makeNode("output", "out", { name: "greeting" }),
  ],
  edges: chain("in", "greet", "out"),
});

/** 90 minutes of a workflow's runs: 40 a minute, a failure now and then, then two minutes of mostly failures. */
const failureSpike = (tenantId: string, workflowId: string, now: number) =>
  Array.from({ length: 90 }, (_, i) =>
    delta(tenantId, "workflow", workflowId, now - (90 - i) * MINUTE, {
      count: 40,
      errors: i >= 88 ? 30 : i % 11 === 0 ? 1 : 0,
    }),
  );

const waitFor = async (probe: () => boolean) => {
  for (const until = Date.now() + 5_000; Date.now() < until && !probe();)
    await new Promise((r) => setTimeout(r, 20));
};

describe("anomaly remediation", () => {
  it("pauses a workflow whose failure rate spikes, notifies the signed webhook, and resumes it on undo", async () => {
    const ctx = await adminContext();
    const system = createRunSystem({ db: database.db });
    const workflow = await insertWorkflow(ctx.db, {
      tenantId: ctx.tenant.id,
      name: "Greeting",
      description: "",
      document: greeting,
      createdBy: ctx.actor.userId,
    });
    await publishVersion(ctx, { workflowId: workflow.id });
    await upsertAnomalySettings(ctx.db, {
      tenantId: ctx.tenant.id,
      rules: {
        circuitBreaker: false,
        fallbackServer: false,
        pauseWorkflow: true,
        tightenRate: false,
      },
      webhookUrl: receiver.url,
      webhookSecret: encryptSecret("whsec-test"),
    });
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    await addToRollups(ctx.db, failureSpike(ctx.tenant.id, workflow.id, now));
    received = [];

    const { opened } = await evaluateTenant(watchDeps(), ctx.tenant.id, now);
    expect(opened).toHaveLength(1);
    const [alert] = opened;
    expect(alert!.metric).toBe("workflow.failure_rate");
    expect(alert!.actions).toEqual([
      expect.objectContaining({ rule: "pauseWorkflow", description: 'Paused workflow "Greeting"' }),
    ]);
    expect((await findWorkflow(ctx.db, ctx.tenant.id, workflow.id))!.pausedAt).not.toBeNull();
    await expect(
      startRun(ctx, system.runDeps, { workflowId: workflow.id, input: {} }),
    ).rejects.toThrow(/is paused/);

    await waitFor(() => received.length > 0);
    expect(received).toHaveLength(1);
    const { body, signature } = received[0]!;
    const [t, v1] = signature!.split(",").map((part) => part.split("=")[1]!);
    expect(v1).toBe(createHmac("sha256", "whsec-test").update(`${t}.${body}`).digest("hex"));
    expect(JSON.parse(body)).toMatchObject({
      type: "alert.opened",
      alert: {
        id: alert!.id,
        metric: "workflow.failure_rate",
        actions: [{ rule: "pauseWorkflow", undone: false }],
      },
    });

    const undone = await undoAlertAction(ctx, watchDeps(), {
      alertId: alert!.id,
      actionId: alert!.actions[0]!.id,
    });
    expect(undone.actions[0]!.undoneBy).toBe(ctx.actor.email);
    expect((await findWorkflow(ctx.db, ctx.tenant.id, workflow.id))!.pausedAt).toBeNull();
    await expect(
      undoAlertAction(ctx, watchDeps(), { alertId: alert!.id, actionId: alert!.actions[0]!.id }),
    ).rejects.toThrow(/undone already/);
    const audit = await listAuditLogs(ctx.db, {
      tenantId: ctx.tenant.id,
      targetType: "alert",
      limit: 20,
    });
    expect(audit.items.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "alert.open",
        "remediation.pauseWorkflow",
        "remediation.pauseWorkflow.undo",
      ]),
    );
    await system.close();
  });

  it("resumes a paused workflow from the workflow itself, marking the pause on its alert undone; pauses and resumes by hand", async () => {
    const ctx = await adminContext();
    const system = createRunSystem({ db: database.db });
    const workflow = await insertWorkflow(ctx.db, {
      tenantId: ctx.tenant.id,
      name: "Greeting",
      description: "",
      document: greeting,
      createdBy: ctx.actor.userId,
    });
    await publishVersion(ctx, { workflowId: workflow.id });
    await upsertAnomalySettings(ctx.db, {
      tenantId: ctx.tenant.id,
      rules: {
        circuitBreaker: false,
        fallbackServer: false,
        pauseWorkflow: true,
        tightenRate: false,
      },
    });
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    await addToRollups(ctx.db, failureSpike(ctx.tenant.id, workflow.id, now));
    const { opened } = await evaluateTenant(watchDeps(), ctx.tenant.id, now);
    expect((await findWorkflow(ctx.db, ctx.tenant.id, workflow.id))!.pausedReason).toMatch(
      /^Paused by alert/,
    );

    await resumeWorkflow(ctx, workflow.id);
    expect((await findWorkflow(ctx.db, ctx.tenant.id, workflow.id))!.pausedAt).toBeNull();
    const run = await startRun(ctx, system.runDeps, { workflowId: workflow.id, input: {} });
    expect(run.status).toBe("queued");
    const alert = await findAlert(ctx.db, ctx.tenant.id, opened[0]!.id);
    expect(alert!.actions).toEqual([
      expect.objectContaining({ rule: "pauseWorkflow", undoneBy: ctx.actor.email }),
    ]);
    await expect(
      undoAlertAction(ctx, watchDeps(), { alertId: alert!.id, actionId: alert!.actions[0]!.id }),
    ).rejects.toThrow(/undone already/);
    await expect(resumeWorkflow(ctx, workflow.id)).rejects.toThrow(/is not paused/);

    // By hand too: someone pauses it, and its runs are refused with their name on it.
    await pauseWorkflow(ctx, { id: workflow.id });
    await expect(pauseWorkflow(ctx, { id: workflow.id })).rejects.toThrow(/paused already/);
    await expect(
      startRun(ctx, system.runDeps, { workflowId: workflow.id, input: {} }),
    ).rejects.toThrow(`(Paused by ${ctx.actor.name})`);
    await resumeWorkflow(ctx, workflow.id);
    await startRun(ctx, system.runDeps, { workflowId: workflow.id, input: {} });
    const audit = await listAuditLogs(ctx.db, {
      tenantId: ctx.tenant.id,
      targetType: "workflow",
      limit: 20,
    });
    expect(audit.items.map((a) => a.action)).toEqual(
      expect.arrayContaining(["workflow.pause", "workflow.resume"]),
    );
    await system.close();
  });

  it("halves a tenant's concurrent runs when its cost per hour spikes, and gives them back on undo", async () => {
    const ctx = await adminContext();
    await upsertAnomalySettings(ctx.db, {
      tenantId: ctx.tenant.id,
      rules: {
        circuitBreaker: false,
        fallbackServer: false,
        pauseWorkflow: false,
        tightenRate: true,
      },
    });
    const now = Math.floor(Date.now() / HOUR) * HOUR;
    const hours = Array.from({ length: 72 }, (_, i) =>
      delta(ctx.tenant.id, "tenant", "", now - (72 - i) * HOUR, {
        count: 20,
        costUsd: i === 71 ? 12 : 1 + (i % 5) * 0.05,
        tokens: i === 71 ? 150_000 : 10_000 + (i % 7) * 100,
      }),
    );
    await addToRollups(ctx.db, hours);

    // Cost and tokens spike together: two alerts, but the rate is halved once.
    const { opened } = await evaluateTenant(watchDeps(), ctx.tenant.id, now);
    expect(opened.map((a) => a.metric).sort()).toEqual([
      "tenant.cost_per_hour",
      "tenant.tokens_per_hour",
    ]);
    const tightening = opened.filter((a) =>
      a.actions.some((action) => action.rule === "tightenRate"),
    );
    expect(tightening).toHaveLength(1);
    const costAlert = tightening[0];
    expect(costAlert?.actions).toEqual([
      expect.objectContaining({ rule: "tightenRate", details: { previous: null, tightened: 25 } }),
    ]);
    expect((await findTenantStanding(ctx.db, ctx.tenant.id))!.limits.maxConcurrentRuns).toBe(25);

    await undoAlertAction(ctx, watchDeps(), {
      alertId: costAlert!.id,
      actionId: costAlert!.actions[0]!.id,
    });
    expect(
      (await findTenantStanding(ctx.db, ctx.tenant.id))!.limits.maxConcurrentRuns,
    ).toBeUndefined();
  });

  it("judges a metric with its own sensitivity when the tenant set one", async () => {
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    /** A workflow whose failure rate rises from almost none to 15 % (6 of 40 runs a minute). */
    async function tenantWithModerateSpike(settings: {
      sensitivity: "low" | "medium" | "high";
      metricSensitivity: Record<string, "low" | "medium" | "high">;
    }) {
      const ctx = await adminContext();
      const workflow = await insertWorkflow(ctx.db, {
        tenantId: ctx.tenant.id,
        name: "Greeting",
        description: "",
        document: greeting,
        createdBy: ctx.actor.userId,
      });
      await upsertAnomalySettings(ctx.db, { tenantId: ctx.tenant.id, ...settings });
      await addToRollups(
        ctx.db,
        Array.from({ length: 90 }, (_, i) =>
          delta(ctx.tenant.id, "workflow", workflow.id, now - (90 - i) * MINUTE, {
            count: 40,
            errors: i === 89 ? 6 : i % 30 === 0 ? 1 : 0,
          }),
        ),
      );
      return (await evaluateTenant(watchDeps(), ctx.tenant.id, now)).opened.map((a) => a.metric);
    }
    expect(await tenantWithModerateSpike({ sensitivity: "medium", metricSensitivity: {} })).toEqual(
      [],
    );
    expect(
      await tenantWithModerateSpike({
        sensitivity: "medium",
        metricSensitivity: { "workflow.failure_rate": "high" },
      }),
    ).toEqual(["workflow.failure_rate"]);
    expect(
      await tenantWithModerateSpike({
        sensitivity: "high",
        metricSensitivity: { "workflow.failure_rate": "low" },
      }),
    ).toEqual([]);
  });

  it("resolves an alert whose series has no figures left in its window, instead of leaving it open for good", async () => {
    const ctx = await adminContext();
    const workflow = await insertWorkflow(ctx.db, {
      tenantId: ctx.tenant.id,
      name: "Greeting",
      description: "",
      document: greeting,
      createdBy: ctx.actor.userId,
    });
    await upsertAnomalySettings(ctx.db, {
      tenantId: ctx.tenant.id,
      rules: {
        circuitBreaker: false,
        fallbackServer: false,
        pauseWorkflow: false,
        tightenRate: false,
      },
    });
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    await addToRollups(ctx.db, failureSpike(ctx.tenant.id, workflow.id, now));
    const { opened } = await evaluateTenant(watchDeps(), ctx.tenant.id, now);
    expect(opened.map((a) => a.metric)).toEqual(["workflow.failure_rate"]);

    // An hour on, the workflow still has figures in its six-hour window: the alert stays.
    expect((await evaluateTenant(watchDeps(), ctx.tenant.id, now + HOUR)).resolved).toEqual([]);
    // Seven hours on, nothing has run since: the series is gone and its alert ends.
    const { resolved } = await evaluateTenant(watchDeps(), ctx.tenant.id, now + 7 * HOUR);
    expect(resolved.map((a) => [a.id, a.status, a.resolution])).toEqual([
      [opened[0]!.id, "resolved", "auto"],
    ]);
    const audit = await listAuditLogs(ctx.db, {
      tenantId: ctx.tenant.id,
      targetType: "alert",
      limit: 20,
    });
    expect(audit.items.find((a) => a.action === "alert.resolve")?.metadata).toMatchObject({
      why: "no figures in the series' window",
    });
  });

  it("holds open, in a process started later, the breakers that active alerts opened (with their fallback), and not undone or resolved ones", async () => {
    const ctx = await adminContext();
    const at = new Date();
    const breakerAlert = (
      server: string,
      actions: AlertAction[],
      status: "open" | "resolved" = "open",
    ) =>
      insertAlert(ctx.db, {
        tenantId: ctx.tenant.id,
        metric: "mcp.error_rate",
        subject: server,
        subjectLabel: `MCP server "${server}"`,
        severity: "critical",
        status,
        title: `MCP call error rate of ${server} rose to 80 %`,
        reason: "test",
        score: 9,
        value: 0.8,
        bandLow: 0,
        bandHigh: 0.05,
        startedAt: at,
        lastSeenAt: at,
        lastEvaluatedAt: at,
        occurrences: 1,
        calmCount: 0,
        evidence: { runIds: [], points: [] },
        actions,
      });
    const act = (
      rule: AlertAction["rule"],
      details: Record<string, unknown>,
      undoneAt?: string,
    ): AlertAction => ({
      id: randomUUID(),
      rule,
      description: rule,
      at: at.toISOString(),
      details,
      ...(undoneAt ? { undoneAt } : {}),
    });
    await breakerAlert("search", [
      act("circuitBreaker", { server: "search" }),
      act("fallbackServer", { server: "search", fallback: "search-backup" }),
    ]);
    await breakerAlert("files", [act("circuitBreaker", { server: "files" }, at.toISOString())]);
    await breakerAlert("git", [act("circuitBreaker", { server: "git" })], "resolved");

    const lateProcess = new BreakerRegistry();
    await restoreOpenBreakers(ctx.db, lateProcess);
    expect(lateProcess.state(ctx.tenant.id, "search")).toBe("open");
    expect(lateProcess.route(ctx.tenant.id, "search")).toEqual({
      server: "search-backup",
      viaFallback: true,
    });
    expect(lateProcess.state(ctx.tenant.id, "files")).toBeNull();
    expect(lateProcess.state(ctx.tenant.id, "git")).toBeNull();
  });

  it("samples the queue depth in every bucket even when evaluations are an hour apart (an empty bucket would read as an empty queue)", async () => {
    const ctx = await adminContext();
    const system = createRunSystem({ db: database.db, anomalyBucketMs: 100 }); // no workers: runs stay queued
    const workflow = await insertWorkflow(ctx.db, {
      tenantId: ctx.tenant.id,
      name: "Greeting",
      description: "",
      document: greeting,
      createdBy: ctx.actor.userId,
    });
    await publishVersion(ctx, { workflowId: workflow.id });
    for (let i = 0; i < 3; i++)
      await startRun(ctx, system.runDeps, { workflowId: workflow.id, input: {} });
    const since = new Date();
    const stop = startAnomalyWatch(system.watch, HOUR);
    // Waits on the rows, not on a time: a busy machine samples fewer buckets per second.
    const rows = await vi.waitFor(
      async () => {
        await system.watch.metrics!.flush();
        const found = await findRollups(ctx.db, {
          tenantId: ctx.tenant.id,
          source: "queue",
          since,
        });
        expect(found.length).toBeGreaterThanOrEqual(3);
        return found;
      },
      { timeout: 30_000, interval: 100 },
    );
    stop();
    expect(rows.every((row) => row.gaugeMax === 3)).toBe(true);
    await system.close();
  });
});
