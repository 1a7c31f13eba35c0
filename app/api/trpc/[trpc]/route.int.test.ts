import { randomBytes } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { transformer } from "@/components/trpc/transformer";
import { toErrorResponse } from "@/server/api/rest-errors";
import { createContext, publicProcedure, router } from "@/server/api/trpc";
import { TOKEN_SCOPE_NAMES } from "@/server/auth/permissions";
import { getEnv } from "@/server/env";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { useAppGlobals } from "@/server/testing/app-globals";
import {
  applySpoil,
  forgedBody,
  forgedMeta,
  PROCEDURES,
  sampleFor,
  spoilsFor,
  SQL_TEXT,
  type AnyProcedure,
} from "@/server/testing/bad-input";
import { createTestDatabase } from "@/server/testing/database";
import { makeMemberCaller, testMeta, greetingWorkflow } from "@/server/testing/factories";
import { GET as auditExport } from "../../audit/export/route";
import { POST as restPost } from "../../v1/[...path]/route";
import { GET, POST } from "./route";

/**
 * Bad input through /api/trpc as the browser's client sends it (the app's transformer, real
 * Requests into the route handler): each answers a clear 4xx, and nothing a user may store breaks
 * a page afterwards (issue 16). The last part is the HTTP half of the bad-input guard
 * (server/api/fuzz.int.test.ts is the in-process half): forged superjson meta to every procedure.
 */
type Database = Awaited<ReturnType<typeof createTestDatabase>>;
let database: Database;
let system: RunSystem;
beforeAll(async () => {
  database = await createTestDatabase();
  system = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `trpc-route-${randomBytes(4).toString("hex")}`,
  });
  await system.startWorkers(2);
  useAppGlobals(database, system);
});
afterAll(async () => {
  await system?.close();
  await database?.close();
});

const greeting = greetingWorkflow;

async function setup() {
  const { caller, tenant } = await makeMemberCaller(database.db, "owner");
  const workflow = await caller.workflow.create({
    name: `Greeting ${randomBytes(3).toString("hex")}`,
  });
  const { version } = await caller.workflow.get({ id: workflow.id });
  await caller.workflow.saveDraft({
    id: workflow.id,
    baseVersion: version,
    document: { ...greeting, name: workflow.name },
  });
  await caller.workflow.publish({ workflowId: workflow.id });
  const { secret } = await caller.token.create({
    name: "everything",
    scopes: [...TOKEN_SCOPE_NAMES],
    expiry: { in: "never" },
  });
  return { caller, tenant, workflow, secret };
}

interface Answer {
  status: number;
  text: string;
  /** The result's data through the client's transformer, or the error's JSON. */
  data?: unknown;
  error?: { message: string; data: { code: string; httpStatus: number; requestId?: string } };
}

/** One call as httpBatchLink's unbatched form sends it; `body` replaces the serialised input. */
async function trpc(
  secret: string,
  type: "query" | "mutation",
  path: string,
  input: unknown,
  body?: string,
): Promise<Answer> {
  const payload = body ?? JSON.stringify(transformer.serialize(input));
  const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
  const response =
    type === "query"
      ? await GET(
          new Request(`http://localhost/api/trpc/${path}?input=${encodeURIComponent(payload)}`, {
            headers,
          }),
        )
      : await POST(
          new Request(`http://localhost/api/trpc/${path}`, {
            method: "POST",
            headers,
            body: payload,
          }),
        );
  const text = await response.text();
  const json = JSON.parse(text) as { result?: { data: never }; error?: { json: Answer["error"] } };
  return {
    status: response.status,
    text,
    data: json.result ? transformer.deserialize(json.result.data) : undefined,
    error: json.error?.json,
  };
}

const nested = (depth: number): unknown => {
  let value: unknown = "deep";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe("keys superjson refuses (__proto__, constructor, prototype)", () => {
  const strange = () =>
    JSON.parse(
      '{"name":"x","constructor":{"prototype":{}},"__proto__":{"polluted":true},"prototype":[1]}',
    ) as Record<string, unknown>;

  it("a run input holding them is stored and shown back by run.list and run.get, through tRPC and REST", async () => {
    const { workflow, secret } = await setup();
    const viaTrpc = await trpc(secret, "mutation", "run.start", {
      workflowId: workflow.id,
      input: strange(),
    });
    expect(viaTrpc.status).toBe(200);
    const viaRest = await restPost(
      new Request("http://localhost/api/v1/runs", {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ workflowId: workflow.id, input: strange(), wait: 30 }),
      }),
      { params: Promise.resolve({ path: ["runs"] }) },
    );
    expect(viaRest.status).toBe(200);
    const restRun = (await viaRest.json()) as { id: string; status: string };
    expect(restRun.status).toBe("completed");

    const list = await trpc(secret, "query", "run.list", { workflowId: workflow.id });
    expect(list.status).toBe(200);
    for (const id of [(viaTrpc.data as { id: string }).id, restRun.id]) {
      const run = await trpc(secret, "query", "run.get", { id });
      expect(run.status).toBe(200);
      const input = (run.data as { run: { input: Record<string, unknown> } }).run.input;
      expect(Object.keys(input).sort()).toEqual(["__proto__", "constructor", "name", "prototype"]);
      expect(input.constructor).toEqual({ prototype: {} });
      expect(Object.getOwnPropertyDescriptor(input, "__proto__")?.value).toEqual({
        polluted: true,
      });
      expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a node config holding them is saved, and workflow.get and workflow.export still answer", async () => {
    const { workflow, secret } = await setup();
    const opened = await trpc(secret, "query", "workflow.get", { id: workflow.id });
    const { document, version } = opened.data as {
      document: { nodes: { id: string; config: Record<string, unknown> }[] };
      version: number;
    };
    const nodes = document.nodes.map((n) =>
      n.id === "greet"
        ? { ...n, config: { ...n.config, template: { message: "hi", ...strange() } } }
        : n,
    );
    const saved = await trpc(secret, "mutation", "workflow.saveDraft", {
      id: workflow.id,
      baseVersion: version,
      document: { ...document, nodes },
    });
    expect(saved.status).toBe(200);
    const reopened = await trpc(secret, "query", "workflow.get", { id: workflow.id });
    expect(reopened.status).toBe(200);
    const greet = (
      reopened.data as typeof opened.data & {
        document: { nodes: { id: string; config: { template: Record<string, unknown> } }[] };
      }
    ).document.nodes.find((n) => n.id === "greet")!;
    expect(greet.config.template.constructor).toEqual({ prototype: {} });
    expect((await trpc(secret, "query", "workflow.export", { id: workflow.id })).status).toBe(200);
    expect((await trpc(secret, "query", "workflow.list", {})).status).toBe(200);
  });
});

describe("an input of the wrong shape", () => {
  it("answers 400 saying which field and why in words, not zod's issues as JSON", async () => {
    const { secret } = await setup();
    const answer = await trpc(secret, "query", "run.get", { id: "12345" });
    expect(answer.status).toBe(400);
    expect(answer.error?.message).toBe("id: Invalid UUID");
    const several = await trpc(secret, "mutation", "workflow.create", { name: 7, extra: true });
    expect(several.status).toBe(400);
    expect(several.error?.message).toMatch(
      /^name: Invalid input: expected string, received number/,
    );
  });
});

describe("a subscription of something out of reach", () => {
  it("run.live of another tenant's run ends its stream with NOT_FOUND, not a server failure", async () => {
    const mine = await setup();
    const theirs = await setup();
    const run = await theirs.caller.run.start({
      workflowId: theirs.workflow.id,
      input: { name: "Ada" },
    });
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const input = encodeURIComponent(JSON.stringify(transformer.serialize({ runId: run.id })));
      const response = await GET(
        new Request(`http://localhost/api/trpc/run.live?input=${input}`, {
          headers: { authorization: `Bearer ${mine.secret}`, accept: "text/event-stream" },
        }),
      );
      const text = await response.text();
      expect(text).toMatch(/event: serialized-error/);
      expect(text).toMatch(/"code":"NOT_FOUND"/);
      expect(text).not.toMatch(/request id/);
      expect(errors).not.toHaveBeenCalledWith(
        expect.stringMatching(/^\[request /),
        expect.anything(),
      );
    } finally {
      errors.mockRestore();
    }
  });
});

describe("text a database cannot store", () => {
  it("NUL bytes and lone surrogates answer 400 naming the field, never SQL", async () => {
    const { workflow, secret } = await setup();
    for (const bad of ["a\u0000b", "a\uD800b", "\uDC00"]) {
      const answers = [
        await trpc(secret, "mutation", "workflow.rename", { id: workflow.id, name: bad }),
        await trpc(secret, "mutation", "run.start", {
          workflowId: workflow.id,
          input: { name: bad },
        }),
        await trpc(secret, "query", "workflow.list", { search: bad }),
        await trpc(secret, "query", "audit.list", { action: bad }),
        await trpc(secret, "mutation", "run.start", {
          workflowId: workflow.id,
          input: { [bad]: "key" },
        }),
      ];
      for (const answer of answers) {
        expect(answer.status, answer.text).toBe(400);
        expect(answer.error?.message).toMatch(/NUL character|unpaired surrogate/);
        expect(answer.text).not.toMatch(/select |insert into|update "|\$1/i);
      }
    }
  });

  it("the audit CSV refuses a NUL in a filter with 400 before streaming", async () => {
    const { secret } = await setup();
    const response = await auditExport(
      new Request(
        `http://localhost/api/audit/export?action=${encodeURIComponent("workflow\u0000")}`,
        { headers: { authorization: `Bearer ${secret}` } },
      ),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("application/json");
    const ok = await auditExport(
      new Request("http://localhost/api/audit/export?action=workflow.create", {
        headers: { authorization: `Bearer ${secret}` },
      }),
    );
    expect(ok.status).toBe(200);
  });
});

describe("a server failure", () => {
  const failing = router({
    boom: publicProcedure.query(() => {
      throw new Error(
        'Failed query: insert into "users" ("email") values ($1)\nparams: someone@example.test',
      );
    }),
  });

  it("answers over tRPC with a request id that its log line carries, and no SQL, parameters or stack", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const response = await fetchRequestHandler({
        endpoint: "/api/trpc",
        req: new Request("http://localhost/api/trpc/boom"),
        router: failing,
        createContext: () => createContext({ db: database.db, identity: null, meta: testMeta }),
      });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toMatch(/insert into|\$1|someone@example|stack/i);
      const { error } = JSON.parse(text) as { error: { json: NonNullable<Answer["error"]> } };
      const requestId = error.json.data.requestId!;
      expect(error.json.message).toBe(`Something went wrong (request id ${requestId}).`);
      expect(logged.mock.calls.some((args) => String(args[0]).includes(requestId))).toBe(true);
    } finally {
      logged.mockRestore();
    }
  });

  it("answers over REST the same way", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const response = toErrorResponse(
        new Error('Failed query: select * from "runs" where "id" = $1'),
      );
      expect(response.status).toBe(500);
      const { error } = (await response.json()) as {
        error: { message: string; requestId: string };
      };
      expect(error.message).toBe(`Something went wrong (request id ${error.requestId}).`);
      expect(JSON.stringify(error)).not.toMatch(/select|\$1/);
      expect(logged.mock.calls.some((args) => String(args[0]).includes(error.requestId))).toBe(
        true,
      );
    } finally {
      logged.mockRestore();
    }
  });
});

describe("depth and size", () => {
  it("nesting 5,000 deep answers 400 in saveDraft, import and createFromProposal", async () => {
    const { workflow, secret } = await setup();
    // As JSON text, which a script can send: serialisers (superjson's, JSON.stringify) recurse and cannot.
    const deep = `${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`;
    const send = (path: string, fields: string) =>
      trpc(secret, "mutation", path, null, `{"json":{${fields}}}`);
    const answers = [
      await send("workflow.saveDraft", `"id":"${workflow.id}","baseVersion":1,"document":${deep}`),
      await send("workflow.import", `"file":${deep}`),
      await send("autonomy.createFromProposal", `"task":"Echo","document":${deep}`),
      await send("run.start", `"workflowId":"${workflow.id}","input":{"name":${deep}}`),
    ];
    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(400);
      expect(answer.error?.message).toMatch(/nested deeper than 64 levels/);
    }
    expect((await trpc(secret, "mutation", "workflow.import", { file: nested(60) })).status).toBe(
      400,
    ); // not a workflow file, but parsed
  });

  it("a body over 6 MiB answers 413 without being read; a 5 MB draft still fits", async () => {
    const { workflow, secret } = await setup();
    const huge = await trpc(
      secret,
      "mutation",
      "workflow.rename",
      null,
      JSON.stringify({ json: { id: workflow.id, name: "x".repeat(7 * 1024 * 1024) } }),
    );
    expect(huge.status).toBe(413);
    expect(huge.error?.message).toMatch(/larger than 6 MiB/);
    const opened = (await trpc(secret, "query", "workflow.get", { id: workflow.id })).data as {
      document: { nodes: { id: string; config: object }[] };
      version: number;
    };
    const big = opened.document.nodes.map((n) =>
      n.id === "greet" ? { ...n, config: { ...n.config, notes: "y".repeat(4 * 1024 * 1024) } } : n,
    );
    const saved = await trpc(secret, "mutation", "workflow.saveDraft", {
      id: workflow.id,
      baseVersion: opened.version,
      document: { ...opened.document, nodes: big },
    });
    expect(saved.status, saved.text.slice(0, 300)).toBe(200);
  });

  it("a run input over 256 KiB and tool arguments over 256 KiB answer 400", async () => {
    const { workflow, secret } = await setup();
    const run = await trpc(secret, "mutation", "run.start", {
      workflowId: workflow.id,
      input: { name: "z".repeat(300 * 1024) },
    });
    expect(run.status).toBe(400);
    expect(run.error?.message).toMatch(/run input .*larger than 256 KiB/);
    const tool = await trpc(secret, "mutation", "mcp.runTool", {
      id: crypto.randomUUID(),
      tool: "echo",
      args: { text: "z".repeat(300 * 1024) },
    });
    expect(tool.status).toBe(400);
    expect(tool.error?.message).toMatch(/arguments .*larger than 256 KiB/);
  });
});

describe("superjson meta a client may forge", () => {
  it("a BigInt, a Map or a bad Date where JSON belongs answers 400", async () => {
    const { workflow, secret } = await setup();
    const forged = [
      {
        path: "workflow.import",
        body: { json: { file: "1" }, meta: { values: { file: ["bigint"] }, v: 1 } },
      },
      {
        path: "workflow.import",
        body: { json: { file: { format: "x" } }, meta: { values: { file: ["bigint"] }, v: 1 } },
      },
      {
        path: "workflow.import",
        body: { json: { file: [["a", 1]] }, meta: { values: { file: ["map"] }, v: 1 } },
      },
      {
        path: "run.start",
        body: {
          json: { workflowId: workflow.id, input: "nope" },
          meta: { values: { input: ["Date"] }, v: 1 },
        },
      },
      {
        path: "run.start",
        body: {
          json: { workflowId: workflow.id, input: { name: "1" } },
          meta: { values: { "input.name": ["bigint"] }, v: 1 },
        },
      },
    ];
    for (const { path, body } of forged) {
      const answer = await trpc(secret, "mutation", path, null, JSON.stringify(body));
      expect(answer.status, `${path} ${answer.text}`).toBe(400);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The bad-input guard over HTTP (fixed seeds; inputs from server/testing/bad-input.ts).
// ---------------------------------------------------------------------------------------------

const SEED = 1616;

async function judgeResponse(label: string, response: Response): Promise<string | null> {
  // A subscription that was accepted streams until aborted: its status is the answer.
  const text = response.headers.get("content-type")?.includes("event-stream")
    ? ""
    : await response.text();
  if (response.status >= 500) return `${label}: ${response.status} ${text.slice(0, 300)}`;
  if (SQL_TEXT.test(text)) return `${label}: SQL in the answer ${text.slice(0, 300)}`;
  return null;
}

function rawCall(
  secret: string,
  path: string,
  type: AnyProcedure["_def"]["type"],
  body: string,
): Promise<Response> {
  const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
  const signal = AbortSignal.timeout(5_000);
  return type === "mutation"
    ? POST(
        new Request(`http://localhost/api/trpc/${path}`, { method: "POST", headers, body, signal }),
      )
    : GET(
        new Request(`http://localhost/api/trpc/${path}?input=${encodeURIComponent(body)}`, {
          headers,
          signal,
        }),
      );
}

describe("the bad-input guard over HTTP", () => {
  let guarded: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    guarded = await setup();
    await guarded.caller.run.start({ workflowId: guarded.workflow.id, input: { name: "before" } });
  });

  it("forged superjson meta (BigInt, Date, Map, unknown types, polluting paths) answers 4xx on every procedure, never SQL", async () => {
    const failures: string[] = [];
    for (const [index, [path, procedure]] of PROCEDURES.entries()) {
      // Random ids: nothing of the guarded tenant is named, so no call can delete what the pages below read.
      const sample = sampleFor(path, procedure, null);
      try {
        await fc.assert(
          fc.asyncProperty(forgedMeta, async (forged) => {
            const body = forgedBody(sample, forged);
            const problem = await judgeResponse(
              `${path} ${body.slice(0, 200)}`,
              await rawCall(guarded.secret, path, procedure._def.type, body),
            );
            if (problem) throw new Error(problem);
          }),
          { seed: SEED + index, numRuns: 3, endOnFailure: true },
        );
      } catch (error) {
        failures.push(`${path}: ${(error as Error).message.split("\n").slice(0, 6).join(" | ")}`);
      }
    }
    // Bodies no client library would send.
    const deepArray = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    for (const body of [
      "{",
      "[]",
      '{"json":',
      `{"json":${deepArray}}`,
      '{"json":{},"meta":{"values":{"a.b.c":[["bigint"]]}}}',
      '{"json":{},"meta":{"referentialEqualities":{"__proto__":["a"]}}}',
    ]) {
      const problem = await judgeResponse(
        `workflow.import ${body.slice(0, 60)}`,
        await rawCall(guarded.secret, "workflow.import", "mutation", body),
      );
      if (problem) failures.push(problem);
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it("generated bad bodies to POST /api/v1/runs answer 4xx, never SQL", async () => {
    const valid = { workflowId: guarded.workflow.id, input: { name: "Ada" } };
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(spoilsFor(valid), async (spoil) => {
        let body: string;
        try {
          body = JSON.stringify(applySpoil(valid, spoil));
        } catch {
          body = `{"workflowId":"${valid.workflowId}","input":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`; // too deep for JSON.stringify
        }
        const response = await restPost(
          new Request("http://localhost/api/v1/runs", {
            method: "POST",
            headers: {
              authorization: `Bearer ${guarded.secret}`,
              "content-type": "application/json",
            },
            body,
          }),
          { params: Promise.resolve({ path: ["runs"] }) },
        );
        const problem = await judgeResponse(
          `POST /api/v1/runs ${JSON.stringify(spoil).slice(0, 200)}`,
          response,
        );
        if (problem) failures.push(problem);
      }),
      { seed: SEED, numRuns: 40 },
    );
    expect(failures).toEqual([]);
  }, 120_000);

  it("afterwards the tenant's lists and every workflow and run page load through the route handler", async () => {
    const pages: [string, unknown][] = [
      ["workflow.list", {}],
      ["run.list", {}],
      ["audit.list", {}],
    ];
    for (const { id } of (await guarded.caller.run.list({ limit: 100 })).items)
      pages.push(["run.get", { id }]);
    for (const { id } of (await guarded.caller.workflow.list({ limit: 100 })).items)
      pages.push(["workflow.get", { id }], ["workflow.export", { id }]);
    expect(pages.length).toBeGreaterThan(5);
    for (const [path, input] of pages) {
      const answer = await trpc(guarded.secret, "query", path, input);
      expect(answer.status, `${path} ${JSON.stringify(input)}: ${answer.text.slice(0, 300)}`).toBe(
        200,
      );
    }
  }, 60_000);
});
