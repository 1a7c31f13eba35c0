import type { Plan, PlanStep } from "@/engine/schema/plan";
import type { RunError, RunEvent } from "@/engine/schema/run-events";
import { createRng, type Rng } from "@/engine/learning/random";
import type { StepRunInsert } from "./repositories/step-runs";

/**
 * The steps and stored events of one run of the demo's history (server/demo-run-history.ts), so a
 * past run opens on the run page, its timeline and its step debugger as a finished run of the same
 * plan would: a row per step that ran (timings within the run's duration, attempts, outputs,
 * tokens and cost adding up to the run's), `step.skipped` for branches not taken, and on a failed
 * run the failing step with its error and no later step. Only what the run journal stores is made
 * (progress and text deltas are live-only). Every draw comes from the run's own seeded RNG, apart
 * from the history's, so the history (and what bench:predict replays) stays as drawn.
 */

/** What the history says about the run. */
export type DemoRunFacts = {
  runId: string;
  tenantId: string;
  /** The history's seed and the run's place in it: the run's own RNG is drawn from both. */
  seed: number;
  index: number;
  workflow: string;
  startedAt: number;
  durationMs: number;
  success: boolean;
  /** True for a run that failed at once because its MCP server was not installed yet. */
  failedFast: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Who decides approvals (the demo owner's email). */
  approver: string | null;
};

export type DemoRunRecord = {
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: RunError | null;
  approvals: Record<string, { approved: boolean; comment?: string; decidedBy?: string }>;
  steps: StepRunInsert[];
  events: RunEvent[];
};

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** Inputs a person would have typed, by workflow (each valid for its input schema). */
const INPUTS: Record<string, (rng: Rng) => Record<string, unknown>> = {
  "Welcome a new teammate": (rng) => ({
    name: pick(rng, ["Lin", "Amara", "Jonas", "Priya", "Mateo", "Sofia", "Kenji", "Noor"]),
  }),
  "Approve an expense": (rng) =>
    pick(rng, [
      { item: "Train ticket", amount: 84 },
      { item: "Conference pass", amount: 420 },
      { item: "Team lunch", amount: 136 },
      { item: "Keyboard", amount: 59 },
      { item: "Hotel, two nights", amount: 260 },
    ]),
  "Process a slow batch": () => ({ name: "Nightly invoices" }),
  "Research a topic and write a brief": (rng) => ({
    ...pick(rng, [
      { topic: "Tidal energy", audience: "the board" },
      { topic: "Heat pumps in old buildings", audience: "facility managers" },
      { topic: "Four-day work week", audience: "the leadership team" },
      { topic: "Passkeys", audience: "the support team" },
    ]),
  }),
  "Triage a support ticket": (rng) =>
    pick(rng, TICKETS).ticket as unknown as Record<string, unknown>,
};

const TICKETS = [
  {
    branch: "billing",
    ticket: {
      subject: "Charged twice",
      body: "I was charged twice this month.",
      customerEmail: "dana@example.com",
    },
    reply:
      "Hi Dana, you are right: invoice 2291 was taken twice on the 3rd. The second charge is refunded; it shows on your statement within 5 working days.",
  },
  {
    branch: "billing",
    ticket: {
      subject: "Invoice address",
      body: "Can the invoice show our company's address?",
      customerEmail: "ops@example.org",
    },
    reply:
      "Hello, the billing address is under Settings → Billing; invoices issued after the change carry it. I re-issued this month's invoice with your address.",
  },
  {
    branch: "bug",
    ticket: {
      subject: "Export is empty",
      body: "The CSV export has headers but no rows since yesterday.",
      customerEmail: "li@example.com",
    },
    reply:
      "Thanks, Li. This matches a known issue with exports of filtered views, tracked at https://github.com/example/app/issues/812; we will write when the fix ships.",
  },
  {
    branch: "account",
    ticket: {
      subject: "Can't sign in",
      body: "The sign-in link in my email has expired.",
      customerEmail: "sam@example.net",
    },
    reply:
      "Hi Sam, sign-in links last 15 minutes. Ask for a new one on the sign-in page and open it on the same device; we never ask for your password by email.",
  },
  {
    branch: "default",
    ticket: {
      subject: "Question",
      body: "Hello, is this working?",
      customerEmail: "x@example.com",
    },
    reply:
      "Hello, thanks for writing. Could you tell us which product and account this is about, and what you were trying to do?",
  },
] as const;

const BRIEF_QUESTIONS = [
  "What does it cost compared with the alternatives?",
  "How mature is it, and who already uses it?",
  "What are the main risks?",
  "What would a first step look like?",
];

/** Tokens of one LLM call-worth of a step, as a share of the run's. */
const TOKEN_WEIGHT: Partial<Record<PlanStep["kind"], number>> = { llm: 1, router: 0.4, agent: 3 };

/** How long a calling step takes relative to the others of its run. */
function weightOf(step: PlanStep): number {
  switch (step.kind) {
    case "tool": {
      const duration = step.config.args?.duration;
      return typeof duration === "number" ? duration : 1;
    }
    case "agent":
      return 4;
    case "llm":
      return step.config.outputSchema ? 1 : 2.5;
    case "router":
      return 0.6;
    default:
      return 0;
  }
}

const isCalling = (step: PlanStep) => weightOf(step) > 0;

/** `{{input.x}}` / `{{value.x}}` in a template, as the engine renders them (a lone one keeps its type). */
function render(template: unknown, scope: Record<string, unknown>): unknown {
  const lookup = (path: string) =>
    path
      .split(".")
      .reduce<unknown>(
        (v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined),
        scope,
      );
  if (typeof template === "string") {
    const lone = /^\{\{\s*([\w.-]+)\s*\}\}$/.exec(template);
    if (lone) return lookup(lone[1]!) ?? null;
    return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, path: string) =>
      String(lookup(path) ?? ""),
    );
  }
  if (Array.isArray(template)) return template.map((t) => render(t, scope));
  if (template && typeof template === "object")
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, render(v, scope)]));
  return template;
}

/** What a calling step answered (a stand-in for the model or tool's answer, fitting its kind). */
function callingOutput(step: PlanStep, input: Record<string, unknown>, ticket: string): unknown {
  switch (step.kind) {
    case "tool": {
      const args = step.config.args ?? {};
      const text = `Long running operation completed. Duration: ${String(args.duration)} seconds, Steps: ${String(args.steps)}.`;
      return { text, content: [{ type: "text", text }] };
    }
    case "llm":
      if (step.config.outputSchema) return { questions: BRIEF_QUESTIONS };
      if (step.id === "write")
        return `# ${String(input.topic)}: a one-page brief for ${String(input.audience)}\n\n**In one line:** worth a pilot, not yet a full roll-out.\n\n## Key findings\n- Costs fall each year; the first projects paid back in 6–9 years.\n- Three comparable organisations run it today.\n\n## Open questions\n- Maintenance contracts and who holds the risk.\n\n## Sources\n- https://www.iea.org/reports\n- https://en.wikipedia.org/wiki/${encodeURIComponent(String(input.topic).replace(/ /g, "_"))}`;
      return ticket;
    case "agent":
      if (step.id === "research")
        return BRIEF_QUESTIONS.map(
          (q, i) =>
            `${i + 1}. ${q} Findings from two sources (https://example.org/source-${i + 1}).`,
        ).join("\n");
      return ticket;
    default:
      return null;
  }
}

/**
 * The error a step of this kind failed with: a retryable one (the runtime tried it again first)
 * when the step had time for its retries, else one the runtime does not retry.
 */
function failureOf(
  step: PlanStep,
  failedFast: boolean,
  canRetry: boolean,
): { error: RunError; retried: boolean } {
  if (step.kind === "tool") {
    if (failedFast)
      return {
        error: {
          code: "TOOL_NOT_FOUND",
          message: `No MCP server named "${step.config.server}" is installed in this tenant`,
        },
        retried: false,
      };
    return canRetry
      ? {
          error: {
            code: "SERVER_CRASHED",
            message: `The MCP server "${step.config.server}" stopped during the call to ${step.config.tool}`,
          },
          retried: true,
        }
      : {
          error: {
            code: "TOOL_ERROR",
            message: `${step.config.tool}: the operation was cancelled by the server`,
          },
          retried: false,
        };
  }
  if (isCalling(step))
    return canRetry
      ? {
          error: {
            code: "LLM_UNREACHABLE",
            message: "The provider of the default model could not be reached (ETIMEDOUT).",
          },
          retried: true,
        }
      : {
          error: {
            code: "LLM_FAILED",
            message:
              "The default model failed: the request is larger than the model's context window (HTTP 400)",
          },
          retried: false,
        };
  return {
    error: { code: "STEP_FAILED", message: "The step failed (recorded with the demo's history)" },
    retried: false,
  };
}

/** Splits `total` into integer parts by `weights` (the parts add up to `total`). */
function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map((_, i) => (i === weights.length - 1 ? total : 0));
  let given = 0;
  let weightSoFar = 0;
  return weights.map((w) => {
    weightSoFar += w;
    const upTo = Math.round((total * weightSoFar) / sum);
    const part = upTo - given;
    given = upTo;
    return part;
  });
}

/** One run's steps and stored events, from the plan of the version it ran. */
export function demoRunRecord(plan: Plan, facts: DemoRunFacts): DemoRunRecord {
  const rng = createRng((facts.seed * 7919 + facts.index * 104_729 + 17) >>> 0);
  const input = (INPUTS[facts.workflow] ?? (() => ({})))(rng);
  const ticket = TICKETS.find((t) => t.ticket === (input as unknown));
  const approved = rng() < 0.85;

  // Which steps run, in plan order (a chain or one branch of a router or an approval).
  type Ran = { step: PlanStep; port: string; skipped: boolean };
  const ran: Ran[] = [];
  const ports = new Map<string, string>();
  for (const step of plan.steps) {
    if (step.isFallback) continue;
    const live = step.inputs.some((i) => ports.get(i.step) === i.port);
    if (step.inputs.length > 0 && !live) {
      ran.push({ step, port: "", skipped: true });
      continue;
    }
    const port =
      step.kind === "router"
        ? (ticket?.branch ?? "default")
        : step.kind === "human-approval"
          ? approved
            ? "approved"
            : "rejected"
          : "out";
    ports.set(step.id, port);
    ran.push({ step, port, skipped: false });
  }

  // Where a failed run stopped: its first step when it failed at once, else one of the steps
  // that call a model or a tool (or, in a workflow without any, one of its transforms).
  let failAt = -1;
  if (!facts.success) {
    const candidates = ran
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => !r.skipped)
      .filter(({ r }) =>
        ran.some((x) => !x.skipped && isCalling(x.step))
          ? isCalling(r.step)
          : r.step.kind === "transform",
      );
    failAt = facts.failedFast ? candidates[0]!.i : pick(rng, candidates).i;
  }
  // In the order the runtime settles them: a branch not taken is skipped as soon as the step it
  // hangs from settles; a failed run goes no further than its failing step.
  const steps: Ran[] = [];
  const placed = new Set<string>();
  const place = (r: Ran) => {
    steps.push(r);
    placed.add(r.step.id);
    for (const next of ran)
      if (next.skipped && !placed.has(next.step.id))
        if (next.step.inputs.every((i) => placed.has(i.step))) place(next);
  };
  for (const [i, r] of ran.entries()) {
    if (r.skipped || (failAt >= 0 && i > failAt)) continue;
    place(r);
    if (i === failAt) break;
  }
  const failing = failAt >= 0 ? ran[failAt]!.step : null;
  steps.splice(failing ? steps.findIndex((r) => r.step === failing) + 1 : steps.length);

  // Time: pure steps take a few ms; the rest of the run goes to the calling steps by weight, or
  // to the wait for a person before an approval step, or (no such step) is shared by all.
  const working = steps.filter((r) => !r.skipped);
  const approval = working.find((r) => r.step.kind === "human-approval");
  const heavy = working.filter((r) => isCalling(r.step));
  const quick = new Map(
    working.map((r) => [r.step.id, heavy.length || approval ? 1 + Math.floor(rng() * 4) : 0]),
  );
  const quickTotal = [...quick.values()].reduce((a, b) => a + b, 0);
  const slack = Math.max(0, facts.durationMs - quickTotal);
  const heavyMs = split(
    heavy.length ? slack : 0,
    heavy.map((r) => weightOf(r.step) * Math.exp(0.15 * (rng() - 0.5))),
  );
  heavy.forEach((r, i) => quick.set(r.step.id, quick.get(r.step.id)! + heavyMs[i]!));
  if (!heavy.length && !approval) {
    const shares = split(
      facts.durationMs,
      working.map((r) => (r.step.kind === "transform" ? 3 : 1)),
    );
    working.forEach((r, i) => quick.set(r.step.id, shares[i]!));
  }
  const waitMs = approval && !heavy.length ? slack : 0;

  // Tokens and cost: the run's, shared by the steps that call a model.
  const tokenSteps = working.filter((r) => TOKEN_WEIGHT[r.step.kind]);
  const tokenWeights = tokenSteps.map((r) => TOKEN_WEIGHT[r.step.kind]!);
  const inputTokens = split(facts.inputTokens, tokenWeights);
  const outputTokens = split(facts.outputTokens, tokenWeights);
  const totalTokens = facts.inputTokens + facts.outputTokens;
  const usage = new Map(
    tokenSteps.map((r, i) => {
      const tokens = inputTokens[i]! + outputTokens[i]!;
      return [
        r.step.id,
        {
          inputTokens: inputTokens[i]!,
          outputTokens: outputTokens[i]!,
          costUsd: totalTokens ? (facts.costUsd * tokens) / totalTokens : 0,
        },
      ];
    }),
  );
  const noUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

  const { runId, tenantId } = facts;
  const start = facts.startedAt;
  const end = start + facts.durationMs;
  const events: RunEvent[] = [{ type: "run.queued", runId, at: start }];
  const rows: StepRunInsert[] = [];
  const outputs = new Map<string, unknown>();
  const approvals: DemoRunRecord["approvals"] = {};
  const stepCount = plan.steps.filter((s) => !s.isFallback).length;
  events.push({
    type: "run.started",
    runId,
    at: start,
    stepCount,
    resumed: false,
    restoredSteps: 0,
  });
  const totalsUpTo = () => {
    const sum = rows.reduce(
      (t, r) => ({
        inputTokens: t.inputTokens + (r.inputTokens ?? 0),
        outputTokens: t.outputTokens + (r.outputTokens ?? 0),
        costUsd: t.costUsd + (r.costUsd ?? 0),
      }),
      noUsage,
    );
    return {
      usage: { inputTokens: sum.inputTokens, outputTokens: sum.outputTokens },
      costUsd: sum.costUsd,
    };
  };

  const lastWorking = steps.findLastIndex((r) => !r.skipped);
  let clock = start;
  let value: unknown = input;
  let runError: RunError | null = null;
  for (const [i, { step, port, skipped }] of steps.entries()) {
    const base = { runId, stepId: step.id };
    if (skipped) {
      events.push({ type: "step.skipped", ...base, at: clock, reason: "No incoming branch ran" });
      rows.push({
        ...base,
        tenantId,
        kind: null,
        status: "skipped",
        finishedAt: new Date(clock),
      });
      continue;
    }
    if (step.kind === "human-approval") {
      // The run waits for a person (stored as run.waiting), then a decision puts it back in the queue.
      const message = render(step.config.message, { input }) as string;
      events.push({
        type: "run.waiting",
        runId,
        at: clock,
        durationMs: clock - start,
        ...totalsUpTo(),
        waitingFor: [
          { stepId: step.id, message, approvers: step.config.approvers, reason: "approval" },
        ],
      });
      clock += waitMs;
      const decision = {
        approved,
        ...(facts.approver ? { decidedBy: facts.approver } : {}),
        ...(approved ? {} : { comment: "Please use the travel budget for this." }),
      };
      approvals[step.id] = decision;
      events.push({ type: "run.queued", runId, at: clock });
      events.push({
        type: "run.started",
        runId,
        at: clock,
        stepCount,
        resumed: true,
        restoredSteps: rows.filter((r) => r.status === "completed").length,
      });
    }
    const last = i === lastWorking;
    const stepStart = clock;
    const stepEnd = last ? end : Math.min(end, clock + quick.get(step.id)!);
    const used = usage.get(step.id) ?? noUsage;
    events.push({ type: "step.started", ...base, at: stepStart, kind: step.kind, attempt: 1 });
    let attempts = 1;
    if (step === failing) {
      // Retried after its backoff delays (1 s, then 2 s) when the step had the time for them.
      const tries = step.retry.maxAttempts;
      const delays = Array.from({ length: tries - 1 }, (_, k) =>
        Math.min(step.retry.maxDelayMs, step.retry.initialDelayMs * step.retry.factor ** k),
      );
      const waited = delays.reduce((a, b) => a + b, 0);
      const { error, retried } = failureOf(
        step,
        facts.failedFast,
        tries > 1 && stepEnd - stepStart > waited + 1_000,
      );
      if (retried) {
        const share = (stepEnd - stepStart - waited) / tries;
        let at = stepStart;
        for (let attempt = 2; attempt <= tries; attempt++) {
          const delayMs = delays[attempt - 2]!;
          at = Math.round(at + share);
          events.push({ type: "step.retrying", ...base, at, attempt, delayMs, error });
          at += delayMs;
          events.push({ type: "step.started", ...base, at, kind: step.kind, attempt });
        }
        attempts = tries;
      }
      events.push({
        type: "step.failed",
        ...base,
        at: stepEnd,
        durationMs: stepEnd - stepStart,
        usage: { inputTokens: used.inputTokens, outputTokens: used.outputTokens },
        costUsd: used.costUsd,
        attempt: attempts,
        error,
      });
      rows.push({
        ...base,
        tenantId,
        kind: step.kind,
        status: "failed",
        attempts,
        error,
        startedAt: new Date(stepStart),
        finishedAt: new Date(stepEnd),
        durationMs: stepEnd - stepStart,
        ...used,
      });
      runError = { ...error, stepId: step.id };
      break;
    }
    let output: unknown;
    switch (step.kind) {
      case "input":
        output = input;
        break;
      case "transform":
        output = render(step.config.template, { input, value, steps: {} });
        break;
      case "output":
        output = step.config.value === null ? value : render(step.config.value, { input, value });
        break;
      case "human-approval":
        output = {
          approved,
          comment: approvals[step.id]!.comment ?? null,
          decidedBy: facts.approver,
          value,
        };
        break;
      case "router":
        output = value;
        break;
      default:
        output = callingOutput(step, input, ticket?.reply ?? "");
    }
    events.push({
      type: "step.completed",
      ...base,
      at: stepEnd,
      durationMs: stepEnd - stepStart,
      usage: { inputTokens: used.inputTokens, outputTokens: used.outputTokens },
      costUsd: used.costUsd,
      output,
      port,
      attempts,
      pinned: false,
    });
    rows.push({
      ...base,
      tenantId,
      kind: step.kind,
      status: "completed",
      attempts,
      output,
      port,
      startedAt: new Date(stepStart),
      finishedAt: new Date(stepEnd),
      durationMs: stepEnd - stepStart,
      ...used,
    });
    outputs.set(step.id, output);
    value = output;
    clock = stepEnd;
  }

  const totals = { durationMs: facts.durationMs, ...totalsUpTo() };
  let runOutput: Record<string, unknown> | null = null;
  if (runError) events.push({ type: "run.failed", runId, at: end, ...totals, error: runError });
  else {
    runOutput = Object.fromEntries(
      plan.outputs.filter((o) => outputs.has(o.step)).map((o) => [o.name, outputs.get(o.step)]),
    );
    events.push({ type: "run.completed", runId, at: end, ...totals, output: runOutput });
  }
  return { input, output: runOutput, error: runError, approvals, steps: rows, events };
}
