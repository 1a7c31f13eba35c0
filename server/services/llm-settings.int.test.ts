import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import type { Role } from "@/db/schema";
import {
  findClosedPort,
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from "@/server/llm/testing/fake-openai-server";
import { listAuditLogs } from "@/server/repositories/audit";
import { findLlmSetting } from "@/server/repositories/llm-settings";
import { decryptSecret } from "@/server/secrets";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser } from "@/server/testing/factories";

let database: Database;
let fake: FakeOpenAiServer;
const REFUSED_KEY = "sk-revoked-key-0000";
beforeAll(async () => {
  [database, fake] = await Promise.all([
    createTestDatabase(),
    startFakeOpenAiServer({ answer: "OK", refusedKey: REFUSED_KEY }),
  ]);
});
afterAll(async () => {
  await Promise.all([database?.close(), fake?.close()]);
});
afterEach(() => vi.restoreAllMocks());

async function adminOfNewTenant(role: Role = "admin") {
  const { db } = database;
  const tenant = await makeTenant(db);
  const user = await makeUser(db, { memberships: [[tenant, role]] });
  return { tenant, user, caller: await callerFor(db, user, tenant) };
}

/** Every console line written while `work` runs. */
async function captureLogs(work: () => Promise<unknown>): Promise<string> {
  const lines: unknown[][] = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args));
  }
  await work();
  return lines
    .map((args) =>
      args
        .map((a) =>
          a instanceof Error
            ? `${a.message} ${a.stack}`
            : typeof a === "string"
              ? a
              : JSON.stringify(a),
        )
        .join(" "),
    )
    .join("\n");
}

describe("LLM provider settings: keys are write-only", () => {
  it("stores the key encrypted and never returns it: not from list, not in the audit log, not in the logs", async () => {
    const { db } = database;
    const { tenant, caller } = await adminOfNewTenant();
    const key = "sk-live-very-secret-4242abcd";
    const logs = await captureLogs(async () => {
      await caller.llm.save({
        provider: "openai",
        apiKey: key,
        defaultModel: "openai/gpt-4o-mini",
      });
      await caller.llm.test({ provider: "openai-compatible" }).catch(() => undefined);
    });

    const listed = await caller.llm.list();
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(listed.find((p) => p.provider === "openai")).toMatchObject({
      isConfigured: true,
      hasKey: true,
      keyHint: "abcd",
      defaultModel: "gpt-4o-mini",
    });
    expect(listed.find((p) => p.provider === "anthropic")).toMatchObject({
      isConfigured: false,
      hasKey: false,
      keyHint: null,
    });

    const stored = await findLlmSetting(db, tenant.id, "openai");
    expect(stored?.apiKeyEncrypted).toMatch(/^v1\./);
    expect(stored?.apiKeyEncrypted).not.toContain(key);
    expect(decryptSecret(stored!.apiKeyEncrypted!)).toBe(key);

    const audit = await listAuditLogs(db, { tenantId: tenant.id, limit: 10 });
    const save = audit.items.find((a) => a.action === "llm.provider.create");
    expect(save).toMatchObject({
      targetType: "llm_provider",
      targetId: "openai",
      metadata: { keyReplaced: true, keyHint: "abcd" },
    });
    expect(JSON.stringify(audit.items)).not.toContain(key);
    expect(logs).not.toContain(key);
  });

  it("keeps the stored key when saved without one, replaces it when given a new one, and removes it", async () => {
    const { db } = database;
    const { tenant, caller } = await adminOfNewTenant();
    await caller.llm.save({
      provider: "openai-compatible",
      baseUrl: `${fake.baseURL}/`,
      apiKey: "first-key-1111",
      defaultModel: "llama3.1",
    });
    const first = await findLlmSetting(db, tenant.id, "openai-compatible");
    expect(first?.baseUrl).toBe(fake.baseURL);

    await caller.llm.save({
      provider: "openai-compatible",
      baseUrl: fake.baseURL,
      defaultModel: "mistral",
    });
    expect(await findLlmSetting(db, tenant.id, "openai-compatible")).toMatchObject({
      apiKeyEncrypted: first?.apiKeyEncrypted,
      defaultModel: "mistral",
    });

    // The stored key never follows the settings to another server: a new base URL needs the key again.
    await expect(
      caller.llm.save({
        provider: "openai-compatible",
        baseUrl: "https://collector.example/v1",
        defaultModel: "mistral",
      }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/API key again/),
    });
    expect(await findLlmSetting(db, tenant.id, "openai-compatible")).toMatchObject({
      baseUrl: fake.baseURL,
      apiKeyEncrypted: first?.apiKeyEncrypted,
    });

    await caller.llm.save({
      provider: "openai-compatible",
      baseUrl: fake.baseURL,
      apiKey: "second-key-2222",
      defaultModel: "mistral",
    });
    const [replaced] = (await caller.llm.list()).filter((p) => p.provider === "openai-compatible");
    expect(replaced).toMatchObject({ hasKey: true, keyHint: "2222" });

    await caller.llm.removeKey({ provider: "openai-compatible" });
    expect((await caller.llm.list()).find((p) => p.provider === "openai-compatible")).toMatchObject(
      {
        isConfigured: true,
        hasKey: false,
        keyHint: null,
        baseUrl: fake.baseURL,
      },
    );
    expect(await findLlmSetting(db, tenant.id, "openai-compatible")).toMatchObject({
      apiKeyEncrypted: null,
      keyHint: null,
    });

    await caller.llm.remove({ provider: "openai-compatible" });
    expect(await findLlmSetting(db, tenant.id, "openai-compatible")).toBeUndefined();
    const actions = (await listAuditLogs(db, { tenantId: tenant.id, limit: 10 })).items.map(
      (a) => a.action,
    );
    expect(actions).toEqual([
      "llm.provider.remove",
      "llm.provider.key.remove",
      "llm.provider.update",
      "llm.provider.update",
      "llm.provider.create",
    ]);
  });

  it("refuses settings that cannot work, naming the field", async () => {
    const { caller } = await adminOfNewTenant();
    await expect(caller.llm.save({ provider: "openai" })).rejects.toMatchObject({
      message: "OpenAI needs an API key",
    });
    await expect(
      caller.llm.save({ provider: "openai-compatible", apiKey: "some-key-123" }),
    ).rejects.toMatchObject({
      message: expect.stringContaining("base URL"),
    });
    const badUrl = await caller.llm
      .save({ provider: "openai-compatible", baseUrl: "file:///etc/passwd" })
      .catch((e: unknown) => e);
    expect(badUrl).toBeInstanceOf(TRPCError);
    expect((badUrl as TRPCError).code).toBe("BAD_REQUEST");
    await expect(caller.llm.removeKey({ provider: "anthropic" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it.each([
    ["viewer", false],
    ["editor", false],
    ["admin", true],
    ["owner", true],
  ] as [Role, boolean][])("a %s may manage LLM providers: %s", async (role, allowed) => {
    const { caller } = await adminOfNewTenant(role);
    // Each call starts only when its expectation is attached: a second call started early could
    // reject before anyone listens, which Node reports as an unhandled rejection.
    const list = () => caller.llm.list();
    const save = () => caller.llm.save({ provider: "anthropic", apiKey: "sk-ant-abcdefgh" });
    if (allowed) {
      await expect(list()).resolves.toHaveLength(3);
      await expect(save()).resolves.toEqual({ provider: "anthropic" });
    } else {
      await expect(list()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(save()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });

  it("keeps each tenant's settings to itself", async () => {
    const a = await adminOfNewTenant();
    const b = await adminOfNewTenant();
    await a.caller.llm.save({ provider: "anthropic", apiKey: "sk-ant-tenant-a-9999" });
    expect((await b.caller.llm.list()).every((p) => !p.isConfigured)).toBe(true);
    await expect(b.caller.llm.remove({ provider: "anthropic" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await a.caller.llm.list()).find((p) => p.provider === "anthropic")).toMatchObject({
      keyHint: "9999",
    });
  });
});

describe("the Test button (fake OpenAI-compatible server on loopback)", () => {
  it("makes one real call with the stored settings and reports success", async () => {
    const { tenant, caller } = await adminOfNewTenant();
    await caller.llm.save({
      provider: "openai-compatible",
      baseUrl: fake.baseURL,
      apiKey: "sk-test-button-7777",
      defaultModel: "llama3.1",
    });
    const before = fake.received.length;
    const result = await caller.llm.test({ provider: "openai-compatible" });
    expect(result).toMatchObject({ ok: true, modelId: "local/llama3.1", reply: "OK" });
    expect(fake.received.slice(before)).toEqual([
      expect.objectContaining({ model: "llama3.1", authorization: "Bearer sk-test-button-7777" }),
    ]);
    expect(JSON.stringify(result)).not.toContain("sk-test-button-7777");
    const [audit] = (await listAuditLogs(database.db, { tenantId: tenant.id, limit: 1 })).items;
    expect(audit).toMatchObject({
      action: "llm.provider.test",
      metadata: { ok: true, modelId: "local/llama3.1" },
    });
  });

  it("reports a refused key as LLM_AUTH_FAILED, an unreachable server as LLM_UNREACHABLE, and a missing model clearly", async () => {
    const { caller } = await adminOfNewTenant();
    await caller.llm.save({
      provider: "openai",
      baseUrl: fake.baseURL,
      apiKey: REFUSED_KEY,
      defaultModel: "gpt-4o-mini",
    });
    const refused = await caller.llm.test({ provider: "openai" });
    expect(refused).toMatchObject({
      ok: false,
      code: "LLM_AUTH_FAILED",
      message: expect.stringContaining("refused the API key"),
    });
    expect(JSON.stringify(refused)).not.toContain(REFUSED_KEY);

    await caller.llm.save({
      provider: "openai-compatible",
      baseUrl: `http://127.0.0.1:${await findClosedPort()}/v1`,
      defaultModel: "llama3.1",
    });
    await expect(caller.llm.test({ provider: "openai-compatible" })).resolves.toMatchObject({
      ok: false,
      code: "LLM_UNREACHABLE",
      message: expect.stringContaining("could not be reached"),
    });

    await caller.llm.save({ provider: "openai-compatible", baseUrl: fake.baseURL });
    await expect(caller.llm.test({ provider: "openai-compatible" })).resolves.toMatchObject({
      ok: false,
      code: "LLM_NOT_CONFIGURED",
      message: expect.stringContaining("default model"),
    });
  });
});
