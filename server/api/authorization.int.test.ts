import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { ROLES, type Role } from "@/db/schema";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { appRouter, createCaller } from "@/server/api/root";
import { createContext, type Access, type Identity } from "@/server/api/trpc";
import {
  hasPermission,
  ROLE_PERMISSIONS,
  scopesGranting,
  TOKEN_SCOPE_NAMES,
  TOKEN_SCOPES,
  type Permission,
  type TokenScope,
} from "@/server/auth/permissions";
import { getEnv } from "@/server/env";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { authenticateApiToken, createApiToken } from "@/server/services/api-tokens";
import type { ActiveTenant } from "@/server/services/context";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant, makeUser, testMeta } from "@/server/testing/factories";
import type { TenantRow } from "@/server/repositories/tenants";
import type { UserRow } from "@/server/repositories/users";

/**
 * The authorization matrix: every procedure of the app router, called as each kind of caller,
 * answers as its declared access (tRPC meta) and the permission table say it must. A procedure
 * without meta, or without a sample input below, fails the test: new procedures cannot be forgotten.
 */

type AnyProcedure = {
  _def: {
    meta?: { access?: Access };
    type: "query" | "mutation" | "subscription";
    inputs: unknown[];
  };
};
const PROCEDURES = Object.entries(
  appRouter._def.procedures as unknown as Record<string, AnyProcedure>,
);
const PERMISSIONS = [...ROLE_PERMISSIONS.owner];

// ---------------------------------------------------------------------------------------------
// Sample inputs, by procedure path. "derived": built from the procedure's zod input (required
// fields only; ids are random UUIDs, so they find nothing). A function gets tenant A's objects,
// for procedures whose ids matter: the member of tenant B is then called with A's ids and must
// not reach them. Destructive samples target objects kept for them (spare*, bystander*), never
// what other samples use. Platform procedures get random ids: tenant A must survive the test.
// ---------------------------------------------------------------------------------------------

interface Fixture {
  tenant: TenantRow;
  workflowId: string;
  spareWorkflowId: string;
  versionId: string;
  runId: string;
  spareTokenId: string;
  bystanderRoleId: string;
  bystanderRemoveId: string;
}
type Sample = "derived" | ((fx: Fixture) => unknown);

const today = new Date().toISOString().slice(0, 10);

const SAMPLES: Record<string, Sample> = {
  "session.me": "derived",
  "session.switchTenant": (fx) => ({ tenantId: fx.tenant.id }),
  "session.members": "derived",
  "session.signOutEverywhere": "derived",
  "session.changePassword": () => ({
    currentPassword: "not the password",
    newPassword: "a new password of some length",
  }),

  "workflow.list": "derived",
  "workflow.get": (fx) => ({ id: fx.workflowId }),
  "workflow.create": () => ({ name: `Matrix ${randomBytes(3).toString("hex")}` }),
  "workflow.rename": (fx) => ({ id: fx.workflowId, name: "Echo (renamed)" }),
  "workflow.delete": (fx) => ({ id: fx.spareWorkflowId }),
  "workflow.templates": "derived",
  "workflow.duplicate": (fx) => ({ id: fx.workflowId }),
  // A base version no save reaches: the permission is judged, the draft other samples run stays.
  "workflow.saveDraft": (fx) => ({ id: fx.workflowId, document: echo, baseVersion: 1_000_000 }),
  "workflow.versions": (fx) => ({ workflowId: fx.workflowId }),
  "workflow.version": (fx) => ({ id: fx.versionId }),
  "workflow.restore": (fx) => ({
    workflowId: fx.workflowId,
    versionId: fx.versionId,
    baseVersion: 1_000_000,
  }),
  "workflow.export": (fx) => ({ id: fx.workflowId }),
  // Pausing the workflow other samples run would refuse their runs: the spare one is paused.
  "workflow.pause": (fx) => ({ id: fx.spareWorkflowId }),
  "workflow.resume": (fx) => ({ id: fx.workflowId }),
  "workflow.import": () => ({
    file: { format: "maestro.workflow", formatVersion: 1, name: "Imported echo", document: echo },
  }),

  "audit.list": "derived",
  "audit.facets": "derived",
  "audit.export": (fx) => ({ targetId: fx.workflowId }),

  "mcp.listCatalog": "derived",
  "mcp.getEntry": "derived",
  "mcp.importEntries": () => ({ kind: "mcp-servers", text: "{}" }),
  "mcp.exportConfig": "derived",
  "mcp.exportServerJson": "derived",
  "mcp.addServer": () => ({
    kind: "url",
    name: `matrix-${randomBytes(3).toString("hex")}`,
    url: "https://mcp.invalid/mcp",
  }),
  "mcp.listRegistrySources": "derived",
  "mcp.addRegistrySource": () => ({ url: "https://registry.invalid" }),
  "mcp.syncRegistrySource": "derived",
  "mcp.removeRegistrySource": "derived",
  "mcp.listInstallations": "derived",
  "mcp.getInstallation": "derived",
  "mcp.install": "derived",
  "mcp.updateInstallation": "derived",
  "mcp.setEnabled": "derived",
  "mcp.uninstall": "derived",
  "mcp.check": "derived",
  "mcp.listChecks": "derived",
  "mcp.listTools": "derived",
  "mcp.runTool": "derived",
  "mcpOAuth.status": "derived",
  "mcpOAuth.connect": "derived",
  "mcpOAuth.finish": () => ({ state: "s".repeat(43), code: "code" }),
  "mcpOAuth.disconnect": "derived",

  "mcpTool.list": "derived",
  "mcpTool.get": (fx) => ({ workflowId: fx.workflowId }),
  "mcpTool.expose": (fx) => ({ workflowId: fx.workflowId }),
  "mcpTool.update": (fx) => ({ workflowId: fx.workflowId, description: "Matrix" }),
  "mcpTool.hide": "derived",
  "mcpTool.start": "derived",

  "inspector.openInstallation": "derived",
  // A loopback port fetch refuses at once: the permission is judged without reaching anything.
  "inspector.connectUrl": () => ({ url: "http://127.0.0.1:9/mcp" }),
  "inspector.get": "derived",
  "inspector.close": "derived",
  "inspector.listTools": "derived",
  "inspector.callTool": "derived",
  "inspector.cancel": "derived",
  "inspector.answer": "derived",
  "inspector.questions": "derived",
  "inspector.listResources": "derived",
  "inspector.readResource": "derived",
  "inspector.subscribe": "derived",
  "inspector.unsubscribe": "derived",
  "inspector.listPrompts": "derived",
  "inspector.getPrompt": "derived",
  "inspector.setLogLevel": "derived",
  "inspector.events": "derived",

  "run.list": (fx) => ({ workflowId: fx.workflowId }),
  "run.get": (fx) => ({ id: fx.runId }),
  "run.events": (fx) => ({ id: fx.runId }),
  "run.start": (fx) => ({ workflowId: fx.workflowId, draft: true, input: { text: "matrix" } }),
  "run.cancel": (fx) => ({ id: fx.runId }),
  "run.retry": (fx) => ({ id: fx.runId }),
  "run.decide": (fx) => ({ runId: fx.runId, stepId: "shout", approved: true }),
  "run.resolveInterrupted": (fx) => ({ runId: fx.runId, stepId: "shout", action: "retry" }),
  "run.questions": "derived",
  "run.answerElicitation": (fx) => ({
    runId: fx.runId,
    key: randomUUID(),
    answer: { action: "decline" },
  }),
  "run.stepInputs": (fx) => ({ runId: fx.runId, stepId: "shout" }),
  "run.rerunStep": (fx) => ({ runId: fx.runId, stepId: "shout" }),
  "workflow.publish": (fx) => ({ workflowId: fx.workflowId }),
  "run.live": (fx) => ({ runId: fx.runId }),

  "dataset.list": (fx) => ({ workflowId: fx.workflowId }),
  "dataset.get": "derived",
  "dataset.create": (fx) => ({
    workflowId: fx.workflowId,
    name: `Matrix ${randomBytes(3).toString("hex")}`,
  }),
  "dataset.setEvaluators": "derived",
  "dataset.addItems": "derived",
  "dataset.removeItems": "derived",
  "dataset.previewImport": "derived",
  "dataset.import": "derived",
  "dataset.addRun": (fx) => ({ datasetId: randomUUID(), runId: fx.runId }),
  "dataset.export": "derived",
  "evaluation.list": (fx) => ({ workflowId: fx.workflowId }),
  "evaluation.get": "derived",
  "evaluation.start": "derived",
  "evaluation.cancel": "derived",
  "evaluation.compare": "derived",
  "publishGate.get": (fx) => ({ workflowId: fx.workflowId }),
  "publishGate.set": (fx) => ({
    workflowId: fx.workflowId,
    datasetId: randomUUID(),
    minScore: 0.5,
  }),
  "publishGate.remove": (fx) => ({ workflowId: fx.workflowId }),
  "publishGate.evaluate": (fx) => ({ workflowId: fx.workflowId }),
  "publishGate.publishAnyway": (fx) => ({
    workflowId: fx.workflowId,
    reason: "the matrix says so",
  }),

  "schedule.list": (fx) => ({ workflowId: fx.workflowId }),
  "schedule.preview": () => ({ cron: "0 9 * * 1-5", timezone: "Europe/Berlin" }),
  // Once a year, and no worker runs in this test: the schedules made here never fire.
  "schedule.create": (fx) => ({
    workflowId: fx.workflowId,
    cron: "0 0 1 1 *",
    timezone: "UTC",
    input: { text: "matrix" },
  }),
  "schedule.update": () => ({
    id: randomUUID(),
    cron: "0 0 1 1 *",
    timezone: "UTC",
    input: { text: "matrix" },
  }),
  "schedule.setEnabled": "derived",
  "schedule.delete": "derived",

  "webhook.list": (fx) => ({ workflowId: fx.workflowId }),
  "webhook.create": (fx) => ({ workflowId: fx.workflowId, name: "Matrix hook" }),
  "webhook.update": "derived",
  "webhook.setEnabled": "derived",
  "webhook.rotateSecret": "derived",
  "webhook.listen": "derived",
  "webhook.delete": "derived",

  "analytics.runs": "derived",

  "anomaly.list": "derived",
  "anomaly.get": "derived",
  "anomaly.openCount": "derived",
  "anomaly.liveCount": "derived",
  "anomaly.acknowledge": "derived",
  "anomaly.resolve": "derived",
  "anomaly.undoAction": "derived",
  "anomaly.settings": "derived",
  "learning.overview": "derived",
  "learning.outcomes": "derived",
  "learning.forecastAccuracy": "derived",
  "learning.predict": (fx) => ({ workflowId: fx.workflowId }),
  "learning.outcome": (fx) => ({ runId: fx.runId }),
  "learning.promoteWinner": "derived",
  "learning.rate": "derived",
  "learning.experiments": "derived",
  "learning.experiment": "derived",
  "learning.startExperiment": "derived",
  "learning.stopExperiment": "derived",
  "anomaly.updateSettings": () => ({
    sensitivity: "medium",
    rules: {
      circuitBreaker: false,
      fallbackServer: false,
      pauseWorkflow: false,
      tightenRate: false,
    },
    fallbackServers: {},
    webhookUrl: "",
  }),

  "autonomy.propose": "derived",
  "autonomy.createFromProposal": () => ({ task: "Echo what I say", document: echo }),
  "autonomy.recommend": "derived",
  "autonomy.refine": () => ({ task: "Echo what I say" }),

  "member.list": "derived",
  "member.changeRole": (fx) => ({ userId: fx.bystanderRoleId, role: "editor" }),
  "member.remove": (fx) => ({ userId: fx.bystanderRemoveId }),
  "member.invite": () => ({ role: "viewer", expiresInDays: 7 }),
  "member.listInvitations": "derived",
  "member.revokeInvitation": "derived",
  "member.invitation": () => ({ token: randomBytes(24).toString("base64url") }),
  "member.acceptInvitation": () => ({ token: randomBytes(24).toString("base64url") }),
  "member.signUpWithInvitation": () => ({
    token: randomBytes(24).toString("base64url"),
    name: "Matrix",
    email: `matrix-${randomBytes(3).toString("hex")}@example.test`,
    password: "a long enough password",
  }),

  "token.scopes": "derived",
  "token.list": "derived",
  "token.create": () => ({
    name: "Matrix token",
    scopes: ["runs:read"],
    expiry: { in: "days", days: 7 },
  }),
  "token.revoke": (fx) => ({ id: fx.spareTokenId }),

  "limits.get": "derived",
  "limits.update": () => ({}),

  "usage.summary": () => ({ from: today, to: today }),
  "usage.export": () => ({ from: today, to: today }),

  "llm.list": "derived",
  "llm.save": () => ({
    provider: "openai-compatible",
    baseUrl: "http://127.0.0.1:9/v1",
    defaultModel: "matrix-model",
  }),
  "llm.removeKey": () => ({ provider: "anthropic" }),
  "llm.remove": () => ({ provider: "anthropic" }),
  "llm.test": () => ({ provider: "anthropic" }),
  "llm.setPrices": () => ({
    provider: "openai-compatible",
    prices: [{ model: "matrix-model", inputPerMillion: 0, outputPerMillion: 0 }],
  }),

  "platform.listTenants": "derived",
  "platform.createTenant": () => ({
    name: "Matrix tenant",
    slug: `matrix-${randomBytes(3).toString("hex")}`,
  }),
  "platform.renameTenant": "derived",
  "platform.setSuspended": "derived",
  "platform.deleteTenant": "derived",
};

/** A minimal value of a zod (v4) schema's shape: required fields only, random UUIDs for ids. */
function deriveSample(schema: unknown): unknown {
  const zod = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod;
  const def = zod.def;
  const checks =
    (def.checks as
      | {
          _zod: { def: { check: string; minimum?: number; value?: number; inclusive?: boolean } };
        }[]
      | undefined) ?? [];
  const minLength = checks.find((c) => c._zod.def.check === "min_length")?._zod.def.minimum ?? 0;
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, { _zod: { optin?: string } }>;
      return Object.fromEntries(
        Object.entries(shape).flatMap(([key, field]) =>
          field._zod.optin === "optional" ? [] : [[key, deriveSample(field)]],
        ),
      );
    }
    case "string": {
      if (def.format === "uuid" || def.format === "guid") return randomUUID();
      if (def.format === "email") return "someone@example.test";
      if (def.format === "url") return "https://example.test";
      return "sample".padEnd(Math.max(6, minLength), "x");
    }
    case "number":
    case "int": {
      const lower = checks.find((c) => c._zod.def.check === "greater_than")?._zod.def;
      return lower ? (lower.value ?? 0) + (lower.inclusive ? 0 : 1) : 1;
    }
    case "boolean":
      return false;
    case "date":
      return new Date();
    case "literal":
      return (def.values as unknown[])[0];
    case "enum":
      return Object.values(def.entries as Record<string, unknown>)[0];
    case "array":
      return Array.from({ length: minLength }, () => deriveSample(def.element));
    case "union":
      return deriveSample((def.options as unknown[])[0]);
    case "nullable":
    case "readonly":
    case "nonoptional":
      return deriveSample(def.innerType);
    case "optional":
    case "default":
    case "prefault":
      return undefined;
    case "pipe":
      return deriveSample(def.in);
    case "lazy":
      return deriveSample((def.getter as () => unknown)());
    case "record":
    case "unknown":
    case "any":
      return {};
    default:
      return undefined;
  }
}

function sampleInput(path: string, procedure: AnyProcedure, fx: Fixture): unknown {
  const sample = SAMPLES[path];
  if (typeof sample === "function") return sample(fx);
  const inputs = procedure._def.inputs;
  if (inputs.length === 0) return undefined;
  const parts = inputs.map(deriveSample);
  return parts.length === 1 ? parts[0] : Object.assign({}, ...parts);
}

// ---------------------------------------------------------------------------------------------
// The world: tenant A with a member of each role, tenant B with its owner, a platform admin.
// ---------------------------------------------------------------------------------------------

let database: Database;
let runs: RunSystem;
let fx: Fixture;
const members = {} as Record<Role, UserRow>;
let superadmin: UserRow;
let outsider: UserRow;
let tenantB: TenantRow;
/** Ids only tenant A's members may see: a response to anyone else must not contain them. */
const privateIdsOfA = new Set<string>();

const echo = makeWorkflow({
  name: "Echo",
  nodes: [
    makeNode("input", "in"),
    makeNode("transform", "shout", { template: { said: "{{input.text}}!" } }),
    makeNode("output", "out", { name: "echo" }),
  ],
  edges: chain("in", "shout", "out"),
});

function activeTenant(tenant: TenantRow, role: Role): ActiveTenant {
  return { id: tenant.id, slug: tenant.slug, name: tenant.name, role };
}

const tokenIdentities = new Map<string, Promise<Identity>>();
/** An identity from a real token of `creator` in tenant A with these scopes, authenticated as a request would be. */
function tokenIdentity(creator: UserRow, scopes: readonly TokenScope[]): Promise<Identity> {
  const key = `${creator.id}:${[...scopes].sort().join(",")}`;
  let identity = tokenIdentities.get(key);
  if (!identity) {
    identity = (async () => {
      const ctx = {
        db: database.db,
        meta: testMeta,
        actor: {
          userId: creator.id,
          email: creator.email,
          name: creator.name,
          isSuperadmin: creator.isSuperadmin,
        },
        tenant: activeTenant(fx.tenant, "owner"),
      };
      const { secret } = await createApiToken(ctx, {
        name: `matrix ${key}`,
        scopes: [...scopes],
        expiry: { in: "never" },
      });
      return authenticateApiToken(database.db, secret);
    })();
    tokenIdentities.set(key, identity);
  }
  return identity;
}

beforeAll(async () => {
  database = await createTestDatabase();
  runs = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `matrix-${randomBytes(4).toString("hex")}`,
  });
  const db = database.db;
  const tenant = await makeTenant(db, "Tenant A");
  tenantB = await makeTenant(db, "Tenant B");
  for (const role of ROLES) members[role] = await makeUser(db, { memberships: [[tenant, role]] });
  superadmin = await makeUser(db, { isSuperadmin: true });
  outsider = await makeUser(db, { memberships: [[tenantB, "owner"]] });
  const bystanderRole = await makeUser(db, { memberships: [[tenant, "viewer"]] });
  const bystanderRemove = await makeUser(db, { memberships: [[tenant, "viewer"]] });

  const asOwner = createCaller(
    await createContext({
      db,
      identity: { userId: members.owner.id, tenantId: tenant.id },
      meta: testMeta,
      runSystem: async () => runs,
    }),
  );
  // Hundreds of calls in a minute: lift the rate limits (a platform admin may) so that a refusal can only be the permission's.
  for (const t of [tenant, tenantB]) {
    const caller = createCaller(
      await createContext({
        db,
        identity: { userId: superadmin.id, tenantId: t.id },
        meta: testMeta,
      }),
    );
    await caller.limits.update({
      requestsPerMinutePerUser: 100_000,
      requestsPerMinutePerToken: 100_000,
      maxConcurrentRuns: 1_000,
      maxRunsPerDay: 100_000,
    });
  }
  const workflow = await insertWorkflow(db, {
    tenantId: tenant.id,
    name: "Echo",
    description: "",
    document: echo,
    createdBy: members.owner.id,
  });
  const spare = await insertWorkflow(db, {
    tenantId: tenant.id,
    name: "Spare",
    description: "",
    document: echo,
    createdBy: members.owner.id,
  });
  const run = await asOwner.run.start({
    workflowId: workflow.id,
    draft: true,
    input: { text: "hi" },
  });
  const version = await asOwner.workflow.publish({ workflowId: workflow.id });
  const spareToken = await asOwner.token.create({
    name: "Spare",
    scopes: ["runs:read"],
    expiry: { in: "never" },
  });

  fx = {
    tenant,
    workflowId: workflow.id,
    spareWorkflowId: spare.id,
    versionId: version.id,
    runId: run.id,
    spareTokenId: spareToken.token.id,
    bystanderRoleId: bystanderRole.id,
    bystanderRemoveId: bystanderRemove.id,
  };
  for (const id of [
    tenant.id,
    workflow.id,
    spare.id,
    version.id,
    run.id,
    spareToken.token.id,
    bystanderRole.id,
    bystanderRemove.id,
    ...ROLES.map((r) => members[r].id),
  ]) {
    privateIdsOfA.add(id);
  }
});

afterAll(async () => {
  await runs?.close();
  await database?.close();
});

// ---------------------------------------------------------------------------------------------
// Calling and judging.
// ---------------------------------------------------------------------------------------------

type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/** Calls a procedure; `signal` ends what it started (a subscription's generator) once judged. */
async function call(
  identity: Identity | null,
  path: string,
  input: unknown,
  signal: AbortSignal,
): Promise<Outcome> {
  const caller = createCaller(
    await createContext({ db: database.db, identity, meta: testMeta, runSystem: async () => runs }),
    { signal },
  );
  const procedure = path
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
  try {
    return { ok: true, value: await procedure(input) };
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return { ok: false, code: code ?? "UNKNOWN", message: message ?? String(error) };
  }
}

/**
 * What a procedure answered, as text: a streamed query's first 200 items; for a subscription,
 * what it sends within 300 ms (a stored run's history comes at once), then it is closed.
 */
async function textOf(value: unknown, type: AnyProcedure["_def"]["type"]): Promise<string> {
  if (!(value && typeof value === "object" && Symbol.asyncIterator in value))
    return JSON.stringify(value ?? null);
  const iterator = (value as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const items: unknown[] = [];
  const deadline = type === "subscription" ? Date.now() + 300 : Date.now() + 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">(
    (resolve) => (timer = setTimeout(() => resolve("timeout"), deadline - Date.now())),
  );
  try {
    while (items.length < 200) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next === "timeout" || next.done) break;
      items.push(next.value);
    }
  } finally {
    clearTimeout(timer);
    // A subscription still waiting for events ends when the call's signal is aborted (see `call`).
    if (type !== "subscription") await iterator.return?.();
  }
  return JSON.stringify(items);
}

type Expectation = "allowed" | "UNAUTHORIZED" | "FORBIDDEN" | "not-reaching-A";

interface CallerKind {
  label: string;
  /** Who calls a procedure with this access (token callers get a token with scopes chosen for it). */
  identity: (access: Access) => Promise<Identity | null>;
  /** What this caller must get for a procedure with this access and type; null: not asked. */
  expect: (access: Access, type: AnyProcedure["_def"]["type"]) => Expectation | null;
}

const allScopes = TOKEN_SCOPE_NAMES;
const isPermission = (access: Access): access is Permission =>
  !["public", "signed-in", "platform"].includes(access);

/** Tokens may read where any signed-in user may, change nothing there, and never act as a platform admin. */
function tokenExpectation(
  access: Access,
  type: AnyProcedure["_def"]["type"],
  creatorRole: Role,
  scopes: readonly TokenScope[],
): Expectation {
  if (access === "public") return "allowed";
  if (access === "signed-in") return type === "query" ? "allowed" : "FORBIDDEN";
  if (access === "platform") return "FORBIDDEN";
  const inScope = scopes.some((s) =>
    (TOKEN_SCOPES[s].permissions as readonly Permission[]).includes(access),
  );
  return inScope && hasPermission(creatorRole, access) ? "allowed" : "FORBIDDEN";
}

/** One scope that grants the access, or every scope when none does (token.manage, tenant.manage). */
const matchingScopes = (access: Access): readonly TokenScope[] => {
  const granting = isPermission(access) ? scopesGranting(access) : [];
  return granting.length ? granting.slice(0, 1) : allScopes;
};
const otherScopes = (access: Access): readonly TokenScope[] =>
  allScopes.filter((s) => !(isPermission(access) && scopesGranting(access).includes(s)));

/** In this order for each procedure: the callers that must be refused go before those that may change things. */
const CALLERS: CallerKind[] = [
  {
    label: "signed out",
    identity: async () => null,
    expect: (access) => (access === "public" ? "allowed" : "UNAUTHORIZED"),
  },
  {
    label: "the owner of tenant B, on tenant A's ids",
    identity: async () => ({ userId: outsider.id, tenantId: tenantB.id }),
    expect: (access) => (access === "platform" ? "FORBIDDEN" : "not-reaching-A"),
  },
  {
    label: "an API token of A's owner without the matching scope",
    identity: (access) => tokenIdentity(members.owner, otherScopes(access)),
    expect: (access) =>
      isPermission(access) && scopesGranting(access).length ? "FORBIDDEN" : null,
  },
  {
    label: "an API token of A's viewer with the matching scope",
    identity: (access) => tokenIdentity(members.viewer, matchingScopes(access)),
    expect: (access, type) =>
      isPermission(access)
        ? tokenExpectation(access, type, "viewer", matchingScopes(access))
        : null,
  },
  ...ROLES.map((role): CallerKind => ({
    label: `A's ${role}`,
    identity: async () => ({ userId: members[role].id, tenantId: fx.tenant.id }),
    expect: (access) => {
      if (access === "public" || access === "signed-in") return "allowed";
      if (access === "platform") return "FORBIDDEN";
      return hasPermission(role, access) ? "allowed" : "FORBIDDEN";
    },
  })),
  {
    label: "a platform admin (superadmin) in A",
    identity: async () => ({ userId: superadmin.id, tenantId: fx.tenant.id }),
    expect: () => "allowed",
  },
  {
    label: "an API token of A's owner with the matching scope",
    identity: (access) => tokenIdentity(members.owner, matchingScopes(access)),
    expect: (access, type) => tokenExpectation(access, type, "owner", matchingScopes(access)),
  },
  {
    label: "an API token of the superadmin with every scope",
    identity: () => tokenIdentity(superadmin, allScopes),
    expect: (access, type) =>
      access === "platform" ? tokenExpectation(access, type, "owner", allScopes) : null,
  },
];

/** Lists whose sample names an id as a filter: another tenant's id matches nothing, an empty list. */
const LIST_FILTERS = new Set(["run.list", "audit.export"]);

async function judge(
  path: string,
  expectation: Expectation,
  outcome: Outcome,
  input: unknown,
  type: AnyProcedure["_def"]["type"],
): Promise<string | null> {
  const got = outcome.ok ? "ok" : `${outcome.code}: ${outcome.message}`;
  switch (expectation) {
    case "UNAUTHORIZED":
    case "FORBIDDEN":
      return !outcome.ok && outcome.code === expectation
        ? null
        : `expected ${expectation}, got ${got}`;
    case "allowed":
      if (outcome.ok) return null;
      if (["UNAUTHORIZED", "FORBIDDEN", "INTERNAL_SERVER_ERROR"].includes(outcome.code))
        return `expected to be let through, got ${got}`;
      return null; // refused for its dummy input (NOT_FOUND, BAD_REQUEST, CONFLICT…): the permission let it through
    case "not-reaching-A": {
      if (!outcome.ok)
        return ["UNAUTHORIZED", "INTERNAL_SERVER_ERROR"].includes(outcome.code)
          ? `got ${got}`
          : null;
      const usesIdsOfA = [...privateIdsOfA].some((id) =>
        JSON.stringify(input ?? null).includes(id),
      );
      let text: string;
      try {
        text = await textOf(outcome.value, type);
      } catch (error) {
        // A subscription refuses on its first read.
        const code = (error as { code?: string }).code ?? "UNKNOWN";
        return ["UNAUTHORIZED", "INTERNAL_SERVER_ERROR"].includes(code)
          ? `got ${code}: ${(error as Error).message}`
          : null;
      }
      if (usesIdsOfA && type === "mutation")
        return `changed something of tenant A with A's ids (answered ${text.slice(0, 200)})`;
      // Another tenant's id is answered as an id that does not exist (NOT_FOUND), never with an
      // empty answer; only a list filtered by an id answers that nothing matches.
      if (usesIdsOfA && !LIST_FILTERS.has(path))
        return `answered ${text.slice(0, 200)} for tenant A's ids instead of NOT_FOUND`;
      const leaked = [...privateIdsOfA].find((id) => text.includes(id));
      return leaked ? `answered with tenant A's id ${leaked}` : null;
    }
  }
}

describe("the authorization matrix", () => {
  it("every procedure declares its access, and has a sample input here", () => {
    expect(PROCEDURES.length).toBeGreaterThan(0);
    const accesses = new Set<string>(["public", "signed-in", "platform", ...PERMISSIONS]);
    const withoutMeta = PROCEDURES.filter(([, p]) => !accesses.has(p._def.meta?.access ?? "")).map(
      ([path]) => path,
    );
    expect(
      withoutMeta,
      "procedures without meta { access } (use publicProcedure, protectedProcedure, platformProcedure or permissionProcedure)",
    ).toEqual([]);
    const withoutSample = PROCEDURES.filter(([path]) => !(path in SAMPLES)).map(([path]) => path);
    expect(
      withoutSample,
      'add these to SAMPLES in server/api/authorization.int.test.ts ("derived", or a function of tenant A\'s objects)',
    ).toEqual([]);
    const stale = Object.keys(SAMPLES).filter((path) => !PROCEDURES.some(([p]) => p === path));
    expect(stale, "SAMPLES for procedures that no longer exist").toEqual([]);
  });

  it("answers every caller as the permission table says, for every procedure", async () => {
    const failures: string[] = [];
    for (const [path, procedure] of PROCEDURES) {
      const access = procedure._def.meta?.access;
      if (!access || !(path in SAMPLES)) continue; // reported by the test above
      for (const kind of CALLERS) {
        const expectation = kind.expect(access, procedure._def.type);
        if (!expectation) continue;
        const input = sampleInput(path, procedure, fx);
        const done = new AbortController();
        const outcome = await call(await kind.identity(access), path, input, done.signal);
        const problem = await judge(path, expectation, outcome, input, procedure._def.type);
        done.abort();
        if (problem) failures.push(`${path} (${access}) as ${kind.label}: ${problem}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// SECURITY.md's tables come from the permission table: this keeps them in step.
// ---------------------------------------------------------------------------------------------

function renderRoleTable(): string {
  const lines = [
    "| action | viewer | editor | admin | owner | API token scopes |",
    "|---|:-:|:-:|:-:|:-:|---|",
  ];
  for (const permission of PERMISSIONS) {
    const cells = ROLES.map((role) => (hasPermission(role, permission) ? "✓" : ""));
    const scopes = scopesGranting(permission);
    lines.push(
      `| \`${permission}\` | ${cells.join(" | ")} | ${scopes.length ? scopes.map((s) => `\`${s}\``).join(", ") : "none: sign in"} |`,
    );
  }
  return lines.join("\n");
}

function renderScopeTable(): string {
  const lines = ["| scope | allows | permissions |", "|---|---|---|"];
  for (const scope of TOKEN_SCOPE_NAMES) {
    lines.push(
      `| \`${scope}\` | ${TOKEN_SCOPES[scope].label} | ${TOKEN_SCOPES[scope].permissions.map((p) => `\`${p}\``).join(", ")} |`,
    );
  }
  return lines.join("\n");
}

function renderProcedureTable(): string {
  const lines = ["| procedure | kind | needs |", "|---|---|---|"];
  for (const [path, procedure] of [...PROCEDURES].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(
      `| \`${path}\` | ${procedure._def.type} | \`${procedure._def.meta?.access ?? "?"}\` |`,
    );
  }
  return lines.join("\n");
}

function generatedSection(markdown: string, name: string): string | null {
  const match = new RegExp(`<!-- ${name}:start[^>]*-->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(
    markdown,
  );
  return match?.[1] ?? null;
}

describe("SECURITY.md", () => {
  const markdown = readFileSync(join(process.cwd(), "SECURITY.md"), "utf8");
  for (const [name, render] of [
    ["role-permissions", renderRoleTable],
    ["token-scopes", renderScopeTable],
    ["procedures", renderProcedureTable],
  ] as const) {
    it(`its ${name} table matches the code`, () => {
      const expected = render();
      expect(
        generatedSection(markdown, name),
        `Replace the ${name} section of SECURITY.md with:\n\n${expected}\n`,
      ).toBe(expected);
    });
  }
});
