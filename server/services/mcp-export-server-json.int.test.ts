import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { mcpCatalogEntries } from "@/db/schema";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser } from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe("exporting an installed server as server.json", () => {
  it("answers a stored entry that is no longer a valid server.json with a 409 saying what is wrong, not a 500", async () => {
    const tenant = await makeTenant(database.db);
    const admin = await makeUser(database.db, { memberships: [[tenant, "admin"]] });
    const asAdmin = await callerFor(database.db, admin, tenant);
    const imported = await asAdmin.mcp.importEntries({
      kind: "mcp-servers",
      text: JSON.stringify({ mcpServers: { remote: { url: "https://mcp.example.com/mcp" } } }),
    });
    const entryId = imported.imported[0]!.id;
    const installed = await asAdmin.mcp.install({
      catalogEntryId: entryId,
      name: "remote",
      values: {},
    });

    const good = await asAdmin.mcp.exportServerJson({ id: installed.id });
    expect(good.serverJson.remotes?.[0]?.url).toBe("https://mcp.example.com/mcp");

    // An entry stored before a schema change, or by a registry that broke it.
    await database.db
      .update(mcpCatalogEntries)
      .set({ serverJson: { ...good.serverJson, description: 42 } as never })
      .where(eq(mcpCatalogEntries.id, entryId));
    const error = await asAdmin.mcp.exportServerJson({ id: installed.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("CONFLICT");
    expect((error as TRPCError).message).toMatch(
      /remote: its catalog entry is not a valid server\.json.*description/,
    );
  });
});
