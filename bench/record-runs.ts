/**
 * Records real runs of the demo's workflows for bench:predict's `recorded.app` set (issue 24):
 * starts the production build (`npm start`, as bench/http.ts does) on its own port with a fresh
 * embedded data folder (the demo seed), makes a fake OpenAI-compatible server on loopback the Demo
 * tenant's model (no real model can run here; it answers after a delay, and the delay grows half
 * way through, as a provider that got slower), prices its model, installs the offline Everything
 * MCP server, publishes the demo's workflows and runs them through the REST API in a seeded random
 * order, approving or refusing the expense claims after a human-like pause. Every run is the app's
 * own: its engine, queue, workers, MCP pool and price table. It then reads each run back
 * (`GET /api/v1/runs/{id}`) and writes them, in the order they started, to
 * bench/__fixtures__/recorded-runs.json: workflow, version (v1, v2 in the order seen), task class
 * and strategy (the app's own `profileVersion` of the workflow's words and document), status,
 * started and finished, tokens and cost. The seeded month of demo runs is not in it: only runs
 * this script started.
 *   npx tsx bench/record-runs.ts [--minutes=6] [--seed=24]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRng, type Rng } from "../engine/learning/random";
import { startFakeOpenAiServer } from "../server/llm/testing/fake-openai-server";
import { demoWorkflows } from "../server/demo-workflows";
import { profileVersion } from "../server/services/outcome-recorder";
import { workflowShape } from "../engine/learning/workflow-shape";
import { loadWorkflowDocument } from "../engine/schema/load-workflow-document";
import type { RecordedRun, RecordedRuns } from "../engine/learning/replay/recorded-history";
import { appClient, startApp as startAppAt } from "./app-client";

const root = join(__dirname, "..");
const PORT = Number(process.env.RECORD_PORT ?? 3392);
const BASE = `http://127.0.0.1:${PORT}`;
const DATA_DIR = join(root, ".tmp", "record-runs");
const OUT = join(root, "bench", "__fixtures__", "recorded-runs.json");

const arg = (name: string, fallback: number) => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.slice(name.length + 3)) : fallback;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const startApp = () =>
  startAppAt({
    port: PORT,
    dataDir: DATA_DIR,
    env: { RATE_LIMIT_PER_TOKEN: "100000", RATE_LIMIT_PER_USER: "100000" },
  });

const { signIn, trpc } = appClient(BASE);

type RunBody = {
  id: string;
  status: string;
  workflow: { id: string; name: string };
  versionId: string | null;
  isDraft: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  tokens: { input: number; output: number };
  costUsd: number;
  unpricedTokens: number;
};

const FINISHED = new Set(["completed", "failed", "cancelled"]);

/** What each workflow is given, drawn per run. */
const INPUTS: Record<string, (rng: Rng, i: number) => unknown> = {
  "Welcome a new teammate": (_, i) => ({ name: `Ada ${i}` }),
  "Approve an expense": (rng, i) => ({
    item: `train ticket ${i}`,
    amount: Math.round(20 + rng() * 400),
  }),
  "Process a slow batch": (_, i) => ({ name: `batch ${i}` }),
  "Research a topic and write a brief": (_, i) => ({
    topic: `tides and harbours ${i}`,
    audience: "harbour masters",
  }),
  "Triage a support ticket": (rng, i) => ({
    subject: rng() < 0.5 ? `I was charged twice (${i})` : `Cannot sign in (${i})`,
    body: "Please help.",
    customerEmail: "someone@example.test",
  }),
};
/** How often each is picked (the slow batch runs beside the others, one at a time). */
const WEIGHTS: [string, number][] = [
  ["Welcome a new teammate", 5],
  ["Approve an expense", 2],
  ["Research a topic and write a brief", 2],
  ["Triage a support ticket", 3],
];

async function main() {
  const seed = arg("seed", 24);
  const minutes = arg("minutes", 6);
  const rng = createRng(seed);
  const fast = await startFakeOpenAiServer({
    answer: "Noted: tides rise twice a day.",
    delayMs: 300,
  });
  const slow = await startFakeOpenAiServer({
    answer: "Noted: tides rise twice a day.",
    delayMs: 1_200,
  });
  const app = await startApp();
  try {
    const cookie = { cookie: await signIn("owner@demo.test", "demo-owner-pass") };
    const { secret } = await trpc<{ secret: string }>(cookie, "token.create", {
      name: "record-runs",
      scopes: ["runs:write", "workflows:write"],
      expiry: { in: "never" },
    });
    const auth = { authorization: `Bearer ${secret}` };
    const setModelServer = (baseUrl: string) =>
      trpc(cookie, "llm.save", {
        provider: "openai-compatible",
        baseUrl,
        defaultModel: "fake-model",
      });
    await setModelServer(fast.baseURL);
    await trpc(cookie, "llm.setPrices", {
      provider: "openai-compatible",
      prices: [{ model: "fake-model", inputPerMillion: 0.5, outputPerMillion: 1.5 }],
    });
    const { items: entries } = await trpc<{ items: { id: string; title: string }[] }>(
      cookie,
      "mcp.listCatalog",
      { search: "Everything" },
      "GET",
    );
    const everything = entries.find((e) => e.title === "Everything");
    if (!everything) throw new Error("The catalog has no Everything server");
    await trpc(cookie, "mcp.install", { catalogEntryId: everything.id, name: "everything" });

    const documents = new Map(demoWorkflows().demo.map((w) => [w.name, w]));
    const ids = new Map<string, string>();
    for (const name of documents.keys()) {
      const { items } = await trpc<{ items: { id: string; name: string }[] }>(
        auth,
        "workflow.list",
        { search: name },
        "GET",
      );
      const workflow = items.find((w) => w.name === name);
      if (!workflow) throw new Error(`No demo workflow named ${name}`);
      ids.set(name, workflow.id);
      await trpc(auth, "workflow.publish", { workflowId: workflow.id });
    }

    const started: string[] = [];
    let n = 0;
    const start = async (name: string, wait: number) => {
      const response = await fetch(`${BASE}/api/v1/runs`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ workflowId: ids.get(name), input: INPUTS[name]!(rng, n++), wait }),
      });
      const body = (await response.json()) as { id?: string; status?: string };
      if (!body.id) throw new Error(`${name} did not start: ${JSON.stringify(body)}`);
      started.push(body.id);
      return body.id;
    };
    const read = async (id: string) =>
      (await (await fetch(`${BASE}/api/v1/runs/${id}`, { headers: auth })).json()) as RunBody;
    const until = async (id: string, done: (run: RunBody) => boolean) => {
      for (;;) {
        const run = await read(id);
        if (done(run)) return run;
        await sleep(100);
      }
    };

    const end = Date.now() + minutes * 60_000;
    let slowedDown = false;
    // The slow batch, one run at a time beside the rest.
    const batches = (async () => {
      while (Date.now() < end - 25_000) {
        const id = await start("Process a slow batch", 0);
        await until(id, (run) => FINISHED.has(run.status));
        await sleep(rng() * 5_000);
      }
    })();
    const total = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
    while (Date.now() < end) {
      if (!slowedDown && Date.now() > end - (minutes * 60_000) / 2) {
        await setModelServer(slow.baseURL); // the provider got slower half way
        slowedDown = true;
      }
      let pick = rng() * total;
      const name = WEIGHTS.find(([, w]) => (pick -= w) < 0)?.[0] ?? WEIGHTS[0]![0];
      // A burst of one to four runs of it, as a person or a script would start them.
      const burst = 1 + Math.floor(rng() * 4);
      for (let i = 0; i < burst; i++) {
        if (name === "Approve an expense") {
          const id = await start(name, 0);
          await until(id, (run) => run.status === "waiting" || FINISHED.has(run.status));
          await sleep(300 + rng() * 4_000); // the manager reads the claim
          await trpc(cookie, "run.decide", {
            runId: id,
            stepId: "manager",
            approved: rng() < 0.8,
          }).catch(() => undefined);
          await until(id, (run) => FINISHED.has(run.status));
        } else {
          const id = await start(name, 60);
          await until(id, (run) => FINISHED.has(run.status));
        }
      }
      await sleep(rng() * 1_500);
    }
    await batches;

    const versions = new Map<string, string>();
    const perWorkflow = new Map<string, number>();
    const recorded: RecordedRun[] = [];
    for (const id of started) {
      const run = await read(id);
      if (!run.startedAt || !run.finishedAt || !FINISHED.has(run.status)) continue;
      const key = run.isDraft ? "draft" : (run.versionId ?? "draft");
      let version = versions.get(key);
      if (!version) {
        const k = (perWorkflow.get(run.workflow.name) ?? 0) + 1;
        perWorkflow.set(run.workflow.name, k);
        versions.set(key, (version = `v${k}`));
      }
      const w = documents.get(run.workflow.name)!;
      const profile = profileVersion(w, w.document);
      recorded.push({
        workflow: run.workflow.name,
        version,
        taskClass: profile.taskClass,
        strategyId: profile.strategyId,
        shape: workflowShape(loadWorkflowDocument(w.document)),
        status: run.status as RecordedRun["status"],
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        durationMs: run.durationMs ?? Date.parse(run.finishedAt) - Date.parse(run.startedAt),
        tokens: run.tokens.input + run.tokens.output,
        costUsd: run.costUsd,
      });
    }
    recorded.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    const file: RecordedRuns = {
      recordedWith: `npx tsx bench/record-runs.ts --minutes=${minutes} --seed=${seed}`,
      note: "Runs the app itself ran (npm start, embedded database, its engine, queue and workers): the Demo tenant's workflows through POST /api/v1/runs; the model is a fake OpenAI-compatible server on loopback answering after 300 ms, then 1.2 s from half way; the expense claims decided by this script after a 0.3-4.3 s pause; the slow batch on the offline Everything MCP server. Not the seeded demo history.",
      runs: recorded,
    };
    mkdirSync(join(root, "bench", "__fixtures__"), { recursive: true });
    // One run a line: small, and a re-recording diffs line by line.
    const lines = file.runs.map((run) => `  ${JSON.stringify(run)}`).join(",\n");
    writeFileSync(
      OUT,
      `{\n "recordedWith": ${JSON.stringify(file.recordedWith)},\n "note": ${JSON.stringify(file.note)},\n "runs": [\n${lines}\n ]\n}\n`,
    );
    const counts: Record<string, Record<string, number>> = {};
    for (const r of recorded) {
      counts[r.workflow] ??= {};
      counts[r.workflow]![r.status] = (counts[r.workflow]![r.status] ?? 0) + 1;
    }
    console.log(JSON.stringify({ runs: recorded.length, counts }));
  } finally {
    try {
      process.kill(-app.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    await fast.close();
    await slow.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
