import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { insertAuditLog } from "@/server/repositories/audit";
import { runInTransaction } from "@/db/statements";
import { upsertUsageRecords } from "@/server/repositories/usage";
import { AUDIT_CSV_COLUMNS } from "@/server/services/audit";
import { USAGE_CSV_COLUMNS } from "@/server/services/usage";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant, makeUser } from "@/server/testing/factories";
import { csvExportResponse } from "./csv-export";
import type { Identity } from "./trpc";

// The route handlers' session and database, pointed at this test's: the rest is the real path.
const session = vi.hoisted(() => ({
  identity: null as Identity | null,
  database: null as Database | null,
}));
vi.mock("./session-identity", () => ({ identifyRequest: async () => session.identity }));
vi.mock("@/server/db", () => ({ getDatabase: async () => session.database }));

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  session.database = database;
});
afterAll(() => database?.close());

/** What GET /api/usage/export does (app/api/usage/export/route.ts). */
const exportUsage = (range: { from: string; to: string }) =>
  csvExportResponse(new Request("http://app.test/api/usage/export"), {
    filename: `usage-${range.from}-to-${range.to}.csv`,
    columns: USAGE_CSV_COLUMNS,
    rows: (caller) => caller.usage.export(range),
  });

const readCsv = async (response: Response) =>
  new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());

describe("CSV exports over HTTP (session and database stubbed to the test's)", () => {
  it("streams the billing CSV, one escaped line per run, to a member with usage.view", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const owner = await makeUser(db, {
      memberships: [[tenant, "owner"]],
      email: "owner-csv@example.test",
    });
    session.identity = { userId: owner.id, tenantId: tenant.id };
    const workflowId = randomUUID();
    const runId = randomUUID();
    await runInTransaction(db, [
      upsertUsageRecords(db, [
        {
          runId,
          tenantId: tenant.id,
          workflowId,
          userId: owner.id,
          day: "2026-03-02",
          status: "completed",
          steps: 4,
          inputTokens: 1200,
          outputTokens: 300,
          costUsd: 0.0125,
          mcpCalls: 2,
        },
      ]),
    ]);

    const response = await exportUsage({ from: "2026-03-01", to: "2026-03-31" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="usage-2026-03-01-to-2026-03-31.csv"',
    );
    expect((await readCsv(response)).split("\r\n")).toEqual([
      "\uFEFFdate,run id,workflow,member e-mail,status,steps,tokens in,tokens out,cost USD,unpriced tokens,MCP calls",
      `2026-03-02,${runId},deleted workflow ${workflowId},owner-csv@example.test,completed,4,1200,300,0.012500,0,2`,
      "",
    ]);
  });

  it("answers 401 when signed out, 403 to a member without usage.view, 400 for a bad range", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
    session.identity = null;
    expect((await exportUsage({ from: "2026-03-01", to: "2026-03-31" })).status).toBe(401);
    session.identity = { userId: editor.id, tenantId: tenant.id };
    const refused = await exportUsage({ from: "2026-03-01", to: "2026-03-31" });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: expect.stringContaining("admin role") });
    const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
    session.identity = { userId: admin.id, tenantId: tenant.id };
    expect((await exportUsage({ from: "2026-03-31", to: "2026-03-01" })).status).toBe(400);
  });

  it("exports the filtered audit log with its metadata as JSON", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const admin = await makeUser(db, {
      memberships: [[tenant, "admin"]],
      email: "audit-csv@example.test",
    });
    session.identity = { userId: admin.id, tenantId: tenant.id };
    const base = { tenantId: tenant.id, actorUserId: admin.id, actorLabel: admin.email };
    await insertAuditLog(db, {
      ...base,
      action: "workflow.create",
      targetType: "workflow",
      targetId: "w1",
      metadata: { name: 'Say "hi", then go' },
      createdAt: new Date("2026-03-01T09:00:00Z"),
    });
    await insertAuditLog(db, {
      ...base,
      action: "run.start",
      targetType: "run",
      targetId: "r1",
      createdAt: new Date("2026-03-01T10:00:00Z"),
    });

    const response = await csvExportResponse(new Request("http://app.test/api/audit/export"), {
      filename: "audit.csv",
      columns: AUDIT_CSV_COLUMNS,
      rows: (caller) => caller.audit.export({ action: "workflow.create" }),
    });
    const lines = (await readCsv(response)).split("\r\n");
    expect(lines[0]).toBe(
      "\uFEFFtime (UTC),actor,actor name,action,target type,target id,metadata,ip,user agent,id",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(
      `2026-03-01T09:00:00.000Z,audit-csv@example.test,${admin.name},workflow.create,workflow,w1,"{""name"":""Say \\""hi\\"", then go""}",,,`,
    );
  });
});
