/**
 * What a run will do, predicted before it starts from the runs before it: success as a Beta
 * posterior with an interval, duration as a median with an 80 % interval, tokens, and cost as
 * predicted tokens × the model's price per token, each with the basis and the runs behind it.
 *
 * The model: four levels of evidence, the version's own runs, the workflow's earlier versions,
 * similar tasks (its task class, other workflows) and all runs. Each level is summarized robustly
 * with recency weights (weighted-stats.ts: durations and tokens on a log scale, by weighted
 * median), and each is shrunk towards the one above it by a pseudo-count κ: version = (n·own +
 * κ·workflow) / (n + κ), and so on up. κ is how many of its own runs a level's parent is worth,
 * which is what differs between tenants (do versions behave like the versions before them? do
 * workflows behave like similar tasks?), so it is learned, not fixed: finished runs score a grid
 * of κ per level by how well the forecast each gives would have predicted them (log loss for
 * success, absolute log error for durations and tokens, discounted so old runs fade), each level
 * on the runs where its pull decides the forecast (scoreStrengths), and the best one is used. The
 * interval is the log-scale spread (the version's own, pooled with its parents') times a scale
 * learned the same way, per situation (new workflow, new version, few runs, many), nudged after
 * every run so that 80 % of durations fall inside it (conformal calibration).
 *
 * A new workflow whose structure is known (RunFacts.shape, workflow-shape.ts) may find its similar
 * tasks by structure as well as by task class: a weighted median over the recently active
 * workflows, each weighed by exp(class·[same class] + structure·likeness); the strengths (or the
 * class alone) are learned the same way, from each workflow's first runs scored as if it were new.
 *
 * A new workflow's duration is predicted from how the other workflows began (the median of each
 * one's first FIRST_RUNS runs), not from what they have become: versions and drift move a busy
 * workflow far from where it started, and a workflow's first run is like other first runs. With
 * no similar task at all it is a typical workflow's (each recently active workflow counting once),
 * not a typical run's, which the busiest workflows would decide.
 */
import {
  createWindow,
  EMPTY_SUMMARY,
  medianOf,
  pushEntry,
  summarizeWindow,
  type RecentWindow,
  type WeightedSummary,
  type WindowEntry,
} from "./weighted-stats";
import { shapeLikeness } from "./workflow-shape";

/** What is known about a run before it starts. */
export type RunFacts = {
  workflowId: string;
  versionId: string;
  taskClass: string;
  model: string;
  /**
   * The workflow's structure tokens (workflow-shape.ts), when known: with them, similar tasks are
   * the workflows alike in words and structure, weighed by learned strengths (LIKENESS).
   */
  shape?: readonly string[];
};

/** A finished run, as the predictor learns from it. */
export type PastRun = RunFacts & {
  /** 1 for a success, 0 for a failure; a score in [0, 1] counts as that share of one. */
  success: number;
  durationMs: number;
  tokens: number;
  costUsd: number;
};

export type ForecastBasis = "version" | "workflow" | "similar" | "all" | "none";

export type RunForecast = {
  /** The Beta posterior of success (alpha, beta), its mean and 80 % credible interval. */
  success: { probability: number; low: number; high: number; alpha: number; beta: number };
  /**
   * Median, the point forecast said as "~" (the median moved by the offset that has missed least
   * in percentage error: POINT_OFFSETS) and the 80 % interval; null when no run at all was seen.
   */
  durationMs: { median: number; point: number; low: number; high: number } | null;
  tokens: number | null;
  costUsd: number | null;
  /** The most specific level with runs, and how many runs each level has. */
  basis: ForecastBasis;
  runs: RunCounts;
  /**
   * The counts in `runs` that are only lower bounds (the store counted up to a cap and stopped:
   * "10,000+ runs"); absent when all are exact. Set by whoever counts in full (the app's
   * forecastWorkflowRun), never by the predictor, whose index holds only recent runs.
   */
  runsAtLeast?: Partial<Record<keyof RunCounts, true>>;
};

export type RunCounts = { version: number; workflow: number; similar: number; all: number };

/** Pseudo-counts tried for each level's pull towards its parent. */
export const STRENGTHS = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64] as const;
const LEVELS = ["version", "workflow", "similar"] as const;
type Level = (typeof LEVELS)[number];
/** Situations whose intervals are calibrated apart: how much the version's own runs say. */
const SITUATIONS = ["new-workflow", "new-version", "few-runs", "many-runs"] as const;

/** What the predictor learned about a tenant's runs: small JSON, stored as is. */
export type ForecastTuning = {
  /** Discounted loss per level and strength (index into STRENGTHS), per figure. */
  loss: Record<"success" | "duration" | "tokens", Record<Level, number[]>>;
  /** Interval scale per situation (standard deviations of the log duration). */
  intervalScale: number[];
  /**
   * The point forecast per situation: the running median of its percentage error (`typical`),
   * and for each of POINT_OFFSETS the discounted count of runs it would have missed by more than
   * that, and the discounted count of runs on which it and the median (offset 0) disagree
   * (`discord`: one missed, the other not); the offset with the fewest misses is used when it
   * beats the median by a one-sided sign test on those runs (POINT_EVIDENCE), else the median.
   */
  point: { typical: number[]; misses: number[][]; runs: number[]; discord: number[][] };
  /**
   * Discounted absolute log error of each way of finding similar tasks (LIKENESS), scored on
   * every run of a workflow with a known structure as if its workflow were new (its own runs left
   * out); absent in tuning stored before it was learned.
   */
  likeness?: number[];
  runs: number;
};

/**
 * Ways of finding a new workflow's similar tasks: [class, structure] strengths of the weight
 * exp(class·[same task class] + structure·likeness) each recently active workflow gets in a
 * weighted median; null is the task class alone (each of its workflows counting once), what is
 * used until another has predicted better.
 */
export const LIKENESS: readonly ([number, number] | null)[] = [
  null,
  ...[0, 1, 3].flatMap((c) => [0, 4, 8, 16].map((k): [number, number] => [c, k])),
];

const HALF_LIFE = 20;
/**
 * A workflow's first runs: how it began, what a new workflow is predicted from; also the runs
 * on which a level's pull is scored where it decides the forecast (see scoreStrengths).
 */
export const FIRST_RUNS = 5;
/** Runs kept per version and workflow and over all; workflows kept per task class. */
export const KEEP = { level: 40, all: 60, workflowsPerClass: 40, workflows: 60 } as const;
/** How much older losses fade per learned run. */
const LOSS_DECAY = 0.998;
/** z of the 80 % central interval of a normal distribution. */
const Z80 = 1.2816;
const COVERAGE = 0.8;
const SCALE_STEP = 0.04;

type Runs = { window: RecentWindow; total: number; cache: Map<string, WeightedSummary> };
type Similar = {
  workflows: string[];
  total: number;
  cache: WeightedSummary | null;
  /** The same, with each workflow's duration as it began (for a new workflow). */
  cacheFirst: WeightedSummary | null;
};

/**
 * Recent runs by version, workflow and over all, the recently active workflows of each task class,
 * and each model's price per token: the predictor's working memory, rebuilt from stored outcomes.
 */
export type RunIndex = {
  version: Map<string, Runs>;
  workflow: Map<string, WorkflowRuns>;
  similar: Map<string, Similar>;
  /** The recently active workflows over all classes, most recent last. */
  workflows: string[];
  all: Runs;
  price: Map<string, { tokens: number; cost: number }>;
};

/**
 * A workflow's recent runs, with its task class, structure and the log durations of its first
 * runs (FIRST_RUNS): the first the index saw, or its true first ones where the caller knows them
 * (setFirstRuns; the app's index holds only recent runs).
 */
type WorkflowRuns = Runs & { taskClass: string; shape: readonly string[]; first: number[] };

const createRuns = (): Runs => ({ window: createWindow(), total: 0, cache: new Map() });

export function createRunIndex(): RunIndex {
  return {
    version: new Map(),
    workflow: new Map(),
    similar: new Map(),
    workflows: [],
    all: createRuns(),
    price: new Map(),
  };
}

export function createTuning(): ForecastTuning {
  const flat = () => STRENGTHS.map(() => 0);
  const grid = () => ({ version: flat(), workflow: flat(), similar: flat() });
  return {
    loss: { success: grid(), duration: grid(), tokens: grid() },
    intervalScale: SITUATIONS.map(() => Z80),
    point: {
      typical: SITUATIONS.map(() => 0.3),
      misses: SITUATIONS.map(() => POINT_OFFSETS.map(() => 0)),
      runs: SITUATIONS.map(() => 0),
      discord: SITUATIONS.map(() => POINT_OFFSETS.map(() => 0)),
    },
    likeness: LIKENESS.map(() => 0),
    runs: 0,
  };
}

function push(runs: Runs, entry: WindowEntry, keep: number) {
  pushEntry(runs.window, entry, keep);
  runs.total += 1;
  runs.cache.clear();
}

/**
 * Adds a finished run to the index (mutates it: the index is working memory, rebuilt from
 * stored outcomes, and copying it per run would cost more than predicting).
 * @example addRun(index, { workflowId: "w", versionId: "w@1", taskClass: "c", model: "m", success: 1, durationMs: 900, tokens: 0, costUsd: 0 })
 */
export function addRun(index: RunIndex, run: PastRun): void {
  const entry: WindowEntry = {
    versionId: run.versionId,
    logDuration: Math.log(Math.max(1, run.durationMs)),
    logTokens: Math.log1p(Math.max(0, run.tokens)),
    success: run.success,
  };
  let version = index.version.get(run.versionId);
  if (!version) index.version.set(run.versionId, (version = createRuns()));
  push(version, entry, KEEP.level);
  let workflow = index.workflow.get(run.workflowId);
  if (!workflow)
    index.workflow.set(
      run.workflowId,
      (workflow = { ...createRuns(), taskClass: run.taskClass, shape: [], first: [] }),
    );
  if (run.shape) workflow.shape = run.shape;
  if (workflow.first.length < FIRST_RUNS) workflow.first.push(entry.logDuration);
  push(workflow, entry, KEEP.level);
  moveToEnd(index.workflows, run.workflowId, KEEP.workflows);
  push(index.all, entry, KEEP.all);
  let similar = index.similar.get(run.taskClass);
  if (!similar)
    index.similar.set(
      run.taskClass,
      (similar = { workflows: [], total: 0, cache: null, cacheFirst: null }),
    );
  moveToEnd(similar.workflows, run.workflowId, KEEP.workflowsPerClass);
  similar.total += 1;
  similar.cache = null;
  similar.cacheFirst = null;
  if (run.tokens > 0 && run.costUsd > 0) {
    const price = index.price.get(run.model) ?? { tokens: 0, cost: 0 };
    // Decayed sums: a price change shows within a few dozen runs.
    index.price.set(run.model, {
      tokens: price.tokens * 0.97 + run.tokens,
      cost: price.cost * 0.97 + run.costUsd,
    });
  }
}

/** Puts an id last (most recently active), keeping at most `keep`. */
function moveToEnd(ids: string[], id: string, keep: number) {
  const at = ids.indexOf(id);
  if (at >= 0) ids.splice(at, 1);
  ids.push(id);
  if (ids.length > keep) ids.shift();
}

/** Sets how many runs a level had in all, when the index holds only the recent ones. */
export function setRunTotal(
  index: RunIndex,
  level: "version" | "workflow" | "similar" | "all",
  key: string,
  total: number,
): void {
  const target = level === "all" ? index.all : index[level].get(key);
  if (target) target.total = Math.max(target.total, total);
}

/**
 * Sets a workflow's first runs (their durations, oldest first; at most FIRST_RUNS are kept), when
 * the index holds only its recent ones: how it began, which new workflows are predicted from.
 * @example setFirstRuns(index, "w", [900, 1200, 1100])
 */
export function setFirstRuns(index: RunIndex, workflowId: string, durationsMs: number[]): void {
  const workflow = index.workflow.get(workflowId);
  if (!workflow || durationsMs.length === 0) return;
  workflow.first = durationsMs.slice(0, FIRST_RUNS).map((ms) => Math.log(Math.max(1, ms)));
  const similar = index.similar.get(workflow.taskClass);
  if (similar) similar.cacheFirst = null;
}

/** How a workflow began: the median log duration of its first runs. */
const firstOf = (workflow: WorkflowRuns) => medianOf(workflow.first);

const logDuration = (r: PastRun) => Math.log(Math.max(1, r.durationMs));
const logTokens = (r: PastRun) => Math.log1p(Math.max(0, r.tokens));

function summarize(runs: Runs | undefined, excludeVersion = ""): WeightedSummary {
  if (!runs) return EMPTY_SUMMARY;
  let summary = runs.cache.get(excludeVersion);
  if (!summary) {
    summary = summarizeWindow(runs.window, HALF_LIFE, excludeVersion || undefined);
    runs.cache.set(excludeVersion, summary);
  }
  return summary;
}

/**
 * Similar tasks as a typical workflow of the class: the median of its recently active workflows'
 * medians (each workflow counts once, so one busy workflow does not stand for the class), their
 * typical spread, and their success rates with workflows of very few runs counting less. For a
 * new workflow (`asFirst`), each workflow's duration is how it began (its first runs' median).
 */
function summarizeSimilar(index: RunIndex, taskClass: string, asFirst: boolean): WeightedSummary {
  const similar = index.similar.get(taskClass);
  if (!similar || similar.workflows.length === 0) return EMPTY_SUMMARY;
  const cached = asFirst ? similar.cacheFirst : similar.cache;
  if (cached) return cached;
  const workflows = similar.workflows.map((id) => index.workflow.get(id)!);
  const each = workflows.map((w) => summarize(w));
  let successWeight = 0;
  let success = 0;
  for (const s of each) {
    const w = Math.min(s.weight, 5);
    successWeight += w;
    success += w * s.success;
  }
  const summary: WeightedSummary = {
    weight: each.length,
    count: similar.total,
    success: successWeight ? success / successWeight : 0,
    logDuration: medianOf(asFirst ? workflows.map(firstOf) : each.map((s) => s.logDuration)),
    spread: medianOf(each.map((s) => s.spread)),
    logTokens: medianOf(each.map((s) => s.logTokens)),
  };
  if (asFirst) similar.cacheFirst = summary;
  else similar.cache = summary;
  return summary;
}

/**
 * All runs as a new workflow sees them: their summary, with the duration of a typical workflow
 * as it began (the median of the recently active workflows' first runs, each workflow once), so
 * the busiest workflows do not decide what a workflow of an unknown kind takes.
 */
function summarizeAllAsFirst(index: RunIndex): WeightedSummary {
  const all = summarize(index.all);
  const firsts: number[] = [];
  for (const id of index.workflows) {
    const workflow = index.workflow.get(id);
    if (workflow?.first.length) firsts.push(firstOf(workflow));
  }
  return firsts.length ? { ...all, logDuration: medianOf(firsts) } : all;
}

/**
 * Similar tasks as the workflows alike in words and structure: a weighted median of the recently
 * active workflows' medians, spreads and tokens, each weighed exp(class·[same task class] +
 * structure·likeness of their structures), the target's own workflow left out (its runs are the
 * levels below). EMPTY_SUMMARY when no other workflow has run.
 */
function summarizeAlike(
  index: RunIndex,
  target: RunFacts,
  [classStrength, shapeStrength]: [number, number],
): WeightedSummary {
  const shape = target.shape ?? [];
  const items: { s: WeightedSummary; w: number; first: number }[] = [];
  let total = 0;
  let squares = 0;
  let count = 0;
  let success = 0;
  let successWeight = 0;
  for (const id of index.workflows) {
    if (id === target.workflowId) continue;
    const workflow = index.workflow.get(id);
    if (!workflow) continue;
    const s = summarize(workflow);
    if (s.count === 0) continue;
    const w = Math.exp(
      (workflow.taskClass === target.taskClass ? classStrength : 0) +
        shapeStrength * shapeLikeness(shape, workflow.shape),
    );
    items.push({ s, w, first: firstOf(workflow) });
    total += w;
    squares += w * w;
    count += s.count;
    const ws = w * Math.min(s.weight, 5);
    success += ws * s.success;
    successWeight += ws;
  }
  if (items.length === 0) return EMPTY_SUMMARY;
  const median = (value: (i: (typeof items)[number]) => number) => {
    const sorted = items.map((i) => ({ v: value(i), w: i.w })).sort((a, b) => a.v - b.v);
    let seen = 0;
    for (const item of sorted) if ((seen += item.w) >= total / 2) return item.v;
    return sorted[sorted.length - 1]!.v;
  };
  return {
    // As many workflows' worth as the weights make (Kish's effective number).
    weight: (total * total) / squares,
    count,
    success: successWeight ? success / successWeight : 0,
    // How each began: the target is a new workflow (levelsOf).
    logDuration: median((i) => i.first),
    spread: median((i) => i.s.spread),
    logTokens: median((i) => i.s.logTokens),
  };
}

/** A workflow's runs the ways of finding similar tasks are scored on. */
export const LIKENESS_RUNS = 5;

/** The way of finding similar tasks that has predicted best (LIKENESS), null for the class alone. */
function likenessOf(tuning: ForecastTuning): [number, number] | null {
  const losses = tuning.likeness;
  if (!losses || losses.length !== LIKENESS.length) return null;
  let best = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i]! < losses[best]! - 1e-9) best = i;
  return LIKENESS[best]!;
}

type LevelSummaries = Record<Level | "all", WeightedSummary>;

function levelsOf(index: RunIndex, target: RunFacts, tuning: ForecastTuning): LevelSummaries {
  const isNew = !index.workflow.has(target.workflowId);
  // A new workflow's only: what the learned way was scored on (each run as if its workflow were new).
  const likeness = target.shape?.length && isNew ? likenessOf(tuning) : null;
  return {
    version: summarize(index.version.get(target.versionId)),
    // The workflow's earlier versions only: the version's own runs are the level below.
    workflow: summarize(index.workflow.get(target.workflowId), target.versionId),
    similar: likeness
      ? summarizeAlike(index, target, likeness)
      : summarizeSimilar(index, target.taskClass, isNew),
    all: isNew ? summarizeAllAsFirst(index) : summarize(index.all),
  };
}

const bestStrength = (losses: number[]) => {
  let best = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i]! < losses[best]!) best = i;
  return STRENGTHS[best]!;
};

type Figure = keyof ForecastTuning["loss"];
const FIGURES: Record<Figure, (s: WeightedSummary) => number> = {
  success: (s) => s.success,
  duration: (s) => s.logDuration,
  tokens: (s) => s.logTokens,
};

/** The top of the hierarchy: all runs (success with a uniform prior). */
function topOf(levels: LevelSummaries, figure: Figure): number {
  const all = levels.all;
  return figure === "success"
    ? (all.success * all.weight + 1) / (all.weight + 2)
    : FIGURES[figure](all);
}

/** Each level's estimate down the hierarchy, each pulled towards its parent by `strength` pseudo-runs. */
function cascade(
  levels: LevelSummaries,
  figure: Figure,
  strengths: Record<Level, number>,
): Record<Level, number> {
  const value = FIGURES[figure];
  const similar = shrink(levels.similar, value, topOf(levels, figure), strengths.similar);
  const workflow = shrink(levels.workflow, value, similar, strengths.workflow);
  const version = shrink(levels.version, value, workflow, strengths.version);
  return { similar, workflow, version };
}

function shrink(
  level: WeightedSummary,
  value: (s: WeightedSummary) => number,
  parent: number,
  strength: number,
): number {
  return level.count === 0
    ? parent
    : (level.weight * value(level) + strength * parent) / (level.weight + strength);
}

const strengthsOf = (tuning: ForecastTuning, figure: Figure) => ({
  version: bestStrength(tuning.loss[figure].version),
  workflow: bestStrength(tuning.loss[figure].workflow),
  similar: bestStrength(tuning.loss[figure].similar),
});

const situationOf = (levels: LevelSummaries) =>
  levels.version.count >= 5 ? 3 : levels.version.count > 0 ? 2 : levels.workflow.count > 0 ? 1 : 0;

/** The log-scale spread of durations: the version's own pooled with its parents' (3 runs' worth). */
function spreadOf(levels: LevelSummaries): number {
  const pool = (s: WeightedSummary, parent: number) =>
    s.count < 2 ? parent : (s.weight * s.spread + 3 * parent) / (s.weight + 3);
  const all = levels.all.count > 1 ? levels.all.spread : 0.5;
  const similar = pool(levels.similar, all);
  const workflow = pool(levels.workflow, similar);
  return Math.max(0.02, pool(levels.version, workflow));
}

/**
 * Log offsets from the median tried for the point forecast. Percentage error is asymmetric (×2 too
 * high is 100 % off, ×2 too low 50 %), so with a wide forecast the figure with the smallest typical
 * error lies below the median; how far depends on the spread and skew of the misses, so each
 * situation learns its own from how each offset would have done.
 */
export const POINT_OFFSETS = [-0.6, -0.45, -0.3, -0.2, -0.1, -0.05, 0, 0.05, 0.1] as const;

/**
 * z of the one-sided sign test an offset must pass against the median (5 %): a situation with few
 * runs (a tenant's new workflows, a few dozen) would otherwise pick whichever offset its last
 * handful of runs happened to favour.
 */
const POINT_EVIDENCE = 1.645;

/**
 * The offset with the fewest discounted misses in this situation, if it beats the median's by
 * more than chance (POINT_EVIDENCE × √ of the runs on which they disagree); else the median.
 */
function pointOffset(tuning: ForecastTuning, situation: number): number {
  const misses = tuning.point.misses[situation];
  const discord = tuning.point.discord[situation];
  if (!misses || !discord) return 0;
  const median = POINT_OFFSETS.indexOf(0);
  let best = median;
  for (let i = 0; i < POINT_OFFSETS.length; i++)
    if (
      misses[i]! < misses[best]! - 1e-9 &&
      misses[median]! - misses[i]! > POINT_EVIDENCE * Math.sqrt(discord[i]!)
    )
      best = i;
  return POINT_OFFSETS[best]!;
}

/**
 * One step of a running median: towards the new value by a step that shrinks with the runs seen
 * (fast at first, steady later).
 */
const stepMedian = (current: number, value: number, runs: number) =>
  current + Math.max(0.01, 0.3 / Math.sqrt(1 + runs)) * Math.sign(value - current);

type Internals = {
  levels: LevelSummaries;
  logDuration: number | null;
  sd: number;
  situation: number;
};

function forecastWith(
  index: RunIndex,
  tuning: ForecastTuning,
  target: RunFacts,
): { forecast: RunForecast; internals: Internals } {
  const levels = levelsOf(index, target, tuning);
  const successStrengths = strengthsOf(tuning, "success");
  const p = cascade(levels, "success", successStrengths);
  // Beta posterior: the version's weighted successes and failures over its parent's rate as prior.
  const own = levels.version;
  const alpha = own.success * own.weight + successStrengths.version * p.workflow;
  const beta = (1 - own.success) * own.weight + successStrengths.version * (1 - p.workflow);
  const probability = alpha / (alpha + beta);
  const sdP = Math.sqrt((alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1)));

  const seen = levels.all.count > 0;
  const situation = situationOf(levels);
  let logDuration: number | null = null;
  let sd = 0;
  let durationMs: RunForecast["durationMs"] = null;
  let tokens: number | null = null;
  let costUsd: number | null = null;
  if (seen) {
    const durationStrengths = strengthsOf(tuning, "duration");
    logDuration = cascade(levels, "duration", durationStrengths).version;
    sd = spreadOf(levels) * Math.sqrt(1 + 1 / (own.weight + durationStrengths.version));
    const half = (tuning.intervalScale[situation] ?? Z80) * sd;
    durationMs = {
      median: Math.exp(logDuration),
      point: Math.exp(logDuration + pointOffset(tuning, situation)),
      low: Math.exp(logDuration - half),
      high: Math.exp(logDuration + half),
    };
    tokens = Math.max(
      0,
      Math.expm1(cascade(levels, "tokens", strengthsOf(tuning, "tokens")).version),
    );
    const price = index.price.get(target.model);
    costUsd =
      tokens < 0.5 ? 0 : price && price.tokens > 0 ? (tokens * price.cost) / price.tokens : null;
  }
  const basis: ForecastBasis =
    own.count > 0
      ? "version"
      : levels.workflow.count > 0
        ? "workflow"
        : levels.similar.count > 0
          ? "similar"
          : seen
            ? "all"
            : "none";
  return {
    forecast: {
      success: {
        probability,
        low: Math.max(0, probability - Z80 * sdP),
        high: Math.min(1, probability + Z80 * sdP),
        alpha,
        beta,
      },
      durationMs,
      tokens,
      costUsd,
      basis,
      runs: {
        version: index.version.get(target.versionId)?.total ?? 0,
        workflow: index.workflow.get(target.workflowId)?.total ?? 0,
        similar: index.similar.get(target.taskClass)?.total ?? 0,
        all: index.all.total,
      },
    },
    internals: { levels, logDuration, sd, situation },
  };
}

/**
 * Predicts a run from the index of runs before it.
 * @example forecastRun(createRunIndex(), createTuning(), facts).basis // → "none"
 */
export function forecastRun(
  index: RunIndex,
  tuning: ForecastTuning,
  target: RunFacts,
): RunForecast {
  return forecastWith(index, tuning, target).forecast;
}

const logLoss = (p: number, y: number) => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
};
const absoluteError = (predicted: number, actual: number) => Math.abs(predicted - actual);

/**
 * Learns from a finished run how well each strength would have predicted it, and moves the
 * interval scale of its situation towards 80 % coverage. Call it with the index as it was before
 * the run, then addRun. Returns new tuning; the index is not changed.
 * @example tuning = learnFromRun(tuning, index, run); addRun(index, run)
 */
export function learnFromRun(
  tuning: ForecastTuning,
  index: RunIndex,
  run: PastRun,
): ForecastTuning {
  const { internals } = forecastWith(index, tuning, run);
  const { levels } = internals;
  const next: ForecastTuning = {
    loss: {
      success: scoreStrengths(tuning, "success", levels, run.success, logLoss),
      duration: tuning.loss.duration,
      tokens: tuning.loss.tokens,
    },
    intervalScale: tuning.intervalScale,
    point: tuning.point,
    likeness: tuning.likeness,
    runs: tuning.runs + 1,
  };
  if (levels.all.count > 0) {
    const y = logDuration(run);
    next.loss.duration = scoreStrengths(tuning, "duration", levels, y, absoluteError);
    next.loss.tokens = scoreStrengths(tuning, "tokens", levels, logTokens(run), absoluteError);
    if (internals.logDuration !== null) {
      const scale = tuning.intervalScale[internals.situation] ?? Z80;
      const outside = Math.abs(y - internals.logDuration) > scale * internals.sd ? 1 : 0;
      next.intervalScale = tuning.intervalScale.map((k, i) =>
        i === internals.situation ? k * Math.exp(SCALE_STEP * (outside - (1 - COVERAGE))) : k,
      );
      next.point = learnPoint(tuning, internals.situation, internals.logDuration, run.durationMs);
    }
    // Scored on a workflow's first runs only, so busy workflows do not outvote the rest.
    if (run.shape?.length && (index.workflow.get(run.workflowId)?.total ?? 0) < LIKENESS_RUNS)
      next.likeness = scoreLikeness(tuning, index, run, y, levels.all);
  }
  return next;
}

/**
 * Scores each way of finding similar tasks (LIKENESS) on a run as if its workflow were new: the
 * log median each gives from the other workflows (the run's own left out) against the run's log
 * duration. Where one finds nothing, it says what the forecast would: all runs' median.
 */
function scoreLikeness(
  tuning: ForecastTuning,
  index: RunIndex,
  run: PastRun,
  y: number,
  all: WeightedSummary,
): number[] {
  const before =
    tuning.likeness?.length === LIKENESS.length ? tuning.likeness : LIKENESS.map(() => 0);
  const others: { v: number; sameClass: boolean; like: number }[] = [];
  for (const id of index.workflows) {
    if (id === run.workflowId) continue;
    const workflow = index.workflow.get(id);
    if (!workflow) continue;
    if (summarize(workflow).count === 0) continue;
    others.push({
      v: firstOf(workflow),
      sameClass: workflow.taskClass === run.taskClass,
      like: shapeLikeness(run.shape!, workflow.shape),
    });
  }
  others.sort((a, b) => a.v - b.v);
  const classOnly = others.filter((o) => o.sameClass).map((o) => o.v);
  return LIKENESS.map((way, i) => {
    let estimate = all.logDuration;
    if (way === null) {
      if (classOnly.length) estimate = medianOf(classOnly);
    } else if (others.length) {
      const weights = others.map((o) => Math.exp((o.sameClass ? way[0] : 0) + way[1] * o.like));
      const total = weights.reduce((a, b) => a + b, 0);
      let seen = 0;
      let k = 0;
      while (k < others.length - 1 && (seen += weights[k]!) < total / 2) k++;
      estimate = others[k]!.v;
    }
    return before[i]! * LOSS_DECAY + Math.abs(estimate - y);
  });
}

/** Scores each point offset on a finished run, and moves the situation's typical error. */
function learnPoint(
  tuning: ForecastTuning,
  situation: number,
  logMedian: number,
  durationMs: number,
): ForecastTuning["point"] {
  const { typical, misses, runs, discord } = tuning.point;
  const t = typical[situation] ?? 0.3;
  const actual = Math.max(1, durationMs);
  const errorOf = (offset: number) => Math.abs(Math.exp(logMedian + offset) - actual) / actual;
  const missed = POINT_OFFSETS.map((offset) => (errorOf(offset) > t ? 1 : 0));
  const medianMissed = missed[POINT_OFFSETS.indexOf(0)];
  const scored = (misses[situation] ?? POINT_OFFSETS.map(() => 0)).map(
    (m, i) => m * LOSS_DECAY + missed[i]!,
  );
  const disagreed = (discord[situation] ?? POINT_OFFSETS.map(() => 0)).map(
    (d, i) => d * LOSS_DECAY + (missed[i] === medianMissed ? 0 : 1),
  );
  const seen = runs[situation] ?? 0;
  return {
    typical: typical.map((v, i) =>
      i === situation ? stepMedian(v, errorOf(pointOffset(tuning, situation)), seen) : v,
    ),
    misses: misses.map((m, i) => (i === situation ? scored : m)),
    runs: runs.map((n, i) => (i === situation ? n + 1 : n)),
    discord: discord.map((d, i) => (i === situation ? disagreed : d)),
  };
}

/**
 * Adds each strength's loss at each level that has runs, the other levels' strengths as they are.
 * A parent's pull decides the forecast only while the levels below it have few runs, so similar
 * tasks are scored on a workflow's first FIRST_RUNS runs and the workflow's earlier versions on a
 * version's first ones: scored on every run, the losses of those rare runs would fade (LOSS_DECAY
 * per scored run) under the many where every strength gives the same forecast, and a handful of
 * recent new workflows would decide. The version's own pull is scored on every run.
 * Allocates one array per level scored: it runs for every finished run.
 */
function scoreStrengths(
  tuning: ForecastTuning,
  figure: Figure,
  levels: LevelSummaries,
  actual: number,
  loss: (predicted: number, actual: number) => number,
): Record<Level, number[]> {
  const current = strengthsOf(tuning, figure);
  const losses = tuning.loss[figure];
  const scored = { ...losses };
  const value = FIGURES[figure];
  const top = topOf(levels, figure);
  const below: Record<Level, number> = {
    version: 0,
    workflow: levels.version.count,
    similar: levels.version.count + levels.workflow.count,
  };
  for (const level of LEVELS) {
    if (levels[level].count === 0 || below[level] >= FIRST_RUNS) continue;
    const before = losses[level];
    const after = new Array<number>(STRENGTHS.length);
    for (let i = 0; i < STRENGTHS.length; i++) {
      const strength = STRENGTHS[i]!;
      // Judged by the forecast it gives (the version's estimate), so a level's pull is learned
      // where it matters: a new workflow's runs for similar tasks, a new version's for the
      // workflow's earlier versions, and hardly at all where the version's own runs decide.
      const similar = shrink(
        levels.similar,
        value,
        top,
        level === "similar" ? strength : current.similar,
      );
      const workflow = shrink(
        levels.workflow,
        value,
        similar,
        level === "workflow" ? strength : current.workflow,
      );
      const version = shrink(
        levels.version,
        value,
        workflow,
        level === "version" ? strength : current.version,
      );
      after[i] = before[i]! * LOSS_DECAY + loss(version, actual);
    }
    scored[level] = after;
  }
  return scored;
}
