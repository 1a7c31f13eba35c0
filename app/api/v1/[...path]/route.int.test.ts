import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
type Database = Awaited<ReturnType<typeof createTestDatabase>>;
import { getEnv } from "@/server/env";
import { listRuns } from "@/server/repositories/runs";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { useAppGlobals } from "@/server/testing/app-globals";
import { createTestDatabase } from "@/server/testing/database";
import { makeMemberCaller, greetingWorkflow } from "@/server/testing/factories";
import { POST, GET } from "./route";

/**
 * The REST API as a script calls it: real Requests into the route handler, a real database and
 * run system (in-process, or PostgreSQL + BullMQ/Redis when DATABASE_URL/REDIS_URL are set).
 */
let database: Database;
let system: RunSystem;
beforeAll(async () => {
  database = await createTestDatabase();
  system = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `rest-test-${randomBytes(4).toString("hex")}`,
  });
  await system.startWorkers(4);
  useAppGlobals(database, system);
});
afterAll(async () => {
  await system?.close();
  await database?.close();
});

const greeting = greetingWorkflow;

async function setup() {
  const { caller, tenant } = await makeMemberCaller(database.db, "owner");
  const owner = caller;
  const workflow = await caller.workflow.create({
    name: `Greeting ${randomBytes(3).toString("hex")}`,
  });
  const { version } = await caller.workflow.get({ id: workflow.id });
  await caller.workflow.saveDraft({
    id: workflow.id,
    baseVersion: version,
    document: { ...greeting, name: workflow.name },
  });
  await caller.workflow.publish({ workflowId: workflow.id });
  const { secret } = await caller.token.create({
    name: "script",
    scopes: ["runs:write"],
    expiry: { in: "never" },
  });
  return { tenant, workflow, secret, owner };
}

const context = { params: Promise.resolve({ path: ["runs"] }) };
function post(secret: string, body: unknown, headers: Record<string, string> = {}) {
  return POST(
    new Request("http://localhost/api/v1/runs", {
      method: "POST",
      headers: {
        authorization: `Bearer ${secret}`,
        "content-type": "application/json",
        ...headers,
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    context,
  );
}

describe("POST /api/v1/runs", () => {
  it("a quota answer is a 429 that says when to come back", async () => {
    const { workflow, secret, owner } = await setup();
    await owner.limits.update({ maxRunsPerDay: 1 });
    expect(
      (await post(secret, { workflowId: workflow.id, input: { name: "Ada" }, wait: 10 })).status,
    ).toBe(200);
    const refused = await post(secret, { workflowId: workflow.id, input: { name: "Ada" } });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect((await refused.json()).error.message).toMatch(/runs per day/);
  });

  it("with wait, answers 200 with the finished run, its output and its trigger", async () => {
    const { workflow, secret } = await setup();
    const response = await post(secret, {
      workflowId: workflow.id,
      input: { name: "Ada" },
      wait: 30,
    });
    expect(response.status).toBe(200);
    const run = await response.json();
    expect(run).toMatchObject({
      status: "completed",
      trigger: "api",
      output: { greeting: { message: "Hello, Ada!" } },
    });
    expect(run.steps.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining(["in", "greet", "out"]),
    );

    const read = await GET(
      new Request(`http://localhost/api/v1/runs/${run.id}`, {
        headers: { authorization: `Bearer ${secret}` },
      }),
      {
        params: Promise.resolve({ path: ["runs", run.id] }),
      },
    );
    expect(await read.json()).toEqual(run);
  });

  it("without wait, answers 202 at once with where to follow the run", async () => {
    const { workflow, secret } = await setup();
    const response = await post(secret, { workflowId: workflow.id, input: { name: "Ada" } });
    expect(response.status).toBe(202);
    const body = await response.json();
    expect(body).toMatchObject({ status: "queued", links: { self: `/api/v1/runs/${body.id}` } });
  });

  it("with Accept: text/event-stream, streams the run's events and ends with the finished run", async () => {
    const { workflow, secret } = await setup();
    const response = await post(
      secret,
      { workflowId: workflow.id, input: { name: "Grace" } },
      { accept: "text/event-stream" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events).toEqual(
      expect.arrayContaining(["run.queued", "run.started", "step.completed", "run.completed"]),
    );
    expect(events.at(-1)).toBe("run");
    const last = text.trim().split("\n\n").at(-1)!;
    expect(
      JSON.parse(
        last
          .split("\n")
          .find((l) => l.startsWith("data: "))!
          .slice(6),
      ),
    ).toMatchObject({
      status: "completed",
      output: { greeting: { message: "Hello, Grace!" } },
    });
  });

  it("an Idempotency-Key repeated at the same moment makes one run; a different body with it is a 422", async () => {
    const { tenant, workflow, secret } = await setup();
    const key = `order-${randomBytes(6).toString("hex")}`;
    const body = { workflowId: workflow.id, input: { name: "Ada" } };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post(secret, body, { "idempotency-key": key })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
    const ids = new Set(
      await Promise.all(answers.map(async (a) => ((await a.json()) as { id: string }).id)),
    );
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(7);
    const stored = await listRuns(database.db, {
      tenantId: tenant.id,
      workflowId: workflow.id,
      limit: 50,
    });
    expect(stored.items).toHaveLength(1);

    // The same body with its keys in another order is the same request.
    const reordered = await post(
      secret,
      { input: { name: "Ada" }, workflowId: workflow.id },
      { "idempotency-key": key },
    );
    expect(((await reordered.json()) as { id: string }).id).toBe([...ids][0]);

    const different = await post(
      secret,
      { workflowId: workflow.id, input: { name: "Bob" } },
      { "idempotency-key": key },
    );
    expect(different.status).toBe(422);
    expect((await different.json()).error.message).toMatch(/different request/);
  });

  it("keys are kept apart per entry point: the same key from the app's Run button is another request", async () => {
    const { workflow, secret, owner } = await setup();
    const key = `shared-${randomBytes(6).toString("hex")}`;
    const viaApi = await post(
      secret,
      { workflowId: workflow.id, input: { name: "Ada" } },
      { "idempotency-key": key },
    );
    expect(viaApi.status).toBe(202);
    const viaApp = await owner.run.start({
      workflowId: workflow.id,
      input: { name: "Bob" },
      idempotencyKey: key,
    });
    expect(viaApp).toMatchObject({ isReplay: false });
    expect(viaApp.id).not.toBe(((await viaApi.json()) as { id: string }).id);
  });

  it("a start refused for bad input lets go of its key, so the corrected request can use it", async () => {
    const { workflow, secret } = await setup();
    const key = `fix-${randomBytes(6).toString("hex")}`;
    const refused = await post(
      secret,
      { workflowId: workflow.id, input: {} },
      { "idempotency-key": key },
    );
    expect(refused.status).toBe(400);
    const corrected = await post(
      secret,
      { workflowId: workflow.id, input: { name: "Ada" } },
      { "idempotency-key": key },
    );
    expect(corrected.status).toBe(202);
  });

  it("answers bad requests with a clear 4xx, never a 500", async () => {
    const { workflow, secret } = await setup();
    expect((await post(secret, "{not json")).status).toBe(400);
    expect((await post(secret, { workflowId: workflow.id, input: {}, wait: 301 })).status).toBe(
      400,
    );
    expect(
      (
        await post(
          secret,
          { workflowId: workflow.id, input: { name: "x" } },
          { "idempotency-key": "has spaces in it" },
        )
      ).status,
    ).toBe(400);
    const large = await post(secret, {
      workflowId: workflow.id,
      input: { name: "x".repeat(getEnv().maxRequestBytes) },
    });
    expect(large.status).toBe(413);
    expect((await post("mst_unknown", { workflowId: workflow.id, input: {} })).status).toBe(401);
  });
});
