import { randomBytes } from "node:crypto";
import NextAuth from "next-auth";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transformer } from "@/components/trpc/transformer";
import { getAuthOptions } from "@/server/auth/options";
import { getAuthSecret, getEnv } from "@/server/env";
import { listAuditLogsOfActor } from "@/server/repositories/audit";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { useAppGlobals } from "@/server/testing/app-globals";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser, TEST_PASSWORD } from "@/server/testing/factories";
import { POST as authPost } from "./route";
import { GET as trpcGet, POST as trpcPost } from "../../trpc/[trpc]/route";
import { proxy } from "@/proxy";

/**
 * Sessions end when they should (issue 16, defect 5) and cookie-authenticated changes must come
 * from the app's own pages (defect 13). Sign-in and sign-out go through next-auth's own handler
 * (its CSRF token, credentials callback and signOut event), the cookie it sets is replayed against
 * the tRPC route handler and proxy.ts exactly as a browser (or a thief) would send it.
 */
type Database = Awaited<ReturnType<typeof createTestDatabase>>;
let database: Database;
let system: RunSystem;
beforeAll(async () => {
  database = await createTestDatabase();
  system = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `sessions-${randomBytes(4).toString("hex")}`,
  });
  useAppGlobals(database, system);
});
afterAll(async () => {
  await system?.close();
  await database?.close();
});

const APP = "http://localhost:3000";
const SESSION_COOKIE = "next-auth.session-token";

/** A browser's cookie jar for next-auth's handler and our route handlers. */
class Browser {
  readonly cookies = new Map<string, string>();
  /** A random address per browser: failed sign-ins count per client, on a Redis shared with other runs. */
  constructor(readonly ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`) {}

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /**
   * One call of next-auth's own handler, as from the app's page: its API-route form, which runs the
   * same core as app/api/auth/[...nextauth] without Next's request scope (that route's Origin check
   * has its own test below).
   */
  async auth(
    method: "GET" | "POST",
    action: string,
    providerId?: string,
    body?: Record<string, string>,
  ) {
    const headers: Record<string, string | string[]> = {};
    let answer: unknown;
    const res = {
      status: () => res,
      setHeader: (name: string, value: string | string[]) =>
        void (headers[name.toLowerCase()] = value),
      getHeader: (name: string) => headers[name.toLowerCase()],
      json: (value: unknown) => void (answer = value),
      send: (value: unknown) => void (answer = value),
      end: () => undefined,
    };
    const req = {
      method,
      query: { nextauth: providerId ? [action, providerId] : [action] },
      body: { ...body, json: "true" },
      cookies: Object.fromEntries(this.cookies),
      headers: {
        host: "localhost:3000",
        origin: APP,
        "x-forwarded-for": this.ip,
        "content-type": "application/x-www-form-urlencoded",
      },
    };
    await (NextAuth as unknown as (req: unknown, res: unknown, options: unknown) => Promise<void>)(
      req,
      res,
      getAuthOptions(),
    );
    const setCookies = headers["set-cookie"] ?? [];
    for (const line of Array.isArray(setCookies) ? setCookies : [setCookies]) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = decodeURIComponent(pair.slice(at + 1));
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return answer;
  }

  async csrfToken(): Promise<string> {
    return ((await this.auth("GET", "csrf")) as { csrfToken: string }).csrfToken;
  }

  async signIn(email: string, password = TEST_PASSWORD): Promise<string> {
    const csrfToken = await this.csrfToken();
    await this.auth("POST", "callback", "credentials", { csrfToken, email, password });
    const cookie = this.cookies.get(SESSION_COOKIE);
    expect(cookie, "next-auth set a session cookie").toBeTruthy();
    return cookie!;
  }

  async signOut(): Promise<void> {
    await this.auth("POST", "signout", undefined, { csrfToken: await this.csrfToken() });
    expect(this.cookies.has(SESSION_COOKIE)).toBe(false);
  }
}

interface TrpcAnswer {
  status: number;
  data?: unknown;
  error?: { message: string; data: { code: string } };
}

/** A tRPC call with a session cookie, from the app's own page unless `headers` say otherwise. */
async function trpc(
  cookie: string,
  type: "query" | "mutation",
  path: string,
  input?: unknown,
  headers: Record<string, string> = { origin: APP },
): Promise<TrpcAnswer> {
  const payload = encodeURIComponent(JSON.stringify(transformer.serialize(input)));
  const common = {
    host: "localhost:3000",
    cookie: `${SESSION_COOKIE}=${cookie}`,
    "content-type": "application/json",
    ...headers,
  };
  const response =
    type === "query"
      ? await trpcGet(new Request(`${APP}/api/trpc/${path}?input=${payload}`, { headers: common }))
      : await trpcPost(
          new Request(`${APP}/api/trpc/${path}`, {
            method: "POST",
            headers: common,
            body: JSON.stringify(transformer.serialize(input)),
          }),
        );
  const json = (await response.json()) as {
    result?: { data: never };
    error?: { json: TrpcAnswer["error"] };
  };
  return {
    status: response.status,
    data: json.result ? transformer.deserialize(json.result.data) : undefined,
    error: json.error?.json,
  };
}

/** What proxy.ts answers a page request with this cookie: where it sends the browser, and whether it deletes the cookie. */
async function openPage(cookie: string, path = "/workflows") {
  const response = await proxy(
    new NextRequest(`${APP}${path}`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } }),
  );
  const location = response.headers.get("location");
  return {
    redirectedTo: location ? new URL(location).pathname : null,
    deletesCookie: response.cookies
      .getAll()
      .some((c) => c.name === SESSION_COOKIE && c.value === "" && c.maxAge === 0),
  };
}

async function member(role: "owner" | "admin" | "editor" | "viewer" = "editor") {
  const tenant = await makeTenant(database.db);
  const user = await makeUser(database.db, { memberships: [[tenant, role]] });
  return { tenant, user };
}

describe("a session ends when the user ends it", () => {
  it("a cookie replayed after sign-out is refused: 401 from tRPC, the sign-in page for pages, and the cookie is deleted", async () => {
    const { user } = await member();
    const browser = new Browser();
    const cookie = await browser.signIn(user.email);

    expect((await trpc(cookie, "query", "session.me")).status).toBe(200);
    expect(await openPage(cookie)).toEqual({ redirectedTo: null, deletesCookie: false });
    expect(await openPage(cookie, "/signin")).toMatchObject({ redirectedTo: "/workflows" });

    await browser.signOut();

    const replayed = await trpc(cookie, "query", "session.me");
    expect(replayed.status).toBe(401);
    expect(replayed.error?.data.code).toBe("UNAUTHORIZED");
    expect(
      (await trpc(cookie, "mutation", "workflow.create", { name: "After sign-out" })).status,
    ).toBe(401);
    expect(await openPage(cookie)).toEqual({ redirectedTo: "/signin", deletesCookie: true });
    // The sign-in page shows its form instead of sending the stale cookie round in a loop.
    expect(await openPage(cookie, "/signin")).toEqual({ redirectedTo: null, deletesCookie: true });
    expect((await listAuditLogsOfActor(database.db, user.email))[0]).toMatchObject({
      action: "auth.signout",
      actorUserId: user.id,
    });
  });

  it("signing out ends that session only: the same user's other browser goes on", async () => {
    const { user } = await member();
    const laptop = new Browser();
    const phone = new Browser();
    const laptopCookie = await laptop.signIn(user.email);
    const phoneCookie = await phone.signIn(user.email);
    await laptop.signOut();
    expect((await trpc(laptopCookie, "query", "session.me")).status).toBe(401);
    expect((await trpc(phoneCookie, "query", "session.me")).status).toBe(200);
  });

  it("'sign out everywhere' ends every session of that user, and nobody else's", async () => {
    const { user, tenant } = await member();
    const colleague = await makeUser(database.db, { memberships: [[tenant, "editor"]] });
    const here = await new Browser().signIn(user.email);
    const there = await new Browser().signIn(user.email);
    const theirs = await new Browser().signIn(colleague.email);

    const answer = await trpc(here, "mutation", "session.signOutEverywhere");
    expect(answer).toMatchObject({ status: 200, data: { ended: 2 } });
    for (const cookie of [here, there]) {
      expect((await trpc(cookie, "query", "session.me")).status).toBe(401);
      expect((await openPage(cookie)).redirectedTo).toBe("/signin");
    }
    expect((await trpc(theirs, "query", "session.me")).status).toBe(200);
    expect((await listAuditLogsOfActor(database.db, user.email))[0]).toMatchObject({
      action: "auth.signout_everywhere",
      metadata: { ended: 2 },
    });
  });

  it("a password change ends the user's other sessions, keeps the one it was made in, and the new password signs in", async () => {
    const { user } = await member();
    const here = await new Browser().signIn(user.email);
    const stolen = await new Browser().signIn(user.email);
    const newPassword = "a much longer new password";

    const wrong = await trpc(here, "mutation", "session.changePassword", {
      currentPassword: "not it",
      newPassword,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.error?.message).toBe("That is not your current password.");
    expect((await trpc(stolen, "query", "session.me")).status).toBe(200);

    const changed = await trpc(here, "mutation", "session.changePassword", {
      currentPassword: TEST_PASSWORD,
      newPassword,
    });
    expect(changed).toMatchObject({ status: 200, data: { endedSessions: 1 } });
    expect((await trpc(here, "query", "session.me")).status).toBe(200);
    expect((await trpc(stolen, "query", "session.me")).status).toBe(401);

    const again = new Browser();
    await again.auth("POST", "callback", "credentials", {
      csrfToken: await again.csrfToken(),
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(again.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(
      (await trpc(await new Browser().signIn(user.email, newPassword), "query", "session.me"))
        .status,
    ).toBe(200);
  });

  it("a removed member can no longer act in that tenant with the session they had", async () => {
    const { user: admin, tenant } = await member("admin");
    const removed = await makeUser(database.db, { memberships: [[tenant, "editor"]] });
    const cookie = await new Browser().signIn(removed.email);
    expect(
      (await trpc(cookie, "mutation", "workflow.create", { name: "Before removal" })).status,
    ).toBe(200);

    await (await callerFor(database.db, admin, tenant)).member.remove({ userId: removed.id });

    const create = await trpc(cookie, "mutation", "workflow.create", { name: "After removal" });
    expect(create.status).toBe(403);
    expect(create.error?.message).toContain("You do not belong to any tenant");
    expect((await trpc(cookie, "query", "workflow.list", {})).status).toBe(403);
  });

  it("a cookie that names no session (made before sessions were kept) is signed out", async () => {
    const { user, tenant } = await member();
    const old = await encode({
      token: { sub: user.id, email: user.email, tenantId: tenant.id },
      secret: getAuthSecret(),
    });
    expect((await trpc(old, "query", "session.me")).status).toBe(401);
    expect((await openPage(old)).redirectedTo).toBe("/signin");
    const forged = await encode({
      token: { sub: user.id, email: user.email, tenantId: tenant.id, sid: "not-a-uuid" },
      secret: getAuthSecret(),
    });
    expect((await trpc(forged, "query", "session.me")).status).toBe(401);
  });
});

describe("changes with the session cookie must come from the app's own pages", () => {
  const FOREIGN = { origin: "https://evil.example" };

  it("refuses a change from another site with 403 and a clear message, and changes nothing", async () => {
    const { user } = await member();
    const cookie = await new Browser().signIn(user.email);
    const name = `Cross-site ${randomBytes(3).toString("hex")}`;

    const refused = await trpc(cookie, "mutation", "workflow.create", { name }, FOREIGN);
    expect(refused.status).toBe(403);
    expect(refused.error?.message).toMatch(/did not come from this app's own pages/);
    const viaReferer = await trpc(
      cookie,
      "mutation",
      "workflow.create",
      { name },
      { referer: "https://evil.example/page" },
    );
    expect(viaReferer.status).toBe(403);
    const neither = await trpc(cookie, "mutation", "workflow.create", { name }, {});
    expect(neither.status).toBe(403);
    const lookalike = await trpc(
      cookie,
      "mutation",
      "workflow.create",
      { name },
      { origin: "http://localhost:3000.evil.example" },
    );
    expect(lookalike.status).toBe(403);

    const list = await trpc(cookie, "query", "workflow.list", { search: name });
    expect((list.data as { items: unknown[] }).items).toEqual([]);
  });

  it("lets the app's own requests through: its Origin, its Referer, reads from anywhere", async () => {
    const { user } = await member();
    const cookie = await new Browser().signIn(user.email);
    expect((await trpc(cookie, "mutation", "workflow.create", { name: "Own page" })).status).toBe(
      200,
    );
    expect(
      (
        await trpc(
          cookie,
          "mutation",
          "workflow.create",
          { name: "Own referer" },
          { referer: `${APP}/workflows` },
        )
      ).status,
    ).toBe(200);
    expect((await trpc(cookie, "query", "workflow.list", {}, FOREIGN)).status).toBe(200);
  });

  it("an API token is not a cookie: its changes need no Origin", async () => {
    const { user, tenant } = await member("owner");
    const { secret } = await (
      await callerFor(database.db, user, tenant)
    ).token.create({ name: "ci", scopes: ["workflows:write"], expiry: { in: "never" } });
    const response = await trpcPost(
      new Request(`${APP}/api/trpc/workflow.create`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${secret}`,
          "content-type": "application/json",
          ...FOREIGN,
        },
        body: JSON.stringify(transformer.serialize({ name: "From CI" })),
      }),
    );
    expect(response.status).toBe(200);
  });

  it("refuses sign-in and sign-out posted from another site (the route's check, before next-auth)", async () => {
    const { user } = await member();
    const context = { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) };
    const signIn = await authPost(
      new Request(`${APP}/api/auth/callback/credentials`, {
        method: "POST",
        headers: {
          host: "localhost:3000",
          "content-type": "application/x-www-form-urlencoded",
          ...FOREIGN,
        },
        body: new URLSearchParams({ email: user.email, password: TEST_PASSWORD }).toString(),
      }),
      context,
    );
    expect(signIn.status).toBe(403);
    expect(((await signIn.json()) as { error: string }).error).toMatch(
      /did not come from this app's own pages/,
    );
    const signOut = await authPost(
      new Request(`${APP}/api/auth/signout`, {
        method: "POST",
        headers: { host: "localhost:3000", ...FOREIGN },
      }),
      {
        params: Promise.resolve({ nextauth: ["signout"] }),
      },
    );
    expect(signOut.status).toBe(403);
  });
});
