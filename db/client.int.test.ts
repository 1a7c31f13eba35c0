import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tenants } from "./schema";
import { openDatabase, type Database } from "./client";
import { DatabaseLockedError } from "./lock";

const opened: Database[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDataDir() {
  const dir = mkdtempSync(join(tmpdir(), "maestro-db-"));
  dirs.push(dir);
  return join(dir, "nested", "pglite");
}

describe("the embedded database (PGlite)", () => {
  it("creates missing folders, migrates, and keeps data across reopening", async () => {
    const dataDir = tempDataDir();
    const first = await openDatabase({ dataDir });
    await first.db.insert(tenants).values({ slug: "kept", name: "Kept" });
    await first.close();

    const second = await openDatabase({ dataDir });
    opened.push(second);
    expect(await second.ping()).toBe(true);
    expect((await second.db.select().from(tenants)).map((t) => t.slug)).toEqual(["kept"]);
  });

  it("refuses a second opener of the same folder with a message that says what to do", async () => {
    const dataDir = tempDataDir();
    opened.push(await openDatabase({ dataDir }));
    // Same process, so simulate another live process holding the lock: our parent's pid.
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${dataDir}.lock`, String(process.ppid));
    const attempt = openDatabase({ dataDir });
    await expect(attempt).rejects.toBeInstanceOf(DatabaseLockedError);
    await expect(attempt).rejects.toThrow(/already open in process \d+.*DATABASE_URL/);
  });

  it("takes over a lock left behind by a process that is gone", async () => {
    const dataDir = tempDataDir();
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(`${dataDir}.lock`, "2147483646"); // no such process
    const database = await openDatabase({ dataDir });
    opened.push(database);
    expect(await database.ping()).toBe(true);
  });
});
