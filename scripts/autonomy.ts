/**
 * The autonomy core from the command line, over the real built-in catalog.
 *
 *   npm run -s autonomy -- analyze < tasks.jsonl   one line per task: {"task","servers","pattern"}
 *   npm run -s autonomy -- plan < tasks.jsonl      one line per task: the proposal with its document
 *   npm run -s autonomy -- train                   retrains the capability, pattern and server models from the
 *                                                  labelled corpus into engine/autonomy/models/
 *
 * Input: JSON lines `{"task": "..."}`. Output: only JSON lines on stdout, in input order; a bad
 * line is reported on stderr with its line number, the rest still run, and the exit code is 1.
 * `servers` lists the catalog short names the task most likely needs (0–3), best first: the
 * discovery candidates (the planner builds with those it is fairly sure of).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { analyzeTask } from "../engine/autonomy/analyze-task";
import { decidePattern } from "../engine/autonomy/decide-pattern";
import { planWorkflow } from "../engine/autonomy/plan-workflow";
import {
  buildDiscoveryIndex,
  discoverServers,
  toCatalogEntryInput,
  type DiscoveryIndex,
} from "../engine/autonomy/server-discovery";
import { trainTaskModels } from "../engine/autonomy/train-task-models";
import { loadWriters } from "../bench/autonomy-corpus";
import { BUILTIN_CATALOG } from "../server/mcp/builtin-catalog";

export const SUBCOMMANDS = ["analyze", "plan", "train"] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

const USAGE = `usage: npm run -s autonomy -- <analyze|plan> < tasks.jsonl
       npm run -s autonomy -- train
  analyze  one JSON line per task: {"task": "...", "servers": ["filesystem", ...], "pattern": "chain"}
  plan     one JSON line per task: the pattern, servers, reasons and the workflow document
  train    retrain the capability, pattern and server models from every writer's labelled tasks
input: JSON lines {"task": "..."}
`;

/** Retrains both models on every writer's tasks and writes them as JSON beside the engine. */
function train(): number {
  const writers = loadWriters();
  const tasks = Object.values(writers).flat();
  const models = trainTaskModels(tasks, buildDiscoveryIndex(builtinEntries(), { model: null }), {
    writers: Object.entries(writers).flatMap(([writer, labelled]) => labelled.map(() => writer)),
  });
  const folder = join(__dirname, "../engine/autonomy/models");
  writeFileSync(join(folder, "capabilities.json"), `${JSON.stringify(models.capabilities)}\n`);
  writeFileSync(join(folder, "patterns.json"), `${JSON.stringify(models.patterns)}\n`);
  writeFileSync(join(folder, "servers.json"), `${JSON.stringify(models.servers)}\n`);
  process.stderr.write(
    `trained on ${tasks.length} tasks from ${Object.keys(writers).length} writers: ` +
      `${Object.keys(models.capabilities.weights).length} capability, ` +
      `${Object.keys(models.patterns.weights).length} pattern and ` +
      `${Object.keys(models.servers.weights).length} server features; thresholds ` +
      `${JSON.stringify({ ...models.capabilities.thresholds, ...models.servers.thresholds })}\n`,
  );
  return 0;
}

const builtinEntries = () =>
  BUILTIN_CATALOG.map((entry) => toCatalogEntryInput(entry.serverJson, entry.tools, true));

/** The discovery index over the built-in catalog, built once per process. */
export function builtinDiscoveryIndex(): DiscoveryIndex {
  return buildDiscoveryIndex(builtinEntries());
}

export type LineResult =
  { ok: true; output: string } | { ok: false; error: string } | { ok: "skip" };

/**
 * Handles one input line: a JSON output line, an error naming the line, or nothing for a blank line.
 * @example runLine("analyze", '{"task":"Summarize the schema of inventory.db"}', 1, index) // → { ok: true, output: '{"task":…,"servers":["sqlite"],"pattern":"single"}' }
 */
export function runLine(
  command: Subcommand,
  line: string,
  lineNumber: number,
  index: DiscoveryIndex,
): LineResult {
  if (line.trim() === "") return { ok: "skip" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return { ok: false, error: `line ${lineNumber}: not JSON (${(error as Error).message})` };
  }
  const task = (parsed as { task?: unknown } | null)?.task;
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    typeof task !== "string" ||
    task.trim() === ""
  ) {
    return { ok: false, error: `line ${lineNumber}: expected {"task": "<non-empty text>"}` };
  }
  if (command === "plan") {
    const proposal = planWorkflow(task, { index });
    return {
      ok: true,
      output: JSON.stringify({
        task,
        pattern: proposal.decision.pattern,
        confidence: Number(proposal.decision.confidence.toFixed(3)),
        servers: proposal.discovery.servers.map((s) => s.shortName),
        reasons: proposal.decision.reasons,
        nodeReasons: proposal.reasons,
        document: proposal.document,
      }),
    };
  }
  const features = analyzeTask(task);
  const servers = discoverServers(index, features).candidates.map((s) => s.shortName);
  return {
    ok: true,
    output: JSON.stringify({ task, servers, pattern: decidePattern(features).pattern }),
  };
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  if (!command || !(SUBCOMMANDS as readonly string[]).includes(command) || argv.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (command === "train") return train();
  const index = builtinDiscoveryIndex();
  let failures = 0;
  let lineNumber = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNumber++;
    const result = runLine(command as Subcommand, line, lineNumber, index);
    if (result.ok === true) process.stdout.write(`${result.output}\n`);
    else if (result.ok === false) {
      failures++;
      process.stderr.write(`${result.error}\n`);
    }
  }
  if (failures > 0) process.stderr.write(`${failures} line(s) failed\n`);
  return failures > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
