import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
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
  it("answers a repeated query as the first time, also after its table changes shape (statements are prepared once)", async () => {
    const database = await openDatabase({ dataDir: null });
    opened.push(database);
    const { db } = database;
    await db.execute(sql`create table probe (id int primary key, name text)`);
    await db.execute(sql`insert into probe values (1, 'a'), (2, null)`);
    type Rows = { rows: Record<string, unknown>[] };
    const read = async (id: number) =>
      (await db.execute(sql`select * from probe where id = ${id}`)) as unknown as Rows;
    for (let i = 0; i < 8; i++) {
      // Past the fifth execution PostgreSQL may switch the kept statement to its generic plan.
      expect((await read(1)).rows).toEqual([{ id: 1, name: "a" }]);
      expect((await read(2)).rows).toEqual([{ id: 2, name: null }]);
    }
    await db.execute(sql`alter table probe add column note text default 'new'`);
    expect((await read(1)).rows).toEqual([{ id: 1, name: "a", note: "new" }]);
    // Inside a transaction the statement is kept again and works as well.
    await db.transaction(async (tx) => {
      const { rows } = (await tx.execute(
        sql`select * from probe where id = ${2}`,
      )) as unknown as Rows;
      const [row] = rows;
      expect(row).toEqual({ id: 2, name: null, note: "new" });
    });
    // A refused statement leaves the next ones working.
    await expect(db.execute(sql`select * from probe where id = ${"x"}`)).rejects.toThrow();
    expect((await read(1)).rows).toHaveLength(1);
  });

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

  it("takes over a lock whose process was killed but not yet reaped (a zombie, as a kill -9 leaves it for a moment)", async () => {
    const dataDir = tempDataDir();
    const { mkdirSync, readFileSync, writeFileSync } = await import("node:fs");
    const { spawn } = await import("node:child_process");
    // `sleep 1` ends after its shell became `sleep 30` (exec), which never reaps it: a zombie until
    // sleep 30 ends. (Ending at once, the shell itself could reap it before the exec.)
    const parent = spawn("sh", ["-c", "sleep 1 & echo $!; exec sleep 30"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    try {
      const zombie = Number(
        await new Promise<string>((resolve) =>
          parent.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim())),
        ),
      );
      await expect
        .poll(() => readFileSync(`/proc/${zombie}/stat`, "utf8").split(") ")[1]?.[0], {
          timeout: 10_000,
        })
        .toBe("Z");
      expect(() => process.kill(zombie, 0)).not.toThrow(); // it still answers signal 0
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(`${dataDir}.lock`, String(zombie));
      const database = await openDatabase({ dataDir });
      opened.push(database);
      expect(await database.ping()).toBe(true);
    } finally {
      parent.kill("SIGKILL");
    }
  });
});
