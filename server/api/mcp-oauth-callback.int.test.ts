import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import type * as OAuthRepository from "@/server/repositories/mcp-oauth";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant, makeUser } from "@/server/testing/factories";
import { handleOAuthCallback } from "./mcp-oauth-callback";
import type { Identity } from "./trpc";

// The route's session and database, pointed at this test's; a flow look-up that the database
// refuses stands for any failure of ours. The rest is the real path.
const session = vi.hoisted(() => ({
  identity: null as Identity | null,
  database: null as Database | null,
  failLookUp: false,
}));
vi.mock("./session-identity", () => ({ readSessionIdentity: async () => session.identity }));
vi.mock("@/server/db", () => ({ getDatabase: async () => session.database }));
vi.mock("@/server/repositories/mcp-oauth", async (importOriginal) => {
  const original = await importOriginal<typeof OAuthRepository>();
  return {
    ...original,
    takeFlow: (...args: Parameters<typeof original.takeFlow>) => {
      if (session.failLookUp)
        throw new Error('Failed query: delete from "mcp_oauth_flows" where "state_hash" = $1');
      return original.takeFlow(...args);
    },
  };
});

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  session.database = database;
  const tenant = await makeTenant(database.db);
  const owner = await makeUser(database.db, { memberships: [[tenant, "owner"]] });
  session.identity = { userId: owner.id, tenantId: tenant.id };
});
afterAll(() => database?.close());

const callback = (query: string) =>
  handleOAuthCallback(new Request(`http://app.test/api/mcp-oauth/callback${query}`));

describe("the OAuth callback page (session and database stubbed to the test's)", () => {
  it("says in words that a link without a usable state is no sign-in of ours", async () => {
    const response = await callback("?code=abc");
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain("not a sign-in Maestro started");
    expect(body).not.toContain("too_small");
  });

  it("says a state nobody started has expired or was used", async () => {
    const response = await callback(`?code=abc&state=${"x".repeat(43)}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("expired or was already used");
  });

  it("answers a failure of ours with a request id, never the SQL", async () => {
    session.failLookUp = true;
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const response = await callback(`?code=abc&state=${"x".repeat(43)}`);
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).toMatch(/Something went wrong \(request id [0-9a-f]{12}\)/);
      expect(body).not.toMatch(/mcp_oauth_flows|state_hash|delete from/i);
      expect(logged).toHaveBeenCalled();
    } finally {
      session.failLookUp = false;
      logged.mockRestore();
    }
  });
});
