import type { Db } from "@/db/client";
import { DEMO_ACCOUNTS } from "@/db/seed";
import {
  addRun,
  createRunIndex,
  createTuning,
  forecastRun,
  learnFromRun,
  type RunForecast,
} from "@/engine/learning/run-forecast";
import type { ReplayHistory, ReplayRun } from "@/engine/learning/replay/replay-run";
import { createRng, sampleNormal, type Rng } from "@/engine/learning/random";
import { recordOutcome, type LearningBook } from "@/engine/learning/strategy-stats";
import type { Pattern } from "@/engine/autonomy/vocabulary";
import * as learning from "./repositories/learning";
import { insertRun } from "./repositories/runs";
import { findUserByEmail } from "./repositories/users";
import { insertVersion } from "./repositories/workflow-versions";
import { findWorkflowOfTenantSlug } from "./repositories/workflows";
import { demoWorkflows } from "./demo-workflows";
import { compileOrThrow } from "./services/workflow-versions";
import {
  emptyLearningState,
  profileVersion,
  type VersionProfile,
} from "./services/outcome-recorder";
import { factsOf } from "./services/learning-forecasts";

/**
 * The demo's run history (issue 24): a month of past runs of the Demo tenant's workflows, so a
 * fresh install's run dialog, run pages and Learning page have predictions to show and check, and
 * `npm run bench:predict` replays the same history (built by the same code, `demoRunHistory`).
 *
 * Each workflow runs by a law of its own, read from what it does: the welcome note in under a
 * second, the expense approval waiting minutes to hours for a person, the slow batch its ~20 s of
 * long-running tool calls (its first runs failing fast before the Everything server was installed,
 * then a published version 2 that shortened one step from 12 s to 8 s), the LLM workflows seconds
 * to a minute with tokens and some failures. Durations are log-normal around each law's median;
 * every draw comes from a seeded RNG, so a seed gives the same history.
 */

const DAY = 86_400_000;
const DAYS = 30;

/** How one workflow (one of its versions) ran over the month. */
type Law = {
  workflow: string;
  /** A published version's number; "draft" for runs of the draft. */
  version: 1 | 2 | "draft";
  /** Days of the month it ran in: [from, to). */
  days: [number, number];
  runs: number;
  medianMs: number;
  spread: number;
  failureRate: number;
  /** Its first runs fail at once (a missing server): how many, and how long they take. */
  failFast?: { runs: number; medianMs: number };
  /** Log-normal tokens per run (LLM workflows), and $ per token. */
  tokens?: { median: number; spread: number; usdPerToken: number };
  trigger: "manual" | "schedule";
  input: Record<string, unknown>;
};

const LAWS: Law[] = [
  {
    workflow: "Welcome a new teammate",
    version: "draft",
    days: [0, DAYS],
    runs: 70,
    medianMs: 800,
    spread: 0.2,
    failureRate: 0.03,
    trigger: "manual",
    input: { name: "Lin" },
  },
  {
    workflow: "Approve an expense",
    version: "draft",
    days: [2, DAYS],
    runs: 24,
    // A person answers within minutes to hours.
    medianMs: 25 * 60_000,
    spread: 0.9,
    failureRate: 0.08,
    trigger: "manual",
    input: { item: "Train ticket", amount: 84 },
  },
  {
    workflow: "Process a slow batch",
    version: 1,
    days: [1, 17],
    runs: 40,
    medianMs: 24_600,
    spread: 0.04,
    failureRate: 0.03,
    failFast: { runs: 5, medianMs: 450 },
    trigger: "schedule",
    input: { name: "Nightly invoices" },
  },
  {
    workflow: "Process a slow batch",
    version: 2,
    days: [17, DAYS],
    runs: 30,
    medianMs: 20_600,
    spread: 0.04,
    failureRate: 0.03,
    trigger: "schedule",
    input: { name: "Nightly invoices" },
  },
  {
    workflow: "Research a topic and write a brief",
    version: "draft",
    days: [5, DAYS],
    runs: 35,
    medianMs: 38_000,
    spread: 0.35,
    failureRate: 0.12,
    tokens: { median: 7_000, spread: 0.3, usdPerToken: 0.4e-6 },
    trigger: "manual",
    input: { topic: "Tidal energy" },
  },
  {
    workflow: "Triage a support ticket",
    version: "draft",
    days: [3, DAYS],
    runs: 80,
    medianMs: 6_500,
    spread: 0.3,
    failureRate: 0.06,
    tokens: { median: 1_800, spread: 0.25, usdPerToken: 0.4e-6 },
    trigger: "manual",
    input: { ticket: "I was charged twice this month." },
  },
];

/** A run of the demo history: when, which workflow and version, and what happened. */
export type DemoRun = {
  at: number;
  workflow: string;
  version: Law["version"];
  success: boolean;
  durationMs: number;
  tokens: number;
  costUsd: number;
  trigger: Law["trigger"];
  input: Record<string, unknown>;
  /** The law's median and spread, for the benchmark's error floor. */
  medianMs: number;
  spread: number;
  failureRate: number;
};

function runsOf(rng: Rng, law: Law, start: number): DemoRun[] {
  const [from, to] = law.days;
  const times = Array.from(
    { length: law.runs },
    () => start + (from + (to - from) * rng()) * DAY,
  ).sort((a, b) => a - b);
  return times.map((at, i) => {
    const failedFast = law.failFast !== undefined && i < law.failFast.runs;
    const success = !failedFast && rng() >= law.failureRate;
    const median = failedFast ? law.failFast!.medianMs : law.medianMs;
    const full = median * Math.exp(law.spread * sampleNormal(rng));
    // A failure other than a fast one stops part-way.
    const durationMs = Math.max(
      1,
      Math.round(success || failedFast ? full : full * (0.2 + 0.8 * rng())),
    );
    const tokens =
      law.tokens && !failedFast
        ? Math.round(law.tokens.median * Math.exp(law.tokens.spread * sampleNormal(rng)))
        : 0;
    return {
      at: Math.round(at),
      workflow: law.workflow,
      version: law.version,
      success,
      durationMs,
      tokens,
      costUsd: tokens * (law.tokens?.usdPerToken ?? 0),
      trigger: law.trigger,
      input: law.input,
      medianMs: median,
      spread: law.spread,
      failureRate: failedFast ? 1 : law.failureRate,
    };
  });
}

/**
 * The demo's month of runs in time order, ending `end` (unix ms).
 * @example demoRunHistory({ seed: 24, end: Date.now() }).length // → 279
 */
export function demoRunHistory(options: { seed: number; end: number }): DemoRun[] {
  const rng = createRng(options.seed);
  const start = options.end - DAYS * DAY;
  return LAWS.flatMap((law) => runsOf(rng, law, start)).sort((a, b) => a.at - b.at);
}

/** The documents of the demo's workflows, by name, and of the slow batch's version 1. */
function demoDocuments(): Map<string, { name: string; description: string; document: unknown }> {
  return new Map(demoWorkflows().demo.map((w) => [w.name, w]));
}

/** "Process a slow batch" as published first: its first step took 12 s instead of 8. */
function slowBatchVersion1(document: unknown): unknown {
  const copy = structuredClone(document) as {
    nodes: { id: string; config: { args?: Record<string, unknown> } }[];
  };
  const collect = copy.nodes.find((n) => n.id === "collect");
  if (collect?.config.args)
    collect.config.args = { ...collect.config.args, duration: 12, steps: 12 };
  return copy;
}

/**
 * The demo history as the benchmark replays it: each workflow's task class and model as the
 * outcome recorder profiles them from its document.
 * @example demoReplayHistory(1).runs[0].taskClass // → "none|-" (a class of the analyzer)
 */
export function demoReplayHistory(seed: number): ReplayHistory {
  const documents = demoDocuments();
  const profiles = new Map<string, VersionProfile>();
  const profileOf = (name: string) => {
    let profile = profiles.get(name);
    if (!profile) {
      const w = documents.get(name)!;
      profiles.set(name, (profile = profileVersion(w, w.document)));
    }
    return profile;
  };
  const runs: ReplayRun[] = demoRunHistory({ seed, end: Date.UTC(2026, 6, 1) }).map((run) => {
    const profile = profileOf(run.workflow);
    const versionId = `${run.workflow}@${run.version}`;
    return {
      at: run.at,
      ...factsOf({
        workflowId: run.workflow,
        versionId,
        draft: run.version === "draft",
        taskClass: profile.taskClass,
        strategyId: profile.strategyId,
      }),
      success: run.success,
      durationMs: run.durationMs,
      tokens: run.tokens,
      costUsd: run.costUsd,
      medianMs: run.medianMs,
      spread: run.spread,
      failureRate: run.failureRate,
    };
  });
  return { generator: "demo", tenant: `demo-${seed}`, runs, drawDurationRatio: drawDemoRatio };
}

/**
 * A duration over its law's median, by the demo's law (`runsOf`): log-normal, a failure that is
 * not a fast one stopping part-way.
 */
export function drawDemoRatio(run: ReplayRun, rng: Rng): number {
  const full = Math.exp((run.spread ?? 0) * sampleNormal(rng));
  const failureRate = run.failureRate ?? 0;
  return failureRate < 1 && rng() < failureRate ? full * (0.2 + 0.8 * rng()) : full;
}

/** The seed the demo's own history is drawn with. */
export const DEMO_HISTORY_SEED = 24;

/**
 * Records the demo history in the Demo tenant of a freshly seeded database: the slow batch's two
 * published versions and a draft snapshot per other workflow, one run row per run (finished, with
 * its duration, tokens and cost; no steps), and each run's outcome with what was predicted for it
 * from the outcomes before it, then the tenant's learning book and the forecaster's tuning, as the
 * outcome recorder would have left them. Returns how many runs it recorded (0 when the demo
 * workflows are not there).
 */
export async function seedDemoRunHistory(db: Db, now = Date.now()): Promise<number> {
  const documents = demoDocuments();
  const owner = await findUserByEmail(db, DEMO_ACCOUNTS.owner.email);
  const found = new Map<string, { tenantId: string; workflowId: string }>();
  for (const name of new Set(LAWS.map((l) => l.workflow))) {
    const row = await findWorkflowOfTenantSlug(db, "demo", name);
    if (!row || !documents.has(name)) return 0;
    found.set(name, row);
  }
  const tenantId = [...found.values()][0]!.tenantId;
  // End an hour ago: the history is the past, the app's own runs come after it.
  const history = demoRunHistory({ seed: DEMO_HISTORY_SEED, end: now - 3_600_000 });
  return db.transaction(async (tx) => {
    const versions = new Map<string, { id: string; profile: VersionProfile; draft: boolean }>();
    for (const law of LAWS) {
      const key = `${law.workflow}@${law.version}`;
      if (versions.has(key)) continue;
      const workflow = documents.get(law.workflow)!;
      const document =
        law.version === 1 && law.workflow === "Process a slow batch"
          ? slowBatchVersion1(workflow.document)
          : workflow.document;
      const row = await insertVersion(tx, {
        tenantId,
        workflowId: found.get(law.workflow)!.workflowId,
        isDraft: law.version === "draft",
        document,
        plan: compileOrThrow(document),
        note: law.version === 2 ? "Collect in 8 s instead of 12" : law.version === 1 ? "First" : "",
        createdBy: owner?.id ?? null,
      });
      versions.set(key, {
        id: row.id,
        profile: profileVersion(workflow, document),
        draft: law.version === "draft",
      });
    }

    const state = await learning.lockLearningState(tx, tenantId, emptyLearningState());
    const index = createRunIndex();
    let tuning = createTuning();
    let book = state.book as LearningBook;
    const outcomes: Parameters<typeof learning.insertOutcomes>[1] = [];
    for (const run of history) {
      const version = versions.get(`${run.workflow}@${run.version}`)!;
      const workflowId = found.get(run.workflow)!.workflowId;
      const startedAt = new Date(run.at);
      const finishedAt = new Date(run.at + run.durationMs);
      const inserted = await insertRun(tx, {
        tenantId,
        workflowId,
        versionId: version.id,
        isDraft: version.draft,
        status: run.success ? "completed" : "failed",
        input: run.input,
        output: run.success ? { demo: "recorded with the demo's history" } : null,
        error: run.success
          ? null
          : run.failureRate === 1
            ? {
                code: "UNAVAILABLE",
                message: "The MCP server “everything” is not installed",
                stepId: "collect",
              }
            : { code: "RUN_FAILED", message: "A step failed (recorded with the demo's history)" },
        startedBy: owner?.id ?? null,
        trigger: run.trigger,
        createdAt: startedAt,
        startedAt,
        finishedAt,
        durationMs: run.durationMs,
        inputTokens: Math.round(run.tokens * 0.8),
        outputTokens: run.tokens - Math.round(run.tokens * 0.8),
        costUsd: run.costUsd,
      });
      const past = {
        ...factsOf({ workflowId, versionId: version.id, draft: version.draft, ...version.profile }),
        success: run.success ? 1 : 0,
        durationMs: run.durationMs,
        tokens: run.tokens,
        costUsd: run.costUsd,
      };
      const prediction: RunForecast = forecastRun(index, tuning, past);
      tuning = learnFromRun(tuning, index, past);
      addRun(index, past);
      book = recordOutcome(book, {
        taskClass: version.profile.taskClass,
        pattern: version.profile.pattern as Pattern,
        strategyId: version.profile.strategyId,
        success: run.success,
        latencyMs: run.durationMs,
        tokens: run.tokens,
        cost: run.costUsd,
      });
      outcomes.push({
        runId: inserted.id,
        tenantId,
        workflowId,
        versionId: version.id,
        ...version.profile,
        success: run.success,
        latencyMs: run.durationMs,
        tokens: run.tokens,
        costUsd: run.costUsd,
        prediction,
        createdAt: finishedAt,
      });
    }
    for (let i = 0; i < outcomes.length; i += 100)
      await learning.insertOutcomes(tx, outcomes.slice(i, i + 100));
    await learning.saveLearningState(tx, {
      tenantId,
      book,
      preferences: state.preferences,
      outcomes: state.outcomes + outcomes.length,
      forecastTuning: tuning,
    });
    return outcomes.length;
  });
}
