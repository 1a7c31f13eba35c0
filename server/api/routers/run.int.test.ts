import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { getEnv } from "@/server/env";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { insertWorkflow } from "@/server/repositories/workflows";
import type { PublishedRunEvent } from "@/server/services/run-journal";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant, makeUser, testMeta } from "@/server/testing/factories";
import type { TenantRow } from "@/server/repositories/tenants";
import type { UserRow } from "@/server/repositories/users";

let database: Database;
let runs: RunSystem;
beforeAll(async () => {
  database = await createTestDatabase();
  runs = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `router-test-${randomBytes(4).toString("hex")}`,
  });
  await runs.startWorkers(2);
});
afterAll(async () => {
  await runs?.close();
  await database?.close();
});

const echo = makeWorkflow({
  name: "Echo",
  nodes: [
    makeNode("input", "in"),
    makeNode("transform", "shout", { template: { said: "{{input.text}}!" } }),
    makeNode("output", "out", { name: "echo" }),
  ],
  edges: chain("in", "shout", "out"),
});

async function callerFor(user: UserRow, tenant: TenantRow) {
  return createCaller(
    await createContext({
      db: database.db,
      identity: { userId: user.id, tenantId: tenant.id },
      meta: testMeta,
      runSystem: async () => runs,
    }),
  );
}

async function setup() {
  const tenant = await makeTenant(database.db);
  const editor = await makeUser(database.db, { memberships: [[tenant, "editor"]] });
  const viewer = await makeUser(database.db, { memberships: [[tenant, "viewer"]] });
  const workflow = await insertWorkflow(database.db, {
    tenantId: tenant.id,
    name: "Echo",
    description: "",
    document: echo,
    createdBy: editor.id,
  });
  return { tenant, editor, viewer, workflow };
}

describe("the run router", () => {
  it("streams a run's events live, from its history on, until it ends", async () => {
    const { tenant, editor, workflow } = await setup();
    const caller = await callerFor(editor, tenant);
    const run = await caller.run.start({
      workflowId: workflow.id,
      draft: true,
      input: { text: "hi" },
    });

    const seen: string[] = [];
    const stream = await caller.run.live({ runId: run.id });
    // Each message is tracked: [id, data] as the SSE stream sends it, so a reconnect can resume.
    for await (const [, published] of stream as AsyncIterable<[string, PublishedRunEvent]>) {
      seen.push(published.event.type);
      if (published.event.type === "run.completed") break; // ends the subscription
    }
    expect(seen[0]).toBe("run.queued");
    expect(seen).toContain("step.completed");
    expect(seen.at(-1)).toBe("run.completed");
    const { run: done, steps } = await caller.run.get({ id: run.id });
    expect(done).toMatchObject({ status: "completed", output: { echo: { said: "hi!" } } });
    expect(steps).toHaveLength(3);
    // Lists and the run page name the workflow and who started it.
    expect((await caller.run.list({})).items[0]).toMatchObject({
      id: run.id,
      workflowName: "Echo",
      startedByName: editor.name,
    });
    expect(await caller.run.get({ id: run.id })).toMatchObject({
      run: { workflowName: "Echo", startedByName: editor.name },
    });
  });

  it("lets a viewer watch runs but not start, cancel or retry them", async () => {
    const { tenant, editor, viewer, workflow } = await setup();
    const run = await (
      await callerFor(editor, tenant)
    ).run.start({ workflowId: workflow.id, draft: true, input: { text: "x" } });
    const asViewer = await callerFor(viewer, tenant);
    await expect(asViewer.run.get({ id: run.id })).resolves.toMatchObject({ run: { id: run.id } });
    await expect(
      asViewer.run.start({ workflowId: workflow.id, draft: true, input: {} }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asViewer.run.cancel({ id: run.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asViewer.run.retry({ id: run.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      asViewer.run.decide({ runId: run.id, stepId: "s", approved: true }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("keeps runs inside their tenant", async () => {
    const a = await setup();
    const b = await setup();
    const run = await (
      await callerFor(b.editor, b.tenant)
    ).run.start({ workflowId: b.workflow.id, draft: true, input: { text: "secret" } });
    const asA = await callerFor(a.editor, a.tenant);
    await expect(asA.run.get({ id: run.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asA.run.events({ id: run.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asA.run.cancel({ id: run.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      asA.run.start({ workflowId: b.workflow.id, draft: true, input: {} }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await asA.run.list({})).items.map((r) => r.id)).not.toContain(run.id);
  });

  it("publishes numbered versions and runs the latest one, or says why the workflow does not compile", async () => {
    const { tenant, editor, workflow } = await setup();
    const caller = await callerFor(editor, tenant);
    const v1 = await caller.workflow.publish({ workflowId: workflow.id, note: "first" });
    const v2 = await caller.workflow.publish({ workflowId: workflow.id });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    const run = await caller.run.start({ workflowId: workflow.id, input: { text: "v" } });
    expect(run).toMatchObject({ versionId: v2.id, isDraft: false });

    const broken = await insertWorkflow(database.db, {
      tenantId: tenant.id,
      name: "Broken",
      description: "",
      document: makeWorkflow({
        nodes: [makeNode("input", "in"), makeNode("llm", "ask", {})],
        edges: chain("in", "ask"),
      }),
      createdBy: editor.id,
    });
    await expect(caller.workflow.publish({ workflowId: broken.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("does not compile"),
    });
  });
});

describe("runs that use MCP servers", () => {
  it("a tool step calls the tenant's installed MCP server (the real memory server over stdio)", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { createMcpToolPort } = await import("@/server/mcp/tool-port");
    const tenant = await makeTenant(database.db);
    const admin = await makeUser(database.db, { memberships: [[tenant, "admin"]] });
    const withTools = createRunSystem({
      db: database.db,
      redisUrl: getEnv().redisUrl,
      queueName: `router-mcp-${randomBytes(4).toString("hex")}`,
      tools: (tenantId) => createMcpToolPort({ db: database.db, tenantId }),
    });
    await withTools.startWorkers(1);
    const dir = mkdtempSync(join(tmpdir(), "maestro-run-mcp-"));
    try {
      const caller = createCaller(
        await createContext({
          db: database.db,
          identity: { userId: admin.id, tenantId: tenant.id },
          meta: testMeta,
          runSystem: async () => withTools,
        }),
      );
      const { items } = await caller.mcp.listCatalog({ search: "memory", sort: "name" });
      const memory = items.find((i) => i.title === "Memory");
      await caller.mcp.install({
        catalogEntryId: memory!.id,
        name: "notes",
        values: { "env:MEMORY_FILE_PATH": join(dir, "graph.jsonl") },
      });
      const remember = makeWorkflow({
        name: "Remember a person",
        nodes: [
          makeNode("input", "in"),
          makeNode("tool", "store", {
            server: "notes",
            tool: "create_entities",
            args: {
              entities: [
                { name: "{{input.name}}", entityType: "person", observations: ["met at the demo"] },
              ],
            },
          }),
          makeNode("tool", "recall", { server: "notes", tool: "read_graph", args: {} }),
          makeNode("output", "out", { name: "graph" }),
        ],
        edges: chain("in", "store", "recall", "out"),
      });
      const workflow = await insertWorkflow(database.db, {
        tenantId: tenant.id,
        name: "Remember",
        description: "",
        document: remember,
        createdBy: admin.id,
      });
      const run = await caller.run.start({
        workflowId: workflow.id,
        draft: true,
        input: { name: "Grace Hopper" },
      });
      let status = "queued";
      for (let i = 0; i < 300 && !["completed", "failed"].includes(status); i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await caller.run.get({ id: run.id })).run.status;
      }
      const { run: done } = await caller.run.get({ id: run.id });
      expect(done.error).toBeNull();
      expect(done.status).toBe("completed");
      expect(JSON.stringify(done.output)).toContain("Grace Hopper");
    } finally {
      await withTools.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
