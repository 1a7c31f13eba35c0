import { CAPABILITY_OF_SERVER } from "./discovery-terms";
import { predictLinear, trainLinearModel, type LinearModel } from "./linear-model";
import { analyzeTask, NEEDS_CAPABILITY } from "./analyze-task";
import {
  DEFAULT_THRESHOLDS,
  discoverServers,
  serverCuesOf,
  type DiscoveryIndex,
  type DiscoveryThresholds,
} from "./server-discovery";
import { ANY_SERVER } from "./task-models";
import { CAPABILITIES, PATTERNS, type Capability, type Pattern } from "./vocabulary";

/** One labelled task: the catalog short names it needs (best first) and its workflow pattern. */
export type LabelledTask = { task: string; servers: readonly string[]; pattern: Pattern };

/** The three learned models the planner reads (task-models.ts). */
export type TaskModels = { capabilities: LinearModel; patterns: LinearModel; servers: LinearModel };

export type TrainTaskOptions = {
  /**
   * Who wrote each task (parallel to the tasks): the thresholds are picked by cross-validation that
   * holds out whole writers, so they are judged on wording their models never saw. Without it,
   * tasks are dealt into folds by position.
   */
  writers?: readonly string[];
  /** false: keep the default thresholds (one training instead of four; for quick tests). */
  calibrate?: boolean;
};

const OPTIONS = { epochs: 30, rate: 0.5, l2: 1e-4, minCount: 2, seed: 1 };
/** Folds of the inner cross-validation over the training writers. */
const INNER_FOLDS = 3;
const grid = (from: number, to: number, step: number) =>
  Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) =>
    Number((from + i * step).toFixed(4)),
  );
const NEEDS_CAPABILITY_GRID = grid(0.2, 0.8, 0.05);
const NEEDS_SERVER_GRID = grid(0.3, 0.9, 0.1);
const SURE_OF_ONE_GRID = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3];
const MIN_PROBABILITY_GRID = [0.005, 0.01, 0.02, 0.05];
const PLANNED_GRID = grid(0.1, 0.6, 0.05);

type Base = { capabilities: LinearModel; patterns: LinearModel };

/** The capability and pattern models: task cues → what the task needs, and its pattern. */
function trainBase(tasks: readonly LabelledTask[]): Base {
  const plain = tasks.map((labelled) => analyzeTask(labelled.task).cues);
  const capabilities = trainLinearModel(
    tasks.map((labelled, i) => ({
      features: plain[i] as string[],
      labels: capabilitiesOf(labelled),
    })),
    { kind: "one-vs-rest", labels: CAPABILITIES, ...OPTIONS },
  );
  const patterns = trainLinearModel(
    tasks.map((labelled, i) => ({ features: plain[i] as string[], labels: [labelled.pattern] })),
    { kind: "softmax", labels: PATTERNS, ...OPTIONS },
  );
  return { capabilities, patterns };
}

const capabilitiesOf = (labelled: LabelledTask): Capability[] =>
  labelled.servers
    .map((server) => CAPABILITY_OF_SERVER[server])
    .filter((c): c is Capability => c !== undefined);

/** The server model, over the task as analysed with `base` and retrieved at `minScore`. */
function trainServers(
  tasks: readonly LabelledTask[],
  base: Base,
  index: DiscoveryIndex,
  minScore: number,
): LinearModel {
  const retrievalOnly: DiscoveryIndex = {
    ...index,
    model: null,
    thresholds: { ...index.thresholds, minScore },
  };
  const serverLabels = [...new Set(tasks.flatMap((t) => t.servers))].sort();
  return trainLinearModel(
    tasks.map((labelled) => ({
      features: serverCuesOf(retrievalOnly, analyzeTask(labelled.task, base)),
      labels: labelled.servers.length ? [...labelled.servers, ANY_SERVER] : [],
    })),
    { kind: "one-vs-rest", labels: [...serverLabels, ANY_SERVER], ...OPTIONS },
  );
}

const withThresholds = (model: LinearModel, thresholds: Record<string, number>): LinearModel => ({
  ...model,
  thresholds,
});

/** Training tasks in folds: whole writers per fold (dealt round-robin by name), else by position. */
function innerFolds(tasks: readonly LabelledTask[], writers?: readonly string[]): number[][] {
  const names = writers ? [...new Set(writers)].sort() : [];
  const folds: number[][] = Array.from({ length: INNER_FOLDS }, () => []);
  if (names.length >= 2) {
    const foldOf = new Map(names.map((name, i) => [name, i % Math.min(INNER_FOLDS, names.length)]));
    tasks.forEach((_, i) => folds[foldOf.get(writers?.[i] as string) as number]?.push(i));
  } else tasks.forEach((_, i) => folds[i % INNER_FOLDS]?.push(i));
  return folds.filter((fold) => fold.length > 0);
}

/** The grid value with the best score (the first on ties). */
function best<T>(values: readonly T[], scoreOf: (value: T) => number): T {
  let top = values[0] as T;
  let topScore = -Infinity;
  for (const value of values) {
    const s = scoreOf(value);
    if (s > topScore) [top, topScore] = [value, s];
  }
  return top;
}

/**
 * Picks the decision thresholds by cross-validation over the training tasks alone: in each inner
 * fold, models trained on the other folds' writers read the fold's tasks, and each threshold is the
 * grid value that does best on those held-out reads, pooled over the folds:
 * - needsCapability: micro-F1 of the capabilities the task's servers stand for;
 * - needsServer, sureOfOne, minProbability: top-3 recall of the servers a task needs plus the share
 *   of tasks needing no server that get none (the two figures bench:autonomy reports);
 * - planned: mean F1 between the servers the planner builds with and those the task needs.
 */
function pickThresholds(
  tasks: readonly LabelledTask[],
  index: DiscoveryIndex,
  writers?: readonly string[],
): { needsCapability: number; discovery: DiscoveryThresholds } {
  const folds = innerFolds(tasks, writers);
  if (folds.length < 2) return { needsCapability: NEEDS_CAPABILITY, discovery: DEFAULT_THRESHOLDS };
  const inFold = folds.map((fold) => new Set(fold));
  const bases = folds.map((_, f) =>
    trainBase(tasks.filter((_, i) => !(inFold[f] as Set<number>).has(i))),
  );

  // needsCapability: each held-out task's capability probabilities against its labels.
  const reads: { p: number; wanted: boolean }[] = [];
  folds.forEach((fold, f) => {
    const model = (bases[f] as Base).capabilities;
    for (const i of fold) {
      const labelled = tasks[i] as LabelledTask;
      const wanted = new Set(capabilitiesOf(labelled));
      const p = predictLinear(model, analyzeTask(labelled.task, bases[f]).cues);
      model.labels.forEach((label, k) =>
        reads.push({ p: p[k] as number, wanted: wanted.has(label as Capability) }),
      );
    }
  });
  const needsCapability = best(NEEDS_CAPABILITY_GRID, (t) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const { p, wanted } of reads)
      if (p >= t && wanted) tp++;
      else if (p >= t) fp++;
      else if (wanted) fn++;
    return tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  });
  const calibrated = bases.map((base) => ({
    capabilities: withThresholds(base.capabilities, { needsCapability }),
    patterns: base.patterns,
  }));

  // minScore is not learned here: it gates the catalog entries the server model does not know
  // (a tenant's imports, a registry's), and every labelled task names built-in servers, which
  // the model judges, so the corpus cannot say where it belongs (see DEFAULT_THRESHOLDS).
  const minScore = DEFAULT_THRESHOLDS.minScore;

  // The server model's thresholds: every held-out task discovered under each candidate.
  const held = folds.flatMap((fold, f) => {
    const base = calibrated[f] as Base;
    const servers = trainServers(
      tasks.filter((_, i) => !(inFold[f] as Set<number>).has(i)),
      base,
      index,
      minScore,
    );
    const foldIndex: DiscoveryIndex = {
      ...index,
      model: servers,
      thresholds: { ...DEFAULT_THRESHOLDS, minScore },
    };
    return fold.map((i) => ({
      labelled: tasks[i] as LabelledTask,
      features: analyzeTask((tasks[i] as LabelledTask).task, base),
      index: foldIndex,
    }));
  });
  const discover = (h: (typeof held)[number], limits: Partial<DiscoveryThresholds>) =>
    discoverServers(h.index, h.features, { thresholds: limits });
  let chosen: DiscoveryThresholds = { ...DEFAULT_THRESHOLDS, minScore };
  let chosenScore = -Infinity;
  for (const needsServer of NEEDS_SERVER_GRID)
    for (const sureOfOne of SURE_OF_ONE_GRID)
      for (const minProbability of MIN_PROBABILITY_GRID) {
        const limits = { ...chosen, needsServer, sureOfOne, minProbability };
        let found = 0;
        let wanted = 0;
        let none = 0;
        let noneKept = 0;
        for (const h of held) {
          const listed = discover(h, limits).candidates.map((s) => s.shortName);
          wanted += h.labelled.servers.length;
          found += h.labelled.servers.filter((s) => listed.includes(s)).length;
          if (h.labelled.servers.length === 0) {
            none++;
            if (listed.length === 0) noneKept++;
          }
        }
        const s = (wanted ? found / wanted : 1) + (none ? noneKept / none : 1);
        if (s > chosenScore) [chosen, chosenScore] = [limits, s];
      }
  const candidates = held.map((h) => discover(h, chosen).candidates);
  const planned = best(PLANNED_GRID, (t) => {
    let sum = 0;
    held.forEach((h, i) => {
      const built = (candidates[i] ?? []).filter((s) => s.score >= t).map((s) => s.shortName);
      const wanted = h.labelled.servers;
      const hit = built.filter((s) => wanted.includes(s)).length;
      sum += built.length + wanted.length ? (2 * hit) / (built.length + wanted.length) : 1;
    });
    return sum / Math.max(1, held.length);
  });
  return { needsCapability, discovery: { ...chosen, planned } };
}

/**
 * Trains the capability, pattern and server models from labelled tasks, with their decision
 * thresholds (when a capability counts as needed, when a task needs a server, which candidates are
 * listed and built with), each picked by cross-validation over these tasks' writers only and stored
 * in the model (`thresholds`). `index` is the catalog the server labels name (the built-in one), so
 * the retrieval cues mean what they will mean at run time; the capability model is trained first
 * and the server model reads the task as analysed with it.
 * @example const { patterns, servers } = trainTaskModels(tasks, buildDiscoveryIndex(BUILTIN_ENTRIES, { model: null }), { writers })
 */
export function trainTaskModels(
  tasks: readonly LabelledTask[],
  index: DiscoveryIndex,
  options: TrainTaskOptions = {},
): TaskModels {
  const { needsCapability, discovery } =
    options.calibrate === false
      ? { needsCapability: NEEDS_CAPABILITY, discovery: DEFAULT_THRESHOLDS }
      : pickThresholds(tasks, index, options.writers);
  const base = trainBase(tasks);
  const capabilities = withThresholds(base.capabilities, { needsCapability });
  const servers = trainServers(
    tasks,
    { capabilities, patterns: base.patterns },
    index,
    discovery.minScore,
  );
  return {
    capabilities,
    patterns: base.patterns,
    servers: withThresholds(servers, { ...discovery }),
  };
}
