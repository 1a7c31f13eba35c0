import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_ENTRIES } from "../engine/autonomy/__fixtures__/catalog";
import { analyzeTask } from "../engine/autonomy/analyze-task";
import { decidePattern } from "../engine/autonomy/decide-pattern";
import { planWorkflow } from "../engine/autonomy/plan-workflow";
import {
  buildDiscoveryIndex,
  discoverServers,
  toCatalogEntryInput,
} from "../engine/autonomy/server-discovery";
import { trainTaskModels } from "../engine/autonomy/train-task-models";
import type { Pattern } from "../engine/autonomy/vocabulary";
import { compileWorkflow } from "../engine/compiler/compile-workflow";
import { BUILTIN_CATALOG } from "../server/mcp/builtin-catalog";
import { loadWriters } from "../bench/autonomy-corpus";
import { builtinDiscoveryIndex, runLine } from "./autonomy";

const root = join(__dirname, "..");
/** The labelled development set (a copy of shared/data/autonomy-dev-tasks.jsonl, so a clone tests on its own). */
const devPath = join(root, "engine/autonomy/__fixtures__/dev-tasks.jsonl");
type DevTask = { task: string; servers: string[]; pattern: Pattern };
const devTasks: DevTask[] = readFileSync(devPath, "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as DevTask);
const index = builtinDiscoveryIndex();

describe("the engine's catalog fixture", () => {
  it("matches the real built-in catalog", () => {
    const real = BUILTIN_CATALOG.map((e) => toCatalogEntryInput(e.serverJson, e.tools, true));
    expect(BUILTIN_ENTRIES).toEqual(real);
  });
});

/**
 * The learned models scored on a writer they were not trained on: trained here on every other
 * writer (bench/autonomy-corpus.ts), as bench:autonomy does for each writer in turn.
 */
function heldOut(writer: string) {
  const writers = loadWriters();
  const others = Object.entries(writers).filter(([name]) => name !== writer);
  // Its thresholds too are picked on the other writers only (trainTaskModels' inner folds).
  const models = trainTaskModels(
    others.flatMap(([, tasks]) => tasks),
    buildDiscoveryIndex(BUILTIN_ENTRIES, { model: null }),
    { writers: others.flatMap(([name, tasks]) => tasks.map(() => name)) },
  );
  const heldIndex = buildDiscoveryIndex(BUILTIN_ENTRIES, { model: models.servers });
  let found = 0;
  let wanted = 0;
  let correct = 0;
  let none = 0;
  let noneKept = 0;
  const tasks = writers[writer] ?? [];
  for (const { task, servers, pattern } of tasks) {
    // Read with the models trained without this writer (the committed ones were trained on it).
    const features = analyzeTask(task, models);
    const listed = discoverServers(heldIndex, features).candidates.map((s) => s.shortName);
    wanted += servers.length;
    found += servers.filter((s) => listed.includes(s)).length;
    if (servers.length === 0) {
      none++;
      if (listed.length === 0) noneKept++;
    }
    if (decidePattern(features, { model: models.patterns }).pattern === pattern) correct++;
  }
  return {
    tasks: tasks.length,
    recall: found / wanted,
    accuracy: correct / tasks.length,
    noServer: noneKept / none,
  };
}

describe("the learned models on writers they were not trained on", () => {
  // Training with its inner cross-validation takes four trainings over ~1,600 tasks.
  it(
    "the issue's dev set: top-3 server recall ≥ 0.95, pattern accuracy ≥ 0.85",
    { timeout: 180_000 },
    () => {
      const dev = heldOut("dev");
      expect(dev.tasks).toBe(30);
      expect(dev.recall).toBeGreaterThanOrEqual(0.95);
      expect(dev.accuracy).toBeGreaterThanOrEqual(0.85);
      expect(dev.noServer).toBeGreaterThanOrEqual(0.8);
    },
  );

  it(
    "an independent writer's corpus: pattern accuracy ≥ 0.85, top-3 recall ≥ 0.78",
    { timeout: 180_000 },
    () => {
      const lab = heldOut("lab");
      expect(lab.tasks).toBeGreaterThanOrEqual(250);
      expect(lab.accuracy).toBeGreaterThanOrEqual(0.85);
      // 0.80 with every threshold picked on the other writers and lab read by models trained
      // without it (0.857 before, when thresholds had been chosen with lab's figures in view).
      expect(lab.recall).toBeGreaterThanOrEqual(0.78);
      expect(lab.noServer).toBeGreaterThanOrEqual(0.6);
    },
  );
});

describe("the dev set (engine/autonomy/__fixtures__/dev-tasks.jsonl)", () => {
  it("lists no server for tasks that need none", () => {
    for (const { task, servers } of devTasks.filter((t) => t.servers.length === 0)) {
      expect(
        discoverServers(index, analyzeTask(task)).candidates.map((s) => s.shortName),
        task,
      ).toEqual(servers);
    }
  });

  it("plans a document that compiles against the built-in tools for every dev task", () => {
    const toolCatalog = Object.fromEntries(index.entries.map((e) => [e.shortName, [...e.tools]]));
    for (const { task } of devTasks) {
      const result = compileWorkflow(planWorkflow(task, { index }).document, { toolCatalog });
      expect(result.ok ? [] : result.errors, task).toEqual([]);
    }
  });
});

describe("runLine", () => {
  it("answers a task with its servers and pattern", () => {
    const result = runLine(
      "analyze",
      JSON.stringify({ task: "Save https://lobste.rs titles into a file called today.md" }),
      1,
      index,
    );
    const output = result.ok === true ? (JSON.parse(result.output) as Record<string, unknown>) : {};
    expect(Object.keys(output)).toEqual(["task", "servers", "pattern"]);
    expect(output).toMatchObject({
      task: "Save https://lobste.rs titles into a file called today.md",
      pattern: "chain",
    });
    // Up to three candidates, best first: the page's server and the file's are among them.
    expect(output.servers).toEqual(expect.arrayContaining(["fetch", "filesystem"]));
    expect((output.servers as string[]).length).toBeLessThanOrEqual(3);
  });

  it("reports bad lines by number and skips blank ones", () => {
    expect(runLine("analyze", "{oops", 3, index)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^line 3: not JSON/),
    });
    expect(runLine("analyze", '{"text":"x"}', 4, index)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^line 4: expected/),
    });
    expect(runLine("analyze", "[1]", 5, index)).toMatchObject({ ok: false });
    expect(runLine("analyze", "   ", 6, index)).toEqual({ ok: "skip" });
  });

  it("plans a document on request", () => {
    const result = runLine(
      "plan",
      JSON.stringify({ task: "Summarize the schema of inventory.db" }),
      1,
      index,
    );
    const parsed = result.ok === true ? JSON.parse(result.output) : null;
    expect(parsed).toMatchObject({ pattern: "single", servers: ["sqlite"] });
    expect(parsed.document.nodes.map((n: { id: string }) => n.id)).toEqual([
      "request",
      "worker",
      "result",
    ]);
  });
});

describe("npm run autonomy (spawned)", () => {
  const tsx = join(root, "node_modules/.bin/tsx");
  const script = join(root, "scripts/autonomy.ts");

  it("writes only JSON lines, reports bad lines on stderr and exits 1", () => {
    const input = [
      '{"task":"Summarize the schema of inventory.db"}',
      "not json",
      "",
      '{"task":"Write a haiku about autumn"}',
    ].join("\n");
    const run = spawnSync(tsx, [script, "analyze"], {
      cwd: root,
      input,
      encoding: "utf8",
      timeout: 60_000,
    });
    const lines = run.stdout.trim().split("\n");
    // `servers` ranks up to three candidates, the one the task surely needs first.
    const [schema, haiku] = lines.map(
      (line) => JSON.parse(line) as { task: string; servers: string[]; pattern: string },
    );
    expect(lines).toHaveLength(2);
    expect(schema).toMatchObject({
      task: "Summarize the schema of inventory.db",
      pattern: "single",
    });
    expect(schema?.servers[0]).toBe("sqlite");
    expect(schema?.servers.length).toBeLessThanOrEqual(3);
    expect(haiku).toEqual({ task: "Write a haiku about autumn", servers: [], pattern: "single" });
    expect(run.stderr).toMatch(/line 2: not JSON/);
    expect(run.status).toBe(1);
  }, 60_000);

  it("prints usage and exits 2 for an unknown subcommand", () => {
    const run = spawnSync(tsx, [script, "predict"], {
      cwd: root,
      input: "",
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^usage: /);
  }, 60_000);
});
