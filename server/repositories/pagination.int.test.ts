import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { workflows } from "@/db/schema";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant } from "@/server/testing/factories";
import { listWorkflows } from "./workflows";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe("keyset paging", () => {
  it("pages through rows written within one millisecond without skipping or repeating any (the database keeps microseconds)", async () => {
    const tenant = await makeTenant(database.db);
    const document = { version: 2, name: "x", nodes: [], edges: [] };
    // Seven rows in the same millisecond, a few microseconds apart, plus one a second later.
    const times = ["000100", "000200", "000300", "000300", "000450", "000500", "000900"].map(
      (us) => `2026-01-01 10:00:00.${us}+00`,
    );
    times.push("2026-01-01 10:00:01.000000+00");
    for (const [i, at] of times.entries()) {
      await database.db.insert(workflows).values({
        tenantId: tenant.id,
        name: `Flow ${i}`,
        description: "",
        document,
        createdAt: sql`${at}::timestamptz`,
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listWorkflows(database.db, { tenantId: tenant.id, cursor, limit: 2 });
      seen.push(...page.items.map((w) => w.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(times.length);
    expect(new Set(seen).size).toBe(times.length);
    expect(seen[0]).toBe("Flow 7"); // newest first
  });
});
