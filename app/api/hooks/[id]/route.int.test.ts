import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv } from "@/server/env";
import { listAuditLogs } from "@/server/repositories/audit";
import { listRuns } from "@/server/repositories/runs";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { useAppGlobals } from "@/server/testing/app-globals";
import { createTestDatabase } from "@/server/testing/database";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { makeMemberCaller, greetingWorkflow, testMeta } from "@/server/testing/factories";
import { signBody } from "@/server/services/webhooks-request";
import { GET, POST, PUT } from "./route";

type Database = Awaited<ReturnType<typeof createTestDatabase>>;
type Caller = Awaited<ReturnType<typeof makeMemberCaller>>["caller"];
type HookConfig = NonNullable<Parameters<Caller["webhook"]["create"]>[0]["config"]>;

/**
 * Webhooks as a sender (GitHub, a form, a script) calls them: real Requests into the route
 * handler, a real database and run system (in-process, or PostgreSQL + BullMQ/Redis when
 * DATABASE_URL/REDIS_URL are set), hooks made through the tRPC procedures the dialog uses.
 */
let database: Database;
let system: RunSystem;
beforeAll(async () => {
  database = await createTestDatabase();
  system = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `hooks-test-${randomBytes(4).toString("hex")}`,
  });
  await system.startWorkers(4);
  useAppGlobals(database, system);
});
afterAll(async () => {
  await system?.close();
  await database?.close();
});

const greeting = greetingWorkflow;

async function setup(config: HookConfig = {}, options: { publish?: boolean } = {}) {
  const { caller, tenant, user } = await makeMemberCaller(database.db, "owner");
  const workflow = await caller.workflow.create({
    name: `Greeting ${randomBytes(3).toString("hex")}`,
  });
  const { version } = await caller.workflow.get({ id: workflow.id });
  await caller.workflow.saveDraft({
    id: workflow.id,
    baseVersion: version,
    document: { ...greeting, name: workflow.name },
  });
  if (options.publish ?? true) await caller.workflow.publish({ workflowId: workflow.id });
  const { hook, secret } = await caller.webhook.create({
    workflowId: workflow.id,
    name: "test hook",
    config,
  });
  return { caller, tenant, user, workflow, hook, secret: secret ?? "" };
}

const routeContext = (publicId: string) => ({ params: Promise.resolve({ id: publicId }) });
const handlers = { GET, POST, PUT } as const;

/** A request to the hook, signed as GitHub signs (X-Hub-Signature-256) unless told otherwise. */
function call(
  publicId: string,
  options: {
    method?: keyof typeof handlers;
    body?: string | object;
    secret?: string | null;
    headers?: Record<string, string>;
    query?: string;
  } = {},
) {
  const method = options.method ?? "POST";
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...options.headers,
  };
  if (options.secret)
    headers["x-hub-signature-256"] = signBody(options.secret, new TextEncoder().encode(body ?? ""));
  const request = new Request(`http://localhost/api/hooks/${publicId}${options.query ?? ""}`, {
    method,
    headers,
    body,
  });
  return handlers[method](request, routeContext(publicId));
}

async function runsOf(tenantId: string, workflowId: string) {
  return (await listRuns(database.db, { tenantId, workflowId, limit: 50 })).items;
}

describe("a webhook request", () => {
  it("starts a run of the published version with trigger webhook, answering 202 with where to follow it", async () => {
    const { caller, hook, secret } = await setup();
    const response = await call(hook.publicId, { body: { name: "Ada" }, secret });
    expect(response.status).toBe(202);
    const body = await response.json();
    expect(body).toMatchObject({
      status: "queued",
      links: { self: `/api/v1/runs/${body.id}`, web: `/runs/${body.id}` },
    });
    const { run } = await caller.run.get({ id: body.id });
    expect(run).toMatchObject({
      trigger: "webhook",
      triggerId: hook.id,
      isDraft: false,
      input: { name: "Ada" },
    });
  });

  it("refuses a missing or wrong signature with 401, and starts nothing", async () => {
    const { tenant, workflow, hook, secret } = await setup();
    const missing = await call(hook.publicId, { body: { name: "Ada" } });
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.message).toMatch(/X-Hub-Signature-256/);
    expect(
      (await call(hook.publicId, { body: { name: "Ada" }, secret: `${secret}x` })).status,
    ).toBe(401);
    // Signed for one body, sent with another.
    const signature = signBody(secret, new TextEncoder().encode('{"name":"Ada"}'));
    expect(
      (
        await call(hook.publicId, {
          body: '{"name":"Eve"}',
          headers: { "x-hub-signature-256": signature },
        })
      ).status,
    ).toBe(401);
    expect(await runsOf(tenant.id, workflow.id)).toHaveLength(0);
  });

  it("answers 404 alike for an unknown and a disabled hook, and 405 for another method", async () => {
    const { caller, hook, secret } = await setup();
    const unknown = await call(randomBytes(24).toString("base64url"), {
      body: { name: "Ada" },
      secret,
    });
    expect(unknown.status).toBe(404);
    expect((await call("not a real id", { body: {} })).status).toBe(404);
    await caller.webhook.setEnabled({ id: hook.id, isEnabled: false });
    const disabled = await call(hook.publicId, { body: { name: "Ada" }, secret });
    expect(disabled.status).toBe(404);
    expect(await disabled.json()).toEqual(await unknown.json());

    await caller.webhook.setEnabled({ id: hook.id, isEnabled: true });
    const put = await call(hook.publicId, { method: "PUT", body: { name: "Ada" }, secret });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("POST");
  });

  it("refuses a body over MAX_REQUEST_BYTES with 413 and a body that is not JSON with 400", async () => {
    const { hook, secret } = await setup();
    const large = await call(hook.publicId, {
      body: { name: "x".repeat(getEnv().maxRequestBytes) },
      secret,
    });
    expect(large.status).toBe(413);
    const notJson = await call(hook.publicId, { body: "{not json", secret });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toMatch(/not valid JSON/);
  });

  it("answers input the workflow refuses with 400 and the errors by field", async () => {
    const { hook, secret } = await setup({ mapping: { name: "body.user.name" } });
    const response = await call(hook.publicId, {
      body: { user: { email: "ada@example.test" } },
      secret,
    });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.fieldErrors).toEqual({ name: ["is required"] });
    const wrongType = await call(hook.publicId, { body: { user: { name: 42 } }, secret });
    expect((await wrongType.json()).error.fieldErrors).toEqual({
      name: ["expected string, got number"],
    });
  });

  it("answers 409 with the reason while the workflow is paused", async () => {
    const { caller, workflow, hook, secret } = await setup();
    await caller.workflow.pause({ id: workflow.id, reason: "Maintenance window" });
    const response = await call(hook.publicId, { body: { name: "Ada" }, secret });
    expect(response.status).toBe(409);
    expect((await response.json()).error.message).toMatch(/paused \(Maintenance window\)/);
  });

  it("answers 409 for a hook on the latest version of a workflow never published; a draft hook runs the draft", async () => {
    const latest = await setup({}, { publish: false });
    const refused = await call(latest.hook.publicId, {
      body: { name: "Ada" },
      secret: latest.secret,
    });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toMatch(/no published version/);

    const draft = await setup(
      { version: "draft", response: "wait", timeoutSeconds: 30 },
      { publish: false },
    );
    const response = await call(draft.hook.publicId, {
      body: { name: "Draft" },
      secret: draft.secret,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ greeting: { message: "Hello, Draft!" } });
  });

  it("in wait mode, answers 200 with the run's output", async () => {
    const { hook, secret } = await setup({ response: "wait", timeoutSeconds: 30 });
    const response = await call(hook.publicId, { body: { name: "Grace" }, secret });
    expect(response.status).toBe(200);
    expect(response.headers.get("location")).toMatch(/^\/api\/v1\/runs\//);
    expect(await response.json()).toEqual({ greeting: { message: "Hello, Grace!" } });
  });

  it("in stream mode, sends the run's events and ends with the finished run", async () => {
    const { hook, secret } = await setup({ response: "stream", timeoutSeconds: 30 });
    const response = await call(hook.publicId, { body: { name: "Lin" }, secret });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events).toEqual(expect.arrayContaining(["run.queued", "run.completed"]));
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
      output: { greeting: { message: "Hello, Lin!" } },
    });
  });

  it("gives the same run back for a repeated Idempotency-Key, and 422 for the key on another body", async () => {
    const { tenant, workflow, hook, secret } = await setup();
    const key = `delivery-${randomBytes(6).toString("hex")}`;
    const first = await call(hook.publicId, {
      body: { name: "Ada" },
      secret,
      headers: { "idempotency-key": key },
    });
    const again = await call(hook.publicId, {
      body: { name: "Ada" },
      secret,
      headers: { "idempotency-key": key },
    });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await again.json()).id).toBe((await first.json()).id);
    expect(await runsOf(tenant.id, workflow.id)).toHaveLength(1);

    const other = await call(hook.publicId, {
      body: { name: "Bob" },
      secret,
      headers: { "idempotency-key": key },
    });
    expect(other.status).toBe(422);
    expect(
      (
        await call(hook.publicId, {
          body: { name: "x" },
          secret,
          headers: { "idempotency-key": "has spaces" },
        })
      ).status,
    ).toBe(400);
  });

  it("takes a GET with a header secret and maps the query and headers into the input", async () => {
    const { caller, hook, secret } = await setup({
      method: "GET",
      auth: "header",
      mapping: { name: "query.who" },
    });
    expect(hook.config.authHeader).toBe("X-Webhook-Secret");
    const refused = await call(hook.publicId, {
      method: "GET",
      query: "?who=Ada",
      headers: { "x-webhook-secret": "wrong" },
    });
    expect(refused.status).toBe(401);
    const response = await call(hook.publicId, {
      method: "GET",
      query: "?who=Ada",
      headers: { "x-webhook-secret": secret },
    });
    expect(response.status).toBe(202);
    const { run } = await caller.run.get({ id: (await response.json()).id });
    expect(run.input).toEqual({ name: "Ada" });
  });

  it("reads a form body as an object", async () => {
    const { caller, hook, secret } = await setup({ auth: "header" });
    const response = await call(hook.publicId, {
      body: "name=Ada+Lovelace",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-webhook-secret": secret },
    });
    expect(response.status).toBe(202);
    const { run } = await caller.run.get({ id: (await response.json()).id });
    expect(run.input).toEqual({ name: "Ada Lovelace" });
  });

  it("answers 429 with Retry-After past the tenant's per-token request limit", async () => {
    const { caller, hook, secret } = await setup();
    await caller.limits.update({ requestsPerMinutePerToken: 1 });
    expect((await call(hook.publicId, { body: { name: "Ada" }, secret })).status).toBe(202);
    const limited = await call(hook.publicId, { body: { name: "Ada" }, secret });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()).error.message).toMatch(/this webhook/);
  });
});

describe("managing webhooks", () => {
  it("while listening, keeps the last request without its secrets, and the list shows it", async () => {
    const { caller, workflow, hook, secret } = await setup({ mapping: { name: "body.user.name" } });
    await call(hook.publicId, { body: { before: "listening" }, secret });
    expect((await caller.webhook.list({ workflowId: workflow.id }))[0]!.lastRequest).toBeNull();

    const listening = await caller.webhook.listen({ id: hook.id, isListening: true });
    expect(listening.listenUntil!.getTime()).toBeGreaterThan(Date.now());
    // Its input does not map yet (400), which is what listening is for: the request is kept all the same.
    const response = await call(hook.publicId, {
      body: { user: { login: "ada" } },
      secret,
      query: "?source=test",
      headers: { "x-github-event": "issues" },
    });
    expect(response.status).toBe(400);
    const [listed] = await caller.webhook.list({ workflowId: workflow.id });
    expect(listed!.lastRequestAt).toBeInstanceOf(Date);
    expect(listed!.lastRequest).toMatchObject({
      method: "POST",
      query: { source: "test" },
      body: { user: { login: "ada" } },
      headers: { "x-github-event": "issues" },
    });
    expect(JSON.stringify(listed!.lastRequest)).not.toMatch(/x-hub-signature-256|sha256=/);

    // What the database cannot store (a NUL byte) is described, and the request is answered 4xx, not 500.
    const withNul = await call(hook.publicId, { body: '{"user":{"name":"a\\u0000b"}}', secret });
    expect(withNul.status).toBe(400);
    expect((await caller.webhook.list({ workflowId: workflow.id }))[0]!.lastRequest).toMatchObject({
      method: "POST",
      note: expect.stringMatching(/could not be kept/),
    });

    await caller.webhook.listen({ id: hook.id, isListening: false });
    await call(hook.publicId, { body: { user: { name: "later" } }, secret });
    expect((await caller.webhook.list({ workflowId: workflow.id }))[0]!.lastRequest).toMatchObject({
      note: expect.any(String),
    });
  });

  it("made with an API token, is refused with 403 once that token is revoked", async () => {
    const { caller, tenant, user, workflow } = await setup();
    const { token } = await caller.token.create({
      name: "ci script",
      scopes: ["runs:write"],
      expiry: { in: "never" },
    });
    const viaToken = createCaller(
      await createContext({
        db: database.db,
        identity: {
          userId: user.id,
          tenantId: tenant.id,
          apiToken: { id: token.id, name: token.name, scopes: token.scopes },
        },
        meta: testMeta,
      }),
    );
    const { hook } = await viaToken.webhook.create({
      workflowId: workflow.id,
      name: "from ci",
      config: { auth: "none" },
    });
    expect((await call(hook.publicId, { body: { name: "Ada" } })).status).toBe(202);

    await caller.token.revoke({ id: token.id });
    const refused = await call(hook.publicId, { body: { name: "Ada" } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: {
        message:
          'The API token "ci script" this trigger was made with was revoked: an editor must make the trigger again.',
      },
    });
    expect(await runsOf(tenant.id, workflow.id)).toHaveLength(1);
  });

  it("never lists the secret; rotating it refuses the old one; every change is audited", async () => {
    const { caller, tenant, workflow, hook, secret } = await setup();
    expect(secret).toMatch(/^whsec_/);
    const listed = await caller.webhook.list({ workflowId: workflow.id });
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed[0]).toMatchObject({ hasSecret: true, path: `/api/hooks/${hook.publicId}` });
    expect(hook.publicId).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const { secret: rotated } = await caller.webhook.rotateSecret({ id: hook.id });
    expect(rotated).not.toBe(secret);
    expect((await call(hook.publicId, { body: { name: "Ada" }, secret })).status).toBe(401);
    expect((await call(hook.publicId, { body: { name: "Ada" }, secret: rotated })).status).toBe(
      202,
    );

    const updated = await caller.webhook.update({
      id: hook.id,
      name: "renamed",
      config: { response: "wait", timeoutSeconds: 5 },
    });
    expect(updated.hook).toMatchObject({
      name: "renamed",
      config: { response: "wait", timeoutSeconds: 5, auth: "hmac-sha256" },
    });
    expect(updated.secret).toBeNull();
    await caller.webhook.delete({ id: hook.id });
    expect(await caller.webhook.list({ workflowId: workflow.id })).toEqual([]);
    expect((await call(hook.publicId, { body: { name: "Ada" }, secret: rotated })).status).toBe(
      404,
    );

    const audit = await listAuditLogs(database.db, {
      tenantId: tenant.id,
      targetId: hook.id,
      limit: 20,
    });
    expect(audit.items.map((a) => a.action).sort()).toEqual([
      "webhook.create",
      "webhook.delete",
      "webhook.rotateSecret",
      "webhook.update",
    ]);
    expect(JSON.stringify(audit.items)).not.toContain(rotated!);
  });

  it("makes a secret when a hook without one starts needing it", async () => {
    const { caller, hook, secret } = await setup({ auth: "none" });
    expect(secret).toBe("");
    expect((await call(hook.publicId, { body: { name: "Ada" } })).status).toBe(202);
    const { secret: made } = await caller.webhook.update({
      id: hook.id,
      config: { auth: "hmac-sha256" },
    });
    expect(made).toMatch(/^whsec_/);
    expect((await call(hook.publicId, { body: { name: "Ada" } })).status).toBe(401);
    expect((await call(hook.publicId, { body: { name: "Ada" }, secret: made! })).status).toBe(202);
  });
});
