import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { EXAMPLE_WORKFLOWS } from "@/engine/examples";
import { listAuditLogs } from "@/server/repositories/audit";
import { findWorkflow, insertWorkflow } from "@/server/repositories/workflows";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, expectTrpcError, makeUser, makeMemberCaller } from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const editorOfNewTenant = () => makeMemberCaller(database.db);

describe("workflow.get: what the editor opens", () => {
  it("gives a new workflow's `{}` as an empty current document, with its save counter and no published version", async () => {
    const { caller } = await editorOfNewTenant();
    const created = await caller.workflow.create({ name: "Blank" });
    await expect(caller.workflow.get({ id: created.id })).resolves.toMatchObject({
      name: "Blank",
      version: 1,
      document: { version: 2, nodes: [], edges: [] },
      latestVersion: null,
    });
  });

  it("migrates an old stored document and names the latest published version", async () => {
    const { db } = database;
    const { tenant, user, caller } = await editorOfNewTenant();
    const v1 = {
      name: "Old",
      nodes: [
        { id: "in", type: "input" },
        { id: "out", type: "output" },
      ],
      connections: [{ from: "in", to: "out" }],
    };
    const workflow = await insertWorkflow(db, {
      tenantId: tenant.id,
      name: "Old",
      description: "",
      document: v1,
      createdBy: user.id,
    });

    const opened = await caller.workflow.get({ id: workflow.id });
    expect(opened.document.version).toBe(2);
    expect(opened.document.edges).toEqual([
      { id: "in->out", source: "in", sourcePort: "out", target: "out", targetPort: "in" },
    ]);

    await caller.workflow.publish({ workflowId: workflow.id });
    const second = await caller.workflow.publish({ workflowId: workflow.id, note: "second" });
    expect((await caller.workflow.get({ id: workflow.id })).latestVersion).toEqual({
      id: second.id,
      version: 2,
      createdAt: second.createdAt,
    });
  });
});

describe("workflow.list", () => {
  it("names each workflow's latest published version, not the draft's save counter, and null for one never published", async () => {
    const { caller } = await editorOfNewTenant();
    const published = await caller.workflow.create({
      name: "Published twice",
      template: "customer-reply",
    });
    const draft = await caller.workflow.create({ name: "Never published" });
    await caller.workflow.publish({ workflowId: published.id });
    await caller.workflow.publish({ workflowId: published.id });
    const { document } = await caller.workflow.get({ id: published.id });
    for (let baseVersion = 1; baseVersion <= 3; baseVersion++)
      await caller.workflow.saveDraft({ id: published.id, document, baseVersion });

    const { items } = await caller.workflow.list({ limit: 10 });
    expect(items.find((w) => w.id === published.id)).toMatchObject({
      version: 4,
      publishedVersion: 2,
    });
    expect(items.find((w) => w.id === draft.id)).toMatchObject({
      version: 1,
      publishedVersion: null,
    });
  });
});

describe("templates", () => {
  it("lists one template per example, and creates a workflow from one", async () => {
    const { tenant, caller } = await editorOfNewTenant();
    const templates = await caller.workflow.templates();
    expect(templates.map((t) => t.slug)).toEqual(Object.keys(EXAMPLE_WORKFLOWS));
    expect(templates[0]).toEqual({
      slug: "research-brief",
      name: "Research a topic and write a brief",
      description: EXAMPLE_WORKFLOWS["research-brief"].description,
      nodeCount: 5,
    });

    const created = await caller.workflow.create({ name: "My triage", template: "support-triage" });
    expect(created.description).toBe(EXAMPLE_WORKFLOWS["support-triage"].description);
    expect((await caller.workflow.get({ id: created.id })).document).toEqual(
      EXAMPLE_WORKFLOWS["support-triage"],
    );
    const [entry] = (await listAuditLogs(database.db, { tenantId: tenant.id, limit: 1 })).items;
    expect(entry).toMatchObject({
      action: "workflow.create",
      metadata: { name: "My triage", template: "support-triage" },
    });

    await expectTrpcError(
      caller.workflow.create({ name: "Nope", template: "no-such-pattern" as never }),
      "BAD_REQUEST",
    );
  });
});

describe("workflow.duplicate", () => {
  it("copies name, description and document, naming copies (copy), (copy 2)…", async () => {
    const { db } = database;
    const { tenant, caller } = await editorOfNewTenant();
    const source = await caller.workflow.create({
      name: "Brief",
      description: "Weekly",
      template: "research-brief",
    });

    const first = await caller.workflow.duplicate({ id: source.id });
    const second = await caller.workflow.duplicate({ id: source.id });
    const ofCopy = await caller.workflow.duplicate({ id: first.id });
    expect([first.name, second.name, ofCopy.name]).toEqual([
      "Brief (copy)",
      "Brief (copy 2)",
      "Brief (copy 3)",
    ]);
    expect(first).toMatchObject({ description: "Weekly", version: 1, tenantId: tenant.id });
    expect((await findWorkflow(db, tenant.id, first.id))?.document).toEqual(
      (await findWorkflow(db, tenant.id, source.id))?.document,
    );

    const named = await caller.workflow.duplicate({ id: source.id, name: "Monthly brief" });
    expect(named.name).toBe("Monthly brief");
    const taken = await expectTrpcError(
      caller.workflow.duplicate({ id: source.id, name: "Brief" }),
      "CONFLICT",
    );
    expect(taken.message).toContain('"Brief" already exists');

    const [entry] = (await listAuditLogs(db, { tenantId: tenant.id, limit: 1 })).items;
    expect(entry).toMatchObject({
      action: "workflow.duplicate",
      targetId: named.id,
      metadata: { name: "Monthly brief", from: source.id },
    });
  });

  it("cannot copy another tenant's workflow, and a viewer cannot copy at all", async () => {
    const { db } = database;
    const { caller: owner } = await editorOfNewTenant();
    const { tenant, caller: outsider } = await editorOfNewTenant();
    const source = await owner.workflow.create({ name: "Private" });
    await expectTrpcError(outsider.workflow.duplicate({ id: source.id }), "NOT_FOUND");
    await expectTrpcError(outsider.workflow.get({ id: source.id }), "NOT_FOUND");

    const viewer = await makeUser(db, { memberships: [[tenant, "viewer"]] });
    const mine = await outsider.workflow.create({ name: "Mine" });
    await expectTrpcError(
      (await callerFor(db, viewer, tenant)).workflow.duplicate({ id: mine.id }),
      "FORBIDDEN",
    );
  });
});
