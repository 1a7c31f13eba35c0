/**
 * Autonomy benchmark, printing one JSON object:
 * - analyzeUs: median time to analyse one task (round robin over the labelled tasks);
 * - discoverUs: median time to discover servers for analysed features over a catalog of
 *   `catalogEntries` entries (10,000: the built-ins padded with look-alikes and unrelated servers);
 * - decideUs: median time to decide the pattern for analysed features;
 * - learnUpdateUs: median time to record one outcome in a learning book (class-strategy,
 *   class-pattern, pattern and global statistics) that already holds 200 classes;
 * - planUs: median time for the whole planner (analyse → discover → decide → agents → document);
 * - crossWriterPatternAccuracy / crossWriterTop3Recall (mean over writers, and the worst writer):
 *   leave one writer out. Each writer's tasks (bench/autonomy-corpus.ts: our dev set, extra tasks,
 *   each blind batch, and every engine/autonomy/corpus/<writer>.jsonl) are scored by models trained
 *   on all the other writers only, never on what the models were trained on, with every decision
 *   threshold also picked on the other writers only (trainTaskModels' inner cross-validation); `writers` has each
 *   one's figures, and noServerPrecision is the share of tasks needing no server that got none.
 * - crossWriterTop3RecallOpenGate: the same recall with the needs-a-server gate open (what the
 *   ranking alone finds), and crossWriterMisses: per decision that lost a needed server, how many
 *   (summed over writers; `missCauseOf`), so a change can aim at the decision that loses most.
 * - sealed: writers kept out of all training and folds (`engine/autonomy/corpus/sealed/`), scored
 *   with the shipped models: what the planner does on wording nobody fitted.
 * - devTop3Recall / devPatternAccuracy and the like: the same held-out figures for our own sets, as
 *   before (devTop3RecallPadded: the dev writer over the 10,000-entry catalog).
 * Each timing is the median of 31 batches after warm-up, divided by the calls per batch.
 * AUTONOMY_SEED (default 1) is the seed the leave-writers-out models are trained with (`seed`):
 * the figures move between seeds, so compare a change over a few. AUTONOMY_CROSS_FIT=1 trains them
 * with the server model's examples cross-fitted (trainTaskModels' `crossFit`).
 *   npx tsx bench/autonomy.ts
 */
import { padCatalog } from "../engine/autonomy/__fixtures__/catalog";
import { analyzeTask } from "../engine/autonomy/analyze-task";
import { CAPABILITY_MODEL, PATTERN_MODEL, SERVER_MODEL } from "../engine/autonomy/task-models";
import {
  trainTaskModels,
  type LabelledTask,
  type TaskModels,
} from "../engine/autonomy/train-task-models";
import { decidePattern } from "../engine/autonomy/decide-pattern";
import { planWorkflow } from "../engine/autonomy/plan-workflow";
import {
  buildDiscoveryIndex,
  discoverServers,
  toCatalogEntryInput,
  type DiscoveryIndex,
  type DiscoveryThresholds,
} from "../engine/autonomy/server-discovery";
import type { Pattern, TaskFeatures } from "../engine/autonomy/vocabulary";
import type { Outcome } from "../engine/learning/outcome";
import { createRng } from "../engine/learning/random";
import { createLearningBook, recordOutcome } from "../engine/learning/strategy-stats";
import { BUILTIN_CATALOG } from "../server/mcp/builtin-catalog";
import { loadSealedWriters, loadWriters } from "./autonomy-corpus";

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

/**
 * Why a server a task needs is not among the listed three, judged by re-running discovery with
 * decisions opened: the gate said the task needs no server (the model's `needsServer`
 * probability, its `sureOfOne` of a server, or only both opened list it), the model rated the
 * server under `minProbability`, or three others ranked above it.
 */
const MISS_CAUSES = [
  "needsServer",
  "sureOfOne",
  "needsServerAndSureOfOne",
  "minProbability",
  "outranked",
] as const;
type MissCause = (typeof MISS_CAUSES)[number];

type Score = {
  tasks: number;
  recall: number;
  /** Top-3 recall with the needs-a-server gate open: what the ranking alone finds. */
  openGateRecall: number;
  accuracy: number;
  noServerPrecision: number;
  misses: Record<MissCause, number>;
};

/** Which decision lost a needed server, and whether opening the gate lists it. */
function missCauseOf(
  index: DiscoveryIndex,
  features: TaskFeatures,
  server: string,
): { cause: MissCause; openGate: boolean } {
  const lists = (thresholds: Partial<DiscoveryThresholds>) =>
    discoverServers(index, features, { thresholds })
      .candidates.slice(0, 3)
      .some((s) => s.shortName === server);
  if (lists({ needsServer: 0, sureOfOne: 0 })) {
    const cause = lists({ needsServer: 0 })
      ? "needsServer"
      : lists({ sureOfOne: 0 })
        ? "sureOfOne"
        : "needsServerAndSureOfOne";
    return { cause, openGate: true };
  }
  const cause = lists({ needsServer: 0, sureOfOne: 0, minProbability: 0 })
    ? "minProbability"
    : "outranked";
  return { cause, openGate: false };
}

function score(tasks: readonly LabelledTask[], index: DiscoveryIndex, models: TaskModels): Score {
  let found = 0;
  let wanted = 0;
  let correct = 0;
  let none = 0;
  let noneKept = 0;
  let foundOpen = 0;
  const misses = Object.fromEntries(MISS_CAUSES.map((cause) => [cause, 0])) as Record<
    MissCause,
    number
  >;
  for (const { task, servers, pattern } of tasks) {
    const features = analyzeTask(task, models);
    const listed = discoverServers(index, features)
      .candidates.map((s) => s.shortName)
      .slice(0, 3);
    wanted += servers.length;
    found += servers.filter((s) => listed.includes(s)).length;
    for (const server of servers) {
      if (listed.includes(server)) {
        foundOpen++;
        continue;
      }
      const { cause, openGate } = missCauseOf(index, features, server);
      misses[cause]++;
      if (openGate) foundOpen++;
    }
    if (servers.length === 0) {
      none++;
      if (listed.length === 0) noneKept++;
    }
    if (decidePattern(features, { model: models.patterns }).pattern === pattern) correct++;
  }
  return {
    tasks: tasks.length,
    recall: wanted ? found / wanted : 1,
    openGateRecall: wanted ? foundOpen / wanted : 1,
    accuracy: correct / tasks.length,
    noServerPrecision: none ? noneKept / none : 1,
    misses,
  };
}

/** The seed the leave-writers-out models are trained with. */
const SEED = Number(process.env.AUTONOMY_SEED ?? 1);
/** Whether they are trained with the server model's examples cross-fitted. */
const CROSS_FIT = process.env.AUTONOMY_CROSS_FIT === "1";

/** Leave one writer out: each writer scored by models trained on all the others. */
function crossWriter(
  writers: Record<string, LabelledTask[]>,
  entries: ReturnType<typeof toCatalogEntryInput>[],
  padded: ReturnType<typeof toCatalogEntryInput>[],
): Record<string, Score & { paddedRecall: number }> {
  const retrieval = buildDiscoveryIndex(entries, { model: null });
  const out: Record<string, Score & { paddedRecall: number }> = {};
  for (const held of Object.keys(writers)) {
    const others = Object.entries(writers).filter(([writer]) => writer !== held);
    const training = others.flatMap(([, tasks]) => tasks);
    // The thresholds too are picked on the other writers only (an inner cross-validation).
    const models = trainTaskModels(training, retrieval, {
      writers: others.flatMap(([writer, tasks]) => tasks.map(() => writer)),
      seed: SEED,
      crossFit: CROSS_FIT,
    });
    const index = buildDiscoveryIndex(entries, { model: models.servers });
    const tasks = writers[held] as LabelledTask[];
    const paddedRecall =
      held === "dev"
        ? score(tasks, buildDiscoveryIndex(padded, { model: models.servers }), models).recall
        : Number.NaN;
    out[held] = { ...score(tasks, index, models), paddedRecall };
  }
  return out;
}

function main() {
  const writers = loadWriters();
  const builtins = BUILTIN_CATALOG.map((e) => toCatalogEntryInput(e.serverJson, e.tools, true));
  const index = buildDiscoveryIndex(builtins);
  const paddedEntries = padCatalog(builtins, 10_000);
  const padded = buildDiscoveryIndex(paddedEntries);

  const tasks = Object.values(writers)
    .flat()
    .map((t) => t.task);
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

  const held = crossWriter(writers, builtins, paddedEntries);
  // Sealed writers: the shipped models (trained on every writer above), never a fold.
  const shipped = {
    capabilities: CAPABILITY_MODEL,
    patterns: PATTERN_MODEL,
    servers: SERVER_MODEL,
  };
  const shippedIndex = buildDiscoveryIndex(builtins, { model: SERVER_MODEL });
  const sealed = Object.entries(loadSealedWriters()).map(
    ([name, tasks]) => [name, score(tasks, shippedIndex, shipped)] as const,
  );
  const scores = Object.values(held);
  const mean = (pick: (s: Score) => number) =>
    scores.reduce((sum, s) => sum + pick(s), 0) / scores.length;
  const worst = (pick: (s: Score) => number) => Math.min(...scores.map(pick));
  const round = (value: number, digits = 3) => Number(value.toFixed(digits));
  const figures = (name: string) => held[name] ?? { recall: Number.NaN, accuracy: Number.NaN };
  process.stdout.write(
    `${JSON.stringify({
      analyzeUs: round(analyzeUs),
      discoverUs: round(discoverUs),
      decideUs: round(decideUs),
      learnUpdateUs: round(learnUpdateUs),
      planUs: round(planUs, 1),
      catalogEntries: paddedEntries.length,
      labelledTasks: tasks.length,
      seed: SEED,
      crossFit: CROSS_FIT,
      crossWriterPatternAccuracy: round(mean((s) => s.accuracy)),
      crossWriterPatternAccuracyWorst: round(worst((s) => s.accuracy)),
      crossWriterTop3Recall: round(mean((s) => s.recall)),
      crossWriterTop3RecallWorst: round(worst((s) => s.recall)),
      crossWriterNoServerPrecision: round(mean((s) => s.noServerPrecision)),
      crossWriterTop3RecallOpenGate: round(mean((s) => s.openGateRecall)),
      crossWriterMisses: Object.fromEntries(
        MISS_CAUSES.map((cause) => [cause, scores.reduce((sum, s) => sum + s.misses[cause], 0)]),
      ),
      writers: Object.fromEntries(
        Object.entries(held).map(([name, s]) => [
          name,
          {
            tasks: s.tasks,
            patternAccuracy: round(s.accuracy),
            top3Recall: round(s.recall),
            noServerPrecision: round(s.noServerPrecision),
          },
        ]),
      ),
      sealed: Object.fromEntries(
        sealed.map(([name, s]) => [
          name,
          {
            tasks: s.tasks,
            patternAccuracy: round(s.accuracy),
            top3Recall: round(s.recall),
            noServerPrecision: round(s.noServerPrecision),
          },
        ]),
      ),
      devTop3Recall: round(figures("dev").recall),
      devPatternAccuracy: round(figures("dev").accuracy),
      devTop3RecallPadded: round(held.dev?.paddedRecall ?? Number.NaN),
      extraTop3Recall: round(figures("extra").recall),
      extraPatternAccuracy: round(figures("extra").accuracy),
      blindLastBatchTop3Recall: round(figures("blind-3").recall),
      blindLastBatchPatternAccuracy: round(figures("blind-3").accuracy),
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
