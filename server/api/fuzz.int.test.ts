import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { createCaller } from "@/server/api/root";
import { createContext, transformer, type Identity } from "@/server/api/trpc";
import { getEnv } from "@/server/env";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import {
  applySpoil,
  PROCEDURES,
  sampleFor,
  spoilsFor,
  SQL_TEXT,
  type World,
} from "@/server/testing/bad-input";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant, makeUser, testMeta } from "@/server/testing/factories";

/**
 * The bad-input guard (issue 16), in process: generated bad inputs (keys like __proto__ and
 * constructor, NUL bytes, lone surrogates, 10 MB strings, 10,000-deep nesting, wrong types, extra
 * fields; server/testing/bad-input.ts) go to EVERY procedure of the app router as a tenant's
 * owner. No answer may be a server failure or hold SQL, every answer must be sendable through the
 * app's transformer, and the tenant's lists and pages must still load afterwards. The same inputs
 * and forged superjson meta go over HTTP in app/api/trpc/[trpc]/route.int.test.ts.
 *
 * New procedures are covered without editing this file: inputs derive from each procedure's zod
 * schema. Queries run against one seeded tenant; mutations, which may delete or change what the
 * guard reads, each run in a fresh tenant of their own, whose pages are then checked the same way.
 * Fixed seeds: a failure names its procedure and reproduces.
 */

const SEED = 1616;
const RUNS_PER_PROCEDURE = 8;

let database: Database;
let runs: RunSystem;

async function callerAs(identity: Identity, signal?: AbortSignal) {
  return createCaller(
    await createContext({ db: database.db, identity, meta: testMeta, runSystem: async () => runs }),
    { signal },
  );
}
type Caller = Awaited<ReturnType<typeof callerAs>>;

function procedureOf(caller: Caller, path: string): (input: unknown) => Promise<unknown> {
  return path
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
}

/** Reads a streamed answer (an async iterable) briefly, as a client would start to. */
async function drain(value: unknown): Promise<unknown> {
  if (!(value && typeof value === "object" && Symbol.asyncIterator in value)) return value;
  const iterator = (value as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const items: unknown[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">(
    (resolve) => (timer = setTimeout(() => resolve("timeout"), 300)),
  );
  try {
    while (items.length < 50) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next === "timeout" || next.done) break;
      items.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return items;
}

/** What is wrong with a call's outcome, or null: a server failure, SQL in the answer, or an answer that cannot be sent. */
async function callAndJudge(
  identity: Identity,
  path: string,
  input: unknown,
): Promise<string | null> {
  const done = new AbortController();
  try {
    const value = await drain(
      await procedureOf(await callerAs(identity, done.signal), path)(input),
    );
    // What the route handler would send: the output through the app's transformer.
    const text = JSON.stringify(transformer.output.serialize(value));
    return SQL_TEXT.test(text) &&
      !SQL_TEXT.test(JSON.stringify(transformer.output.serialize(input) ?? null))
      ? `answered with SQL: ${text.slice(0, 200)}`
      : null;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (!code || code === "INTERNAL_SERVER_ERROR")
      return `failed with ${code ?? (error as Error).name}: ${String(message).slice(0, 300)}`;
    if (SQL_TEXT.test(message ?? "")) return `${code} holds SQL: ${String(message).slice(0, 300)}`;
    return null;
  } finally {
    done.abort();
  }
}

/** The tenant's lists and every workflow and run on their first page still load, and can be sent. */
async function pagesProblems(identity: Identity): Promise<string[]> {
  const caller = await callerAs(identity);
  const problems: string[] = [];
  const load = async (label: string, read: () => Promise<unknown>) => {
    try {
      const value = await read();
      transformer.output.serialize(value);
      return value;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && code !== "INTERNAL_SERVER_ERROR") return undefined; // e.g. a workflow a call deleted
      problems.push(`${label}: ${(error as Error).message.slice(0, 300)}`);
      return undefined;
    }
  };
  const workflows = (await load("workflow.list", () => caller.workflow.list({ limit: 100 }))) as
    { items: { id: string }[] } | undefined;
  for (const { id } of workflows?.items ?? []) {
    await load(`workflow.get ${id}`, () => caller.workflow.get({ id }));
    await load(`workflow.export ${id}`, () => caller.workflow.export({ id }));
  }
  const runList = (await load("run.list", () => caller.run.list({ limit: 100 }))) as
    { items: { id: string }[] } | undefined;
  for (const { id } of runList?.items ?? [])
    await load(`run.get ${id}`, () => caller.run.get({ id }));
  await load("audit.list", () => caller.audit.list({ limit: 100 }));
  return problems;
}

const echo = makeWorkflow({
  name: "Echo",
  nodes: [
    makeNode("input", "in"),
    makeNode("transform", "shout", { template: { said: "{{input.text}}!" } }),
    makeNode("output", "out", { name: "echo" }),
  ],
  edges: chain("in", "shout", "out"),
});

/** A tenant with an owner, a published workflow and a run: what the generated inputs name. */
async function seedTenant(
  label: string,
): Promise<{ identity: Identity; world: World; tenantId: string }> {
  const db = database.db;
  const tenant = await makeTenant(db, `${label} ${randomBytes(3).toString("hex")}`);
  const owner = await makeUser(db, { memberships: [[tenant, "owner"]] });
  const identity: Identity = { userId: owner.id, tenantId: tenant.id };
  const caller = await callerAs(identity);
  const workflow = await insertWorkflow(db, {
    tenantId: tenant.id,
    name: "Echo",
    description: "",
    document: echo,
    createdBy: owner.id,
  });
  const run = await caller.run.start({
    workflowId: workflow.id,
    draft: true,
    input: { text: "hi" },
  });
  const version = await caller.workflow.publish({ workflowId: workflow.id });
  return {
    identity,
    tenantId: tenant.id,
    world: { workflowId: workflow.id, runId: run.id, versionId: version.id },
  };
}

let seeded: Awaited<ReturnType<typeof seedTenant>>;
let superadmin: Identity;

async function liftLimits(tenantId: string) {
  const caller = await callerAs({ ...superadmin, tenantId });
  await caller.limits.update({
    requestsPerMinutePerUser: 100_000,
    requestsPerMinutePerToken: 100_000,
    maxConcurrentRuns: 1_000,
    maxRunsPerDay: 100_000,
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  // No workers: runs stay queued, which is all the pages need, and nothing runs beside the guard.
  runs = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `fuzz-${randomBytes(4).toString("hex")}`,
  });
  superadmin = { userId: (await makeUser(database.db, { isSuperadmin: true })).id, tenantId: null };
  seeded = await seedTenant("Guarded");
  await liftLimits(seeded.tenantId);
});

afterAll(async () => {
  await runs?.close();
  await database?.close();
});

describe("the bad-input guard", () => {
  it("walks the whole router", () => {
    expect(PROCEDURES.length).toBeGreaterThan(50);
  });

  it("no generated bad input to any procedure answers a server failure or SQL, and every tenant's pages still load", async () => {
    const failures: string[] = [];
    for (const [index, [path, procedure]] of PROCEDURES.entries()) {
      // Mutations get a tenant of their own: whatever they delete or store, the guard checks that tenant's pages after.
      const isMutation = procedure._def.type === "mutation";
      const target = isMutation ? await seedTenant(`Fuzz ${path}`) : seeded;
      if (isMutation) await liftLimits(target.tenantId);
      const sample = sampleFor(path, procedure, target.world);
      try {
        await fc.assert(
          fc.asyncProperty(spoilsFor(sample), async (spoil) => {
            const problem = await callAndJudge(target.identity, path, applySpoil(sample, spoil));
            if (problem) throw new Error(problem);
          }),
          { seed: SEED + index, numRuns: RUNS_PER_PROCEDURE, endOnFailure: true },
        );
      } catch (error) {
        failures.push(`${path}: ${(error as Error).message.split("\n").slice(0, 6).join(" | ")}`);
      }
      if (isMutation)
        failures.push(...(await pagesProblems(target.identity)).map((p) => `after ${path}, ${p}`));
    }
    failures.push(...(await pagesProblems(seeded.identity)).map((p) => `after all queries, ${p}`));
    expect(failures).toEqual([]);
  }, 240_000);
});
