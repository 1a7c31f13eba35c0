/**
 * Autonomy benchmark, printing one JSON object:
 * - analyzeUs: median time to analyse one task (dev set tasks, round robin);
 * - discoverUs: median time to discover servers for analysed features over a catalog of
 *   `catalogEntries` entries (the built-ins padded with look-alikes and unrelated servers);
 * - decideUs: median time to decide the pattern for analysed features;
 * - learnUpdateUs: median time to record one outcome in a learning book (class-strategy,
 *   class-pattern, pattern and global statistics) that already holds 200 classes;
 * - planUs: median time for the whole planner (analyse → discover → decide → agents → document);
 * - devTop3Recall / devPatternAccuracy: on engine/autonomy/__fixtures__/dev-tasks.jsonl (a copy of ../shared/data/autonomy-dev-tasks.jsonl) with the
 *   built-in catalog (and devTop3RecallPadded with the padded one); extra* and heldOut* the same
 *   on our own labelled tasks (engine/autonomy/__fixtures__/extra-tasks.ts); blind* on the 250
 *   tasks of engine/autonomy/__fixtures__/blind-tasks.ts, written by people who had not read the
 *   analyzer, and blindLastBatch* on its last batch (scored only after the tuning on the others).
 * Each timing is the median of 31 batches after warm-up, divided by the calls per batch.
 *   npx tsx bench/autonomy.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { padCatalog } from "../engine/autonomy/__fixtures__/catalog";
import { BLIND_TASKS } from "../engine/autonomy/__fixtures__/blind-tasks";
import { EXTRA_TASKS, HELD_OUT_TASKS } from "../engine/autonomy/__fixtures__/extra-tasks";
import { analyzeTask } from "../engine/autonomy/analyze-task";
import { decidePattern } from "../engine/autonomy/decide-pattern";
import { planWorkflow } from "../engine/autonomy/plan-workflow";
import {
  buildDiscoveryIndex,
  discoverServers,
  toCatalogEntryInput,
  type DiscoveryIndex,
} from "../engine/autonomy/server-discovery";
import type { Pattern, TaskFeatures } from "../engine/autonomy/vocabulary";
import type { Outcome } from "../engine/learning/outcome";
import { createRng } from "../engine/learning/random";
import { createLearningBook, recordOutcome } from "../engine/learning/strategy-stats";
import { BUILTIN_CATALOG } from "../server/mcp/builtin-catalog";

type Labelled = { task: string; servers: string[]; pattern: Pattern };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median microseconds per call of `run(i)`, over batches of `calls` calls. */
function measureUs(calls: number, run: (i: number) => unknown, batches = 31, warmup = 5): number {
  let sink = 0;
  const samples: number[] = [];
  for (let b = 0; b < batches + warmup; b++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) if (run(i)) sink++;
    const elapsed = performance.now() - started;
    if (b >= warmup) samples.push((elapsed * 1000) / calls);
  }
  if (sink < 0) throw new Error("unreachable");
  return median(samples);
}

function score(
  tasks: readonly Labelled[],
  index: DiscoveryIndex,
): { recall: number; accuracy: number } {
  let found = 0;
  let wanted = 0;
  let correct = 0;
  for (const { task, servers, pattern } of tasks) {
    const features = analyzeTask(task);
    const listed = discoverServers(index, features)
      .servers.map((s) => s.shortName)
      .slice(0, 3);
    wanted += servers.length;
    found += servers.filter((s) => listed.includes(s)).length;
    if (decidePattern(features).pattern === pattern) correct++;
  }
  return { recall: wanted ? found / wanted : 1, accuracy: correct / tasks.length };
}

function main() {
  const dev = readFileSync(
    join(__dirname, "../engine/autonomy/__fixtures__/dev-tasks.jsonl"),
    "utf8",
  )
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Labelled);
  const builtins = BUILTIN_CATALOG.map((e) => toCatalogEntryInput(e.serverJson, e.tools, true));
  const index = buildDiscoveryIndex(builtins);
  const paddedEntries = padCatalog(builtins, 240);
  const padded = buildDiscoveryIndex(paddedEntries);

  const tasks = [...dev, ...EXTRA_TASKS, ...HELD_OUT_TASKS].map((t) => t.task);
  const features: TaskFeatures[] = tasks.map((t) => analyzeTask(t));
  const n = tasks.length;

  const analyzeUs = measureUs(2000, (i) => analyzeTask(tasks[i % n] as string).capabilities.length);
  const discoverUs = measureUs(
    5000,
    (i) => discoverServers(padded, features[i % n] as TaskFeatures).servers.length,
  );
  const decideUs = measureUs(5000, (i) => decidePattern(features[i % n] as TaskFeatures).pattern);

  // A book that already holds 200 classes, so copying the touched path is part of the cost.
  const rng = createRng(1);
  const patterns: Pattern[] = [
    "single",
    "chain",
    "router",
    "parallel",
    "orchestrator",
    "evaluator-optimizer",
    "swarm",
  ];
  const outcomes: Outcome[] = Array.from({ length: 1000 }, (_, i) => ({
    taskClass: `class-${i % 200}`,
    pattern: patterns[i % patterns.length] as Pattern,
    strategyId: `strategy-${i % 3}`,
    success: rng() < 0.7,
    latencyMs: 500 + 1000 * rng(),
    tokens: Math.round(2000 * rng()),
    cost: 0.01 * rng(),
  }));
  let book = createLearningBook();
  for (const outcome of outcomes) book = recordOutcome(book, outcome);
  const base = book;
  const learnUpdateUs = measureUs(
    1000,
    (i) => recordOutcome(base, outcomes[i % outcomes.length] as Outcome).global.n,
  );

  const planUs = measureUs(
    200,
    (i) => planWorkflow(tasks[i % n] as string, { index }).document.nodes.length,
    15,
    3,
  );

  const devScore = score(dev, index);
  const devPadded = score(dev, padded);
  const extra = score(EXTRA_TASKS, index);
  const heldOut = score(HELD_OUT_TASKS, index);
  const blindTasks = BLIND_TASKS.flatMap((b) => b.tasks);
  const blind = score(blindTasks, index);
  const lastBatch = BLIND_TASKS[BLIND_TASKS.length - 1]!.tasks;
  const blindLast = score(lastBatch, index);
  const round = (value: number, digits = 3) => Number(value.toFixed(digits));
  process.stdout.write(
    `${JSON.stringify({
      analyzeUs: round(analyzeUs),
      discoverUs: round(discoverUs),
      decideUs: round(decideUs),
      learnUpdateUs: round(learnUpdateUs),
      planUs: round(planUs, 1),
      catalogEntries: paddedEntries.length,
      devTasks: dev.length,
      devTop3Recall: round(devScore.recall),
      devPatternAccuracy: round(devScore.accuracy),
      devTop3RecallPadded: round(devPadded.recall),
      devPatternAccuracyPadded: round(devPadded.accuracy),
      extraTasks: EXTRA_TASKS.length,
      extraTop3Recall: round(extra.recall),
      extraPatternAccuracy: round(extra.accuracy),
      heldOutTasks: HELD_OUT_TASKS.length,
      heldOutTop3Recall: round(heldOut.recall),
      heldOutPatternAccuracy: round(heldOut.accuracy),
      blindTasks: blindTasks.length,
      blindTop3Recall: round(blind.recall),
      blindPatternAccuracy: round(blind.accuracy),
      blindLastBatchTop3Recall: round(blindLast.recall),
      blindLastBatchPatternAccuracy: round(blindLast.accuracy),
    })}\n`,
  );
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
