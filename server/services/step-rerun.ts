import { randomUUID } from "node:crypto";
import { z } from "zod";
import { AppError, notFound } from "@/engine/errors";
import { createMemoryRunStore } from "@/engine/runtime/memory-ports";
import type { Clock, LlmPort, StepRecord, ToolPort } from "@/engine/runtime/ports";
import { runPlan } from "@/engine/runtime/run-plan";
import { isCallingStep, type Plan, type PlanStep } from "@/engine/schema/plan";
import type { RunError, TokenUsage } from "@/engine/schema/run-events";
import * as repo from "@/server/repositories/runs";
import { loadStepRecords } from "@/server/repositories/step-runs";
import { insertAuditLog } from "@/server/repositories/audit";
import { toAuditEntry } from "./audit";
import type { TenantContext } from "./context";
import { assertCanStartRun } from "./tenant-limits";
import { loadVersionPlan } from "./version-plans";

/**
 * "Re-run this step" (issue 17, debugging from a result): one node of a finished run executed again
 * through the engine, with the inputs it had (or edited ones), without running the rest of the
 * workflow. The step's captured inputs are the run's input and the outputs of the steps it depends
 * on; the re-run builds a plan of just those steps, restored from a memory store as if already done
 * (so they never execute), plus the step itself (and its fallback), and runs it with the tenant's
 * LLM and tool ports. Nothing is written to the original run and no new run is stored: the answer
 * (output, error, tokens, cost, duration) goes back to the caller, and the re-run is audited
 * (`run.rerunStep`, with its tokens and cost) since it may call models and tools. A step that
 * calls a model or a tool is refused, as a run start is, when the tenant is suspended or over its
 * limits; its tokens are not added to the tenant's usage (which is counted from runs).
 */

export const stepRefInput = z.object({ runId: z.uuid(), stepId: z.string().min(1).max(200) });

export const rerunStepInput = stepRefInput.extend({
  /** Edited inputs; the captured ones when absent. `steps` may name only the step's own dependencies. */
  inputs: z
    .object({ input: z.unknown(), steps: z.record(z.string().max(200), z.unknown()) })
    .optional(),
});
export type RerunStepInput = z.infer<typeof rerunStepInput>;

/** What a re-run needs of the process: the tenant's ports, as the run executor has them. */
export interface StepRerunDeps {
  llm: (tenantId: string) => LlmPort | undefined;
  tools: (tenantId: string) => ToolPort | undefined;
  clock: Clock;
  /** The platform's cap on a tenant's runs at once (the tenant's limits are checked before a step that calls a model or tool). */
  maxActiveRunsPerTenant: number;
}

/** The most a re-run may take before it is stopped. */
const RERUN_TIMEOUT_MS = 5 * 60_000;

async function loadRunStep(ctx: TenantContext, runId: string, stepId: string) {
  const run = await repo.findRun(ctx.db, ctx.tenant.id, runId);
  if (!run) throw notFound("run", runId);
  const plan = await loadVersionPlan(ctx.db, ctx.tenant.id, run.versionId);
  if (!plan)
    throw new AppError(
      "CONFLICT",
      "The version this run used has no plan that loads: it cannot be re-run",
    );
  const step = plan.steps.find((s) => s.id === stepId);
  if (!step) throw notFound("step", stepId);
  // Plan steps only: a child step (an orchestrator's worker) runs again with its parent.
  const records = (await loadStepRecords(ctx.db, run.id)).filter((r) => !r.parentStepId);
  return { run, plan, step, records: new Map(records.map((r) => [r.stepId, r])) };
}

/** The steps whose outputs a step reads: its incoming edges and the steps it waits for (which its templates may name). */
const dependenciesOf = (step: PlanStep) => [
  ...new Set([...step.inputs.map((link) => link.step), ...step.dependsOn]),
];

/**
 * A step's captured inputs in a finished run: the run's input and the output of each step it
 * depends on that completed (a dependency that was skipped or failed is left out).
 */
export async function getStepInputs(ctx: TenantContext, ref: z.infer<typeof stepRefInput>) {
  const { run, step, records } = await loadRunStep(ctx, ref.runId, ref.stepId);
  const steps: Record<string, unknown> = {};
  for (const id of dependenciesOf(step)) {
    const record = records.get(id);
    if (record) steps[id] = record.output;
  }
  const own = records.get(step.id);
  return {
    kind: step.kind,
    label: step.label,
    inputs: { input: run.input ?? null, steps },
    /** The step's output in the run, for the comparison (null when it did not complete). */
    previous: own ? { output: own.output, port: own.port } : null,
  };
}

export type StepRerunResult = {
  stepId: string;
  status: "completed" | "failed";
  output: unknown;
  port: string | null;
  error: RunError | null;
  usage: TokenUsage;
  costUsd: number;
  unpricedTokens: number;
  durationMs: number;
};

/** A plan holding only the step, its completed dependencies (restored, never run) and its fallback. */
function planForStep(
  plan: Plan,
  step: PlanStep,
  given: Record<string, unknown>,
  records: Map<string, StepRecord>,
): { plan: Plan; restored: StepRecord[] } {
  const dependencies = dependenciesOf(step);
  for (const id of Object.keys(given)) {
    if (!dependencies.includes(id))
      throw new AppError("INVALID_INPUT", `"${id}" is not a step that "${step.id}" reads from`, {
        field: "inputs",
      });
  }
  const kept = dependencies.filter((id) => Object.hasOwn(given, id));
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const restored = kept.map((id) => ({
    stepId: id,
    output: given[id],
    // The edge into the step leaves by the port the dependency chose in the run.
    port: records.get(id)?.port ?? step.inputs.find((link) => link.step === id)?.port ?? "out",
    attempts: 1,
    startedAt: 0,
    finishedAt: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
  }));
  const inputs = step.inputs.filter((link) => kept.includes(link.step));
  if (step.inputs.length > 0 && inputs.length === 0) {
    throw new AppError(
      "INVALID_INPUT",
      `None of the steps leading into "${step.id}" has an output: give one under "steps"`,
      { field: "inputs" },
    );
  }
  const standalone = (s: PlanStep): PlanStep => ({
    ...s,
    inputs: [],
    dependsOn: [],
    fallback: null,
    isFallback: false,
  });
  const fallback = step.fallback ? byId.get(step.fallback) : undefined;
  const steps: PlanStep[] = [
    ...kept.map((id) => standalone(byId.get(id)!)),
    {
      ...step,
      inputs,
      dependsOn: step.dependsOn.filter((id) => kept.includes(id)),
      isFallback: false,
      fallback: fallback ? fallback.id : null,
    },
    ...(fallback ? [{ ...standalone(fallback), inputs: [], isFallback: true }] : []),
  ];
  // No input schema: the input may have been edited on purpose; no outputs: the step's own answer is read from its events.
  return { plan: { ...plan, inputSchema: null, outputs: [], steps }, restored };
}

/**
 * Runs one step of a finished run again with its captured (or edited) inputs and answers its
 * output, or its error, with tokens, cost and duration. The original run is left as it was.
 */
export async function rerunStep(
  ctx: TenantContext,
  deps: StepRerunDeps,
  input: RerunStepInput,
): Promise<StepRerunResult> {
  const { run, plan, step, records } = await loadRunStep(ctx, input.runId, input.stepId);
  if (step.kind === "human-approval")
    throw new AppError(
      "INVALID_INPUT",
      "An approval step waits for a person: there is nothing to re-run",
      { field: "stepId" },
    );
  if (isCallingStep(step.kind, step.config))
    await assertCanStartRun(ctx, deps.maxActiveRunsPerTenant);
  const captured = input.inputs ?? (await getStepInputs(ctx, input)).inputs;
  const mini = planForStep(plan, step, captured.steps, records);
  const rerunId = randomUUID();
  const store = createMemoryRunStore();
  for (const record of mini.restored) await store.saveStepRecord(rerunId, record);

  const signal = AbortSignal.timeout(RERUN_TIMEOUT_MS);
  const llm = deps.llm(ctx.tenant.id);
  const tools = deps.tools(ctx.tenant.id);
  const started = deps.clock.now();
  let result: StepRerunResult | undefined;
  let runError: RunError | undefined;
  for await (const event of runPlan(
    mini.plan,
    captured.input,
    { ...(llm ? { llm } : {}), ...(tools ? { tools } : {}), clock: deps.clock, store },
    { runId: rerunId, signal },
  )) {
    if (
      (event.type === "step.completed" || event.type === "step.failed") &&
      event.stepId === step.id &&
      !event.parentStepId
    ) {
      const failed = event.type === "step.failed";
      // A failure with a fallback is followed by the fallback's answer, reported as the step's completion.
      if (failed && event.fallbackStepId) continue;
      result = {
        stepId: step.id,
        status: failed ? "failed" : "completed",
        output: failed ? null : event.output,
        port: failed ? null : event.port,
        error: failed ? event.error : null,
        usage: event.usage,
        costUsd: event.costUsd,
        unpricedTokens: event.unpricedTokens ?? 0,
        durationMs: event.durationMs,
      };
    }
    if (event.type === "run.failed") runError = event.error;
    if (event.type === "run.cancelled")
      runError = { code: "CANCELLED", message: `The re-run was stopped: ${event.reason}` };
  }
  result ??= {
    stepId: step.id,
    status: "failed",
    output: null,
    port: null,
    error: runError ?? {
      code: "NOT_RUN",
      message: "The step did not run (none of its incoming branches was live)",
    },
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    unpricedTokens: 0,
    durationMs: deps.clock.now() - started,
  };
  await insertAuditLog(
    ctx.db,
    toAuditEntry(ctx, {
      action: "run.rerunStep",
      targetType: "run",
      targetId: run.id,
      metadata: {
        stepId: step.id,
        kind: step.kind,
        edited: input.inputs !== undefined,
        status: result.status,
        tokens: result.usage.inputTokens + result.usage.outputTokens,
        costUsd: result.costUsd,
      },
    }),
  );
  return result;
}
