import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { compileWorkflow } from "@/engine/compiler/compile-workflow";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { listAuditLogs } from "@/server/repositories/audit";
import { findUnlearnedProposal } from "@/server/repositories/learning";
import { findWorkflow } from "@/server/repositories/workflows";
import { createTestDatabase } from "@/server/testing/database";
import { expectTrpcError, makeMemberCaller, makeTenantContext } from "@/server/testing/factories";
import type { LlmPort } from "@/engine/runtime/ports";
import { nameFromTask, refineWorkflowProposal } from "./autonomy";

let database: Database;
const folders: string[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder for a server to use: never the temp folder itself, which may hold the app's own data (a checkout under /tmp). */
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "maestro-autonomy-"));
  folders.push(dir);
  return dir;
}

/** An owner: installs servers and imports catalog entries as well as planning. */
const ownerOfNewTenant = () => makeMemberCaller(database.db, "owner");
type Caller = Awaited<ReturnType<typeof ownerOfNewTenant>>["caller"];

const CSV_TASK = "Read data/events.csv, load it into a new SQLite table and report the row count";
const HAIKU_TASK = "Write a haiku about autumn and polish it until a critic rates it excellent";
// "ticket", not "issue": GitHub issues are what the learned server model reads into "issue".
const JIRA_TASK = "Create a Jira ticket for each failing test in the report";

const serversOfAgents = (document: WorkflowDocument) =>
  document.nodes.flatMap((node) => (node.kind === "agent" ? node.config.mcpServers : []));

async function catalogEntryId(caller: Caller, title: string): Promise<string> {
  const page = await caller.mcp.listCatalog({ search: title, sort: "name", limit: 10 });
  const entry = page.items.find((item) => item.title === title);
  if (!entry) throw new Error(`no catalog entry titled ${title}`);
  return entry.id;
}

describe("autonomy.propose", () => {
  it("plans a chain through the filesystem and SQLite servers that compiles, with reasons, and says they are not installed", async () => {
    const { caller } = await ownerOfNewTenant();
    const proposal = await caller.autonomy.propose({ task: CSV_TASK });

    expect(proposal.pattern).toBe("chain");
    expect(proposal.confidence).toBeGreaterThan(0.5);
    expect(proposal.reasons[0]).toMatch(/^chain: distinct steps in order/);
    expect(proposal.servers.map((s) => [s.shortName, s.installedAs])).toEqual([
      ["filesystem", null],
      ["sqlite", null],
    ]);
    expect(proposal.servers[0]?.catalogEntryId).toBe(await catalogEntryId(caller, "Filesystem"));
    expect(proposal.missing).toEqual([]);

    const compiled = compileWorkflow(proposal.document);
    expect(compiled.ok, JSON.stringify(compiled.ok ? [] : compiled.errors)).toBe(true);
    expect(serversOfAgents(proposal.document)).toEqual(["filesystem", "sqlite"]);
    // Every node has its reason, also written into the document so it stays with the workflow.
    for (const node of proposal.document.nodes) {
      expect(proposal.nodeReasons[node.id], node.id).toBeTruthy();
      expect(proposal.document.description).toContain(`- ${node.id}: `);
    }
  });

  it("uses the names the tenant installed the servers under", async () => {
    const { caller } = await ownerOfNewTenant();
    await caller.mcp.install({
      catalogEntryId: await catalogEntryId(caller, "Filesystem"),
      name: "team-files",
      values: { "arg:allowed_directory": [folder()] },
    });

    const proposal = await caller.autonomy.propose({ task: CSV_TASK });
    expect(proposal.servers.map((s) => [s.shortName, s.installedAs])).toEqual([
      ["filesystem", "team-files"],
      ["sqlite", null],
    ]);
    expect(serversOfAgents(proposal.document)).toEqual(["team-files", "sqlite"]);
  });

  it("plans a task that needs no server, and re-plans it as the pattern the user picks", async () => {
    const { caller } = await ownerOfNewTenant();
    const proposal = await caller.autonomy.propose({ task: HAIKU_TASK });
    expect(proposal.pattern).toBe("evaluator-optimizer");
    expect(proposal.servers).toEqual([]);
    expect(proposal.document.nodes.map((n) => n.kind)).toEqual([
      "input",
      "evaluator-optimizer",
      "output",
    ]);

    const parallel = await caller.autonomy.propose({ task: CSV_TASK, pattern: "parallel" });
    expect(parallel.pattern).toBe("parallel");
    expect(parallel.reasons[0]).toBe("parallel: chosen by the user");
    expect(parallel.document.nodes.some((n) => n.kind === "parallel")).toBe(true);
    expect(compileWorkflow(parallel.document).ok).toBe(true);
  });

  it("refuses a task too short to plan, on the task field", async () => {
    const { caller } = await ownerOfNewTenant();
    const error = await expectTrpcError(caller.autonomy.propose({ task: "  a " }), "BAD_REQUEST");
    expect(
      (error.cause as { flatten?: () => { fieldErrors: Record<string, string[]> } }).flatten?.()
        .fieldErrors.task?.[0],
    ).toMatch(/at least 3/);
  });

  it("uses a tenant's imported catalog entries for that tenant only", async () => {
    const { caller: a } = await ownerOfNewTenant();
    const { caller: b } = await ownerOfNewTenant();
    // Planned before the import too: the tenant's cached index must notice the new entry.
    expect((await b.autonomy.propose({ task: JIRA_TASK })).servers).toEqual([]);
    const jira = {
      name: "com.example/server-jira",
      title: "Jira",
      description: "Create and search Jira issues",
      version: "1.0.0",
    };
    await b.mcp.importEntries({ kind: "server-json", text: JSON.stringify(jira) });

    const forB = await b.autonomy.propose({ task: JIRA_TASK });
    expect(forB.servers.map((s) => s.shortName)).toEqual(["jira"]);
    expect(forB.servers[0]?.catalogEntryId).toBe(await catalogEntryId(b, "Jira"));
    expect((await a.autonomy.propose({ task: JIRA_TASK })).servers).toEqual([]);
    expect((await a.autonomy.recommend({ task: JIRA_TASK })).items).toEqual([]);
  });
});

describe("autonomy.createFromProposal", () => {
  it("stores the proposed workflow named after the task, audits it, and keeps the planner's proposal to learn from", async () => {
    const { db } = database;
    const { tenant, caller } = await ownerOfNewTenant();
    const proposal = await caller.autonomy.propose({ task: CSV_TASK, pattern: "single" });

    const created = await caller.autonomy.createFromProposal({
      task: CSV_TASK,
      document: proposal.document,
    });
    expect(created.name).toBe(CSV_TASK);
    const stored = await findWorkflow(db, tenant.id, created.id);
    expect(stored).toMatchObject({
      name: CSV_TASK,
      description: CSV_TASK,
      document: proposal.document,
    });
    const opened = await caller.workflow.get({ id: created.id });
    expect(compileWorkflow(opened.document).ok).toBe(true);

    // The planner's own proposal (a chain), so choosing "single" in the dialog is an edit to learn from.
    const recorded = await findUnlearnedProposal(db, tenant.id, created.id);
    expect(recorded?.task).toBe(CSV_TASK);
    expect((recorded?.document as WorkflowDocument).description).toMatch(/as a chain workflow/);

    const [entry] = (await listAuditLogs(db, { tenantId: tenant.id, limit: 1 })).items;
    expect(entry).toMatchObject({
      action: "workflow.create",
      targetId: created.id,
      metadata: { name: CSV_TASK, fromTask: true },
    });

    const again = await caller.autonomy.createFromProposal({
      task: CSV_TASK,
      document: proposal.document,
    });
    expect(again.name).toBe(`${CSV_TASK} (copy)`);
    await expect(
      caller.autonomy.createFromProposal({
        task: CSV_TASK,
        document: proposal.document,
        name: "Events",
      }),
    ).resolves.toMatchObject({ name: "Events" });
    await expectTrpcError(
      caller.autonomy.createFromProposal({
        task: CSV_TASK,
        document: proposal.document,
        name: "Events",
      }),
      "CONFLICT",
    );
  });

  it("refuses a document that is not a workflow, saying where", async () => {
    const { caller } = await ownerOfNewTenant();
    const error = await expectTrpcError(
      caller.autonomy.createFromProposal({
        task: CSV_TASK,
        document: { version: 2, nodes: [{ id: "1bad", kind: "input" }] },
      }),
      "BAD_REQUEST",
    );
    expect(error.message).toMatch(/proposed workflow is invalid at nodes\.0\.id/);
  });

  it("names a long task's workflow by its first words", () => {
    const long = `Every morning ${"collect the news about our competitors and ".repeat(3)}write a brief`;
    const name = nameFromTask(long);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^Every morning collect the news .*\w…$/);
  });
});

describe("autonomy.recommend", () => {
  it("ranks the entries a task needs, with reasons, and says which are installed", async () => {
    const { caller } = await ownerOfNewTenant();
    const sqliteId = await catalogEntryId(caller, "SQLite");
    await caller.mcp.install({
      catalogEntryId: sqliteId,
      name: "events-db",
      values: { "arg:database_path": join(folder(), "events.db") },
    });

    const { items, missing } = await caller.autonomy.recommend({ task: CSV_TASK });
    expect(missing).toEqual([]);
    // The two the task needs first; weaker candidates (if any) after them, scored lower.
    expect(items.slice(0, 2).map((i) => [i.shortName, i.installedAs, i.isAlternative])).toEqual([
      ["filesystem", null, false],
      ["sqlite", "events-db", false],
    ]);
    expect(items[1]?.catalogEntryId).toBe(sqliteId);
    for (const item of items.slice(2))
      expect(item.score).toBeLessThan(Math.min(items[0]?.score ?? 0, items[1]?.score ?? 0));
    for (const item of items) {
      expect(item.score).toBeGreaterThan(0);
      expect(item.score).toBeLessThanOrEqual(1);
      expect(item.reason).toMatch(/tasks like this used it|description and tools match "/);
    }
  });
});

describe("refining a proposal with the tenant's model", () => {
  /** A stand-in for a configured model (a test double: no real model runs here), answering with `reply`. */
  const fakeModel = (reply: string): LlmPort & { prompts: string[] } => {
    const prompts: string[] = [];
    return {
      prompts,
      async generate(request) {
        prompts.push(request.messages.map((m) => ("content" in m ? m.content : "")).join("\n"));
        return { text: reply, usage: { inputTokens: 10, outputTokens: 10 } };
      },
    };
  };
  const contextOf = () => makeTenantContext(database.db, "owner");

  it("takes the model's better instructions and pattern, and the result still compiles (fake model)", async () => {
    const ctx = await contextOf();
    const plain = await refineWorkflowProposal(ctx, fakeModel("not JSON at all"), {
      task: CSV_TASK,
    });
    expect(plain.refined).toBe(false);
    expect(plain.pattern).toBe("chain");

    const model = fakeModel(
      'Sure! ```json\n{"pattern": "single", "reason": "one agent with both servers is enough"}\n```',
    );
    const refined = await refineWorkflowProposal(ctx, model, { task: CSV_TASK });
    expect(model.prompts[0]).toContain(CSV_TASK);
    expect(refined.refined).toBe(true);
    expect(refined.pattern).toBe("single");
    expect(refined.reasons[0]).toBe("refined: one agent with both servers is enough");
    expect(compileWorkflow(refined.document).ok).toBe(true);
  });

  it("keeps the fast path's proposal when the model fails, and says why", async () => {
    const ctx = await contextOf();
    const failing: LlmPort = {
      async generate() {
        throw new Error("provider unreachable");
      },
    };
    const result = await refineWorkflowProposal(ctx, failing, { task: HAIKU_TASK });
    expect(result).toMatchObject({
      refined: false,
      pattern: "evaluator-optimizer",
      refinementNote: "refiner failed: provider unreachable",
    });
  });
});
