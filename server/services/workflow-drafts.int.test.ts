import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { listAuditLogs } from "@/server/repositories/audit";
import { insertVersion } from "@/server/repositories/workflow-versions";
import { findWorkflow } from "@/server/repositories/workflows";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, expectTrpcError, makeUser, makeMemberCaller } from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const editorOfNewTenant = () => makeMemberCaller(database.db);

const echo = (prompt: string) =>
  makeWorkflow({
    nodes: [
      makeNode("input", "in"),
      makeNode("transform", "say", { template: { said: prompt } }),
      makeNode("output", "out"),
    ],
    edges: chain("in", "say", "out"),
  });

describe("workflow.saveDraft", () => {
  it("stores the document through the allowlist, bumps the version and audits counts only", async () => {
    const { db } = database;
    const { tenant, caller } = await editorOfNewTenant();
    const workflow = await caller.workflow.create({ name: "Echo" });
    const withViewState = {
      ...echo("hi"),
      viewport: { zoom: 2 },
      nodes: echo("hi").nodes.map((n) => ({ ...n, selected: true, dragging: false })),
    };

    const saved = await caller.workflow.saveDraft({
      id: workflow.id,
      document: withViewState,
      baseVersion: 1,
    });
    expect(saved).toEqual({ version: 2, updatedAt: expect.any(Date) });
    const stored = await findWorkflow(db, tenant.id, workflow.id);
    expect(stored?.document).toEqual(echo("hi"));
    expect(JSON.stringify(stored?.document)).not.toMatch(/selected|viewport|dragging/);
    await expect(caller.workflow.get({ id: workflow.id })).resolves.toMatchObject({
      version: 2,
      document: echo("hi"),
    });

    const again = await caller.workflow.saveDraft({
      id: workflow.id,
      document: echo("hello"),
      baseVersion: saved.version,
    });
    expect(again.version).toBe(3);
    const [entry] = (await listAuditLogs(db, { tenantId: tenant.id, limit: 1 })).items;
    expect(entry).toMatchObject({
      action: "workflow.save",
      targetId: workflow.id,
      metadata: { version: 3, nodes: 3, edges: 2 },
    });
  });

  it("refuses a save on a stale base version with CONFLICT, and the other save is kept", async () => {
    const { db } = database;
    const { tenant, caller } = await editorOfNewTenant();
    const workflow = await caller.workflow.create({ name: "Two tabs" });
    await caller.workflow.saveDraft({
      id: workflow.id,
      document: echo("from tab A"),
      baseVersion: 1,
    });

    const error = await expectTrpcError(
      caller.workflow.saveDraft({ id: workflow.id, document: echo("from tab B"), baseVersion: 1 }),
      "CONFLICT",
    );
    expect(error.message).toMatch(/changed elsewhere.*Reload/);
    const stored = await findWorkflow(db, tenant.id, workflow.id);
    expect(stored).toMatchObject({ version: 2, document: echo("from tab A") });
    const actions = (await listAuditLogs(db, { tenantId: tenant.id, limit: 10 })).items.map(
      (e) => e.action,
    );
    expect(actions).toEqual(["workflow.save", "workflow.create"]);

    // A rename is a save too: the editor takes the version it answers with.
    const renamed = await caller.workflow.rename({ id: workflow.id, name: "Two tabs (renamed)" });
    await expectTrpcError(
      caller.workflow.saveDraft({ id: workflow.id, document: echo("x"), baseVersion: 2 }),
      "CONFLICT",
    );
    await expect(
      caller.workflow.saveDraft({
        id: workflow.id,
        document: echo("x"),
        baseVersion: renamed.version,
      }),
    ).resolves.toMatchObject({ version: 4 });
  });

  it("refuses an invalid document as INVALID_INPUT naming where it is wrong, and stores nothing", async () => {
    const { db } = database;
    const { tenant, caller } = await editorOfNewTenant();
    const workflow = await caller.workflow.create({ name: "Strict" });
    const badId = { version: 2, nodes: [{ id: "9lives", kind: "llm" }], edges: [] };
    const error = await expectTrpcError(
      caller.workflow.saveDraft({ id: workflow.id, document: badId, baseVersion: 1 }),
      "BAD_REQUEST",
    );
    expect(error.message).toMatch(
      /The workflow document is invalid at nodes\.0\.id: Node ids start with a letter/,
    );

    const badKind = await expectTrpcError(
      caller.workflow.saveDraft({
        id: workflow.id,
        document: { version: 2, nodes: [{ id: "a", kind: "teleport" }] },
        baseVersion: 1,
      }),
      "BAD_REQUEST",
    );
    expect(badKind.message).toMatch(/nodes\.0\.kind/);
    // An old version is not what the editor holds: it is refused rather than silently migrated.
    await expectTrpcError(
      caller.workflow.saveDraft({ id: workflow.id, document: { nodes: [] }, baseVersion: 1 }),
      "BAD_REQUEST",
    );
    await expectTrpcError(
      caller.workflow.saveDraft({ id: workflow.id, document: echo("x"), baseVersion: 0 }),
      "BAD_REQUEST",
    );
    expect(await findWorkflow(db, tenant.id, workflow.id)).toMatchObject({
      version: 1,
      document: {},
    });
  });

  it("refuses a document over 5 MB, saying how large it is", async () => {
    const { caller } = await editorOfNewTenant();
    const workflow = await caller.workflow.create({ name: "Huge" });
    // Over the 5 MB a draft may have, under the 6 MiB any request may carry (server/input-guards.ts).
    const huge = makeWorkflow({
      nodes: [makeNode("transform", "blob", { template: "x".repeat(5.5 * 1024 * 1024) })],
    });
    const error = await expectTrpcError(
      caller.workflow.saveDraft({ id: workflow.id, document: huge, baseVersion: 1 }),
      "BAD_REQUEST",
    );
    expect(error.message).toBe("The workflow document is 5.5 MB; at most 5.0 MB can be saved.");
  });

  it("cannot save another tenant's workflow (NOT_FOUND), nor as a viewer (FORBIDDEN)", async () => {
    const { db } = database;
    const { tenant: a, caller: asA } = await editorOfNewTenant();
    const { caller: asB } = await editorOfNewTenant();
    const workflow = await asA.workflow.create({ name: "A's" });
    await expectTrpcError(
      asB.workflow.saveDraft({ id: workflow.id, document: echo("stolen"), baseVersion: 1 }),
      "NOT_FOUND",
    );
    const viewer = await makeUser(db, { memberships: [[a, "viewer"]] });
    await expectTrpcError(
      (await callerFor(db, viewer, a)).workflow.saveDraft({
        id: workflow.id,
        document: echo("v"),
        baseVersion: 1,
      }),
      "FORBIDDEN",
    );
    expect(await findWorkflow(db, a.id, workflow.id)).toMatchObject({ version: 1, document: {} });
  });
});

describe("published versions", () => {
  it("pages through published versions newest first, with their notes and authors; draft-run snapshots are left out", async () => {
    const { db } = database;
    const { tenant, user, caller } = await editorOfNewTenant();
    const workflow = await caller.workflow.create({ name: "Versioned" });
    let base = 1;
    for (let i = 1; i <= 5; i++) {
      base = (
        await caller.workflow.saveDraft({
          id: workflow.id,
          document: echo(`v${i}`),
          baseVersion: base,
        })
      ).version;
      await caller.workflow.publish({ workflowId: workflow.id, note: `note ${i}` });
    }
    const snapshot = {
      tenantId: tenant.id,
      workflowId: workflow.id,
      isDraft: true,
      document: echo("draft"),
      plan: {},
      createdBy: user.id,
    };
    const draftRun = await insertVersion(db, snapshot);

    const seen: { version: number; note: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.workflow.versions>> =
        await caller.workflow.versions({ workflowId: workflow.id, limit: 2, cursor });
      seen.push(...page.items.map(({ version, note }) => ({ version, note })));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([5, 4, 3, 2, 1].map((n) => ({ version: n, note: `note ${n}` })));
    expect((await caller.workflow.get({ id: workflow.id })).latestVersion?.version).toBe(5);
    // What a draft run ran stays readable by the version id its run names.
    await expect(caller.workflow.version({ id: draftRun.id })).resolves.toMatchObject({
      version: null,
      document: echo("draft"),
    });

    const [latest] = (await caller.workflow.versions({ workflowId: workflow.id })).items;
    expect(latest).toMatchObject({
      version: 5,
      createdBy: user.id,
      createdByName: user.name,
      workflowId: workflow.id,
    });
    const detail = await caller.workflow.version({ id: latest!.id });
    expect(detail).toMatchObject({
      version: 5,
      note: "note 5",
      createdByName: user.name,
      document: echo("v5"),
    });
    expect(detail).not.toHaveProperty("plan");

    // Another tenant's versions are not found.
    const { caller: outsider } = await editorOfNewTenant();
    await expectTrpcError(outsider.workflow.version({ id: latest!.id }), "NOT_FOUND");
    await expectTrpcError(outsider.workflow.versions({ workflowId: workflow.id }), "NOT_FOUND");
  });

  it("restores a version as the draft under the same lost-update guard, audited", async () => {
    const { db } = database;
    const { tenant, caller } = await editorOfNewTenant();
    const workflow = await caller.workflow.create({ name: "Restorable" });
    const saved = await caller.workflow.saveDraft({
      id: workflow.id,
      document: echo("good"),
      baseVersion: 1,
    });
    const published = await caller.workflow.publish({ workflowId: workflow.id });
    const broken = await caller.workflow.saveDraft({
      id: workflow.id,
      document: echo("broken"),
      baseVersion: saved.version,
    });

    await expectTrpcError(
      caller.workflow.restore({
        workflowId: workflow.id,
        versionId: published.id,
        baseVersion: saved.version,
      }),
      "CONFLICT",
    );
    const restored = await caller.workflow.restore({
      workflowId: workflow.id,
      versionId: published.id,
      baseVersion: broken.version,
    });
    expect(restored).toEqual({
      version: broken.version + 1,
      updatedAt: expect.any(Date),
      document: echo("good"),
    });
    expect(await findWorkflow(db, tenant.id, workflow.id)).toMatchObject({
      version: restored.version,
      document: echo("good"),
    });
    const [entry] = (await listAuditLogs(db, { tenantId: tenant.id, limit: 1 })).items;
    expect(entry).toMatchObject({
      action: "workflow.restore",
      targetId: workflow.id,
      metadata: { restoredVersion: 1, versionId: published.id },
    });

    // The version must belong to the workflow named, in the caller's tenant.
    const other = await caller.workflow.create({ name: "Other" });
    await expectTrpcError(
      caller.workflow.restore({ workflowId: other.id, versionId: published.id, baseVersion: 1 }),
      "NOT_FOUND",
    );
    const { caller: outsider } = await editorOfNewTenant();
    await expectTrpcError(
      outsider.workflow.restore({
        workflowId: workflow.id,
        versionId: published.id,
        baseVersion: restored.version,
      }),
      "NOT_FOUND",
    );
    expect((await findWorkflow(db, tenant.id, other.id))?.version).toBe(1);
  });
});
