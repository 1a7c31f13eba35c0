import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser } from "@/server/testing/factories";
import { McpConnection } from "./connection";
import { baseChildEnv } from "./launch";
import { SERVER_ARGS_VARIABLE } from "./launch-spec";
import { getMcpPool } from "./pool";

/** What `ps` shows of a process: its command line, readable by every user of the host. */
const commandLineOf = (pid: number) =>
  readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await getMcpPool().closeAll();
  await database?.close();
});

describe("secret arguments of stdio servers", () => {
  it("reach the PostgreSQL server through its environment, never its command line", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
    const asAdmin = await callerFor(db, admin, tenant);
    const { items } = await asAdmin.mcp.listCatalog({ search: "postgres" });
    const entry = items.find((i) => i.title === "PostgreSQL")!;
    const marker = `secret_${randomBytes(6).toString("hex")}`;
    const url = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
    url.searchParams.set("application_name", marker);
    const installed = await asAdmin.mcp.install({
      catalogEntryId: entry.id,
      name: "pg",
      values: { "arg:database_url": url.toString() },
    });

    const answer = await asAdmin.mcp.runTool({
      id: installed.id,
      tool: "query",
      args: { sql: "select current_setting('application_name') as app" },
    });
    expect(answer.isError).toBe(false);
    expect(JSON.stringify(answer.content)).toContain(marker);

    const pid = getMcpPool().diagnostics(`installation:${installed.id}`)?.pid;
    expect(pid).toBeGreaterThan(0);
    const commandLine = commandLineOf(pid!);
    expect(commandLine).toContain("server-postgres");
    expect(commandLine).not.toContain(marker);
    expect(commandLine).not.toContain(url.host);
  });

  it("reach a package npx installed, found through the PATH npx sets up", async () => {
    const secretDir = mkdtempSync(join(tmpdir(), "maestro-secret-arg-"));
    const env = baseChildEnv();
    const connection = new McpConnection(
      "files",
      {
        transport: "stdio",
        command: process.execPath,
        args: [
          join(process.cwd(), "server/mcp/argv-from-env.mjs"),
          "--package",
          "@modelcontextprotocol/server-filesystem",
        ],
        env: {
          ...env,
          PATH: [join(process.cwd(), "node_modules/.bin"), env.PATH].join(delimiter),
          [SERVER_ARGS_VARIABLE]: JSON.stringify([secretDir]),
        },
      },
      { connectTimeoutMs: 30_000 },
    );
    try {
      await connection.connect();
      const result = await connection.callTool("list_allowed_directories", {});
      expect(JSON.stringify(result.content)).toContain(secretDir);
      expect(commandLineOf(connection.pid!)).not.toContain(secretDir);
    } finally {
      await connection.close();
      rmSync(secretDir, { recursive: true, force: true });
    }
  });
});
