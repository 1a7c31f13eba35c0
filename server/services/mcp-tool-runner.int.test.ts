import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { listAuditLogs } from "@/server/repositories/audit";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, expectTrpcError, makeTenant, makeUser } from "@/server/testing/factories";

/**
 * The tool runner (mcp.listTools, mcp.runTool) against the real servers from node_modules. The
 * process's pool is made from a second copy of the MCP modules, as in the built app, where the
 * worker's bundle opens the pool that the tRPC route's bundle then uses.
 */

let database: Database;
let closePool: () => Promise<void>;
const dir = mkdtempSync(join(tmpdir(), "maestro-runner-"));
writeFileSync(join(dir, "notes.txt"), "remember the milk");

beforeAll(async () => {
  database = await createTestDatabase();
  vi.resetModules();
  const otherCopy = await import("@/server/mcp/pool");
  const pool = new otherCopy.McpPool();
  (globalThis as { mcpPool?: unknown }).mcpPool = pool;
  closePool = () => pool.closeAll();
});
afterAll(async () => {
  await closePool?.();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function setup() {
  const { db } = database;
  const tenant = await makeTenant(db);
  const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
  const asAdmin = await callerFor(db, admin, tenant);
  const install = async (
    title: string,
    name: string,
    values: Record<string, string | string[]> = {},
  ) => {
    const { items } = await asAdmin.mcp.listCatalog({ search: title, limit: 50 });
    const entry = items.find((i) => i.title === title);
    if (!entry) throw new Error(`no catalog entry ${title}`);
    return asAdmin.mcp.install({ catalogEntryId: entry.id, name, values });
  };
  const toolRuns = async () =>
    (await listAuditLogs(db, { tenantId: tenant.id, action: "tool.run", limit: 50 })).items.map(
      (e) => e.metadata,
    );
  return { asAdmin, install, toolRuns };
}

describe("the tool runner", () => {
  it("answers a tool's own error as a result to show, and audits it", async () => {
    const { asAdmin, install, toolRuns } = await setup();
    const everything = await install("Everything", "everything");
    const failed = await asAdmin.mcp.runTool({
      id: everything.id,
      tool: "gzip-file-as-resource",
      args: { data: "ftp://example.com/file.txt" },
    });
    expect(failed.isError).toBe(true);
    expect(JSON.stringify(failed.content)).toContain("Unsupported URL protocol");

    const echoed = await asAdmin.mcp.runTool({
      id: everything.id,
      tool: "echo",
      args: { message: "hello" },
    });
    expect(echoed).toMatchObject({ isError: false });
    expect(JSON.stringify(echoed.content)).toContain("hello");

    expect(await toolRuns()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tool: "gzip-file-as-resource", ok: false, code: "TOOL_ERROR" }),
        expect.objectContaining({ tool: "echo", ok: true }),
      ]),
    );
  });

  it("shows a path the filesystem server refuses as the tool's error", async () => {
    const { asAdmin, install } = await setup();
    const files = await install("Filesystem", "files", { "arg:allowed_directory": [dir] });
    const denied = await asAdmin.mcp.runTool({
      id: files.id,
      tool: "read_text_file",
      args: { path: join(tmpdir(), "elsewhere.txt") },
    });
    expect(denied.isError).toBe(true);
    expect(JSON.stringify(denied.content)).toMatch(/access denied|outside allowed/i);
    const read = await asAdmin.mcp.runTool({
      id: files.id,
      tool: "read_text_file",
      args: { path: join(dir, "notes.txt") },
    });
    expect(read.isError).toBe(false);
    expect(JSON.stringify(read.content)).toContain("remember the milk");
  });

  it("refuses an unknown tool (404) and bad arguments (400) with the reason, and audits both", async () => {
    const { asAdmin, install, toolRuns } = await setup();
    const files = await install("Filesystem", "files", { "arg:allowed_directory": [dir] });
    const unknown = await expectTrpcError(
      asAdmin.mcp.runTool({ id: files.id, tool: "no_such_tool", args: {} }),
      "NOT_FOUND",
    );
    expect(unknown.message).toMatch(/has no tool "no_such_tool".*list_directory/);
    const bad = await expectTrpcError(
      asAdmin.mcp.runTool({ id: files.id, tool: "list_directory", args: { path: 7 } }),
      "BAD_REQUEST",
    );
    expect(bad.message).toContain("do not match the tool's schema");
    expect(await toolRuns()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tool: "no_such_tool", ok: false, code: "TOOL_NOT_FOUND" }),
        expect.objectContaining({ tool: "list_directory", ok: false, code: "INVALID_ARGUMENTS" }),
      ]),
    );
  });

  it("says why a server cannot start, without a 500, when listing and when running", async () => {
    const { asAdmin, install, toolRuns } = await setup();
    const drive = await install("Google Drive", "drive", {
      "env:GDRIVE_CREDENTIALS_PATH": join(dir, "missing-credentials.json"),
    });
    const listing = await expectTrpcError(
      asAdmin.mcp.listTools({ id: drive.id }),
      "PRECONDITION_FAILED",
    );
    expect(listing.message).toMatch(/drive: .*(exited|could not)/);
    const running = await expectTrpcError(
      asAdmin.mcp.runTool({ id: drive.id, tool: "search", args: { query: "x" } }),
      "PRECONDITION_FAILED",
    );
    expect(running.message).toMatch(/drive: /);
    expect(await toolRuns()).toEqual([
      expect.objectContaining({ tool: "search", ok: false, code: "CONNECT_FAILED" }),
    ]);
  });
});
