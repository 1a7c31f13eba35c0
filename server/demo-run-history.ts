import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { runEvents, runs, stepRuns, usageRecords } from "@/db/schema";
import type { Plan } from "@/engine/schema/plan";
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
import { workflowShape } from "@/engine/learning/workflow-shape";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";
import { recordOutcome, type LearningBook } from "@/engine/learning/strategy-stats";
import type { Pattern } from "@/engine/autonomy/vocabulary";
import * as learning from "./repositories/learning";
import type { StepRunInsert } from "./repositories/step-runs";
import { demoRunRecord } from "./demo-run-steps";
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
import { factsOf, type StoredForecast } from "./services/learning-forecasts";

/**
 * The demo's run history (issue 24): a month of past runs of the Demo tenant's workflows, so a
 * fresh install's run dialog, run pages and Learning page have predictions to show and check, and
 * `npm run bench:predict` replays the same history (built by the same code, `demoRunHistory`).
 * Each run also has its steps and stored events (server/demo-run-steps.ts, drawn from a seed of
 * its own so the history's draws stay as they are), so it opens on the run page as a finished run.
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
  const shapes = new Map<string, string[]>();
  const shapeOf = (name: string) => {
    let shape = shapes.get(name);
    if (!shape)
      shapes.set(
        name,
        (shape = workflowShape(loadWorkflowDocument(documents.get(name)!.document))),
      );
    return shape;
  };
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
      shape: shapeOf(run.workflow),
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
 * A past run's usage row, as the executor writes one when a run ends (services/run-executor.ts):
 * the UTC day it ended, its status, the steps that finished or failed, its tokens and cost (the
 * run row's own), and its MCP calls: one per attempt of a tool step (the demo's agents call no
 * tools in its stored events). The demo's prices are known, so no token is unpriced.
 */
export function demoUsageRecord(
  events: readonly { type: string; kind?: string | null }[],
  run: {
    runId: string;
    tenantId: string;
    workflowId: string;
    userId: string | null;
    success: boolean;
    finishedAt: Date;
    durationMs: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
  },
): typeof usageRecords.$inferInsert {
  return {
    runId: run.runId,
    tenantId: run.tenantId,
    workflowId: run.workflowId,
    userId: run.userId,
    day: run.finishedAt.toISOString().slice(0, 10),
    status: run.success ? "completed" : "failed",
    steps: events.filter((e) => e.type === "step.completed" || e.type === "step.failed").length,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    costUsd: run.costUsd,
    unpricedTokens: 0,
    mcpCalls: events.filter((e) => e.type === "step.started" && e.kind === "tool").length,
    durationMs: run.durationMs,
  };
}

/**
 * Records the demo history in the Demo tenant of a freshly seeded database: the slow batch's two
 * published versions and a draft snapshot per other workflow, one run row per run (finished, with
 * its input, output or error, duration, tokens and cost), its step rows and stored run events
 * (server/demo-run-steps.ts: it opens on the run page as a finished run of its version's plan),
 * and each run's outcome with what was predicted for it
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
    const versions = new Map<
      string,
      { id: string; plan: Plan; profile: VersionProfile; shape: string[]; draft: boolean }
    >();
    for (const law of LAWS) {
      const key = `${law.workflow}@${law.version}`;
      if (versions.has(key)) continue;
      const workflow = documents.get(law.workflow)!;
      const document =
        law.version === 1 && law.workflow === "Process a slow batch"
          ? slowBatchVersion1(workflow.document)
          : workflow.document;
      const plan = compileOrThrow(document);
      const row = await insertVersion(tx, {
        tenantId,
        workflowId: found.get(law.workflow)!.workflowId,
        isDraft: law.version === "draft",
        document,
        plan,
        note: law.version === 2 ? "Collect in 8 s instead of 12" : law.version === 1 ? "First" : "",
        createdBy: owner?.id ?? null,
      });
      versions.set(key, {
        id: row.id,
        plan,
        profile: profileVersion(workflow, document),
        // As the outcome recorder keeps it: a new workflow's forecast finds its likes by it.
        shape: workflowShape(loadWorkflowDocument(document)),
        draft: law.version === "draft",
      });
    }

    const state = await learning.lockLearningState(tx, tenantId, emptyLearningState());
    const index = createRunIndex();
    let tuning = createTuning();
    let book = state.book as LearningBook;
    const outcomes: Parameters<typeof learning.insertOutcomes>[1] = [];
    const runRows: (typeof runs.$inferInsert)[] = [];
    const stepRows: StepRunInsert[] = [];
    const eventRows: (typeof runEvents.$inferInsert)[] = [];
    const usageRows: (typeof usageRecords.$inferInsert)[] = [];
    for (const [i, run] of history.entries()) {
      const version = versions.get(`${run.workflow}@${run.version}`)!;
      const workflowId = found.get(run.workflow)!.workflowId;
      const startedAt = new Date(run.at);
      const finishedAt = new Date(run.at + run.durationMs);
      const inputTokens = Math.round(run.tokens * 0.8);
      const runId = randomUUID();
      // Its steps and stored events, drawn from the run's own seed (the history's draws stay as they are).
      const record = demoRunRecord(version.plan, {
        runId,
        tenantId,
        seed: DEMO_HISTORY_SEED,
        index: i,
        workflow: run.workflow,
        startedAt: run.at,
        durationMs: run.durationMs,
        success: run.success,
        failedFast: run.failureRate === 1,
        inputTokens,
        outputTokens: run.tokens - inputTokens,
        costUsd: run.costUsd,
        approver: owner?.email ?? null,
      });
      runRows.push({
        id: runId,
        tenantId,
        workflowId,
        versionId: version.id,
        isDraft: version.draft,
        status: run.success ? "completed" : "failed",
        input: record.input,
        output: record.output,
        error: record.error,
        approvals: record.approvals,
        startedBy: owner?.id ?? null,
        trigger: run.trigger,
        createdAt: startedAt,
        startedAt,
        finishedAt,
        durationMs: run.durationMs,
        inputTokens,
        outputTokens: run.tokens - inputTokens,
        costUsd: run.costUsd,
      });
      stepRows.push(...record.steps);
      usageRows.push(
        demoUsageRecord(record.events, {
          runId,
          tenantId,
          workflowId,
          userId: owner?.id ?? null,
          success: run.success,
          finishedAt,
          durationMs: run.durationMs,
          inputTokens,
          outputTokens: run.tokens - inputTokens,
          costUsd: run.costUsd,
        }),
      );
      for (const event of record.events)
        eventRows.push({
          tenantId,
          runId,
          type: event.type,
          payload: event,
          at: new Date(event.at),
        });
      const past = {
        ...factsOf({
          workflowId,
          versionId: version.id,
          draft: version.draft,
          ...version.profile,
          shape: version.shape,
        }),
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
        runId,
        tenantId,
        workflowId,
        versionId: version.id,
        ...version.profile,
        shape: version.shape,
        success: run.success,
        latencyMs: run.durationMs,
        tokens: run.tokens,
        costUsd: run.costUsd,
        // Forecast from every earlier demo run: its counts are exact, not of recent runs only.
        prediction: { ...prediction, runsRecent: {} } satisfies StoredForecast,
        createdAt: finishedAt,
      });
    }
    // In batches: a few statements instead of one per row (the demo is seeded at every fresh start).
    for (let i = 0; i < runRows.length; i += 100)
      await tx.insert(runs).values(runRows.slice(i, i + 100));
    for (let i = 0; i < stepRows.length; i += 200)
      await tx.insert(stepRuns).values(stepRows.slice(i, i + 200));
    for (let i = 0; i < eventRows.length; i += 500)
      await tx.insert(runEvents).values(eventRows.slice(i, i + 500));
    for (let i = 0; i < usageRows.length; i += 200)
      await tx.insert(usageRecords).values(usageRows.slice(i, i + 200));
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
