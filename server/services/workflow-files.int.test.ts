import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { EXAMPLE_WORKFLOWS } from "@/engine/examples";
import { listAuditLogs } from "@/server/repositories/audit";
import { findWorkflow } from "@/server/repositories/workflows";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, expectTrpcError, makeUser, makeMemberCaller } from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const editorOfNewTenant = () => makeMemberCaller(database.db);

describe("workflow.export and workflow.import", () => {
  it("round-trips a workflow through its file into another tenant", async () => {
    const { db } = database;
    const { caller: from } = await editorOfNewTenant();
    const { tenant, caller: to } = await editorOfNewTenant();
    const source = await from.workflow.create({
      name: "Triage",
      description: "Sort tickets",
      template: "support-triage",
    });

    const file = await from.workflow.export({ id: source.id });
    expect(file).toEqual({
      format: "maestro.workflow",
      formatVersion: 1,
      name: "Triage",
      description: "Sort tickets",
      document: EXAMPLE_WORKFLOWS["support-triage"],
    });

    // As it would travel: serialised to a file and read back.
    const imported = await to.workflow.import({ file: JSON.parse(JSON.stringify(file)) });
    expect(imported).toMatchObject({
      name: "Triage",
      description: "Sort tickets",
      tenantId: tenant.id,
      version: 1,
    });
    expect((await findWorkflow(db, tenant.id, imported.id))?.document).toEqual(file.document);
    await expect(to.workflow.export({ id: imported.id })).resolves.toEqual(file);

    const [entry] = (await listAuditLogs(db, { tenantId: tenant.id, limit: 1 })).items;
    expect(entry).toMatchObject({
      action: "workflow.import",
      targetId: imported.id,
      metadata: { name: "Triage", nodes: file.document.nodes.length },
    });
  });

  it("keeps a free file name, copies a taken one, and refuses a taken chosen name", async () => {
    const { caller } = await editorOfNewTenant();
    const source = await caller.workflow.create({ name: "Brief", template: "research-brief" });
    const file = await caller.workflow.export({ id: source.id });

    await expect(caller.workflow.import({ file })).resolves.toMatchObject({ name: "Brief (copy)" });
    await expect(caller.workflow.import({ file })).resolves.toMatchObject({
      name: "Brief (copy 2)",
    });
    await expect(caller.workflow.import({ file, name: "Imported brief" })).resolves.toMatchObject({
      name: "Imported brief",
    });
    await expectTrpcError(caller.workflow.import({ file, name: "Brief" }), "CONFLICT");
  });

  it("imports a bare document of an old version, migrated, named after the document", async () => {
    const { db } = database;
    const { tenant, caller } = await editorOfNewTenant();
    const v1 = {
      name: "Legacy",
      nodes: [{ id: "ask", type: "prompt", data: { template: "Hi" } }],
      connections: [],
    };
    const imported = await caller.workflow.import({ file: v1 });
    expect(imported.name).toBe("Legacy");
    expect((await findWorkflow(db, tenant.id, imported.id))?.document).toEqual({
      version: 2,
      name: "Legacy",
      nodes: [{ id: "ask", kind: "llm", config: { prompt: "Hi" } }],
      edges: [],
    });
  });

  it("refuses a file that is not a workflow, saying why, and creates nothing", async () => {
    const { db } = database;
    const { tenant, caller } = await editorOfNewTenant();
    const other = await expectTrpcError(
      caller.workflow.import({ file: { format: "n8n.workflow", formatVersion: 1 } }),
      "BAD_REQUEST",
    );
    expect(other.message).toContain('its format is "n8n.workflow"');
    const future = await expectTrpcError(
      caller.workflow.import({
        file: { format: "maestro.workflow", formatVersion: 3, document: {} },
      }),
      "BAD_REQUEST",
    );
    expect(future.message).toContain("format version 3");
    const broken = {
      format: "maestro.workflow",
      formatVersion: 1,
      name: "x",
      document: { version: 2, nodes: [{ id: "a", kind: "nope" }] },
    };
    expect(
      (await expectTrpcError(caller.workflow.import({ file: broken }), "BAD_REQUEST")).message,
    ).toMatch(/nodes\.0\.kind/);
    const huge = {
      version: 2,
      nodes: [{ id: "t", kind: "transform", config: { template: "x".repeat(5.5 * 1024 * 1024) } }],
    };
    expect(
      (await expectTrpcError(caller.workflow.import({ file: huge }), "BAD_REQUEST")).message,
    ).toMatch(/workflow file is 5\.5 MB/);
    expect((await caller.workflow.list({})).items).toEqual([]);
    expect((await listAuditLogs(db, { tenantId: tenant.id, limit: 10 })).items).toEqual([]);
  });

  it("exports only the caller's tenant's workflows, and a viewer may export but not import", async () => {
    const { db } = database;
    const { tenant, caller } = await editorOfNewTenant();
    const { caller: outsider } = await editorOfNewTenant();
    const workflow = await caller.workflow.create({ name: "Ours" });
    await expectTrpcError(outsider.workflow.export({ id: workflow.id }), "NOT_FOUND");

    const viewer = await callerFor(
      db,
      await makeUser(db, { memberships: [[tenant, "viewer"]] }),
      tenant,
    );
    const file = await viewer.workflow.export({ id: workflow.id });
    expect(file.document).toEqual({ version: 2, nodes: [], edges: [] });
    await expectTrpcError(viewer.workflow.import({ file }), "FORBIDDEN");
  });
});
