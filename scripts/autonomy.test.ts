import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_ENTRIES } from "../engine/autonomy/__fixtures__/catalog";
import { analyzeTask } from "../engine/autonomy/analyze-task";
import { decidePattern } from "../engine/autonomy/decide-pattern";
import { planWorkflow } from "../engine/autonomy/plan-workflow";
import { discoverServers, toCatalogEntryInput } from "../engine/autonomy/server-discovery";
import type { Pattern } from "../engine/autonomy/vocabulary";
import { compileWorkflow } from "../engine/compiler/compile-workflow";
import { BUILTIN_CATALOG } from "../server/mcp/builtin-catalog";
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

describe("the dev set (engine/autonomy/__fixtures__/dev-tasks.jsonl)", () => {
  it("meets the floors: top-3 server recall ≥ 0.95, pattern accuracy ≥ 0.85", () => {
    let found = 0;
    let wanted = 0;
    let correct = 0;
    for (const { task, servers, pattern } of devTasks) {
      const features = analyzeTask(task);
      const listed = discoverServers(index, features)
        .servers.map((s) => s.shortName)
        .slice(0, 3);
      wanted += servers.length;
      found += servers.filter((s) => listed.includes(s)).length;
      if (decidePattern(features).pattern === pattern) correct++;
    }
    expect(devTasks.length).toBe(30);
    expect(found / wanted).toBeGreaterThanOrEqual(0.95);
    expect(correct / devTasks.length).toBeGreaterThanOrEqual(0.85);
  });

  it("lists no server for tasks that need none", () => {
    for (const { task, servers } of devTasks.filter((t) => t.servers.length === 0)) {
      expect(
        discoverServers(index, analyzeTask(task)).servers.map((s) => s.shortName),
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
    expect(result.ok === true && JSON.parse(result.output)).toEqual({
      task: "Save https://lobste.rs titles into a file called today.md",
      servers: ["fetch", "filesystem"],
      pattern: "chain",
    });
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
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { task: "Summarize the schema of inventory.db", servers: ["sqlite"], pattern: "single" },
      { task: "Write a haiku about autumn", servers: [], pattern: "single" },
    ]);
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
