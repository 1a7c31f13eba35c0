import { z } from "zod";
import * as evaluations from "@/server/services/evaluations";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();

/** Evaluations of a dataset version against a workflow version or the draft (issue 17). */
export const evaluationRouter = router({
  list: permissionProcedure("workflow.view")
    .input(
      z.object({
        workflowId: id,
        datasetId: id.optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => evaluations.listEvaluations(ctx, input)),

  /** An evaluation with its progress, summary and items (output, scores with reasons, tokens, cost, duration, run). */
  get: permissionProcedure("workflow.view")
    .input(z.object({ id }))
    .query(({ ctx, input }) => evaluations.getEvaluation(ctx, input.id)),

  /** Starts running the dataset's items (at most `concurrency` runs at once); answers at once. */
  start: permissionProcedure("workflow.edit")
    .input(evaluations.startEvaluationInput)
    .mutation(async ({ ctx, input }) => {
      const system = await ctx.runSystem();
      return evaluations.startEvaluation(
        ctx,
        { runDeps: system.runDeps, llm: system.executor.llm },
        input,
      );
    }),

  /** Stops starting items and cancels the runs in flight; finished items are kept. */
  cancel: permissionProcedure("workflow.edit")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) =>
      evaluations.cancelEvaluation(ctx, { runDeps: (await ctx.runSystem()).runDeps }, input.id),
    ),

  /** Two evaluations of one dataset version side by side: regressions first, intervals, cost and latency deltas. */
  compare: permissionProcedure("workflow.view")
    .input(
      z.object({ baseId: id, candidateId: id, tolerance: z.number().min(0).max(1).optional() }),
    )
    .query(({ ctx, input }) => evaluations.compare(ctx, input)),
});
