import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { compileWorkflow } from "@/engine/compiler/compile-workflow";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { createRealClock } from "@/engine/runtime/clocks";
import { createFakeTools } from "@/engine/runtime/fake-ports";
import { createMemoryRunStore } from "@/engine/runtime/memory-ports";
import type { LlmPort } from "@/engine/runtime/ports";
import { collectRunEvents, runPlan } from "@/engine/runtime/run-plan";
import { upsertLlmSetting } from "@/server/repositories/llm-settings";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser } from "@/server/testing/factories";
import { startFakeOpenAiServer, type FakeOpenAiServer } from "./testing/fake-openai-server";
import { createTenantLlmPorts } from "./tenant-ports";

let database: Database;
let fake: FakeOpenAiServer;
beforeAll(async () => {
  [database, fake] = await Promise.all([
    createTestDatabase(),
    startFakeOpenAiServer({ answer: "Welcome aboard, Ada!" }),
  ]);
});
afterAll(async () => {
  await Promise.all([database?.close(), fake?.close()]);
});

/** A one-step workflow whose llm node names no model: it gets the tenant's default. */
async function runGreeting(llm: LlmPort, model?: string) {
  const compiled = compileWorkflow(
    makeWorkflow({
      nodes: [
        makeNode("input", "in"),
        makeNode("llm", "greet", { prompt: "Greet {{input.name}}", ...(model ? { model } : {}) }),
        makeNode("output", "out", { name: "greeting" }),
      ],
      edges: chain("in", "greet", "out"),
    }),
  );
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const events = await collectRunEvents(
    runPlan(
      compiled.plan,
      { name: "Ada" },
      { llm, tools: createFakeTools({}), clock: createRealClock(), store: createMemoryRunStore() },
      { runId: "r1" },
    ),
  );
  return events.at(-1);
}

async function tenantWithSettings(settings: {
  baseUrl: string;
  defaultModel: string;
  apiKey?: string;
}) {
  const { db } = database;
  const tenant = await makeTenant(db);
  const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
  const caller = await callerFor(db, admin, tenant);
  await caller.llm.save({ provider: "openai-compatible", ...settings });
  return { tenant, caller };
}

describe("per-tenant LLM ports (fake OpenAI-compatible server on loopback)", () => {
  it("runs a tenant's llm step on its own endpoint, default model and key, while a tenant without settings gets LLM_NOT_CONFIGURED", async () => {
    const { db } = database;
    const { tenant: own } = await tenantWithSettings({
      baseUrl: fake.baseURL,
      defaultModel: "llama3.1",
      apiKey: "sk-tenant-own-1234",
    });
    const bare = await makeTenant(db);
    // No platform provider at all (no env): only the tenant's own settings can answer.
    const ports = createTenantLlmPorts({ db, platform: {} });

    const before = fake.received.length;
    await expect(runGreeting(ports(own.id))).resolves.toMatchObject({
      type: "run.completed",
      output: { greeting: "Welcome aboard, Ada!" },
    });
    const sent = fake.received.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      model: "llama3.1",
      authorization: "Bearer sk-tenant-own-1234",
    });

    const refused = await runGreeting(ports(bare.id));
    expect(refused).toMatchObject({ type: "run.failed", error: { code: "LLM_NOT_CONFIGURED" } });
    expect(fake.received.length).toBe(before + 1);
  });

  it("uses a model the step names on the tenant's endpoint too (local/<model>)", async () => {
    const { tenant } = await tenantWithSettings({
      baseUrl: fake.baseURL,
      defaultModel: "llama3.1",
    });
    const ports = createTenantLlmPorts({ db: database.db, platform: {} });
    await expect(runGreeting(ports(tenant.id), "local/qwen2.5")).resolves.toMatchObject({
      type: "run.completed",
    });
    expect(fake.received.at(-1)).toMatchObject({ model: "qwen2.5", authorization: null });
  });

  it("counts a local model's tokens as unpriced (cost unknown, not $0) until an admin prices the model, then costs it", async () => {
    const { tenant, caller } = await tenantWithSettings({
      baseUrl: fake.baseURL,
      defaultModel: "llama3.1",
    });
    const ports = createTenantLlmPorts({ db: database.db, platform: {} });
    const unpriced = await runGreeting(ports(tenant.id));
    expect(unpriced).toMatchObject({ type: "run.completed", costUsd: 0 });
    const tokens = (unpriced as { usage: { inputTokens: number; outputTokens: number } }).usage;
    expect(tokens.inputTokens + tokens.outputTokens).toBeGreaterThan(0);
    expect(unpriced).toMatchObject({ unpricedTokens: tokens.inputTokens + tokens.outputTokens });

    await caller.llm.setPrices({
      provider: "openai-compatible",
      prices: [{ model: "local/llama3.1", inputPerMillion: 1_000, outputPerMillion: 2_000 }],
    });
    expect(
      (await caller.llm.list()).find((p) => p.provider === "openai-compatible")?.prices,
    ).toEqual([{ model: "llama3.1", inputPerMillion: 1_000, outputPerMillion: 2_000 }]);
    const priced = (await runGreeting(ports(tenant.id))) as {
      costUsd: number;
      unpricedTokens?: number;
      usage: { inputTokens: number; outputTokens: number };
    };
    expect(priced.unpricedTokens).toBeUndefined();
    expect(priced.costUsd).toBeCloseTo(
      (priced.usage.inputTokens * 1_000 + priced.usage.outputTokens * 2_000) / 1_000_000,
      10,
    );

    await expect(
      caller.llm.setPrices({
        provider: "openai-compatible",
        prices: [{ model: "x", inputPerMillion: -1, outputPerMillion: 0 }],
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      caller.llm.setPrices({
        provider: "openai-compatible",
        prices: [
          { model: "a", inputPerMillion: 1, outputPerMillion: 1 },
          { model: "local/a", inputPerMillion: 2, outputPerMillion: 2 },
        ],
      }),
    ).rejects.toMatchObject({ message: "The model a is priced twice" });
  });

  it("picks up changed settings at the next call (the cached port is rebuilt), and the platform's again once they are removed", async () => {
    const { tenant, caller } = await tenantWithSettings({
      baseUrl: fake.baseURL,
      defaultModel: "llama3.1",
    });
    const ports = createTenantLlmPorts({ db: database.db, platform: {} });
    const port = ports(tenant.id);
    await runGreeting(port);
    expect(fake.received.at(-1)?.model).toBe("llama3.1");

    await caller.llm.save({
      provider: "openai-compatible",
      baseUrl: fake.baseURL,
      defaultModel: "mistral",
    });
    await runGreeting(port);
    expect(fake.received.at(-1)?.model).toBe("mistral");

    await caller.llm.remove({ provider: "openai-compatible" });
    const count = fake.received.length;
    await expect(runGreeting(port)).resolves.toMatchObject({
      type: "run.failed",
      error: { code: "LLM_NOT_CONFIGURED" },
    });
    expect(fake.received.length).toBe(count);
  });

  it("falls back to the platform's provider for providers the tenant did not set up", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
    await (
      await callerFor(db, admin, tenant)
    ).llm.save({ provider: "anthropic", apiKey: "sk-ant-never-called" });
    // The platform has the OpenAI-compatible endpoint; the tenant only Anthropic (with no default model).
    const ports = createTenantLlmPorts({
      db,
      platform: { local: { baseURL: fake.baseURL }, defaultModel: "local/platform-model" },
    });
    await expect(runGreeting(ports(tenant.id))).resolves.toMatchObject({ type: "run.completed" });
    expect(fake.received.at(-1)?.model).toBe("platform-model");
  });

  it("reports a key that can no longer be decrypted as LLM_NOT_CONFIGURED, naming where to fix it", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
    await upsertLlmSetting(db, {
      tenantId: tenant.id,
      provider: "openai",
      baseUrl: fake.baseURL,
      defaultModel: "gpt-4o-mini",
      apiKeyEncrypted: "v1.AAAA.BBBB.CCCC",
      keyHint: "CCCC",
      updatedBy: admin.id,
    });
    const end = await runGreeting(createTenantLlmPorts({ db, platform: {} })(tenant.id));
    expect(end).toMatchObject({
      type: "run.failed",
      error: { code: "LLM_NOT_CONFIGURED", message: expect.stringContaining("LLM providers") },
    });
  });
});
