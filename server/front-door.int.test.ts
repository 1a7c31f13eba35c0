import { randomBytes } from "node:crypto";
import { Agent, createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_SCOPE_NAMES } from "@/server/auth/permissions";
import { getEnv } from "@/server/env";
import { frontDoorHandler, serveFrontDoor } from "@/server/front-door";
import { listAuditLogs } from "@/server/repositories/audit";
import { securityHeaders } from "@/server/security-headers";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { useAppGlobals } from "@/server/testing/app-globals";
import { createTestDatabase } from "@/server/testing/database";
import { greetingWorkflow, makeMemberCaller } from "@/server/testing/factories";

/**
 * The front door as `npm start` serves it (scripts/server.mjs): Node's HTTP server answers the
 * machine endpoints through server/front-door.ts and hands the rest to Next, here a stand-in that
 * answers 418 so a test sees which side answered. Real HTTP on 127.0.0.1, a real database and run
 * system (PostgreSQL + BullMQ/Redis with DATABASE_URL/REDIS_URL).
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let system: RunSystem;
let server: Server;
let base: string;
let secret: string;
let workflowId: string;
let caller: Awaited<ReturnType<typeof makeMemberCaller>>["caller"];
let tenantId: string;

const NEXT_ANSWERED = 418;

beforeAll(async () => {
  database = await createTestDatabase();
  system = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `front-door-test-${randomBytes(4).toString("hex")}`,
  });
  await system.startWorkers(4);
  useAppGlobals(database, system);
  server = createServer((req, res) => {
    if (!serveFrontDoor(req, res)) res.writeHead(NEXT_ANSWERED).end("next");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const member = await makeMemberCaller(database.db, "owner");
  caller = member.caller;
  tenantId = member.tenant.id;
  const workflow = await caller.workflow.create({ name: "Greeting" });
  const { version } = await caller.workflow.get({ id: workflow.id });
  await caller.workflow.saveDraft({
    id: workflow.id,
    baseVersion: version,
    document: { ...greetingWorkflow, name: "Greeting" },
  });
  await caller.workflow.publish({ workflowId: workflow.id });
  workflowId = workflow.id;
  ({ secret } = await caller.token.create({
    name: "front door",
    scopes: [...TOKEN_SCOPE_NAMES],
    expiry: { in: "never" },
  }));
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await system?.close();
  await database?.close();
});

const auth = () => ({ authorization: `Bearer ${secret}`, "content-type": "application/json" });

describe("the front door", () => {
  it("starts a run and answers the finished run (wait), then reads it back; the audit names the caller's address", async () => {
    const started = await fetch(`${base}/api/v1/runs`, {
      method: "POST",
      headers: { ...auth(), "user-agent": "front-door-test" },
      body: JSON.stringify({ workflowId, input: { name: "Ada" }, wait: 30 }),
    });
    expect(started.status).toBe(200);
    expect(started.headers.get("content-length")).toMatch(/^\d+$/);
    const run = (await started.json()) as { id: string; status: string; output: unknown };
    expect(run.status).toBe("completed");
    expect(JSON.stringify(run.output)).toContain("Hello, Ada!");
    expect(started.headers.get("location")).toBe(`/api/v1/runs/${run.id}`);

    const read = await fetch(`${base}/api/v1/runs/${run.id}`, { headers: auth() });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: run.id, status: "completed" });

    const audit = await listAuditLogs(database.db, { tenantId, action: "run.start", limit: 50 });
    const entry = audit.items.find((a) => a.targetId === run.id);
    expect(entry).toMatchObject({ ip: "127.0.0.1", userAgent: "front-door-test" });
  });

  it("streams a run's events as server-sent events, ending with the finished run", async () => {
    const response = await fetch(`${base}/api/v1/runs`, {
      method: "POST",
      headers: { ...auth(), accept: "text/event-stream" },
      body: JSON.stringify({ workflowId, input: { name: "Grace" } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    expect(text).toContain("event: step.completed");
    const last = text.trim().split("\n\n").at(-1)!;
    expect(last).toContain('"status":"completed"');
    expect(last).toContain("Hello, Grace!");
  });

  it("runs a webhook's workflow and answers its output", async () => {
    const { hook } = await caller.webhook.create({
      workflowId,
      name: "door",
      config: { auth: "none", response: "wait", mapping: { name: "body.name" } },
    });
    const response = await fetch(`${base}${hook.path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Linus" }),
    });
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain("Hello, Linus!");
    const unknown = await fetch(`${base}/api/hooks/not-a-hook`, { method: "POST" });
    expect(unknown.status).toBe(404);
  });

  it("answers the health check with the database's state, with the security headers Next sends", async () => {
    const response = await fetch(`${base}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", database: { status: "up" } });
    for (const { key, value } of securityHeaders(false, getEnv().nextAuthUrl))
      expect(response.headers.get(key), key).toBe(value);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("leaves pages, tRPC, HEAD, OPTIONS and odd paths to Next", async () => {
    for (const [method, path] of [
      ["GET", "/workflows"],
      ["POST", "/api/trpc/run.start"],
      ["HEAD", "/api/health"],
      ["OPTIONS", "/api/v1/runs"],
      ["GET", "/api/v1/runs/"],
      ["GET", "/api/v1//runs"],
      ["GET", "/api/v1/runs/%E0%A4%A"],
      ["GET", "/api/hooks/a/b"],
      ["PUT", "/api/mcp"],
    ] as const) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${base}${path}`, { method }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on("error", reject);
        req.end();
      });
      expect(status, `${method} ${path}`).toBe(NEXT_ANSWERED);
    }
    expect(frontDoorHandler("GET", "/api/v1/runs/abc")).toBeDefined();
    expect(frontDoorHandler("GET", "/api/v1")).toBeUndefined();
  });

  it("answers any method, path and body on its endpoints with a JSON 4xx and no internals, never a 5xx", async () => {
    const segment = fc.oneof(
      fc.constantFrom("runs", "workflows", "evaluations", "datasets", "cancel", "__proto__"),
      fc.uuid(),
      fc.string({ minLength: 1, maxLength: 12 }).map((s) => encodeURIComponent(s)),
    );
    const body = fc.oneof(
      fc.constant(""),
      fc.json(),
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((v) => JSON.stringify({ workflowId, input: v })),
      fc.constant('{"workflowId":"\\u0000","input":{}}'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
        fc.constantFrom("/api/v1/", "/api/hooks/"),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        body,
        fc.boolean(),
        async (method, prefix, segments, text, withToken) => {
          const path =
            prefix === "/api/hooks/" ? prefix + segments[0] : prefix + segments.join("/");
          const response = await fetch(`${base}${path}`, {
            method,
            headers: withToken ? auth() : { "content-type": "application/json" },
            ...(method === "GET" ? {} : { body: text }),
          });
          const answer = await response.text();
          expect(response.status, `${method} ${path}: ${answer}`).toBeLessThan(500);
          if (response.status === NEXT_ANSWERED) return;
          expect(response.status).toBeGreaterThanOrEqual(200);
          expect(answer).not.toMatch(/\bat .+\.(ts|js):\d+|select .* from|insert into/i);
          if (response.status >= 400) expect(JSON.parse(answer)).toHaveProperty("error");
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a refusal that never read a large body leaves the client's next request unharmed (keep-alive)", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${base}${path}`, { method, headers, agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        });
        req.setTimeout(4_000, () => req.destroy(new Error(`${method} ${path} hung`)));
        req.on("error", reject);
        req.end(body);
      });
    const large = JSON.stringify({ workflowId, input: { name: "y".repeat(300_000) } });
    try {
      for (const [path, headers] of [
        ["/api/v1/runs", { authorization: "Bearer mst_not-a-token" }],
        ["/api/mcp", {}],
        ["/api/hooks/not-a-hook", {}],
      ] as const) {
        const refused = await send(
          "POST",
          path,
          { ...headers, "content-type": "application/json" },
          large,
        );
        expect(refused, path).toBeGreaterThanOrEqual(400);
        expect(await send("GET", "/api/health", {}), `after ${path}`).toBe(200);
      }
    } finally {
      agent.destroy();
    }
  });

  it("refuses a body over the cap with 413 before reading it all", async () => {
    const big = "x".repeat(getEnv().maxRequestBytes + 1);
    const response = await fetch(`${base}/api/v1/runs`, {
      method: "POST",
      headers: auth(),
      body: JSON.stringify({ workflowId, input: { name: big } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  });
});
