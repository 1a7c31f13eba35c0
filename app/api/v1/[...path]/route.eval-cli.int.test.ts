import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { createFakeLlm } from "@/engine/runtime/fake-ports";
import { getEnv } from "@/server/env";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { useAppGlobals } from "@/server/testing/app-globals";
import { createTestDatabase } from "@/server/testing/database";
import { greetingWorkflow, makeMemberCaller } from "@/server/testing/factories";
import { GET, POST } from "./route";

/**
 * `npm run -s eval` (scripts/eval.mjs) as CI runs it: a separate Node process calling, over
 * loopback HTTP, a small server in this process that hands every request to the app's real
 * /api/v1 route handler (real database and run system). Exit codes and the JSON line are checked.
 */
type Database = Awaited<ReturnType<typeof createTestDatabase>>;
/** A model whose every call waits until the test lets it go (the interrupted evaluation's runs). */
const held: (() => void)[] = [];
const heldLlm = createFakeLlm(
  () => new Promise<string>((resolve) => held.push(() => resolve("Hello"))),
);
let database: Database;
let system: RunSystem;
let server: Server;
let url: string;

beforeAll(async () => {
  database = await createTestDatabase();
  system = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `eval-cli-test-${randomBytes(4).toString("hex")}`,
    llm: () => heldLlm,
  });
  await system.startWorkers(4);
  useAppGlobals(database, system);
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([name, value]) =>
        typeof value === "string" ? [[name, value] as [string, string]] : [],
      ),
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const path = new URL(request.url).pathname
      .replace(/^\/api\/v1\/?/, "")
      .split("/")
      .filter(Boolean);
    const handler = req.method === "POST" ? POST : GET;
    const response = await handler(request, { params: Promise.resolve({ path }) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  held.forEach((release) => release());
  await new Promise((resolve) => server?.close(resolve));
  await system?.close();
  await database?.close();
});

function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  /** Called with the child and its stderr so far, each time it writes there. */
  onStderr?: (child: ChildProcess, stderr: string) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(process.cwd(), "scripts/eval.mjs"), ...args], {
      env: { NODE_ENV: "test", PATH: process.env.PATH, MAESTRO_POLL_MS: "100", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(child, stderr);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const lastJsonLine = (stdout: string) =>
  JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;

async function setup() {
  const { caller } = await makeMemberCaller(database.db, "owner");
  const name = `Greeting ${randomBytes(3).toString("hex")}`;
  const workflow = await caller.workflow.create({ name });
  const head = await caller.workflow.get({ id: workflow.id });
  await caller.workflow.saveDraft({
    id: workflow.id,
    baseVersion: head.version,
    document: { ...greetingWorkflow, name },
  });
  await caller.workflow.publish({ workflowId: workflow.id });
  const dataset = await caller.dataset.create({
    workflowId: workflow.id,
    name: "Greetings",
    evaluators: [{ id: "exact", kind: "exact-match", outputPath: "greeting.message" }],
  });
  await caller.dataset.addItems({
    datasetId: dataset.id,
    items: ["Ada", "Grace", "Alan"].map((n) => ({
      id: n.toLowerCase(),
      input: { name: n },
      reference: `Hello, ${n}!`,
    })),
  });
  const { secret } = await caller.token.create({
    name: "ci",
    scopes: ["workflows:write"],
    expiry: { in: "never" },
  });
  // The draft greets "Hi": every item fails the exact match; version 1 passes them all.
  const worse = makeWorkflow({
    ...greetingWorkflow,
    name,
    nodes: greetingWorkflow.nodes.map((node) =>
      node.id === "greet"
        ? makeNode("transform", "greet", { template: { message: "Hi, {{input.name}}!" } })
        : node,
    ),
  });
  const now = await caller.workflow.get({ id: workflow.id });
  await caller.workflow.saveDraft({ id: workflow.id, baseVersion: now.version, document: worse });
  return { name, workflow, secret, env: { MAESTRO_URL: url, MAESTRO_TOKEN: secret } };
}

describe("npm run eval (scripts/eval.mjs) against the app's REST handlers over HTTP", () => {
  it("exit 0 at or above --min-score, with the summary as one JSON object on the last line of stdout and progress on stderr", async () => {
    const { name, env } = await setup();
    const result = await runCli(
      ["run", "--workflow", name, "--version", "1", "--min-score", "0.9"],
      env,
    );
    expect(result.stderr).toMatch(
      /Evaluating version 1 of "Greeting .*" on "Greetings" v2 \(3 items\)/,
    );
    expect(result.stderr).toMatch(/completed: score 1, 3\/3 items passed/);
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({
      status: "completed",
      score: 1,
      items: 3,
      passed: 3,
      failedItems: [],
      minScore: 0.9,
      evaluationId: expect.any(String),
    });
  });

  it("exit 1 below --min-score: the draft by workflow id, its failed items listed", async () => {
    const { workflow, env } = await setup();
    const result = await runCli(
      ["run", "--workflow", workflow.id, "--draft", "--dataset", "Greetings", "--min-score", "0.5"],
      env,
    );
    expect(result.code).toBe(1);
    const summary = lastJsonLine(result.stdout);
    expect(summary).toMatchObject({ status: "completed", score: 0, items: 3, passed: 0 });
    expect((summary.failedItems as { itemId: string }[]).map((item) => item.itemId).sort()).toEqual(
      ["ada", "alan", "grace"],
    );
    expect(result.stderr).toMatch(/Below the minimum score 0.5/);
  });

  it("interrupted (SIGINT), it cancels the evaluation and exits 130", async () => {
    const { caller } = await makeMemberCaller(database.db, "owner");
    const name = `Slow ${randomBytes(3).toString("hex")}`;
    const workflow = await caller.workflow.create({ name });
    const head = await caller.workflow.get({ id: workflow.id });
    const slow = makeWorkflow({
      name,
      nodes: [
        makeNode("input", "in", {
          schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
        }),
        makeNode("llm", "answer", { prompt: "Answer {{input.name}}" }),
        makeNode("output", "out", { name: "answer" }),
      ],
      edges: chain("in", "answer", "out"),
    });
    await caller.workflow.saveDraft({ id: workflow.id, baseVersion: head.version, document: slow });
    const dataset = await caller.dataset.create({
      workflowId: workflow.id,
      name: "Slow",
      evaluators: [{ id: "answered", kind: "contains", values: ["Hello"] }],
    });
    await caller.dataset.addItems({
      datasetId: dataset.id,
      items: [{ input: { name: "Ada" } }, { input: { name: "Grace" } }],
    });
    const { secret } = await caller.token.create({
      name: "ci",
      scopes: ["workflows:write"],
      expiry: { in: "never" },
    });

    let interrupted = false;
    const result = await runCli(
      ["run", "--workflow", name, "--draft"],
      { MAESTRO_URL: url, MAESTRO_TOKEN: secret },
      (child, stderr) => {
        if (!interrupted && /0\/2 items/.test(stderr)) {
          interrupted = true;
          child.kill("SIGINT");
        }
      },
    );
    expect(result.stderr).toMatch(/Interrupted: cancelling the evaluation/);
    expect(result.code).toBe(130);
    const [evaluation] = await caller.evaluation.list({ workflowId: workflow.id });
    expect(evaluation).toMatchObject({ status: "cancelled" });
  });

  it("exit 2 with a readable message on bad usage and HTTP errors", async () => {
    const { name, env } = await setup();
    const usage = await runCli(["run", "--version", "1", "--draft", "--workflow", name], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--version or --draft, not both/);
    expect((await runCli(["run", "--workflow", name, "--min-score", "2"], env)).stderr).toMatch(
      /--min-score must be a number from 0 to 1/,
    );
    expect((await runCli(["run", "--workflow", name], { MAESTRO_URL: url })).stderr).toMatch(
      /Set MAESTRO_TOKEN/,
    );

    const unknown = await runCli(["run", "--workflow", "No such workflow"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No workflow named "No such workflow"/);
    const badDataset = await runCli(["run", "--workflow", name, "--dataset", "Nope"], env);
    expect(badDataset.code).toBe(2);
    expect(badDataset.stderr).toMatch(
      /answered 404: The workflow has no dataset "Nope" \(it has "Greetings"\)/,
    );
    const badToken = await runCli(["run", "--workflow", name], {
      ...env,
      MAESTRO_TOKEN: "mst_not_a_token",
    });
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toMatch(/answered 401/);
    expect(badToken.stdout).toBe("");
  });
});
