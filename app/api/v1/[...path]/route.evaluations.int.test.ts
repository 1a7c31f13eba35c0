import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeNode, makeWorkflow } from "@/engine/examples";
import { getEnv } from "@/server/env";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { evaluationSettled } from "@/server/services/evaluations";
import { useAppGlobals } from "@/server/testing/app-globals";
import { applySpoil, spoilsFor, SQL_TEXT } from "@/server/testing/bad-input";
import { createTestDatabase } from "@/server/testing/database";
import { greetingWorkflow, makeMemberCaller } from "@/server/testing/factories";
import { GET, POST } from "./route";

/**
 * The REST endpoints for evaluations (issue 17) as `npm run eval` and scripts call them: real
 * Requests into the route handler, a real database and run system.
 */
type Database = Awaited<ReturnType<typeof createTestDatabase>>;
let database: Database;
let system: RunSystem;
beforeAll(async () => {
  database = await createTestDatabase();
  system = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `rest-eval-test-${randomBytes(4).toString("hex")}`,
  });
  await system.startWorkers(4);
  useAppGlobals(database, system);
});
afterAll(async () => {
  await system?.close();
  await database?.close();
});

const worse = makeWorkflow({
  ...greetingWorkflow,
  nodes: greetingWorkflow.nodes.map((node) =>
    node.id === "greet"
      ? makeNode("transform", "greet", { template: { message: "Hi, {{input.name}}!" } })
      : node,
  ),
});

async function setup() {
  const { caller } = await makeMemberCaller(database.db, "owner");
  const workflow = await caller.workflow.create({
    name: `Greeting ${randomBytes(3).toString("hex")}`,
  });
  const { version } = await caller.workflow.get({ id: workflow.id });
  await caller.workflow.saveDraft({
    id: workflow.id,
    baseVersion: version,
    document: { ...greetingWorkflow, name: workflow.name },
  });
  await caller.workflow.publish({ workflowId: workflow.id });
  const dataset = await caller.dataset.create({
    workflowId: workflow.id,
    name: "Greetings",
    evaluators: [{ id: "exact", kind: "exact-match", outputPath: "greeting.message" }],
  });
  await caller.dataset.addItems({
    datasetId: dataset.id,
    items: ["Ada", "Grace"].map((name) => ({
      id: name.toLowerCase(),
      input: { name },
      reference: `Hello, ${name}!`,
    })),
  });
  const { secret } = await caller.token.create({
    name: "ci",
    scopes: ["workflows:write"],
    expiry: { in: "never" },
  });
  const { secret: readOnly } = await caller.token.create({
    name: "reader",
    scopes: ["workflows:read"],
    expiry: { in: "never" },
  });
  return { caller, workflow, dataset, secret, readOnly };
}

const paramsOf = (path: string) => ({
  params: Promise.resolve({ path: path.split("?")[0]!.split("/").filter(Boolean) }),
});
const get = (secret: string, path: string) =>
  GET(
    new Request(`http://localhost/api/v1/${path}`, {
      headers: { authorization: `Bearer ${secret}` },
    }),
    paramsOf(path),
  );
const post = (secret: string, body: unknown) =>
  POST(
    new Request("http://localhost/api/v1/evaluations", {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    paramsOf("evaluations"),
  );

describe("REST: workflows, datasets and evaluations", () => {
  it("finds a workflow by name, lists its datasets, runs an evaluation by dataset name and reads its summary", async () => {
    const { workflow, dataset, secret } = await setup();
    const byName = await get(secret, `workflows?name=${encodeURIComponent(workflow.name)}`);
    expect(byName.status).toBe(200);
    expect((await byName.json()).items).toEqual([
      expect.objectContaining({ id: workflow.id, name: workflow.name, publishedVersion: 1 }),
    ]);
    expect((await (await get(secret, "workflows?name=no-such-workflow")).json()).items).toEqual([]);

    const datasets = await get(secret, `workflows/${workflow.id}/datasets`);
    expect((await datasets.json()).items).toEqual([
      expect.objectContaining({
        id: dataset.id,
        name: "Greetings",
        latestVersion: 2,
        itemCount: 2,
        evaluators: 1,
      }),
    ]);

    const started = await post(secret, {
      workflowId: workflow.id,
      dataset: "Greetings",
      version: 1,
      concurrency: 2,
    });
    expect(started.status).toBe(202);
    const body = await started.json();
    expect(body).toMatchObject({
      status: "running",
      draft: false,
      workflowVersion: 1,
      dataset: { id: dataset.id, version: 2 },
      progress: { total: 2 },
    });
    expect(started.headers.get("location")).toBe(`/api/v1/evaluations/${body.id}`);

    await evaluationSettled(body.id);
    const read = await get(secret, `evaluations/${body.id}`);
    expect(await read.json()).toMatchObject({
      status: "completed",
      score: 1,
      items: 2,
      passed: 2,
      failedItems: [],
      progress: { total: 2, finished: 2 },
    });

    const list = await get(secret, `evaluations?workflowId=${workflow.id}`);
    expect((await list.json()).items).toEqual([
      expect.objectContaining({ id: body.id, status: "completed", score: 1 }),
    ]);
  });

  it("evaluates the draft by dataset id and lists the items that failed with each evaluator's reason", async () => {
    const { caller, workflow, dataset, secret } = await setup();
    const head = await caller.workflow.get({ id: workflow.id });
    await caller.workflow.saveDraft({
      id: workflow.id,
      document: worse,
      baseVersion: head.version,
    });
    const started = await post(secret, {
      workflowId: workflow.id,
      dataset: dataset.id,
      draft: true,
    });
    expect(started.status).toBe(202);
    const { id } = await started.json();
    await evaluationSettled(id);
    const body = await (await get(secret, `evaluations/${id}`)).json();
    expect(body).toMatchObject({ status: "completed", draft: true, score: 0, items: 2, passed: 0 });
    expect(body.failedItems.map((item: { itemId: string }) => item.itemId).sort()).toEqual([
      "ada",
      "grace",
    ]);
    expect(body.failedItems[0].reasons[0]).toMatchObject({ evaluatorId: "exact", score: 0 });
  });

  it("answers bad requests with a clear 4xx, keeps tenants apart and needs the workflows:write scope to start", async () => {
    const { workflow, dataset, secret, readOnly } = await setup();
    const other = await setup();
    const expectError = async (response: Response, status: number, message?: RegExp) => {
      expect(response.status).toBe(status);
      const body = await response.json();
      if (message) expect(body.error.message).toMatch(message);
      return body;
    };
    await expectError(await post(secret, "{not json"), 400);
    await expectError(await post(secret, { workflowId: workflow.id }), 400);
    await expectError(
      await post(secret, {
        workflowId: workflow.id,
        dataset: "Greetings",
        version: 1,
        draft: true,
      }),
      400,
    );
    await expectError(
      await post(secret, { workflowId: workflow.id, dataset: "Greetings", concurrency: 99 }),
      400,
    );
    await expectError(
      await post(secret, { workflowId: workflow.id, dataset: "Greetings", surprise: 1 }),
      400,
    );
    await expectError(
      await post(secret, { workflowId: workflow.id, dataset: "Nope" }),
      404,
      /no dataset "Nope" \(it has "Greetings"\)/,
    );
    await expectError(
      await post(secret, { workflowId: workflow.id, dataset: "Greetings", version: 9 }),
      404,
      /no published version 9/,
    );
    await expectError(
      await post(secret, { workflowId: workflow.id, dataset: "Greetings", datasetVersion: 9 }),
      404,
    );
    await expectError(await post(readOnly, { workflowId: workflow.id, dataset: "Greetings" }), 403);
    await expectError(
      await post("mst_unknown", { workflowId: workflow.id, dataset: "Greetings" }),
      401,
    );
    // Another tenant's workflow, dataset and evaluation are not found.
    await expectError(
      await post(other.secret, { workflowId: workflow.id, dataset: dataset.id }),
      404,
    );
    await expectError(await get(other.secret, `workflows/${workflow.id}/datasets`), 404);
    await expectError(await get(other.secret, `evaluations?workflowId=${workflow.id}`), 404);
    const mine = await (
      await post(secret, { workflowId: workflow.id, dataset: "Greetings" })
    ).json();
    await evaluationSettled(mine.id);
    await expectError(await get(other.secret, `evaluations/${mine.id}`), 404);
    const cancel = (secret: string, id: string) =>
      POST(
        new Request(`http://localhost/api/v1/evaluations/${id}/cancel`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}` },
        }),
        paramsOf(`evaluations/${id}/cancel`),
      );
    await expectError(await cancel(other.secret, mine.id), 404);
    await expectError(await cancel(secret, mine.id), 409, /already ended \(completed\)/);
    await expectError(await cancel(secret, "nope"), 404);
    await expectError(await get(secret, "evaluations/not-a-uuid"), 404);
    await expectError(await get(secret, "workflows/not-a-uuid/datasets"), 404);
    await expectError(await get(secret, "evaluations"), 400);
    await expectError(await get(secret, "evaluations?workflowId=x"), 400);
    await expectError(
      await get(secret, `evaluations?workflowId=${workflow.id}&workflowId=${workflow.id}`),
      400,
    );
    await expectError(await get(secret, "workflows?limit=0"), 400);
    await expectError(await get(secret, "workflows?name="), 400);
  });

  it("generated bad bodies to POST /api/v1/evaluations answer 4xx, never SQL", async () => {
    const { workflow, secret } = await setup();
    const valid = { workflowId: workflow.id, dataset: "Greetings" };
    const failures: string[] = [];
    const started: string[] = [];
    await fc.assert(
      fc.asyncProperty(spoilsFor(valid), async (spoil) => {
        let body: string;
        try {
          body = JSON.stringify(applySpoil(valid, spoil));
        } catch {
          body = `{"workflowId":"${valid.workflowId}","dataset":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`; // too deep for JSON.stringify
        }
        const response = await post(secret, body);
        const text = await response.text();
        if (response.status === 202) started.push((JSON.parse(text) as { id: string }).id);
        else if (response.status >= 500 || response.status < 400 || SQL_TEXT.test(text))
          failures.push(
            `${JSON.stringify(spoil).slice(0, 200)} → ${response.status} ${text.slice(0, 200)}`,
          );
      }),
      { seed: 17, numRuns: 40 },
    );
    await Promise.all(started.map((id) => evaluationSettled(id)));
    expect(failures).toEqual([]);
  }, 120_000);
});
