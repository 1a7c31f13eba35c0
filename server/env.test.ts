import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("runs on embedded defaults with no variables at all", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      databaseUrl: undefined,
      redisUrl: undefined,
      seedDemo: true,
      signIn: { maxFailures: 5, lockoutSeconds: 900 },
      oauth: { github: undefined, google: undefined },
    });
    expect(env.dataDir).toMatch(/\.data$/);
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", REDIS_URL: "" }).databaseUrl).toBeUndefined();
  });

  it("does not seed demo accounts into PostgreSQL unless asked", () => {
    expect(parseEnv({ DATABASE_URL: "postgres://u@h/db" }).seedDemo).toBe(false);
    expect(parseEnv({ DATABASE_URL: "postgres://u@h/db", SEED_DEMO: "true" }).seedDemo).toBe(true);
  });

  it.each([
    ["DATABASE_URL", { DATABASE_URL: "mysql://u@h/db" }, "postgres://"],
    ["REDIS_URL", { REDIS_URL: "http://localhost:6379" }, "redis://"],
    ["NEXTAUTH_SECRET", { NEXTAUTH_SECRET: "short" }, "32 characters"],
    ["SIGNIN_MAX_FAILURES", { SIGNIN_MAX_FAILURES: "many" }, ""],
    ["SEED_DEMO", { SEED_DEMO: "yes please" }, ""],
    ["GITHUB_SECRET", { GITHUB_ID: "abc" }, "required when GITHUB_ID is set"],
  ])("names a malformed %s", (name, source, hint) => {
    let error: unknown;
    try {
      parseEnv(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as Error).message).toContain(`${name}:`);
    expect((error as Error).message).toContain(hint);
  });

  it("switches on an OAuth provider only with both of its variables", () => {
    expect(parseEnv({ GOOGLE_ID: "id", GOOGLE_SECRET: "secret" }).oauth).toEqual({
      github: undefined,
      google: { clientId: "id", clientSecret: "secret" },
    });
  });
});

describe("generated secrets", () => {
  it("are generated once into the data directory and then kept", async () => {
    const { mkdtempSync, readFileSync, statSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { getGeneratedSecrets } = await import("./env");
    const dir = join(mkdtempSync(join(tmpdir(), "maestro-env-")), "data");
    const first = getGeneratedSecrets(dir);
    expect(first.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.appKey).toMatch(/^[0-9a-f]{64}$/);
    expect(getGeneratedSecrets(dir)).toEqual(first);
    expect(JSON.parse(readFileSync(join(dir, "secrets.json"), "utf8"))).toEqual(first);
    expect(statSync(join(dir, "secrets.json")).mode & 0o077).toBe(0);
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, ".."), { recursive: true, force: true });
  });

  it("rejects an APP_SECRET_KEY that is not 32 bytes of hex", () => {
    expect(() => parseEnv({ APP_SECRET_KEY: "abc" })).toThrow(
      /APP_SECRET_KEY: must be 64 hex characters/,
    );
    expect(parseEnv({ APP_SECRET_KEY: "A".repeat(64) }).appSecretKey).toBe("a".repeat(64));
  });
});
