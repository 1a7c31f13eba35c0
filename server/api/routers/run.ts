import { tracked } from "@trpc/server";
import { z } from "zod";
import { RUN_STATUSES, RUN_TRIGGERS } from "@/db/schema";
import { INTERRUPTION_DECISIONS } from "@/engine/runtime/run-options";
import { pageInput } from "@/server/repositories/pagination";
import { elicitationAnswerSchema } from "@/server/mcp/elicitation";
import * as runElicitation from "@/server/services/run-elicitation";
import * as runs from "@/server/services/runs";
import { idempotencyKeyInput } from "@/server/services/runs";
import { liveRunEvents } from "@/server/services/run-stream";
import * as stepRerun from "@/server/services/step-rerun";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();
const pinned = z.record(z.string(), z.object({ output: z.unknown(), port: z.string().optional() }));

export const runRouter = router({
  list: permissionProcedure("run.view")
    .input(
      pageInput.extend({
        workflowId: id.optional(),
        status: z.array(z.enum(RUN_STATUSES)).max(6).optional(),
        startedBy: id.optional(),
        trigger: z.array(z.enum(RUN_TRIGGERS)).max(RUN_TRIGGERS.length).optional(),
        since: z.date().optional(),
        until: z.date().optional(),
      }),
    )
    .query(({ ctx, input }) => runs.listRuns(ctx, input)),

  /** A run with its steps, and the plan it ran unless `plan: false` (the REST API shows no plan). */
  get: permissionProcedure("run.view")
    .input(z.object({ id, plan: z.boolean().default(true) }))
    .query(({ ctx, input }) => runs.getRun(ctx, input.id, { plan: input.plan })),

  /** A run's stored events in order, a page at a time (`cursor`: the last id seen), for the step-by-step debugger. */
  events: permissionProcedure("run.view")
    .input(
      z.object({
        id,
        cursor: z.number().int().min(0).nullish(),
        limit: z.number().int().min(1).max(1000).default(1000),
      }),
    )
    .query(({ ctx, input }) =>
      runs.listEventsOfRun(ctx, input.id, {
        afterId: input.cursor ?? undefined,
        limit: input.limit,
      }),
    ),

  start: permissionProcedure("workflow.run")
    .input(
      z.object({
        workflowId: id,
        versionId: id.optional(),
        draft: z.boolean().optional(),
        input: z.unknown(),
        pinnedOutputs: pinned.optional(),
        /** A repeat with the same key within 24 hours gets the first run back. */
        idempotencyKey: idempotencyKeyInput.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      runs.startRun(ctx, (await ctx.runSystem()).runDeps, {
        ...input,
        trigger: ctx.meta.apiToken ? "api" : "manual",
        followed: ctx.followsRuns,
      }),
    ),

  cancel: permissionProcedure("run.cancel")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) =>
      runs.cancelRun(ctx, (await ctx.runSystem()).runDeps, input.id),
    ),

  retry: permissionProcedure("workflow.run")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) =>
      runs.retryRun(ctx, (await ctx.runSystem()).runDeps, input.id),
    ),

  decide: permissionProcedure("run.approve")
    .input(
      z.object({
        runId: id,
        stepId: z.string().min(1).max(200),
        approved: z.boolean(),
        comment: z.string().max(2000).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      runs.decideApproval(ctx, (await ctx.runSystem()).runDeps, input),
    ),

  /** Questions tools' servers ask during running steps (MCP elicitation), for the approvals inbox. */
  questions: permissionProcedure("run.view").query(({ ctx }) =>
    runElicitation.listRunQuestions(ctx),
  ),

  /** Answers a step's open question: accept with the form's content, decline or cancel. */
  answerElicitation: permissionProcedure("run.approve")
    .input(
      z.object({
        runId: id,
        key: z.uuid(),
        answer: elicitationAnswerSchema,
      }),
    )
    .mutation(async ({ ctx, input }) =>
      runElicitation.answerElicitation(ctx, (await ctx.runSystem()).runDeps, input),
    ),

  /** Retry, skip or fail a step the run waits at because it was interrupted and is not safe to repeat. */
  resolveInterrupted: permissionProcedure("workflow.run")
    .input(
      z.object({
        runId: id,
        stepId: z.string().min(1).max(200),
        action: z.enum(INTERRUPTION_DECISIONS),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      runs.resolveInterruptedStep(ctx, (await ctx.runSystem()).runDeps, input),
    ),

  /** A step's captured inputs in a run (the run's input, the outputs of the steps it reads) and its output then. */
  stepInputs: permissionProcedure("run.view")
    .input(stepRerun.stepRefInput)
    .query(({ ctx, input }) => stepRerun.getStepInputs(ctx, input)),

  /** Runs one step of a run again (captured or edited inputs) without the rest of the workflow; stores no run. */
  rerunStep: permissionProcedure("workflow.edit")
    .input(stepRerun.rerunStepInput)
    .mutation(async ({ ctx, input }) => {
      const system = await ctx.runSystem();
      return stepRerun.rerunStep(
        ctx,
        { ...system.executor, maxActiveRunsPerTenant: system.runDeps.maxActiveRunsPerTenant },
        input,
      );
    }),

  /**
   * Live run events of my tenant (or of one run) over SSE. On reconnect the client sends the id of
   * the last event it got and receives what it missed first.
   */
  live: permissionProcedure("run.view")
    .input(
      z.object({ runId: id.optional(), lastEventId: z.coerce.number().int().min(0).nullish() }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const { bus } = await ctx.runSystem();
      for await (const message of liveRunEvents(ctx, bus, {
        runId: input.runId,
        lastEventId: input.lastEventId,
        signal,
      })) {
        yield tracked(String(message.id), message);
      }
    }),
});
